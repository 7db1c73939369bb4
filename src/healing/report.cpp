#include "mnsim/healing/report.hpp"

#include <fmt/format.h>

#include "mnsim/response/report.hpp"

namespace mnsim::healing {

using nlohmann::json;

json summary_json(const Course& c, std::optional<double> anaesthetic_depth_um) {
  return {
      {"erythema_resolved_day", c.erythema_resolved_day},
      {"session_days", c.session_days},
      {"collagen_rel_peak", c.collagen_rel_peak},
      {"collagen_rel_end", c.collagen_rel_end},
      {"dermal_thickness_rel_end", c.dermal_thickness_rel.back()},
      {"epidermal_thickness_rel_end", c.epidermal_thickness_rel.back()},
      {"hypotheses", c.hypotheses},
      {"anaesthetic_depth_um", anaesthetic_depth_um ? json(*anaesthetic_depth_um) : json(nullptr)},
      {"acute", response::to_json(c.first_session)}};
}

json full_json(const Course& c, std::optional<double> anaesthetic_depth_um) {
  json j = summary_json(c, anaesthetic_depth_um);
  j["days"] = c.days;
  j["erythema"] = c.erythema;
  j["oedema"] = c.oedema;
  j["collagen_rel"] = c.collagen_rel;
  j["dermal_thickness_rel"] = c.dermal_thickness_rel;
  j["epidermal_thickness_rel"] = c.epidermal_thickness_rel;
  return j;
}

std::string brief_text(const Course& c, std::optional<double> anaesthetic_depth_um) {
  const auto& a = c.first_session;
  std::string s = "  first session: " + response::brief_text(a, anaesthetic_depth_um) + "\n";
  s +=
      fmt::format("  PIH risk {:.1f} % per session ({})\n", 100.0 * a.pih.probability, a.pih.basis);
  std::string days;
  for (const double d : c.session_days)
    days += (days.empty() ? "" : ", ") + fmt::format("{:g}", d);
  s += fmt::format(
      "  sessions on days {}; collagen peak x{:.2f}, x{:.2f} at day {:g}; dermal "
      "thickness x{:.3f}, epidermal thickness x{:.3f} at day {:g}\n",
      days, c.collagen_rel_peak, c.collagen_rel_end, c.days.back(), c.dermal_thickness_rel.back(),
      c.epidermal_thickness_rel.back(), c.days.back());
  if (!c.hypotheses.empty()) {
    std::string h;
    for (const auto& n : c.hypotheses)
      h += (h.empty() ? "" : ", ") + n;
    s += "  HYPOTHESES switched on (not validated): " + h + "\n";
  }
  return s;
}

}  // namespace mnsim::healing
