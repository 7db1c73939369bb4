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

struct SvgOptions {
  double crop_side_m = 1.5e-3;  // side of the square drawn (a corner of the periodic patch)
  int size_px = 560;            // side of the drawn square in pixels
};

// SVG of a corner of the patch: each channel opening to scale (an ellipse
// coloured by its depth, clipped to the square), a depth colour legend in um,
// a scale bar and the zone/setting label. About 150 bytes per channel drawn.
std::string patch_svg(const ZonePattern& z, const SvgOptions& options = {});

}  // namespace mnsim::puncture
