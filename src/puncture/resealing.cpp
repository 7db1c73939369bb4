#include "mnsim/puncture/resealing.hpp"

#include <algorithm>
#include <cmath>

#include "../core/data_toml.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/device/device.hpp"

namespace mnsim::puncture {

namespace data = core::data;

ClosureConditions closure_conditions(const cases::Case& c, std::size_t zone) {
  MNSIM_ASSERT(zone < c.zones.size(), "zone index out of range");
  const auto dev = device::resolve(c.device, device::Catalogue::builtin());
  ClosureConditions k;
  k.needle_length_m = device::zone_length_m(dev, c.zones[zone]);
  k.occluded = c.procedure.occluded;
  k.age_years = c.patient.age_years;
  k.site = c.zones[zone].site;
  return k;
}

ResealingLaw ResealingLaw::load(std::string_view path) {
  const toml::table root = data::parse(path);
  const data::Where w{std::string(path)};
  const auto& bib = core::Bibliography::builtin();
  ResealingLaw r;
  const auto& ref = data::table(root, "reference", w);
  r.unoccluded_reseal_s = data::positive(ref, "unoccluded_reseal_h", w) * units::kHour;
  bib.require({data::string(ref, "source", w)}, w.text);
  r.reference_length_m = data::positive(ref, "length_um", w) * units::kUm;
  r.reference_site = data::string(ref, "site", w);
  r.young_age_years = data::positive(ref, "age_years", w);
  const auto& len = data::table(root, "length", w);
  r.length_exponent = data::real(len, "exponent", w);
  bib.require({data::string(len, "source", w)}, w.text);
  const auto& occ = data::table(root, "occlusion", w);
  r.occlusion_factor = data::positive(occ, "factor", w);
  bib.require({data::string(occ, "source", w)}, w.text);
  const auto& age = data::table(root, "age", w);
  r.aged_age_years = data::positive(age, "aged_age_years", w);
  r.aged_factor = data::positive(age, "aged_factor", w);
  bib.require(data::strings(age, "source", w), w.text);
  if (!(r.aged_age_years > r.young_age_years))
    w.fail("age.aged_age_years", "must exceed reference.age_years");
  for (const auto& node : data::array_of_tables(root, "site", w)) {
    const auto& t = *node.as_table();
    SiteFactor s{data::string(t, "site", w), data::positive(t, "factor", w)};
    bib.require({data::string(t, "source", w)}, w.text);
    r.site_factors.push_back(std::move(s));
  }
  r.residual_fraction = data::positive(root, "residual_fraction", w);
  if (r.residual_fraction >= 1)
    w.fail("residual_fraction", "must be < 1");
  return r;
}

const ResealingLaw& ResealingLaw::builtin() {
  static const ResealingLaw r = load("data/puncture/resealing.toml");
  return r;
}

double ResealingLaw::age_factor(double age_years) const {
  const double x =
      std::clamp((age_years - young_age_years) / (aged_age_years - young_age_years), 0.0, 1.0);
  return std::pow(aged_factor, x);
}

double ResealingLaw::site_factor(std::string_view site) const {
  for (const auto& s : site_factors) {
    if (s.site == site)
      return s.factor;
  }
  return 1.0;
}

double ResealingLaw::reseal_time_s(const ClosureConditions& c) const {
  const double l = std::max(c.needle_length_m, 1 * units::kUm);
  return unoccluded_reseal_s * std::pow(l / reference_length_m, length_exponent) *
         (c.occluded ? occlusion_factor : 1.0) * age_factor(c.age_years) * site_factor(c.site);
}

double ResealingLaw::closure_rate_per_s(const ClosureConditions& c) const {
  return std::log(1.0 / residual_fraction) / reseal_time_s(c);
}

double ResealingLaw::open_fraction(double t_s, double reseal_s) const {
  const double tau = reseal_s / std::log(1.0 / residual_fraction);
  return std::exp(-std::max(t_s, 0.0) / tau);
}

}  // namespace mnsim::puncture
