// Planner, screening: contraindications to the needling, the topical
// anaesthetic and the product (data/planner/contraindications.toml; the list
// and its basis: docs/safety.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"

namespace mnsim::planner {

enum class Severity { Absolute, Relative };
enum class Affects { Needling, Anaesthetic, Product };
// What raises a rule: a code in patient.history, any product applied with the
// needling, or the patient's phototype.
enum class Trigger { History, Product, Phototype };

std::string_view to_string(Severity v);  // "absolute" | "relative"
std::string_view to_string(Affects v);   // "needling" | "anaesthetic" | "product"

struct Rule {
  std::string code;
  Trigger trigger = Trigger::History;
  Severity severity = Severity::Relative;
  Affects affects = Affects::Needling;
  bool disputed = false;
  int min_fitzpatrick = 0;  // Trigger::Phototype only
  std::string message;
  std::vector<std::string> sources;
};

// One rule that applies to a case.
struct Finding {
  std::string code;
  Trigger trigger = Trigger::History;
  Severity severity = Severity::Relative;
  Affects affects = Affects::Needling;
  bool disputed = false;
  std::string message;
  std::vector<std::string> sources;
};

class Screening {
 public:
  // Loads and checks the table; throws DataError on any defect.
  static Screening load(std::string_view path);
  // The built-in table (embedded data/planner/contraindications.toml), loaded once.
  static const Screening& builtin();

  [[nodiscard]] const std::vector<Rule>& rules() const { return rules_; }
  // The codes valid in patient.history, sorted, without repeats.
  [[nodiscard]] std::vector<std::string> history_codes() const;
  [[nodiscard]] bool is_history_code(std::string_view code) const;
  // The phototype from which the dark_phototype rule applies (0: no such rule).
  [[nodiscard]] int phototype_threshold() const;

  // Every rule that applies to the case, in table order. Codes in the history
  // that are not in the table are ignored here (the case reader rejects them).
  [[nodiscard]] std::vector<Finding> screen(const cases::Case& c) const;

 private:
  std::vector<Rule> rules_;
};

// True if any finding has that severity for that target.
bool any(const std::vector<Finding>& findings, Severity severity, Affects affects);

// Problems with a patient's history codes, each naming the case field
// "patient.history[i]" (file left empty): a code the screening table does not
// know, with the closest code ("did you mean") or all of them.
std::vector<InputIssue> check_history(const Screening& screening,
                                      const std::vector<std::string>& history);

}  // namespace mnsim::planner
