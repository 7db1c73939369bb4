// The cohort library: the population mapping, thread-count independence,
// and a checkpoint resume giving the same result.
#include <omp.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "mnsim/case/json.hpp"
#include "mnsim/cohort/cohort.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"

namespace {

namespace fs = std::filesystem;
using namespace mnsim;

cases::Case small_case() {
  return io::parse_case(R"(
[case]
seed = 5
[[zones]]
site = "cheek"
indication = "acne_scars"
depth_mm = 1.0
[course]
sessions = 2
interval_days = 28
horizon_days = 90
)",
                        "small.toml");
}

TEST(CohortPopulation, InputsMapOntoTheDocumentedDistributions) {
  cases::Population pop;
  pop.age_years_min = 20;
  pop.age_years_max = 60;
  pop.female_fraction = 0.25;
  pop.fitzpatrick_weights = {0, 1, 0, 0, 3, 0};
  cohort::Inputs x{};
  x[0] = 0.5;
  x[1] = 0.2;
  x[2] = 0.2;
  auto p = cohort::person_of(pop, x);
  EXPECT_DOUBLE_EQ(p.age_years, 40);
  EXPECT_EQ(p.sex, cases::Sex::Female);
  EXPECT_EQ(p.fitzpatrick, 2);  // the first quarter of the weight is type II
  x[1] = 0.3;
  x[2] = 0.3;
  p = cohort::person_of(pop, x);
  EXPECT_EQ(p.sex, cases::Sex::Male);
  EXPECT_EQ(p.fitzpatrick, 5);
  x[2] = 0.9999999999;
  EXPECT_EQ(cohort::person_of(pop, x).fitzpatrick, 5);  // never a zero-weight type
}

TEST(CohortPopulation, DrawsFollowTheWeights) {
  cases::Population pop;
  std::array<int, 6> count{};
  int women = 0;
  constexpr int n = 4000;
  for (int j = 0; j < n; ++j) {
    const auto p = cohort::person_of(pop, cohort::draw_inputs(1, 'A', static_cast<std::size_t>(j)));
    ++count[static_cast<std::size_t>(p.fitzpatrick - 1)];
    women += p.sex == cases::Sex::Female ? 1 : 0;
    EXPECT_GE(p.age_years, pop.age_years_min);
    EXPECT_LE(p.age_years, pop.age_years_max);
  }
  for (std::size_t k = 0; k < 6; ++k)  // binomial sd <= 0.008 at n = 4000
    EXPECT_NEAR(count[k] / double(n), pop.fitzpatrick_weights[k], 0.03) << k;
  EXPECT_NEAR(women / double(n), pop.female_fraction, 0.03);
}

TEST(Cohort, ResultDoesNotDependOnTheThreadCount) {
  const auto c = small_case();
  cohort::Options o;
  o.n = 12;
  o.sobol_n = 4;
  o.bootstrap = 20;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = cohort::to_json(cohort::run(c, anatomy::Atlas::builtin(), o));
  omp_set_num_threads(3);
  const auto three = cohort::to_json(cohort::run(c, anatomy::Atlas::builtin(), o));
  omp_set_num_threads(saved);
  EXPECT_EQ(one.dump(), three.dump());
  // The people differ: a spread, not one person repeated.
  const auto& d = one["zones"][0]["real_depth_um"];
  EXPECT_LT(d["p5"].get<double>(), d["p95"].get<double>());
}

TEST(Cohort, RanksShareTheUnitsAndGiveTheSameResult) {
  // Two "ranks" in one process: each computes its block, a gather joins them.
  const auto c = small_case();
  cohort::Options o;
  o.n = 10;
  o.sobol_n = 2;
  o.chunk = 7;
  o.bootstrap = 20;
  const auto whole = cohort::to_json(cohort::run(c, anatomy::Atlas::builtin(), o));
  std::vector<double> rank1;
  auto o1 = o;
  o1.rank = 1;
  o1.ranks = 2;
  o1.gather = [&rank1](std::vector<double>& v, std::size_t) { rank1 = v; };
  (void)cohort::run(c, anatomy::Atlas::builtin(), o1);
  auto o0 = o;
  o0.rank = 0;
  o0.ranks = 2;
  o0.gather = [&rank1](std::vector<double>& v, std::size_t units) {
    const std::size_t per_unit = v.size() / units;
    const std::size_t chunks = (units + 6) / 7;
    for (std::size_t u = (chunks / 2) * 7 * per_unit; u < v.size(); ++u)
      v[u] = rank1[u];
  };
  auto split = cohort::to_json(cohort::run(c, anatomy::Atlas::builtin(), o0));
  split["ranks"] = 1;
  EXPECT_EQ(whole.dump(), split.dump());
}

