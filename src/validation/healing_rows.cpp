// Response and healing validation rows: data/validation/healing.toml (the same
// table the calibration fit reads) against the built-in parameters.
#include <cmath>

#include "mnsim/healing/observations.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/validation/validation.hpp"

namespace mnsim::validation {

std::vector<Row> healing_rows() {
  std::vector<Row> rows;
  for (const auto& o : pipeline::load_observations_with_doses(anatomy::Atlas::builtin())) {
    Row r;
    r.id = o.id;
    r.stage = o.quantity == "collagen_rel_change" || o.quantity == "epidermis_rel_change"
                  ? "healing"
                  : "response";
    r.source = o.source;
    r.quantity = o.quantity;
    r.unit = o.unit;
    r.condition = o.condition;
    r.observed = o.observed;
    r.predicted = healing::predict(o, response::Params::builtin(), healing::Params::builtin());
    r.tolerance = o.tolerance;
    r.pass = std::abs(r.predicted - r.observed) <= r.tolerance;
    r.used_for_fitting = o.used_for_fitting;
    r.note = o.note;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace mnsim::validation
