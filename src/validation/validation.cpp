#include "mnsim/validation/validation.hpp"

namespace mnsim::validation {

std::vector<Row> all_rows() {
  // Pipeline order: anatomy, puncture, transport, response and healing.
  const auto& atlas = anatomy::Atlas::builtin();
  std::vector<Row> rows = anatomy_rows(atlas);
  for (auto& r : puncture_rows(atlas))
    rows.push_back(std::move(r));
  for (auto* stage_rows : {&transport_rows, &healing_rows}) {
    for (auto& r : stage_rows())
      rows.push_back(std::move(r));
  }
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
