#include "mnsim/planner/screening.hpp"

#include <algorithm>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/text.hpp"

namespace mnsim::planner {

namespace data = core::data;

std::string_view to_string(Severity v) {
  return v == Severity::Absolute ? "absolute" : "relative";
}

std::string_view to_string(Affects v) {
  switch (v) {
    case Affects::Needling:
      return "needling";
    case Affects::Anaesthetic:
      return "anaesthetic";
    case Affects::Product:
      return "product";
  }
  return "?";
}

Screening Screening::load(std::string_view path) {
  const auto& bib = core::Bibliography::builtin();
  const toml::table root = data::parse(path);
  Screening s;
  for (const auto& node : data::array_of_tables(root, "rule", {std::string(path)})) {
    const auto& t = *node.as_table();
    Rule r;
    r.code = data::string(t, "code", {std::string(path) + ": a [[rule]]"});
    const data::Where w{std::string(path) + ": rule '" + r.code + "'"};
    if (r.code.empty())
      w.fail("code", "must not be empty");
    const std::string trigger = data::string(t, "trigger", w);
    if (trigger == "history") {
      r.trigger = Trigger::History;
    } else if (trigger == "product") {
      r.trigger = Trigger::Product;
    } else if (trigger == "phototype") {
      r.trigger = Trigger::Phototype;
      const double f = data::real(t, "min_fitzpatrick", w);
      if (f < 1 || f > 6)
        w.fail("min_fitzpatrick", "must be in [1, 6]");
      r.min_fitzpatrick = static_cast<int>(f);
    } else {
      w.fail("trigger", "must be history, product or phototype");
    }
    const std::string severity = data::string(t, "severity", w);
    if (severity == "absolute") {
      r.severity = Severity::Absolute;
    } else if (severity == "relative") {
      r.severity = Severity::Relative;
    } else {
      w.fail("severity", "must be absolute or relative");
    }
    const std::string affects = data::string(t, "affects", w);
    if (affects == "needling") {
      r.affects = Affects::Needling;
    } else if (affects == "anaesthetic") {
      r.affects = Affects::Anaesthetic;
    } else if (affects == "product") {
      r.affects = Affects::Product;
    } else {
      w.fail("affects", "must be needling, anaesthetic or product");
    }
    if (t.contains("disputed"))
      r.disputed = data::boolean(t, "disputed", w);
    r.message = data::string(t, "message", w);
    if (r.message.empty())
      w.fail("message", "must not be empty");
    r.sources = data::strings(t, "source", w);
    if (r.sources.empty())
      w.fail("source", "needs at least one source id");
    bib.require(r.sources, w.text);
    for (const auto& other : s.rules_) {
      if (other.code == r.code && other.affects == r.affects)
        w.fail("code", "a second rule for the same code and target");
      if (other.code == r.code && other.trigger != r.trigger)
        w.fail("trigger", "rules of one code must share the trigger");
    }
    s.rules_.push_back(std::move(r));
  }
  if (s.rules_.empty())
    throw DataError(std::string(path) + ": no [[rule]] entries");
  return s;
}

const Screening& Screening::builtin() {
  static const Screening s = load("data/planner/contraindications.toml");
  return s;
}

std::vector<std::string> Screening::history_codes() const {
  std::vector<std::string> out;
  for (const auto& r : rules_) {
    if (r.trigger == Trigger::History)
      out.push_back(r.code);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Screening::is_history_code(std::string_view code) const {
  return std::any_of(rules_.begin(), rules_.end(), [&](const Rule& r) {
    return r.trigger == Trigger::History && r.code == code;
  });
}

int Screening::phototype_threshold() const {
  for (const auto& r : rules_) {
    if (r.trigger == Trigger::Phototype)
      return r.min_fitzpatrick;
  }
  return 0;
}

std::vector<Finding> Screening::screen(const cases::Case& c) const {
  const auto& history = c.patient.history;
  std::vector<Finding> out;
  for (const auto& r : rules_) {
    bool applies = false;
    switch (r.trigger) {
      case Trigger::History:
        applies = std::find(history.begin(), history.end(), r.code) != history.end();
        break;
      case Trigger::Product:
        applies = c.product.has_value();
        break;
      case Trigger::Phototype:
        applies = c.patient.fitzpatrick >= r.min_fitzpatrick;
        break;
    }
    if (applies)
      out.push_back(
          Finding{r.code, r.trigger, r.severity, r.affects, r.disputed, r.message, r.sources});
  }
  return out;
}

bool any(const std::vector<Finding>& findings, Severity severity, Affects affects) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    return f.severity == severity && f.affects == affects;
  });
}

std::vector<InputIssue> check_history(const Screening& screening,
                                      const std::vector<std::string>& history) {
  std::vector<InputIssue> out;
  const auto codes = screening.history_codes();
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (screening.is_history_code(history[i]))
      continue;
    out.push_back(InputIssue{"", "patient.history[" + std::to_string(i) + "]",
                             "\"" + history[i] + "\"",
                             core::unknown_name("screening code", history[i], codes)});
  }
  return out;
}

}  // namespace mnsim::planner
