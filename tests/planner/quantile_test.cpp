// The planner's quantile rule (docs/safety.md): with intervals, the limits
// hold at the p90 — a setting whose p50 fits a cap but whose p90 does not is
// rejected — for the real depth (interval from predict_zone) and for the
// downtime (interval from predict_zone_intervals, the costlier check).
#include <gtest/gtest.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/planner/planner.hpp"
#include "test_util.hpp"

namespace mnsim::planner {
namespace {

using cases::Indication;

// LinearPredictor's figures as the p50, with p10/p90 = p50 x (1 -/+ spread).
class SpreadPredictor final : public Predictor {
 public:
  test::LinearPredictor base;
  double depth_spread = 0;
  double downtime_spread = 0;

  [[nodiscard]] ZonePrediction predict_zone(const cases::Case& c, std::size_t zone,
                                            const ZoneSetting& s,
                                            const CourseSetting& course) const override {
    ZonePrediction p = base.predict_zone(c, zone, s, course);
    const double d = p.real_depth_um;
    p.real_depth_um_interval = core::Interval{d * (1 - depth_spread), d, d * (1 + depth_spread)};
    p.samples = 64;
    return p;
  }
  [[nodiscard]] ZonePrediction predict_zone_intervals(const cases::Case& c, std::size_t zone,
                                                      const ZoneSetting& s,
                                                      const CourseSetting& course,
                                                      bool /*collagen*/) const override {
    ZonePrediction p = predict_zone(c, zone, s, course);
    const double t = p.downtime_days;
    p.downtime_days_interval =
        core::Interval{t * (1 - downtime_spread), t, t * (1 + downtime_spread)};
    return p;
  }
  [[nodiscard]] std::optional<double> anaesthetic_onset_min(
      const cases::Case& c, std::string_view product) const override {
    return base.anaesthetic_onset_min(c, product);
  }
  [[nodiscard]] std::string name() const override { return "spread-test"; }
};

cases::Case depth_case() {
  cases::Case c = test::case_with({{"cheek", Indication::FineLines}});
  c.patient.fitzpatrick = 2;
  c.patient.max_downtime_days = 30;
  c.device.kind = cases::DeviceKind::Stamp;  // 0.05 mm steps
  return c;
}

TEST(QuantileRule, P90RealDepthStaysUnderTheCap) {
  const cases::Case c = depth_case();
  SpreadPredictor point;
  point.base.fraction = 0.9;  // deep: the real-depth cap binds
  SpreadPredictor spread = point;
  spread.depth_spread = 0.2;
  const Plan p0 = test::plan(c, point);
  const Plan p1 = test::plan(c, spread);
  ASSERT_TRUE(p0.zones[0].setting && p1.zones[0].setting);
  const ZoneLimits zl =
      zone_limits(c, 0, test::device_of(c), Limits::builtin(), anatomy::Atlas::builtin());
  // The point plan's setting: its p50 fits the cap, its p90 (x 1.2) does not.
  const double x0 = p0.zones[0].setting->depth_mm;
  const double p50_at_x0 = 0.9 * x0 * 1000.0;
  ASSERT_LE(p50_at_x0, zl.max_real_depth_um);
  ASSERT_GT(1.2 * p50_at_x0, zl.max_real_depth_um);
  // ... so the quantile rule rejects it and plans shallower, p90 under the cap.
  EXPECT_LT(p1.zones[0].setting->depth_mm, x0);
  ASSERT_TRUE(p1.zones[0].prediction->real_depth_um_interval);
  EXPECT_LE(p1.zones[0].prediction->real_depth_um_interval->p90, zl.max_real_depth_um + 1e-6);
  EXPECT_EQ(p1.zones[0].binding_constraint, "indication_layer");
  // limit_violations says the same of a plan kept at x0.
  Plan bad = p1;
  bad.zones[0].setting->depth_mm = x0;
  bad.zones[0].prediction = spread.predict_zone(c, 0, *bad.zones[0].setting, *bad.course);
  const auto v =
      limit_violations(bad, c, test::device_of(c), Limits::builtin(), anatomy::Atlas::builtin());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("real depth beyond its cap"), std::string::npos);
  EXPECT_TRUE(
      limit_violations(p1, c, test::device_of(c), Limits::builtin(), anatomy::Atlas::builtin())
          .empty());
}

TEST(QuantileRule, P90DowntimeWithinWhatThePatientAccepts) {
  cases::Case c = depth_case();
  c.zones[0].indication = Indication::StretchMarks;  // deep cap: downtime binds
  c.patient.max_downtime_days = 3;
  SpreadPredictor point;
  point.base.fraction = 0.3;
  point.base.downtime_per_mm = 2;
  SpreadPredictor spread = point;
  spread.downtime_spread = 0.5;
  const Plan p0 = test::plan(c, point);
  const Plan p1 = test::plan(c, spread);
  ASSERT_TRUE(p0.zones[0].setting && p1.zones[0].setting);
  const auto& s0 = *p0.zones[0].setting;
  // The point plan's downtime (p50) fits the accepted 3 days; its p90 does not.
  const double t0 = 2 * s0.depth_mm * s0.passes;
  ASSERT_LE(t0, 3 + 1e-9);
  ASSERT_GT(1.5 * t0, 3);
  const auto& s1 = *p1.zones[0].setting;
  EXPECT_LT(s1.depth_mm * s1.passes, s0.depth_mm * s0.passes);
  ASSERT_TRUE(p1.zones[0].prediction->downtime_days_interval);
  EXPECT_LE(p1.zones[0].prediction->downtime_days_interval->p90, 3 + 1e-9);
  Plan bad = p1;
  bad.zones[0].setting = s0;
  bad.zones[0].prediction = spread.predict_zone_intervals(c, 0, s0, *bad.course, true);
  const auto v =
      limit_violations(bad, c, test::device_of(c), Limits::builtin(), anatomy::Atlas::builtin());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("downtime beyond"), std::string::npos);
}

}  // namespace
}  // namespace mnsim::planner
