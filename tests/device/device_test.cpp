#include <gtest/gtest.h>

#include "mnsim/core/error.hpp"
#include "mnsim/device/device.hpp"
#include "mnsim/io/case_reader.hpp"

namespace mnsim::device {
namespace {

std::vector<InputIssue> issues_of(const std::string& text) {
  try {
    io::parse_case(text, "test.toml");
  } catch (const InputError& e) {
    return e.issues();
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text;
  return {};
}

bool has_issue(const std::vector<InputIssue>& issues, const std::string& field,
               const std::string& needle) {
  for (const auto& i : issues) {
    if (i.field == field && i.problem.find(needle) != std::string::npos && i.file == "test.toml")
      return true;
  }
  return false;
}

std::string zone_case(const std::string& device) {
  return "[device]\n" + device + "\n[[zones]]\nsite = \"cheek\"\n";
}

TEST(Catalogue, HoldsTheDevicesOfTheIssue) {
  const auto& cat = Catalogue::builtin();
  for (const char* id :
       {"roller-192-0.13", "roller-192-0.2", "roller-192-0.5", "roller-192-1.0", "roller-192-1.5",
        "home-roller-0.25", "pen-11-90hz", "pen-16-120hz", "pen-14-0.25step", "stamp-35"}) {
    const Device* d = cat.find(id);
    ASSERT_NE(d, nullptr) << id;
    EXPECT_FALSE(d->sources.empty()) << id;
    EXPECT_TRUE(check(*d, {}).empty()) << id;
  }
  const Device& mf8 = *cat.find("roller-192-1.5");
  EXPECT_EQ(mf8.needle_count, 192);
  EXPECT_EQ(mf8.needle_rows, 8);
  EXPECT_DOUBLE_EQ(mf8.drum_diameter_m, 20e-3);
  EXPECT_DOUBLE_EQ(mf8.needle_length_m, 1.5e-3);
  const Device& pen = *cat.find("pen-16-120hz");
  EXPECT_DOUBLE_EQ(pen.stroke_hz, 120);
  EXPECT_DOUBLE_EQ(pen.depth_max_m, 3.0e-3);
}

TEST(Resolve, ModelFieldsAreOverriddenOnlyByExplicitCaseFields) {
  const auto c = io::parse_case(
      zone_case("model = \"roller-192-1.5\"\nneedle_length_mm = 1.0\nuses = 3"), "t.toml");
  const Device d = resolve(c.device, Catalogue::builtin());
  EXPECT_EQ(d.kind, cases::DeviceKind::Roller);           // from the catalogue, not the "pen" default
  EXPECT_DOUBLE_EQ(d.needle_length_m, 1.0e-3);         // overridden
  EXPECT_DOUBLE_EQ(d.needle_base_diameter_m, 250e-6);  // catalogue, not the case default
  EXPECT_EQ(d.needle_count, 192);
  EXPECT_EQ(d.uses, 3);
  EXPECT_EQ(d.model, "roller-192-1.5");
}

TEST(Resolve, WithoutModelTheCaseFieldsApply) {
  const auto c = io::parse_case(zone_case("kind = \"stamp\"\nneedle_count = 20"), "t.toml");
  const Device d = resolve(c.device, Catalogue::builtin());
  EXPECT_EQ(d.kind, cases::DeviceKind::Stamp);
  EXPECT_EQ(d.needle_count, 20);
  EXPECT_TRUE(d.model.empty());
  EXPECT_DOUBLE_EQ(d.tip_cone_length_m, d.needle_length_m);
}

TEST(CaseCheck, UnknownModelSuggestsTheClosest) {
  const auto issues = issues_of(zone_case("model = \"pen-16-12hz\""));
  EXPECT_TRUE(has_issue(issues, "device.model", "did you mean 'pen-16-120hz'")) << issues.size();
}

TEST(CaseCheck, NegativeLengthAndZeroNeedlesNameTheField) {
  const auto issues = issues_of(zone_case("needle_length_mm = -1\nneedle_count = 0"));
  EXPECT_TRUE(has_issue(issues, "device.needle_length_mm", "must be"));
  EXPECT_TRUE(has_issue(issues, "device.needle_count", "must be"));
}

TEST(CaseCheck, RollerDrumNarrowerThanItsRows) {
  const auto issues = issues_of(zone_case(
      "kind = \"roller\"\nneedle_rows = 40\nneedle_count = 200\nneedle_base_diameter_um = "
      "300\ndrum_width_mm = 10"));
  EXPECT_TRUE(has_issue(issues, "device.drum_width_mm", "narrower than its 40 rows"));
}

TEST(CaseCheck, RollerNeedlesMustFillEqualRows) {
  const auto issues =
      issues_of(zone_case("kind = \"roller\"\nneedle_rows = 8\nneedle_count = 190"));
  EXPECT_TRUE(has_issue(issues, "device.needle_count", "multiple of needle_rows"));
}

TEST(CaseCheck, PenDepthOutsideItsRangeOrStep) {
  auto issues = issues_of(
      "[device]\nmodel = \"pen-14-0.25step\"\n[[zones]]\nsite = \"cheek\"\ndepth_mm = 0.6\n");
  EXPECT_TRUE(has_issue(issues, "zones[0].depth_mm", "0.25 mm steps"));
  issues =
      issues_of("[device]\nmodel = \"pen-11-90hz\"\n[[zones]]\nsite = \"cheek\"\ndepth_mm = 2.8\n");
  EXPECT_TRUE(has_issue(issues, "zones[0].depth_mm", "depth setting within its range"));
  issues = issues_of(zone_case("model = \"pen-16-120hz\"\nneedle_length_mm = 0.1"));
  EXPECT_TRUE(has_issue(issues, "device.needle_length_mm", "depth setting within its range"));
}

TEST(CaseCheck, TipMustBeSharperThanTheNeedle) {
  const auto issues = issues_of(zone_case("needle_base_diameter_um = 40\ntip_radius_um = 30"));
  EXPECT_TRUE(has_issue(issues, "device.tip_radius_um", "smaller than half"));
}

TEST(Wear, TipRadiusGrowsWithUsesAndBentShareIsCapped) {
  const auto& cat = Catalogue::builtin();
  Device d = *cat.find("roller-192-1.0");
  const Condition fresh = condition(d, cat.wear());
  d.uses = 10;
  const Condition used = condition(d, cat.wear());
  d.uses = 10000;
  const Condition dead = condition(d, cat.wear());
  EXPECT_DOUBLE_EQ(fresh.tip_radius_m, d.tip_radius_m);
  EXPECT_DOUBLE_EQ(fresh.bent_fraction, 0.0);
  EXPECT_GT(used.tip_radius_m, fresh.tip_radius_m);
  EXPECT_GT(used.bent_fraction, 0.0);
  EXPECT_LE(dead.bent_fraction, cat.wear().bent_fraction_max);
  EXPECT_LT(dead.tip_radius_m, d.base_radius_m());
}

}  // namespace
}  // namespace mnsim::device
