#include "mnsim/puncture/report.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "mnsim/core/units.hpp"

namespace mnsim::puncture {

namespace {

std::string_view kind_name(cases::DeviceKind k) {
  return cases::to_string(k);
}

}  // namespace

nlohmann::json zone_json(const ZonePattern& z) {
  using nlohmann::json;
  json j;
  j["site"] = z.site;
  j["indication"] = std::string(cases::to_string(z.indication));
  j["punctures_per_cm2"] = z.punctures_per_cm2;
  j["coverage_fraction"] = z.coverage_fraction;
  j["depth_um"] = {{"mean", units::to_um(z.depth_m.mean)},
                   {"p10", units::to_um(z.depth_m.p10)},
                   {"p50", units::to_um(z.depth_m.p50)},
                   {"p90", units::to_um(z.depth_m.p90)}};
  j["surface_opening_um"] = {{"mean", units::to_um(z.opening_major_mean_m)},
                             {"minor_mean", units::to_um(z.opening_minor_mean_m)}};
  j["unpunctured_fraction"] = z.unpunctured_fraction;
  j["sc_breached_fraction"] = z.sc_breached_fraction;
  j["channels_total"] = z.channels_total;
  j["channels_per_s"] = z.channels_per_s ? json(*z.channels_per_s) : json(nullptr);
  // Extras.
  j["device"] = {{"model", z.device_model},
                 {"kind", std::string(kind_name(z.kind))},
                 {"length_mm", units::to_mm(z.length_m)},
                 {"tip_radius_um", units::to_um(z.tip_radius_m)},
                 {"bent_fraction", z.bent_fraction}};
  j["zone_area_cm2"] = units::to_cm2(z.zone_area_m2);
  j["passes"] = z.passes;
  j["attempts_total"] = z.attempts_total;
  j["nn_spacing_um"] = {{"mean", units::to_um(z.nn_spacing_m.mean)},
                        {"p10", units::to_um(z.nn_spacing_m.p10)},
                        {"p50", units::to_um(z.nn_spacing_m.p50)},
                        {"p90", units::to_um(z.nn_spacing_m.p90)}};
  j["mechanics"] = {{"effective_modulus_mpa", units::to_mpa(z.effective_modulus_pa)},
                    {"puncture_force_mn", units::to_mn(z.puncture_force_n)},
                    {"force_per_needle_mn", units::to_mn(z.force_per_needle_n)},
                    {"needles_in_contact", z.needles_in_contact},
                    {"device_rests_on_skin", z.drum_on_skin},
                    {"tip_travel_um", units::to_um(z.tip_travel_m)}};
  if (z.kind == cases::DeviceKind::Pen)
    j["treatment_time_s"] = z.treatment_time_s;
  if (z.kind == cases::DeviceKind::Stamp)
    j["presses_total"] = z.presses_total;
  j["patch"] = {{"side_mm", units::to_mm(z.patch_side_m)}, {"channels", z.patch_channels.size()}};
  j["depth_histogram"] = {{"bin_um", units::to_um(z.depth_bin_m)}, {"counts", z.depth_histogram}};
  return j;
}

std::string zone_text(const ZonePattern& z) {
  std::string s = fmt::format(
      "{} ({}), {} {} mm, {} passes over {:.0f} cm2\n", z.site, cases::to_string(z.indication),
      z.device_model.empty() ? "custom " + std::string(kind_name(z.kind)) : z.device_model,
      units::to_mm(z.length_m), z.passes, units::to_cm2(z.zone_area_m2));
  s += fmt::format("  channels       {} ({:.0f} per cm2), {:.1f} % of contacts did not puncture\n",
                   z.channels_total, z.punctures_per_cm2, 100 * z.unpunctured_fraction);
  s += fmt::format(
      "  depth          mean {:.0f} um (p10 {:.0f}, p90 {:.0f}) for {:.0f} um "
      "{}\n",
      units::to_um(z.depth_m.mean), units::to_um(z.depth_m.p10), units::to_um(z.depth_m.p90),
      units::to_um(z.length_m), z.kind == cases::DeviceKind::Pen ? "setting" : "needles");
  s += fmt::format("  opening        {:.0f} x {:.0f} um; coverage {:.2f} % of the skin\n",
                   units::to_um(z.opening_major_mean_m), units::to_um(z.opening_minor_mean_m),
                   100 * z.coverage_fraction);
  s += fmt::format("  spacing        nearest channel {:.0f} um (p10 {:.0f}, p90 {:.0f})\n",
                   units::to_um(z.nn_spacing_m.mean), units::to_um(z.nn_spacing_m.p10),
                   units::to_um(z.nn_spacing_m.p90));
  s += fmt::format("  mechanics      puncture force {:.0f} mN (tip {:.1f} um)",
                   units::to_mn(z.puncture_force_n), units::to_um(z.tip_radius_m));
  if (z.kind != cases::DeviceKind::Pen) {
    s += fmt::format(", {:.0f} mN per needle, {:.1f} needles in contact{}",
                     units::to_mn(z.force_per_needle_n), z.needles_in_contact,
                     z.drum_on_skin ? ", device body on the skin" : "");
  }
  s += "\n";
  if (z.channels_per_s) {
    s += fmt::format("  pen            {:.0f} channels/s, {:.0f} s on this zone\n",
                     *z.channels_per_s, z.treatment_time_s);
  }
  return s;
}

std::string patch_svg(const ZonePattern& z) {
  // Units: micrometres; the patch is drawn to scale with a 1 mm scale bar.
  const double side = units::to_um(z.patch_side_m);
  const double max_depth = std::max(units::to_um(z.depth_m.p90), 1.0);
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0:.0f} {1:.0f}\" width=\"800\" "
      "height=\"{2:.0f}\">\n"
      "<title>mnsim pattern: {3} - {4} channels in a {5:.1f} mm patch</title>\n"
      "<rect x=\"0\" y=\"0\" width=\"{0:.0f}\" height=\"{0:.0f}\" fill=\"#f6dcc8\"/>\n",
      side, side + 800, 800 * (side + 800) / side, z.site, z.patch_channels.size(),
      units::to_mm(z.patch_side_m));
  for (const auto& c : z.patch_channels) {
    const double t = std::clamp(units::to_um(c.depth_m) / max_depth, 0.0, 1.0);
    const int red = static_cast<int>(120 + 100 * (1 - t));
    s += fmt::format(
        "<ellipse cx=\"{:.1f}\" cy=\"{:.1f}\" rx=\"{:.1f}\" ry=\"{:.1f}\" "
        "transform=\"rotate({:.1f} {:.1f} {:.1f})\" fill=\"rgb({},30,40)\"/>\n",
        units::to_um(c.x_m), units::to_um(c.y_m), units::to_um(c.opening_major_radius_m),
        units::to_um(c.opening_minor_radius_m), c.angle_rad * 180 / std::numbers::pi,
        units::to_um(c.x_m), units::to_um(c.y_m), red);
  }
  s += fmt::format(
      "<rect x=\"200\" y=\"{0:.0f}\" width=\"1000\" height=\"120\" fill=\"black\"/>\n"
      "<text x=\"1300\" y=\"{1:.0f}\" font-size=\"300\" font-family=\"sans-serif\">1 mm; "
      "depth mean {2:.0f} um, coverage {3:.2f} %</text>\n</svg>\n",
      side + 300, side + 500, units::to_um(z.depth_m.mean), 100 * z.coverage_fraction);
  return s;
}

}  // namespace mnsim::puncture
