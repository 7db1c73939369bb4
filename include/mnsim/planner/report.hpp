// Planner: the plan as JSON (docs/interface.md `plan --json`) and as text. Both
// carry mnsim::kDisclaimer.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mnsim/planner/planner.hpp"

namespace mnsim::planner {

nlohmann::json plan_json(const Plan& plan);
std::string plan_text(const Plan& plan, const cases::Case& c);

}  // namespace mnsim::planner
