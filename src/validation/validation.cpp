#include "mnsim/validation/validation.hpp"

namespace mnsim::validation {

std::vector<Row> all_rows() {
  auto rows = anatomy_rows(anatomy::Atlas::builtin());
  for (auto& r : puncture_rows(anatomy::Atlas::builtin()))
    rows.push_back(std::move(r));
  return rows;
}

Summary summarize(const std::vector<Row>& rows) {
  Summary s;
  for (const auto& r : rows) {
    ++s.rows;
    s.passed += r.pass ? 1 : 0;
    if (!r.used_for_fitting) {
      ++s.held_out;
      s.held_out_passed += r.pass ? 1 : 0;
    }
  }
  return s;
}

}  // namespace mnsim::validation
