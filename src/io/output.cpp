#include "mnsim/io/output.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "mnsim/core/error.hpp"

namespace mnsim::io {

namespace fs = std::filesystem;

namespace {

// --- the registry of temporaries, read by the signal handler ---

constexpr std::size_t kSlots = 64;
constexpr std::size_t kPathBytes = 4096;

struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 registered
  bool folder = false;
  char path[kPathBytes] = {};
};
Slot g_slots[kSlots];

extern "C" void remove_temporaries_and_reraise(int sig) {
  // Files first, then the (by then empty) staging folders. Only
  // async-signal-safe calls here: unlink, rmdir, signal, raise.
  for (int pass = 0; pass < 2; ++pass) {
    for (auto& s : g_slots) {
      if (s.state.load(std::memory_order_acquire) != 2 || s.folder != (pass == 1))
        continue;
      if (pass == 0) {
        ::unlink(s.path);
      } else {
        ::rmdir(s.path);
      }
    }
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = remove_temporaries_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      // Keep a caller's choice to ignore the signal (e.g. nohup).
      if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN)
        continue;
      ::sigaction(sig, &sa, nullptr);
    }
  });
}

// --- checks ---

[[noreturn]] void refuse(const fs::path& path, std::string_view option, std::string problem) {
  throw InputError(InputIssue{"<command line>", option.empty() ? "output" : std::string(option),
                              path.string(), std::move(problem)});
}

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode))
    return "a folder";
  if (S_ISFIFO(mode))
    return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  if (S_ISSOCK(mode))
    return "a socket";
  if (S_ISLNK(mode))
    return "a symbolic link";
  if (S_ISREG(mode))
    return "a file";
  return "not a regular file";
}

void check_names(const fs::path& path, std::string_view option) {
  for (const auto& part : path) {
    const std::string name = part.string();
    if (name.size() > 255) {
      refuse(path, option,
             fmt::format("a name in this path is {} bytes long; a file or folder name may have "
                         "at most 255 bytes",
                         name.size()));
    }
  }
  if (path.string().size() >= kPathBytes - 64)
    refuse(path, option, fmt::format("the path is longer than {} bytes", kPathBytes - 64));
}

// Refuses a symbolic link at `path`; true if something (not a link) exists.
bool lstat_no_link(const fs::path& path, std::string_view option, struct stat& st) {
  if (::lstat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT)
      return false;
    if (err == ENOTDIR)
      refuse(path, option, "a part of this path is not a folder");
    refuse(path, option, std::string("cannot be reached: ") + std::strerror(err));
  }
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    const bool dangling = !fs::exists(path, ec);
    refuse(path, option,
           std::string("is a symbolic link") + (dangling ? " to nothing" : "") +
               "; mnsim does not write through links: give the path of a file or folder itself");
  }
  return true;
}

// The folder must exist, be a folder and accept a new file.
void check_folder_writable(const fs::path& folder, const fs::path& shown, std::string_view option) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT)
      refuse(shown, option, fmt::format("the folder '{}' does not exist", folder.string()));
    refuse(
        shown, option,
        fmt::format("the folder '{}' cannot be reached: {}", folder.string(), std::strerror(err)));
  }
  if (!S_ISDIR(st.st_mode))
    refuse(shown, option, fmt::format("'{}' is not a folder", folder.string()));
  // Try it: permissions, read-only mounts and pseudo file systems (/proc)
  // all show here, whoever runs mnsim.
  const fs::path probe = folder / fmt::format(".mnsim-check-{}", ::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    refuse(shown, option,
           fmt::format("cannot write in the folder '{}': {}", folder.string(), std::strerror(err)));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

fs::path folder_of(const fs::path& path) {
  fs::path parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

fs::path strip_slash(const fs::path& p) {
  return p.has_filename() || p == p.root_path() ? p : p.parent_path();
}

}  // namespace

void check_output_file(const fs::path& path, std::string_view option) {
  if (path.empty())
    refuse(path, option, "is empty; give a file name");
  check_names(path, option);
  if (!path.has_filename())
    refuse(path, option, "names a folder; give a file name");
  struct stat st {};
  if (lstat_no_link(path, option, st) && !S_ISREG(st.st_mode)) {
    refuse(path, option,
           "is " + kind_of(st.st_mode) + "; mnsim writes only regular files (give a file name)");
  }
  check_folder_writable(folder_of(path), path, option);
}

void check_output_folder(const fs::path& dir, const std::vector<std::string>& names,
                         std::string_view option) {
  if (dir.empty())
    refuse(dir, option, "is empty; give a folder name");
  check_names(dir, option);
  const fs::path target = strip_slash(dir);
  struct stat st {};
  if (!lstat_no_link(target, option, st)) {
    check_folder_writable(folder_of(target), dir, option);
    return;
  }
  if (!S_ISDIR(st.st_mode))
    refuse(dir, option, "exists and is " + kind_of(st.st_mode) + ", not a folder");
  for (const auto& name : names) {
    struct stat est {};
    const fs::path entry = target / name;
    if (::lstat(entry.c_str(), &est) == 0 && !S_ISREG(est.st_mode)) {
      refuse(dir, option,
             fmt::format("'{}' is {}; mnsim writes '{}' there as a regular file and does not "
                         "replace it",
                         entry.string(), kind_of(est.st_mode), name));
    }
  }
  check_folder_writable(target, dir, option);
  check_folder_writable(folder_of(target), dir, option);  // for the new folder beside it
}

bool register_temporary(const fs::path& path, bool is_folder) {
  const std::string s = path.string();
  if (s.size() >= kPathBytes)
    return false;
  install_handlers();
  for (auto& slot : g_slots) {
    int expected = 0;
    if (!slot.state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel))
      continue;
    std::memcpy(slot.path, s.c_str(), s.size() + 1);
    slot.folder = is_folder;
    slot.state.store(2, std::memory_order_release);
    return true;
  }
  return false;
}

void unregister_temporary(const fs::path& path) {
  const std::string s = path.string();
  for (auto& slot : g_slots) {
    if (slot.state.load(std::memory_order_acquire) == 2 && s == slot.path) {
      slot.state.store(0, std::memory_order_release);
      return;
    }
  }
}

std::size_t registered_temporaries() {
  std::size_t n = 0;
  for (const auto& slot : g_slots)
    n += slot.state.load(std::memory_order_acquire) == 2 ? 1 : 0;
  return n;
}

}  // namespace mnsim::io
