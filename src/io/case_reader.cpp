#include "mnsim/io/case_reader.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "mnsim/core/error.hpp"
#include "mnsim/core/resources.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/io/fields.hpp"
#include "mnsim/pipeline/check.hpp"

namespace mnsim::io {

using namespace mnsim::cases;  // the vocabulary this reader builds

namespace {

std::string node_text(const toml::node& node) {
  if (node.is_table())
    return "{...}";
  std::ostringstream os;
  node.visit([&os](const auto& v) { os << v; });
  std::string s = os.str();
  if (s.size() > 60)
    s = s.substr(0, 57) + "...";
  return s;
}

std::string kind_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "a list";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

std::string parent_pattern(std::string_view pattern) {
  const auto dot = pattern.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(pattern.substr(0, dot));
}

std::string join(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

// A cheap scan of the raw text, before the TOML parser sees it: the parser
// recurses once per level of nesting (dotted keys, [a.b.c] and [[a.b]]
// headers, inline tables and arrays), so a file nested 100,000 deep would
// overflow the stack. The scan follows TOML's lexical structure (strings,
// comments, key and value contexts) only as far as needed to count the depth
// of every key and value and the length of every key; on text that is not
// TOML it may stop early, and the parser then reports the syntax error.
class Prescan {
 public:
  Prescan(std::string_view text, std::string source) : t_(text), source_(std::move(source)) {}

  std::optional<InputIssue> run() {
    if (t_.size() > limits::kMaxFileBytes)
      return too_big();
    while (i_ < t_.size() && !issue_) {
      const char c = t_[i_];
      if (c == '#') {
        skip_comment();
      } else if (c == '"' || c == '\'') {
        const bool key = key_ctx_;
        if (!key && !opens_value(i_)) {
          fail(kStringAfterValue);
          break;
        }
        const std::size_t len = skip_string(key);
        if (key)
          key_segment(len);
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        fail(kNonAsciiOutside);
      } else if (c == '\n') {
        ++line_;
        ++i_;
        if (stack_.empty())
          start_statement();
      } else if (key_ctx_) {
        key_char(c);
      } else {
        value_char(c);
      }
    }
    return issue_;
  }

 private:
  struct Open {
    char bracket;  // '[' or '{'
    int depth;     // nesting depth of this array or inline table
  };

  // toml++ 3.3 reads a bare value (number, date, boolean) up to the next
  // terminator, classifying every character on the way; a string glued to it
  // (`x = 0b1"\\é"`) leads that classification into the string and onto the
  // same unreachable branch (found by tests/fuzz). In valid TOML a string
  // value follows `=`, `[`, `,`, whitespace or a line break (in an array);
  // anything else is a syntax error, refused here before toml++ sees it.
  [[nodiscard]] bool opens_value(std::size_t at) const {
    if (at == 0)
      return true;
    const char p = t_[at - 1];
    return p == '=' || p == '[' || p == ',' || p == '{' || p == ' ' || p == '\t' || p == '\n' ||
           p == '\r';
  }

  static constexpr const char* kStringAfterValue =
      "a string directly after another value (separate values with a comma, or put one per line)";

  static constexpr const char* kNonAsciiOutside =
      "a non-ASCII character outside a string or comment (TOML allows them only there)";

  std::optional<InputIssue> too_big() const {
    return InputIssue{source_, "", "",
                      fmt::format("the case file is {} bytes; the limit is {} bytes (1 MiB)",
                                  t_.size(), limits::kMaxFileBytes)};
  }

  void fail(std::string problem) {
    if (!issue_)
      issue_ = InputIssue{source_, "", "", fmt::format("line {}: {}", line_, problem)};
  }

  void check_depth(int depth) {
    if (depth > limits::kMaxNesting) {
      fail(fmt::format("nesting too deep: more than {} levels of tables, arrays or dotted keys",
                       limits::kMaxNesting));
    }
  }

  [[nodiscard]] int level() const { return stack_.empty() ? header_depth_ : stack_.back().depth; }

  void start_statement() {
    key_ctx_ = true;
    key_parts_ = 1;
    seg_len_ = 0;
    key_started_ = false;
    header_ = false;
  }

  void skip_comment() {
    while (i_ < t_.size() && t_[i_] != '\n')
      ++i_;
  }

  // Skips a string starting at i_; returns its length in bytes (as written).
  // toml++ 3.3 classifies a non-ASCII character as whitespace or not through
  // a table with an unreachable branch (undefined behaviour, found by
  // tests/fuzz) wherever it looks for whitespace: outside strings, in keys
  // (it records keys), and after a backslash in a multi-line basic string.
  // TOML allows non-ASCII characters only in strings and comments, and no
  // case field has a non-ASCII key, so those three places are refused here.
  std::size_t skip_string(bool key) {
    const char q = t_[i_];
    const bool triple = t_.substr(i_, 3) == std::string(3, q);
    const std::size_t start = i_;
    i_ += triple ? 3 : 1;
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (key && static_cast<unsigned char>(c) >= 0x80)
        fail("a non-ASCII character in a key (the keys of a case are ASCII)");
      if (c == '\\' && q == '"') {
        if (triple) {
          std::size_t j = i_ + 1;
          while (j < t_.size() && (t_[j] == ' ' || t_[j] == '\t' || t_[j] == '\r' || t_[j] == '\n'))
            ++j;
          if (j < t_.size() && static_cast<unsigned char>(t_[j]) >= 0x80)
            fail("a non-ASCII character after a backslash in a multi-line string");
        }
        i_ += 2;
        continue;
      }
      if (c == '\n') {
        if (!triple)
          break;  // an unterminated single-line string: the parser reports it
        ++line_;
      }
      if (c == q && (!triple || t_.substr(i_, 3) == std::string(3, q))) {
        i_ += triple ? 3 : 1;
        break;
      }
      ++i_;
    }
    return std::min(i_, t_.size()) - start;
  }

  void key_segment(std::size_t len) {
    key_started_ = true;
    seg_len_ += len;
    if (seg_len_ > limits::kMaxKeyBytes + 2)
      fail(fmt::format("a key longer than {} bytes", limits::kMaxKeyBytes));
  }

  void key_char(char c) {
    ++i_;
    if (c == ' ' || c == '\t' || c == '\r')
      return;
    if (c == '[' && stack_.empty() && !key_started_ && !header_) {
      // A table header: [a.b] or [[a.b]].
      header_ = true;
      header_array_ = i_ < t_.size() && t_[i_] == '[';
      if (header_array_)
        ++i_;
      return;
    }
    if (c == ']' && header_) {
      header_depth_ = key_parts_ + (header_array_ ? 1 : 0);
      check_depth(header_depth_);
      if (header_array_ && i_ < t_.size() && t_[i_] == ']')
        ++i_;
      key_ctx_ = false;  // the rest of the line holds at most a comment
      return;
    }
    if (c == '.') {
      ++key_parts_;
      seg_len_ = 0;
      check_depth(level() + key_parts_);
      return;
    }
    if (c == '=') {
      pending_ = level() + key_parts_;
      check_depth(pending_);
      after_eq_ = true;
      key_ctx_ = false;
      return;
    }
    if (c == '}' && !stack_.empty() && stack_.back().bracket == '{') {
      close();  // an empty inline table: {}
      return;
    }
    key_segment(1);
  }

  void value_char(char c) {
    ++i_;
    if (c == ' ' || c == '\t' || c == '\r')
      return;
    if (c == '[' || c == '{') {
      const int depth = after_eq_ ? pending_ : level() + 1;
      after_eq_ = false;
      stack_.push_back(Open{c, depth});
      check_depth(depth);
      if (c == '{')
        begin_inline_key();
      return;
    }
    after_eq_ = false;
    if (c == ']' || c == '}') {
      close();
      return;
    }
    if (c == ',' && !stack_.empty() && stack_.back().bracket == '{')
      begin_inline_key();
  }

  void begin_inline_key() {
    key_ctx_ = true;
    key_parts_ = 1;
    seg_len_ = 0;
    key_started_ = false;
    header_ = false;
  }

  void close() {
    if (!stack_.empty())
      stack_.pop_back();
    key_ctx_ = false;
  }

  std::string_view t_;
  std::string source_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  std::vector<Open> stack_;
  int header_depth_ = 0;
  bool key_ctx_ = true;
  int key_parts_ = 1;
  std::size_t seg_len_ = 0;
  bool key_started_ = false;
  bool header_ = false;
  bool header_array_ = false;
  int pending_ = 0;
  bool after_eq_ = false;
  std::optional<InputIssue> issue_;
};

// Checks a parsed TOML document against the field table, collecting every
// problem at once.
class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  void check(const toml::table& root) {
    walk(root, "", "");
    check_required(root);
  }

