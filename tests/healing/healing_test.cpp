// Properties of the response and remodelling models.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/io/case_reader.hpp"

namespace {

using namespace mnsim;

const anatomy::Subject kSubject{45, anatomy::Sex::Female, 3};

anatomy::LayerStack cheek() {
  return anatomy::Atlas::builtin().stack("cheek", kSubject);
}

// A pen-like dose: all channels at `depth_um`.
response::InjuryDose dose_at(double depth_um, int passes, double per_pass_per_cm2 = 2000) {
  const std::vector<double> depths(5, depth_um);
  return response::injury_dose(depths, per_pass_per_cm2 * passes, 60, passes, cheek());
}

healing::Course course(int sessions, double interval, const response::InjuryDose& d,
                       double horizon = 200) {
  healing::CourseOptions opt;
  opt.horizon_days = horizon;
  opt.steps_per_day = 4;
  return healing::simulate_course(healing::regular_sessions(sessions, interval, d), kSubject, opt);
}

TEST(Response, NoInjuryStaysAtBaseline) {
  const response::InjuryDose none = dose_at(0, 0);
  const auto r = response::simulate(none, kSubject);
  EXPECT_EQ(r.injury_load_um, 0.0);
  EXPECT_EQ(r.erythema_peak, 0.0);
  EXPECT_EQ(r.erythema_resolved_day, 0.0);
  EXPECT_EQ(r.pain_nrs, 0.0);
  for (const double w : r.water_loss_rel)
    EXPECT_EQ(w, 1.0);
  const auto c = course(4, 28, none);
  for (std::size_t i = 0; i < c.days.size(); ++i) {
    EXPECT_EQ(c.erythema[i], 0.0);
    EXPECT_EQ(c.oedema[i], 0.0);
    EXPECT_EQ(c.collagen_rel[i], 1.0);
    EXPECT_EQ(c.dermal_thickness_rel[i], 1.0);
    EXPECT_EQ(c.epidermal_thickness_rel[i], 1.0);
  }
  EXPECT_EQ(c.session_days.size(), 4u);
}

TEST(Response, DeeperIsLargerAndLonger) {
  double last_peak = 0;
  double last_day = 0;
  double last_pain = -1;
  for (const double depth : {400.0, 700.0, 1200.0, 1800.0}) {
    const auto r = response::simulate(dose_at(depth, 4), kSubject);
    EXPECT_GT(r.erythema_peak, last_peak) << depth;
    // Resolution day: 0 while the redness stays below visible; once visible,
    // strictly later for every deeper dose.
    if (last_day > 0) {
      EXPECT_GT(r.erythema_resolved_day, last_day) << depth;
    } else {
      EXPECT_GE(r.erythema_resolved_day, last_day) << depth;
    }
    EXPECT_GT(r.pain_nrs, last_pain) << depth;
    last_peak = r.erythema_peak;
    last_day = r.erythema_resolved_day;
    last_pain = r.pain_nrs;
  }
  EXPECT_GT(last_day, 0) << "the deepest dose must give visible redness";
}

TEST(Response, MorePassesIsLargerAndLonger) {
  double last_peak = 0;
  double last_day = 0;
  for (const int passes : {1, 2, 4, 8}) {
    const auto r = response::simulate(dose_at(800, passes, 1000), kSubject);
    EXPECT_GT(r.erythema_peak, last_peak) << passes;
    if (last_day > 0) {
      EXPECT_GT(r.erythema_resolved_day, last_day) << passes;
    } else {
      EXPECT_GE(r.erythema_resolved_day, last_day) << passes;
    }
    last_peak = r.erythema_peak;
    last_day = r.erythema_resolved_day;
  }
  EXPECT_GT(last_day, 0) << "the most passes must give visible redness";
}

TEST(Response, AnaestheticReducesPain) {
  const auto d = dose_at(1500, 4);
  const auto& p = response::Params::builtin();
  EXPECT_GT(response::pain_nrs(d, 0, p), response::pain_nrs(d, 1000, p));
  EXPECT_EQ(response::pain_nrs(d, 2000, p), 0.0);
}

TEST(Response, DarkerPhototypeRaisesPihRisk) {
  const auto& p = response::Params::builtin();
  double last = -1;
  for (int f = 1; f <= 6; ++f) {
    const double r = response::pih_risk(f, 8.0, p).probability;
    EXPECT_GT(r, last);
    EXPECT_LT(r, 1.0);
    last = r;
  }
  EXPECT_EQ(response::pih_risk(5, 0.0, p).probability, 0.0);
}

TEST(Response, OlderSkinRecoversItsBarrierMoreSlowly) {
  const auto& p = response::Params::builtin();
  EXPECT_GT(p.barrier_rate_per_h(25), p.barrier_rate_per_h(60));
  EXPECT_GT(p.barrier_rate_per_h(60), p.barrier_rate_per_h(85));
  const auto d = dose_at(600, 4);
  const auto young = response::simulate(d, {25, anatomy::Sex::Female, 3});
  const auto old = response::simulate(d, {85, anatomy::Sex::Female, 3});
  EXPECT_GT(old.water_loss_rel[48], young.water_loss_rel[48]);
}

TEST(Response, InjuryDoseConeVolumeIsExact) {
  // One channel per 100 µm x 100 µm (10^4 /cm^2), radius 30 µm, depth 200 µm.
  const auto st = cheek();
  const std::vector<double> depth = {200.0};
  const auto d = response::injury_dose(depth, 1e4, 30, 1, st);
  const double total_cone = M_PI * 30 * 30 * 200 / 3.0;
  double wounded = 0;
  for (std::size_t i = 0; i < anatomy::kLayerCount; ++i) {
    // invert the Poisson overlap: expected fraction = -ln(1 - f)
    wounded += -std::log(1 - d.wounded_volume_fraction[i]) * d.layer_thickness_um[i];
  }
  EXPECT_NEAR(wounded / (1e4 * 1e-8), total_cone, 1e-6 * total_cone);
  EXPECT_EQ(d.depth_mean_um, 200.0);
  EXPECT_THROW(response::injury_dose(std::vector<double>{-1.0}, 1, 1, 1, st), InputError);
}

TEST(Healing, MoreSessionsMoreCollagenUpToSaturation) {
  const auto d = dose_at(700, 4);
  const auto& hp = healing::Params::builtin();
  std::vector<double> gain;
  for (int n = 1; n <= 10; ++n) {
    const auto c = course(n, 28, d, 10 * 28 + 1);
    // collagen just before the (n+1)th slot, i.e. 28 days after the last session
    gain.push_back(c.collagen_rel[static_cast<std::size_t>(n) * 28] - 1.0);
  }
  for (std::size_t i = 1; i < gain.size(); ++i) {
    EXPECT_GT(gain[i], gain[i - 1]) << i;
    EXPECT_LE(gain[i], hp.collagen_capacity_rel + 1e-9);
  }
  // Diminishing returns: the last increment is well below the first.
  EXPECT_LT(gain[9] - gain[8], 0.5 * (gain[1] - gain[0]));
}

TEST(Healing, GainsDecaySlowlyAfterTheCourse) {
  const auto c = course(4, 28, dose_at(700, 4), 730);
  const double at_end = c.collagen_rel[84 + 90] - 1;
  const double a_year_later = c.collagen_rel[84 + 90 + 365] - 1;
  EXPECT_GT(at_end, 0.1);
  EXPECT_LT(a_year_later, at_end);        // decays ...
  EXPECT_GT(a_year_later, 0.3 * at_end);  // ... over months to years, not days
}

// Issue 11: fibre collagen keeps maturing after the last session (Kenkel 2021's
// OCT signal rises from 1 to 3 months after it), then returns slowly.
TEST(Healing, CollagenMaturesAfterTheLastSessionThenReturns) {
  const auto c = course(4, 30, dose_at(700, 4), 450);
  const std::size_t last = 90;
  EXPECT_GT(c.collagen_rel[last + 90], c.collagen_rel[last + 30]);   // still rising at +3 months
  EXPECT_LT(c.collagen_rel[last + 360], c.collagen_rel[last + 90]);  // returning by +1 year
}

// Without the maturation delay (k_m very fast) the fibre collagen peaks within
// days of the last session: the late rise comes from the new compartment alone.
TEST(Healing, FastMaturationRemovesTheLateRise) {
  healing::Params hp = healing::Params::builtin();
  hp.matrix_maturation_per_day = 50;
  healing::CourseOptions opt;
  opt.horizon_days = 200;
  opt.steps_per_day = 4;
  const auto c = healing::simulate_course(healing::regular_sessions(4, 30, dose_at(700, 4)),
                                          kSubject, opt, response::Params::builtin(), hp);
  EXPECT_LT(c.collagen_rel[90 + 90], c.collagen_rel[90 + 30]);
}

TEST(Healing, SessionsTooCloseTogetherPileUpInflammation) {
  const auto d = dose_at(700, 4);
  const auto close = course(4, 2, d, 60);
  const auto spaced = course(4, 28, d, 120);
  const double peak_close = *std::max_element(close.inflammation.begin(), close.inflammation.end());
  const double peak_spaced =
      *std::max_element(spaced.inflammation.begin(), spaced.inflammation.end());
  EXPECT_GT(peak_close, peak_spaced);
  // Erythema never clears between sessions two days apart.
  EXPECT_GT(close.erythema[5], response::Params::builtin().grade_visible);
}

TEST(Healing, StatesStayPhysical) {
  const auto c = course(6, 14, dose_at(1500, 8), 150);
  for (std::size_t i = 0; i < c.days.size(); ++i) {
    EXPECT_GE(c.erythema[i], 0.0);
    EXPECT_LE(c.erythema[i], 4.0);
    EXPECT_GE(c.oedema[i], 0.0);
    EXPECT_GE(c.collagen_rel[i], 1.0);
    EXPECT_GE(c.collagen3_rel[i], 0.0);
    EXPECT_GE(c.collagen1_rel[i], 0.0);
    EXPECT_GE(c.dermal_thickness_rel[i], 1.0);
    EXPECT_GE(c.epidermal_thickness_rel[i], 1.0);
  }
}

TEST(Healing, RejectsSessionsOutOfOrder) {
  const auto d = dose_at(500, 1);
  healing::CourseOptions opt;
  opt.horizon_days = 50;
  EXPECT_THROW(healing::simulate_course({{10, d}, {5, d}}, kSubject, opt), InputError);
  EXPECT_THROW(healing::simulate_course({{60, d}}, kSubject, opt), InputError);
}

// The course family (the planner's shared prefixes) gives exactly the last
// day of simulate_course's course, for counts asked in any order, integer and
// fractional intervals, and a fine output grid: bit-identical, because it makes
// the same integrator calls in the same order.
TEST(CourseFamily, EqualsSimulateCourseBitForBit) {
  const auto d = dose_at(700, 4);
  struct Setup {
    double interval;
    int steps;
    double rel_tol;
  };
  for (const Setup& s : {Setup{28, 1, 1e-5}, Setup{30.5, 4, 1e-8}, Setup{14, 24, 1e-6}}) {
    healing::CourseOptions opt;
    opt.steps_per_day = s.steps;
    opt.rel_tol = s.rel_tol;
    opt.first_session_response = false;
    healing::CourseFamily family(d, s.interval, kSubject, opt);
    for (const int n : {6, 2, 3, 1, 6, 4}) {
      const double horizon = std::ceil((n - 1) * s.interval + 90);
      opt.horizon_days = horizon;
      const double direct =
          healing::simulate_course(healing::regular_sessions(n, s.interval, d), kSubject, opt)
              .collagen_rel.back();
      EXPECT_EQ(family.collagen_rel_end(n, horizon), direct)
          << "interval " << s.interval << ", " << n << " sessions";
    }
    EXPECT_THROW((void)family.collagen_rel_end(0, 100), InputError);
    EXPECT_THROW((void)family.collagen_rel_end(6, 50), InputError);  // before the last session
  }
}

}  // namespace
