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

long Cell3d::advance(double span, bool damped, double rel_tol, double scale, double& h,
                     double point_tol) {
  point_tol = std::max(point_tol, rel_tol);
  if (!(span > 0) || !(rel_tol > 0) || !(scale > 0))
    throw NumericalError("transport 3D: bad adaptive step request");
  const double h_min = span * 1e-9;
  if (!(h > 0))
    h = std::min(span, 1e-3 * span);  // units-ok: a relative first step
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
    // Per row: the largest difference and the area-weighted mean one.
    const Sz plane = sz(n_) * sz(n_);
    std::vector<double> emax(sz(nz_), 0.0), emean(sz(nz_), 0.0);
#pragma omp parallel for schedule(static) if (parallel())
    for (int iz = 0; iz < nz_; ++iz) {
      double e = 0, m = 0;
      const double* a = &u_[sz(iz) * plane];
      const double* b = &full[sz(iz) * plane];
      for (int iy = 0; iy < n_; ++iy) {
        const Sz o = sz(iy) * sz(n_);
        double my = 0;
        for (int ix = 0; ix < n_; ++ix) {
          const double d = std::abs(a[o + sz(ix)] - b[o + sz(ix)]);
          e = std::max(e, d);
          my += d * wd_[sz(ix)];
        }
        m += my * wd_[sz(iy)];
      }
      emax[sz(iz)] = e;
      emean[sz(iz)] = m / area_;
    }
    const double err_mean = *std::max_element(emean.begin(), emean.end()) / (scale * rel_tol);
    const double err_max = *std::max_element(emax.begin(), emax.end()) / (scale * point_tol);
    const double err = std::max(err_mean, err_max);  // accepted when <= 1
    const double grow = err > 0 ? 0.9 * std::cbrt(1.0 / err) : 4.0;
    if (err <= 1.0 || s <= h_min) {
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

namespace {

// The 3D cell: Douglas ADI steps, adaptive (step doubling) when rel_tol > 0.
class CellIntegrator final : public Integrator {
 public:
  CellIntegrator(Cell3d& cell, double rel_tol, double point_tol, double conc_scale,
                 int damped_substeps)
      : cell_(cell),
        rel_tol_(rel_tol),
        point_tol_(point_tol),
        conc_scale_(conc_scale),
        damped_substeps_(damped_substeps) {}
  void set_open_fraction(double f) override {
    cell_.set_open_fraction(f);
    damp_next_ = true;  // the new coefficients' transient: a damped start
  }
  void remove_donor() override {
    cell_.remove_donor();
    h_ = 0;  // restart the step control
  }
  long step(double dt, bool damped) override {
    if (rel_tol_ > 0) {
      const bool damp = damped || damp_next_;
      damp_next_ = false;
      return cell_.advance(dt, damp, rel_tol_, conc_scale_, h_, point_tol_);
    }
    cell_.cn_step(dt, damped, damped_substeps_);
    return damped ? damped_substeps_ : 1;
  }
  [[nodiscard]] std::vector<double> amounts(int n_groups) const override {
    return cell_.amounts(n_groups);
  }
  [[nodiscard]] const Balance& balance() const override { return cell_.balance(); }
  [[nodiscard]] double out_rate() const override { return cell_.out_rate(); }
  [[nodiscard]] double tissue_amount() const override { return cell_.tissue_amount(); }
  [[nodiscard]] double donor_amount() const override { return cell_.donor_amount(); }
  [[nodiscard]] const std::vector<double>& u() const override { return cell_.u(); }

 private:
  Cell3d& cell_;
  double rel_tol_;
  double point_tol_;
  double conc_scale_;
  int damped_substeps_;
  double h_ = 0;  // the adaptive step carried between steps
  bool damp_next_ = false;
};

}  // namespace

Trace simulate_3d(Cell3d& cell, const Donor& donor, const OpenFraction& open, const RunOptions& opt,
                  int n_groups, const Observer3d& observe, double rel_tol, long* douglas_steps,
                  double point_tol) {
  CellIntegrator integ(cell, rel_tol, point_tol, std::max(std::abs(donor.concentration), 1e-300),
                       opt.damped_substeps);
  std::function<void(double)> sampled = nullptr;
  if (observe)
    sampled = [&](double t) { observe(t, cell); };
  return run_time_loop(integ, donor, open, opt, n_groups, sampled, douglas_steps);
}

}  // namespace mnsim::transport
