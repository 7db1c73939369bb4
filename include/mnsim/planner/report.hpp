// Planner: the plan as JSON (docs/interface.md `plan --json`) and as text. Both
// carry mnsim::kDisclaimer.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mnsim/planner/planner.hpp"

namespace mnsim::planner {

// The conservative-quantile rule the limits are kept at (docs/safety.md).
inline constexpr const char* kQuantileRule =
    "limits kept at the conservative quantile over the uncertainty draws: the p90 real depth "
    "under every depth cap, the p90 downtime within what the patient accepts";

// `plan --robust` (docs/safety.md, "Robust planning").
inline constexpr const char* kRobustRule =
    "also, per zone, the share of a population like the patient (same age band, sex and "
    "phototype) whose downtime exceeds what the patient accepts or whose real depth exceeds a "
    "depth cap";

nlohmann::json plan_json(const Plan& plan);
std::string plan_text(const Plan& plan, const cases::Case& c);

}  // namespace mnsim::planner
