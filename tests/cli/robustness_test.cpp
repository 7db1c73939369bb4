// Issue 17 through the executable: no crash or hang on any input, output
// paths checked before any work, nothing partial or temporary left behind.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "../support/cli_harness.hpp"

namespace mnsim::testing {
namespace {

namespace fs = std::filesystem;

class Robustness : public CliTest {
 protected:
  // Files left in the test folder, apart from the harness's stderr.txt.
  [[nodiscard]] std::vector<std::string> leftovers(const fs::path& where) const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(where)) {
      if (e.path().filename() != "stderr.txt")
        out.push_back(fs::relative(e.path(), where).string());
    }
    return out;
  }
  static std::string q(const fs::path& p) {
    std::string s = "'";
    s += p.string();
    s += "'";
    return s;
  }
  // Runs a shell command line; stdout and stderr together in `out`.
  static CliResult shell(const std::string& cmd) {
    CliResult r;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
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
};

constexpr const char* kCheek = "[[zones]]\nsite = \"cheek\"\n";

TEST_F(Robustness, DeeplyNestedTomlExitsTwoAndWritesNothing) {
  std::string key = "a";
  for (int i = 0; i < 100000; ++i)
    key += ".a";
  const auto c = write("nested.toml", key + " = 1\n");
  for (const char* cmd : {"case check", "run --out " /* + folder */, "plan", "deliver"}) {
    std::string args = std::string(cmd) + (std::string(cmd).ends_with(' ') ? q(dir_ / "out") : "");
    const auto r = mnsim(args + " " + q(c));
    EXPECT_EQ(r.status, 2) << cmd << r.err;
    EXPECT_NE(r.err.find("nesting too deep"), std::string::npos) << cmd << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(Robustness, FifoAndDevZeroAreRefusedAtOnce) {
  const auto fifo = dir_ / "case.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Under `timeout`, so that a regression fails instead of hanging the suite.
  const auto r = shell(std::string("timeout 10 ") + MNSIM_EXE + " case check " + q(fifo));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("FIFO"), std::string::npos) << r.out;
  const auto z = mnsim("run /dev/zero");
  EXPECT_EQ(z.status, 2) << z.err;
  EXPECT_NE(z.err.find("not a regular file"), std::string::npos) << z.err;
}

TEST_F(Robustness, HugeStringIsRefusedQuickly) {
  const auto c = write(
      "big.toml", std::string(kCheek) + "[case]\nname = \"" + std::string(50u << 20, 'x') + "\"\n");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = mnsim("run " + q(c));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("the limit is 1048576 bytes"), std::string::npos) << r.err;
  EXPECT_LT(s, 10.0);
}

TEST_F(Robustness, QuotedDottedKeysAreRefused) {
  const auto c = write("q.toml", std::string(kCheek) + "\"patient.age_years\" = 99\n");
  const auto r = mnsim("case check " + q(c));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("patient.age_years: unknown key"), std::string::npos) << r.err;
}

TEST_F(Robustness, CaseCheckRefusesWhatRunWould) {
  // A roller zone deeper than the needles; an explicit medium thinner than
  // the grid spacing; a grid over the budget.
  const auto deep = write("deep.toml",
                          "[device]\nkind = \"roller\"\nneedle_length_mm = 0.5\n"
                          "needle_count = 192\nneedle_rows = 8\n[[zones]]\nsite = \"cheek\"\n"
                          "depth_mm = 1.5\n");
  const auto thin = write("thin.toml",
                          "[[medium.layers]]\nname = \"thin\"\nthickness_um = 1\n"
                          "diffusivity_m2_s = 1e-12\n");
  const auto fine = write("fine.toml", std::string(kCheek) + "[simulation]\ndx_um = 0.1\n");
  for (const auto& c : {deep, thin, fine}) {
    const auto r = mnsim("case check " + q(c));
    EXPECT_EQ(r.status, 2) << c << r.out;
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(mnsim("run " + q(c)).status, 2) << c;
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0)
        << c << ": refused before any work";
  }
}

// Runs `mnsim ARGS`, expecting exit 2 at once, a message naming `shown`,
// no temporary name, and nothing written into the test folder.
#define EXPECT_REFUSED_FIRST(args, shown)                                              \
  do {                                                                                 \
    const auto t0_ = std::chrono::steady_clock::now();                                 \
    const auto r_ = mnsim(args);                                                       \
    const double s_ =                                                                  \
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count(); \
    EXPECT_EQ(r_.status, 2) << (args) << "\n" << r_.err;                               \
    EXPECT_NE(r_.err.find(shown), std::string::npos) << (args) << "\n" << r_.err;      \
    EXPECT_EQ(r_.err.find(".tmp-"), std::string::npos) << r_.err;                      \
    EXPECT_LT(s_, 5.0) << (args) << ": refused before the computation";                \
  } while (false)

