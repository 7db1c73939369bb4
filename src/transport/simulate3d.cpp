// The 3D time loop: step-doubling control of the Douglas steps and the
// simulate() analogue with channel closing and donor removal.
#include <algorithm>
#include <cmath>
#include <vector>

#include "mnsim/core/error.hpp"
#include "mnsim/transport/cell3d.hpp"

namespace mnsim::transport {

namespace {
using Sz = std::size_t;
Sz sz(int i) {
  return static_cast<Sz>(i);
}
}  // namespace

long Cell3d::advance(double span, bool damped, double rel_tol, double scale, double& h) {
  if (!(span > 0) || !(rel_tol > 0) || !(scale > 0))
    throw NumericalError("transport 3D: bad adaptive step request");
  const double h_min = span * 1e-9;
  if (!(h > 0))
    h = std::min(span, 1e-3 * span);
  long taken = 0;
  double t = 0;
  std::vector<double> u0, full;
  while (t < span * (1 - 1e-12)) {
    const double s = std::min(h, span - t);
    u0 = u_;
    const double d0 = donor_u_;
    const Balance b0 = balance_;
    const bool attached = donor_attached_;
    auto sub = [&](double dt) {
      if (damped)
        step(dt, 1.0);
      else
        step(dt, 0.5);
    };
    sub(s);
    full.swap(u_);
    u_ = u0;
    donor_u_ = d0;
    balance_ = b0;
    sub(0.5 * s);
    sub(0.5 * s);
    taken += 3;
    const Sz plane = sz(n_) * sz(n_);
    std::vector<double> emax(sz(nz_), 0.0);
#pragma omp parallel for schedule(static) if (parallel())
    for (int iz = 0; iz < nz_; ++iz) {
      double e = 0;
      const double* a = &u_[sz(iz) * plane];
      const double* b = &full[sz(iz) * plane];
      for (Sz i = 0; i < plane; ++i)
        e = std::max(e, std::abs(a[i] - b[i]));
      emax[sz(iz)] = e;
    }
    const double err = *std::max_element(emax.begin(), emax.end()) / scale;
    const double grow = err > 0 ? 0.9 * std::cbrt(rel_tol / err) : 4.0;
    if (err <= rel_tol || s <= h_min) {
      t += s;
      damped = false;
      h = s * std::clamp(grow, 0.2, 4.0);
    } else {
      u_ = u0;
      donor_u_ = d0;
      balance_ = b0;
      donor_attached_ = attached;
      h = s * std::clamp(grow, 0.1, 0.9);
    }
  }
  return taken;
}

Trace simulate_3d(Cell3d& cell, const Donor& donor, const OpenFraction& open, const RunOptions& opt,
                  int n_groups, const Observer3d& observe, double rel_tol, long* douglas_steps) {
  if (!(opt.horizon_s > 0) || opt.steps < 1)
    throw NumericalError("transport: horizon and step count must be positive");
  const double dt = opt.horizon_s / opt.steps;
  double f_built = open ? open(0.5 * dt) : 0.0;
  cell.set_open_fraction(f_built);
  Trace tr;
  tr.amount.assign(sz(n_groups), {});
  const int every =
      std::max(1, (opt.steps + opt.max_samples - 2) / std::max(1, opt.max_samples - 1));
  auto sample = [&](double t) {
    tr.time_s.push_back(t);
    const auto a = cell.amounts(n_groups);
    double past = 0;
    for (int g = 0; g < n_groups; ++g) {
      tr.amount[sz(g)].push_back(a[sz(g)]);
      if (g > 0)
        past += a[sz(g)];
    }
    const double out = cell.balance().to_sink + cell.balance().cleared;
    tr.out_rate.push_back(cell.out_rate());
    tr.cumulative_out.push_back(out);
    tr.past_group0.push_back(past + out);
    tr.donor_amount.push_back(cell.donor_amount());
    if (observe)
      observe(t, cell);
  };
  const double m0 = cell.tissue_amount() + cell.donor_amount();
  sample(0.0);
  bool damp = true;
  double h = 0;
  long taken = 0;
  const double conc_scale = std::max(std::abs(donor.concentration), 1e-300);
  const long off_step = std::isfinite(opt.donor_off_s) ? std::lround(opt.donor_off_s / dt)
                                                       : static_cast<long>(opt.steps) + 1;
  for (long k = 0; k < opt.steps; ++k) {
    if (k == off_step) {
      cell.remove_donor();
      damp = true;
      h = 0;
    }
    if (open) {
      const double f = open((static_cast<double>(k) + 0.5) * dt);
      if (std::abs(f - f_built) > opt.refresh_fraction) {
        f_built = f;
        cell.set_open_fraction(f_built);
        ++tr.rebuilds;
      }
    }
    if (rel_tol > 0) {
      taken += cell.advance(dt, damp, rel_tol, conc_scale, h);
    } else {
      cell.cn_step(dt, damp, opt.damped_substeps);
      taken += damp ? opt.damped_substeps : 1;
    }
    damp = false;
    const long done = k + 1;
    if (done % every == 0 || done == opt.steps)
      sample(static_cast<double>(done) * dt);
  }
  if (douglas_steps != nullptr)
    *douglas_steps = taken;
  tr.balance = cell.balance();
  const double m1 = cell.tissue_amount() + cell.donor_amount();
  const double residual = m1 - m0 - tr.balance.supplied + tr.balance.to_sink + tr.balance.cleared;
  const double scale = std::max({std::abs(m0), std::abs(m1), std::abs(tr.balance.supplied),
                                 std::abs(tr.balance.to_sink), 1e-300});
  tr.mass_balance_rel_error = std::abs(residual) / scale;
  for (double v : cell.u()) {
    if (v < -1e-9 * std::max(1.0, donor.concentration))
      throw NumericalError("transport: negative concentration (time step too large for the data)");
  }
  return tr;
}

}  // namespace mnsim::transport