  void add(std::string field, std::string value, std::string problem) {
    issues_.push_back(InputIssue{file_, std::move(field), std::move(value), std::move(problem)});
  }

  [[nodiscard]] const std::vector<InputIssue>& issues() const { return issues_; }

 private:
  std::vector<std::string> keys_under(const std::string& pattern) const {
    std::vector<std::string> keys;
    for (const auto& f : case_fields()) {
      if (parent_pattern(f.path) == pattern)
        keys.emplace_back(f.path.substr(f.path.rfind('.') + 1));
    }
    for (const auto& t : case_tables()) {
      if (parent_pattern(t.path) == pattern) {
        const auto dot = t.path.rfind('.');
        keys.emplace_back(dot == std::string_view::npos ? t.path : t.path.substr(dot + 1));
      }
    }
    return keys;
  }

  void unknown(const std::string& path, const std::string& parent_pat, std::string_view key) {
    const auto candidates = keys_under(parent_pat);
    const std::string guess = core::closest_match(key, candidates);
    std::string where = parent_pat.empty() ? "at the top level" : "in [" + parent_pat + "]";
    std::string msg = "unknown key " + where;
    if (!guess.empty()) {
      msg += "; did you mean '" + guess + "'?";
    } else {
      std::string list;
      for (const auto& c : candidates)
        list += (list.empty() ? "" : ", ") + c;
      msg += "; allowed keys: " + list;
    }
    add(path, "", msg);
  }

