// End-to-end tests of the mnsim executable: exit statuses, messages, JSON
// keys and output files, as a user or a script sees them.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mnsim/core/resources.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mnsim_cli_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `mnsim ARGS`, capturing stdout, stderr and the exit status.
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

TEST_F(Cli, VersionAndHelp) {
  EXPECT_EQ(mnsim("--version").status, 0);
  const auto h = mnsim("--help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("run"), std::string::npos);
  EXPECT_NE(h.out.find("informs decisions"), std::string::npos);
}

TEST_F(Cli, UnknownCommandIsBadInput) {
  EXPECT_EQ(mnsim("frobnicate").status, 2);
}

TEST_F(Cli, RunDefaultCasePrintsSummary) {
  const auto r = mnsim("run");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("full-face"), std::string::npos);
  EXPECT_NE(r.out.find("cheek"), std::string::npos);
  EXPECT_NE(r.out.find("informs decisions"), std::string::npos);
}

TEST_F(Cli, RunJsonHasZonesInCaseOrder) {
  const auto r = mnsim("run --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["zones"].size(), 4U);
  EXPECT_EQ(j["zones"][0]["site"], "forehead");
  EXPECT_EQ(j["zones"][1]["site"], "cheek");
  EXPECT_EQ(j["zones"][1]["indication"], "acne_scars");
  EXPECT_GT(j["zones"][1]["anatomy"]["dermis_um"].get<double>(), 300);
  EXPECT_TRUE(j.contains("disclaimer"));
}

TEST_F(Cli, RunIsDeterministic) {
  EXPECT_EQ(mnsim("run --json").out, mnsim("run --json").out);
}

TEST_F(Cli, RunOutWritesFiles) {
  const auto out = dir_ / "result";
  const auto r = mnsim("run --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "result.json"));
  EXPECT_TRUE(fs::exists(out / "summary.txt"));
  std::ifstream in(out / "result.json");
  EXPECT_NO_THROW({ const json parsed = json::parse(in); });
}

TEST_F(Cli, BadCaseExitsTwoNamingFileFieldValueAndWritesNothing) {
  const auto bad = write("bad.toml", "[[zones]]\nsite = \"cheek\"\ndepth_mm = 9\n");
  const auto out = dir_ / "never";
  const auto r = mnsim("run " + bad.string() + " --out " + out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(bad.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("zones[0].depth_mm = 9"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[0.05, 3] mm"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Cli, MissingCaseFileExitsTwo) {
  const auto r = mnsim("run " + (dir_ / "nope.toml").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("nope.toml"), std::string::npos);
}

TEST_F(Cli, SyntaxErrorExitsTwoWithLine) {
  const auto bad = write("syntax.toml", "[patient\nage_years = 3\n");
  const auto r = mnsim("case check " + bad.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("line 1"), std::string::npos) << r.err;
}

TEST_F(Cli, ShowDefaultRoundTrips) {
  const auto r = mnsim("case show-default");
  ASSERT_EQ(r.status, 0);
  const auto p = write("default.toml", r.out);
  const auto c = mnsim("case check " + p.string());
  EXPECT_EQ(c.status, 0) << c.err;
  // The printed default is the built-in one: same zones, same results.
  EXPECT_EQ(json::parse(mnsim("run " + p.string() + " --json").out)["zones"],
            json::parse(mnsim("run --json").out)["zones"]);
}

TEST_F(Cli, EveryExampleCaseRuns) {
  for (const auto& path : mnsim::core::embedded_paths("cases/")) {
    const auto p = write("example.toml", std::string(*mnsim::core::embedded_file(path)));
    const auto r = mnsim("run " + p.string() + " --json");
    EXPECT_EQ(r.status, 0) << path << ": " << r.err;
    EXPECT_NO_THROW({ const json parsed = json::parse(r.out); }) << path;
  }
}

TEST_F(Cli, AtlasJsonHasInterfaceKeys) {
  const auto r = mnsim("atlas --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["sites"].size(), 17U);
  for (const auto& s : j["sites"]) {
    for (const char* key :
         {"id", "epidermis_um", "dermis_um", "stratum_corneum_um", "sensitive", "sources"}) {
      EXPECT_TRUE(s.contains(key)) << key;
    }
  }
}

TEST_F(Cli, AtlasAgeAndSexChangeTheAnswer) {
  const json young = json::parse(mnsim("atlas --site forehead --age 25 --json").out);
  const json old = json::parse(mnsim("atlas --site forehead --age 75 --json").out);
  const json man = json::parse(mnsim("atlas --site forehead --sex male --json").out);
  EXPECT_GT(young["sites"][0]["dermis_um"].get<double>(),
            old["sites"][0]["dermis_um"].get<double>());
  EXPECT_NE(man["sites"][0]["dermis_um"],
            json::parse(mnsim("atlas --site forehead --json").out)["sites"][0]["dermis_um"]);
}

TEST_F(Cli, AtlasUnknownSiteExitsTwo) {
  const auto r = mnsim("atlas --site cheeck");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("did you mean 'cheek'"), std::string::npos) << r.err;
  EXPECT_EQ(mnsim("atlas --age 5").status, 2);
}

TEST_F(Cli, ValidateJsonRows) {
  const auto r = mnsim("validate --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_FALSE(j["rows"].empty());
  for (const auto& row : j["rows"]) {
    for (const char* key : {"id", "source", "quantity", "observed", "predicted", "tolerance",
                            "pass", "used_for_fitting"}) {
      EXPECT_TRUE(row.contains(key)) << key;
    }
  }
}

TEST_F(Cli, DocsValidationMatchesValidateMarkdown) {
  std::ifstream in(std::string(MNSIM_SOURCE_DIR) + "/docs/validation.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(doc, mnsim("validate --markdown").out)
      << "docs/validation.md is stale: build/default/mnsim validate --markdown > "
         "docs/validation.md";
}

}  // namespace
