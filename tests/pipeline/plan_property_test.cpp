// Property: plans made with the REAL stages (pipeline::PipelinePredictor)
// stay within the safety limits. A handful of seeded random single-zone
// cases (each plan runs the puncture, response and healing stages hundreds
// of times); the thousands of cases of tests/planner/property_test.cpp use
// fast predictors, since the limit logic does not depend on the predictor.
#include <gtest/gtest.h>

#include "mnsim/core/random.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/predictor.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/planner/planner.hpp"

namespace mnsim::pipeline {
namespace {

TEST(PlanWithStages, NeverLeavesTheLimits) {
  const auto& atlas = anatomy::Atlas::builtin();
  const auto sites = atlas.site_ids();
  const std::array indications = {cases::Indication::FineLines, cases::Indication::Wrinkles,
                                  cases::Indication::AcneScars, cases::Indication::StretchMarks,
                                  cases::Indication::Texture};
  core::Rng rng(20261124, "test.plan_property");
  constexpr int kCases = 4;
  for (int k = 0; k < kCases; ++k) {
    cases::Case c = io::parse_case("[[zones]]\nsite = \"cheek\"\n", "generated.toml");
    c.zones[0].site = sites[rng() % sites.size()];
    c.zones[0].indication = indications[rng() % indications.size()];
    c.patient.age_years = 18 + 70 * rng.uniform();
    c.patient.fitzpatrick = 1 + static_cast<int>(rng() % 6);
    c.patient.max_downtime_days = 7 * rng.uniform();
    c.procedure.setting = rng() % 3 == 0 ? cases::Setting::Home : cases::Setting::Clinic;
    c.device.kind = rng() % 2 == 0 ? cases::DeviceKind::Pen : cases::DeviceKind::Roller;
    if (c.device.kind == cases::DeviceKind::Roller) {
      c.device.needle_count = 192;
      c.device.needle_base_diameter_um = 250;
    }
    const PipelinePredictor predictor(atlas);
    const planner::Plan plan = planner::make_plan(c, resolved_device(c), predictor);
    const auto violations =
        planner::limit_violations(plan, c, resolved_device(c), planner::Limits::builtin(), atlas);
    EXPECT_TRUE(violations.empty()) << "case " << k << ": " << violations.front();
    EXPECT_EQ(plan.predictor, "pipeline");
  }
}

}  // namespace
}  // namespace mnsim::pipeline
