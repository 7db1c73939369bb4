#include "mnsim/transport/from_case.hpp"

#include <cmath>
#include <numbers>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/text.hpp"

namespace mnsim::transport {

namespace data = core::data;

AnaestheticModel AnaestheticModel::load(std::string_view path) {
  const toml::table root = data::parse(path);
  const data::Where w{std::string(path)};
  AnaestheticModel a;
  a.threshold_ug_per_ml = data::real(root, "threshold_ug_per_ml", w);
  if (!(a.threshold_ug_per_ml >= 0))
    w.fail("threshold_ug_per_ml", "must be >= 0");
  core::Bibliography::builtin().require({data::string(root, "source", w)}, w.text);
  a.calibration_site = data::string(root, "calibration_site", w);
  a.calibration_application_s = data::positive(root, "calibration_application_min", w) * 60;
  a.calibration_peak_s = data::positive(root, "calibration_peak_min", w) * 60;
  a.follow_after_removal_s = data::positive(root, "follow_after_removal_min", w) * 60;
  return a;
}

const AnaestheticModel& AnaestheticModel::builtin() {
  static const AnaestheticModel a = load("data/transport/anaesthetic.toml");
  return a;
}

Options options_from_case(const cases::Case& c) {
  Options o;
  switch (c.simulation.fidelity) {
    case cases::Fidelity::OneD:
      o.fidelity = Fidelity::OneD;
      break;
    case cases::Fidelity::Axisymmetric:
      o.fidelity = Fidelity::Axisymmetric;
      break;
    case cases::Fidelity::ThreeD:
      o.fidelity = Fidelity::ThreeD;
      break;
  }
  o.horizon_s = c.simulation.horizon_h * 3600.0;
  o.dx_m = c.simulation.dx_um * 1e-6;
  o.file = c.source;
  return o;
}

Medium medium_from_case(const cases::Medium& cm) {
  Medium m;
  for (const auto& l : cm.layers) {
    m.layers.push_back(
        {l.name, l.thickness_um * 1e-6, l.diffusivity_m2_s, l.partition, l.clearance_per_s});
  }
  m.donor.finite = cm.donor_kind == cases::DonorKind::Finite;
  m.donor.concentration = cm.donor_concentration_ug_per_ml * 1e6;
  m.donor.capacity = cm.donor_volume_ul_per_cm2 * 1e-5;
  m.perfect_sink = cm.sink_kind == cases::SinkKind::Perfect;
  return m;
}

ProductSpec product_from_case(const cases::Product& p, const std::string& file) {
  const auto& cat = ProductCatalogue::builtin();
  if (p.id) {
    const ProductSpec* s = cat.find(*p.id);
    if (s == nullptr) {
      const std::string guess = core::closest_match(*p.id, cat.ids());
      throw InputError(InputIssue{
          file, "product.id", "\"" + *p.id + "\"",
          guess.empty() ? "unknown product" : "unknown product; did you mean '" + guess + "'?"});
    }
    return *s;
  }
  ProductSpec s;
  s.id = "inline";
  s.name = "inline product";
  s.mw_da = p.mw_da.value_or(0);
  s.log_kow = p.log_kow.value_or(0);
  s.concentration_mg_per_ml = p.concentration_mg_per_ml.value_or(0);
  s.dose_ul_per_cm2 = p.dose_ul_per_cm2.value_or(0);
  s.diffusivity_water_m2_s = p.diffusivity_water_m2_s.value_or(0);
  return s;
}

double zone_depth_m(const cases::Case& c, const cases::Zone& z) {
  return (z.depth_mm ? *z.depth_mm : c.device.needle_length_mm) * 1e-3;
}

namespace {

// One product on one zone: needled (the puncture stage's channels) and intact.
Delivery deliver_zone(const cases::Case& c, const cases::Zone& z, const ZoneSkin& skin,
                      const anatomy::Atlas& atlas, const ProductSpec& p, Options o) {
  const auto& model = PropertyModel::builtin();
  if (p.anaesthetic) {
    o.numbing_threshold_ug_per_ml = AnaestheticModel::builtin().threshold_ug_per_ml;
    o.numbing_target_depth_m = zone_depth_m(c, z);
  }
  const Medium m = skin_medium(skin.stack, atlas, p, model, p.anaesthetic, false);
  if (o.fidelity == Fidelity::ThreeD && skin.layout) {
    return deliver(m, p, skin.channels, *skin.layout, o, model);
  }
  return deliver(m, p, skin.channels, o, model);
}

}  // namespace

nlohmann::json deliver_case(const cases::Case& c, const std::vector<ZoneSkin>& zones,
                            Delivery* first) {
  const auto& atlas = anatomy::Atlas::builtin();
  using nlohmann::json;
  json out;
  out["zones"] = json::array();
  const Options opt = options_from_case(c);
  if (c.medium) {
    const Medium m = medium_from_case(*c.medium);
    Delivery d;
    d.needled = run_medium(m, nullptr, 0.0, opt, &d.warnings);
    Medium inf = m;
    inf.perfect_sink = true;
    d.kp_intact_cm_h = steady_permeability_m_s(inf) * 100.0 * 3600.0;
    json z = to_json(d);
    z["site"] = "medium";
    z["indication"] = nullptr;
    out["zones"].push_back(std::move(z));
    if (first != nullptr)
      *first = std::move(d);
    return out;
  }
  if (!c.product && !c.procedure.anaesthetic) {
    throw InputError(InputIssue{c.source, "product", "",
                                "mnsim deliver needs a [product] (or procedure.anaesthetic) "
                                "or an explicit [medium]"});
  }
  MNSIM_ASSERT(zones.size() == c.zones.size(), "one ZoneSkin per zone");
  const auto& cat = ProductCatalogue::builtin();
  bool first_done = false;
  for (std::size_t zi = 0; zi < c.zones.size(); ++zi) {
    const auto& zone = c.zones[zi];
    const ZoneSkin& skin = zones[zi];
    json z;
    z["site"] = zone.site;
    z["indication"] = std::string(cases::to_string(zone.indication));
    bool product_numbs = false;
    if (c.product) {
      const ProductSpec p = product_from_case(*c.product, c.source);
      Delivery d = deliver_zone(c, zone, skin, atlas, p, opt);
      z.update(to_json(d));
      z["product"] = p.id;
      product_numbs = p.anaesthetic;
      if (first != nullptr && !first_done) {
        *first = std::move(d);
        first_done = true;
      }
    }
    if (c.procedure.anaesthetic && !product_numbs) {
      const ProductSpec* a = cat.find(c.procedure.anaesthetic->product);
      if (a == nullptr || !a->anaesthetic) {
        throw InputError(InputIssue{c.source, "procedure.anaesthetic.product",
                                    "\"" + c.procedure.anaesthetic->product + "\"",
                                    "not an anaesthetic of the product catalogue"});
      }
      Options o = opt;
      o.application_s = c.procedure.anaesthetic->minutes * 60.0;
      o.horizon_s = o.application_s + AnaestheticModel::builtin().follow_after_removal_s;
      o.steps = 0;
      const Delivery d = deliver_zone(c, zone, skin, atlas, *a, o);
      json an;
      an["product"] = a->id;
      an["minutes"] = c.procedure.anaesthetic->minutes;
      an["time_s"] = d.needled.time_s;
      const json dj = to_json(d);
      for (const char* k : {"numbing_depth_um", "numbing_onset_s", "numbing_depth_intact_um",
                            "numbing_onset_intact_s"}) {
        if (dj.contains(k))
          an[k] = dj[k];
      }
      z["anaesthetic"] = std::move(an);
    }
    out["zones"].push_back(std::move(z));
  }
  return out;
}

}  // namespace mnsim::transport

