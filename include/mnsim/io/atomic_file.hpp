// Writing outputs so that a failed or interrupted command leaves nothing
// half-written: content goes to a temporary file beside the target, is
// fsynced, renamed over the target, and the folder is fsynced. Temporaries
// are removed on failure and on SIGINT/SIGTERM/SIGHUP (io/output.hpp).
// Both functions first check the path (io::check_output_file/folder:
// InputError); a write failure afterwards is a std::runtime_error naming
// the user's path, never a temporary name.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace mnsim::io {

// Writes `content` to `path` atomically (temporary file + rename).
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Writes several files into `dir` (created if absent). All files are first
// written to a temporary folder beside `dir`; only when every write has
// succeeded are they published: a new `dir` by one rename; an existing `dir`
// holding only files of this set by one atomic exchange of the two folders
// (a reader sees the old set or the new set); an existing `dir` holding
// other files too by one rename per file (the other files are kept).
void write_files_atomic(const std::filesystem::path& dir,
                        const std::map<std::string, std::string>& files);

}  // namespace mnsim::io
