// One resealing law: `deliver` (transport) and `heal` (response/healing) report
// the same channel-closure time for the same case, zone by zone, whatever the
// occlusion, age and site (issue 11).
#include <cmath>

#include <gtest/gtest.h>

#include "mnsim/core/units.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/puncture/resealing.hpp"

namespace mnsim::pipeline {
namespace {

// Closure times (h) per zone as `deliver` and as `heal` compute them.
void expect_same_closure(const cases::Case& c) {
  const auto& atlas = anatomy::Atlas::builtin();
  const auto d = deliver_case(c, resolved_device(c), zone_skins(c, atlas));
  Options ho;
  ho.delivery = false;
  const auto h = run(c, atlas, ho);
  ASSERT_EQ(d.zones.size(), h.zones.size());
  for (std::size_t i = 0; i < d.zones.size(); ++i) {
    ASSERT_TRUE(d.zones[i].delivery.has_value());
    const double deliver_h = units::to_hours(d.zones[i].delivery->reseal_time_s);
    const double heal_h = h.zones[i].course.first_session.barrier_resealed_h;
    ASSERT_GT(deliver_h, 0) << "zone " << i;
    EXPECT_NEAR(heal_h, deliver_h, 1e-9 * deliver_h)
        << "zone " << i << " (" << c.zones[i].site << ")";
    const double law_h = units::to_hours(
        puncture::ResealingLaw::builtin().reseal_time_s(puncture::closure_conditions(c, i)));
    EXPECT_NEAR(deliver_h, law_h, 1e-9 * law_h);
  }
}

cases::Case quick(cases::Case c) {
  c.simulation.fidelity = cases::Fidelity::OneD;
  c.simulation.horizon_h = 1;
  c.procedure.anaesthetic.reset();
  c.course.sessions = 1;
  c.course.horizon_days = 7;
  return c;
}

TEST(ClosureAgreement, DeliverAndHealMatchOnTheDefaultCase) {
  expect_same_closure(quick(io::default_case()));
}

TEST(ClosureAgreement, DeliverAndHealMatchOccludedOldAbdomen) {
  auto c = quick(io::default_case());
  c.procedure.occluded = true;
  c.patient.age_years = 80;
  c.zones.resize(2);
  c.zones[1].site = "abdomen";
  expect_same_closure(c);
}

TEST(ClosureAgreement, OcclusionLengthAgeSiteAllSlowClosure) {
  const auto& law = puncture::ResealingLaw::builtin();
  puncture::ClosureConditions k{law.reference_length_m, false, law.young_age_years,
                                law.reference_site};
  const double t0 = law.reseal_time_s(k);
  EXPECT_NEAR(t0, law.unoccluded_reseal_s, 1e-9 * t0);
  auto longer = k;
  longer.needle_length_m *= 2;
  auto occ = k;
  occ.occluded = true;
  auto old = k;
  old.age_years = 80;
  auto abd = k;
  abd.site = "abdomen";
  EXPECT_GT(law.reseal_time_s(longer), t0);
  EXPECT_GT(law.reseal_time_s(old), t0);
  EXPECT_GT(law.reseal_time_s(abd), t0);
  // Occluded closure runs to days (issue 11; sites2021: ~60 h).
  EXPECT_GT(units::to_hours(law.reseal_time_s(occ)), 24.0);
  EXPECT_NEAR(law.open_fraction(t0, t0), law.residual_fraction, 1e-12);
  EXPECT_NEAR(law.closure_rate_per_s(k) * t0, std::log(1.0 / law.residual_fraction), 1e-12);
}

}  // namespace
}  // namespace mnsim::pipeline
