// End-to-end tests of `mnsim pattern`: JSON keys of docs/interface.md, the SVG,
// and bad device input (exit 2 naming the field).
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/cli_harness.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using Result = mnsim::testing::CliResult;

class PatternCli : public mnsim::testing::CliTest {};

TEST_F(PatternCli, JsonHasTheInterfaceKeysPerZoneInCaseOrder) {
  const auto r = mnsim("pattern --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["zones"].size(), 4U);
  EXPECT_EQ(j["zones"][0]["site"], "forehead");
  EXPECT_EQ(j["zones"][3]["site"], "neck");
  for (const auto& z : j["zones"]) {
    for (const char* key :
         {"site", "indication", "punctures_per_cm2", "coverage_fraction", "depth_um",
          "surface_opening_um", "unpunctured_fraction", "channels_total", "channels_per_s"}) {
      EXPECT_TRUE(z.contains(key)) << key;
    }
    for (const char* key : {"mean", "p10", "p90"})
      EXPECT_TRUE(z["depth_um"].contains(key)) << key;
    EXPECT_TRUE(z["surface_opening_um"].contains("mean"));
    EXPECT_TRUE(z["channels_per_s"].is_number());  // the default case uses a pen
    EXPECT_LT(z["depth_um"]["p90"].get<double>(), z["device"]["length_mm"].get<double>() * 1e3);
  }
  EXPECT_TRUE(j.contains("disclaimer"));
}

TEST_F(PatternCli, RollerHasNoChannelRateAndIsDeterministic) {
  const auto c =
      write("roller.toml", "[device]\nmodel = \"roller-192-1.5\"\n[[zones]]\nsite = \"cheek\"\n");
  const auto a = mnsim("pattern " + c.string() + " --json");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_TRUE(json::parse(a.out)["zones"][0]["channels_per_s"].is_null());
  EXPECT_EQ(a.out, mnsim("pattern " + c.string() + " --json").out);
}

TEST_F(PatternCli, SvgDrawsTheNamedZoneWithLegendScaleBarAndLabel) {
  const auto svg = dir_ / "patch.svg";
  const auto r = mnsim("pattern --svg " + svg.string() + " --svg-zone cheek");
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(svg);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text.rfind("<svg", 0), 0U);
  EXPECT_NE(text.find(">cheek (acne_scars)"), std::string::npos);  // the zone/setting label
  EXPECT_NE(text.find("1.5 x 1.5 mm corner"), std::string::npos);  // the default crop
  EXPECT_NE(text.find("depth (um)"), std::string::npos);           // the colour legend
  EXPECT_NE(text.find("0 um</text>"), std::string::npos);          // the scale bar
  EXPECT_NE(text.find("clip-path=\"url(#patch)\""), std::string::npos);
  EXPECT_NE(text.find("<ellipse"), std::string::npos);
  EXPECT_LT(text.size(), 500U * 1000U);
  // Without --svg-zone: the first zone (the forehead).
  ASSERT_EQ(mnsim("pattern --svg " + svg.string()).status, 0);
  std::ifstream in2(svg);
  std::string first((std::istreambuf_iterator<char>(in2)), {});
  EXPECT_NE(first.find(">forehead (fine_lines)"), std::string::npos);
}

TEST_F(PatternCli, SvgZoneTakesASiteIdAndRefusesAnIndex) {
  const auto svg = dir_ / "never.svg";
  for (const char* zone : {"1", "elbow"}) {
    const auto r = mnsim("pattern --svg " + svg.string() + " --svg-zone " + zone);
    EXPECT_EQ(r.status, 2) << zone;
    EXPECT_NE(r.err.find("--svg-zone"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("forehead, cheek, perioral, neck"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(svg));
  }
  EXPECT_NE(mnsim("pattern --svg " + svg.string() + " --svg-zone 1").err.find("not an index"),
            std::string::npos);
}

TEST_F(PatternCli, BadDevicesExitTwoNamingTheField) {
  struct Bad {
    std::string device;
    std::string field;
  };
  const Bad cases[] = {
      {"needle_length_mm = -1.0", "device.needle_length_mm"},
      {"needle_count = 0", "device.needle_count"},
      {"model = \"pen-16-120hz\"\nneedle_length_mm = 3.5", "device.needle_length_mm"},
      {"kind = \"roller\"\nneedle_rows = 40\nneedle_count = 200\nneedle_base_diameter_um = "
       "300\ndrum_width_mm = 10",
       "device.drum_width_mm"},
      {"model = \"roler-192-1.5\"", "device.model"},
  };
  for (const auto& b : cases) {
    const auto c = write("bad.toml", "[device]\n" + b.device + "\n[[zones]]\nsite = \"cheek\"\n");
    const auto svg = dir_ / "never.svg";
    const auto r = mnsim("pattern " + c.string() + " --svg " + svg.string());
    EXPECT_EQ(r.status, 2) << b.device;
    EXPECT_NE(r.err.find(b.field), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(svg));
  }
}

TEST_F(PatternCli, PenDepthOffItsStepsIsBadInput) {
  const auto c = write("pen.toml",
                       "[device]\nmodel = \"pen-14-0.25step\"\n[[zones]]\nsite = \"cheek\"\n"
                       "depth_mm = 0.6\n");
  const auto r = mnsim("pattern " + c.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("zones[0].depth_mm"), std::string::npos) << r.err;
}

}  // namespace
