#include "mnsim/transport/network.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>

#include "mnsim/core/error.hpp"

namespace mnsim::transport {

int Network::add_node(double cap, double clear, int grp) {
  capacity.push_back(cap);
  clearance.push_back(clear);
  to_donor.push_back(0.0);
  to_sink.push_back(0.0);
  group.push_back(grp);
  return static_cast<int>(capacity.size()) - 1;
}

void Network::check() const {
  const std::size_t n = capacity.size();
  if (clearance.size() != n || to_donor.size() != n || to_sink.size() != n || group.size() != n)
    throw NumericalError("transport network: inconsistent node arrays");
  for (std::size_t i = 0; i < n; ++i) {
    if (!(capacity[i] > 0) || !std::isfinite(capacity[i]) || !(clearance[i] >= 0) ||
        !(to_donor[i] >= 0) || !(to_sink[i] >= 0) || !std::isfinite(clearance[i]) ||
        !std::isfinite(to_donor[i]) || !std::isfinite(to_sink[i]))
      throw NumericalError("transport network: node " + std::to_string(i) +
                           " has a non-positive capacity or a negative/non-finite coefficient");
  }
  for (const auto& e : edges) {
    if (e.i < 0 || e.j < 0 || static_cast<std::size_t>(e.i) >= n ||
        static_cast<std::size_t>(e.j) >= n || e.i == e.j || !(e.g >= 0) || !std::isfinite(e.g))
      throw NumericalError("transport network: bad edge");
  }
}

double face_conductance(double a, double h1, double dk1, double h2, double dk2) {
  const double r = 0.5 * h1 / dk1 + 0.5 * h2 / dk2;
  return a / r;
}

struct ThetaIntegrator::Factor {
  Eigen::SparseMatrix<double> a;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt;
  std::vector<int> pattern;  // the (i, j) structure the analysis was made for
  double dt = -1;
  double theta = -1;
  long version = -1;  // network version the numbers were computed for
};

ThetaIntegrator::ThetaIntegrator(const Network& network, const Donor& donor)
    : net_(network), donor_(donor), donor_u_(donor.concentration), u_(network.size(), 0.0) {
  net_.check();
  if (donor_.finite && !(donor_.capacity > 0))
    throw NumericalError("transport: a finite donor needs a positive volume");
  for (auto& f : factor_)
    f = std::make_unique<Factor>();
}

ThetaIntegrator::~ThetaIntegrator() = default;

void ThetaIntegrator::set_network(const Network& network) {
  if (network.size() != net_.size())
    throw NumericalError("transport: set_network changed the node count");
  net_ = network;
  net_.check();
  ++network_version_;
}

void ThetaIntegrator::remove_donor() {
  if (!donor_attached_)
    return;
  donor_attached_ = false;
  ++network_version_;
}

ThetaIntegrator::Factor& ThetaIntegrator::factor_for(double dt, double theta) {
  for (auto& f : factor_) {
    if (f->version == network_version_ && f->dt == dt && f->theta == theta)
      return *f;
  }
  // Prefer a slot holding stale numbers; otherwise the older of the two.
  int slot = next_slot_;
  for (int s = 0; s < 2; ++s) {
    if (factor_[s]->version != network_version_) {
      slot = s;
      break;
    }
  }
  next_slot_ = 1 - slot;
  Factor& f = *factor_[slot];
  assemble(f, dt, theta);
  return f;
}

void ThetaIntegrator::assemble(Factor& f, double dt, double theta) {
  const int n = static_cast<int>(net_.size());
  const bool fin = donor_.finite;
  const int m = n + (fin ? 1 : 0);
  const int d = n;  // the finite donor's index
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(static_cast<std::size_t>(m + 4 * net_.edges.size() + 2 * n));
  // The structure is the same whether the donor is attached or not (explicit
  // zeros), so one symbolic analysis serves the whole run.
  std::vector<int> pattern;
  pattern.reserve(2 * net_.edges.size() + static_cast<std::size_t>(n) + 1);
  pattern.push_back(m);
  const double w = theta * dt;
  const double wd = donor_attached_ ? w : 0.0;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const double diag =
        net_.capacity[k] + w * (net_.to_sink[k] + net_.clearance[k]) + wd * net_.to_donor[k];
    if (fin && net_.to_donor[k] > 0) {
      t.emplace_back(i, d, -wd * net_.to_donor[k]);
      t.emplace_back(d, i, -wd * net_.to_donor[k]);
      pattern.push_back(-1 - i);
    }
    t.emplace_back(i, i, diag);
  }
  if (fin) {
    double diag = donor_.capacity;
    for (int i = 0; i < n; ++i)
      diag += wd * net_.to_donor[static_cast<std::size_t>(i)];
    t.emplace_back(d, d, diag);
  }
  for (const auto& e : net_.edges) {
    t.emplace_back(e.i, e.i, w * e.g);
    t.emplace_back(e.j, e.j, w * e.g);
    t.emplace_back(e.i, e.j, -w * e.g);
    t.emplace_back(e.j, e.i, -w * e.g);
    pattern.push_back(e.i);
    pattern.push_back(e.j);
  }
  f.a.resize(m, m);
  f.a.setFromTriplets(t.begin(), t.end());
  if (pattern != f.pattern) {
    f.ldlt.analyzePattern(f.a);
    f.pattern = std::move(pattern);
  }
  f.ldlt.factorize(f.a);
  ++factorisations_;
  if (f.ldlt.info() != Eigen::Success)
    throw NumericalError("transport: the implicit system could not be factorised");
  f.dt = dt;
  f.theta = theta;
  f.version = network_version_;
}

