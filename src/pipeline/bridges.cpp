#include "mnsim/pipeline/bridges.hpp"

#include <cmath>

#include "mnsim/core/error.hpp"
#include "mnsim/core/random.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/device.hpp"

namespace mnsim::pipeline {

puncture::PatternInput pattern_input(const cases::Case& c, std::size_t zone_index,
                                     const anatomy::Atlas& atlas) {
  MNSIM_ASSERT(zone_index < c.zones.size(), "zone index out of range");
  const auto& zone = c.zones[zone_index];
  puncture::PatternInput in;
  in.device = resolved_device(c);
  in.condition = device::condition(in.device, device::Catalogue::builtin().wear());
  in.length_m = device::zone_length_m(in.device, zone);
  in.pressure_n = c.procedure.pressure_n;
  in.passes = c.procedure.passes;
  in.glide_speed_m_s = units::from_mm(c.procedure.glide_speed_mm_s);
  core::Rng person(c.info.seed, "puncture.person", zone_index);
  const anatomy::Subject subject{c.patient.age_years, c.patient.sex, c.patient.fitzpatrick};
  in.skin = atlas.sample(zone.site, subject, person);
  in.zone_area_m2 = puncture::zone_area_m2(zone.site);
  in.seed = c.info.seed;
  in.zone_index = zone_index;
  in.site = zone.site;
  in.indication = zone.indication;
  return in;
}

Punctured puncture_zone(const cases::Case& c, std::size_t zone, const anatomy::Atlas& atlas,
                        double area_m2) {
  puncture::PatternInput in = pattern_input(c, zone, atlas);
  if (area_m2 > 0)
    in.zone_area_m2 = area_m2;
  Punctured out{puncture::simulate(in, puncture::MechanicsParams::builtin()), in.skin};
  return out;
}

namespace {
double opening_radius_m(const puncture::ZonePattern& p) {
  return 0.5 * std::sqrt(p.opening_major_mean_m * p.opening_minor_mean_m);
}
}  // namespace

transport::ChannelSpec channel_spec(const puncture::ZonePattern& p,
                                    const puncture::ClosureConditions& closure) {
  transport::ChannelSpec s;
  s.density_per_m2 = p.punctures_per_cm2 * units::kPerCm2;
  s.depth_m = p.channels_total > 0 ? p.depth_m.mean : 0.0;
  s.surface_radius_m = opening_radius_m(p);
  s.closure = closure;
  return s;
}

std::optional<transport::ChannelLayout> channel_layout(const puncture::ZonePattern& p, double dx_m,
                                                       int channels_wanted, int max_columns) {
  const double density = p.punctures_per_cm2 * units::kPerCm2;
  if (!(density > 0) || p.patch_channels.empty())
    return std::nullopt;
  const double side = std::sqrt(channels_wanted / density);
  if (side > p.patch_side_m || side / dx_m > max_columns)
    return std::nullopt;
  const double x0 = 0.5 * (p.patch_side_m - side);
  transport::ChannelLayout layout;
  layout.cell_side_m = side;
  for (const auto& ch : p.patch_channels) {
    const double x = ch.x_m - x0;
    const double y = ch.y_m - x0;
    if (x < 0 || x >= side || y < 0 || y >= side)
      continue;
    layout.channels.push_back(
        {x, y, ch.depth_m, std::sqrt(ch.opening_major_radius_m * ch.opening_minor_radius_m)});
  }
  if (layout.channels.empty())
    return std::nullopt;
  return layout;
}

response::InjuryDose injury_dose(const puncture::ZonePattern& p, const anatomy::LayerStack& skin) {
  // Representative depths: each histogram bin's centre, repeated in
  // proportion to its count (at least once for a non-empty bin).
  constexpr double kSample = 2000;
  std::uint64_t total = 0;
  for (const auto n : p.depth_histogram)
    total += n;
  std::vector<double> depths_um;
  if (total > 0) {
    for (std::size_t k = 0; k < p.depth_histogram.size(); ++k) {
      const auto n = p.depth_histogram[k];
      if (n == 0)
        continue;
      const auto copies = static_cast<std::size_t>(
          std::max(1.0, std::round(kSample * static_cast<double>(n) / static_cast<double>(total))));
      depths_um.insert(depths_um.end(), copies,
                       units::to_um((static_cast<double>(k) + 0.5) * p.depth_bin_m));
    }
  }
  return response::injury_dose(depths_um, p.punctures_per_cm2, units::to_um(opening_radius_m(p)),
                               p.passes, skin);
}

response::InjuryDose session_dose(const cases::Case& c, std::size_t zone,
                                  const anatomy::Atlas& atlas, double area_m2) {
  const Punctured pz = puncture_zone(c, zone, atlas, area_m2);
  return injury_dose(pz.pattern, pz.skin);
}

healing::Protocol healing_protocol(const cases::Case& c, const anatomy::Atlas& atlas) {
  healing::Protocol p;
  p.subject = {c.patient.age_years, c.patient.sex, c.patient.fitzpatrick};
  p.dose = session_dose(c, 0, atlas);
  p.closure = puncture::closure_conditions(c, 0);
  p.sessions = c.course.sessions;
  p.interval_days = c.course.interval_days;
  return p;
}

std::vector<transport::ZoneSkin> zone_skins(const cases::Case& c, const anatomy::Atlas& atlas) {
  std::vector<transport::ZoneSkin> out;
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    Punctured p = puncture_zone(c, i, atlas);
    out.push_back({p.skin, channel_spec(p.pattern, puncture::closure_conditions(c, i)),
                   channel_layout(p.pattern, units::from_um(c.simulation.dx_um))});
  }
  return out;
}

}  // namespace mnsim::pipeline
