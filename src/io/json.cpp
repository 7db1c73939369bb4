#include "mnsim/io/json.hpp"

#include <cmath>

#include "mnsim/core/error.hpp"

namespace mnsim::io {
using namespace mnsim::cases;

using nlohmann::json;

json to_json(const cases::Case& c) {
  json j;
  j["name"] = c.info.name;
  j["seed"] = c.info.seed;
  j["source"] = c.source;
  j["patient"] = {{"age_years", c.patient.age_years},
                  {"sex", to_string(c.patient.sex)},
                  {"fitzpatrick", c.patient.fitzpatrick},
                  {"max_downtime_days", c.patient.max_downtime_days},
                  {"history", c.patient.history}};
  j["device"] = {{"model", c.device.model ? json(*c.device.model) : json(nullptr)},
                 {"kind", to_string(c.device.kind)},
                 {"needle_length_mm", c.device.needle_length_mm},
                 {"needle_count", c.device.needle_count},
                 {"needle_base_diameter_um", c.device.needle_base_diameter_um},
                 {"tip_radius_um", c.device.tip_radius_um},
                 {"stroke_hz", c.device.stroke_hz},
                 {"drum_diameter_mm", c.device.drum_diameter_mm},
                 {"drum_width_mm", c.device.drum_width_mm},
                 {"needle_rows", c.device.needle_rows},
                 {"uses", c.device.uses}};
  j["procedure"] = {
      {"setting", to_string(c.procedure.setting)},
      {"passes", c.procedure.passes},
      {"glide_speed_mm_s", c.procedure.glide_speed_mm_s},
      {"pressure_n", c.procedure.pressure_n},
      {"occluded", c.procedure.occluded},
      {"anaesthetic", c.procedure.anaesthetic ? json{{"product", c.procedure.anaesthetic->product},
                                                     {"minutes", c.procedure.anaesthetic->minutes}}
                                              : json(nullptr)}};
  if (c.product) {
    auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    j["product"] = {{"id", c.product->id ? json(*c.product->id) : json(nullptr)},
                    {"mw_da", opt(c.product->mw_da)},
                    {"log_kow", opt(c.product->log_kow)},
                    {"concentration_mg_per_ml", opt(c.product->concentration_mg_per_ml)},
                    {"dose_ul_per_cm2", opt(c.product->dose_ul_per_cm2)},
                    {"diffusivity_water_m2_s", opt(c.product->diffusivity_water_m2_s)},
                    {"pka_acid", opt(c.product->pka_acid)},
                    {"pka_base", opt(c.product->pka_base)},
                    {"formulation_ph", opt(c.product->formulation_ph)},
                    {"applied", to_string(c.product->applied)}};
  } else {
    j["product"] = nullptr;
  }
  j["course"] = {{"sessions", c.course.sessions},
                 {"interval_days", c.course.interval_days},
                 {"horizon_days", c.course.horizon_days}};
  j["simulation"] = {{"fidelity", to_string(c.simulation.fidelity)},
                     {"horizon_h", c.simulation.horizon_h},
                     {"dx_um", c.simulation.dx_um}};
  return j;
}

json to_json(const anatomy::LayerStack& stack) {
  json layers = json::array();
  for (const auto& s : stack.layers) {
    layers.push_back({{"name", anatomy::layer_id(s.layer)},
                      {"top_um", s.top_m * 1e6},
                      {"thickness_um", s.thickness_m * 1e6},
                      {"youngs_modulus_pa", s.youngs_modulus_pa},
                      {"water_fraction", s.water_fraction}});
  }
  return {{"stratum_corneum_um", stack.thickness_m(anatomy::Layer::StratumCorneum) * 1e6},
          {"epidermis_um", stack.epidermis_m() * 1e6},
          {"dermis_um", stack.dermis_m() * 1e6},
          {"subcutis_um", stack.thickness_m(anatomy::Layer::Subcutis) * 1e6},
          {"layers", layers}};
}

json atlas_site_json(const anatomy::Atlas& atlas, const anatomy::SiteRecord& site,
                     const anatomy::Subject& subject) {
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

json to_json(const validation::Row& r) {
  return {{"id", r.id},
          {"stage", r.stage},
          {"source", r.source},
          {"quantity", r.quantity},
          {"unit", r.unit},
          {"condition", r.condition},
          {"observed", r.observed},
          {"predicted", r.predicted},
          {"tolerance", r.tolerance},
          {"pass", r.pass},
          {"used_for_fitting", r.used_for_fitting},
          {"note", r.note}};
}

void require_finite(const json& j, const std::string& where) {
  if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    throw NumericalError("result '" + where + "' is not a finite number");
  }
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      require_finite(v, where.empty() ? k : where + "." + k);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      require_finite(j[i], where + "[" + std::to_string(i) + "]");
    }
  }
}

}  // namespace mnsim::io
