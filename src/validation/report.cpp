#include "mnsim/validation/report.hpp"

namespace mnsim::validation {

using nlohmann::json;

json to_json(const Row& r) {
  return {{"id", r.id},
          {"stage", r.stage},
          {"source", r.source},
          {"quantity", r.quantity},
          {"unit", r.unit},
          {"condition", r.condition},
          {"observed", r.observed},
          {"predicted", r.predicted},
          {"tolerance", r.tolerance},
          {"pass", r.pass},
          {"used_for_fitting", r.used_for_fitting},
          {"note", r.note}};
}

}  // namespace mnsim::validation
