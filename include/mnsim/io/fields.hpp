// The case-file schema: ONE table of every field with its type, unit, default
// and allowed range. It drives parsing, validation, `mnsim case fields` and
// the generated docs/case-file.md, so they cannot drift apart.
#pragma once

#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace mnsim::io {

enum class FieldKind { Integer, Real, Boolean, String, Choice, StringList };

enum class Presence {
  Default,   // absent: the documented default applies
  Optional,  // absent: "not given", with a documented meaning (e.g. planner chooses)
  Required,  // must be present (within its table, if the table is present)
};

inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();

struct FieldSpec {
  std::string_view path;  // "patient.age_years"; array tables use "zones[].site"
  FieldKind kind;
  Presence presence;
  std::string_view default_value;  // TOML literal, used when presence == Default
  std::string_view unit;           // "" for dimensionless or text
  double min = -kUnbounded;        // numeric range, inclusive unless min_exclusive
  double max = kUnbounded;
  bool min_exclusive = false;
  std::string_view choices;  // Choice: "female|male"
  std::string_view used_by;  // the stage that reads it
  std::string_view help;
};

struct TableSpec {
  std::string_view path;  // "patient", "procedure.anaesthetic", "zones" (array), "medium.layers"
  bool is_array;
  std::string_view help;
};

std::span<const FieldSpec> case_fields();
std::span<const TableSpec> case_tables();

// The spec for a pattern path ("zones[].depth_mm"), or nullptr.
const FieldSpec* find_field(std::string_view pattern_path);
const TableSpec* find_table(std::string_view pattern_path);

// "a number in [18, 100] years", "one of female, male", ...
std::string allowed_text(const FieldSpec& spec);

// The default as a user reads it ("45 years", "(none: the planner chooses)").
std::string default_text(const FieldSpec& spec);

// The schema as a Markdown document (docs/case-file.md) and as terminal text.
std::string fields_markdown();
std::string fields_text();

}  // namespace mnsim::io