namespace mnsim::transport {

double numbing_peak_time_s(const ProductSpec& product, const std::string& site,
                           double application_s, double threshold_ug_per_ml,
                           double* peak_depth_um) {
  const auto& atlas = anatomy::Atlas::builtin();
  const auto stack = atlas.stack(site, anatomy::Subject{45, anatomy::Sex::Female, 3});
  const Medium m = skin_medium(stack, atlas, product, PropertyModel::builtin(), true, false);
  Options o;
  o.fidelity = Fidelity::OneD;
  o.dx_m = 5e-6;
  o.application_s = application_s;
  o.horizon_s = application_s + 3 * 3600.0;
  o.steps = static_cast<int>(o.horizon_s / 15.0);
  o.numbing_threshold_ug_per_ml = threshold_ug_per_ml;
  const Run r = run_medium(m, nullptr, 0.0, o);
  std::size_t k = 0;
  for (std::size_t i = 0; i < r.numbing_depth_um.size(); ++i) {
    if (r.numbing_depth_um[i] > r.numbing_depth_um[k])
      k = i;
  }
  if (peak_depth_um != nullptr)
    *peak_depth_um = r.numbing_depth_um[k];
  return r.time_s[k];
}

double fit_numbing_threshold(const ProductSpec& product, const std::string& site,
                             double application_s, double peak_s) {
  // A higher threshold makes the numbed region shallower and its peak earlier.
  double lo = -3;  // log10 ug/mL
  double hi = 5;
  for (int it = 0; it < 40; ++it) {
    const double mid = 0.5 * (lo + hi);
    const double t = numbing_peak_time_s(product, site, application_s, std::pow(10.0, mid));
    if (t > peak_s)
      lo = mid;
    else
      hi = mid;
    if (hi - lo < 1e-3)
      break;
  }
  return std::pow(10.0, 0.5 * (lo + hi));
}

}  // namespace mnsim::transport