  void walk(const toml::table& table, const std::string& path, const std::string& pattern) {
    for (const auto& [key_obj, node] : table) {
      const std::string_view key = key_obj.str();
      const std::string child_path = join(path, key);
      if (key.find_first_of(".[]") != std::string_view::npos || key.empty()) {
        // A quoted key such as "patient.age_years" is one key holding a dot,
        // not the dotted key patient.age_years: it names no field.
        add(child_path, "",
            fmt::format("unknown key {}: a quoted key is one name, so \"{}\" is not a dotted "
                        "key; write it without quotes",
                        pattern.empty() ? "at the top level" : "in [" + pattern + "]",
                        key.substr(0, limits::kMaxKeyBytes)));
        continue;
      }
      const std::string child_pattern = join(pattern, key);
      const TableSpec* tspec = find_table(child_pattern);
      const FieldSpec* fspec = find_field(child_pattern);
      if (tspec != nullptr) {
        if (!tspec->is_array) {
          if (const auto* sub = node.as_table()) {
            walk(*sub, child_path, child_pattern);
          } else {
            add(child_path, node_text(node),
                "expected a table [" + child_pattern + "], got " + kind_name(node));
          }
        } else {
          const auto* arr = node.as_array();
          if (arr == nullptr) {
            add(child_path, node_text(node),
                "expected an array of tables [[" + child_pattern + "]], got " + kind_name(node));
            continue;
          }
          const std::size_t most = max_entries(child_pattern);
          if (arr->size() > most) {
            add(child_path, "",
                fmt::format("{} [[{}]] entries; at most {} are allowed", arr->size(), child_pattern,
                            most));
            continue;
          }
          for (std::size_t i = 0; i < arr->size(); ++i) {
            const std::string elem_path = child_path + "[" + std::to_string(i) + "]";
            if (const auto* sub = (*arr)[i].as_table()) {
              walk(*sub, elem_path, child_pattern + "[]");
            } else {
              add(elem_path, node_text((*arr)[i]), "expected a table, got " + kind_name((*arr)[i]));
            }
          }
        }
        continue;
      }
      if (fspec == nullptr) {
        unknown(child_path, pattern, key);
        continue;
      }
      check_value(*fspec, child_path, node);
    }
  }

