#include "mnsim/io/atomic_file.hpp"

#include <fstream>
#include <random>
#include <system_error>

#include <unistd.h>

namespace mnsim::io {

namespace fs = std::filesystem;

namespace {
std::string unique_suffix() {
  // Only makes temporary names unique; never influences results.
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
}

void write_plain(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw std::runtime_error("cannot write '" + path.string() + "'");
  out << content;
  out.flush();
  if (!out)
    throw std::runtime_error("error while writing '" + path.string() + "'");
}
}  // namespace

void write_file_atomic(const fs::path& path, const std::string& content) {
  fs::path tmp = path;
  tmp += unique_suffix();
  try {
    write_plain(tmp, content);
    fs::rename(tmp, path);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

void write_files_atomic(const fs::path& dir, const std::map<std::string, std::string>& files) {
  fs::path target = dir;
  if (target.filename().empty())
    target = target.parent_path();  // "out/" -> "out"
  fs::path parent = target.parent_path();
  if (parent.empty())
    parent = ".";
  if (!fs::exists(parent)) {
    throw std::runtime_error("cannot write to '" + dir.string() + "': folder '" + parent.string() +
                             "' does not exist");
  }
  fs::path staging = target;
  staging += unique_suffix();
  try {
    fs::create_directory(staging);
    for (const auto& [name, content] : files)
      write_plain(staging / name, content);
    if (!fs::exists(target)) {
      fs::rename(staging, target);
      return;
    }
    if (!fs::is_directory(target)) {
      throw std::runtime_error("'" + target.string() + "' exists and is not a folder");
    }
    for (const auto& [name, content] : files)
      fs::rename(staging / name, target / name);
    fs::remove(staging);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    throw;
  }
}

}  // namespace mnsim::io
