// Loading the acute-response parameters from the built-in tables.
#include <algorithm>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/response/response.hpp"

namespace mnsim::response {

namespace {

namespace data = core::data;

// A { value = x, source = "id" } entry; checks the source exists.
double sourced(const toml::table& t, std::string_view key, const data::Where& w) {
  const toml::table& e = data::table(t, key, w);
  const data::Where we{w.text + ": '" + std::string(key) + "'"};
  core::Bibliography::builtin().require({data::string(e, "source", we)}, we.text);
  return data::real(e, "value", we);
}

}  // namespace

Params Params::load(std::string_view acute_path, std::string_view calibrated_path) {
  Params p;
  const toml::table root = data::parse(acute_path);
  const data::Where w{std::string(acute_path)};
  const auto& load = data::table(root, "load", w);
  for (const auto layer : anatomy::kAllLayers) {
    const double v = sourced(load, anatomy::layer_id(layer), w);
    if (!(v >= 0))
      w.fail(anatomy::layer_id(layer), "weight must be >= 0");
    p.layer_weight[static_cast<std::size_t>(layer)] = v;
  }
  const auto& kin = data::table(root, "kinetics", w);
  p.mediator_decay_per_day = sourced(kin, "mediator_decay_per_day", w);
  p.oedema_decay_per_day = sourced(kin, "oedema_decay_per_day", w);
  p.grade_max = sourced(kin, "grade_max", w);
  p.grade_visible = sourced(kin, "grade_visible", w);
  const auto& bar = data::table(root, "barrier", w);
  p.barrier_young_age_years = sourced(bar, "barrier_young_age_years", w);
  p.barrier_aged_age_years = sourced(bar, "barrier_aged_age_years", w);
  p.barrier_damage_ratio = sourced(bar, "barrier_damage_ratio", w);
  p.water_loss_gain = sourced(bar, "water_loss_gain", w);
  const auto& pain = data::table(root, "pain", w);
  p.pain_depth_um = sourced(pain, "pain_depth_um", w);
  p.pain_exponent = sourced(pain, "pain_exponent", w);
  const auto& pih = data::table(root, "pih", w);
  {
    const auto& e = data::table(pih, "reference_risk", w);
    const data::Where we{w.text + ": 'reference_risk'"};
    core::Bibliography::builtin().require({data::string(e, "source", we)}, we.text);
    const auto* arr = e.get_as<toml::array>("value");
    if (arr == nullptr || arr->size() != 6)
      we.fail("value", "expected 6 numbers (Fitzpatrick I..VI)");
    for (std::size_t i = 0; i < 6; ++i) {
      const auto v = (*arr)[i].value<double>();
      if (!v || !(*v >= 0 && *v < 1))
        we.fail("value", "each risk must be in [0, 1)");
      p.pih_reference_risk[i] = *v;
    }
  }
  p.pih_reference_grade_days = sourced(pih, "reference_grade_days", w);

  const toml::table cal = data::parse(calibrated_path);
  const data::Where wc{std::string(calibrated_path)};
  p.erythema_decay_per_day = sourced(cal, "erythema_decay_per_day", wc);
  p.erythema_half_load_um = sourced(cal, "erythema_half_load_um", wc);
  p.barrier_young_per_h = sourced(cal, "barrier_young_per_h", wc);
  p.barrier_aged_per_h = sourced(cal, "barrier_aged_per_h", wc);

  const std::pair<const char*, double> positive[] = {
      {"mediator_decay_per_day", p.mediator_decay_per_day},
      {"oedema_decay_per_day", p.oedema_decay_per_day},
      {"grade_max", p.grade_max},
      {"grade_visible", p.grade_visible},
      {"pain_depth_um", p.pain_depth_um},
      {"pain_exponent", p.pain_exponent},
      {"reference_grade_days", p.pih_reference_grade_days},
      {"erythema_decay_per_day", p.erythema_decay_per_day},
      {"erythema_half_load_um", p.erythema_half_load_um},
      {"barrier_young_per_h", p.barrier_young_per_h},
      {"barrier_aged_per_h", p.barrier_aged_per_h}};
  for (const auto& [key, v] : positive) {
    if (!(v > 0))
      w.fail(key, "must be > 0");
  }
  if (!(p.barrier_aged_age_years > p.barrier_young_age_years))
    w.fail("barrier_aged_age_years", "must exceed barrier_young_age_years");
  if (!(p.grade_visible < p.grade_max))
    w.fail("grade_visible", "must be below grade_max");
  return p;
}

const Params& Params::builtin() {
  static const Params p = load("data/response/acute.toml", "data/response/calibrated.toml");
  return p;
}

double Params::barrier_rate_per_h(double age_years) const {
  const double s = std::clamp(
      (age_years - barrier_young_age_years) / (barrier_aged_age_years - barrier_young_age_years),
      0.0, 1.0);
  return barrier_young_per_h + s * (barrier_aged_per_h - barrier_young_per_h);
}

}  // namespace mnsim::response
