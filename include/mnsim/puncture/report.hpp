// Views of a puncture result: JSON (docs/interface.md `pattern --json` keys plus
// extras), text, and an SVG of the representative 1 cm^2 patch.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/puncture/pattern.hpp"

namespace mnsim::puncture {

// One `zones[]` entry of `mnsim pattern --json`.
nlohmann::json zone_json(const ZonePattern& z);

// A short human-readable block for one zone.
std::string zone_text(const ZonePattern& z);

// SVG of the patch: channel openings to scale, coloured by depth.
std::string patch_svg(const ZonePattern& z);

}  // namespace mnsim::puncture