TEST_F(Robustness, OutputPathsAreCheckedBeforeAnyWork) {
  const auto ok = dir_ / "ok.csv";
  const auto missing = dir_ / "missing" / "x.vtk";
  EXPECT_REFUSED_FIRST("deliver --csv " + q(ok) + " --vtk " + q(missing),
                       "the folder '" + (dir_ / "missing").string() + "' does not exist");
  EXPECT_FALSE(fs::exists(ok)) << "the first output must not be written";
  fs::create_directory(dir_ / "adir");
  EXPECT_REFUSED_FIRST("heal --csv " + q(dir_ / "adir"), "is a folder");
  EXPECT_REFUSED_FIRST("pattern --svg /dev/null", "is a device");
  fs::create_symlink(dir_ / "nowhere.svg", dir_ / "dangling.svg");
  EXPECT_REFUSED_FIRST("pattern --svg " + q(dir_ / "dangling.svg"), "symbolic link");
  EXPECT_REFUSED_FIRST("deliver --csv " + q(dir_ / std::string(300, 'n')), "255 bytes");
  EXPECT_REFUSED_FIRST("run --out /proc/mnsim-out", "cannot write in the folder '/proc'");
  fs::create_directories(dir_ / "out" / "summary.txt");
  EXPECT_REFUSED_FIRST("run --out " + q(dir_ / "out"), "summary.txt' is a folder");
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_TRUE(fs::is_symlink(dir_ / "dangling.svg"));
}

TEST_F(Robustness, NanAndInfAreRefusedInOptions) {
  for (const char* v : {"nan", "NaN", "-nan"}) {
    const auto r = mnsim(std::string("atlas --age ") + v);
    EXPECT_EQ(r.status, 2) << v << r.out;
    EXPECT_NE(r.err.find("--age = " + std::string(v) + ": must be a finite number"),
              std::string::npos)
        << v << r.err;
  }
  for (const char* v : {"inf", "-inf"})
    EXPECT_EQ(mnsim(std::string("atlas --age ") + v).status, 2) << v;
}

TEST_F(Robustness, WriteErrorOnStdoutExitsOne) {
  const auto r = mnsim("atlas >/dev/full");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("cannot write to standard output"), std::string::npos) << r.err;
}

TEST_F(Robustness, ControlCharactersAreEscapedInMessages) {
  const auto r = mnsim("atlas --site \"$(printf 'x\\nEligible for needling: yes')\"");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.find("\nEligible"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\\x0aEligible"), std::string::npos) << r.err;
}

TEST_F(Robustness, RepeatedOutLeavesOneFolderAndNoTemporaries) {
  const auto out = dir_ / "out";
  // An explicit medium: no plan, a small 1D grid, a fast run.
  const auto c = write("c.toml",
                       "[[medium.layers]]\nname = \"m\"\nthickness_um = 100\n"
                       "diffusivity_m2_s = 1e-11\n[simulation]\nfidelity = \"1d\"\n"
                       "horizon_h = 1\n");
  ASSERT_EQ(mnsim("case check " + q(c)).status, 0);
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(mnsim("run " + q(dir_ / "c.toml") + " --out " + q(out)).status, 0);
  auto left = leftovers(dir_);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"c.toml", "out", "out/report.html", "out/result.json",
                                            "out/summary.txt"}))
      << ::testing::PrintToString(left);
}

TEST_F(Robustness, SigtermMidRunLeavesNoPartialFiles) {
  const auto out = dir_ / "out";
  // Terminated after 1 s, while it computes or writes.
  const auto r =
      mnsim("run --out " + q(out) + " >/dev/null & p=$!; sleep 1; kill -TERM $p; wait $p");
  (void)r;
  for (const auto& f : leftovers(dir_)) {
    EXPECT_EQ(f.find(".tmp-"), std::string::npos) << f;
    if (f.starts_with("out")) {
      EXPECT_TRUE(fs::exists(out / "result.json") && fs::exists(out / "summary.txt")) << f;
    }
  }
}

}  // namespace
}  // namespace mnsim::testing
