// Issue 17: output paths are checked before any work, refused in plain words
// naming the user's path, written atomically, never replacing a device, a
// FIFO, a folder or a link; no temporary file is left behind.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "mnsim/core/error.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/io/output.hpp"

namespace mnsim::io {
namespace {

namespace fs = std::filesystem;

class OutputPath : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mnsim_output_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The refusal of `path` as a file output, or "accepted".
  static std::string file_problem(const fs::path& path) {
    try {
      check_output_file(path, "--csv");
    } catch (const InputError& e) {
      return e.issues().front().describe();
    }
    return "accepted";
  }
  static std::string folder_problem(const fs::path& path) {
    try {
      check_output_folder(path, {"result.json", "summary.txt"}, "--out");
    } catch (const InputError& e) {
      return e.issues().front().describe();
    }
    return "accepted";
  }
  std::size_t entries() const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}));
  }
  fs::path dir_;
};

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST_F(OutputPath, NewFileInAWritableFolderIsAccepted) {
  EXPECT_EQ(file_problem(dir_ / "a.csv"), "accepted");
  EXPECT_EQ(entries(), 0U) << "the writability probe leaves nothing behind";
}

TEST_F(OutputPath, EachWrongKindIsRefusedNamingThePath) {
  fs::create_directory(dir_ / "sub");
  const auto p = file_problem(dir_ / "sub");
  EXPECT_TRUE(has(p, "--csv = " + (dir_ / "sub").string() + ": is a folder")) << p;
  EXPECT_TRUE(has(file_problem("/dev/null"), "is a device")) << file_problem("/dev/null");
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  EXPECT_TRUE(has(file_problem(dir_ / "fifo"), "FIFO"));
  std::ofstream(dir_ / "real.csv") << "x";
  fs::create_symlink(dir_ / "real.csv", dir_ / "link.csv");
  EXPECT_TRUE(has(file_problem(dir_ / "link.csv"), "is a symbolic link;"));
  fs::create_symlink(dir_ / "nothing", dir_ / "dangling.csv");
  EXPECT_TRUE(has(file_problem(dir_ / "dangling.csv"), "symbolic link to nothing"));
  EXPECT_TRUE(has(file_problem(dir_ / "missing" / "x.vtk"),
                  "the folder '" + (dir_ / "missing").string() + "' does not exist"));
  EXPECT_TRUE(has(file_problem(dir_ / "real.csv" / "x.vtk"), "not a folder"));
  EXPECT_TRUE(has(file_problem(dir_ / std::string(300, 'n')), "at most 255 bytes"));
  EXPECT_TRUE(has(file_problem("/proc/mnsim-x.csv"), "cannot write in the folder '/proc'"))
      << file_problem("/proc/mnsim-x.csv");
  EXPECT_TRUE(has(file_problem(""), "is empty"));
  EXPECT_EQ(fs::read_symlink(dir_ / "link.csv"), dir_ / "real.csv") << "the link is untouched";
}

TEST_F(OutputPath, FolderOutputsAreChecked) {
  EXPECT_EQ(folder_problem(dir_ / "new"), "accepted");
  EXPECT_EQ(folder_problem(dir_), "accepted");
  fs::create_directories(dir_ / "out" / "summary.txt");
  EXPECT_TRUE(has(folder_problem(dir_ / "out"), "summary.txt' is a folder"));
  std::ofstream(dir_ / "file") << "x";
  EXPECT_TRUE(has(folder_problem(dir_ / "file"), "exists and is a file, not a folder"));
  fs::create_symlink(dir_ / "out", dir_ / "outlink");
  EXPECT_TRUE(has(folder_problem(dir_ / "outlink"), "symbolic link"));
  EXPECT_TRUE(has(folder_problem(dir_ / "no" / "out"), "does not exist"));
  EXPECT_TRUE(has(folder_problem("/proc/mnsim-out"), "cannot write in the folder '/proc'"));
}

TEST_F(OutputPath, WriteRefusesADeviceAndNamesNoTemporary) {
  try {
    write_file_atomic(dir_ / "missing" / "x.vtk", "data");
    FAIL() << "expected a refusal";
  } catch (const InputError& e) {
    EXPECT_FALSE(has(e.issues().front().describe(), ".tmp-"));
  }
  EXPECT_THROW(write_file_atomic("/dev/null", "data"), InputError);
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null is still a device";
}

TEST_F(OutputPath, FolderIsReplacedAsOneSetAndNoTemporaryIsLeft) {
  write_files_atomic(dir_ / "out", {{"result.json", "1"}, {"summary.txt", "one"}});
  const ino_t before = fs::status(dir_ / "out").type() == fs::file_type::directory
                           ? [&] {
                               struct stat st {};
                               ::stat((dir_ / "out").c_str(), &st);
                               return st.st_ino;
                             }()
                           : 0;
  write_files_atomic(dir_ / "out", {{"result.json", "2"}, {"summary.txt", "two"}});
  struct stat st {};
  ::stat((dir_ / "out").c_str(), &st);
  EXPECT_NE(st.st_ino, before) << "a new folder was swapped in";
  std::ifstream in(dir_ / "out" / "summary.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "two");
  EXPECT_EQ(entries(), 1U) << "no staging folder or temporary left";
  EXPECT_EQ(registered_temporaries(), 0U);
}

TEST_F(OutputPath, FolderWithOtherFilesKeepsThem) {
  fs::create_directory(dir_ / "out");
  std::ofstream(dir_ / "out" / "notes.txt") << "mine";
  write_files_atomic(dir_ / "out", {{"result.json", "1"}});
  EXPECT_TRUE(fs::exists(dir_ / "out" / "notes.txt"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "result.json"));
  EXPECT_EQ(entries(), 1U);
}

TEST_F(OutputPath, TemporariesAreRemovedOnSigterm) {
  // A child registers a temporary, then is terminated: the file must go.
  const fs::path tmp = dir_ / "x.csv.tmp-test";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::ofstream(tmp) << "partial";
    register_temporary(tmp, false);
    ::raise(SIGTERM);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "the signal is re-raised";
  EXPECT_FALSE(fs::exists(tmp));
}

}  // namespace
}  // namespace mnsim::io
