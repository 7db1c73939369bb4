#include "mnsim/io/case_writer.hpp"

#include <fmt/format.h>
#include <cstdio>
#include <sstream>

#include "mnsim/core/error.hpp"

namespace mnsim::io {

namespace {

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// Shortest text that reads back to the same double; always a TOML float or
// integer literal.
std::string number(double v) {
  return fmt::format("{}", v);
}

}  // namespace

std::string write_case(const cases::Case& c, const std::string& header) {
  if (c.medium)
    throw InputError(InputIssue{c.source, "medium", "",
                                "a case with an explicit [medium] is not "
                                "written as a record export"});
  std::ostringstream o;
  std::istringstream h(header);
  for (std::string line; std::getline(h, line);)
    o << "# " << line << '\n';
  o << "\n[case]\nname = " << quoted(c.info.name) << "\nseed = " << c.info.seed << "\n";
  const auto& p = c.patient;
  o << "\n[patient]\nage_years = " << number(p.age_years)
    << "\nsex = " << quoted(std::string(cases::to_string(p.sex)))
    << "\nfitzpatrick = " << p.fitzpatrick
    << "\nmax_downtime_days = " << number(p.max_downtime_days) << "\nhistory = [";
  for (std::size_t i = 0; i < p.history.size(); ++i)
    o << (i ? ", " : "") << quoted(p.history[i]);
  o << "]\n";

  const auto& d = c.device;
  o << "\n[device]\n";
  // With a model only the keys the case set override the catalogue entry.
  const auto want = [&](std::string_view key) { return !d.model || d.is_explicit(key); };
  if (d.model)
    o << "model = " << quoted(*d.model) << '\n';
  if (want("kind"))
    o << "kind = " << quoted(std::string(cases::to_string(d.kind))) << '\n';
  if (want("needle_length_mm"))
    o << "needle_length_mm = " << number(d.needle_length_mm) << '\n';
  if (want("needle_count"))
    o << "needle_count = " << d.needle_count << '\n';
  if (want("needle_base_diameter_um"))
    o << "needle_base_diameter_um = " << number(d.needle_base_diameter_um) << '\n';
  if (want("tip_radius_um"))
    o << "tip_radius_um = " << number(d.tip_radius_um) << '\n';
  if (want("stroke_hz"))
    o << "stroke_hz = " << number(d.stroke_hz) << '\n';
  if (want("drum_diameter_mm"))
    o << "drum_diameter_mm = " << number(d.drum_diameter_mm) << '\n';
  if (want("drum_width_mm"))
    o << "drum_width_mm = " << number(d.drum_width_mm) << '\n';
  if (want("needle_rows"))
    o << "needle_rows = " << d.needle_rows << '\n';
  o << "uses = " << d.uses << '\n';

  const auto& pr = c.procedure;
  o << "\n[procedure]\nsetting = " << quoted(std::string(cases::to_string(pr.setting)))
    << "\npasses = " << pr.passes << "\nglide_speed_mm_s = " << number(pr.glide_speed_mm_s)
    << "\npressure_n = " << number(pr.pressure_n)
    << "\noccluded = " << (pr.occluded ? "true" : "false") << '\n';
  if (pr.anaesthetic)
    o << "anaesthetic = { product = " << quoted(pr.anaesthetic->product)
      << ", minutes = " << number(pr.anaesthetic->minutes) << " }\n";

  if (c.product) {
    const auto& q = *c.product;
    o << "\n[product]\n";
    if (q.id)
      o << "id = " << quoted(*q.id) << '\n';
    const auto opt = [&](const char* key, const std::optional<double>& v) {
      if (v)
        o << key << " = " << number(*v) << '\n';
    };
    opt("mw_da", q.mw_da);
    opt("log_kow", q.log_kow);
    opt("concentration_mg_per_ml", q.concentration_mg_per_ml);
    opt("dose_ul_per_cm2", q.dose_ul_per_cm2);
    opt("diffusivity_water_m2_s", q.diffusivity_water_m2_s);
    o << "applied = " << quoted(std::string(cases::to_string(q.applied))) << '\n';
  }
  for (const auto& z : c.zones) {
    o << "\n[[zones]]\nsite = " << quoted(z.site)
      << "\nindication = " << quoted(std::string(cases::to_string(z.indication))) << '\n';
    if (z.depth_mm)
      o << "depth_mm = " << number(*z.depth_mm) << '\n';
  }
  o << "\n[course]\nsessions = " << c.course.sessions
    << "\ninterval_days = " << number(c.course.interval_days)
    << "\nhorizon_days = " << number(c.course.horizon_days) << '\n';
  o << "\n[simulation]\nfidelity = " << quoted(std::string(cases::to_string(c.simulation.fidelity)))
    << "\nhorizon_h = " << number(c.simulation.horizon_h)
    << "\ndx_um = " << number(c.simulation.dx_um) << '\n';
  return o.str();
}

}  // namespace mnsim::io
