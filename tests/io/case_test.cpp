#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "mnsim/core/error.hpp"
#include "mnsim/core/resources.hpp"
#include "mnsim/io/case_reader.hpp"

namespace mnsim::io {
using namespace mnsim::cases;
namespace {

constexpr const char* kMinimal = R"(
[[zones]]
site = "cheek"
)";

// Parses `text` expecting an InputError; returns its issues.
std::vector<InputIssue> issues_of(const std::string& text) {
  try {
    parse_case(text, "test.toml");
  } catch (const InputError& e) {
    return e.issues();
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text;
  return {};
}

// True if some issue names `field` and its message contains `needle`.
bool has_issue(const std::vector<InputIssue>& issues, const std::string& field,
               const std::string& needle) {
  for (const auto& i : issues) {
    if (i.field == field && i.problem.find(needle) != std::string::npos && i.file == "test.toml") {
      return true;
    }
  }
  return false;
}

std::string dump(const std::vector<InputIssue>& issues) {
  std::string s;
  for (const auto& i : issues)
    s += i.describe() + "\n";
  return s;
}

TEST(CaseReader, DefaultCaseParses) {
  const Case c = default_case();
  EXPECT_EQ(c.info.name, "full-face");
  EXPECT_EQ(c.patient.age_years, 45);
  EXPECT_EQ(c.patient.sex, Sex::Female);
  EXPECT_EQ(c.patient.fitzpatrick, 3);
  EXPECT_EQ(c.device.kind, DeviceKind::Pen);
  ASSERT_EQ(c.zones.size(), 4U);
  EXPECT_EQ(c.zones[0].site, "forehead");
  EXPECT_EQ(c.zones[1].indication, Indication::AcneScars);
  ASSERT_TRUE(c.procedure.anaesthetic.has_value());
  EXPECT_EQ(c.procedure.anaesthetic->product, "lidocaine_4pct");
}

TEST(CaseReader, AbsentFieldsTakeDocumentedDefaults) {
  const Case c = parse_case(kMinimal, "test.toml");
  EXPECT_EQ(c.info.seed, 42U);
  EXPECT_EQ(c.patient.age_years, 45);
  EXPECT_EQ(c.device.needle_length_mm, 1.0);
  EXPECT_EQ(c.procedure.passes, 4);
  EXPECT_FALSE(c.procedure.anaesthetic.has_value());
  EXPECT_FALSE(c.product.has_value());
  EXPECT_EQ(c.zones[0].indication, Indication::Texture);
  EXPECT_FALSE(c.zones[0].depth_mm.has_value());
  EXPECT_EQ(c.course.sessions, 4);
  EXPECT_EQ(c.simulation.fidelity, Fidelity::Axisymmetric);
}

TEST(CaseReader, EveryExampleCaseParses) {
  const auto paths = core::embedded_paths("cases/");
  ASSERT_GE(paths.size(), 3U);
  for (const auto& p : paths) {
    EXPECT_NO_THROW(parse_case(*core::embedded_file(p), std::string(p))) << p;
  }
}

TEST(CaseReader, UnknownKeyGetsDidYouMean) {
  const auto issues = issues_of(std::string(kMinimal) + "[patient]\nage_yeras = 40\n");
  EXPECT_TRUE(has_issue(issues, "patient.age_yeras", "did you mean 'age_years'")) << dump(issues);
}

TEST(CaseReader, UnknownSectionGetsDidYouMean) {
  const auto issues = issues_of(std::string(kMinimal) + "[pateint]\nage_years = 40\n");
  EXPECT_TRUE(has_issue(issues, "pateint", "did you mean 'patient'")) << dump(issues);
}

TEST(CaseReader, WrongTypeNamesFieldValueAndAllowed) {
  const auto issues = issues_of(std::string(kMinimal) + "[patient]\nage_years = \"forty\"\n");
  ASSERT_EQ(issues.size(), 1U) << dump(issues);
  EXPECT_EQ(issues[0].field, "patient.age_years");
  EXPECT_EQ(issues[0].value, "'forty'");
  EXPECT_NE(issues[0].problem.find("[18, 100] years"), std::string::npos);
  EXPECT_NE(issues[0].problem.find("got a string"), std::string::npos);
}

TEST(CaseReader, IntegerFieldRejectsFraction) {
  const auto issues = issues_of(std::string(kMinimal) + "[device]\nneedle_count = 16.5\n");
  EXPECT_TRUE(has_issue(issues, "device.needle_count", "expected an integer")) << dump(issues);
}

TEST(CaseReader, OutOfRangeNamesRange) {
  const auto issues = issues_of(std::string(kMinimal) + "[patient]\nfitzpatrick = 7\n");
  EXPECT_TRUE(has_issue(issues, "patient.fitzpatrick", "an integer in [1, 6]")) << dump(issues);
}

TEST(CaseReader, NanAndInfAreRejected) {
  const auto issues =
      issues_of(std::string(kMinimal) + "[simulation]\ndx_um = nan\nhorizon_h = inf\n");
  EXPECT_TRUE(has_issue(issues, "simulation.dx_um", "finite")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "simulation.horizon_h", "finite")) << dump(issues);
}

TEST(CaseReader, PositiveQuantityHasAPhysicalMinimum) {
  const auto issues = issues_of(std::string(kMinimal) + "[simulation]\nhorizon_h = 0\n");
  EXPECT_TRUE(has_issue(issues, "simulation.horizon_h", "[0.01, 720] h")) << dump(issues);
}

TEST(CaseReader, BadChoiceSuggests) {
  const auto issues = issues_of(std::string(kMinimal) + "[device]\nkind = \"rollr\"\n");
  EXPECT_TRUE(has_issue(issues, "device.kind", "did you mean 'roller'")) << dump(issues);
}

TEST(CaseReader, ZoneFieldsNamedWithIndex) {
  const auto issues = issues_of(R"(
[[zones]]
site = "cheek"
[[zones]]
site = "forehead"
[[zones]]
site = "neck"
depth_mm = 5.0
)");
  EXPECT_TRUE(has_issue(issues, "zones[2].depth_mm", "[0.05, 3] mm")) << dump(issues);
}

TEST(CaseReader, UnknownSiteSuggests) {
  const auto issues = issues_of("[[zones]]\nsite = \"cheeks\"\n");
  EXPECT_TRUE(has_issue(issues, "zones[0].site", "did you mean 'cheek'")) << dump(issues);
}

TEST(CaseReader, MissingRequiredField) {
  const auto issues = issues_of("[[zones]]\nindication = \"wrinkles\"\n");
  EXPECT_TRUE(has_issue(issues, "zones[0].site", "is required")) << dump(issues);
}

TEST(CaseReader, NoZonesIsAnError) {
  const auto issues = issues_of("[patient]\nage_years = 30\n");
  EXPECT_TRUE(has_issue(issues, "zones", "at least one")) << dump(issues);
}

TEST(CaseReader, EveryProblemReportedAtOnce) {
  const auto issues = issues_of(R"(
[patient]
age_years = 5
sex = "other"
colour = "blue"
[device]
needle_length_mm = -1
[[zones]]
site = "cheek"
)");
  EXPECT_EQ(issues.size(), 4U) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "patient.age_years", "[18, 100]"));
  EXPECT_TRUE(has_issue(issues, "patient.sex", "female, male"));
  EXPECT_TRUE(has_issue(issues, "patient.colour", "unknown key"));
  EXPECT_TRUE(has_issue(issues, "device.needle_length_mm", "[0.05, 3] mm"));
}

