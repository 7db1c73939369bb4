#include "mnsim/puncture/human_data.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/device/device.hpp"

namespace mnsim::puncture {

namespace {

using units::kMm;
using units::kUm;

bool is_human_quantity(std::string_view q) {
  return q == "array_depth_um" || q == "array_breach_fraction" ||
         q == "single_needle_puncture_depth_um" || q == "pen_depth_ratio" || q == "pen_depth_slope";
}

const device::Device& pen_model(const std::string& model, const core::data::Where& w) {
  const auto* d = device::Catalogue::builtin().find(model);
  if (d == nullptr)
    w.fail("model", fmt::format("'{}' is not in data/devices.toml", model));
  if (d->kind != cases::DeviceKind::Pen)
    w.fail("model", fmt::format("'{}' is not a pen", model));
  return *d;
}

// Skin of the row's site and subject, in or ex vivo, at the row's speed.
SkinMechanics skin_of(const HumanDatum& d, const anatomy::Atlas& atlas, const MechanicsParams& p) {
  const auto stack = atlas.stack(d.site, d.subject);
  return skin_mechanics(stack, d.needle.base_radius_m, d.in_vivo, d.speed_m_s, p);
}

// Pen: the mean needle driven to the setting.
double pen_depth_m(const HumanDatum& d, double setting_m, const MechanicsParams& p,
                   const anatomy::Atlas& atlas) {
  const auto& dev = *device::Catalogue::builtin().find(d.model);
  const Needle n = Needle::of(dev, setting_m, dev.tip_radius_m);
  const auto stack = atlas.stack(d.site, d.subject);
  const SkinMechanics skin =
      skin_mechanics(stack, n.base_radius_m, d.in_vivo, needle_speed_m_s(dev, setting_m, p), p);
  return InsertionModel(n, skin, p).at_travel(setting_m).depth_m;
}

// Standard normal quantile (Newton on the normal CDF; |error| < 1e-12 for q in (1e-6, 1 - 1e-6)).
double probit(double q) {
  double x = 0;
  for (int it = 0; it < 50; ++it) {
    const double cdf = 0.5 * std::erfc(-x / std::numbers::sqrt2);
    const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi);
    const double step = (cdf - q) / pdf;
    x -= step;
    if (std::abs(step) < 1e-14)
      break;
  }
  return x;
}

}  // namespace

std::vector<HumanDatum> load_human_data(std::string_view path, const anatomy::Atlas& atlas) {
  namespace data = core::data;
  const std::string file(path);
  const toml::table root = data::parse(path);
  std::vector<HumanDatum> out;
  for (const auto& node : data::array_of_tables(root, "row", {file})) {
    const auto& t = *node.as_table();
    const std::string quantity = data::string(t, "quantity", {file + ": [[row]]"});
    if (!is_human_quantity(quantity))
      continue;
    HumanDatum d;
    d.id = data::string(t, "id", {file + ": [[row]]"});
    const data::Where w{fmt::format("{}: row '{}'", file, d.id)};
    d.quantity = quantity;
    d.source = data::string(t, "source", w);
    core::Bibliography::builtin().require({d.source}, w.text);
    d.observed = data::real(t, "observed", w);
    d.tolerance = data::positive(t, "tolerance", w);
    d.used_for_fitting = data::boolean(t, "used_for_fitting", w);
    d.in_vivo = data::boolean(t, "in_vivo", w);
    d.site = data::string(t, "site", w);
    if (atlas.find(d.site) == nullptr)
      w.fail("site", fmt::format("'{}' is not an atlas site", d.site));
    d.subject.age_years = data::positive(t, "age_years", w);
    const std::string sex = data::string(t, "sex", w);
    if (sex != "female" && sex != "male")
      w.fail("sex", "must be female or male");
    d.subject.sex = sex == "male" ? anatomy::Sex::Male : anatomy::Sex::Female;
    const char* vivo = d.in_vivo ? "in vivo" : "ex vivo";
    if (quantity == "pen_depth_ratio" || quantity == "pen_depth_slope") {
      d.model = data::string(t, "model", w);
      const auto& dev = pen_model(d.model, w);
      d.setting_m = data::positive(t, "depth_mm", w) * kMm;
      d.needle = Needle::of(dev, d.setting_m, dev.tip_radius_m);
      if (quantity == "pen_depth_slope") {
        d.setting_high_m = data::positive(t, "depth_high_mm", w) * kMm;
        if (d.setting_high_m <= d.setting_m)
          w.fail("depth_high_mm", "must exceed depth_mm");
      }
      d.condition = fmt::format("{} at {:.2g} mm, {} {}", d.model, d.setting_m / kMm, d.site, vivo);
    } else {
      d.needle.length_m = d.needle.cone_length_m = data::positive(t, "needle_length_um", w) * kUm;
      d.needle.base_radius_m = 0.5 * data::positive(t, "needle_base_diameter_um", w) * kUm;
      d.needle.tip_radius_m = data::positive(t, "tip_radius_um", w) * kUm;
      if (d.needle.tip_radius_m >= d.needle.base_radius_m)
        w.fail("tip_radius_um", "must be below half the base diameter");
      d.needles = static_cast<int>(data::positive(t, "needles", w));
      d.force_n =
          quantity == "single_needle_puncture_depth_um" ? 0.0 : data::positive(t, "force_n", w);
      d.speed_m_s = data::positive(t, "speed_mm_s", w) * kMm;
      d.condition = fmt::format("{} x {:.0f} um needles, {:.3g} m/s, {} {}", d.needles,
                                d.needle.length_m / kUm, d.speed_m_s, d.site, vivo);
    }
    out.push_back(std::move(d));
  }
  return out;
}

