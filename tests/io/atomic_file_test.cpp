#include "mnsim/io/atomic_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace mnsim::io {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mnsim_atomic_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(AtomicFile, WritesAndReplaces) {
  write_file_atomic(dir_ / "a.txt", "one");
  EXPECT_EQ(read(dir_ / "a.txt"), "one");
  write_file_atomic(dir_ / "a.txt", "two");
  EXPECT_EQ(read(dir_ / "a.txt"), "two");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}), 1);
}

TEST_F(AtomicFile, WritesFolderOfFiles) {
  write_files_atomic(dir_ / "out", {{"x.json", "{}"}, {"y.txt", "y"}});
  EXPECT_EQ(read(dir_ / "out" / "x.json"), "{}");
  EXPECT_EQ(read(dir_ / "out" / "y.txt"), "y");
  // Into an existing folder too, leaving no staging folder behind.
  write_files_atomic(dir_ / "out", {{"x.json", "[]"}});
  EXPECT_EQ(read(dir_ / "out" / "x.json"), "[]");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}), 1);
}

TEST_F(AtomicFile, MissingParentFailsWithoutWriting) {
  EXPECT_THROW(write_files_atomic(dir_ / "no" / "such" / "out", {{"x", "y"}}), std::runtime_error);
  EXPECT_FALSE(fs::exists(dir_ / "no"));
}

}  // namespace
}  // namespace mnsim::io
