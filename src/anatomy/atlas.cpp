#include "mnsim/anatomy/atlas.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../core/data_toml.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"

namespace mnsim::anatomy {

namespace data = core::data;

std::string_view layer_id(Layer layer) {
  switch (layer) {
    case Layer::StratumCorneum:
      return "stratum_corneum";
    case Layer::ViableEpidermis:
      return "viable_epidermis";
    case Layer::PapillaryDermis:
      return "papillary_dermis";
    case Layer::ReticularDermis:
      return "reticular_dermis";
    case Layer::Subcutis:
      return "subcutis";
  }
  return "?";
}

std::vector<std::string> SiteRecord::sources() const {
  std::vector<std::string> out;
  for (const auto* list : {&epidermis_source, &stratum_corneum_source, &dermis_source,
                           &papillary_source, &subcutis_source}) {
    for (const auto& s : *list) {
      if (std::find(out.begin(), out.end(), s) == out.end())
        out.push_back(s);
    }
  }
  return out;
}

namespace {
double age_factor(double beta, double age_years, const AgingModel& m) {
  const double a = std::max(age_years, m.adult_from_years);
  return std::max(AgingModel::kMinFactor, 1.0 + beta * (a - m.reference_age_years));
}

BySex by_sex(const toml::table& t, std::string_view key, const data::Where& w) {
  const auto& sub = data::table(t, key, w);
  const data::Where ws{w.text + ": " + std::string(key)};
  return BySex{data::real(sub, "female", ws), data::real(sub, "male", ws)};
}

BySex positive_by_sex(const toml::table& t, std::string_view key, const data::Where& w) {
  const BySex v = by_sex(t, key, w);
  if (!(v.female > 0 && v.male > 0))
    w.fail(key, "female and male must both be > 0");
  return v;
}
}  // namespace

double AgingModel::dermis_factor(Sex sex, double age_years) const {
  return age_factor(dermis_per_year.of(sex), age_years, *this);
}

double AgingModel::epidermis_factor(Sex sex, double age_years) const {
  return age_factor(epidermis_per_year.of(sex), age_years, *this);
}

double LayerStack::epidermis_m() const {
  return thickness_m(Layer::StratumCorneum) + thickness_m(Layer::ViableEpidermis);
}
double LayerStack::dermis_m() const {
  return thickness_m(Layer::PapillaryDermis) + thickness_m(Layer::ReticularDermis);
}
double LayerStack::total_m() const {
  return layers.back().bottom_m();
}

Layer LayerStack::layer_at(double depth_m) const {
  for (const auto& s : layers) {
    if (depth_m < s.bottom_m())
      return s.layer;
  }
  return Layer::Subcutis;
}

Atlas Atlas::load(std::string_view sites_path, std::string_view aging_path,
                  std::string_view layers_path) {
  const auto& bib = core::Bibliography::builtin();
  Atlas atlas;

  // --- sites ---
  const toml::table sites_root = data::parse(sites_path);
  for (const auto& node : data::array_of_tables(sites_root, "site", {std::string(sites_path)})) {
    const auto& t = *node.as_table();
    SiteRecord r;
    r.id = data::string(t, "id", {std::string(sites_path) + ": a [[site]]"});
    const data::Where w{std::string(sites_path) + ": site '" + r.id + "'"};
    r.name = data::string(t, "name", w);
    r.region = data::string(t, "region", w);
    if (r.region != "face" && r.region != "neck" && r.region != "body") {
      w.fail("region", "must be face, neck or body");
    }
    r.sensitive = data::boolean(t, "sensitive", w);
    r.epidermis_um = positive_by_sex(t, "epidermis_um", w);
    r.epidermis_cv = data::positive(t, "epidermis_cv", w);
    r.stratum_corneum_um = data::positive(t, "stratum_corneum_um", w);
    r.dermis_um = positive_by_sex(t, "dermis_um", w);
    r.dermis_sd_um = positive_by_sex(t, "dermis_sd_um", w);
    r.papillary_dermis_um = data::positive(t, "papillary_dermis_um", w);
    r.subcutis_um = data::positive(t, "subcutis_um", w);
    r.epidermis_source = data::strings(t, "epidermis_source", w);
    r.stratum_corneum_source = data::strings(t, "stratum_corneum_source", w);
    r.dermis_source = data::strings(t, "dermis_source", w);
    r.papillary_source = data::strings(t, "papillary_source", w);
    r.subcutis_source = data::strings(t, "subcutis_source", w);
    r.derivation = data::string(t, "derivation", w);
    for (const Sex sex : {Sex::Female, Sex::Male}) {
      if (r.stratum_corneum_um * 2 > r.epidermis_um.of(sex)) {
        w.fail("stratum_corneum_um", "must be at most half the epidermis");
      }
      if (r.papillary_dermis_um >= r.dermis_um.of(sex)) {
        w.fail("papillary_dermis_um", "must be thinner than the dermis");
      }
    }
    for (const auto* list : {&r.epidermis_source, &r.stratum_corneum_source, &r.dermis_source,
                             &r.papillary_source, &r.subcutis_source}) {
      if (list->empty())
        w.fail("*_source", "every layer needs at least one source id");
    }
    bib.require(r.sources(), w.text);
    if (atlas.find(r.id) != nullptr)
      w.fail("id", "duplicate site id");
    atlas.sites_.push_back(std::move(r));
  }

  // --- aging ---
  const toml::table aging = data::parse(aging_path);
  const data::Where wa{std::string(aging_path)};
  atlas.aging_.reference_age_years = data::positive(aging, "reference_age_years", wa);
  atlas.aging_.adult_from_years = data::positive(aging, "adult_from_years", wa);
  bib.require(data::strings(aging, "reference_age_source", wa), wa.text);
  bib.require(data::strings(aging, "adult_from_source", wa), wa.text);
  for (const char* group : {"dermis", "epidermis"}) {
    const auto& g = data::table(aging, group, wa);
    const data::Where wg{wa.text + ": [" + group + "]"};
    const BySex beta = by_sex(g, "per_year", wg);
    for (const double b : {beta.female, beta.male}) {
      if (std::abs(b) > 0.05)
        wg.fail("per_year", "more than 5 % per year is not plausible");
    }
    bib.require(data::strings(g, "source", wg), wg.text);
    (std::string_view(group) == "dermis" ? atlas.aging_.dermis_per_year
                                         : atlas.aging_.epidermis_per_year) = beta;
  }

  // --- layer properties ---
  const toml::table layers = data::parse(layers_path);
  std::array<bool, kLayerCount> seen{};
  for (const auto& node : data::array_of_tables(layers, "layer", {std::string(layers_path)})) {
    const auto& t = *node.as_table();
    const std::string id = data::string(t, "id", {std::string(layers_path) + ": a [[layer]]"});
    const data::Where w{std::string(layers_path) + ": layer '" + id + "'"};
    const auto it = std::find_if(kAllLayers.begin(), kAllLayers.end(),
                                 [&](Layer l) { return layer_id(l) == id; });
    if (it == kAllLayers.end())
      w.fail("id", "not a layer of the atlas");
    const auto idx = static_cast<std::size_t>(*it);
    if (seen[idx])
      w.fail("id", "duplicate layer");
    seen[idx] = true;
    LayerProperties p;
    p.layer = *it;
    p.youngs_modulus_pa = data::positive(t, "youngs_modulus_pa", w);
    p.loading_mode = data::string(t, "loading_mode", w);
    p.water_fraction = data::positive(t, "water_fraction", w);
    if (p.water_fraction >= 1)
      w.fail("water_fraction", "must be below 1");
    p.sources = data::strings(t, "modulus_source", w);
    for (auto& s : data::strings(t, "water_source", w)) {
      if (std::find(p.sources.begin(), p.sources.end(), s) == p.sources.end()) {
        p.sources.push_back(std::move(s));
      }
    }
    bib.require(p.sources, w.text);
    atlas.properties_[idx] = p;
  }
  for (std::size_t i = 0; i < kLayerCount; ++i) {
    if (!seen[i]) {
      throw DataError(std::string(layers_path) + ": layer '" +
                      std::string(layer_id(kAllLayers[i])) + "' is missing");
    }
  }
  return atlas;
}

const Atlas& Atlas::builtin() {
  static const Atlas atlas =
      load("data/anatomy/sites.toml", "data/anatomy/aging.toml", "data/anatomy/layers.toml");
  return atlas;
}

const SiteRecord* Atlas::find(std::string_view id) const {
  for (const auto& s : sites_) {
    if (s.id == id)
      return &s;
  }
  return nullptr;
}

const SiteRecord& Atlas::at(std::string_view id) const {
  if (const auto* s = find(id))
    return *s;
  throw std::out_of_range("no atlas site '" + std::string(id) + "'");
}

std::vector<std::string> Atlas::site_ids() const {
  std::vector<std::string> ids;
  ids.reserve(sites_.size());
  for (const auto& s : sites_)
    ids.push_back(s.id);
  return ids;
}

LayerStack Atlas::assemble(const SiteRecord& rec, Sex sex, double sc_um, double epidermis_um,
                           double dermis_um) const {
  // The papillary dermis keeps its share of the dermis (docs/models/anatomy.md).
  const double pap_um = rec.papillary_dermis_um * dermis_um / rec.dermis_um.of(sex);
  const std::array<double, kLayerCount> thickness_um = {sc_um, epidermis_um - sc_um, pap_um,
                                                        dermis_um - pap_um, rec.subcutis_um};
  LayerStack st;
  st.site = rec.id;
  st.sensitive = rec.sensitive;
  double top = 0;
  for (std::size_t i = 0; i < kLayerCount; ++i) {
    if (!(thickness_um[i] > 0) || !std::isfinite(thickness_um[i])) {
      throw NumericalError("anatomy: site '" + rec.id + "': layer " +
                           std::string(layer_id(kAllLayers[i])) + " has non-positive thickness");
    }
    const auto& p = properties_[i];
    st.layers[i] = LayerSlab{kAllLayers[i], top, units::from_um(thickness_um[i]),
                             p.youngs_modulus_pa, p.water_fraction};
    top += st.layers[i].thickness_m;
  }
  return st;
}

LayerStack Atlas::stack(std::string_view site, const Subject& subject) const {
  const SiteRecord& rec = at(site);
  const Sex sex = subject.sex;
  // The stratum corneum is not age-adjusted (Lock-Andersen 1997; Egawa 2007);
  // the viable epidermis takes the whole age change.
  const double sc = rec.stratum_corneum_um;
  const double epi =
      sc + (rec.epidermis_um.of(sex) - sc) * aging_.epidermis_factor(sex, subject.age_years);
  const double der = rec.dermis_um.of(sex) * aging_.dermis_factor(sex, subject.age_years);
  return assemble(rec, sex, sc, epi, der);
}

std::pair<double, double> Atlas::dermis_range_um(std::string_view site, const Subject& subject,
                                                 double coverage) const {
  const SiteRecord& rec = at(site);
  const double mean = units::to_um(stack(site, subject).dermis_m());
  const double cv = rec.dermis_sd_um.of(subject.sex) / rec.dermis_um.of(subject.sex);
  const double sigma = std::sqrt(std::log1p(cv * cv));
  const double mu = std::log(mean) - 0.5 * sigma * sigma;
  // Standard normal quantile by bisection on erfc: coverage is a user choice,
  // so no table of z values.
  const double p_hi = 0.5 + 0.5 * coverage;
  double lo = 0, hi = 10;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p_hi ? lo : hi) = mid;
  }
  const double z = 0.5 * (lo + hi);
  return {std::exp(mu - sigma * z), std::exp(mu + sigma * z)};
}

