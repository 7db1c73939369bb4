// The case-file schema: ONE table of every field with its type, unit, default
// and allowed range. It drives parsing, validation, `mnsim case fields` and
// the generated docs/case-file.md, so they cannot drift apart.
#pragma once

#include <cstddef>
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

// Limits on what a case file may hold. They keep reading and checking a case
// bounded in time and memory whatever the file holds; each is documented in
// docs/case-file.md ("Limits") and exceeding one is an InputError naming it.
// The size and nesting limits are checked on the raw text before the TOML
// parser sees it (the parser recurses once per nesting level).
namespace limits {
inline constexpr std::size_t kMaxFileBytes = std::size_t{1} << 20;  // 1 MiB
inline constexpr int kMaxNesting = 8;  // tables/arrays along one path; the schema needs 4
inline constexpr std::size_t kMaxKeyBytes = 128;      // one key (one part of a dotted key)
inline constexpr std::size_t kMaxStringBytes = 1024;  // one string value
inline constexpr std::size_t kMaxZones = 20;          // [[zones]] entries
inline constexpr std::size_t kMaxLayers = 20;         // [[medium.layers]] entries
inline constexpr std::size_t kMaxListEntries = 64;    // entries of a list such as patient.history
inline constexpr std::size_t kMaxIssues = 50;         // problems reported at once
}  // namespace limits

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
