#include "mnsim/anatomy/report.hpp"

#include "mnsim/core/units.hpp"

namespace mnsim::anatomy {

using nlohmann::json;

json to_json(const LayerStack& stack) {
  json layers = json::array();
  for (const auto& s : stack.layers) {
    layers.push_back({{"name", layer_id(s.layer)},
                      {"top_um", units::to_um(s.top_m)},
                      {"thickness_um", units::to_um(s.thickness_m)},
                      {"youngs_modulus_pa", s.youngs_modulus_pa},
                      {"water_fraction", s.water_fraction}});
  }
  return {{"stratum_corneum_um", units::to_um(stack.thickness_m(Layer::StratumCorneum))},
          {"epidermis_um", units::to_um(stack.epidermis_m())},
          {"dermis_um", units::to_um(stack.dermis_m())},
          {"subcutis_um", units::to_um(stack.thickness_m(Layer::Subcutis))},
          {"layers", layers}};
}

json site_json(const Atlas& atlas, const SiteRecord& site, const Subject& subject) {
  const auto st = atlas.stack(site.id, subject);
  json j = to_json(st);
  j["id"] = site.id;
  j["name"] = site.name;
  j["region"] = site.region;
  j["sensitive"] = site.sensitive;
  j["dermis_sd_um"] = site.dermis_sd_um.of(subject.sex) *
                      atlas.aging().dermis_factor(subject.sex, subject.age_years);
  j["epidermis_cv"] = site.epidermis_cv;
  j["sources"] = site.sources();
  j["derivation"] = site.derivation;
  return j;
}

}  // namespace mnsim::anatomy
