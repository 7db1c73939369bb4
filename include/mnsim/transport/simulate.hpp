// Runs one discretised problem to a horizon: the time loop around
// ThetaIntegrator, with the channel closing (the network rebuilt when the open
// fraction has moved) and the donor removed at a set time.
#pragma once

#include <functional>
#include <limits>
#include <vector>

#include "mnsim/transport/medium.hpp"
#include "mnsim/transport/network.hpp"

namespace mnsim::transport {

struct RunOptions {
  double horizon_s = 86400;  // simulated time
  int steps = 1440;          // Crank-Nicolson steps over the horizon
  int damped_substeps = 4;   // backward-Euler substeps at t = 0 and after the donor is removed
  double donor_off_s = std::numeric_limits<double>::infinity();  // product wiped off at
  double refresh_fraction = 0.01;  // rebuild when the open fraction moved by this much
  int max_samples = 241;           // samples kept (always including t = 0 and the horizon)
  // 1D / r-z positivity guard: a Crank-Nicolson step leaving any concentration
  // below -negative_tol x the donor concentration is redone as backward-Euler
  // substeps (ThetaIntegrator::cn_step_positive); 0 turns the guard off.
  double negative_tol = 1e-10;
  // Called after every step with the simulated time (progress reports).
  std::function<void(double t_s)> progress = nullptr;
};

struct Trace {
  std::vector<double> time_s;
  std::vector<std::vector<double>> amount;  // [group][sample], ug/m^2
  std::vector<double> out_rate;             // sink + clearance, ug/m^2/s
  std::vector<double> cumulative_out;       // ug/m^2
  std::vector<double> past_group0;          // amount beyond group 0 incl. what left, ug/m^2
  std::vector<double> donor_amount;         // finite donor content, ug/m^2
  Balance balance;
  double mass_balance_rel_error = 0;  // |M(T) - M(0) - in + out| / scale
  int rebuilds = 0;
  long factorisations = 0;        // 1D / r-z: numeric LDLT factorisations
  long positivity_fallbacks = 0;  // 1D / r-z: steps redone by the positivity guard
  double min_u_rel = 0;           // lowest u at the end / donor concentration
};

// Builds the discretisation for an open fraction f in [0, 1].
using Builder = std::function<Discretisation(double open_fraction)>;
// Open fraction at time t (1 = just needled, 0 = resealed); nullptr: none.
using OpenFraction = std::function<double(double t_s)>;
// Called at every kept sample with the time and the integrator.
using Observer = std::function<void(double t_s, const Discretisation&, const ThetaIntegrator&)>;

// The time loop's view of a spatial integrator (MFEM's operator/integrator
// split): the loop owns time = step * dt, the channel closing, the donor
// removal, the step control at those discontinuities and the output
// sampling; an integrator owns its state and advances it by one step.
class Integrator {
 public:
  virtual ~Integrator() = default;
  // The channels' open fraction changed (first call: the initial state).
  virtual void set_open_fraction(double f) = 0;
  virtual void remove_donor() = 0;
  // Advances by dt (`damped`: first step after a discontinuity); returns the
  // number of elementary steps taken.
  virtual long step(double dt, bool damped) = 0;
  [[nodiscard]] virtual std::vector<double> amounts(int n_groups) const = 0;
  [[nodiscard]] virtual const Balance& balance() const = 0;
  [[nodiscard]] virtual double out_rate() const = 0;
  [[nodiscard]] virtual double tissue_amount() const = 0;
  [[nodiscard]] virtual double donor_amount() const = 0;
  [[nodiscard]] virtual const std::vector<double>& u() const = 0;
  // Counters for the trace (factorisations, positivity fallbacks); 0 if n/a.
  [[nodiscard]] virtual long factorisations() const { return 0; }
  [[nodiscard]] virtual long positivity_fallbacks() const { return 0; }
};

// The one time loop: `opt.steps` steps of horizon / steps, the integrator
// told when the open fraction moved by refresh_fraction and when the donor
// goes, `sampled(t)` called at every kept sample. `steps_taken` (optional)
// gets the sum of Integrator::step.
Trace run_time_loop(Integrator& integ, const Donor& donor, const OpenFraction& open,
                    const RunOptions& opt, int n_groups,
                    const std::function<void(double t_s)>& sampled = nullptr,
                    long* steps_taken = nullptr);

Trace simulate(const Builder& build, const Donor& donor, const OpenFraction& open,
               const RunOptions& opt, int n_groups, const Observer& observe = nullptr);

}  // namespace mnsim::transport
