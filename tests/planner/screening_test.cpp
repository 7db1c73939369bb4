// Screening: the table, every class of contraindication and its effect on the
// plan, and the case reader's check of patient.history.
#include <algorithm>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/planner/atlas_predictor.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/screening.hpp"
#include "test_util.hpp"

namespace mnsim::planner {
namespace {

using cases::Indication;

const Rule* rule(const std::string& code, Affects affects) {
  for (const auto& r : Screening::builtin().rules()) {
    if (r.code == code && r.affects == affects)
      return &r;
  }
  return nullptr;
}

cases::Case with_history(std::vector<std::string> history) {
  cases::Case c =
      test::case_with({{"cheek", Indication::AcneScars}, {"forehead", Indication::FineLines}});
  c.patient.history = std::move(history);
  return c;
}

TEST(Screening, InterfaceExampleCodesExist) {
  const auto& s = Screening::builtin();
  for (const char* code : {"isotretinoin_6mo", "anticoagulants", "active_herpes", "keloids",
                           "pregnancy", "active_acne", "bleeding_disorder"}) {
    EXPECT_TRUE(s.is_history_code(code)) << code;
  }
}

TEST(Screening, EveryLiteratureSectionJClassIsCovered) {
  // LITERATURE.md section J, class by class: code, severity, target.
  struct Expect {
    const char* code;
    Severity severity;
    Affects affects;
  };
  const Expect expected[] = {
      {"active_infection", Severity::Absolute, Affects::Needling},
      {"active_herpes", Severity::Absolute, Affects::Needling},
      {"active_acne", Severity::Absolute, Affects::Needling},
      {"papulopustular_rosacea", Severity::Absolute, Affects::Needling},
      {"warts", Severity::Absolute, Affects::Needling},
      {"open_lesions", Severity::Absolute, Affects::Needling},
      {"skin_cancer", Severity::Absolute, Affects::Needling},
      {"solar_keratosis", Severity::Relative, Affects::Needling},
      {"scleroderma", Severity::Relative, Affects::Needling},
      {"keloids", Severity::Relative, Affects::Needling},
      {"bleeding_disorder", Severity::Relative, Affects::Needling},
      {"anticoagulants", Severity::Relative, Affects::Needling},
      {"isotretinoin_6mo", Severity::Relative, Affects::Needling},
      {"isotretinoin_current", Severity::Relative, Affects::Needling},
      {"metal_allergy", Severity::Relative, Affects::Needling},
      {"uncontrolled_diabetes", Severity::Relative, Affects::Needling},
      {"chemo_radiotherapy", Severity::Relative, Affects::Needling},
      {"recent_fillers", Severity::Relative, Affects::Needling},
      {"pregnancy", Severity::Absolute, Affects::Anaesthetic},
      {"pregnancy", Severity::Relative, Affects::Needling},
      {"breastfeeding", Severity::Absolute, Affects::Anaesthetic},
      {"hepatic_disease", Severity::Absolute, Affects::Anaesthetic},
      {"pseudocholinesterase_deficiency", Severity::Absolute, Affects::Anaesthetic},
      {"paba_sulphonamide_allergy", Severity::Absolute, Affects::Anaesthetic},
      {"methaemoglobinaemia", Severity::Absolute, Affects::Anaesthetic},
      {"antiarrhythmics", Severity::Absolute, Affects::Anaesthetic},
      {"product_not_intradermal", Severity::Relative, Affects::Product},
      {"dark_phototype", Severity::Relative, Affects::Needling},
  };
  for (const auto& e : expected) {
    const Rule* r = rule(e.code, e.affects);
    ASSERT_NE(r, nullptr) << e.code;
    EXPECT_EQ(r->severity, e.severity) << e.code;
    EXPECT_FALSE(r->sources.empty()) << e.code;
  }
}

TEST(Screening, IsotretinoinWashoutIsStatedAsDisputed) {
  for (const char* code : {"isotretinoin_6mo", "isotretinoin_current"}) {
    const Rule* r = rule(code, Affects::Needling);
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->disputed);
    EXPECT_NE(r->message.find("DISPUTED"), std::string::npos);
    EXPECT_NE(std::find(r->sources.begin(), r->sources.end(), "pl_spring2017"), r->sources.end());
  }
}

TEST(Screening, AbsoluteNeedlingMakesThePatientIneligibleWithoutSettings) {
  const AtlasPredictor predictor(anatomy::Atlas::builtin(), cases::DeviceKind::Pen);
  for (const char* code : {"active_herpes", "active_infection", "active_acne", "open_lesions",
                           "skin_cancer", "papulopustular_rosacea", "warts"}) {
    const Plan plan = test::plan(with_history({code}), predictor);
    EXPECT_FALSE(plan.eligible) << code;
    EXPECT_FALSE(plan.course) << code;
    EXPECT_FALSE(plan.anaesthetic) << code;
    ASSERT_EQ(plan.zones.size(), 2U);
    for (const auto& z : plan.zones) {
      EXPECT_FALSE(z.setting) << code;
      EXPECT_EQ(z.binding_constraint, "contraindication");
      EXPECT_NE(z.binding_detail.find(code), std::string::npos);
    }
  }
}

TEST(Screening, RelativeNeedlingKeepsThePlanButAsksForConsent) {
  const AtlasPredictor predictor(anatomy::Atlas::builtin(), cases::DeviceKind::Pen);
  for (const char* code : {"anticoagulants", "keloids", "isotretinoin_6mo", "bleeding_disorder",
                           "metal_allergy", "scleroderma", "uncontrolled_diabetes"}) {
    const Plan plan = test::plan(with_history({code}), predictor);
    EXPECT_TRUE(plan.eligible) << code;
    EXPECT_TRUE(plan.zones[0].setting) << code;
    const bool consent =
        std::any_of(plan.warnings.begin(), plan.warnings.end(), [&](const auto& w) {
          return w.find("consent") != std::string::npos && w.find(code) != std::string::npos;
        });
    EXPECT_TRUE(consent) << code;
  }
}

TEST(Screening, AnaestheticContraindicationRemovesOnlyTheAnaesthetic) {
  const AtlasPredictor predictor(anatomy::Atlas::builtin(), cases::DeviceKind::Pen);
  const Plan without = test::plan(with_history({}), predictor);
  ASSERT_TRUE(without.anaesthetic);  // the cheek needs one (deeper than 300 um)
  for (const char* code :
       {"pregnancy", "breastfeeding", "hepatic_disease", "antiarrhythmics", "methaemoglobinaemia",
        "paba_sulphonamide_allergy", "pseudocholinesterase_deficiency"}) {
    const Plan plan = test::plan(with_history({code}), predictor);
    EXPECT_TRUE(plan.eligible) << code;
    EXPECT_FALSE(plan.anaesthetic) << code;
    EXPECT_TRUE(plan.zones[0].setting) << code;
  }
}

TEST(Screening, ProductAndPhototypeRulesAreRaisedByTheCase) {
  cases::Case c = with_history({});
  c.product.reset();
  c.patient.fitzpatrick = 3;
  EXPECT_TRUE(Screening::builtin().screen(c).empty());
  c.product = cases::Product{};
  c.patient.fitzpatrick = 5;
  const auto f = Screening::builtin().screen(c);
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f[0].code, "product_not_intradermal");
  EXPECT_EQ(f[0].affects, Affects::Product);
  EXPECT_EQ(f[1].code, "dark_phototype");
  // Neither is valid in patient.history.
  EXPECT_FALSE(Screening::builtin().is_history_code("dark_phototype"));
  EXPECT_FALSE(Screening::builtin().is_history_code("product_not_intradermal"));
}

