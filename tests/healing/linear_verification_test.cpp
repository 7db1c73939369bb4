// Verification of the stiff integrator on the linear part of the model, which
// has an exact solution: after one session at t = 0 with load L,
//   M(t) = L e^{-kM t}
//   X(t) = L kM/(kX - kM) (e^{-kM t} - e^{-kX t})   (erythema drive; same for O with kO)
//   I(t) = L kM/(kI - kM) (e^{-kM t} - e^{-kI t})   (inflammation)
//   P(t) = P0 e^{-kP t},  S(t) = S0 e^{-kB t}       (barrier)
// The observed maximum relative error must fall as the CVODE tolerance is
// tightened (printed: the figures quoted in docs/models/healing.md).
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include <gtest/gtest.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/ode.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/puncture/resealing.hpp"
#include "mnsim/response/response.hpp"

namespace {

using namespace mnsim;

double chain(double l, double ka, double kb, double t) {
  return l * ka / (kb - ka) * (std::exp(-ka * t) - std::exp(-kb * t));
}

struct Outcome {
  double worst = 0;  // max relative error against the exact solution
  long steps = 0;    // CVODE steps taken
};

// free_stepping: outputs interpolated between steps (advance_to(t, t_stop)),
// else every output time is a stop time.
// hourly: outputs every hour for 10 days (as the acute model records), else
// at seven times spread over them.
Outcome integrate(double rtol, bool free_stepping, bool hourly = false) {
  const auto& rp = response::Params::builtin();
  const auto& hp = healing::Params::builtin();
  const healing::Hypotheses hyp;
  const double kb = 24.0 * rp.barrier_rate_per_h(45);
  // The resealing law's rate at its reference conditions (750 um, unoccluded).
  const auto& law = puncture::ResealingLaw::builtin();
  const double kp = law.closure_rate_per_s(
                        {law.reference_length_m, false, law.young_age_years, law.reference_site}) *
                    units::kDay;
  core::StiffOde ode(
      healing::kStateCount,
      [&](double, std::span<const double> y, std::span<double> dy) {
        healing::course_rhs(rp, hp, hyp, kb, kp, y, dy);
      },
      core::StiffOdeOptions{rtol, rtol * 1e-6, 1000000});
  std::array<double, healing::kStateCount> y0{};
  const double load = 120.0;
  y0[response::kMediator] = load;
  y0[response::kOpenPores] = 0.5;
  y0[response::kScDeficit] = 0.02;
  ode.reset(0, y0);
  double worst = 0;
  std::vector<double> times = {0.05, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0};
  if (hourly) {
    times.clear();
    for (int h = 1; h <= 240; ++h)
      times.push_back(h / 24.0);
  }
  for (const double t : times) {
    const auto y = free_stepping ? ode.advance_to(t, times.back()) : ode.advance_to(t);
    const double km = rp.mediator_decay_per_day;
    const std::array<std::pair<double, double>, 6> pairs = {{
        {y[response::kMediator], load * std::exp(-km * t)},
        {y[response::kErythemaDrive], chain(load, km, rp.erythema_decay_per_day, t)},
        {y[response::kOedemaFluid], chain(load, km, rp.oedema_decay_per_day, t)},
        {y[healing::kInflammation], chain(load, km, hp.inflammation_removal_per_day, t)},
        {y[response::kOpenPores], 0.5 * std::exp(-kp * t)},
        {y[response::kScDeficit], 0.02 * std::exp(-kb * t)},
    }};
    for (const auto& [num, exact] : pairs) {
      // relative to the state's scale, so vanishing tails do not dominate
      const double scale = std::max(std::abs(exact), 1e-3 * (exact == 0 ? 1 : std::abs(exact)));
      if (std::abs(exact) > 1e-8)
        worst = std::max(worst, std::abs(num - exact) / scale);
    }
  }
  return {worst, ode.steps_taken()};
}

double max_rel_error(double rtol) {
  return integrate(rtol, false).worst;
}

TEST(Verification, CvodeMatchesExactLinearSolution) {
  const double e4 = max_rel_error(1e-4);
  const double e6 = max_rel_error(1e-6);
  const double e8 = max_rel_error(1e-8);
  std::printf("max relative error vs exact: rtol 1e-4: %.3g, 1e-6: %.3g, 1e-8: %.3g\n", e4, e6, e8);
  EXPECT_LT(e8, e6);
  EXPECT_LT(e6, e4);
  EXPECT_LT(e4, 1e-2);
  EXPECT_LT(e8, 1e-5);
  // Four decades of rtol (1e-4 -> 1e-8) gain at least one decade of error.
  EXPECT_LT(e8, 0.1 * e4);
}

// Outputs interpolated between free steps (the course and the acute model
// integrate this way between sessions) keep the accuracy of stopping at each
// output and converge the same way; on an hourly output grid they save steps.
TEST(Verification, InterpolatedOutputsKeepTheAccuracy) {
  for (const double rtol : {1e-4, 1e-6, 1e-8}) {
    const Outcome stop = integrate(rtol, false, true);
    const Outcome free = integrate(rtol, true, true);
    std::printf(
        "rtol %.0e, hourly outputs: stops %.3g (%ld steps), interpolated %.3g (%ld steps)\n", rtol,
        stop.worst, stop.steps, free.worst, free.steps);
    EXPECT_LT(free.steps, stop.steps);
    EXPECT_LT(free.worst, 10 * stop.worst);
  }
  EXPECT_LT(integrate(1e-8, true).worst, 0.1 * integrate(1e-4, true).worst);
  EXPECT_LT(integrate(1e-8, true).worst, 1e-5);
}

// The acute stage's closed form (response::acute_state_at, which
// response::simulate evaluates instead of integrating) against the chain
// formula above, against CVODE at a tight tolerance, and in the limit of equal
// rates, where the chain formula is 0/0.
TEST(Verification, AcuteClosedFormIsTheExactSolution) {
  const auto& rp = response::Params::builtin();
  const double kb = 24.0 * rp.barrier_rate_per_h(45);
  const double kp = 3.0;
  std::array<double, response::kAcuteStates> y0{};
  const double load = 120.0;
  y0[response::kMediator] = load;
  y0[response::kErythemaDrive] = 7.0;  // left over from an earlier session
  y0[response::kOpenPores] = 0.5;
  y0[response::kScDeficit] = 0.02;
  core::StiffOde ode(
      response::kAcuteStates,
      [&](double, std::span<const double> y, std::span<double> dy) {
        response::acute_rhs(rp, kb, kp, y, dy);
      },
      core::StiffOdeOptions{1e-12, 1e-18, 1000000});
  ode.reset(0, y0);
  const double km = rp.mediator_decay_per_day;
  double worst_formula = 0;
  double worst_cvode = 0;
  for (const double t : {0.01, 0.3, 1.0, 2.5, 7.0, 14.0}) {
    const auto exact = response::acute_state_at(rp, kb, kp, y0, t);
    const auto num = ode.advance_to(t);
    const std::array<double, 5> formula = {load * std::exp(-km * t),
                                           7.0 * std::exp(-rp.erythema_decay_per_day * t) +
                                               chain(load, km, rp.erythema_decay_per_day, t),
                                           chain(load, km, rp.oedema_decay_per_day, t),
                                           0.5 * std::exp(-kp * t), 0.02 * std::exp(-kb * t)};
    for (std::size_t i = 0; i < response::kAcuteStates; ++i) {
      worst_formula =
          std::max(worst_formula, std::abs(exact[i] - formula[i]) / std::abs(formula[i]));
      if (std::abs(formula[i]) > 1e-6)  // CVODE's vanishing tails sit below its abs. tolerance
        worst_cvode = std::max(worst_cvode, std::abs(exact[i] - num[i]) / std::abs(formula[i]));
    }
  }
  std::printf("closed form vs chain formula: %.3g, vs CVODE (rtol 1e-12): %.3g\n", worst_formula,
              worst_cvode);
  EXPECT_LT(worst_formula, 1e-13);
  EXPECT_LT(worst_cvode, 1e-9);

  // Equal rates: X(t) = a L t e^{-at}; and continuous as the rates meet (to
  // first order X changes by -(b - a) t / 2 relative).
  response::Params same = rp;
  same.erythema_decay_per_day = km;
  std::array<double, response::kAcuteStates> m_only{};
  m_only[response::kMediator] = load;
  for (const double t : {0.05, 0.5, 2.0, 9.0}) {
    const double x = response::acute_state_at(same, kb, kp, m_only, t)[response::kErythemaDrive];
    EXPECT_NEAR(x, km * load * t * std::exp(-km * t), 1e-13 * load);
    for (const double eps : {1e-6, -1e-6}) {
      response::Params near = rp;
      near.erythema_decay_per_day = km * (1 + eps);
      const double xn = response::acute_state_at(near, kb, kp, m_only, t)[response::kErythemaDrive];
      EXPECT_NEAR(xn, x * (1 - 0.5 * eps * km * t), 1e-9 * x);
    }
  }
}

}  // namespace