  void check_value(const FieldSpec& spec, const std::string& path, const toml::node& node) {
    const std::string allowed = allowed_text(spec);
    if (const auto* str = node.as_string(); str != nullptr && too_long(path, str->get()))
      return;
    auto wrong_type = [&] {
      add(path, node_text(node), "expected " + allowed + ", got " + kind_name(node));
    };
    switch (spec.kind) {
      case FieldKind::Integer: {
        if (!node.is_integer()) {
          wrong_type();
          return;
        }
        check_range(spec, path, node, static_cast<double>(node.as_integer()->get()));
        return;
      }
      case FieldKind::Real: {
        if (!node.is_number()) {
          wrong_type();
          return;
        }
        const double v = node.is_integer() ? static_cast<double>(node.as_integer()->get())
                                           : node.as_floating_point()->get();
        if (!std::isfinite(v)) {
          add(path, node_text(node), "must be a finite number: " + allowed);
          return;
        }
        check_range(spec, path, node, v);
        return;
      }
      case FieldKind::Boolean:
        if (!node.is_boolean())
          wrong_type();
        return;
      case FieldKind::String:
        if (!node.is_string()) {
          wrong_type();
        } else if (node.as_string()->get().empty() && spec.presence != Presence::Default) {
          add(path, "\"\"", "must not be empty");
        }
        return;
      case FieldKind::Choice: {
        if (!node.is_string()) {
          wrong_type();
          return;
        }
        const std::string& v = node.as_string()->get();
        std::vector<std::string> options;
        std::string_view rest = spec.choices;
        while (!rest.empty()) {
          const auto bar = rest.find('|');
          options.emplace_back(rest.substr(0, bar));
          rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
        }
        for (const auto& o : options) {
          if (o == v)
            return;
        }
        std::string msg = "must be " + allowed;
        const std::string guess = core::closest_match(v, options);
        if (!guess.empty())
          msg += "; did you mean '" + guess + "'?";
        add(path, node_text(node), msg);
        return;
      }
      case FieldKind::StringList: {
        const auto* arr = node.as_array();
        if (arr == nullptr) {
          wrong_type();
          return;
        }
        if (arr->size() > limits::kMaxListEntries) {
          add(path, "",
              fmt::format("{} entries; at most {} are allowed", arr->size(),
                          limits::kMaxListEntries));
          return;
        }
        for (std::size_t i = 0; i < arr->size(); ++i) {
          if (const auto* str = (*arr)[i].as_string()) {
            too_long(path + "[" + std::to_string(i) + "]", str->get());
          } else {
            add(path + "[" + std::to_string(i) + "]", node_text((*arr)[i]),
                "expected a string, got " + kind_name((*arr)[i]));
          }
        }
        return;
      }
    }
  }

  // Reports a string over the length limit or holding a control character
  // (which could forge lines of the text output); true if it does.
  bool too_long(const std::string& path, const std::string& value) {
    if (value.size() > limits::kMaxStringBytes) {
      add(path, fmt::format("\"{}...\"", std::string_view(value).substr(0, 20)),
          fmt::format("a string of {} bytes; at most {} are allowed", value.size(),
                      limits::kMaxStringBytes));
      return true;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const auto c = static_cast<unsigned char>(value[i]);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        add(path, "",
            fmt::format("holds a control character (U+{:04X}) at byte {}; names and ids are "
                        "plain text",
                        static_cast<unsigned>(c), i));
        return true;
      }
    }
    return false;
  }

  static std::size_t max_entries(std::string_view table_pattern) {
    return table_pattern == "zones" ? limits::kMaxZones : limits::kMaxLayers;
  }

