#include "mnsim/case/json.hpp"

namespace mnsim::cases {

using nlohmann::json;

json to_json(const Case& c) {
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
                     {"dx_um", c.simulation.dx_um},
                     {"samples", c.simulation.samples}};
  j["cohort"] = {{"age_years_min", c.cohort.age_years_min},
                 {"age_years_max", c.cohort.age_years_max},
                 {"female_fraction", c.cohort.female_fraction},
                 {"fitzpatrick_weights", c.cohort.fitzpatrick_weights}};
  return j;
}

}  // namespace mnsim::cases