TEST(Screening, UnknownHistoryCodeIsBadInputWithSuggestion) {
  std::string text(io::default_case_text());
  const auto pos = text.find("history = []");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 12, "history = [\"keloids\", \"anticoagulant\", \"zzz_nothing\"]");
  try {
    (void)io::parse_case(text, "t.toml");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.issues().size(), 2U);
    EXPECT_EQ(e.issues()[0].field, "patient.history[1]");
    EXPECT_NE(e.issues()[0].problem.find("did you mean 'anticoagulants'"), std::string::npos);
    EXPECT_EQ(e.issues()[1].field, "patient.history[2]");
    EXPECT_NE(e.issues()[1].problem.find("allowed:"), std::string::npos);
  }
}

TEST(Screening, KnownHistoryCodesParse) {
  std::string text(io::default_case_text());
  const auto pos = text.find("history = []");
  text.replace(pos, 12, "history = [\"isotretinoin_6mo\", \"pregnancy\"]");
  const cases::Case c = io::parse_case(text, "t.toml");
  EXPECT_EQ(c.patient.history.size(), 2U);
}

}  // namespace
}  // namespace mnsim::planner

namespace mnsim::planner {
namespace {

std::string read_doc(const std::string& rel) {
  std::ifstream in(std::string(MNSIM_SOURCE_DIR) + "/" + rel);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(SafetyDoc, ListsEveryCodeAndEverySite) {
  const std::string doc = read_doc("docs/safety.md");
  ASSERT_FALSE(doc.empty());
  for (const auto& r : Screening::builtin().rules())
    EXPECT_NE(doc.find("`" + r.code + "`"), std::string::npos) << r.code;
  for (const auto& s : Limits::builtin().sites)
    EXPECT_NE(doc.find(s.site), std::string::npos) << s.site;
}

}  // namespace
}  // namespace mnsim::planner