  void check_range(const FieldSpec& spec, const std::string& path, const toml::node& node,
                   double v) {
    const bool below = spec.min_exclusive ? v <= spec.min : v < spec.min;
    if (below || v > spec.max) {
      add(path, node_text(node), "must be " + allowed_text(spec));
    } else if (std::fpclassify(v) == FP_SUBNORMAL) {
      add(path, node_text(node),
          "is a subnormal number (too small to mean anything): must be " + allowed_text(spec));
    } else if (v == 0 && std::signbit(v)) {
      add(path, node_text(node), "is a negative zero: write 0");
    }
  }

  void check_required_in(const toml::table& table, const std::string& path,
                         const std::string& pattern) {
    for (const auto& f : case_fields()) {
      if (f.presence != Presence::Required || parent_pattern(f.path) != pattern)
        continue;
      const auto key = f.path.substr(f.path.rfind('.') + 1);
      if (!table.contains(key)) {
        add(join(path, key), "", "is required (" + allowed_text(f) + "): " + std::string(f.help));
      }
    }
  }

  void check_required(const toml::table& root) {
    // Tables present in the file: their required fields must be there too.
    for (const auto& t : case_tables()) {
      const toml::node_view<const toml::node> view = root.at_path(t.path);
      if (!view)
        continue;
      if (t.is_array) {
        const auto* arr = view.as_array();
        if (arr == nullptr)
          continue;
        for (std::size_t i = 0; i < arr->size(); ++i) {
          if (const auto* tab = (*arr)[i].as_table()) {
            check_required_in(*tab, std::string(t.path) + "[" + std::to_string(i) + "]",
                              std::string(t.path) + "[]");
          }
        }
      } else if (const auto* tab = view.as_table()) {
        check_required_in(*tab, std::string(t.path), std::string(t.path));
      }
    }
    const bool has_medium = root.contains("medium");
    const auto* zones = root["zones"].as_array();
    if (!has_medium && (zones == nullptr || zones->empty())) {
      add("zones", "", "at least one [[zones]] entry is required (or an explicit [medium])");
    }
    if (has_medium) {
      const auto* layers = root.at_path("medium.layers").as_array();
      if (layers == nullptr || layers->empty()) {
        add("medium.layers", "", "an explicit [medium] needs at least one [[medium.layers]] entry");
      }
    }
  }

  std::string file_;
  std::vector<InputIssue> issues_;
};

// The fields with a schema problem: concrete paths such as "zones[1].site".
using BadFields = std::set<std::string, std::less<>>;

// Typed access to a checked table, falling back to the documented defaults;
// a field with a schema problem (in `bad`) reads as absent.
class Reader {
 public:
  Reader(const toml::table* table, std::string pattern, std::string path, const BadFields& bad)
      : table_(table), pattern_(std::move(pattern)), path_(std::move(path)), bad_(bad) {}
  Reader(const toml::table* table, const std::string& pattern, const BadFields& bad)
      : Reader(table, pattern, pattern, bad) {}

  [[nodiscard]] const toml::node* node(std::string_view key) const {
    if (table_ == nullptr || bad_.contains(join(path_, key)))
      return nullptr;
    return table_->get(key);
  }

  [[nodiscard]] const FieldSpec& spec(std::string_view key) const {
    const FieldSpec* s = find_field(join(pattern_, key));
    MNSIM_ASSERT(s != nullptr, "field read by the case reader is missing from the field table");
    return *s;
  }

  [[nodiscard]] std::optional<double> opt_real(std::string_view key) const {
    const auto* n = node(key);
    if (n == nullptr) {
      const auto& s = spec(key);
      if (s.presence != Presence::Default)
        return std::nullopt;
      return std::stod(std::string(s.default_value));
    }
    if (n->is_integer())
      return static_cast<double>(n->as_integer()->get());
    return n->as_floating_point()->get();
  }
  [[nodiscard]] double real(std::string_view key) const { return opt_real(key).value_or(0.0); }

  [[nodiscard]] long long integer(std::string_view key) const {
    const auto* n = node(key);
    if (n == nullptr) {
      const auto& d = spec(key).default_value;
      return d.empty() ? 0 : std::stoll(std::string(d));
    }
    return n->as_integer()->get();
  }

