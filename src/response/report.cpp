#include "mnsim/response/report.hpp"

#include <fmt/format.h>

namespace mnsim::response {

nlohmann::json to_json(const AcuteResponse& a) {
  return {{"injury_load_um", a.injury_load_um},
          {"erythema_peak", a.erythema_peak},
          {"oedema_peak", a.oedema_peak},
          {"pain_nrs", a.pain_nrs},
          {"bleeding_fraction", a.bleeding_fraction},
          {"barrier_resealed_h", a.barrier_resealed_h},
          {"channels_resealed_h", a.barrier_resealed_h},
          {"pih_risk", a.pih.probability},
          {"pih_basis", a.pih.basis}};
}

std::string brief_text(const AcuteResponse& a, std::optional<double> anaesthetic_depth_um) {
  return fmt::format(
      "erythema peak {:.1f}/4, resolved by day {:.1f}; oedema peak {:.1f}/4; "
      "pain {:.1f}/10{}; {:.0f} % of channels reach the papillary "
      "dermis; channels resealed by {:.1f} h",
      a.erythema_peak, a.erythema_resolved_day, a.oedema_peak, a.pain_nrs,
      anaesthetic_depth_um ? fmt::format(" (numbed to {:.0f} um)", *anaesthetic_depth_um)
                           : std::string(" (no anaesthetic)"),
      100.0 * a.bleeding_fraction, a.barrier_resealed_h);
}

}  // namespace mnsim::response
