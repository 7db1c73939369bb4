// Writing a case as a case file (TOML) that io::parse_case reads back to the
// same case (`mnsim records export --case`). A case with an explicit
// [medium] is not written (records keep atlas cases only): InputError.
#pragma once

#include <string>

#include "mnsim/case/case.hpp"

namespace mnsim::io {

// The case as TOML; `header` is written first as comment lines.
std::string write_case(const cases::Case& c, const std::string& header = {});

}  // namespace mnsim::io
