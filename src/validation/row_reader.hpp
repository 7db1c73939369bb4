// Private: the fields every data/validation/*.toml row has (id, source,
// quantity, observed, tolerance, used_for_fitting, note), read and checked
// once for all stages.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/validation/validation.hpp"

namespace mnsim::validation::detail {

struct RowStart {
  Row row;                  // predicted, unit, condition and pass still to fill
  core::data::Where where;  // names the row in messages
};

inline RowStart read_row_start(const toml::table& t, std::string_view path,
                               std::string_view stage) {
  namespace data = core::data;
  Row r;
  r.id = data::string(t, "id", {fmt::format("{}: a [[row]]", path)});
  data::Where w{fmt::format("{}: row '{}'", path, r.id)};
  r.stage = std::string(stage);
  r.source = data::string(t, "source", w);
  core::Bibliography::builtin().require({r.source}, w.text);
  r.quantity = data::string(t, "quantity", w);
  r.observed = data::real(t, "observed", w);
  r.tolerance = data::real(t, "tolerance", w);
  if (!(r.tolerance >= 0))
    w.fail("tolerance", "must be >= 0");
  r.used_for_fitting = data::boolean(t, "used_for_fitting", w);
  if (const auto* n = t.get("note"); n != nullptr && n->is_string())
    r.note = n->as_string()->get();
  return {std::move(r), std::move(w)};
}

}  // namespace mnsim::validation::detail
