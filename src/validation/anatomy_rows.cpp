// Anatomy validation rows: the atlas (mean stack at the datum's site, sex and
// age) against published thicknesses.
#include <cmath>

#include <fmt/format.h>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/validation/validation.hpp"
#include "row_reader.hpp"

namespace mnsim::validation {

namespace {

using anatomy::Layer;
using anatomy::Sex;

double quantity_um(const anatomy::LayerStack& st, const std::string& quantity,
                   const core::data::Where& w) {
  if (quantity == "epidermis_um")
    return units::to_um(st.epidermis_m());
  if (quantity == "dermis_um")
    return units::to_um(st.dermis_m());
  if (quantity == "skin_um")
    return units::to_um(st.epidermis_m() + st.dermis_m());
  if (quantity == "subcutis_um")
    return units::to_um(st.thickness_m(Layer::Subcutis));
  if (quantity == "stratum_corneum_um")
    return units::to_um(st.thickness_m(Layer::StratumCorneum));
  w.fail("quantity", fmt::format("unknown quantity '{}'", quantity));
}

// The model's value for a (site, sex, age); sex "any" is the mean of both.
double predict(const anatomy::Atlas& atlas, const std::string& site, const std::string& sex,
               double age, const std::string& quantity, const core::data::Where& w) {
  auto one = [&](Sex s) {
    return quantity_um(atlas.stack(site, anatomy::Subject{age, s, 3}), quantity, w);
  };
  if (sex == "female")
    return one(Sex::Female);
  if (sex == "male")
    return one(Sex::Male);
  if (sex == "any")
    return 0.5 * (one(Sex::Female) + one(Sex::Male));
  w.fail("sex", "must be female, male or any");
}

}  // namespace

std::vector<Row> anatomy_rows(const anatomy::Atlas& atlas) {
  namespace data = core::data;
  constexpr std::string_view kPath = "data/validation/anatomy.toml";
  const toml::table root = data::parse(kPath);
  std::vector<Row> rows;
  for (const auto& node : data::array_of_tables(root, "row", {std::string(kPath)})) {
    const auto& t = *node.as_table();
    detail::RowStart start = detail::read_row_start(t, kPath, "anatomy");
    Row& r = start.row;
    const auto& w = start.where;
    const std::string site = data::string(t, "site", w);
    if (atlas.find(site) == nullptr)
      w.fail("site", "not an atlas site");
    const std::string sex = data::string(t, "sex", w);
    const double age = data::real(t, "age_years", w);
    if (r.quantity == "dermis_rel_change") {
      const double age_ref = data::real(t, "age_ref_years", w);
      r.unit = "fraction";
      r.predicted = predict(atlas, site, sex, age, "dermis_um", w) /
                        predict(atlas, site, sex, age_ref, "dermis_um", w) -
                    1.0;
      r.condition = fmt::format("{}, {}, age {} vs {}", site, sex, core::format_number(age),
                                core::format_number(age_ref));
    } else {
      r.unit = "um";
      r.predicted = predict(atlas, site, sex, age, r.quantity, w);
      r.condition = fmt::format("{}, {}, age {}", site, sex, core::format_number(age));
    }
    r.pass = std::abs(r.predicted - r.observed) <= r.tolerance;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace mnsim::validation
