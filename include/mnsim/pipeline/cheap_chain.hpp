// The cheap chain: the settings the planner's predictor, the uncertainty
// draws and the cohorts (cohort::run, cohort::RobustPredictor) share when they
// rerun the pattern, response and course many times for figures that do not
// need the full run's resolution.
#pragma once

#include <utility>

#include "mnsim/puncture/mechanics.hpp"

namespace mnsim::pipeline::cheap {

// A 1 cm^2 patch: densities and depth distributions do not depend on the area.
inline constexpr double kPatchAreaM2 = 1e-4;
// One output per day: the figures are first-session and end-of-course values.
inline constexpr int kStepsPerDay = 1;
// CVODE relative tolerance: gains to ~1e-5, far below the model's uncertainty.
inline constexpr double kRelTol = 1e-5;

// The puncture parameters without the coverage and spacing statistics (the
// costliest part of a pattern), which no later stage reads.
inline puncture::MechanicsParams params(puncture::MechanicsParams p) {
  p.coverage_samples = 1000;
  p.spacing_statistics = false;
  return p;
}

// For the injury dose alone (depths and counts): params() without the patch's
// channel positions, which only maps, coverage and transport layouts read.
// The counts and depths, and so the dose, are the same as with params().
inline puncture::MechanicsParams dose_params(puncture::MechanicsParams p) {
  p = params(std::move(p));
  p.patch_channels = false;
  return p;
}

// dose_params(MechanicsParams::builtin()), made once.
inline const puncture::MechanicsParams& builtin_dose_params() {
  static const puncture::MechanicsParams p = dose_params(puncture::MechanicsParams::builtin());
  return p;
}

}  // namespace mnsim::pipeline::cheap