TEST(Cohort, ResumesFromItsCheckpointWithTheSameResult) {
  const auto c = small_case();
  const fs::path dir =
      fs::temp_directory_path() / ("mnsim_cohort_ckpt_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  cohort::Options o;
  o.n = 9;
  o.sobol_n = 2;
  o.chunk = 4;
  o.bootstrap = 20;
  o.out_dir = dir.string();
  o.checkpoint_key = "test";
  const auto first = cohort::run(c, anatomy::Atlas::builtin(), o);
  EXPECT_EQ(first.resumed_units, 0U);
  fs::remove(dir / "chunk-000001.bin");
  const auto second = cohort::run(c, anatomy::Atlas::builtin(), o);
  EXPECT_EQ(second.resumed_units, first.units - 4);  // all but the removed chunk
  EXPECT_EQ(cohort::to_json(first).dump(), cohort::to_json(second).dump());
  // Another run's chunks are refused, not mixed in.
  o.checkpoint_key = "another case";
  EXPECT_THROW((void)cohort::run(c, anatomy::Atlas::builtin(), o), InputError);
  fs::remove_all(dir);
}

TEST(Cohort, RefusesAnInconsistentPopulation) {
  auto c = small_case();
  c.cohort.age_years_min = 60;
  c.cohort.age_years_max = 30;
  cohort::Options o;
  o.n = 4;
  try {
    (void)cohort::run(c, anatomy::Atlas::builtin(), o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cohort.age_years_max"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

// --full: the product's delivery and the anaesthetic's numbing per person.
TEST(CohortFull, DeliversPerPersonAndNumbsThePain) {
  const cases::Case c = io::parse_case(R"(
[case]
seed = 5
[procedure]
anaesthetic = { product = "lidocaine_4pct", minutes = 60 }
[product]
id = "hyaluronic_acid_serum"
applied = "after"
[[zones]]
site = "cheek"
indication = "acne_scars"
depth_mm = 1.0
[course]
sessions = 2
interval_days = 28
horizon_days = 90
[simulation]
horizon_h = 2
)",
                                       "full.toml");
  cohort::Options o;
  o.n = 6;
  const cohort::Result cheap = cohort::run(c, anatomy::Atlas::builtin(), o);
  o.full = true;
  const cohort::Result full = cohort::run(c, anatomy::Atlas::builtin(), o);
  EXPECT_FALSE(cheap.delivery || cheap.numbed);
  ASSERT_TRUE(full.delivery && full.numbed);
  const auto& zc = cheap.zones[0];
  const auto& zf = full.zones[0];
  // The cheap chain's outcomes are the same people's, unchanged by --full.
  EXPECT_EQ(zc.outcomes[cohort::kRealDepthUm].p50, zf.outcomes[cohort::kRealDepthUm].p50);
  EXPECT_EQ(zc.outcomes[cohort::kPainNrs].p95, zf.outcomes[cohort::kPainNrs].p95);
  // Delivery: positive, and different between people.
  const auto& d = zf.outcomes[cohort::kDeliveredUgPerCm2];
  EXPECT_GT(d.p5, 0.0);
  EXPECT_LT(d.p5, d.p95);
  // An hour of lidocaine numbs: the pain is lower than without it.
  EXPECT_LT(zf.outcomes[cohort::kPainNrsNumbed].p95, zf.outcomes[cohort::kPainNrs].p95);
  // Only --full's JSON carries the keys.
  const auto jc = cohort::to_json(cheap);
  const auto jf = cohort::to_json(full);
  EXPECT_FALSE(jc["zones"][0].contains("delivered_past_sc_ug_per_cm2"));
  EXPECT_FALSE(jc["zones"][0].contains("pain_nrs_numbed"));
  EXPECT_TRUE(jf["zones"][0].contains("delivered_past_sc_ug_per_cm2"));
  EXPECT_TRUE(jf["zones"][0].contains("pain_nrs_numbed"));
}

}  // namespace

namespace {

TEST(CohortCaseJson, CarriesThePopulation) {
  const cases::Case c = io::parse_case(
      "[cohort]\nage_years_min = 30\nage_years_max = 40\nfemale_fraction = 0.8\n"
      "fitzpatrick_5_weight = 2\n[[zones]]\nsite = \"cheek\"\n",
      "pop.toml");
  const auto j = cases::to_json(c)["cohort"];
  EXPECT_EQ(j["age_years_min"], 30.0);
  EXPECT_EQ(j["age_years_max"], 40.0);
  EXPECT_EQ(j["female_fraction"], 0.8);
  EXPECT_EQ(j["fitzpatrick_weights"][4], 2.0);
}

}  // namespace
