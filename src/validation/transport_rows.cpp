// Transport validation rows: anaesthetic onset and channel resealing (the
// puncture stage's law, used by transport and response) against
// published figures (data/validation/transport.toml).
#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "../core/data_toml.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/puncture/resealing.hpp"
#include "mnsim/transport/anaesthetic.hpp"
#include "mnsim/transport/product.hpp"
#include "mnsim/validation/validation.hpp"
#include "row_reader.hpp"

namespace mnsim::validation {

std::vector<Row> transport_rows() {
  namespace data = core::data;
  constexpr std::string_view kPath = "data/validation/transport.toml";
  const toml::table root = data::parse(kPath);
  const auto& law = puncture::ResealingLaw::builtin();
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
      puncture::ClosureConditions k;
      puncture::ClosureConditions k0;
      k.needle_length_m = units::from_um(data::positive(t, "length_um", w));
      k0.needle_length_m = units::from_um(data::positive(t, "reference_length_um", w));
      r.unit = std::string("ratio");
      r.predicted = law.reseal_time_s(k) / law.reseal_time_s(k0);
      r.condition =
          fmt::format("needle {} vs {} um", core::format_number(units::to_um(k.needle_length_m)),
                      core::format_number(units::to_um(k0.needle_length_m)));
    } else if (r.quantity == "reseal_h") {
      puncture::ClosureConditions k;
      k.needle_length_m = units::from_um(data::positive(t, "length_um", w));
      k.occluded = data::boolean(t, "occluded", w);
      k.age_years =
          t.contains("age_years") ? data::positive(t, "age_years", w) : law.young_age_years;
      k.site = t.contains("site") ? data::string(t, "site", w) : law.reference_site;
      r.unit = std::string("h");
      r.predicted = units::to_hours(law.reseal_time_s(k));
      r.condition = fmt::format(
          "needle {} um, {}, {} y, {}", core::format_number(units::to_um(k.needle_length_m)),
          k.occluded ? "occluded" : "unoccluded", core::format_number(k.age_years), k.site);
    } else if (r.quantity == "kp_ph_ratio" || r.quantity == "log10_kp_ph_ratio") {
      // Intact-skin kp of an ionisable drug at pH vs reference pH (same drug),
      // as a ratio or its log10. membrane_thickness_um (optional): an excised
      // in-vitro membrane (dermatomed skin) of that total thickness - the
      // dermis is cut to what is left below the epidermis; absent: the
      // site's whole stack down to the bottom of the dermis.
      transport::ProductSpec p;
      p.mw_da = data::positive(t, "mw_da", w);
      p.log_kow = data::real(t, "log_kow", w);
      if (t.contains("pka_acid"))
        p.pka_acid = data::real(t, "pka_acid", w);
      if (t.contains("pka_base"))
        p.pka_base = data::real(t, "pka_base", w);
      p.concentration_mg_per_ml = 1;
      p.dose_ul_per_cm2 = 1;
      const std::string site = data::string(t, "site", w);
      const double ph = data::real(t, "ph", w);
      const double ph0 = data::real(t, "reference_ph", w);
      const auto& atlas = anatomy::Atlas::builtin();
      const auto stack = atlas.stack(site, anatomy::Subject{45, anatomy::Sex::Female, 3});
      std::optional<double> membrane_m;
      if (t.contains("membrane_thickness_um"))
        membrane_m = units::from_um(data::positive(t, "membrane_thickness_um", w));
      const auto& model = transport::PropertyModel::builtin();
      auto kp_at = [&](double v) {
        p.formulation_ph = v;
        auto m = transport::skin_medium(stack, atlas, p, model, false, true);
        if (membrane_m) {
          double above_dermis = 0;
          for (const auto& l : m.layers) {
            if (l.name != transport::kDermis)
              above_dermis += l.thickness_m;
          }
          for (auto& l : m.layers) {
            if (l.name == transport::kDermis)
              l.thickness_m = std::max(0.0, *membrane_m - above_dermis);
          }
        }
        return transport::steady_permeability_m_s(m);
      };
      const double ratio = kp_at(ph) / kp_at(ph0);
      if (r.quantity == "kp_ph_ratio") {
        r.unit = std::string("ratio");
        r.predicted = ratio;
      } else {
        r.unit = std::string("log10");
        r.predicted = std::log10(ratio);
      }
      r.condition = fmt::format(
          "intact {} {}, pH {} vs {}", site,
          membrane_m
              ? fmt::format("skin, {} um membrane", core::format_number(units::to_um(*membrane_m)))
              : std::string("skin"),
          core::format_number(ph), core::format_number(ph0));
    } else {
      w.fail("quantity", fmt::format("unknown quantity '{}'", r.quantity));
    }
    r.pass = std::abs(r.predicted - r.observed) <= r.tolerance;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace mnsim::validation
