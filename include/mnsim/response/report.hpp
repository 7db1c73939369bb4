// Views of a response result (stage 5): its JSON and brief text.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mnsim/response/response.hpp"

namespace mnsim::response {

// The `acute` object of a zone in `heal --json` and `run --json` (zones[].healing.acute):
// injury_load_um, erythema_peak (grade 0-4), oedema_peak,
// pain_nrs (0-10), bleeding_fraction, barrier_resealed_h, pih_risk, pih_basis.
nlohmann::json to_json(const AcuteResponse& a);

// One line: erythema, oedema, pain (with the numbed depth, if any), bleeding, resealing.
std::string brief_text(const AcuteResponse& a, std::optional<double> anaesthetic_depth_um);

}  // namespace mnsim::response
