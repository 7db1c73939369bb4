// The stage commands' computations and JSON, shared by the CLI and the Python
// module (stages.hpp).
#include "mnsim/pipeline/stages.hpp"

#include <cstdint>

#include "mnsim/anatomy/report.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/healing/report.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/puncture/report.hpp"

namespace mnsim::pipeline {

std::vector<const anatomy::SiteRecord*> select_sites(const anatomy::Atlas& atlas,
                                                     const std::string& site,
                                                     const std::string& source,
                                                     const std::string& field) {
  std::vector<const anatomy::SiteRecord*> sites;
  if (site.empty()) {
    for (const auto& s : atlas.sites())
      sites.push_back(&s);
    return sites;
  }
  const auto* s = atlas.find(site);
  if (s == nullptr) {
    const auto guess = core::closest_match(site, atlas.site_ids());
    throw InputError(InputIssue{source, field, site,
                                guess.empty() ? "unknown site; see `mnsim atlas` for the list"
                                              : "unknown site; did you mean '" + guess + "'?"});
  }
  sites.push_back(s);
  return sites;
}

nlohmann::json atlas_json(const anatomy::Atlas& atlas,
                          const std::vector<const anatomy::SiteRecord*>& sites,
                          const anatomy::Subject& subject) {
  nlohmann::json j;
  j["age_years"] = subject.age_years;
  j["sex"] = subject.sex == anatomy::Sex::Male ? "male" : "female";
  j["sites"] = nlohmann::json::array();
  for (const auto* s : sites)
    j["sites"].push_back(anatomy::site_json(atlas, *s, subject));
  add_provenance(j, {});
  core::require_finite(j);
  return j;
}

PatternResult pattern_case(const cases::Case& c, const anatomy::Atlas& atlas) {
  if (c.zones.empty()) {
    throw InputError(InputIssue{c.source, "zones", "",
                                "mnsim pattern needs [[zones]] on the skin; an explicit [medium] "
                                "has no device pattern"});
  }
  PatternResult r;
  r.case_name = c.info.name;
  for (std::size_t i = 0; i < c.zones.size(); ++i)
    r.zones.push_back(puncture_zone(c, i, atlas).pattern);
  r.uncertainty = uncertainty(c, atlas, {});
  return r;
}

nlohmann::json pattern_json(const PatternResult& r, const Provenance& p) {
  nlohmann::json j;
  add_provenance(j, p);
  j["case"] = r.case_name;
  j["zones"] = nlohmann::json::array();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < r.zones.size(); ++i) {
    auto zj = puncture::zone_json(r.zones[i]);
    if (i < r.uncertainty.zones.size())
      add_intervals(r.uncertainty.zones[i], &zj, nullptr, nullptr);
    j["zones"].push_back(std::move(zj));
    total += r.zones[i].channels_total;
  }
  j["channels_session_total"] = total;
  if (!r.uncertainty.zones.empty())
    j["uncertainty"] = uncertainty_json(r.uncertainty);
  j["disclaimer"] = std::string(kDisclaimer);
  core::require_finite(j);
  return j;
}

transport::CaseDelivery deliver_case(const cases::Case& c, const anatomy::Atlas& atlas) {
  return deliver_case(c, resolved_device(c), zone_skins(c, atlas));
}

Uncertainty deliver_uncertainty(const cases::Case& c, const anatomy::Atlas& atlas) {
  if (c.zones.empty())
    return {};
  UncertaintyStages stages;
  stages.delivery = true;
  return uncertainty(c, atlas, stages);
}

nlohmann::json deliver_json(const transport::CaseDelivery& d, const Provenance& p,
                            const Uncertainty* u) {
  nlohmann::json j = transport::to_json(d);
  if (u != nullptr && !u->zones.empty()) {
    for (std::size_t i = 0; i < u->zones.size() && i < j["zones"].size(); ++i)
      add_intervals(u->zones[i], nullptr, &j["zones"][i], nullptr);
    j["uncertainty"] = uncertainty_json(*u);
  }
  j["disclaimer"] = std::string(kDisclaimer);
  add_provenance(j, p);
  core::require_finite(j);
  return j;
}

RunResult heal_case(const cases::Case& c, const anatomy::Atlas& atlas,
                    const healing::Hypotheses& hypotheses) {
  if (c.medium) {
    throw InputError(InputIssue{c.source, "medium", "",
                                "heal needs atlas zones; a case with an explicit [medium] has "
                                "no skin to heal"});
  }
  Options options;
  options.hypotheses = hypotheses;
  options.uncertainty = true;
  // Transport only for the anaesthetic's numbed depth (pain).
  options.delivery = c.procedure.anaesthetic.has_value();
  cases::Case cc = c;
  if (options.delivery)
    cc.product.reset();
  return run(cc, atlas, options);
}

nlohmann::json heal_json(const RunResult& r, const Provenance& p) {
  nlohmann::json j;
  add_provenance(j, p);
  j["zones"] = nlohmann::json::array();
  for (const auto& zr : r.zones) {
    auto zj = healing::full_json(zr.course, zr.anaesthetic_depth_um);
    zj["site"] = zr.zone.site;
    zj["indication"] = cases::to_string(zr.zone.indication);
    const std::size_t z = j["zones"].size();
    if (r.uncertainty && z < r.uncertainty->zones.size())
      add_intervals(r.uncertainty->zones[z], nullptr, nullptr, &zj);
    j["zones"].push_back(std::move(zj));
  }
  if (r.uncertainty)
    j["uncertainty"] = uncertainty_json(*r.uncertainty);
  j["dose"] = "puncture stage (pipeline::injury_dose)";
  j["disclaimer"] = kDisclaimer;
  core::require_finite(j);
  return j;
}

}  // namespace mnsim::pipeline
