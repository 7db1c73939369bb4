// Safety limits: every cap, the binding constraint it produces, home mode.
#include <algorithm>

#include <gtest/gtest.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/planner/atlas_predictor.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/planner/planner.hpp"
#include "test_util.hpp"

namespace mnsim::planner {
namespace {

using cases::Indication;
const anatomy::Atlas& atlas() {
  return anatomy::Atlas::builtin();
}

bool has_warning(const std::vector<std::string>& ws, const std::string& part) {
  return std::any_of(ws.begin(), ws.end(),
                     [&](const auto& w) { return w.find(part) != std::string::npos; });
}

TEST(Limits, EveryAtlasSiteHasACapAndSensitiveSitesAreCapped) {
  const Limits& l = Limits::builtin();
  for (const auto& site : atlas().sites()) {
    const SiteCap& cap = l.site(site.id);
    EXPECT_EQ(cap.sensitive, site.sensitive) << site.id;
    EXPECT_LE(cap.max_setting_mm, l.clinic_max_setting_mm) << site.id;
  }
  for (const char* id : {"upper_eyelid", "lower_eyelid", "nose", "neck"})
    EXPECT_LE(l.site(id).max_setting_mm, 0.5) << id;
  EXPECT_LE(l.site("upper_lip").max_setting_mm, 0.75);
  for (const char* id : {"upper_eyelid", "lower_eyelid", "nose", "upper_lip", "neck"})
    EXPECT_TRUE(l.site(id).sensitive) << id;
}

TEST(Limits, ZoneLimitsFollowTheDocumentedRules) {
  const Limits& l = Limits::builtin();
  cases::Case c = test::case_with({{"cheek", Indication::StretchMarks}});
  c.patient.fitzpatrick = 2;
  const ZoneLimits zl = zone_limits(c, 0, test::device_of(c), l, atlas());
  const auto st = atlas().stack("cheek", {c.patient.age_years, c.patient.sex, 2});
  const double skin_um = (st.epidermis_m() + st.dermis_m()) * 1e6;
  EXPECT_NEAR(zl.skin_um, skin_um, 1e-9);
  EXPECT_NEAR(zl.max_real_depth_um, l.skin_fraction * skin_um, 1e-9);  // stretch marks: deepest
  EXPECT_EQ(zl.real_depth_cap, Cap::SkinFraction);
  EXPECT_DOUBLE_EQ(zl.max_setting_mm, 2.0);
  EXPECT_EQ(zl.setting_cap, Cap::SiteCap);
  // Fine lines stop at the bottom of the papillary dermis.
  c.zones[0].indication = Indication::FineLines;
  const ZoneLimits fine = zone_limits(c, 0, test::device_of(c), l, atlas());
  EXPECT_EQ(fine.real_depth_cap, Cap::IndicationLayer);
  EXPECT_NEAR(fine.max_real_depth_um, st.slab(anatomy::Layer::PapillaryDermis).bottom_m() * 1e6,
              1e-6);
  // Wrinkles go deeper than fine lines, stretch marks deepest.
  c.zones[0].indication = Indication::Wrinkles;
  const ZoneLimits wr = zone_limits(c, 0, test::device_of(c), l, atlas());
  EXPECT_GT(wr.max_real_depth_um, fine.max_real_depth_um);
  EXPECT_GT(zl.max_real_depth_um, wr.max_real_depth_um);
  EXPECT_GT(wr.goal_real_depth_um, fine.goal_real_depth_um);
}

TEST(Limits, DarkerPhototypesArePlannedLessAggressively) {
  const Limits& l = Limits::builtin();
  cases::Case c = test::case_with({{"cheek", Indication::StretchMarks}});
  c.patient.fitzpatrick = 3;
  const ZoneLimits light = zone_limits(c, 0, test::device_of(c), l, atlas());
  c.patient.fitzpatrick = 5;
  const ZoneLimits dark = zone_limits(c, 0, test::device_of(c), l, atlas());
  EXPECT_TRUE(dark.phototype_reduced);
  EXPECT_NEAR(dark.max_setting_mm, light.max_setting_mm * l.phototype_depth_factor, 1e-12);
  EXPECT_LT(dark.max_real_depth_um, light.max_real_depth_um);
  // ... and the plan follows: with a generous predictor the dark plan is shallower.
  test::LinearPredictor p;
  p.fraction = 0.3;
  c.patient.max_downtime_days = 30;
  const Plan pd = test::plan(c, p);
  c.patient.fitzpatrick = 3;
  const Plan pl = test::plan(c, p);
  EXPECT_LT(pd.zones[0].setting->depth_mm, pl.zones[0].setting->depth_mm);
}

// A predictor that never limits: the setting cap must bind.
TEST(Limits, EachSettingCapBindsWhenNothingElseDoes) {
  test::LinearPredictor p;
  p.fraction = 0.05;  // shallow: the real-depth caps never bind
  struct Expect {
    const char* site;
    cases::Setting setting;
    const char* binding;
    double depth_mm;
  };
  const Expect expected[] = {
      {"upper_eyelid", cases::Setting::Clinic, "sensitive_site_cap", 0.5},
      {"nose", cases::Setting::Clinic, "sensitive_site_cap", 0.5},
      {"upper_lip", cases::Setting::Clinic, "sensitive_site_cap",
       0.7},  // 0.75 rounded to 0.1 steps
      {"neck", cases::Setting::Clinic, "sensitive_site_cap", 0.5},
      {"forehead", cases::Setting::Clinic, "site_cap", 0.7},
      {"cheek", cases::Setting::Clinic, "site_cap", 2.0},
      {"cheek", cases::Setting::Home, "home_cap", 0.3},
  };
  for (const auto& e : expected) {
    cases::Case c = test::case_with({{e.site, Indication::StretchMarks}});
    c.procedure.setting = e.setting;
    c.patient.fitzpatrick = 2;
    c.patient.max_downtime_days = 30;
    const Plan plan = test::plan(c, p);
    ASSERT_TRUE(plan.zones[0].setting) << e.site;
    EXPECT_EQ(plan.zones[0].binding_constraint, e.binding) << e.site;
    EXPECT_NEAR(plan.zones[0].setting->depth_mm, e.depth_mm, 1e-9) << e.site;
  }
}

TEST(Limits, RealDepthCapsBind) {
  test::LinearPredictor p;
  p.fraction = 0.9;  // deep: the real-depth caps bind before the setting caps
  cases::Case c =
      test::case_with({{"cheek", Indication::StretchMarks}, {"cheek", Indication::FineLines}});
  c.patient.fitzpatrick = 2;
  c.patient.max_downtime_days = 30;
  c.device.kind = cases::DeviceKind::Stamp;  // 0.05 mm steps
  const Plan plan = test::plan(c, p);
  const ZoneLimits zs = zone_limits(c, 0, test::device_of(c), Limits::builtin(), atlas());
  const ZoneLimits zf = zone_limits(c, 1, test::device_of(c), Limits::builtin(), atlas());
  EXPECT_EQ(plan.zones[0].binding_constraint, "skin_fraction");
  EXPECT_EQ(plan.zones[1].binding_constraint, "indication_layer");
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& zl = i == 0 ? zs : zf;
    const double real = plan.zones[i].prediction->real_depth_um;
    EXPECT_LE(real, zl.max_real_depth_um);
    EXPECT_GT(real, zl.max_real_depth_um - 0.05 * 0.9 * 1000.0 - 1e-9);  // within one step
  }
}

TEST(Limits, DowntimeBindsAtTheAnalyticOptimum) {
  // downtime = 2 d/mm per pass: at the patient's 3 days, p passes allow
  // 1.5/p mm; gain ~ sqrt(depth) x p/4 = sqrt(1.5 p)/4 grows with p, so the
  // optimum is 4 passes at 0.375 mm, rounded down to the stamp's 0.05 mm steps.
  test::LinearPredictor p;
  p.fraction = 0.05;
  p.downtime_per_mm = 2.0;
  p.depth_exponent = 0.5;
  cases::Case c = test::case_with({{"cheek", Indication::StretchMarks}});
  c.patient.fitzpatrick = 2;
  c.patient.max_downtime_days = 3;
  c.device.kind = cases::DeviceKind::Stamp;
  const Plan plan = test::plan(c, p);
  ASSERT_TRUE(plan.zones[0].setting);
  EXPECT_EQ(plan.zones[0].binding_constraint, "downtime");
  EXPECT_EQ(plan.zones[0].setting->passes, 4);
  EXPECT_NEAR(plan.zones[0].setting->depth_mm, 0.35, 1e-9);
  EXPECT_LE(plan.zones[0].prediction->downtime_days, 3.0);
}

TEST(Limits, NoSettingWhenEvenTheShallowestExceedsTheDowntime) {
  test::LinearPredictor p;
  p.downtime_per_mm = 50;
  cases::Case c = test::case_with({{"cheek", Indication::Texture}});
  c.patient.max_downtime_days = 1;
  const Plan plan = test::plan(c, p);
  EXPECT_TRUE(plan.eligible);
  EXPECT_FALSE(plan.zones[0].setting);
  EXPECT_EQ(plan.zones[0].binding_constraint, "downtime");
  EXPECT_FALSE(plan.course);
}

TEST(HomeMode, NeverAboveTheHomeCapAndSaysSeeAProvider) {
  const AtlasPredictor predictor(atlas(), cases::DeviceKind::Roller);
  cases::Case c =
      test::case_with({{"cheek", Indication::AcneScars}, {"forehead", Indication::Texture}});
  c.procedure.setting = cases::Setting::Home;
  c.device.kind = cases::DeviceKind::Roller;
  c.device.needle_length_mm = 0.25;
  c.patient.max_downtime_days = 30;
  const Plan plan = test::plan(c, predictor);
  for (const auto& z : plan.zones) {
    ASSERT_TRUE(z.setting);
    EXPECT_LE(z.setting->depth_mm, 0.3);
    EXPECT_TRUE(has_warning(z.warnings, "see a provider")) << z.site;
  }
}

TEST(HomeMode, LongNeedlesAtHomeAreFlagged) {
  const AtlasPredictor predictor(atlas(), cases::DeviceKind::Roller);
  cases::Case c = test::case_with({{"cheek", Indication::Texture}});
  c.procedure.setting = cases::Setting::Home;
  c.device.kind = cases::DeviceKind::Roller;
  c.device.needle_length_mm = 1.0;
  const Plan plan = test::plan(c, predictor);
  EXPECT_TRUE(has_warning(plan.warnings, "for providers, not home use"));
}

TEST(HomeMode, DullNeedleWarningsFromUses) {
  const AtlasPredictor predictor(atlas(), cases::DeviceKind::Roller);
  cases::Case c = test::case_with({{"cheek", Indication::Texture}});
  c.procedure.setting = cases::Setting::Home;
  c.device.kind = cases::DeviceKind::Roller;
  c.device.needle_length_mm = 0.25;
  c.device.uses = 0;
  EXPECT_FALSE(has_warning(test::plan(c, predictor).warnings, "eplace"));
  c.device.uses = 11;  // reaches 12 during the course
  EXPECT_TRUE(has_warning(test::plan(c, predictor).warnings, "replace it after session 1"));
  c.device.uses = 12;
  EXPECT_TRUE(has_warning(test::plan(c, predictor).warnings, "Replace the roller: 12 uses"));
  // Pens: cartridges are single-use.
  c.procedure.setting = cases::Setting::Clinic;
  c.device.kind = cases::DeviceKind::Pen;
  c.device.uses = 1;
  const AtlasPredictor pen_predictor(atlas(), cases::DeviceKind::Pen);
  EXPECT_TRUE(has_warning(test::plan(c, pen_predictor).warnings, "single-use"));
}

}  // namespace
}  // namespace mnsim::planner