// A schema problem (the age) no longer hides the checks against the built-in
// data (the site): both come in one InputError.
TEST(CaseReader, SchemaAndCatalogueProblemsTogether) {
  const auto issues = issues_of(R"(
[patient]
age_years = 12
[[zones]]
site = "cheeck"
indication = "texture"
)");
  EXPECT_EQ(issues.size(), 2U) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "patient.age_years", "[18, 100]")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "zones[0].site", "did you mean 'cheek'")) << dump(issues);
}

// Another combination: a wrong type in [course], an unknown screening code,
// an unknown product and an unknown device model at once; the course rule,
// whose inputs had a schema problem, says nothing (its horizon took the
// default, which would make a spurious message).
TEST(CaseReader, EveryCatalogueProblemWithSchemaProblems) {
  const auto issues = issues_of(R"(
[patient]
history = ["acutane"]
[device]
model = "roller-192-05"
[product]
id = "vitamin_c"
[course]
sessions = 10
interval_days = 60
horizon_days = "long"
[[zones]]
site = "cheek"
indication = "texture"
)");
  EXPECT_TRUE(has_issue(issues, "course.horizon_days", "expected")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "patient.history[0]", "unknown screening code")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "product.id", "unknown product")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "device.model", "did you mean 'roller-192-0.5'")) << dump(issues);
  EXPECT_FALSE(has_issue(issues, "course.horizon_days", "at least")) << dump(issues);
  EXPECT_EQ(issues.size(), 4U) << dump(issues);
}

