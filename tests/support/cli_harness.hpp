// Running the mnsim executable from a test, as a user or a script would:
// stdout, stderr and the exit status, in a fresh folder per test.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace mnsim::testing {

struct CliResult {
  int status = -1;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("mnsim_") + info->test_suite_name() + "_" + info->name();
    for (auto& c : name) {
      if (c == '/')
        c = '_';
    }
    // The process id keeps concurrent runs of the suite (two build trees, two
    // presets) out of each other's folders.
    name += "_" + std::to_string(::getpid());
    dir_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `mnsim ARGS` (MNSIM_EXE), capturing stdout, stderr and the exit status.
  CliResult mnsim(const std::string& args) const {
    const auto err_path = dir_ / "stderr.txt";
    const std::string cmd = std::string(MNSIM_EXE) + " " + args + " 2>" + err_path.string();
    CliResult r;
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
  CliResult run(const std::string& args) const { return mnsim(args); }

  // Writes `text` to a file of the test's folder and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  std::filesystem::path dir_;
};

}  // namespace mnsim::testing
