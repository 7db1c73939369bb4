// Views of a healing result (stages 5-6): JSON (summary and full) and text.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mnsim/healing/healing.hpp"

namespace mnsim::healing {

// The course's scalar figures, as in a `heal --json` zone and `run --json`'s
// zones[].healing: erythema_resolved_day, session_days, collagen_rel_peak,
// collagen_rel_end, dermal_thickness_rel_end, epidermal_thickness_rel_end,
// hypotheses, anaesthetic_depth_um (null without anaesthetic) and
// acute (response::to_json of the first session).
nlohmann::json summary_json(const Course& c, std::optional<double> anaesthetic_depth_um);

// summary_json plus the daily series: days, erythema, oedema, collagen_rel,
// dermal_thickness_rel, epidermal_thickness_rel.
nlohmann::json full_json(const Course& c, std::optional<double> anaesthetic_depth_um);

// The first session's response, the sessions and the collagen and thickness
// figures, indented two spaces, one line each.
std::string brief_text(const Course& c, std::optional<double> anaesthetic_depth_um);

}  // namespace mnsim::healing
