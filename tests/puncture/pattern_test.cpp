#include <omp.h>

#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/puncture/pattern.hpp"

namespace mnsim::puncture {
namespace {

PatternInput input_for(const std::string& device, int passes = 1, double area_cm2 = 4) {
  const auto c =
      io::parse_case("[device]\n" + device + "\n[procedure]\npasses = " + std::to_string(passes) +
                         "\n[[zones]]\nsite = \"cheek\"\n",
                     "t.toml");
  PatternInput in = pipeline::pattern_input(c, 0, anatomy::Atlas::builtin());
  in.zone_area_m2 = area_cm2 * 1e-4;
  return in;
}

ZonePattern run(const PatternInput& in) {
  return simulate(in, MechanicsParams::builtin());
}

// Mean depth over all contacts (a contact that does not puncture counts 0).
double depth_per_contact(const ZonePattern& z) {
  return z.depth_m.mean * (1 - z.unpunctured_fraction);
}

TEST(Kinematics, OneDrumRevolutionPlacesEachNeedleOnce) {
  const auto in = input_for("model = \"roller-192-1.5\"");
  const double rho = 10.9e-3;
  for (int turns : {1, 3}) {
    const auto contacts = roller_stroke(in.device, rho, turns * 2 * M_PI * rho);
    std::map<int, int> per_needle;
    for (const auto& c : contacts)
      ++per_needle[c.needle];
    EXPECT_EQ(contacts.size(), static_cast<std::size_t>(192 * turns));
    EXPECT_EQ(per_needle.size(), 192u);
    for (const auto& [needle, n] : per_needle)
      EXPECT_EQ(n, turns) << "needle " << needle;
  }
}

TEST(Kinematics, PenContactsMatchStrokeRateAndGlide) {
  auto in = input_for("model = \"pen-16-120hz\"", 1, 9);
  const auto z = run(in);
  // Contacts per area of one pass: N f / (v w), w = 4 rows x pitch.
  const double w = 4 * in.device.needle_pitch_m;
  const double expected =
      in.device.needle_count * in.device.stroke_hz / (in.glide_speed_m_s * w) * in.zone_area_m2;
  EXPECT_NEAR(static_cast<double>(z.attempts_total) / expected, 1.0, 0.03);
  ASSERT_TRUE(z.channels_per_s.has_value());
  EXPECT_LE(*z.channels_per_s, 16 * 120.0);
}

TEST(Kinematics, RollerPassDensityMatchesDrumGeometry) {
  const auto in = input_for("model = \"roller-192-1.5\"", 1, 25);
  const auto z = run(in);
  // One pass: 192 needles per drum circumference x drum width (rolling radius ~ drum + needle).
  const double rho = 0.5 * in.device.drum_diameter_m + in.length_m - z.tip_travel_m;
  const double expected = 192.0 / (2 * M_PI * rho * in.device.drum_width_m) * in.zone_area_m2;
  EXPECT_NEAR(static_cast<double>(z.attempts_total) / expected, 1.0, 0.05);
}

TEST(Depth, NeverExceedsNeedleLengthOrPenSetting) {
  for (const char* dev :
       {"model = \"roller-192-1.5\"", "model = \"roller-192-0.5\"",
        "model = \"pen-16-120hz\"\nneedle_length_mm = 0.6", "model = \"stamp-35\""}) {
    const auto in = input_for(dev);
    const auto z = run(in);
    for (const auto& c : z.patch_channels)
      ASSERT_LT(c.depth_m, in.length_m) << dev;
    EXPECT_LT(z.depth_m.p90, in.length_m) << dev;
  }
}

TEST(Depth, GrowsWithNeedleLength) {
  double last = -1;
  for (double mm : {0.8, 1.0, 1.5, 2.0}) {
    auto in = input_for("model = \"roller-192-1.5\"");
    in.length_m = mm * 1e-3;
    const double d = depth_per_contact(run(in));
    EXPECT_GT(d, last) << mm;
    last = d;
  }
}

TEST(Depth, GrowsWithForceUntilTheDrumRestsOnTheSkin) {
  double last = -1;
  bool rose = false;
  for (double f : {0.2, 0.5, 1.0, 2.0, 5.0, 10.0}) {
    auto in = input_for("model = \"roller-192-1.5\"");
    in.pressure_n = f;
    const auto z = run(in);
    const double d = depth_per_contact(z);
    EXPECT_GE(d, last - 1e-9) << f;
    rose = rose || d > last + 1e-6;
    last = d;
  }
  EXPECT_TRUE(rose);
}

TEST(Depth, FallsWithWear) {
  double last = 1;
  for (int uses : {0, 5, 15, 40}) {
    const auto in = input_for("model = \"roller-192-1.5\"\nuses = " + std::to_string(uses));
    const double d = depth_per_contact(run(in));
    EXPECT_LT(d, last) << uses;
    last = d;
  }
}

TEST(Depth, FallsWithDensity) {
  double last = 1;
  for (int n : {16, 64, 256}) {
    auto in = input_for("model = \"stamp-35\"", 1, 1);
    in.device.needle_count = n;
    in.device.needle_pitch_m = 0.5e-3;
    in.pressure_n = 2.0;
    const double d = depth_per_contact(run(in));
    EXPECT_LT(d, last) << n;
    last = d;
  }
}

TEST(Pattern, RollerOpeningIsWiderAlongTheStroke) {
  const auto z = run(input_for("model = \"roller-192-1.5\""));
  EXPECT_GT(z.opening_major_mean_m, 1.05 * z.opening_minor_mean_m);
  const auto p = run(input_for("model = \"pen-16-120hz\""));
  EXPECT_DOUBLE_EQ(p.opening_major_mean_m, p.opening_minor_mean_m);
}

TEST(Pattern, SameSeedSameResultOtherSeedOtherPattern) {
  const auto in = input_for("model = \"pen-11-90hz\"");
  const auto a = run(in);
  const auto b = run(in);
  ASSERT_EQ(a.patch_channels.size(), b.patch_channels.size());
  for (std::size_t i = 0; i < a.patch_channels.size(); ++i) {
    EXPECT_EQ(a.patch_channels[i].x_m, b.patch_channels[i].x_m);
    EXPECT_EQ(a.patch_channels[i].depth_m, b.patch_channels[i].depth_m);
  }
  EXPECT_EQ(a.depth_histogram, b.depth_histogram);
  auto other = in;
  other.seed = in.seed + 1;
  const auto c = run(other);
  EXPECT_NE(a.patch_channels.front().x_m, c.patch_channels.front().x_m);
}

TEST(Pattern, OneAndTwoThreadsGiveTheSameResult) {
  for (const char* dev : {"model = \"pen-16-120hz\"", "model = \"roller-192-1.0\""}) {
    const auto in = input_for(dev, 4);
    omp_set_num_threads(1);
    const auto a = run(in);
    omp_set_num_threads(2);
    const auto b = run(in);
    EXPECT_EQ(a.attempts_total, b.attempts_total);
    EXPECT_EQ(a.channels_total, b.channels_total);
    EXPECT_EQ(a.depth_histogram, b.depth_histogram);
    EXPECT_EQ(a.depth_m.mean, b.depth_m.mean);
    EXPECT_EQ(a.coverage_fraction, b.coverage_fraction);
    EXPECT_EQ(a.nn_spacing_m.mean, b.nn_spacing_m.mean);
    ASSERT_EQ(a.patch_channels.size(), b.patch_channels.size());
    for (std::size_t i = 0; i < a.patch_channels.size(); ++i)
      ASSERT_EQ(a.patch_channels[i].x_m, b.patch_channels[i].x_m);
  }
}

TEST(Pattern, CoverageAndSpacingAreConsistentWithDensity) {
  const auto z = run(input_for("model = \"stamp-35\"", 1, 4));
  // A 1 mm stamp grid: nearest neighbour about the pitch; coverage about
  // density x opening area (little overlap at this density).
  EXPECT_NEAR(z.nn_spacing_m.p50, 1.0e-3, 0.15e-3);
  const double area = M_PI * 0.25 * z.opening_major_mean_m * z.opening_minor_mean_m;
  EXPECT_NEAR(z.coverage_fraction, z.punctures_per_cm2 * 1e4 * area, 0.3 * z.coverage_fraction);
}

}  // namespace
}  // namespace mnsim::puncture
