#include "mnsim/io/fields.hpp"

#include <array>

#include <fmt/format.h>

#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/budget.hpp"

namespace mnsim::io {

namespace {

using K = FieldKind;
using P = Presence;
constexpr double kInf = kUnbounded;

// clang-format off
constexpr std::array kTables = {
  TableSpec{"case", false, "Name and seed of the case."},
  TableSpec{"patient", false, "Who is treated: age, sex, phototype, history."},
  TableSpec{"device", false, "The roller, pen or stamp and its condition."},
  TableSpec{"procedure", false, "How the device is used."},
  TableSpec{"procedure.anaesthetic", false, "Topical anaesthetic before needling (optional; absent = none)."},
  TableSpec{"product", false, "The topical product applied with the needling (optional)."},
  TableSpec{"zones", true, "One entry per treated zone: [[zones]]. At least one unless [medium] is given."},
  TableSpec{"course", false, "The course of sessions."},
  TableSpec{"simulation", false, "Numerical settings."},
  TableSpec{"cohort", false, "The population `mnsim cohort` draws its virtual people from (docs/cohorts.md); the [patient] table is not used by it except for max_downtime_days."},
  TableSpec{"medium", false, "An explicit layered medium replacing the atlas (for solver checks)."},
  TableSpec{"medium.layers", true, "The layers of the explicit medium, top first: [[medium.layers]]."},
  TableSpec{"donor", false, "The donor compartment on top of an explicit medium."},
  TableSpec{"sink", false, "The boundary below an explicit medium."},
};

constexpr std::array kFields = {
  // path, kind, presence, default, unit, min, max, min_exclusive, choices, used_by, help
  FieldSpec{"case.name", K::String, P::Default, "\"unnamed\"", "", -kInf, kInf, false, "", "reports", "A short name for the case, shown in reports."},
  FieldSpec{"case.seed", K::Integer, P::Default, "42", "", 0, 9.0e15, false, "", "all stages", "Seed of the one random generator: same case and seed, same result."},

  FieldSpec{"patient.age_years", K::Real, P::Default, "45", "years", 18, 100, false, "", "anatomy", "Age; adjusts layer thickness (docs/models/anatomy.md)."},
  FieldSpec{"patient.sex", K::Choice, P::Default, "\"female\"", "", -kInf, kInf, false, "female|male", "anatomy", "Sex; selects the sex-specific layer thickness."},
  FieldSpec{"patient.fitzpatrick", K::Integer, P::Default, "3", "", 1, 6, false, "", "response, planner", "Fitzpatrick phototype 1-6; darker types carry more risk of post-inflammatory hyperpigmentation."},
  FieldSpec{"patient.max_downtime_days", K::Real, P::Default, "3", "days", 0, 30, false, "", "planner", "Days of visible redness the patient accepts; the planner keeps within it."},
  FieldSpec{"patient.history", K::StringList, P::Default, "[]", "", -kInf, kInf, false, "", "planner", "Screening codes, e.g. \"anticoagulants\", \"active_herpes\", \"keloids\", \"pregnancy\"; the full list with severities: docs/safety.md (data/planner/contraindications.toml)."},

  FieldSpec{"device.model", K::String, P::Optional, "", "", -kInf, kInf, false, "", "device", "A catalogue device (data/devices.toml); the fields below override it. Absent: the device is defined by the fields below."},
  FieldSpec{"device.kind", K::Choice, P::Default, "\"pen\"", "", -kInf, kInf, false, "pen|roller|stamp", "device, puncture", "Kind of device."},
  FieldSpec{"device.needle_length_mm", K::Real, P::Default, "1.0", "mm", 0.05, 3.0, false, "", "device, puncture", "Needle length; for pens the depth setting."},
  FieldSpec{"device.needle_count", K::Integer, P::Default, "16", "", 1, 2000, false, "", "device, puncture", "Number of needles (pen cartridge, roller drum or stamp)."},
  FieldSpec{"device.needle_base_diameter_um", K::Real, P::Default, "250", "um", 20, 1000, false, "", "device, puncture", "Needle diameter at its base."},
  FieldSpec{"device.tip_radius_um", K::Real, P::Default, "4", "um", 0.5, 100, false, "", "device, puncture", "Tip radius of a new needle; grows with wear."},
  FieldSpec{"device.stroke_hz", K::Real, P::Default, "120", "Hz", 1, 300, false, "", "puncture", "Pen stroke frequency."},
  FieldSpec{"device.drum_diameter_mm", K::Real, P::Default, "20", "mm", 5, 100, false, "", "puncture", "Roller drum diameter."},
  FieldSpec{"device.drum_width_mm", K::Real, P::Default, "20", "mm", 5, 100, false, "", "puncture", "Roller drum width."},
  FieldSpec{"device.needle_rows", K::Integer, P::Default, "8", "", 1, 64, false, "", "puncture", "Roller: rows of needles around the drum."},
  FieldSpec{"device.uses", K::Integer, P::Default, "0", "", 0, 10000, false, "", "device, planner", "Prior uses of this roller or cartridge (needle wear)."},

  FieldSpec{"procedure.setting", K::Choice, P::Default, "\"clinic\"", "", -kInf, kInf, false, "clinic|home", "planner", "Where it is done; home: home-device limits apply."},
  FieldSpec{"procedure.passes", K::Integer, P::Default, "4", "", 1, 20, false, "", "puncture", "Passes over each zone."},
  FieldSpec{"procedure.glide_speed_mm_s", K::Real, P::Default, "10", "mm/s", 0.5, 200, false, "", "puncture", "Pen glide speed over the skin."},
  FieldSpec{"procedure.pressure_n", K::Real, P::Default, "5", "N", 0.1, 50, false, "", "puncture", "Roller or stamp: force pressed on the device."},
  FieldSpec{"procedure.occluded", K::Boolean, P::Default, "false", "", -kInf, kInf, false, "", "transport", "Channels covered (occluded) after treatment; slows resealing."},
  FieldSpec{"procedure.anaesthetic.product", K::String, P::Required, "", "", -kInf, kInf, false, "", "transport, planner", "Topical anaesthetic product id, e.g. \"lidocaine_4pct\", \"emla_5pct\"."},
  FieldSpec{"procedure.anaesthetic.minutes", K::Real, P::Default, "30", "min", 0, 240, false, "", "transport, planner", "Application time before needling."},

  FieldSpec{"product.id", K::String, P::Optional, "", "", -kInf, kInf, false, "", "transport", "A catalogue product (data/products); absent: defined inline by the fields below."},
  FieldSpec{"product.mw_da", K::Real, P::Optional, "", "Da", 10, 1.0e7, false, "", "transport", "Inline product: molecular weight."},
  FieldSpec{"product.log_kow", K::Real, P::Optional, "", "", -10, 10, false, "", "transport", "Inline product: log10 octanol/water partition coefficient."},
  FieldSpec{"product.concentration_mg_per_ml", K::Real, P::Optional, "", "mg/mL", 1e-9, 1000, false, "", "transport", "Inline product: concentration of the active in the vehicle."},
  FieldSpec{"product.dose_ul_per_cm2", K::Real, P::Optional, "", "uL/cm^2", 0.01, 100, false, "", "transport", "Inline product: volume applied per area."},
  FieldSpec{"product.diffusivity_water_m2_s", K::Real, P::Optional, "", "m^2/s", 1e-13, 1e-8, false, "", "transport", "Inline product: diffusivity in water (absent: estimated from molecular weight)."},
  FieldSpec{"product.pka_acid", K::Real, P::Optional, "", "", -5, 20, false, "", "transport", "Inline product: pKa of an acidic group (absent: none); sets the un-ionised share that crosses the stratum corneum."},
  FieldSpec{"product.pka_base", K::Real, P::Optional, "", "", -5, 20, false, "", "transport", "Inline product: pKa of a basic group's conjugate acid (absent: none)."},
  FieldSpec{"product.formulation_ph", K::Real, P::Optional, "", "", 0, 14, false, "", "transport", "Inline product: pH of the vehicle (absent: 7); with a pKa, Henderson-Hasselbalch gives the un-ionised share."},
  FieldSpec{"product.applied", K::Choice, P::Default, "\"after\"", "", -kInf, kInf, false, "before|after", "transport", "When the product goes on, relative to needling."},

  FieldSpec{"zones[].site", K::String, P::Required, "", "", -kInf, kInf, false, "", "anatomy", "An atlas site id (see `mnsim atlas`)."},
  FieldSpec{"zones[].indication", K::Choice, P::Default, "\"texture\"", "", -kInf, kInf, false, "fine_lines|wrinkles|acne_scars|stretch_marks|texture", "planner, healing", "What the zone is treated for."},
  FieldSpec{"zones[].depth_mm", K::Real, P::Optional, "", "mm", 0.05, 3.0, false, "", "puncture, planner", "Needle depth setting for this zone; absent: the device's needle length (the planner chooses in `mnsim plan`)."},

  FieldSpec{"course.sessions", K::Integer, P::Default, "4", "", 1, 20, false, "", "healing, planner", "Number of sessions."},
  FieldSpec{"course.interval_days", K::Real, P::Default, "28", "days", 1, 365, false, "", "healing, planner", "Days between sessions."},
  FieldSpec{"course.horizon_days", K::Real, P::Default, "365", "days", 1, 3650, false, "", "healing", "Simulated time from the first session; at least (sessions - 1) x interval_days."},

  FieldSpec{"simulation.fidelity", K::Choice, P::Default, "\"axisymmetric\"", "", -kInf, kInf, false, "1d|axisymmetric|3d", "transport", "Transport solver: 1D layers, r-z cell around one channel, or 3D periodic cell."},
  FieldSpec{"simulation.horizon_h", K::Real, P::Default, "24", "h", 0.01, 720, false, "", "transport", "Simulated time for transport."},
  FieldSpec{"simulation.dx_um", K::Real, P::Default, "5", "um", 0.1, 100, false, "", "transport", "Grid spacing: depth and across the channels; the r-z and 3D grids grow away from them (by about 1.1 per cell; docs/models/transport.md)."},
  FieldSpec{"simulation.max_memory_mb", K::Real, P::Default, "1500", "MB", 1, 1.0e6, false, "", "transport", "Memory budget of the transport grid (estimated before anything is allocated): a larger plan is coarsened (dx up to 2x, or the 3D window cut to one channel per cell; said in warnings) or, when none fits, refused. `mnsim deliver --dry-run` prints the plan."},
  FieldSpec{"simulation.samples", K::Integer, P::Default, "32", "", 8, 4096, false, "", "puncture, planner, reports", "Seeded uncertainty draws per zone (insertion-parameter posterior x between-person skin) behind the p10-p50-p90 intervals: depth, SC breach, downtime and collagen over every draw; transport at the draws of the depth p10, p50 and p90; the planner keeps its limits at the p90 (docs/models/puncture.md, docs/safety.md)."},

  FieldSpec{"cohort.age_years_min", K::Real, P::Default, "18", "years", 18, 100, false, "", "cohort", "Youngest age of the cohort; ages are uniform in [age_years_min, age_years_max]."},
  FieldSpec{"cohort.age_years_max", K::Real, P::Default, "70", "years", 18, 100, false, "", "cohort", "Oldest age of the cohort (at least age_years_min)."},
  FieldSpec{"cohort.female_fraction", K::Real, P::Default, "0.5", "", 0, 1, false, "", "cohort", "Share of women in the cohort."},
  FieldSpec{"cohort.fitzpatrick_1_weight", K::Real, P::Default, "0.10", "", 0, 1000, false, "", "cohort", "Relative weight of Fitzpatrick phototype 1 in the cohort (the six weights are normalised; at least one positive). The defaults are an illustrative mixed population, not survey data."},
  FieldSpec{"cohort.fitzpatrick_2_weight", K::Real, P::Default, "0.25", "", 0, 1000, false, "", "cohort", "Relative weight of Fitzpatrick phototype 2 in the cohort (the six weights are normalised; at least one positive). The defaults are an illustrative mixed population, not survey data."},
  FieldSpec{"cohort.fitzpatrick_3_weight", K::Real, P::Default, "0.30", "", 0, 1000, false, "", "cohort", "Relative weight of Fitzpatrick phototype 3 in the cohort (the six weights are normalised; at least one positive). The defaults are an illustrative mixed population, not survey data."},
  FieldSpec{"cohort.fitzpatrick_4_weight", K::Real, P::Default, "0.20", "", 0, 1000, false, "", "cohort", "Relative weight of Fitzpatrick phototype 4 in the cohort (the six weights are normalised; at least one positive). The defaults are an illustrative mixed population, not survey data."},
  FieldSpec{"cohort.fitzpatrick_5_weight", K::Real, P::Default, "0.10", "", 0, 1000, false, "", "cohort", "Relative weight of Fitzpatrick phototype 5 in the cohort (the six weights are normalised; at least one positive). The defaults are an illustrative mixed population, not survey data."},
  FieldSpec{"cohort.fitzpatrick_6_weight", K::Real, P::Default, "0.05", "", 0, 1000, false, "", "cohort", "Relative weight of Fitzpatrick phototype 6 in the cohort (the six weights are normalised; at least one positive). The defaults are an illustrative mixed population, not survey data."},

  FieldSpec{"medium.layers[].name", K::String, P::Required, "", "", -kInf, kInf, false, "", "transport", "Layer name, used as the key of the results."},
  FieldSpec{"medium.layers[].thickness_um", K::Real, P::Required, "", "um", 0.1, 1.0e5, false, "", "transport", "Layer thickness."},
  FieldSpec{"medium.layers[].diffusivity_m2_s", K::Real, P::Required, "", "m^2/s", 1e-20, 1.0e-6, false, "", "transport", "Diffusivity in the layer."},
  FieldSpec{"medium.layers[].partition", K::Real, P::Default, "1.0", "", 1e-6, 1.0e6, false, "", "transport", "Partition coefficient layer/vehicle."},
  FieldSpec{"medium.layers[].clearance_per_s", K::Real, P::Default, "0", "1/s", 0, 10, false, "", "transport", "First-order clearance (e.g. dermal capillaries)."},
  FieldSpec{"donor.kind", K::Choice, P::Default, "\"infinite\"", "", -kInf, kInf, false, "infinite|finite", "transport", "Donor: constant concentration, or a finite applied dose that depletes."},
  FieldSpec{"donor.concentration_ug_per_ml", K::Real, P::Default, "1000", "ug/mL", 1e-6, 1.0e6, false, "", "transport", "Donor concentration."},
  FieldSpec{"donor.volume_ul_per_cm2", K::Real, P::Default, "10", "uL/cm^2", 0.01, 1000, false, "", "transport", "Finite donor: applied volume per area."},
  FieldSpec{"sink.kind", K::Choice, P::Default, "\"perfect\"", "", -kInf, kInf, false, "perfect|clearance", "transport", "Boundary below the medium: zero concentration, or none (clearance in the layers only)."},
};
// clang-format on

std::string choices_text(std::string_view choices) {
  std::string out;
  for (char c : choices) {
    if (c == '|') {
      out += ", ";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::span<const FieldSpec> case_fields() {
  return kFields;
}
std::span<const TableSpec> case_tables() {
  return kTables;
}

const FieldSpec* find_field(std::string_view pattern_path) {
  for (const auto& f : kFields) {
    if (f.path == pattern_path)
      return &f;
  }
  return nullptr;
}

const TableSpec* find_table(std::string_view pattern_path) {
  for (const auto& t : kTables) {
    if (t.path == pattern_path)
      return &t;
  }
  return nullptr;
}

std::string allowed_text(const FieldSpec& spec) {
  const std::string unit = spec.unit.empty() ? std::string() : fmt::format(" {}", spec.unit);
  switch (spec.kind) {
    case FieldKind::Integer:
    case FieldKind::Real: {
      const char* what = spec.kind == FieldKind::Integer ? "an integer" : "a number";
      const bool has_min = spec.min > -kInf;
      const bool has_max = spec.max < kInf;
      if (has_min && has_max) {
        return fmt::format("{} in {}{}, {}]{}", what, spec.min_exclusive ? "(" : "[",
                           core::format_number(spec.min), core::format_number(spec.max), unit);
      }
      if (has_min) {
        return fmt::format("{} {} {}{}", what,
                           spec.min_exclusive ? ">" : ">=", core::format_number(spec.min), unit);
      }
      return fmt::format("{}{}", what, unit);
    }
    case FieldKind::Boolean:
      return "true or false";
    case FieldKind::String:
      return "a string";
    case FieldKind::Choice:
      return "one of " + choices_text(spec.choices);
    case FieldKind::StringList:
      return "a list of strings";
  }
  return "";
}

std::string default_text(const FieldSpec& spec) {
  switch (spec.presence) {
    case Presence::Required:
      return "required";
    case Presence::Optional:
      return "none";
    case Presence::Default:
      break;
  }
  if (spec.unit.empty())
    return std::string(spec.default_value);
  return fmt::format("{} {}", spec.default_value, spec.unit);
}

namespace {
std::string table_of(std::string_view path) {
  const auto dot = path.rfind('.');
  std::string t(path.substr(0, dot));
  if (t.ends_with("[]"))
    t.resize(t.size() - 2);
  return t;
}
}  // namespace

std::string fields_markdown() {
  std::string out =
      "# The case file\n\n"
      "<!-- Generated by `mnsim case fields --markdown`; do not edit by hand.\n"
      "     A test fails when this file and the code disagree. -->\n\n"
      "A case is a TOML file. Every field is optional unless marked *required*;\n"
      "an absent field takes the default shown. Units are in the field name and\n"
      "in the unit column. Unknown keys are errors (with a suggestion), so a typo\n"
      "never silently falls back to a default. Start from the built-in default:\n\n"
      "    mnsim case show-default > my-case.toml\n"
      "    mnsim case check my-case.toml\n\n"
      "`used by` names the pipeline stage that reads the field (ARCHITECTURE.md).\n"
      "Field paths in error messages count array entries from 0: `zones[0]` is\n"
      "the first `[[zones]]`.\n\n"
      "Quantities that must be positive have a physical minimum (the lower end\n"
      "of `allowed`); a subnormal number such as `5e-324` and a negative zero\n"
      "`-0.0` are refused everywhere. A quoted key holding a dot, such as\n"
      "`\"patient.age_years\" = 50`, is one key, not a dotted key: it is refused\n"
      "as unknown.\n";
  std::string current;
  for (const auto& f : kFields) {
    const std::string table = table_of(f.path);
    if (table != current) {
      current = table;
      const TableSpec* t = find_table(table);
      out += fmt::format(fmt::runtime(t && t->is_array ? "\n## `[[{}]]`\n\n" : "\n## `[{}]`\n\n"),
                         table);
      if (t)
        out += std::string(t->help) + "\n\n";
      out += "| field | unit | default | allowed | used by | meaning |\n";
      out += "|---|---|---|---|---|---|\n";
    }
    const auto key = f.path.substr(f.path.rfind('.') + 1);
    std::string def = default_text(f);
    if (f.presence == Presence::Default)
      def = fmt::format("`{}`", f.default_value);
    if (f.presence == Presence::Required)
      def = "*required*";
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", key, f.unit.empty() ? "-" : f.unit,
                       def, allowed_text(f), f.used_by, f.help);
  }
  out += fmt::format(
      "\n## Limits\n\n"
      "mnsim reads any file in bounded time and memory; a case beyond one of\n"
      "these limits is refused (exit status 2) with a message naming the limit.\n"
      "The size and nesting limits are checked on the raw text, before the TOML\n"
      "parser sees it.\n\n"
      "| what | limit |\n|---|---|\n"
      "| the case file | a regular file (or `-` for stdin), at most {} bytes (1 MiB); a FIFO, "
      "device or directory is refused |\n"
      "| nesting: tables, arrays and dotted-key parts along one path | at most {} levels (the "
      "fields above need 4) |\n"
      "| a key (one part of a dotted key) | at most {} bytes, ASCII |\n"
      "| non-ASCII characters | only inside string values and comments (as TOML has it; "
      "also not after a backslash in a multi-line string: toml++ 3.3 misreads them there) |\n"
      "| a string value | at most {} bytes, no control characters (U+0000-U+001F except tab, "
      "U+007F) |\n"
      "| `[[zones]]` entries | at most {} |\n"
      "| `[[medium.layers]]` entries | at most {} |\n"
      "| entries of a list (`patient.history`) | at most {} |\n"
      "| problems reported at once | the first {} |\n"
      "| the transport grid of one zone, estimated from the case before any work: depth "
      "(the deepest zone's skin down to the bottom of the subcutis, or the explicit medium) / "
      "`dx_um` x across (1 for `1d`; {} mm / `dx_um` for `axisymmetric`; (min({} mm / `dx_um`, "
      "{}))^2 for `3d`) | at most {:.3g} cells at twice `dx_um` (the transport planner coarsens "
      "up to 2x within `simulation.max_memory_mb`); `simulation.dx_um` is refused with the "
      "smallest spacing that fits |\n",
      limits::kMaxFileBytes, limits::kMaxNesting, limits::kMaxKeyBytes, limits::kMaxStringBytes,
      limits::kMaxZones, limits::kMaxLayers, limits::kMaxListEntries, limits::kMaxIssues,
      pipeline::kLateralExtentM / units::kMm, pipeline::kLateralExtentM / units::kMm,
      pipeline::kMax3dColumns, pipeline::kMaxTransportCells);
  return out;
}

std::string fields_text() {
  std::string out;
  std::string current;
  for (const auto& f : kFields) {
    const std::string table = table_of(f.path);
    if (table != current) {
      current = table;
      const TableSpec* t = find_table(table);
      out += fmt::format(fmt::runtime(t && t->is_array ? "\n[[{}]]\n" : "\n[{}]\n"), table);
    }
    const auto key = f.path.substr(f.path.rfind('.') + 1);
    out += fmt::format("  {:<26} {:<24} {}\n", key, default_text(f), allowed_text(f));
    out += fmt::format("  {:<26} {}\n", "", f.help);
  }
  return out;
}

}  // namespace mnsim::io
