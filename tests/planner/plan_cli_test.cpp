// `mnsim plan` end to end, as a user or a script sees it.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../support/cli_harness.hpp"

#include "mnsim/core/disclaimer.hpp"
#include "mnsim/io/case_reader.hpp"

namespace {

namespace fs = std::filesystem;

using Result = mnsim::testing::CliResult;

class PlanCli : public mnsim::testing::CliTest {};

// The default case with `history` as its screening codes.
std::string case_text(const std::string& history) {
  std::string text(mnsim::io::default_case_text());
  text.replace(text.find("history = []"), 12, "history = " + history);
  return text;
}

TEST_F(PlanCli, RobustOptionsOutsideTheirRangeAreRefused) {
  EXPECT_EQ(run("plan --robust --robust-level 0.7 x.toml").status, 2);
  EXPECT_EQ(run("plan --robust --robust-n 3 x.toml").status, 2);
  EXPECT_EQ(run("plan --robust --patient P1").status, 2);
}

TEST_F(PlanCli, DefaultCaseJsonHasTheInterfaceKeys) {
  const auto path = write("default.toml", case_text("[]"));
  const Result r = run("plan --json " + path.string());
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["eligible"].get<bool>());
  EXPECT_EQ(j["zones"].size(), 4U);
  EXPECT_EQ(j["zones"][0]["site"], "forehead");
  EXPECT_TRUE(j["sessions"].is_number_integer());
  EXPECT_EQ(j["disclaimer"], std::string(mnsim::kDisclaimer));
}

TEST_F(PlanCli, TextCarriesTheDisclaimer) {
  const Result r = run("plan " + std::string(MNSIM_SOURCE_DIR) + "/cases/home-roller.toml");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(std::string(mnsim::kDisclaimer)), std::string::npos);
  // The home plan names the home-device limit it stops at.
  EXPECT_NE(r.out.find("home_cap"), std::string::npos);
}

TEST_F(PlanCli, AbsoluteContraindicationGivesNoSettings) {
  const auto path = write("herpes.toml", case_text("[\"active_herpes\"]"));
  const Result r = run("plan --json " + path.string());
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["eligible"].get<bool>());
  EXPECT_TRUE(j["anaesthetic"].is_null());
  EXPECT_EQ(j["contraindications"][0]["code"], "active_herpes");
  EXPECT_EQ(j["contraindications"][0]["severity"], "absolute");
  EXPECT_EQ(j["contraindications"][0]["affects"], "needling");
  for (const auto& z : j["zones"]) {
    EXPECT_TRUE(z["depth_mm"].is_null());
    EXPECT_EQ(z["binding_constraint"], "contraindication");
  }
}

TEST_F(PlanCli, UnknownHistoryCodeExitsTwoWithSuggestion) {
  const auto path = write("typo.toml", case_text("[\"keloid\"]"));
  const Result r = run("plan " + path.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("patient.history[0]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'keloids'"), std::string::npos) << r.err;
}

TEST_F(PlanCli, CaseArgumentIsRequired) {
  EXPECT_EQ(run("plan").status, 2);
}

}  // namespace