const std::vector<HumanDatum>& builtin_human_data() {
  static const std::vector<HumanDatum> rows =
      load_human_data("data/validation/puncture.toml", anatomy::Atlas::builtin());
  return rows;
}

double predict(const HumanDatum& d, const MechanicsParams& p, const anatomy::Atlas& atlas) {
  if (d.quantity == "pen_depth_ratio")
    return pen_depth_m(d, d.setting_m, p, atlas) / d.setting_m;
  if (d.quantity == "pen_depth_slope")
    return (pen_depth_m(d, d.setting_high_m, p, atlas) - pen_depth_m(d, d.setting_m, p, atlas)) /
           (d.setting_high_m - d.setting_m);
  const SkinMechanics skin = skin_of(d, atlas, p);
  const InsertionModel mean(d.needle, skin, p);
  if (d.quantity == "single_needle_puncture_depth_um")
    return mean.puncture_travel_m() / kUm;
  const double u = stamp_travel_m(mean, d.needles, d.force_n, d.needle.length_m);
  if (d.quantity == "array_depth_um")
    return mean.at_travel(u).depth_m / kUm;
  // array_breach_fraction: over the local-stiffness and tip-radius spreads
  // (equal-probability log-normal quantiles), the share of needles whose
  // puncture travel is reached at the array's travel u. The indicator is
  // smoothed over a width kSmooth in ln(u / u_p) so the fit sees a gradient.
  constexpr int kQ = 16;
  constexpr double kSmooth = 0.05;
  const double sm = std::sqrt(std::log(1 + p.local_modulus_cv * p.local_modulus_cv));
  const double st = std::sqrt(std::log(1 + p.tip_radius_cv * p.tip_radius_cv));
  double breached = 0;
  for (int i = 0; i < kQ; ++i) {
    for (int j = 0; j < kQ; ++j) {
      Needle n = d.needle;
      n.tip_radius_m =
          std::min(0.9 * n.base_radius_m,
                   n.tip_radius_m * std::exp(st * probit((j + 0.5) / kQ) - 0.5 * st * st));
      const SkinMechanics local =
          skin.scaled(std::exp(sm * probit((i + 0.5) / kQ) - 0.5 * sm * sm));
      const double up = InsertionModel(n, local, p).puncture_travel_m();
      breached += 0.5 * std::erfc(-std::log(u / up) / (kSmooth * std::numbers::sqrt2));
    }
  }
  return breached / (kQ * kQ);
}

std::string_view unit_of(std::string_view quantity) {
  if (quantity == "array_breach_fraction")
    return "fraction";
  if (quantity == "pen_depth_ratio")
    return "ratio";
  if (quantity == "pen_depth_slope")
    return "mm/mm";
  return "um";
}

}  // namespace mnsim::puncture