LayerStack Atlas::sample(std::string_view site, const Subject& subject, core::Rng& rng) const {
  // The numbers in the order core::Rng::lognormal_mean_cv drew them (none for
  // a group without spread), so the draws are those of before person().
  const SiteRecord& rec = at(site);
  const double der_cv = rec.dermis_sd_um.of(subject.sex) / rec.dermis_um.of(subject.sex);
  const double z_epi = rec.epidermis_cv > 0.0 ? rng.normal() : 0.0;
  const double z_der = der_cv > 0.0 ? rng.normal() : 0.0;
  return person(site, subject, z_epi, z_der);
}

LayerStack Atlas::person(std::string_view site, const Subject& subject, double epidermis_z,
                         double dermis_z) const {
  const LayerStack mean = stack(site, subject);
  const SiteRecord& rec = at(site);
  const Sex sex = subject.sex;
  const double der_cv = rec.dermis_sd_um.of(sex) / rec.dermis_um.of(sex);
  // One factor per layer group: the whole epidermis (stratum corneum included)
  // and the whole dermis scale together; log-normal with mean 1 (as
  // core::Rng::lognormal_mean_cv).
  auto factor = [](double cv, double z) {
    if (cv <= 0.0)
      return 1.0;
    const double sigma2 = std::log1p(cv * cv);
    return std::exp(-0.5 * sigma2 + std::sqrt(sigma2) * z);
  };
  const double f_epi = factor(rec.epidermis_cv, epidermis_z);
  const double f_der = factor(der_cv, dermis_z);
  return assemble(rec, sex, units::to_um(f_epi * mean.thickness_m(Layer::StratumCorneum)),
                  units::to_um(f_epi * mean.epidermis_m()), units::to_um(f_der * mean.dermis_m()));
}

}  // namespace mnsim::anatomy
