// The transport -> response hand-off: the anaesthetic's numbed depth, a typed
// result of the transport stage, sets the pain of needling; and the numbing
// target is the resolved device's needling depth.
#include <gtest/gtest.h>

#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"

namespace mnsim::pipeline {
namespace {

// The default case cut to one zone and a fast 1D transport run.
cases::Case small_case() {
  cases::Case c = io::default_case();
  c.zones.resize(1);
  c.simulation.fidelity = cases::Fidelity::OneD;
  c.simulation.horizon_h = 2;
  c.course.sessions = 1;
  c.course.horizon_days = 30;
  c.procedure.anaesthetic = cases::Anaesthetic{"lidocaine_4pct", 60};
  return c;
}

TEST(DeliveryHandoff, AnaestheticLowersThePainOfTheSameCase) {
  const cases::Case with = small_case();
  cases::Case without = with;
  without.procedure.anaesthetic.reset();
  const RunResult a = run(with, anatomy::Atlas::builtin());
  const RunResult b = run(without, anatomy::Atlas::builtin());
  ASSERT_TRUE(a.delivery.has_value());
  ASSERT_TRUE(a.delivery->zones.at(0).anaesthetic.has_value());
  ASSERT_TRUE(a.zones.at(0).anaesthetic_depth_um.has_value());
  EXPECT_GT(*a.zones[0].anaesthetic_depth_um, 0.0);
  // The depth handed on is the typed result's at the end of the application.
  EXPECT_EQ(*a.zones[0].anaesthetic_depth_um,
            *a.delivery->zones[0].anaesthetic->numbed_depth_intact_um_at(60 * 60.0));
  EXPECT_FALSE(b.zones.at(0).anaesthetic_depth_um.has_value());
  EXPECT_LT(a.zones[0].course.first_session.pain_nrs, b.zones[0].course.first_session.pain_nrs);
}

TEST(DeliveryHandoff, NumbingTargetIsTheResolvedDevicesDepth) {
  // A catalogue model and nothing else: the needle length is the model's,
  // not the spec's unfilled default.
  cases::Case named = small_case();
  named.product.reset();
  named.device = cases::DeviceSpec{};
  named.device.model = "roller-192-0.5";
  named.zones[0].depth_mm.reset();
  const device::Device dev = resolved_device(named);
  ASSERT_NE(dev.needle_length_m, named.device.needle_length_mm * 1e-3);
  cases::Case explicit_depth = named;
  explicit_depth.zones[0].depth_mm = dev.needle_length_m * 1e3;
  const auto skins = zone_skins(named, anatomy::Atlas::builtin());
  const auto a = deliver_case(named, dev, skins);
  const auto b = deliver_case(explicit_depth, resolved_device(explicit_depth), skins);
  ASSERT_TRUE(a.zones.at(0).anaesthetic.has_value());
  ASSERT_TRUE(b.zones.at(0).anaesthetic.has_value());
  EXPECT_EQ(a.zones[0].anaesthetic->numbing_onset_s, b.zones[0].anaesthetic->numbing_onset_s);
}

}  // namespace
}  // namespace mnsim::pipeline