TEST(CaseReader, SyntaxErrorGivesLineAndColumn) {
  const auto issues = issues_of("[patient]\nage_years = = 4\n");
  ASSERT_EQ(issues.size(), 1U);
  EXPECT_NE(issues[0].problem.find("line 2"), std::string::npos) << dump(issues);
  EXPECT_NE(issues[0].problem.find("column"), std::string::npos) << dump(issues);
}

TEST(CaseReader, HorizonShorterThanCourse) {
  const auto issues = issues_of(std::string(kMinimal) +
                                "[course]\nsessions = 6\ninterval_days = 30\nhorizon_days = 100\n");
  EXPECT_TRUE(has_issue(issues, "course.horizon_days", "150 days")) << dump(issues);
}

TEST(CaseReader, InlineProductNeedsItsProperties) {
  const auto issues = issues_of(std::string(kMinimal) + "[product]\nmw_da = 300\n");
  EXPECT_TRUE(has_issue(issues, "product.log_kow", "required")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "product.concentration_mg_per_ml", "required")) << dump(issues);
}

TEST(CaseReader, ExplicitMediumReplacesZones) {
  const Case c = parse_case(R"(
[[medium.layers]]
name = "membrane"
thickness_um = 100
diffusivity_m2_s = 1e-11
[donor]
kind = "infinite"
concentration_ug_per_ml = 1000
)",
                            "test.toml");
  ASSERT_TRUE(c.medium.has_value());
  ASSERT_EQ(c.medium->layers.size(), 1U);
  EXPECT_EQ(c.medium->layers[0].partition, 1.0);
  EXPECT_EQ(c.medium->layers[0].diffusivity_m2_s, 1e-11);
  EXPECT_TRUE(c.zones.empty());
}

TEST(CaseReader, MediumLayerRejectsZeroPartition) {
  const auto issues = issues_of(R"(
[[medium.layers]]
name = "m"
thickness_um = 100
diffusivity_m2_s = 1e-11
partition = 0
)");
  EXPECT_TRUE(has_issue(issues, "medium.layers[0].partition", "[1e-06, 1e+06]")) << dump(issues);
}

TEST(CaseReader, MissingFileIsInputError) {
  try {
    load_case("/nonexistent/dir/case.toml");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.issues().at(0).file, "/nonexistent/dir/case.toml");
    EXPECT_NE(e.issues().at(0).problem.find("no such"), std::string::npos);
  }
}

TEST(CaseReader, LoadsFromDisk) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("mnsim_case_test_" + std::to_string(::getpid()) + ".toml");
  { std::ofstream(path) << kMinimal; }
  const Case c = load_case(path);
  EXPECT_EQ(c.source, path.string());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace mnsim::io
