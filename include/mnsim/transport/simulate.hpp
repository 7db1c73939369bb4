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
};

// Builds the discretisation for an open fraction f in [0, 1].
using Builder = std::function<Discretisation(double open_fraction)>;
// Open fraction at time t (1 = just needled, 0 = resealed); nullptr: none.
using OpenFraction = std::function<double(double t_s)>;
// Called at every kept sample with the time and the integrator.
using Observer = std::function<void(double t_s, const Discretisation&, const ThetaIntegrator&)>;

Trace simulate(const Builder& build, const Donor& donor, const OpenFraction& open,
               const RunOptions& opt, int n_groups, const Observer& observe = nullptr);

}  // namespace mnsim::transport