  [[nodiscard]] bool boolean(std::string_view key) const {
    const auto* n = node(key);
    if (n == nullptr)
      return spec(key).default_value == "true";
    return n->as_boolean()->get();
  }

  [[nodiscard]] std::optional<std::string> opt_string(std::string_view key) const {
    const auto* n = node(key);
    if (n == nullptr) {
      const auto& s = spec(key);
      if (s.presence != Presence::Default)
        return std::nullopt;
      std::string_view d = s.default_value;
      if (d.size() >= 2 && d.front() == '"')
        d = d.substr(1, d.size() - 2);
      return std::string(d);
    }
    return n->as_string()->get();
  }
  [[nodiscard]] std::string string(std::string_view key) const {
    return opt_string(key).value_or("");
  }

  [[nodiscard]] std::vector<std::string> strings(std::string_view key) const {
    std::vector<std::string> out;
    const auto* n = node(key);
    if (n == nullptr)
      return out;
    for (const auto& e : *n->as_array()) {
      if (e.is_string())  // other elements are reported by the Checker
        out.push_back(e.as_string()->get());
    }
    return out;
  }

 private:
  const toml::table* table_;
  std::string pattern_;
  std::string path_;
  const BadFields& bad_;
};

// A choice field's enum; a value with a schema problem never reaches here
// (it reads as its default), so only a missing required choice gives E{}.
template <typename E>
E choice(const std::string& text) {
  return cases::from_string<E>(text).value_or(E{});
}

