// The plan: course choice, anaesthetic, determinism, the provisional predictor.
#include <algorithm>

#include <gtest/gtest.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/planner/atlas_predictor.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/report.hpp"
#include "test_util.hpp"

namespace mnsim::planner {
namespace {

using cases::Indication;

TEST(Course, FewestSessionsThatReachTheTarget) {
  // gain = 1 + 0.1 x depth x sessions; fine lines target 1.2. With the forehead
  // capped at 0.7 mm (real 0.05 x: no real cap), each session adds 0.07:
  // 1.2 needs 3 sessions (1.21).
  test::LinearPredictor p;
  p.fraction = 0.05;
  cases::Case c = test::case_with({{"forehead", Indication::FineLines}});
  c.patient.fitzpatrick = 2;
  c.patient.max_downtime_days = 30;
  const Plan plan = test::plan(c, p);
  ASSERT_TRUE(plan.course);
  EXPECT_EQ(plan.course->sessions, 3);
  EXPECT_GE(plan.zones[0].prediction->collagen_gain_rel, 1.2);
  // An unreachable target: as many sessions as allowed, with a warning.
  p.gain_per_mm = 0.01;
  const Plan more = test::plan(c, p);
  EXPECT_EQ(more.course->sessions, Limits::builtin().max_sessions);
  EXPECT_TRUE(std::any_of(
      more.zones[0].warnings.begin(), more.zones[0].warnings.end(),
      [](const auto& w) { return w.find("below the planning target") != std::string::npos; }));
}

TEST(Course, IntervalWithinLimitsClosestToTheCaseOnATie) {
  test::LinearPredictor p;
  cases::Case c = test::case_with({{"cheek", Indication::Texture}});
  c.course.interval_days = 40;
  EXPECT_DOUBLE_EQ(test::plan(c, p).course->interval_days, 42);
  c.course.interval_days = 14;
  EXPECT_DOUBLE_EQ(test::plan(c, p).course->interval_days, 28);
}

TEST(Anaesthetic, OnsetRoundedUpAndProductFromTheCase) {
  test::LinearPredictor p;  // onset 41 min
  cases::Case c = test::case_with({{"cheek", Indication::StretchMarks}});
  c.patient.max_downtime_days = 30;
  c.procedure.anaesthetic = cases::Anaesthetic{"emla_5pct", 30};
  const Plan plan = test::plan(c, p);
  ASSERT_TRUE(plan.anaesthetic);
  EXPECT_EQ(plan.anaesthetic->product, "emla_5pct");
  EXPECT_DOUBLE_EQ(plan.anaesthetic->minutes, 45);
  EXPECT_TRUE(std::any_of(plan.warnings.begin(), plan.warnings.end(), [](const auto& w) {
    return w.find("leaves the anaesthetic on for 30 min") != std::string::npos;
  }));
  c.procedure.anaesthetic = cases::Anaesthetic{"unknown_cream", 30};
  const Plan other = test::plan(c, p);
  EXPECT_EQ(other.anaesthetic->product, Limits::builtin().default_anaesthetic);
}

TEST(Anaesthetic, NoneWhenThePlanStaysInThePainlessRange) {
  test::LinearPredictor p;
  p.fraction = 0.1;  // at most 200 um real
  cases::Case c = test::case_with({{"cheek", Indication::StretchMarks}});
  c.patient.max_downtime_days = 30;
  const Plan plan = test::plan(c, p);
  ASSERT_TRUE(plan.zones[0].setting);
  EXPECT_LE(plan.zones[0].prediction->real_depth_um, 300);
  EXPECT_FALSE(plan.anaesthetic);
}

TEST(AtlasPredictor, RulesAsDocumented) {
  const AtlasPredictor pred(anatomy::Atlas::builtin(), cases::DeviceKind::Pen);
  cases::Case c = test::case_with({{"cheek", Indication::AcneScars}});
  c.device.kind = cases::DeviceKind::Pen;
  const auto pen = pred.predict_zone(c, 0, {1.0, 4}, {4, 28});
  EXPECT_NEAR(pen.real_depth_um, 770, 1e-9);
  // pen-equivalent 1.0 mm: chart 2.5 + (1.0 - 0.35) / 0.8 x 2.0 = 4.125 d at 4 passes.
  EXPECT_NEAR(pen.downtime_days, 4.125, 1e-9);
  const AtlasPredictor roller_pred(anatomy::Atlas::builtin(), cases::DeviceKind::Roller);
  const auto roller = roller_pred.predict_zone(c, 0, {1.0, 4}, {4, 28});
  EXPECT_NEAR(roller.real_depth_um, 200, 1e-9);  // a roller needs longer needles
  // Calibration anchor (Lotfi 2013): 1.5 mm roller, 5 sessions, cheek -> about +53 %.
  const auto lotfi = roller_pred.predict_zone(c, 0, {1.5, 4}, {5, 30});
  EXPECT_NEAR(lotfi.collagen_gain_rel, 1.532, 0.02);
  EXPECT_EQ(pred.anaesthetic_onset_min(c, "lidocaine_4pct"), 30);
  EXPECT_FALSE(pred.anaesthetic_onset_min(c, "nothing"));
}

TEST(Plan, RollerGetsLongerNeedlesThanAPenForTheSameTarget) {
  const AtlasPredictor pred(anatomy::Atlas::builtin(), cases::DeviceKind::Pen);
  cases::Case c = test::case_with({{"cheek", Indication::FineLines}});
  c.patient.max_downtime_days = 7;
  c.device.kind = cases::DeviceKind::Pen;
  const Plan pen = test::plan(c, pred);
  c.device.kind = cases::DeviceKind::Roller;
  const AtlasPredictor roller_pred(anatomy::Atlas::builtin(), cases::DeviceKind::Roller);
  const Plan roller = test::plan(c, roller_pred);
  EXPECT_GT(roller.zones[0].setting->depth_mm, pen.zones[0].setting->depth_mm);
}

TEST(Plan, DeterministicAndCarriesTheDisclaimer) {
  const AtlasPredictor pred(anatomy::Atlas::builtin(), cases::DeviceKind::Pen);
  const cases::Case c = io::default_case();
  const auto a = plan_json(test::plan(c, pred));
  const auto b = plan_json(test::plan(c, pred));
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_EQ(a["disclaimer"], std::string(kDisclaimer));
  EXPECT_NE(plan_text(test::plan(c, pred), c).find(std::string(kDisclaimer)), std::string::npos);
  for (const char* key : {"eligible", "contraindications", "zones", "sessions", "interval_days",
                          "anaesthetic", "disclaimer"})
    EXPECT_TRUE(a.contains(key)) << key;
  for (const char* key : {"site", "indication", "depth_mm", "passes", "real_depth_um",
                          "downtime_days", "collagen_gain_rel", "binding_constraint", "warnings"})
    EXPECT_TRUE(a["zones"][0].contains(key)) << key;
}

}  // namespace
}  // namespace mnsim::planner
