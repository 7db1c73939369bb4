#include "mnsim/io/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mnsim/io/output.hpp"

namespace mnsim::io {

namespace fs = std::filesystem;

namespace {

std::string unique_suffix() {
  // Only makes temporary names unique; never influences results.
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
}

// A write failure, naming the path the user gave (never a temporary name).
[[noreturn]] void fail(const fs::path& shown, const std::string& what, int err) {
  throw std::runtime_error("cannot write '" + shown.string() + "': " + what +
                           (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
}

void fsync_folder(const fs::path& folder, const fs::path& shown) {
  const fs::path f = folder.empty() ? fs::path(".") : folder;
  const int fd = ::open(f.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    fail(shown, "cannot open its folder to sync it", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems cannot sync a folder (EINVAL); the data itself is synced.
  if (rc != 0 && err != EINVAL)
    fail(shown, "cannot sync its folder", err);
}

// Writes `content` to the new file `tmp` (which must not exist) and syncs it.
void write_synced(const fs::path& tmp, const std::string& content, const fs::path& shown) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    fail(shown, "cannot create a file beside it", errno);
  register_temporary(tmp, false);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      fail(shown, "error while writing", err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail(shown, "cannot sync the file", err);
  }
  if (::close(fd) != 0)
    fail(shown, "error while closing", errno);
}

void remove_temporary(const fs::path& tmp) {
  std::error_code ec;
  fs::remove(tmp, ec);
  unregister_temporary(tmp);
}

}  // namespace

void write_file_atomic(const fs::path& path, const std::string& content) {
  check_output_file(path);
  const fs::path tmp = fs::path(path) += unique_suffix();
  try {
    write_synced(tmp, content, path);
    if (::rename(tmp.c_str(), path.c_str()) != 0)
      fail(path, "cannot move the new file into place", errno);
    unregister_temporary(tmp);
    fsync_folder(path.parent_path(), path);
  } catch (...) {
    remove_temporary(tmp);
    throw;
  }
}

void write_files_atomic(const fs::path& dir, const std::map<std::string, std::string>& files) {
  std::vector<std::string> names;
  for (const auto& [name, content] : files)
    names.push_back(name);
  check_output_folder(dir, names);
  fs::path target = dir;
  if (!target.has_filename())
    target = target.parent_path();  // "out/" -> "out"
  const fs::path staging = fs::path(target) += unique_suffix();
  std::vector<fs::path> staged;
  auto cleanup = [&] {
    for (const auto& f : staged)
      remove_temporary(f);
    std::error_code ec;
    fs::remove_all(staging, ec);
    unregister_temporary(staging);
  };
  try {
    if (::mkdir(staging.c_str(), 0777) != 0)
      fail(dir, "cannot create a folder beside it", errno);
    register_temporary(staging, true);
    for (const auto& [name, content] : files) {
      staged.push_back(staging / name);
      write_synced(staged.back(), content, target / name);
    }
    fsync_folder(staging, dir);
    std::error_code ec;
    if (!fs::exists(target, ec)) {
      // A new folder: one rename publishes the whole set.
      if (::rename(staging.c_str(), target.c_str()) != 0)
        fail(dir, "cannot move the new folder into place", errno);
      for (const auto& f : staged)
        unregister_temporary(f);
      unregister_temporary(staging);
      fsync_folder(target.parent_path(), dir);
      return;
    }
    // An existing folder holding only (some of) these files: swap the two
    // folders in one step, so a reader sees the old set or the new set.
    bool only_ours = true;
    for (const auto& e : fs::directory_iterator(target, ec)) {
      if (!files.contains(e.path().filename().string()))
        only_ours = false;
    }
    if (!ec && only_ours &&
        ::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
      fsync_folder(target.parent_path(), dir);
      cleanup();  // the staging name now holds the old set
      return;
    }
    // The folder holds other files too (or cannot be swapped): each file is
    // replaced in one step, the other files are left alone.
    for (const auto& [name, content] : files) {
      if (::rename((staging / name).c_str(), (target / name).c_str()) != 0)
        fail(target / name, "cannot move the new file into place", errno);
    }
    fsync_folder(target, dir);
    cleanup();
  } catch (...) {
    cleanup();
    throw;
  }
}

}  // namespace mnsim::io
