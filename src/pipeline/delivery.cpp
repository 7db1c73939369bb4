#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/transport_input.hpp"

namespace mnsim::pipeline {

namespace {}  // namespace

transport::Options transport_options(const cases::Case& c) {
  transport::Options o;
  switch (c.simulation.fidelity) {
    case cases::Fidelity::OneD:
      o.fidelity = transport::Fidelity::OneD;
      break;
    case cases::Fidelity::Axisymmetric:
      o.fidelity = transport::Fidelity::Axisymmetric;
      break;
    case cases::Fidelity::ThreeD:
      o.fidelity = transport::Fidelity::ThreeD;
      break;
  }
  o.horizon_s = units::from_hours(c.simulation.horizon_h);
  o.dx_m = units::from_um(c.simulation.dx_um);
  o.memory_limit_bytes = c.simulation.max_memory_mb * units::kBytesPerMb;
  o.file = c.source;
  return o;
}

namespace {

// The medium's internal units: concentrations in ug per m^3 and donor
// capacities in m^3 per m^2. Exact decimal factors (units::kUgPerMl and
// units::kUlPerCm2 are products of rounded factors and differ in the last bit).
constexpr double kUgPerMlInUgPerM3 = 1e6;  // 1 mL = 1e-6 m^3
constexpr double kUlPerCm2InM = 1e-5;      // 1 uL/cm^2 = 1e-9 m^3 / 1e-4 m^2

}  // namespace

transport::Medium transport_medium(const cases::Medium& cm) {
  transport::Medium m;
  for (const auto& l : cm.layers) {
    m.layers.push_back({l.name, units::from_um(l.thickness_um), l.diffusivity_m2_s, l.partition,
                        l.clearance_per_s});
  }
  m.donor.finite = cm.donor_kind == cases::DonorKind::Finite;
  m.donor.concentration = cm.donor_concentration_ug_per_ml * kUgPerMlInUgPerM3;
  m.donor.capacity = cm.donor_volume_ul_per_cm2 * kUlPerCm2InM;
  m.perfect_sink = cm.sink_kind == cases::SinkKind::Perfect;
  return m;
}

transport::ProductSpec transport_product(const cases::Product& p, const std::string& file) {
  const auto& cat = transport::ProductCatalogue::builtin();
  if (p.id) {
    const transport::ProductSpec* s = cat.find(*p.id);
    if (s == nullptr) {
      const std::string guess = core::closest_match(*p.id, cat.ids());
      throw InputError(InputIssue{
          file, "product.id", "\"" + *p.id + "\"",
          guess.empty() ? "unknown product" : "unknown product; did you mean '" + guess + "'?"});
    }
    return *s;
  }
  transport::ProductSpec s;
  s.id = "inline";
  s.name = "inline product";
  s.mw_da = p.mw_da.value_or(0);
  s.log_kow = p.log_kow.value_or(0);
  s.concentration_mg_per_ml = p.concentration_mg_per_ml.value_or(0);
  s.dose_ul_per_cm2 = p.dose_ul_per_cm2.value_or(0);
  s.diffusivity_water_m2_s = p.diffusivity_water_m2_s.value_or(0);
  s.pka_acid = p.pka_acid;
  s.pka_base = p.pka_base;
  s.formulation_ph = p.formulation_ph.value_or(7.0);
  return s;
}

namespace {

const transport::ProductSpec& anaesthetic_product(const cases::Case& c) {
  const auto* a = transport::ProductCatalogue::builtin().find(c.procedure.anaesthetic->product);
  if (a == nullptr || !a->anaesthetic) {
    throw InputError(InputIssue{c.source, "procedure.anaesthetic.product",
                                "\"" + c.procedure.anaesthetic->product + "\"",
                                "not an anaesthetic of the product catalogue"});
  }
  return *a;
}

}  // namespace

transport::CaseDelivery deliver_case(const cases::Case& c, const device::Device& device,
                                     const std::vector<transport::ZoneSkin>& zones,
                                     const DeliveryProgress& progress) {
  transport::CaseDelivery out;
  transport::Options opt = transport_options(c);
  if (c.medium) {
    if (progress)
      opt.progress = [&](double t, double h) { progress(0, 1, "medium", t, h); };
    out.zones.push_back(transport::deliver_medium(transport_medium(*c.medium), opt));
    return out;
  }
  if (!c.product && !c.procedure.anaesthetic) {
    throw InputError(InputIssue{c.source, "product", "",
                                "mnsim deliver needs a [product] (or procedure.anaesthetic) "
                                "or an explicit [medium]"});
  }
  MNSIM_ASSERT(zones.size() == c.zones.size(), "one ZoneSkin per zone");
  for (std::size_t zi = 0; zi < c.zones.size(); ++zi) {
    const auto& zone = c.zones[zi];
    if (progress) {
      opt.progress = [&progress, zi, n = c.zones.size(), site = zone.site](double t, double h) {
        progress(zi, n, site, t, h);
      };
    }
    const double needling_depth_m = device::zone_length_m(device, zone);
    transport::ZoneDelivery z;
    z.site = zone.site;
    z.indication = std::string(cases::to_string(zone.indication));
    bool product_numbs = false;
    if (c.product) {
      const transport::ProductSpec p = transport_product(*c.product, c.source);
      z.delivery = transport::deliver_zone(zones[zi], p, opt, needling_depth_m);
      z.product = p.id;
      product_numbs = p.anaesthetic;
    }
    if (c.procedure.anaesthetic && !product_numbs) {
      z.anaesthetic =
          transport::deliver_anaesthetic(zones[zi], anaesthetic_product(c),
                                         c.procedure.anaesthetic->minutes, opt, needling_depth_m);
    }
    out.zones.push_back(std::move(z));
  }
  return out;
}

std::vector<ZonePlan> plan_case(const cases::Case& c, const device::Device& /*device*/,
                                const std::vector<transport::ZoneSkin>& zones) {
  std::vector<ZonePlan> out;
  const transport::Options opt = transport_options(c);
  if (c.medium) {
    out.push_back(
        {"medium", "medium", transport::plan_medium_run(transport_medium(*c.medium), opt)});
    return out;
  }
  if (!c.product && !c.procedure.anaesthetic) {
    throw InputError(InputIssue{c.source, "product", "",
                                "mnsim deliver needs a [product] (or procedure.anaesthetic) "
                                "or an explicit [medium]"});
  }
  MNSIM_ASSERT(zones.size() == c.zones.size(), "one ZoneSkin per zone");
  for (std::size_t zi = 0; zi < c.zones.size(); ++zi) {
    bool product_numbs = false;
    if (c.product) {
      const transport::ProductSpec p = transport_product(*c.product, c.source);
      out.push_back({c.zones[zi].site, p.id, transport::plan_zone(zones[zi], p, opt)});
      product_numbs = p.anaesthetic;
    }
    if (c.procedure.anaesthetic && !product_numbs) {
      const auto& a = anaesthetic_product(c);
      out.push_back(
          {c.zones[zi].site, "anaesthetic " + a.id,
           transport::plan_anaesthetic(zones[zi], a, c.procedure.anaesthetic->minutes, opt)});
    }
  }
  return out;
}

}  // namespace mnsim::pipeline