Case build(const toml::table& root, const std::string& source, const BadFields& bad) {
  Case c;
  c.source = source;
  {
    Reader r(root["case"].as_table(), "case", bad);
    c.info.name = r.string("name");
    c.info.seed = static_cast<std::uint64_t>(r.integer("seed"));
  }
  {
    Reader r(root["patient"].as_table(), "patient", bad);
    c.patient.age_years = r.real("age_years");
    c.patient.sex = choice<Sex>(r.string("sex"));
    c.patient.fitzpatrick = static_cast<int>(r.integer("fitzpatrick"));
    c.patient.max_downtime_days = r.real("max_downtime_days");
    c.patient.history = r.strings("history");
  }
  {
    Reader r(root["device"].as_table(), "device", bad);
    c.device.model = r.opt_string("model");
    c.device.kind = choice<DeviceKind>(r.string("kind"));
    c.device.needle_length_mm = r.real("needle_length_mm");
    c.device.needle_count = static_cast<int>(r.integer("needle_count"));
    c.device.needle_base_diameter_um = r.real("needle_base_diameter_um");
    c.device.tip_radius_um = r.real("tip_radius_um");
    c.device.stroke_hz = r.real("stroke_hz");
    c.device.drum_diameter_mm = r.real("drum_diameter_mm");
    c.device.drum_width_mm = r.real("drum_width_mm");
    c.device.needle_rows = static_cast<int>(r.integer("needle_rows"));
    c.device.uses = static_cast<int>(r.integer("uses"));
    if (const auto* dt = root["device"].as_table()) {
      for (const auto& [key, value] : *dt) {
        if (!bad.contains(join("device", key.str())))
          c.device.explicit_keys.emplace_back(key.str());
      }
    }
  }
  {
    Reader r(root["procedure"].as_table(), "procedure", bad);
    c.procedure.setting = choice<Setting>(r.string("setting"));
    c.procedure.passes = static_cast<int>(r.integer("passes"));
    c.procedure.glide_speed_mm_s = r.real("glide_speed_mm_s");
    c.procedure.pressure_n = r.real("pressure_n");
    c.procedure.occluded = r.boolean("occluded");
    if (const auto* an = root.at_path("procedure.anaesthetic").as_table()) {
      Reader a(an, "procedure.anaesthetic", bad);
      c.procedure.anaesthetic = Anaesthetic{a.string("product"), a.real("minutes")};
    }
  }
  if (const auto* pt = root["product"].as_table()) {
    Reader r(pt, "product", bad);
    Product p;
    p.id = r.opt_string("id");
    p.mw_da = r.opt_real("mw_da");
    p.log_kow = r.opt_real("log_kow");
    p.concentration_mg_per_ml = r.opt_real("concentration_mg_per_ml");
    p.dose_ul_per_cm2 = r.opt_real("dose_ul_per_cm2");
    p.diffusivity_water_m2_s = r.opt_real("diffusivity_water_m2_s");
    p.pka_acid = r.opt_real("pka_acid");
    p.pka_base = r.opt_real("pka_base");
    p.formulation_ph = r.opt_real("formulation_ph");
    p.applied = choice<Applied>(r.string("applied"));
    c.product = p;
  }
  if (const auto* zones = root["zones"].as_array(); zones && !bad.contains("zones")) {
    for (std::size_t i = 0; i < zones->size(); ++i) {
      Reader r((*zones)[i].as_table(), "zones[]", "zones[" + std::to_string(i) + "]", bad);
      Zone zone;
      zone.site = r.string("site");
      zone.indication = choice<Indication>(r.string("indication"));
      zone.depth_mm = r.opt_real("depth_mm");
      c.zones.push_back(zone);
    }
  }
  {
    Reader r(root["course"].as_table(), "course", bad);
    c.course.sessions = static_cast<int>(r.integer("sessions"));
    c.course.interval_days = r.real("interval_days");
    c.course.horizon_days = r.real("horizon_days");
  }
  {
    Reader r(root["simulation"].as_table(), "simulation", bad);
    c.simulation.fidelity = choice<Fidelity>(r.string("fidelity"));
    c.simulation.horizon_h = r.real("horizon_h");
    c.simulation.dx_um = r.real("dx_um");
    c.simulation.max_memory_mb = r.real("max_memory_mb");
    c.simulation.samples = static_cast<int>(r.integer("samples"));
  }
  {
    Reader r(root["cohort"].as_table(), "cohort", bad);
    c.cohort.age_years_min = r.real("age_years_min");
    c.cohort.age_years_max = r.real("age_years_max");
    c.cohort.female_fraction = r.real("female_fraction");
    for (std::size_t i = 0; i < c.cohort.fitzpatrick_weights.size(); ++i)
      c.cohort.fitzpatrick_weights[i] = r.real(fmt::format("fitzpatrick_{}_weight", i + 1));
  }
  if (root.contains("medium")) {
    Medium m;
    if (const auto* layers = root.at_path("medium.layers").as_array();
        layers && !bad.contains("medium.layers")) {
      for (std::size_t i = 0; i < layers->size(); ++i) {
        Reader r((*layers)[i].as_table(), "medium.layers[]",
                 "medium.layers[" + std::to_string(i) + "]", bad);
        m.layers.push_back(MediumLayer{r.string("name"), r.real("thickness_um"),
                                       r.real("diffusivity_m2_s"), r.real("partition"),
                                       r.real("clearance_per_s")});
      }
    }
    Reader d(root["donor"].as_table(), "donor", bad);
    m.donor_kind = choice<DonorKind>(d.string("kind"));
    m.donor_concentration_ug_per_ml = d.real("concentration_ug_per_ml");
    m.donor_volume_ul_per_cm2 = d.real("volume_ul_per_cm2");
    Reader s(root["sink"].as_table(), "sink", bad);
    m.sink_kind = choice<SinkKind>(s.string("kind"));
    c.medium = m;
  }
  return c;
}

// True if `field` is `bad` or lies inside it ("zones[1]" holds "zones[1].site").
bool within(std::string_view field, std::string_view bad) {
  if (field.substr(0, bad.size()) != bad)
    return false;
  return field.size() == bad.size() || field[bad.size()] == '.' || field[bad.size()] == '[';
}

// The section a check of `field` reads together: a device check reads every
// device field and the zones' depth settings; the course rule every course field.
std::string_view group_of(std::string_view field) {
  if (field.starts_with("device.") || (field.starts_with("zones[") && field.ends_with("depth_mm")))
    return "device";
  if (field.starts_with("course."))
    return "course";
  if (field.starts_with("patient.history"))
    return "patient.history";  // indices shift when an element is dropped
  return {};
}

