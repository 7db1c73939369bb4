#include "mnsim/pipeline/uncertainty.hpp"

#include <fmt/format.h>

#include <array>
#include <exception>

#include "mnsim/core/random.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/cheap_chain.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/puncture/uncertainty.hpp"

namespace mnsim::pipeline {

namespace {

constexpr std::array<double, 3> kQuantiles{0.10, 0.50, 0.90};

core::Interval interval_of(const std::vector<double>& v) {
  return {v[puncture::quantile_index(v, kQuantiles[0])],
          v[puncture::quantile_index(v, kQuantiles[1])],
          v[puncture::quantile_index(v, kQuantiles[2])]};
}

}  // namespace

Draw draw_of(const cases::Case& c, std::size_t zone, std::size_t k, const anatomy::Atlas& atlas,
             const puncture::MechanicsParams& base) {
  Draw d;
  d.input = pattern_input(c, zone, atlas);
  core::Rng person(c.info.seed, fmt::format("uncertainty.zone{}.person", zone), k);
  d.input.skin = atlas.sample(c.zones[zone].site, subject_of(c), person);
  core::Rng params(c.info.seed, "uncertainty.parameters", k);
  d.params = puncture::posterior_draw(base, params);
  return d;
}

response::InjuryDose draw_dose(const cases::Case& c, std::size_t zone, std::size_t k,
                               const anatomy::Atlas& atlas, const puncture::MechanicsParams& base) {
  Draw d = draw_of(c, zone, k, atlas, base);
  d.input.zone_area_m2 = cheap::kPatchAreaM2;
  return injury_dose(puncture::simulate(d.input, cheap::dose_params(d.params)), d.input.skin);
}

ZoneDraws sample_zone(const cases::Case& c, std::size_t zone, const anatomy::Atlas& atlas,
                      const puncture::MechanicsParams& base, int samples) {
  ZoneDraws out;
  const auto n = static_cast<std::size_t>(std::max(1, samples));
  out.depth_m.assign(n, 0.0);
  out.sc_breached_fraction.assign(n, 0.0);
  // Each draw has its own streams and slot: any thread count, the same result.
#pragma omp parallel for schedule(dynamic)
  for (std::size_t k = 0; k < n; ++k) {
    const Draw d = draw_of(c, zone, k, atlas, base);
    const auto e = puncture::expected_insertion(d.input, d.params);
    out.depth_m[k] = e.mean_depth_m;
    out.sc_breached_fraction[k] = e.sc_breached_fraction;
  }
  for (std::size_t q = 0; q < kQuantiles.size(); ++q)
    out.at_depth_quantile[q] = puncture::quantile_index(out.depth_m, kQuantiles[q]);
  const core::Interval d = interval_of(out.depth_m);
  out.real_depth_um = {units::to_um(d.p10), units::to_um(d.p50), units::to_um(d.p90)};
  out.sc_breached_fraction_interval = interval_of(out.sc_breached_fraction);
  return out;
}

Uncertainty uncertainty(const cases::Case& c, const anatomy::Atlas& atlas,
                        const UncertaintyStages& stages) {
  Uncertainty u;
  u.samples = c.simulation.samples;
  u.seed = c.info.seed;
  if (c.medium || c.zones.empty())
    return u;
  const auto& base = puncture::MechanicsParams::builtin();
  std::vector<ZoneDraws> draws;
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    draws.push_back(sample_zone(c, i, atlas, base, c.simulation.samples));
    u.zones.push_back({draws.back().real_depth_um, draws.back().sc_breached_fraction_interval,
                       std::nullopt, std::nullopt, std::nullopt});
  }
  if (stages.healing) {
    // Response and healing at every draw (a 1 cm^2 patch: densities and depth
    // distributions do not depend on the area): exact quantiles, no assumption.
    for (std::size_t i = 0; i < c.zones.size(); ++i) {
      const auto n = draws[i].depth_m.size();
      std::vector<double> downtime(n, 0.0);
      std::vector<double> collagen(n, 0.0);
#pragma omp parallel for schedule(dynamic)
      for (std::size_t k = 0; k < n; ++k) {
        const healing::Course course =
            course_of(c, draw_dose(c, i, k, atlas, base), std::nullopt, stages.hypotheses,
                      cheap::kStepsPerDay, cheap::kRelTol, i);
        downtime[k] = course.erythema_resolved_day;
        collagen[k] = course.collagen_rel_end;
      }
      u.zones[i].downtime_days = interval_of(downtime);
      u.zones[i].collagen_gain_rel = interval_of(collagen);
    }
  }
  if (stages.delivery && c.product.has_value()) {
    // Transport (the costliest stage) at the draws of the depth p10, p50 and
    // p90, in the run's own person: the depth's share of the spread, exact
    // where the delivered amount rises with depth (uncertainty_test.cpp).
    cases::Case product_only = c;
    product_only.procedure.anaesthetic.reset();  // the product's amount only
    // A 3D case reruns the axisymmetric cell (same channels, one per unit
    // cell): three more 3D solves would cost four times the run itself.
    if (product_only.simulation.fidelity == cases::Fidelity::ThreeD)
      product_only.simulation.fidelity = cases::Fidelity::Axisymmetric;
    std::vector<std::array<double, 3>> delivered(c.zones.size());
    // The three reruns are independent (1D and r-z solves are serial): one
    // per thread.
    std::array<std::exception_ptr, kQuantiles.size()> failed;
#pragma omp parallel for schedule(dynamic)
    for (std::size_t q = 0; q < kQuantiles.size(); ++q) {
      try {
        std::vector<transport::ZoneSkin> skins;
        for (std::size_t i = 0; i < c.zones.size(); ++i) {
          Draw d = draw_of(c, i, draws[i].at_depth_quantile[q], atlas, base);
          d.input.skin = pattern_input(c, i, atlas).skin;
          const puncture::ZonePattern pat = puncture::simulate(d.input, cheap::params(d.params));
          skins.push_back({d.input.skin, channel_spec(pat, puncture::closure_conditions(c, i)),
                           channel_layout(pat, units::from_um(c.simulation.dx_um))});
        }
        const auto cd = deliver_case(product_only, resolved_device(c), skins);
        for (std::size_t i = 0; i < c.zones.size(); ++i) {
          const auto& z = cd.zones[i];
          delivered[i][q] = z.delivery ? z.delivery->needled.past_sc_ug_per_cm2.back() : 0.0;
        }
      } catch (...) {
        failed[q] = std::current_exception();  // rethrown outside the parallel region
      }
    }
    for (const auto& e : failed) {
      if (e)
        std::rethrow_exception(e);
    }
    for (std::size_t i = 0; i < c.zones.size(); ++i)
      u.zones[i].delivered_past_sc_ug_per_cm2 = {delivered[i][0], delivered[i][1], delivered[i][2]};
  }
  return u;
}

}  // namespace mnsim::pipeline
