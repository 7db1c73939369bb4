// mnsim heal as a user sees it: JSON keys, CSV, and exit 2 on a bad course.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

class HealCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mnsim_heal_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Result mnsim(const std::string& args) const {
    const auto err_path = dir_ / "stderr.txt";
    const std::string cmd = std::string(MNSIM_EXE) + " " + args + " 2>" + err_path.string();
    Result r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr)
      return r;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
      r.out.append(buf.data(), n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream e(err_path);
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    return r;
  }
  fs::path write(const std::string& name, const std::string& text) const {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }
  fs::path dir_;
};

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
  EXPECT_EQ(header.rfind("zone,site,day,erythema", 0), 0u);
  int lines = 0;
  for (std::string l; std::getline(in, l);)
    ++lines;
  EXPECT_EQ(lines, 2 * 121);
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