// A semantic issue is kept unless one of the inputs it was derived from had a
// schema problem (that input took its default, so the message would mislead).
bool inputs_sound(const InputIssue& issue, const BadFields& bad) {
  const std::string_view group = group_of(issue.field);
  for (const auto& b : bad) {
    if (within(issue.field, b))
      return false;
    if (!group.empty() && (group_of(b) == group || within(group, b)))
      return false;
  }
  return true;
}

}  // namespace

std::string_view default_case_text() {
  return core::require_embedded_file("cases/default.toml");
}

Case parse_case(std::string_view text, const std::string& source_name) {
  if (auto issue = Prescan(text, source_name).run())
    throw InputError(std::move(*issue));
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw InputError(InputIssue{source_name, "", "",
                                fmt::format("line {}, column {}: not valid TOML: {}", where.line,
                                            where.column, e.description())});
  }
  Checker checker(source_name);
  checker.check(root);
  std::vector<InputIssue> issues = checker.issues();
  BadFields bad;
  for (const auto& i : issues)
    bad.insert(i.field);
  // Fields with a schema problem take their default, so the checks against
  // the built-in data never see an invalid value: every problem is reported
  // in one pass.
  const Case c = build(root, source_name, bad);
  for (auto& i : pipeline::check_case(c)) {
    if (inputs_sound(i, bad))
      issues.push_back(std::move(i));
  }
  if (issues.size() > limits::kMaxIssues) {
    const std::size_t more = issues.size() - limits::kMaxIssues;
    issues.resize(limits::kMaxIssues);
    issues.push_back(InputIssue{
        source_name, "", "",
        fmt::format("and {} more problems (the first {} are shown)", more, limits::kMaxIssues)});
  }
  if (!issues.empty())
    throw InputError(std::move(issues));
  return c;
}

namespace {

std::string file_kind(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a regular file";
}

// Reads at most limits::kMaxFileBytes + 1 bytes (one more shows the file is too big).
std::string read_bounded(int fd, const std::string& name) {
  std::string text;
  std::array<char, 65536> buf{};
  while (text.size() <= limits::kMaxFileBytes) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      throw InputError(InputIssue{
          name, "", "", std::string("cannot read the case file: ") + std::strerror(errno)});
    }
    if (n == 0)
      break;
    text.append(buf.data(), static_cast<std::size_t>(n));
  }
  return text;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string read_case_text(const std::filesystem::path& path) {
  const std::string name = path.string();
  if (name == "-")
    return read_bounded(STDIN_FILENO, "<stdin>");
  // O_NONBLOCK: opening a FIFO with no writer must not wait for one (it is
  // refused below as not a regular file).
  const Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT)
      throw InputError(InputIssue{name, "", "", "no such case file"});
    throw InputError(InputIssue{
        name, "", "", std::string("cannot open the case file for reading: ") + std::strerror(err)});
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    throw InputError(InputIssue{name, "", "", "cannot read the case file"});
  }
  if (S_ISDIR(st.st_mode))
    throw InputError(InputIssue{name, "", "", "is a directory, expected a TOML case file"});
  if (!S_ISREG(st.st_mode)) {
    throw InputError(InputIssue{
        name, "", "",
        "is " + file_kind(st.st_mode) +
            ", not a regular file; give a TOML case file (or - to read the case from stdin)"});
  }
  if (static_cast<std::uintmax_t>(st.st_size) > limits::kMaxFileBytes) {
    throw InputError(InputIssue{name, "", "",
                                fmt::format("the case file is {} bytes; the limit is {} bytes "
                                            "(1 MiB)",
                                            st.st_size, limits::kMaxFileBytes)});
  }
  return read_bounded(fd.get(), name);
}

Case load_case(const std::filesystem::path& path) {
  const std::string name = path.string() == "-" ? "<stdin>" : path.string();
  return parse_case(read_case_text(path), name);
}

Case default_case() {
  return parse_case(default_case_text(), "<built-in default>");
}

}  // namespace mnsim::io
