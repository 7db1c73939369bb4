// Every input under tests/fuzz/regressions/ (each a finding of the fuzzer or
// a defect of issue 17, minimised) must give a case or an InputError: never
// a crash, a sanitizer report or another exception. Runs in the ordinary
// test suite (and under the asan preset).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/case/json.hpp"
#include "mnsim/pipeline/check.hpp"

namespace mnsim {
namespace {

namespace fs = std::filesystem;

TEST(FuzzRegressions, EveryInputGivesACaseOrAnInputError) {
  const fs::path dir = fs::path(MNSIM_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md")
      continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    SCOPED_TRACE(entry.path().filename().string());
    try {
      const cases::Case c = io::parse_case(ss.str(), entry.path().filename().string());
      EXPECT_TRUE(pipeline::check_case(c).empty());
      EXPECT_FALSE(cases::to_json(c).dump().empty());
    } catch (const InputError& e) {
      EXPECT_FALSE(e.issues().empty());
    }
  }
  EXPECT_GE(files, 6);
}

}  // namespace
}  // namespace mnsim
