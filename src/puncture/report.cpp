#include "mnsim/puncture/report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
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

namespace {

// A perceptually ordered colour map (viridis, 6 stops) at t in [0, 1].
std::string depth_colour(double t) {
  static constexpr std::array<std::array<int, 3>, 6> kStops = {
      {{68, 1, 84}, {65, 68, 135}, {42, 120, 142}, {34, 168, 132}, {122, 209, 81}, {253, 231, 37}}};
  t = std::clamp(t, 0.0, 1.0) * (kStops.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(t), kStops.size() - 2);
  const double f = t - static_cast<double>(i);
  std::array<int, 3> c{};
  for (std::size_t k = 0; k < 3; ++k)
    c[k] = static_cast<int>(std::lround(kStops[i][k] + f * (kStops[i + 1][k] - kStops[i][k])));
  return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
}

// A round length for a scale bar about a quarter of `side_um`.
double scale_bar_um(double side_um) {
  double best = 10;
  for (const double v : {10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0}) {
    if (v <= side_um / 4)
      best = v;
  }
  return best;
}

}  // namespace

std::string patch_svg(const ZonePattern& z, const SvgOptions& options) {
  const double patch_um = units::to_um(z.patch_side_m);
  const double crop_um = std::min(units::to_um(options.crop_side_m), patch_um);
  const double px = options.size_px;
  const double k = px / crop_um;  // pixels per micrometre
  const double left = 20, top = 70, legend_w = 130, bottom = 44;
  const double width = left + px + legend_w, height = top + px + bottom;
  // Depth colour domain: the patch's shallowest to deepest channel, to 10 um.
  double min_depth_um = std::numeric_limits<double>::infinity(), max_depth_um = 0;
  for (const auto& c : z.patch_channels) {
    min_depth_um = std::min(min_depth_um, units::to_um(c.depth_m));
    max_depth_um = std::max(max_depth_um, units::to_um(c.depth_m));
  }
  min_depth_um = std::isfinite(min_depth_um) ? std::floor(min_depth_um / 10) * 10 : 0;
  max_depth_um = std::max(min_depth_um + 10, std::ceil(max_depth_um / 10) * 10);
  const auto depth_t = [&](double um) {
    return (um - min_depth_um) / (max_depth_um - min_depth_um);
  };

  const std::string device =
      z.device_model.empty() ? "custom " + std::string(kind_name(z.kind)) : z.device_model;
  std::string body;
  std::size_t drawn = 0;
  for (const auto& c : z.patch_channels) {
    const double r = units::to_um(std::max(c.opening_major_radius_m, c.opening_minor_radius_m));
    // The patch is periodic: a channel near its far edge also shows at the near one.
    for (const double sx : {0.0, -patch_um}) {
      for (const double sy : {0.0, -patch_um}) {
        const double x = units::to_um(c.x_m) + sx, y = units::to_um(c.y_m) + sy;
        if (x < -r || y < -r || x > crop_um + r || y > crop_um + r)
          continue;
        ++drawn;
        body += fmt::format(
            "<ellipse cx=\"{:.1f}\" cy=\"{:.1f}\" rx=\"{:.1f}\" ry=\"{:.1f}\" "
            "transform=\"rotate({:.0f} {:.1f} {:.1f})\" fill=\"{}\"/>\n",
            left + x * k, top + y * k, units::to_um(c.opening_major_radius_m) * k,
            units::to_um(c.opening_minor_radius_m) * k, c.angle_rad * 180 / std::numbers::pi,
            left + x * k, top + y * k, depth_colour(depth_t(units::to_um(c.depth_m))));
      }
    }
  }
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w:.0f} {h:.0f}\" "
      "width=\"{w:.0f}\" height=\"{h:.0f}\" font-family=\"sans-serif\" font-size=\"13\">\n"
      "<title>mnsim pattern: {site}, {n} channels in {crop:.1f} x {crop:.1f} mm</title>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{left}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{site} ({ind}): {dev}, "
      "{len:.2f} mm, {passes} passes</text>\n"
      "<text x=\"{left}\" y=\"38\">{n} channels in a {crop:.1f} x {crop:.1f} mm corner of the "
      "{patch:.0f} mm patch</text>\n"
      "<text x=\"{left}\" y=\"56\">mean depth {mean:.0f} um, coverage {cov:.1f} %</text>\n"
      "<defs><clipPath id=\"patch\"><rect x=\"{left}\" y=\"{top}\" width=\"{px}\" "
      "height=\"{px}\"/></clipPath></defs>\n"
      "<rect x=\"{left}\" y=\"{top}\" width=\"{px}\" height=\"{px}\" fill=\"#f6dcc8\"/>\n"
      "<g clip-path=\"url(#patch)\" fill-opacity=\"0.8\" stroke=\"#222\" "
      "stroke-width=\"0.4\">\n",
      fmt::arg("w", width), fmt::arg("h", height), fmt::arg("site", z.site), fmt::arg("n", drawn),
      fmt::arg("crop", units::to_mm(units::from_um(crop_um))),
      fmt::arg("ind", cases::to_string(z.indication)), fmt::arg("dev", device),
      fmt::arg("len", units::to_mm(z.length_m)), fmt::arg("passes", z.passes),
      fmt::arg("patch", units::to_mm(z.patch_side_m)),
      fmt::arg("mean", units::to_um(z.depth_m.mean)), fmt::arg("cov", 100 * z.coverage_fraction),
      fmt::arg("left", left), fmt::arg("top", top), fmt::arg("px", px));
  s += body;
  if (drawn == 0) {
    s += fmt::format(
        "<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\" font-size=\"16\" "
        "stroke=\"none\" fill=\"#222\" fill-opacity=\"1\">No channel: every contact failed to "
        "puncture (intact skin)</text>\n",
        left + px / 2, top + px / 2);
  }
  s += fmt::format(
      "</g>\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>\n",
      left, top, px, px);
  // Scale bar.
  const double bar_um = scale_bar_um(crop_um);
  s += fmt::format(
      "<rect x=\"{0}\" y=\"{1:.0f}\" width=\"{2:.1f}\" height=\"6\" fill=\"black\"/>\n"
      "<text x=\"{3:.1f}\" y=\"{4:.0f}\">{5:.0f} um</text>\n",
      left, top + px + 18, bar_um * k, left + bar_um * k + 8, top + px + 25, bar_um);
  // Depth legend: a vertical gradient, shallow at the top.
  const double lx = left + px + 30, ly = top + 20, lh = px * 0.6;
  s += "<defs><linearGradient id=\"depth\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">\n";
  for (int i = 0; i <= 10; ++i) {
    s += fmt::format("<stop offset=\"{:.1f}\" stop-color=\"{}\"/>\n", i / 10.0,
                     depth_colour(i / 10.0));
  }
  s += "</linearGradient></defs>\n";
  s += fmt::format(
      "<text x=\"{0:.0f}\" y=\"{1:.0f}\">depth (um)</text>\n"
      "<rect x=\"{0:.0f}\" y=\"{2:.0f}\" width=\"18\" height=\"{3:.0f}\" fill=\"url(#depth)\" "
      "stroke=\"#444\"/>\n",
      lx, ly - 8, ly, lh);
  for (int i = 0; i <= 4; ++i) {
    const double y = ly + lh * i / 4.0;
    s += fmt::format(
        "<line x1=\"{0:.0f}\" y1=\"{1:.1f}\" x2=\"{2:.0f}\" y2=\"{1:.1f}\" stroke=\"#444\"/>"
        "<text x=\"{3:.0f}\" y=\"{4:.1f}\">{5:.0f}</text>\n",
        lx + 18, y, lx + 24, lx + 28, y + 4,
        min_depth_um + (max_depth_um - min_depth_um) * i / 4.0);
  }
  s += "</svg>\n";
  return s;
}

}  // namespace mnsim::puncture
