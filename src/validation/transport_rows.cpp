// Transport validation rows: anaesthetic onset and channel resealing against
// published figures (data/validation/transport.toml).
#include <cmath>

#include <fmt/format.h>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/transport/anaesthetic.hpp"
#include "mnsim/validation/validation.hpp"
#include "row_reader.hpp"

namespace mnsim::validation {

std::vector<Row> transport_rows() {
  namespace data = core::data;
  constexpr std::string_view kPath = "data/validation/transport.toml";
  const toml::table root = data::parse(kPath);
  const auto& law = transport::ResealingLaw::builtin();
  const auto& an = transport::AnaestheticModel::builtin();
  std::vector<Row> rows;
  for (const auto& node : data::array_of_tables(root, "row", {std::string(kPath)})) {
    const auto& t = *node.as_table();
    detail::RowStart start = detail::read_row_start(t, kPath, "transport");
    Row r = std::move(start.row);
    const data::Where w = std::move(start.where);
    if (r.quantity == "numbing_peak_min" || r.quantity == "numbing_max_depth_um") {
      const std::string pid = data::string(t, "product", w);
      const auto* p = transport::ProductCatalogue::builtin().find(pid);
      if (p == nullptr)
        w.fail("product", "not in the product catalogue");
      const std::string site = data::string(t, "site", w);
      const double app_min = data::positive(t, "application_min", w);
      double depth_um = 0;
      const double peak_s =
          transport::numbing_peak_time_s(*p, site, app_min * 60, an.threshold_ug_per_ml, &depth_um);
      if (r.quantity == "numbing_peak_min") {
        // std::string(...) rather than a literal: GCC 12 reports a false -Wrestrict
        // on assigning a literal here (GCC bug 105329).
        r.unit = std::string("min");
        r.predicted = peak_s / 60;
      } else {
        r.unit = std::string("um");
        r.predicted = depth_um;
      }
      r.condition = fmt::format("{}, intact skin, {} min application, {}", pid,
                                core::format_number(app_min), site);
    } else if (r.quantity == "reseal_ratio") {
      const double l = units::from_um(data::positive(t, "length_um", w));
      const double l0 = units::from_um(data::positive(t, "reference_length_um", w));
      r.unit = std::string("ratio");
      r.predicted = law.reseal_time_s(l, false) / law.reseal_time_s(l0, false);
      r.condition = fmt::format("needle {} vs {} um", core::format_number(units::to_um(l)),
                                core::format_number(units::to_um(l0)));
    } else if (r.quantity == "reseal_h") {
      const double l = units::from_um(data::positive(t, "length_um", w));
      const bool occ = data::boolean(t, "occluded", w);
      r.unit = std::string("h");
      r.predicted = units::to_hours(law.reseal_time_s(l, occ));
      r.condition = fmt::format("needle {} um, {}", core::format_number(units::to_um(l)),
                                occ ? "occluded" : "unoccluded");
    } else {
      w.fail("quantity", fmt::format("unknown quantity '{}'", r.quantity));
    }
    r.pass = std::abs(r.predicted - r.observed) <= r.tolerance;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace mnsim::validation