void ThetaIntegrator::step(double dt, double theta) {
  if (!(dt > 0) || theta < 0.5 || theta > 1.0)
    throw NumericalError("transport: bad time step or theta");
  Factor& fac = factor_for(dt, theta);
  const int n = static_cast<int>(net_.size());
  const bool fin = donor_.finite;
  const int m = n + (fin ? 1 : 0);
  const bool on = donor_attached_;
  const double cd = fin ? donor_u_ : donor_.concentration;
  // rhs = C u0 - (1-theta) dt L u0 + dt s
  Eigen::VectorXd lu = Eigen::VectorXd::Zero(m);
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    lu[i] += (net_.to_sink[k] + net_.clearance[k]) * u_[k];
    if (on) {
      if (fin) {
        lu[i] += net_.to_donor[k] * (u_[k] - cd);
        lu[n] += net_.to_donor[k] * (cd - u_[k]);
      } else {
        lu[i] += net_.to_donor[k] * u_[k];
      }
    }
  }
  for (const auto& e : net_.edges) {
    const double f = e.g * (u_[static_cast<std::size_t>(e.i)] - u_[static_cast<std::size_t>(e.j)]);
    lu[e.i] += f;
    lu[e.j] -= f;
  }
  Eigen::VectorXd rhs(m);
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    rhs[i] = net_.capacity[k] * u_[k] - (1.0 - theta) * dt * lu[i];
    if (on && !fin)
      rhs[i] += dt * net_.to_donor[k] * cd;
  }
  if (fin)
    rhs[n] = donor_.capacity * donor_u_ - (1.0 - theta) * dt * lu[n];
  const Eigen::VectorXd x = fac.ldlt.solve(rhs);
  // Balance with the scheme's own weights: u_theta = theta u1 + (1-theta) u0.
  double into = 0;
  double sink = 0;
  double clear = 0;
  const double cd1 = fin ? x[n] : cd;
  const double cdt = theta * cd1 + (1.0 - theta) * cd;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const double ut = theta * x[i] + (1.0 - theta) * u_[k];
    if (on)
      into += net_.to_donor[k] * (cdt - ut);
    sink += net_.to_sink[k] * ut;
    clear += net_.clearance[k] * ut;
  }
  balance_.into_tissue += dt * into;
  if (!fin)
    balance_.supplied += dt * into;
  balance_.to_sink += dt * sink;
  balance_.cleared += dt * clear;
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]))
      throw NumericalError("transport: the solution is not finite");
    u_[static_cast<std::size_t>(i)] = x[i];
  }
  if (fin)
    donor_u_ = x[n];
}

void ThetaIntegrator::cn_step(double dt, bool damped, int substeps) {
  if (!damped) {
    step(dt, 0.5);
    return;
  }
  for (int s = 0; s < substeps; ++s)
    step(dt / substeps, 1.0);
}

bool ThetaIntegrator::cn_step_positive(double dt, bool damped, int substeps, double neg_tol) {
  const std::vector<double> u0 = u_;
  const double d0 = donor_u_;
  const Balance b0 = balance_;
  cn_step(dt, damped, substeps);
  double lowest = donor_.finite ? donor_u_ : 0.0;
  for (double v : u_)
    lowest = std::min(lowest, v);
  if (damped || lowest >= -neg_tol)
    return false;
  u_ = u0;
  donor_u_ = d0;
  balance_ = b0;
  cn_step(dt, true, substeps);
  ++positivity_fallbacks_;
  return true;
}

std::vector<double> ThetaIntegrator::amounts(int n_groups) const {
  std::vector<double> a(static_cast<std::size_t>(n_groups), 0.0);
  for (std::size_t i = 0; i < u_.size(); ++i) {
    const int g = net_.group[i];
    if (g >= 0 && g < n_groups)
      a[static_cast<std::size_t>(g)] += net_.capacity[i] * u_[i];
  }
  return a;
}

double ThetaIntegrator::tissue_amount() const {
  double s = 0;
  for (std::size_t i = 0; i < u_.size(); ++i)
    s += net_.capacity[i] * u_[i];
  return s;
}

double ThetaIntegrator::donor_amount() const {
  return donor_.finite ? donor_.capacity * donor_u_ : 0.0;
}

double ThetaIntegrator::out_rate() const {
  double s = 0;
  for (std::size_t i = 0; i < u_.size(); ++i)
    s += (net_.to_sink[i] + net_.clearance[i]) * u_[i];
  return s;
}

}  // namespace mnsim::transport
