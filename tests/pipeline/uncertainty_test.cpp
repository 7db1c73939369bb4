// Uncertainty through the chain (docs/models/puncture.md §4a): the posterior
// draws, the thread-independence of the seeded sampling, and the property the
// delivered interval rests on (figures rise with depth in a fixed person).
#include "mnsim/pipeline/uncertainty.hpp"

#include <cmath>

#include <gtest/gtest.h>
#include <omp.h>

#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/puncture/uncertainty.hpp"

namespace mnsim::pipeline {
namespace {

// A one-zone roller case (rollers: the depth spreads most).
cases::Case roller_case() {
  cases::Case c = io::default_case();
  c.zones.resize(1);
  c.zones[0].site = "cheek";
  c.zones[0].depth_mm.reset();
  c.device.kind = cases::DeviceKind::Roller;
  c.device.needle_length_mm = 0.5;
  c.device.needle_count = 192;
  c.device.needle_rows = 8;
  c.device.drum_diameter_mm = 20;
  c.device.drum_width_mm = 20;
  c.procedure.pressure_n = 5;
  c.simulation.samples = 16;
  return c;
}

TEST(Posterior, DrawsFollowTheFittedLogCovariance) {
  const auto& p = puncture::MechanicsParams::builtin();
  constexpr int kN = 4000;
  core::Rng rng(1, "test.posterior");
  double s0 = 0, s1 = 0, s00 = 0, s11 = 0, s01 = 0;
  for (int i = 0; i < kN; ++i) {
    const auto q = puncture::posterior_draw(p, rng);
    const double a = std::log(q.dimple_stiffness_factor / p.dimple_stiffness_factor);
    const double b = std::log(q.rate_speed_m_s / p.rate_speed_m_s);
    s0 += a;
    s1 += b;
    s00 += a * a;
    s11 += b * b;
    s01 += a * b;
    EXPECT_LE(q.steady_force_ratio, 1.0);
  }
  const double m0 = s0 / kN, m1 = s1 / kN;
  const double sd0 = std::sqrt(s00 / kN - m0 * m0);
  const double sd1 = std::sqrt(s11 / kN - m1 * m1);
  const double r = (s01 / kN - m0 * m1) / (sd0 * sd1);
  // Sampling error of 4000 draws: sd within ~3 %, correlation within ~0.02.
  EXPECT_NEAR(sd0, p.dimple_stiffness_factor_sd_log, 0.05 * p.dimple_stiffness_factor_sd_log);
  EXPECT_NEAR(sd1, p.rate_speed_sd_log, 0.05 * p.rate_speed_sd_log);
  EXPECT_NEAR(r, p.correlation[1], 0.03);
  EXPECT_NEAR(m0, 0, 0.05);
}

TEST(Uncertainty, ExpectedInsertionMatchesTheSimulatedZone) {
  const cases::Case c = roller_case();
  const auto in = pattern_input(c, 0, anatomy::Atlas::builtin());
  const auto& p = puncture::MechanicsParams::builtin();
  const auto e = puncture::expected_insertion(in, p);
  const auto z = puncture::simulate(in, p);
  ASSERT_GT(z.channels_total, 0u);
  EXPECT_NEAR(e.mean_depth_m, z.depth_m.mean, 0.01 * z.depth_m.mean);
  EXPECT_NEAR(e.sc_breached_fraction, z.sc_breached_fraction, 0.01);
}

TEST(Uncertainty, SameSeedSameFiguresOnOneAndTwoThreads) {
  cases::Case c = roller_case();
  c.product.reset();
  c.procedure.anaesthetic.reset();
  UncertaintyStages stages;
  stages.healing = true;
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const Uncertainty one = uncertainty(c, anatomy::Atlas::builtin(), stages);
  omp_set_num_threads(2);
  const Uncertainty two = uncertainty(c, anatomy::Atlas::builtin(), stages);
  omp_set_num_threads(before);
  ASSERT_EQ(one.zones.size(), 1u);
  ASSERT_EQ(two.zones.size(), 1u);
  const auto& a = one.zones[0];
  const auto& b = two.zones[0];
  EXPECT_EQ(a.real_depth_um.p10, b.real_depth_um.p10);
  EXPECT_EQ(a.real_depth_um.p50, b.real_depth_um.p50);
  EXPECT_EQ(a.real_depth_um.p90, b.real_depth_um.p90);
  EXPECT_EQ(a.downtime_days->p90, b.downtime_days->p90);
  EXPECT_EQ(a.collagen_gain_rel->p10, b.collagen_gain_rel->p10);
  EXPECT_EQ(one.seed, c.info.seed);
  EXPECT_EQ(one.samples, 16);
  // Ordered, with a real spread for a roller, and a different seed moves them.
  EXPECT_LT(a.real_depth_um.p10, a.real_depth_um.p50);
  EXPECT_LT(a.real_depth_um.p50, a.real_depth_um.p90);
  EXPECT_LE(a.downtime_days->p10, a.downtime_days->p90);
  c.info.seed += 1;
  const Uncertainty other = uncertainty(c, anatomy::Atlas::builtin(), {});
  EXPECT_NE(other.zones[0].real_depth_um.p50, a.real_depth_um.p50);
}

// The property behind the delivered interval (transport rerun only at the
// depth-quantile draws, in the run's person): in a fixed person, the
// delivered amount, the downtime and the collagen gain do not fall as the
// depth rises. Pen settings swept on the default case's forehead.
TEST(Uncertainty, DownstreamFiguresRiseWithDepthInAFixedPerson) {
  cases::Case c = io::default_case();
  c.zones.resize(1);
  c.procedure.anaesthetic.reset();
  c.simulation.horizon_h = 2;  // short transport horizon: the test stays fast
  double last_delivered = -1, last_downtime = -1, last_collagen = -1;
  for (const double mm : {0.25, 0.5, 1.0, 1.5, 2.0}) {
    c.zones[0].depth_mm = mm;
    const Punctured p = puncture_zone(c, 0, anatomy::Atlas::builtin(), 1e-4);
    const auto course = course_of(c, injury_dose(p.pattern, p.skin), std::nullopt, {}, 1, 1e-5, 0);
    std::vector<transport::ZoneSkin> skins{
        {p.skin, channel_spec(p.pattern, puncture::closure_conditions(c, 0)), std::nullopt}};
    const auto d = deliver_case(c, resolved_device(c), skins);
    const double delivered = d.zones[0].delivery->needled.past_sc_ug_per_cm2.back();
    EXPECT_GE(delivered, last_delivered) << mm << " mm";
    EXPECT_GE(course.erythema_resolved_day, last_downtime) << mm << " mm";
    EXPECT_GE(course.collagen_rel_end, last_collagen) << mm << " mm";
    last_delivered = delivered;
    last_downtime = course.erythema_resolved_day;
    last_collagen = course.collagen_rel_end;
  }
}

}  // namespace
}  // namespace mnsim::pipeline
