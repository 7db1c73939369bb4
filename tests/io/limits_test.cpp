// Issue 17: nothing a user can write in a case crashes mnsim or makes it
// hang; every limit gives an InputError naming what was exceeded.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/io/fields.hpp"
#include "mnsim/pipeline/budget.hpp"

namespace mnsim::io {
using cases::Case;
namespace {

constexpr const char* kOneZone = "[[zones]]\nsite = \"cheek\"\n";

// The problems of a case that must be refused, joined one per line.
std::string problems(const std::string& text) {
  try {
    parse_case(text, "test.toml");
  } catch (const InputError& e) {
    std::string s;
    for (const auto& i : e.issues())
      s += i.describe() + "\n";
    return s;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text.substr(0, 200);
  return {};
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

TEST(CaseLimits, DeepDottedKeyIsRefusedBeforeParsing) {
  const std::string key = std::string("a") + repeat(".a", 100000);
  EXPECT_NE(problems(key + " = 1\n").find("nesting too deep"), std::string::npos);
  EXPECT_NE(problems(std::string("[patient]\n") + key + " = 1\n").find("nesting too deep"),
            std::string::npos);
}

TEST(CaseLimits, DeepHeadersAndValuesAreRefused) {
  const std::string path = std::string("a") + repeat(".a", 100000);
  EXPECT_NE(problems(std::string("[") + path + "]\n").find("nesting too deep"), std::string::npos);
  EXPECT_NE(problems(std::string("[[") + path + "]]\n").find("nesting too deep"),
            std::string::npos);
  EXPECT_NE(problems(std::string("x = ") + repeat("[", 100000) + "\n").find("nesting too deep"),
            std::string::npos);
  EXPECT_NE(problems(std::string("x = ") + repeat("{a = ", 100000) + "\n").find("nesting too deep"),
            std::string::npos);
  EXPECT_NE(
      problems(std::string("x = [") + repeat("{a = [", 50000) + "\n").find("nesting too deep"),
      std::string::npos);
}

TEST(CaseLimits, NestingWithinTheLimitIsJustAnUnknownKey) {
  const auto p = problems(std::string(kOneZone) + "[patient]\na.b.c = 1\n");
  EXPECT_EQ(p.find("nesting"), std::string::npos) << p;
  EXPECT_NE(p.find("patient.a"), std::string::npos) << p;
}

TEST(CaseLimits, DotsInsideStringsAndCommentsAreNotNesting) {
  const std::string text = std::string(kOneZone) + std::string("[case]\nname = \"") +
                           repeat("a.", 200) + std::string("\"  # ") + repeat("b.[{", 100) + "\n";
  EXPECT_NO_THROW(parse_case(text, "test.toml"));
}

TEST(CaseLimits, HugeFileIsRefused) {
  const std::string text = std::string(kOneZone) + "# " + std::string(2 << 20, 'x') + "\n";
  EXPECT_NE(problems(text).find("the limit is 1048576 bytes"), std::string::npos);
}

TEST(CaseLimits, LongStringIsRefused) {
  const auto p =
      problems(std::string(kOneZone) + "[case]\nname = \"" + std::string(5000, 'x') + "\"\n");
  EXPECT_NE(p.find("case.name"), std::string::npos) << p;
  EXPECT_NE(p.find("at most 1024"), std::string::npos) << p;
  EXPECT_LT(p.size(), 400U) << "the value is shortened in the message";
}

TEST(CaseLimits, ControlCharactersInStringsAreRefused) {
  const auto p =
      problems(std::string(kOneZone) + "[case]\nname = \"x\\nEligible for needling: yes\"\n");
  EXPECT_NE(p.find("case.name: holds a control character (U+000A)"), std::string::npos) << p;
  EXPECT_NO_THROW(parse_case(std::string(kOneZone) + "[case]\nname = \"tab\\there\"\n", "t"));
}

// toml++ 3.3 reaches an unreachable branch (undefined behaviour) when it
// asks whether a non-ASCII character is whitespace; the reader refuses every
// place it would ask (tests/fuzz/regressions/toml-*).
TEST(CaseLimits, NonAsciiWhereTomlLooksForWhitespaceIsRefused) {
  for (const char* text :
       {"\"\xc3\xa9\" = 1\n", "a = 1 \xc3\xa9\n", "\xc2\xa1 = 1\n", "x = \"\"\"\\\xc3\xa9\"\"\"\n",
        "x = \"\"\"\\\n  \xe3\x80\x81\"\"\"\n", "[\"\xe2\xb5\xae\"]\n"}) {
    const auto p = problems(std::string(kOneZone) + text);
    EXPECT_NE(p.find("non-ASCII character"), std::string::npos) << text << "\n" << p;
  }
  const Case c = parse_case(std::string(kOneZone) +
                                "[case]\nname = \"Ren\xc3\xa9"
                                "e \xe3\x80\x81\"  # caf\xc3\xa9\n",
                            "t.toml");
  EXPECT_EQ(c.info.name,
            "Ren\xc3\xa9"
            "e \xe3\x80\x81");
}

TEST(CaseLimits, StringGluedToABareValueIsRefused) {
  // toml++ 3.3 reads a bare value up to a terminator and would classify the
  // string's characters on the way (the fuzzer's finding of 2026-11-30).
  for (const char* text : {"[case]\nname = 0b1\"\\\xc3\xa9\"\n", "[case]\nname = 1\"x\"\n",
                           "[case]\nname = 1979-05-27'x'\n", "[case]\nname = 0b1\x01\"x\"\n"}) {
    const auto p = problems(std::string(kOneZone) + text);
    EXPECT_NE(p.find("a string directly after another value"), std::string::npos) << text << "\n"
                                                                                  << p;
  }
  // A string after `=`, `[`, `,`, a space or a line break is fine.
  const Case c = parse_case(std::string(kOneZone) + "[case]\nname =\"a\"\n", "t.toml");
  EXPECT_EQ(c.info.name, "a");
  EXPECT_NO_THROW(
      parse_case(std::string(kOneZone) +
                     "[patient]\nhistory = [\"keloids\",\"pregnancy\",\n\"active_acne\" ]\n",
                 "t.toml"));
}

TEST(CaseLimits, LongKeyIsRefused) {
  const auto p = problems(std::string(kOneZone) + std::string(1000, 'k') + " = 1\n");
  EXPECT_NE(p.find("a key longer than 128 bytes"), std::string::npos) << p;
}

TEST(CaseLimits, TooManyZonesAreRefused) {
  const auto p = problems(repeat(kOneZone, static_cast<int>(limits::kMaxZones) + 1));
  EXPECT_NE(p.find("21 [[zones]] entries; at most 20"), std::string::npos) << p;
  EXPECT_NO_THROW(parse_case(repeat(kOneZone, static_cast<int>(limits::kMaxZones)), "t.toml"));
}

TEST(CaseLimits, LongListIsRefused) {
  std::string list;
  for (int i = 0; i < 100; ++i)
    list += i ? ", \"keloids\"" : "\"keloids\"";
  const auto p = problems(std::string(kOneZone) + "[patient]\nhistory = [" + list + "]\n");
  EXPECT_NE(p.find("100 entries; at most 64"), std::string::npos) << p;
}

TEST(CaseLimits, ProblemsAreCapped) {
  std::string text = kOneZone;
  for (int i = 0; i < 200; ++i)
    text += fmt::format("k{} = 1\n", i);
  const auto p = problems(text);
  EXPECT_NE(p.find("and 150 more problems"), std::string::npos) << p;
}

TEST(CaseLimits, QuotedDottedKeysAreUnknown) {
  auto p = problems(std::string(kOneZone) + "\"patient.age_years\" = 99\n");
  EXPECT_NE(p.find("patient.age_years: unknown key"), std::string::npos) << p;
  p = problems(std::string(kOneZone) + "[\"procedure.anaesthetic\"]\nproduct = \"emla_5pct\"\n");
  EXPECT_NE(p.find("procedure.anaesthetic: unknown key"), std::string::npos) << p;
  p = problems(std::string(kOneZone) + "[patient]\n\"history[0]\" = 1\n");
  EXPECT_NE(p.find("unknown key"), std::string::npos) << p;
}

TEST(CaseLimits, SubnormalAndNegativeZeroAreRefused) {
  for (const char* field : {"[simulation]\nhorizon_h",
                            "[product]\nmw_da = 100\nlog_kow = 1\ndose_ul_per_cm2 = 1\n"
                            "concentration_mg_per_ml"}) {
    for (const char* v : {"5e-324", "-0.0", "0.0"}) {
      const auto p = problems(std::string(kOneZone) + field + " = " + v + "\n");
      EXPECT_NE(p.find("must be a number in ["), std::string::npos) << field << " = " << v << p;
    }
  }
  // Where zero is allowed, a negative zero is still refused.
  const auto p = problems(std::string(kOneZone) + "[patient]\nmax_downtime_days = -0.0\n");
  EXPECT_NE(p.find("negative zero"), std::string::npos) << p;
  const auto q = problems(std::string(kOneZone) + "[patient]\nmax_downtime_days = 5e-320\n");
  EXPECT_NE(q.find("subnormal"), std::string::npos) << q;
}

TEST(CaseLimits, RollerZoneDeeperThanItsNeedlesIsRefused) {
  const auto p = problems(
      "[device]\nkind = \"roller\"\nneedle_length_mm = 0.5\nneedle_count = 192\n"
      "needle_rows = 8\n[[zones]]\nsite = \"cheek\"\ndepth_mm = 1.5\n");
  EXPECT_NE(p.find("zones[0].depth_mm = 1.5: is deeper than the needles"), std::string::npos) << p;
}

TEST(CaseLimits, ExplicitMediumIsCheckedAgainstTheGridAsRunWould) {
  const auto p = problems(
      "[[medium.layers]]\nname = \"thin\"\nthickness_um = 1\ndiffusivity_m2_s = 1e-12\n"
      "[simulation]\ndx_um = 5\n");
  EXPECT_NE(p.find("simulation.dx_um = 5: is larger than layer 'thin'"), std::string::npos) << p;
}

TEST(CaseLimits, TransportGridOverTheBudgetIsRefusedNamingDx) {
  const auto p = problems(std::string(kOneZone) + "[simulation]\ndx_um = 0.1\n");
  EXPECT_NE(p.find("simulation.dx_um = 0.1: the transport grid"), std::string::npos) << p;
  EXPECT_NO_THROW(parse_case(std::string(kOneZone) + "[simulation]\ndx_um = 5\n", "t.toml"));
  EXPECT_NO_THROW(parse_case(std::string(kOneZone) + "[simulation]\nfidelity = \"3d\"\n", "t"));
  EXPECT_NO_THROW(
      parse_case(std::string(kOneZone) + "[simulation]\nfidelity = \"1d\"\ndx_um = 0.1\n", "t"));
}

class CaseFileKinds : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("mnsim_limits_") + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

std::string load_problem(const std::filesystem::path& p) {
  try {
    load_case(p);
  } catch (const InputError& e) {
    return e.issues().front().describe();
  }
  return "loaded";
}

TEST_F(CaseFileKinds, FifoWithNoWriterIsRefusedAtOnce) {
  const auto fifo = dir_ / "case.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(load_problem(fifo).find("FIFO"), std::string::npos);  // and does not block
}

TEST_F(CaseFileKinds, DevZeroAndDirectoriesAreRefused) {
  EXPECT_NE(load_problem("/dev/zero").find("is a device, not a regular file"), std::string::npos);
  EXPECT_NE(load_problem(dir_).find("is a directory"), std::string::npos);
}

TEST_F(CaseFileKinds, BigFileIsRefusedBeforeReading) {
  const auto p = dir_ / "big.toml";
  std::ofstream(p) << std::string(3 << 20, '#');
  EXPECT_NE(load_problem(p).find("the limit is 1048576 bytes"), std::string::npos);
}

}  // namespace
}  // namespace mnsim::io
