// `mnsim plan` end to end, as a user or a script sees it.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mnsim/core/disclaimer.hpp"
#include "mnsim/io/case_reader.hpp"

namespace {

namespace fs = std::filesystem;

struct Result {
  int status = -1;
  std::string out;
};

Result run(const std::string& args) {
  Result r;
  const std::string cmd = std::string(MNSIM_EXE) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr)
    return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

fs::path write_case(const std::string& name, const std::string& history) {
  std::string text(mnsim::io::default_case_text());
  text.replace(text.find("history = []"), 12, "history = " + history);
  const fs::path p = fs::temp_directory_path() / ("mnsim_plan_" + name + ".toml");
  std::ofstream(p) << text;
  return p;
}

TEST(PlanCli, DefaultCaseJsonHasTheInterfaceKeys) {
  const auto path = write_case("default", "[]");
  const Result r = run("plan --json " + path.string());
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["eligible"].get<bool>());
  EXPECT_EQ(j["zones"].size(), 4U);
  EXPECT_EQ(j["zones"][0]["site"], "forehead");
  EXPECT_TRUE(j["sessions"].is_number_integer());
  EXPECT_EQ(j["disclaimer"], std::string(mnsim::kDisclaimer));
  fs::remove(path);
}

TEST(PlanCli, TextCarriesTheDisclaimer) {
  const Result r = run("plan " + std::string(MNSIM_SOURCE_DIR) + "/cases/home-roller.toml");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(std::string(mnsim::kDisclaimer)), std::string::npos);
  EXPECT_NE(r.out.find("see a provider"), std::string::npos);
}

TEST(PlanCli, AbsoluteContraindicationGivesNoSettings) {
  const auto path = write_case("herpes", "[\"active_herpes\"]");
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
  fs::remove(path);
}

TEST(PlanCli, UnknownHistoryCodeExitsTwoWithSuggestion) {
  const auto path = write_case("typo", "[\"keloid\"]");
  const Result r = run("plan " + path.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("patient.history[0]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean 'keloids'"), std::string::npos) << r.out;
  fs::remove(path);
}

TEST(PlanCli, CaseArgumentIsRequired) {
  EXPECT_EQ(run("plan").status, 2);
}

}  // namespace
