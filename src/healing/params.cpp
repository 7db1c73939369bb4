// Loading the remodelling parameters from the built-in tables.
#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/healing/healing.hpp"

namespace mnsim::healing {

namespace {

namespace data = core::data;

double sourced(const toml::table& root, std::string_view group, std::string_view key,
               const data::Where& w) {
  const toml::table& g = group.empty() ? root : data::table(root, group, w);
  const toml::table& e = data::table(g, key, w);
  const data::Where we{w.text + ": '" + std::string(group) + (group.empty() ? "" : ".") +
                       std::string(key) + "'"};
  core::Bibliography::builtin().require({data::string(e, "source", we)}, we.text);
  const double v = data::real(e, "value", we);
  if (!(v >= 0))
    we.fail("value", "must be >= 0");
  return v;
}

}  // namespace

Params Params::load(std::string_view model_path, std::string_view calibrated_path) {
  const toml::table m = data::parse(model_path);
  const data::Where w{std::string(model_path)};
  Params p;
  p.inflammation_removal_per_day = sourced(m, "inflammation", "removal_per_day", w);
  p.fibroblast_activation_per_day = sourced(m, "fibroblasts", "activation_per_day", w);
  p.fibroblast_deactivation_per_day = sourced(m, "fibroblasts", "deactivation_per_day", w);
  p.collagen_capacity_rel = sourced(m, "collagen", "capacity_rel", w);
  p.collagen3_to_1_per_day = sourced(m, "collagen", "type3_to_type1_per_day", w);
  p.collagen1_removal_per_day = sourced(m, "collagen", "type1_removal_per_day", w);
  p.inflammatory_degradation_per_day =
      sourced(m, "collagen", "inflammatory_degradation_per_day", w);
  p.elastin_production_ratio = sourced(m, "collagen", "elastin_production_ratio", w);
  p.elastin_removal_per_day = sourced(m, "collagen", "elastin_removal_per_day", w);
  p.epidermis_capacity_rel = sourced(m, "epidermis", "capacity_rel", w);
  p.epidermis_regression_per_day = sourced(m, "epidermis", "regression_per_day", w);
  p.collagen_volume_share = sourced(m, "thickness", "collagen_volume_share", w);
  p.elastin_volume_share = sourced(m, "thickness", "elastin_volume_share", w);
  p.prp_activation_factor = sourced(m, "hypotheses", "prp_activation_factor", w);
  p.vitamin_c_production_factor = sourced(m, "hypotheses", "vitamin_c_production_factor", w);

  const toml::table c = data::parse(calibrated_path);
  const data::Where wc{std::string(calibrated_path)};
  p.collagen_production_per_day = sourced(c, "", "collagen_production_per_day", wc);
  p.epidermis_production_per_day = sourced(c, "", "epidermis_production_per_day", wc);
  p.stimulus_half_load_um = sourced(c, "", "stimulus_half_load_um", wc);
  p.matrix_maturation_per_day = sourced(c, "", "matrix_maturation_per_day", wc);

  const std::pair<const char*, double> positive[] = {
      {"inflammation.removal_per_day", p.inflammation_removal_per_day},
      {"stimulus_half_load_um (calibrated)", p.stimulus_half_load_um},
      {"fibroblasts.deactivation_per_day", p.fibroblast_deactivation_per_day},
      {"collagen.capacity_rel", p.collagen_capacity_rel},
      {"collagen.type3_to_type1_per_day", p.collagen3_to_1_per_day},
      {"epidermis.capacity_rel", p.epidermis_capacity_rel},
      {"epidermis.regression_per_day", p.epidermis_regression_per_day},
      {"matrix_maturation_per_day (calibrated)", p.matrix_maturation_per_day}};
  for (const auto& [key, v] : positive) {
    if (!(v > 0))
      w.fail(key, "must be > 0");
  }
  return p;
}

const Params& Params::builtin() {
  static const Params p = load("data/healing/remodelling.toml", "data/healing/calibrated.toml");
  return p;
}

std::vector<std::string> Hypotheses::names() const {
  std::vector<std::string> out;
  if (prp)
    out.emplace_back("prp");
  if (vitamin_c)
    out.emplace_back("vitamin_c");
  return out;
}

}  // namespace mnsim::healing
