// Output paths, checked before any work is done, and the cleanup of
// temporary files when mnsim is interrupted.
//
// Policy (docs/outputs.md): mnsim writes only regular files, each through a
// temporary file beside it that is fsynced and renamed over the target, and
// only where the user named. An output path that is a directory, a device, a
// FIFO, a socket or a symbolic link (even one pointing at a regular file) is
// refused, as is a path whose folder is missing or not writable or whose
// name is over 255 bytes. Every refusal is an InputError (exit status 2)
// naming the path as the user gave it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mnsim::io {

// Checks that `path` can be written as a file. `option` names where the path
// came from in messages ("--csv"); empty: "output".
void check_output_file(const std::filesystem::path& path, std::string_view option = {});

// Checks that `dir` can be written as a folder holding `names`: `dir` is
// absent (then its parent folder must be writable) or a writable folder (not
// a link) in which none of `names` is anything but a regular file.
void check_output_folder(const std::filesystem::path& dir, const std::vector<std::string>& names,
                         std::string_view option = {});

// Temporary files and folders registered here are removed if mnsim gets
// SIGINT, SIGTERM or SIGHUP before they are unregistered (the handler then
// re-raises the signal). The registry is a fixed table: registration never
// allocates in the handler's view, and the handler only calls unlink/rmdir.
// Returns false when the table is full (the temporary is then only removed
// on ordinary failure).
bool register_temporary(const std::filesystem::path& path, bool is_folder);
void unregister_temporary(const std::filesystem::path& path);

// How many temporaries are registered now (tests).
std::size_t registered_temporaries();

}  // namespace mnsim::io
