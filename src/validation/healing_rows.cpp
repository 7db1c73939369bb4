// Response and healing validation rows: data/validation/healing.toml (the same
// table the calibration fit reads) against the built-in parameters.
#include <cmath>

#include "mnsim/core/error.hpp"
#include "mnsim/healing/observations.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/validation/validation.hpp"

namespace mnsim::validation {

std::vector<healing::Observation> healing_observations(const anatomy::Atlas& atlas) {
  const std::string path = "data/validation/healing.toml";
  auto obs = healing::load_observations(path);
  for (auto& o : obs) {
    if (o.protocol_case_toml.empty())
      continue;
    const auto fail = [&](const std::string& problem) {
      throw DataError(path + ": row '" + o.id + "': key 'protocol': " + problem);
    };
    cases::Case c;
    try {
      c = io::parse_case(o.protocol_case_toml, path + " row '" + o.id + "' protocol");
    } catch (const InputError& e) {
      fail(e.issues().front().describe());
    }
    if (c.zones.empty())
      fail("needs one [[zones]] entry");
    o.protocol = pipeline::healing_protocol(c, atlas);
  }
  return obs;
}

std::vector<Row> healing_rows() {
  std::vector<Row> rows;
  for (const auto& o : healing_observations(anatomy::Atlas::builtin())) {
    Row r;
    r.id = o.id;
    r.stage = o.quantity == "collagen_rel_change" || o.quantity == "epidermis_rel_change" ||
                      o.quantity == "collagen_gain_ratio"
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
