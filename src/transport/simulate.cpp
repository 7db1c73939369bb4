#include "mnsim/transport/simulate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "mnsim/core/error.hpp"

namespace mnsim::transport {

Trace run_time_loop(Integrator& integ, const Donor& donor, const OpenFraction& open,
                    const RunOptions& opt, int n_groups,
                    const std::function<void(double t_s)>& sampled, long* steps_taken) {
  if (!(opt.horizon_s > 0) || opt.steps < 1)
    throw NumericalError("transport: horizon and step count must be positive");
  const double dt = opt.horizon_s / opt.steps;
  double f_built = open ? open(0.5 * dt) : 0.0;
  integ.set_open_fraction(f_built);
  Trace tr;
  tr.amount.assign(static_cast<std::size_t>(n_groups), {});
  const int every =
      std::max(1, (opt.steps + opt.max_samples - 2) / std::max(1, opt.max_samples - 1));
  auto sample = [&](double t) {
    tr.time_s.push_back(t);
    const auto a = integ.amounts(n_groups);
    double past = 0;
    for (int g = 0; g < n_groups; ++g) {
      tr.amount[static_cast<std::size_t>(g)].push_back(a[static_cast<std::size_t>(g)]);
      if (g > 0)
        past += a[static_cast<std::size_t>(g)];
    }
    const double out = integ.balance().to_sink + integ.balance().cleared;
    tr.out_rate.push_back(integ.out_rate());
    tr.cumulative_out.push_back(out);
    tr.past_group0.push_back(past + out);
    tr.donor_amount.push_back(integ.donor_amount());
    if (sampled)
      sampled(t);
  };
  const double m0 = integ.tissue_amount() + integ.donor_amount();
  sample(0.0);
  bool damp = true;
  long taken = 0;
  // The step index at which the donor goes (rounded to a step boundary).
  const long off_step = std::isfinite(opt.donor_off_s) ? std::lround(opt.donor_off_s / dt)
                                                       : static_cast<long>(opt.steps) + 1;
  for (long n = 0; n < opt.steps; ++n) {
    if (n == off_step) {
      integ.remove_donor();
      damp = true;
    }
    if (open) {
      const double f = open((static_cast<double>(n) + 0.5) * dt);
      if (std::abs(f - f_built) > opt.refresh_fraction) {
        f_built = f;
        integ.set_open_fraction(f_built);
        ++tr.rebuilds;
      }
    }
    taken += integ.step(dt, damp);
    damp = false;
    if (opt.progress)
      opt.progress(static_cast<double>(n + 1) * dt);
    const long done = n + 1;
    if (done % every == 0 || done == opt.steps)
      sample(static_cast<double>(done) * dt);
  }
  if (steps_taken != nullptr)
    *steps_taken = taken;
  tr.balance = integ.balance();
  const double m1 = integ.tissue_amount() + integ.donor_amount();
  const double residual = m1 - m0 - tr.balance.supplied + tr.balance.to_sink + tr.balance.cleared;
  const double scale = std::max({std::abs(m0), std::abs(m1), std::abs(tr.balance.supplied),
                                 std::abs(tr.balance.to_sink), 1e-300});
  tr.mass_balance_rel_error = std::abs(residual) / scale;
  tr.factorisations = integ.factorisations();
  tr.positivity_fallbacks = integ.positivity_fallbacks();
  double lowest = 0;
  for (double v : integ.u())
    lowest = std::min(lowest, v);
  tr.min_u_rel = lowest / std::max(1e-300, std::abs(donor.concentration));
  if (lowest < -1e-9 * std::max(1.0, donor.concentration))
    throw NumericalError(
        fmt::format("transport: negative concentration ({:.3g} x the donor's; time step too large "
                    "for the data)",
                    tr.min_u_rel));
  return tr;
}

namespace {

// 1D and r-z: Crank-Nicolson on a network rebuilt for each open fraction.
class NetworkIntegrator final : public Integrator {
 public:
  NetworkIntegrator(const Builder& build, const Donor& donor, int damped_substeps,
                    double negative_tol)
      : build_(build),
        donor_(donor),
        damped_substeps_(damped_substeps),
        neg_tol_(negative_tol * std::abs(donor.concentration)) {}
  void set_open_fraction(double f) override {
    disc_ = build_(f);
    if (integ_)
      integ_->set_network(disc_.net);
    else
      integ_.emplace(disc_.net, donor_);
  }
  void remove_donor() override { integ_->remove_donor(); }
  long step(double dt, bool damped) override {
    if (neg_tol_ > 0) {
      const bool redone = integ_->cn_step_positive(dt, damped, damped_substeps_, neg_tol_);
      return damped ? damped_substeps_ : (redone ? 1 + damped_substeps_ : 1);
    }
    integ_->cn_step(dt, damped, damped_substeps_);
    return damped ? damped_substeps_ : 1;
  }
  [[nodiscard]] long factorisations() const override { return integ_->factorisations(); }
  [[nodiscard]] long positivity_fallbacks() const override {
    return integ_->positivity_fallbacks();
  }
  [[nodiscard]] std::vector<double> amounts(int n_groups) const override {
    return integ_->amounts(n_groups);
  }
  [[nodiscard]] const Balance& balance() const override { return integ_->balance(); }
  [[nodiscard]] double out_rate() const override { return integ_->out_rate(); }
  [[nodiscard]] double tissue_amount() const override { return integ_->tissue_amount(); }
  [[nodiscard]] double donor_amount() const override { return integ_->donor_amount(); }
  [[nodiscard]] const std::vector<double>& u() const override { return integ_->u(); }
  [[nodiscard]] const Discretisation& discretisation() const { return disc_; }
  [[nodiscard]] const ThetaIntegrator& theta() const { return *integ_; }

 private:
  const Builder& build_;
  Donor donor_;
  int damped_substeps_;
  double neg_tol_;
  Discretisation disc_;
  std::optional<ThetaIntegrator> integ_;
};

}  // namespace

Trace simulate(const Builder& build, const Donor& donor, const OpenFraction& open,
               const RunOptions& opt, int n_groups, const Observer& observe) {
  NetworkIntegrator integ(build, donor, opt.damped_substeps, opt.negative_tol);
  std::function<void(double)> sampled = nullptr;
  if (observe)
    sampled = [&](double t) { observe(t, integ.discretisation(), integ.theta()); };
  return run_time_loop(integ, donor, open, opt, n_groups, sampled);
}

}  // namespace mnsim::transport
