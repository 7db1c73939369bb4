// Writing outputs so that a failed command leaves nothing half-written:
// content goes to a temporary file beside the target, then is renamed.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace mnsim::io {

// Writes `content` to `path` atomically (temporary file + rename).
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Writes several files into `dir` (created if absent). All files are first
// written to a temporary directory beside `dir`; only when every write has
// succeeded are they moved into place.
void write_files_atomic(const std::filesystem::path& dir,
                        const std::map<std::string, std::string>& files);

}  // namespace mnsim::io
