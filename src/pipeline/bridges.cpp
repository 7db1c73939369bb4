#include "mnsim/pipeline/bridges.hpp"

#include <cmath>

namespace mnsim::pipeline {

Punctured puncture_zone(const cases::Case& c, std::size_t zone, const anatomy::Atlas& atlas,
                        double area_m2) {
  puncture::PatternInput in = puncture::zone_input(c, zone, atlas);
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

transport::ChannelSpec channel_spec(const puncture::ZonePattern& p, bool occluded) {
  transport::ChannelSpec s;
  s.density_per_m2 = p.punctures_per_cm2 * 1e4;
  s.depth_m = p.channels_total > 0 ? p.depth_m.mean : 0.0;
  s.surface_radius_m = opening_radius_m(p);
  s.needle_length_m = p.length_m;
  s.occluded = occluded;
  return s;
}

std::optional<transport::ChannelLayout> channel_layout(const puncture::ZonePattern& p, double dx_m,
                                                       int channels_wanted, int max_columns) {
  const double density = p.punctures_per_cm2 * 1e4;
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
                       (static_cast<double>(k) + 0.5) * p.depth_bin_m * 1e6);
    }
  }
  return response::injury_dose(depths_um, p.punctures_per_cm2, opening_radius_m(p) * 1e6, p.passes,
                               skin);
}

response::InjuryDose session_dose(const cases::Case& c, std::size_t zone,
                                  const anatomy::Atlas& atlas, double area_m2) {
  const Punctured pz = puncture_zone(c, zone, atlas, area_m2);
  return injury_dose(pz.pattern, pz.skin);
}

std::vector<healing::Observation> load_observations_with_doses(const anatomy::Atlas& atlas) {
  auto obs = healing::load_observations();
  for (auto& o : obs) {
    if (o.protocol)
      o.dose = session_dose(*o.protocol, 0, atlas);
  }
  return obs;
}

std::vector<transport::ZoneSkin> zone_skins(const cases::Case& c, const anatomy::Atlas& atlas) {
  std::vector<transport::ZoneSkin> out;
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    Punctured p = puncture_zone(c, i, atlas);
    out.push_back({p.skin, channel_spec(p.pattern, c.procedure.occluded),
                   channel_layout(p.pattern, c.simulation.dx_um * 1e-6)});
  }
  return out;
}

}  // namespace mnsim::pipeline
