// mnsim heal as a user sees it: JSON keys, CSV, and exit 2 on a bad course.
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

using Result = mnsim::testing::CliResult;

class HealCli : public mnsim::testing::CliTest {};

const char* kCase = R"(
[[zones]]
site = "cheek"
depth_mm = 1.0
[[zones]]
site = "forehead"
depth_mm = 0.5
[course]
sessions = 3
interval_days = 30
horizon_days = 120
)";

TEST_F(HealCli, JsonHasTheInterfaceKeysPerZoneInCaseOrder) {
  const auto r = mnsim("heal " + write("c.toml", kCase).string() + " --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["zones"].size(), 2u);
  EXPECT_EQ(j["zones"][0]["site"], "cheek");
  EXPECT_EQ(j["zones"][1]["site"], "forehead");
  for (const auto& z : j["zones"]) {
    for (const char* key : {"days", "erythema", "oedema", "collagen_rel", "dermal_thickness_rel",
                            "erythema_resolved_day", "session_days"})
      EXPECT_TRUE(z.contains(key)) << key;
    EXPECT_EQ(z["days"].size(), 121u);
    EXPECT_EQ(z["session_days"], nlohmann::json::array({0, 30, 60}));
    EXPECT_EQ(z["collagen_rel"][0], 1.0);
  }
  EXPECT_TRUE(j.contains("disclaimer"));
}

TEST_F(HealCli, WritesCsv) {
  const auto csv = dir_ / "out.csv";
  const auto r = mnsim("heal " + write("c.toml", kCase).string() + " --csv " + csv.string());
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("zone,site,series,day,time_h,erythema", 0), 0u);
  int hourly = 0, daily = 0;
  for (std::string l; std::getline(in, l);) {
    hourly += l.find(",first_session_hourly,") != std::string::npos;
    daily += l.find(",course_daily,") != std::string::npos;
  }
  EXPECT_EQ(daily, 2 * 121);
  EXPECT_EQ(hourly, 2 * 337);  // 14 days after the first session, hour by hour
}

TEST_F(HealCli, BadCourseIsExit2NamingTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"interval_days = 0", "course.interval_days"},
      {"sessions = -1", "course.sessions"},
      {"sessions = 4\ninterval_days = 30\nhorizon_days = 60", "course.horizon_days"},
  };
  for (const auto& [body, field] : cases) {
    const auto p = write("bad.toml", std::string("[[zones]]\nsite = \"cheek\"\n[course]\n") + body);
    const auto r = mnsim("heal " + p.string());
    EXPECT_EQ(r.status, 2) << body;
    EXPECT_NE(r.err.find(field), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

}  // namespace
