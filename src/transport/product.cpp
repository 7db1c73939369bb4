#include "mnsim/transport/product.hpp"

#include <algorithm>
#include <cmath>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"

namespace mnsim::transport {

namespace data = core::data;

ProductCatalogue ProductCatalogue::load(std::string_view path) {
  const toml::table root = data::parse(path);
  ProductCatalogue cat;
  const auto& bib = core::Bibliography::builtin();
  for (const auto& node : data::array_of_tables(root, "product", {std::string(path)})) {
    const auto& t = *node.as_table();
    ProductSpec p;
    p.id = data::string(t, "id", {std::string(path) + ": a [[product]]"});
    const data::Where w{std::string(path) + ": product '" + p.id + "'"};
    p.name = data::string(t, "name", w);
    p.mw_da = data::positive(t, "mw_da", w);
    p.log_kow = data::real(t, "log_kow", w);
    p.concentration_mg_per_ml = data::positive(t, "concentration_mg_per_ml", w);
    p.dose_ul_per_cm2 = data::positive(t, "dose_ul_per_cm2", w);
    if (t.contains("diffusivity_water_m2_s"))
      p.diffusivity_water_m2_s = data::positive(t, "diffusivity_water_m2_s", w);
    p.anaesthetic = data::boolean(t, "anaesthetic", w);
    if (t.contains("pka_acid"))
      p.pka_acid = data::real(t, "pka_acid", w);
    if (t.contains("pka_base"))
      p.pka_base = data::real(t, "pka_base", w);
    if (p.pka_acid || p.pka_base) {
      p.formulation_ph = data::real(t, "formulation_ph", w);
      if (!(p.formulation_ph >= 0 && p.formulation_ph <= 14))
        w.fail("formulation_ph", "must be within [0, 14]");
    }
    p.sources = data::strings(t, "source", w);
    if (p.sources.empty())
      w.fail("source", "at least one source is required");
    bib.require(p.sources, w.text);
    if (cat.find(p.id) != nullptr)
      w.fail("id", "duplicate product id");
    cat.products_.push_back(std::move(p));
  }
  return cat;
}

const ProductCatalogue& ProductCatalogue::builtin() {
  static const ProductCatalogue cat = load("data/transport/products.toml");
  return cat;
}

const ProductSpec* ProductCatalogue::find(std::string_view id) const {
  for (const auto& p : products_) {
    if (p.id == id)
      return &p;
  }
  return nullptr;
}

std::vector<std::string> ProductCatalogue::ids() const {
  std::vector<std::string> v;
  for (const auto& p : products_)
    v.push_back(p.id);
  return v;
}

PropertyModel PropertyModel::load(std::string_view path) {
  const toml::table root = data::parse(path);
  const data::Where w{std::string(path)};
  const auto& bib = core::Bibliography::builtin();
  PropertyModel m;
  const auto& sc = data::table(root, "stratum_corneum", w);
  const std::string model = data::string(sc, "kp_model", w);
  if (model == "potts_guy")
    m.kp_model = KpModel::PottsGuy;
  else if (model == "refit2023")
    m.kp_model = KpModel::Refit2023;
  else
    w.fail("kp_model", "must be potts_guy or refit2023");
  const auto& pg = data::table(sc, "potts_guy", w);
  m.pg_a = data::real(pg, "a", w);
  m.pg_b = data::real(pg, "b", w);
  m.pg_c = data::real(pg, "c", w);
  bib.require({data::string(pg, "source", w)}, w.text);
  const auto& rf = data::table(sc, "refit2023", w);
  m.refit_a = data::real(rf, "a", w);
  m.refit_b = data::real(rf, "b", w);
  m.refit_c = data::real(rf, "c", w);
  bib.require({data::string(rf, "source", w)}, w.text);
  m.log10_kp_floor_cm_h = data::real(sc, "log10_kp_floor_cm_h", w);
  m.sc_reference_thickness_m = data::positive(sc, "reference_thickness_um", w) * units::kUm;
  const auto& kp = data::table(sc, "partition", w);
  m.ksc_p0 = data::real(kp, "p0", w);
  m.ksc_p1 = data::real(kp, "p1", w);
  m.ksc_p2 = data::real(kp, "p2", w);
  m.ksc_p3 = data::real(kp, "p3", w);
  m.ksc_p4 = data::real(kp, "p4", w);
  bib.require({data::string(kp, "source", w)}, w.text);
  const auto& vt = data::table(root, "viable_tissue", w);
  const auto& df = data::table(vt, "diffusivity", w);
  m.dfree_d0 = data::real(df, "d0", w);
  m.dfree_d1 = data::real(df, "d1", w);
  bib.require({data::string(df, "source", w)}, w.text);
  const auto& cl = data::table(root, "clearance", w);
  m.clearance_q_per_s = data::positive(cl, "q_per_s", w);
  bib.require({data::string(cl, "q_source", w)}, w.text);
  m.clearance_mw_cutoff_da = data::positive(cl, "mw_cutoff_da", w);
  m.channel_hindrance = data::positive(data::table(root, "channel", w), "hindrance", w);
  const auto& ion = data::table(root, "ionisation", w);
  m.ionised_sc_ratio = data::real(ion, "ionised_sc_ratio", w);
  if (!(m.ionised_sc_ratio >= 0 && m.ionised_sc_ratio <= 1))
    w.fail("ionisation.ionised_sc_ratio", "must be within [0, 1]");
  bib.require({data::string(ion, "source", w)}, w.text);
  return m;
}

const PropertyModel& PropertyModel::builtin() {
  static const PropertyModel m = load("data/transport/properties.toml");
  return m;
}

double PropertyModel::kp_sc_cm_h(double mw_da, double log_kow, KpModel model) const {
  const double lg = model == KpModel::PottsGuy ? pg_a + pg_b * log_kow + pg_c * mw_da
                                               : refit_a + refit_b * log_kow + refit_c * mw_da;
  return std::pow(10.0, std::max(lg, log10_kp_floor_cm_h));
}

double PropertyModel::k_sc(double log_kow) const {
  const double kow = std::pow(10.0, log_kow);
  return ksc_p0 * std::pow(kow, ksc_p1) + ksc_p2 + ksc_p3 * std::pow(kow, ksc_p4);
}

double PropertyModel::d_free_m2_s(double mw_da) const {
  return std::pow(10.0, dfree_d0 + dfree_d1 * std::log10(mw_da)) * units::kCm2;  // cm^2/s -> m^2/s
}

double PropertyModel::dermal_clearance_per_s(double mw_da) const {
  return clearance_q_per_s / (1.0 + mw_da / clearance_mw_cutoff_da);
}

double PropertyModel::d_water_m2_s(const ProductSpec& p) const {
  return p.diffusivity_water_m2_s > 0 ? p.diffusivity_water_m2_s : d_free_m2_s(p.mw_da);
}

double unionised_fraction(const ProductSpec& p) {
  double ionised_per_neutral = 0;
  if (p.pka_acid)
    ionised_per_neutral += std::pow(10.0, p.formulation_ph - *p.pka_acid);
  if (p.pka_base)
    ionised_per_neutral += std::pow(10.0, *p.pka_base - p.formulation_ph);
  return 1.0 / (1.0 + ionised_per_neutral);
}

double PropertyModel::sc_ionisation_factor(const ProductSpec& p) const {
  const double fu = unionised_fraction(p);
  return fu + ionised_sc_ratio * (1.0 - fu);
}

Medium skin_medium(const anatomy::LayerStack& stack, const anatomy::Atlas& atlas,
                   const ProductSpec& p, const PropertyModel& model, bool with_subcutis,
                   bool infinite_dose) {
  using anatomy::Layer;
  Medium m;
  const double kp_m_s = model.kp_sc_cm_h(p.mw_da, p.log_kow) * units::kCm / units::kHour;
  // Ionisation lowers the SC partition of the whole drug (the SC diffusivity
  // is the neutral species'), so kp scales by the same factor.
  const double ion = model.sc_ionisation_factor(p);
  const double ksc = model.k_sc(p.log_kow) * ion;
  const double dsc = kp_m_s * ion * model.sc_reference_thickness_m / ksc;
  const double dvt = model.d_free_m2_s(p.mw_da);
  const double kve = atlas.properties(Layer::ViableEpidermis).water_fraction;
  const double kde = atlas.properties(Layer::ReticularDermis).water_fraction;
  m.layers.push_back(
      {std::string(kStratumCorneum), stack.thickness_m(Layer::StratumCorneum), dsc, ksc, 0.0});
  m.layers.push_back(
      {std::string(kViableEpidermis), stack.thickness_m(Layer::ViableEpidermis), dvt, kve, 0.0});
  m.layers.push_back(
      {std::string(kDermis), stack.dermis_m(), dvt, kde, model.dermal_clearance_per_s(p.mw_da)});
  if (with_subcutis) {
    const double ksub = atlas.properties(Layer::Subcutis).water_fraction;
    m.layers.push_back({std::string(kSubcutis), stack.thickness_m(Layer::Subcutis), dvt,
                        ksub > 0 ? ksub : kde, 0.0});
  }
  m.perfect_sink = !with_subcutis;
  // mg/mL -> ug/m^3: x 1e3 ug/mg x 1e6 mL/m^3; uL/cm^2 -> m: x 1e-9 m^3 / 1e-4 m^2.
  m.donor.concentration = p.concentration_mg_per_ml * 1e9;
  m.donor.finite = !infinite_dose;
  m.donor.capacity = p.dose_ul_per_cm2 * 1e-5;
  return m;
}

double steady_permeability_m_s(const Medium& m) {
  double r = 0;
  for (const auto& l : m.layers)
    r += l.thickness_m / (l.diffusivity_m2_s * l.partition);
  return 1.0 / r;
}

}  // namespace mnsim::transport
