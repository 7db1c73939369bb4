// Reading and checking case files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/case/case.hpp"

namespace mnsim::io {

// The built-in default case (cases/default.toml, compiled into the binary).
std::string_view default_case_text();

// Parses and checks a case. `source_name` names it in messages.
// Throws InputError listing every problem found (syntax errors with line and
// column; unknown keys with a suggestion; wrong types; NaN/inf; values out of
// range; unknown sites; inconsistent fields).
cases::Case parse_case(std::string_view text, const std::string& source_name);

// The bytes of a case file, read in bounded time and memory: the path must
// name a regular file (a FIFO, device or directory is refused without
// blocking) of at most limits::kMaxFileBytes; "-" reads stdin (same limit).
// InputError otherwise, naming the file and what is wrong.
std::string read_case_text(const std::filesystem::path& path);

// read_case_text, then parse_case ("-": stdin, named "<stdin>").
cases::Case load_case(const std::filesystem::path& path);

// The built-in default case, parsed.
cases::Case default_case();

}  // namespace mnsim::io
