// mnsim cohort as a user runs it: the interface keys, a run killed mid-way
// and restarted with the same arguments (same JSON), and bad input (exit 2).
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/cli_harness.hpp"

namespace {

namespace fs = std::filesystem;

class CohortCli : public mnsim::testing::CliTest {};

const char* kCase = R"(
[case]
seed = 3
[patient]
max_downtime_days = 4
[[zones]]
site = "forehead"
indication = "fine_lines"
depth_mm = 0.5
[course]
sessions = 2
interval_days = 28
horizon_days = 60
[cohort]
age_years_min = 30
age_years_max = 50
fitzpatrick_5_weight = 0
fitzpatrick_6_weight = 0
)";

TEST_F(CohortCli, JsonHasTheInterfaceKeys) {
  const auto r = mnsim("cohort " + write("c.toml", kCase).string() + " --n 6 --sobol-n 2 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* k : {"n", "ranks", "seed", "zones", "sensitivity", "mnsim_version",
                        "schema_version", "case_sha256", "disclaimer"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["n"], 6);
  EXPECT_EQ(j["ranks"], 1);
  EXPECT_EQ(j["seed"], 3);
  ASSERT_EQ(j["zones"].size(), 1U);
  const auto& z = j["zones"][0];
  EXPECT_EQ(z["site"], "forehead");
  for (const char* k : {"real_depth_um", "sc_breached_fraction", "erythema_resolved_day",
                        "pain_nrs_unnumbed", "collagen_gain_rel", "pih_probability"}) {
    for (const char* p : {"p5", "p25", "p50", "p75", "p95"})
      EXPECT_TRUE(z[k].contains(p)) << k << " " << p;
    EXPECT_LE(z[k]["p5"].get<double>(), z[k]["p95"].get<double>()) << k;
  }
  for (const char* k : {"p_reach_target", "p_downtime_exceeds"}) {
    EXPECT_GE(z[k].get<double>(), 0.0);
    EXPECT_LE(z[k].get<double>(), 1.0);
  }
  // The population's phototypes only: no type V or VI person.
  EXPECT_EQ(z["pih_by_phototype"][4]["people"], 0);
  EXPECT_EQ(z["pih_by_phototype"][5]["people"], 0);
  // 3 outputs x 9 inputs, every entry with its intervals.
  ASSERT_EQ(j["sensitivity"].size(), 27U);
  for (const auto& s : j["sensitivity"]) {
    for (const char* k :
         {"output", "input", "first_order", "total_order", "first_order_ci", "total_order_ci"})
      EXPECT_TRUE(s.contains(k)) << k;
    EXPECT_EQ(s["total_order_ci"].size(), 2U);
  }
}

TEST_F(CohortCli, TooFewSaltelliRowsAreSaidToBeUnresolved) {
  // 2 rows cannot resolve an index: the text must say so rather than rank noise.
  const auto r = mnsim("cohort " + write("c.toml", kCase).string() + " --n 6 --sobol-n 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Not resolved: 2 rows"), std::string::npos) << r.out;
}

TEST_F(CohortCli, AKilledRunResumesWithTheSameResult) {
  const auto c = write("c.toml", kCase).string();
  const std::string args = c + " --n 8 --sobol-n 2 --chunk 4 --json --out ";
  const auto whole = mnsim("cohort " + args + (dir_ / "whole").string());
  ASSERT_EQ(whole.status, 0) << whole.err;
  // Killed (stopped dead, no clean-up, as by SIGKILL) after its second chunk
  // of seven (8 people + 2 x (9 + 1) Saltelli rows = 28 evaluations).
  ::setenv("MNSIM_COHORT_STOP_AFTER_CHUNKS", "2", 1);
  const auto dead = mnsim("cohort " + args + (dir_ / "killed").string());
  ::unsetenv("MNSIM_COHORT_STOP_AFTER_CHUNKS");
  EXPECT_EQ(dead.status, 137);
  EXPECT_TRUE(fs::exists(dir_ / "killed" / "chunk-000001.bin"));
  EXPECT_FALSE(fs::exists(dir_ / "killed" / "chunk-000002.bin"));
  EXPECT_FALSE(fs::exists(dir_ / "killed" / "cohort.json"));
  const auto again = mnsim("cohort " + args + (dir_ / "killed").string());
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.err.find("resumed 8 of 28 evaluations"), std::string::npos) << again.err;
  EXPECT_EQ(again.out, whole.out);
  EXPECT_TRUE(fs::exists(dir_ / "killed" / "cohort.json"));
}

TEST_F(CohortCli, RefusesBadInputWithStatus2) {
  const auto bad = write("bad.toml", std::string(kCase) + "female_fraction = 1.5\n");
  auto r = mnsim("cohort " + bad.string() + " --n 4");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cohort.female_fraction"), std::string::npos) << r.err;
  const auto ages = write("ages.toml", R"(
[[zones]]
site = "cheek"
[cohort]
age_years_min = 60
age_years_max = 40
)");
  r = mnsim("cohort " + ages.string() + " --n 4");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cohort.age_years_max"), std::string::npos) << r.err;
  r = mnsim("cohort " + write("c.toml", kCase).string() + " --n 4 --sobol-n 5");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--sobol-n"), std::string::npos) << r.err;
}

}  // namespace
