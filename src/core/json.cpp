#include "mnsim/core/json.hpp"

#include <cmath>

#include "mnsim/core/error.hpp"

namespace mnsim::core {

void require_finite(const nlohmann::json& j, const std::string& where) {
  if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    throw NumericalError("result '" + where + "' is not a finite number");
  }
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      require_finite(v, where.empty() ? k : where + "." + k);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      require_finite(j[i], where + "[" + std::to_string(i) + "]");
    }
  }
}

}  // namespace mnsim::core
