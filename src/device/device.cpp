#include "mnsim/device/device.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"

namespace mnsim::device {

namespace {

using units::kMm;
using units::kUm;

DeviceKind parse_kind(const std::string& s, const core::data::Where& w) {
  if (s == "pen")
    return DeviceKind::Pen;
  if (s == "roller")
    return DeviceKind::Roller;
  if (s == "stamp")
    return DeviceKind::Stamp;
  w.fail("kind", "must be pen, roller or stamp");
}

double optional_real(const toml::table& t, std::string_view key, double fallback,
                     const core::data::Where& w) {
  return t.contains(key) ? core::data::real(t, key, w) : fallback;
}

// Millimetres for messages, rounded to 0.1 um so that unit conversions do not show.
std::string mm(double v_m) {
  return core::format_number(std::round(v_m / kMm * 1e4) / 1e4);  // units-ok: rounding
}

// Rollers and stamps: needles conical over their whole length (ASSUMPTION,
// from the SEM of kalluri2011); pens: the catalogue/default point length.
void finish_geometry(Device& d, const Defaults& defaults) {
  if (d.kind != DeviceKind::Pen) {
    d.tip_cone_length_m = d.needle_length_m;
  } else if (!(d.tip_cone_length_m > 0)) {
    d.tip_cone_length_m = defaults.pen_tip_cone_length_m;
  }
}

}  // namespace

Catalogue Catalogue::load(std::string_view path) {
  namespace data = core::data;
  const std::string file(path);
  const toml::table root = data::parse(path);
  const auto& bib = core::Bibliography::builtin();
  Catalogue c;
  {
    const data::Where w{file + ": [defaults]"};
    const auto& t = data::table(root, "defaults", {file});
    c.defaults_.pen_tip_cone_length_m = data::positive(t, "pen_tip_cone_length_mm", w) * kMm;
    c.defaults_.pen_needle_pitch_m = data::positive(t, "pen_needle_pitch_mm", w) * kMm;
    c.defaults_.pen_depth_min_m = data::positive(t, "pen_depth_min_mm", w) * kMm;
    c.defaults_.pen_depth_max_m = data::positive(t, "pen_depth_max_mm", w) * kMm;
    c.defaults_.stamp_needle_pitch_m = data::positive(t, "stamp_needle_pitch_mm", w) * kMm;
  }
  {
    const data::Where w{file + ": [wear]"};
    const auto& t = data::table(root, "wear", {file});
    c.wear_.tip_radius_growth_m_per_use = data::real(t, "tip_radius_growth_um_per_use", w) * kUm;
    c.wear_.bent_fraction_per_use = data::real(t, "bent_fraction_per_use", w);
    c.wear_.bent_fraction_max = data::real(t, "bent_fraction_max", w);
    c.wear_.bent_force_factor = data::positive(t, "bent_force_factor", w);
    c.wear_.sources = data::strings(t, "sources", w);
    bib.require(c.wear_.sources, w.text);
    if (c.wear_.tip_radius_growth_m_per_use < 0 || c.wear_.bent_fraction_per_use < 0 ||
        c.wear_.bent_fraction_max < 0 || c.wear_.bent_fraction_max > 1) {
      w.fail("bent_fraction_max", "wear rates must be >= 0 and fractions in [0, 1]");
    }
  }
  for (const auto& node : data::array_of_tables(root, "device", {file})) {
    const auto& t = *node.as_table();
    Device d;
    d.model = data::string(t, "id", {file + ": a [[device]]"});
    const data::Where w{file + ": device '" + d.model + "'"};
    if (c.find(d.model) != nullptr)
      w.fail("id", "duplicate device id");
    d.name = data::string(t, "name", w);
    d.kind = parse_kind(data::string(t, "kind", w), w);
    d.needle_length_m = data::positive(t, "needle_length_mm", w) * kMm;
    d.needle_count = static_cast<int>(data::positive(t, "needle_count", w));
    d.needle_base_diameter_m = data::positive(t, "needle_base_diameter_um", w) * kUm;
    d.tip_radius_m = data::positive(t, "tip_radius_um", w) * kUm;
    if (d.kind == DeviceKind::Pen) {
      d.stroke_hz = data::positive(t, "stroke_hz", w);
      d.depth_min_m = data::positive(t, "depth_min_mm", w) * kMm;
      d.depth_max_m = data::positive(t, "depth_max_mm", w) * kMm;
      d.depth_step_m = optional_real(t, "depth_step_mm", 0.0, w) * kMm;
      d.needle_pitch_m =
          optional_real(t, "needle_pitch_mm", c.defaults_.pen_needle_pitch_m / kMm, w) * kMm;
      d.tip_cone_length_m = c.defaults_.pen_tip_cone_length_m;
    } else if (d.kind == DeviceKind::Roller) {
      d.drum_diameter_m = data::positive(t, "drum_diameter_mm", w) * kMm;
      d.drum_width_m = data::positive(t, "drum_width_mm", w) * kMm;
      d.needle_rows = static_cast<int>(data::positive(t, "needle_rows", w));
    } else {
      d.needle_pitch_m =
          optional_real(t, "needle_pitch_mm", c.defaults_.stamp_needle_pitch_m / kMm, w) * kMm;
    }
    d.sources = data::strings(t, "sources", w);
    bib.require(d.sources, w.text);
    d.note = data::string(t, "note", w);
    finish_geometry(d, c.defaults_);
    const auto issues = check(d, {});
    if (!issues.empty())
      w.fail(issues.front().field, issues.front().problem);
    c.devices_.push_back(std::move(d));
  }
  if (c.devices_.empty())
    throw DataError(file + ": no [[device]] entries");
  return c;
}

const Catalogue& Catalogue::builtin() {
  static const Catalogue c = load("data/devices.toml");
  return c;
}

const Device* Catalogue::find(std::string_view id) const {
  return core::data::find_by_id(devices_, &Device::model, id);
}

std::vector<std::string> Catalogue::ids() const {
  return core::data::ids_of(devices_, &Device::model);
}

Device resolve(const cases::DeviceSpec& spec, const Catalogue& catalogue) {
  Device d;
  const Device* base = spec.model ? catalogue.find(*spec.model) : nullptr;
  MNSIM_ASSERT(!spec.model || base != nullptr, "resolve() called with an unknown model");
  const auto& defaults = catalogue.defaults();
  if (base != nullptr) {
    d = *base;
  } else {
    d.kind = spec.kind;
    d.name = fmt::format("custom {}", cases::to_string(spec.kind));
    d.tip_cone_length_m = defaults.pen_tip_cone_length_m;
    d.depth_min_m = defaults.pen_depth_min_m;
    d.depth_max_m = defaults.pen_depth_max_m;
    d.depth_step_m = 0;
  }
  // Without a model every case field applies (explicit or default).
  auto take = [&](std::string_view key) { return base == nullptr || spec.is_explicit(key); };
  const DeviceKind before = d.kind;
  if (take("kind"))
    d.kind = spec.kind;
  if (take("needle_length_mm"))
    d.needle_length_m = spec.needle_length_mm * kMm;
  if (take("needle_count"))
    d.needle_count = spec.needle_count;
  if (take("needle_base_diameter_um"))
    d.needle_base_diameter_m = spec.needle_base_diameter_um * kUm;
  if (take("tip_radius_um"))
    d.tip_radius_m = spec.tip_radius_um * kUm;
  if (take("stroke_hz"))
    d.stroke_hz = spec.stroke_hz;
  if (take("drum_diameter_mm"))
    d.drum_diameter_m = spec.drum_diameter_mm * kMm;
  if (take("drum_width_mm"))
    d.drum_width_m = spec.drum_width_mm * kMm;
  if (take("needle_rows"))
    d.needle_rows = spec.needle_rows;
  d.uses = spec.uses;  // the condition of this device, never a catalogue value
  if (d.kind != before || base == nullptr) {
    // A kind the entry was not made for: kind-specific values from the defaults.
    if (d.kind == DeviceKind::Pen) {
      d.needle_pitch_m = defaults.pen_needle_pitch_m;
      d.tip_cone_length_m = defaults.pen_tip_cone_length_m;
      d.depth_min_m = defaults.pen_depth_min_m;
      d.depth_max_m = defaults.pen_depth_max_m;
      d.depth_step_m = 0;
    } else if (d.kind == DeviceKind::Stamp) {
      d.needle_pitch_m = defaults.stamp_needle_pitch_m;
    }
  }
  finish_geometry(d, defaults);
  return d;
}

double zone_length_m(const Device& device, const cases::Zone& zone) {
  return zone.depth_mm ? *zone.depth_mm * kMm : device.needle_length_m;
}

std::vector<InputIssue> check(const Device& d, const std::vector<cases::Zone>& zones) {
  std::vector<InputIssue> out;
  auto add = [&](std::string field, double value, std::string problem) {
    out.push_back(InputIssue{"", std::move(field), core::format_number(value), std::move(problem)});
  };
  const std::string which = d.model.empty() ? "this device" : "device '" + d.model + "'";
  if (d.needle_count < 1)
    add("device.needle_count", d.needle_count, "a device needs at least one needle");
  if (!(d.needle_length_m > 0))
    add("device.needle_length_mm", d.needle_length_m / kMm, "must be > 0 mm");
  if (!(d.tip_radius_m < d.base_radius_m())) {
    add("device.tip_radius_um", d.tip_radius_m / kUm,
        fmt::format("must be smaller than half the needle base diameter ({} um)",
                    core::format_number(d.base_radius_m() / kUm)));
  }
  if (d.kind == DeviceKind::Roller && d.needle_count >= 1 && d.needle_rows >= 1) {
    if (d.needle_rows > d.needle_count) {
      add("device.needle_rows", d.needle_rows,
          fmt::format("a roller cannot have more rows than needles ({})", d.needle_count));
    } else if (d.needle_count % d.needle_rows != 0) {
      add("device.needle_count", d.needle_count,
          fmt::format("a roller's needles sit in {} equal rows around the drum: needle_count "
                      "must be a multiple of needle_rows",
                      d.needle_rows));
    } else {
      const double need_width = d.needle_rows * d.needle_base_diameter_m;
      if (d.drum_width_m < need_width) {
        add("device.drum_width_mm", d.drum_width_m / kMm,
            fmt::format("the drum is narrower than its {} rows of {} um needles (needs at least "
                        "{} mm)",
                        d.needle_rows, core::format_number(d.needle_base_diameter_m / kUm),
                        mm(need_width)));
      }
      const int per_row = d.needle_count / d.needle_rows;
      const double need_circ = per_row * d.needle_base_diameter_m;
      if (std::numbers::pi * d.drum_diameter_m < need_circ) {
        add("device.drum_diameter_mm", d.drum_diameter_m / kMm,
            fmt::format("{} needles per row do not fit around the drum (needs a diameter of at "
                        "least {} mm)",
                        per_row, mm(need_circ / std::numbers::pi)));
      }
    }
  }
  if (d.kind != DeviceKind::Roller && !(d.needle_pitch_m > d.needle_base_diameter_m)) {
    add("device.needle_base_diameter_um", d.needle_base_diameter_m / kUm,
        fmt::format("needles of this diameter do not fit at the {} mm pitch of {}",
                    mm(d.needle_pitch_m), which));
  }
  if (d.kind == DeviceKind::Pen) {
    auto check_setting = [&](const std::string& field, double setting_m) {
      const double tol = 1e-9;
      if (setting_m < d.depth_min_m - tol || setting_m > d.depth_max_m + tol) {
        add(field, setting_m / kMm,
            fmt::format("a pen needs a depth setting within its range: {} takes {}-{} mm", which,
                        mm(d.depth_min_m), mm(d.depth_max_m)));
        return;
      }
      if (d.depth_step_m > 0) {
        const double steps = (setting_m - d.depth_min_m) / d.depth_step_m;
        if (std::abs(steps - std::round(steps)) > 1e-6) {
          add(field, setting_m / kMm,
              fmt::format("{} sets depth in {} mm steps from {} mm", which, mm(d.depth_step_m),
                          mm(d.depth_min_m)));
        }
      }
    };
    check_setting("device.needle_length_mm", d.needle_length_m);
    for (std::size_t i = 0; i < zones.size(); ++i) {
      if (zones[i].depth_mm)
        check_setting(fmt::format("zones[{}].depth_mm", i), *zones[i].depth_mm * kMm);
    }
  } else if (d.needle_length_m > 0) {
    // A roller or stamp cannot reach deeper than its needles are long.
    for (std::size_t i = 0; i < zones.size(); ++i) {
      if (zones[i].depth_mm && *zones[i].depth_mm * kMm > d.needle_length_m * (1 + 1e-9)) {
        add(fmt::format("zones[{}].depth_mm", i), *zones[i].depth_mm,
            fmt::format("is deeper than the needles of {} ({} mm long); a {} reaches at most "
                        "its needle length",
                        which, mm(d.needle_length_m),
                        d.kind == DeviceKind::Roller ? "roller" : "stamp"));
      }
    }
  }
  return out;
}

std::vector<InputIssue> check_spec(const cases::DeviceSpec& spec,
                                   const std::vector<cases::Zone>& zones,
                                   const Catalogue& catalogue) {
  if (spec.model && catalogue.find(*spec.model) == nullptr) {
    return {InputIssue{"", "device.model", "\"" + *spec.model + "\"",
                       core::unknown_name("device model", *spec.model, catalogue.ids(),
                                          "catalogue (data/devices.toml)")}};
  }
  return check(resolve(spec, catalogue), zones);
}

Condition condition(const Device& device, const WearModel& wear) {
  Condition c;
  const double uses = std::max(0, device.uses);
  c.tip_radius_m = device.tip_radius_m + wear.tip_radius_growth_m_per_use * uses;
  // A worn tip never gets blunter than the needle itself.
  c.tip_radius_m = std::min(c.tip_radius_m, 0.9 * device.base_radius_m());
  c.bent_fraction = std::min(wear.bent_fraction_max, wear.bent_fraction_per_use * uses);
  c.bent_force_factor = wear.bent_force_factor;
  return c;
}

}  // namespace mnsim::device
