// JSON helpers shared by every result's JSON view.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mnsim::core {

// Non-finite numbers are not results: throws NumericalError naming the key.
void require_finite(const nlohmann::json& j, const std::string& where = "");

}  // namespace mnsim::core
