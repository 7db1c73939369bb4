// JSON view of a case (`case show --json`, `run --json` "case"; keys: docs/interface.md).
#pragma once

#include <nlohmann/json.hpp>

#include "mnsim/case/case.hpp"

namespace mnsim::cases {

nlohmann::json to_json(const Case& c);

}  // namespace mnsim::cases
