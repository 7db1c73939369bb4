// The stages composed: what one stage hands the next is consistent, and the
// whole run is deterministic.
#include "mnsim/pipeline/pipeline.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/bridges.hpp"

namespace mnsim::pipeline {
namespace {

const anatomy::Atlas& atlas() {
  return anatomy::Atlas::builtin();
}

TEST(Bridges, ChannelSpecCarriesThePattern) {
  const auto c = io::default_case();
  const auto p = puncture_zone(c, 1, atlas());
  auto closure = puncture::closure_conditions(c, 1);
  closure.occluded = true;
  const auto ch = channel_spec(p.pattern, closure);
  EXPECT_DOUBLE_EQ(ch.density_per_m2, p.pattern.punctures_per_cm2 * 1e4);
  EXPECT_DOUBLE_EQ(ch.depth_m, p.pattern.depth_m.mean);
  EXPECT_GT(ch.surface_radius_m, 0);
  EXPECT_LE(ch.depth_m, p.pattern.length_m);
  EXPECT_TRUE(ch.closure.occluded);
  EXPECT_EQ(ch.closure.site, c.zones[1].site);
}

TEST(Bridges, DoseFollowsThePattern) {
  const auto c = io::default_case();
  const auto p = puncture_zone(c, 1, atlas());
  const auto dose = injury_dose(p.pattern, p.skin);
  EXPECT_DOUBLE_EQ(dose.channels_per_cm2, p.pattern.punctures_per_cm2);
  // The histogram resampling keeps the mean depth within one bin.
  EXPECT_NEAR(dose.depth_mean_um, p.pattern.depth_m.mean * 1e6, p.pattern.depth_bin_m * 1e6);
  EXPECT_EQ(dose.passes, c.procedure.passes);
}

TEST(Bridges, DeeperSettingGivesLargerDose) {
  auto c = io::default_case();
  c.zones.resize(1);
  c.zones[0].depth_mm = 0.5;
  const auto shallow = session_dose(c, 0, atlas(), 1e-4);
  c.zones[0].depth_mm = 1.5;
  const auto deep = session_dose(c, 0, atlas(), 1e-4);
  EXPECT_GT(deep.depth_mean_um, shallow.depth_mean_um);
  double ws = 0, wd = 0;
  for (std::size_t i = 0; i < anatomy::kLayerCount; ++i) {
    ws += shallow.wounded_volume_fraction[i] * shallow.layer_thickness_um[i];
    wd += deep.wounded_volume_fraction[i] * deep.layer_thickness_um[i];
  }
  EXPECT_GT(wd, ws);
}

TEST(Bridges, PatchAreaDoesNotChangeDensityOrDepth) {
  // The planner simulates a 1 cm^2 patch: the statistics it uses must match
  // the whole zone's within sampling noise.
  const auto c = io::default_case();
  const auto whole = puncture_zone(c, 0, atlas()).pattern;
  const auto patch = puncture_zone(c, 0, atlas(), 1e-4).pattern;
  EXPECT_NEAR(patch.punctures_per_cm2 / whole.punctures_per_cm2, 1.0, 0.05);
  EXPECT_NEAR(patch.depth_m.mean / whole.depth_m.mean, 1.0, 0.02);
}

TEST(Bridges, ChannelLayoutSamplesThePatch) {
  const auto c = io::default_case();
  const auto p = puncture_zone(c, 1, atlas()).pattern;
  const auto layout = channel_layout(p, 5e-6, 16, 100);
  ASSERT_TRUE(layout.has_value());
  EXPECT_NEAR(layout->cell_side_m, std::sqrt(16.0 / (p.punctures_per_cm2 * 1e4)), 1e-12);
  ASSERT_FALSE(layout->channels.empty());
  for (const auto& ch : layout->channels) {
    EXPECT_GE(ch.x_m, 0);
    EXPECT_LT(ch.x_m, layout->cell_side_m);
    EXPECT_GE(ch.y_m, 0);
    EXPECT_LT(ch.y_m, layout->cell_side_m);
    EXPECT_GT(ch.depth_m, 0);
    EXPECT_LE(ch.depth_m, p.length_m);
    EXPECT_GT(ch.radius_m, 0);
  }
  // A window needing more than max_columns columns falls back to the regular layout.
  EXPECT_FALSE(channel_layout(p, 0.1e-6, 16, 100).has_value());
}

TEST(Pipeline, SameCaseSameResult) {
  const auto c = io::default_case();
  Options o;
  o.delivery = false;
  const auto a = run(c, atlas(), o);
  const auto b = run(c, atlas(), o);
  ASSERT_EQ(a.zones.size(), 4U);
  for (std::size_t i = 0; i < a.zones.size(); ++i) {
    EXPECT_EQ(a.zones[i].course.collagen_rel, b.zones[i].course.collagen_rel);
    EXPECT_EQ(a.zones[i].pattern.channels_total, b.zones[i].pattern.channels_total);
    EXPECT_EQ(a.zones[i].course.session_days, (std::vector<double>{0, 28, 56, 84}));
  }
}

TEST(Pipeline, HypothesesAreOffByDefaultAndRaiseCollagenWhenOn) {
  const auto c = io::default_case();
  const auto dose = session_dose(c, 0, atlas(), 1e-4);
  const auto base = course_of(c, dose);
  EXPECT_TRUE(base.hypotheses.empty());
  healing::Hypotheses h;
  h.vitamin_c = true;
  const auto vit = course_of(c, dose, std::nullopt, h);
  EXPECT_EQ(vit.hypotheses, std::vector<std::string>{"vitamin_c"});
  EXPECT_GT(vit.collagen_rel[120], base.collagen_rel[120]);
}

TEST(Pipeline, AnaestheticReducesPain) {
  const auto c = io::default_case();
  const auto dose = session_dose(c, 1, atlas(), 1e-4);
  const auto bare = course_of(c, dose);
  const auto numbed = course_of(c, dose, 1500.0);
  EXPECT_LT(numbed.first_session.pain_nrs, bare.first_session.pain_nrs);
}

}  // namespace
}  // namespace mnsim::pipeline
