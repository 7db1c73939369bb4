// JSON view of a validation row (`validate --json` rows[]; keys: docs/interface.md).
#pragma once

#include <nlohmann/json.hpp>

#include "mnsim/validation/validation.hpp"

namespace mnsim::validation {

nlohmann::json to_json(const Row& row);

}  // namespace mnsim::validation
