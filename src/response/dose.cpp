// The injury dose from channel depths (injury_dose).
#include <algorithm>
#include <cmath>
#include <numbers>

#include "../core/data_toml.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/response/response.hpp"

namespace mnsim::response {

namespace {

// Volume (µm³) of a cone (surface radius r, depth d) between depths a and b.
double cone_volume_between(double r, double d, double a, double b) {
  if (d <= 0 || r <= 0)
    return 0;
  const double lo = std::clamp(a, 0.0, d);
  const double hi = std::clamp(b, 0.0, d);
  if (hi <= lo)
    return 0;
  const double u = 1 - lo / d;
  const double v = 1 - hi / d;
  return std::numbers::pi * r * r * d / 3.0 * (u * u * u - v * v * v);
}

}  // namespace

InjuryDose injury_dose(std::span<const double> depths_um, double channels_per_cm2,
                       double surface_radius_um, int passes, const anatomy::LayerStack& stack) {
  std::vector<InputIssue> issues;
  auto bad = [&](const char* field, double v, const char* problem) {
    issues.push_back({"<injury dose>", field, std::to_string(v), problem});
  };
  if (!(channels_per_cm2 >= 0) || !std::isfinite(channels_per_cm2))
    bad("channels_per_cm2", channels_per_cm2, "must be a finite number >= 0");
  if (!(surface_radius_um >= 0) || !std::isfinite(surface_radius_um))
    bad("surface_radius_um", surface_radius_um, "must be a finite number >= 0");
  if (passes < 0)
    bad("passes", passes, "must be >= 0");
  for (const double d : depths_um) {
    if (!(d >= 0) || !std::isfinite(d)) {
      bad("depths_um", d, "every depth must be a finite number >= 0");
      break;
    }
  }
  if (!issues.empty())
    throw InputError(std::move(issues));

  InjuryDose dose;
  dose.channels_per_cm2 = channels_per_cm2;
  dose.surface_radius_um = surface_radius_um;
  dose.passes = passes;
  for (std::size_t i = 0; i < anatomy::kLayerCount; ++i)
    dose.layer_thickness_um[i] = units::to_um(stack.layers[i].thickness_m);
  if (depths_um.empty() || channels_per_cm2 == 0)
    return dose;

  std::vector<double> sorted(depths_um.begin(), depths_um.end());
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (const double d : sorted)
    sum += d;
  const auto n = static_cast<double>(sorted.size());
  dose.depth_mean_um = sum / n;
  // p90 by linear interpolation between order statistics.
  const double pos = 0.9 * (n - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  dose.depth_p90_um = sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);

  const double papillary_top_um = units::to_um(stack.slab(anatomy::Layer::PapillaryDermis).top_m);
  double reaching = 0;
  const double per_um2 = channels_per_cm2 * 1e-8;
  for (std::size_t i = 0; i < anatomy::kLayerCount; ++i) {
    const double top = units::to_um(stack.layers[i].top_m);
    const double thick = dose.layer_thickness_um[i];
    if (thick <= 0)
      continue;
    double mean_volume = 0;
    for (const double d : sorted)
      mean_volume += cone_volume_between(surface_radius_um, d, top, top + thick);
    mean_volume /= n;
    // Expected wounded volume per volume, overlaps counted once (Poisson).
    dose.wounded_volume_fraction[i] = 1.0 - std::exp(-per_um2 * mean_volume / thick);
  }
  for (const double d : sorted)
    reaching += d > papillary_top_um ? 1.0 : 0.0;
  dose.fraction_reaching_papillary = reaching / n;
  return dose;
}

}  // namespace mnsim::response
