#include "mnsim/puncture/report.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace mnsim::puncture {

namespace {

constexpr double kUm = 1e6;

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
  j["depth_um"] = {{"mean", z.depth_m.mean * kUm},
                   {"p10", z.depth_m.p10 * kUm},
                   {"p50", z.depth_m.p50 * kUm},
                   {"p90", z.depth_m.p90 * kUm}};
  j["surface_opening_um"] = {{"mean", z.opening_major_mean_m * kUm},
                             {"minor_mean", z.opening_minor_mean_m * kUm}};
  j["unpunctured_fraction"] = z.unpunctured_fraction;
  j["sc_breached_fraction"] = z.sc_breached_fraction;
  j["channels_total"] = z.channels_total;
  j["channels_per_s"] = z.channels_per_s ? json(*z.channels_per_s) : json(nullptr);
  // Extras.
  j["device"] = {{"model", z.device_model},
                 {"kind", std::string(kind_name(z.kind))},
                 {"length_mm", z.length_m * 1e3},
                 {"tip_radius_um", z.tip_radius_m * kUm},
                 {"bent_fraction", z.bent_fraction}};
  j["zone_area_cm2"] = z.zone_area_m2 * 1e4;
  j["passes"] = z.passes;
  j["attempts_total"] = z.attempts_total;
  j["nn_spacing_um"] = {{"mean", z.nn_spacing_m.mean * kUm},
                        {"p10", z.nn_spacing_m.p10 * kUm},
                        {"p50", z.nn_spacing_m.p50 * kUm},
                        {"p90", z.nn_spacing_m.p90 * kUm}};
  j["mechanics"] = {{"effective_modulus_mpa", z.effective_modulus_pa * 1e-6},
                    {"puncture_force_mn", z.puncture_force_n * 1e3},
                    {"force_per_needle_mn", z.force_per_needle_n * 1e3},
                    {"needles_in_contact", z.needles_in_contact},
                    {"device_rests_on_skin", z.drum_on_skin},
                    {"tip_travel_um", z.tip_travel_m * kUm}};
  if (z.kind == cases::DeviceKind::Pen)
    j["treatment_time_s"] = z.treatment_time_s;
  if (z.kind == cases::DeviceKind::Stamp)
    j["presses_total"] = z.presses_total;
  j["patch"] = {{"side_mm", z.patch_side_m * 1e3}, {"channels", z.patch_channels.size()}};
  j["depth_histogram"] = {{"bin_um", z.depth_bin_m * kUm}, {"counts", z.depth_histogram}};
  return j;
}

std::string zone_text(const ZonePattern& z) {
  std::string s = fmt::format(
      "{} ({}), {} {} mm, {} passes over {:.0f} cm2\n", z.site, cases::to_string(z.indication),
      z.device_model.empty() ? "custom " + std::string(kind_name(z.kind)) : z.device_model,
      z.length_m * 1e3, z.passes, z.zone_area_m2 * 1e4);
  s += fmt::format("  channels       {} ({:.0f} per cm2), {:.1f} % of contacts did not puncture\n",
                   z.channels_total, z.punctures_per_cm2, 100 * z.unpunctured_fraction);
  s += fmt::format(
      "  depth          mean {:.0f} um (p10 {:.0f}, p90 {:.0f}) for {:.0f} um "
      "{}\n",
      z.depth_m.mean * kUm, z.depth_m.p10 * kUm, z.depth_m.p90 * kUm, z.length_m * kUm,
      z.kind == cases::DeviceKind::Pen ? "setting" : "needles");
  s += fmt::format("  opening        {:.0f} x {:.0f} um; coverage {:.2f} % of the skin\n",
                   z.opening_major_mean_m * kUm, z.opening_minor_mean_m * kUm,
                   100 * z.coverage_fraction);
  s += fmt::format("  spacing        nearest channel {:.0f} um (p10 {:.0f}, p90 {:.0f})\n",
                   z.nn_spacing_m.mean * kUm, z.nn_spacing_m.p10 * kUm, z.nn_spacing_m.p90 * kUm);
  s += fmt::format("  mechanics      puncture force {:.0f} mN (tip {:.1f} um)",
                   z.puncture_force_n * 1e3, z.tip_radius_m * kUm);
  if (z.kind != cases::DeviceKind::Pen) {
    s += fmt::format(", {:.0f} mN per needle, {:.1f} needles in contact{}",
                     z.force_per_needle_n * 1e3, z.needles_in_contact,
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
  const double side = z.patch_side_m * kUm;
  const double max_depth = std::max(z.depth_m.p90 * kUm, 1.0);
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0:.0f} {1:.0f}\" width=\"800\" "
      "height=\"{2:.0f}\">\n"
      "<title>mnsim pattern: {3} - {4} channels in a {5:.1f} mm patch</title>\n"
      "<rect x=\"0\" y=\"0\" width=\"{0:.0f}\" height=\"{0:.0f}\" fill=\"#f6dcc8\"/>\n",
      side, side + 800, 800 * (side + 800) / side, z.site, z.patch_channels.size(), side / 1e3);
  for (const auto& c : z.patch_channels) {
    const double t = std::clamp(c.depth_m * kUm / max_depth, 0.0, 1.0);
    const int red = static_cast<int>(120 + 100 * (1 - t));
    s += fmt::format(
        "<ellipse cx=\"{:.1f}\" cy=\"{:.1f}\" rx=\"{:.1f}\" ry=\"{:.1f}\" "
        "transform=\"rotate({:.1f} {:.1f} {:.1f})\" fill=\"rgb({},30,40)\"/>\n",
        c.x_m * kUm, c.y_m * kUm, c.opening_major_radius_m * kUm, c.opening_minor_radius_m * kUm,
        c.angle_rad * 180 / std::numbers::pi, c.x_m * kUm, c.y_m * kUm, red);
  }
  s += fmt::format(
      "<rect x=\"200\" y=\"{0:.0f}\" width=\"1000\" height=\"120\" fill=\"black\"/>\n"
      "<text x=\"1300\" y=\"{1:.0f}\" font-size=\"300\" font-family=\"sans-serif\">1 mm; "
      "depth mean {2:.0f} um, coverage {3:.2f} %</text>\n</svg>\n",
      side + 300, side + 500, z.depth_m.mean * kUm, 100 * z.coverage_fraction);
  return s;
}

}  // namespace mnsim::puncture
