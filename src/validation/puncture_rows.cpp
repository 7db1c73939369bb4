// Puncture validation rows: insertion mechanics and pen kinematics against
// published depths, openings, forces and channel rates.
#include <cmath>

#include <fmt/format.h>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/puncture/human_data.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/puncture/mechanics.hpp"
#include "mnsim/puncture/pattern.hpp"
#include "mnsim/validation/validation.hpp"
#include "row_reader.hpp"

namespace mnsim::validation {

namespace {

using puncture::MechanicsParams;

// The kalluri2011 roller of the calibration, at the bottom of the drum.
struct RollerAtBottom {
  puncture::Insertion insertion;
  puncture::Opening opening;
};
RollerAtBottom calibration_at_bottom(const MechanicsParams& p, const anatomy::Atlas& atlas) {
  const auto c = puncture::calibration_roller(p, atlas);
  RollerAtBottom r;
  r.insertion = c.model.at_travel(c.contact.bottom_travel_m.first);
  r.opening = puncture::roller_opening(c.needle, 0.5 * c.device.drum_diameter_m,
                                       c.contact.axle_height_m.first, r.insertion);
  return r;
}

const puncture::HumanDatum* human_datum(const std::string& id) {
  for (const auto& d : puncture::builtin_human_data())
    if (d.id == id)
      return &d;
  return nullptr;
}

}  // namespace

std::vector<Row> puncture_rows(const anatomy::Atlas& atlas) {
  namespace data = core::data;
  constexpr std::string_view kPath = "data/validation/puncture.toml";
  const toml::table root = data::parse(kPath);
  const auto& p = MechanicsParams::builtin();
  std::vector<Row> rows;
  for (const auto& node : data::array_of_tables(root, "row", {std::string(kPath)})) {
    const auto& t = *node.as_table();
    detail::RowStart start = detail::read_row_start(t, kPath, "puncture");
    Row& r = start.row;
    const auto& w = start.where;
    if (r.note.empty())
      w.fail("note", "every puncture row explains its configuration");
    if (r.quantity == "roller_depth_um" || r.quantity == "roller_opening_um") {
      const auto at = calibration_at_bottom(p, atlas);
      r.unit = "um";
      r.predicted =
          units::to_um(r.quantity == "roller_depth_um" ? at.insertion.depth_m : at.opening.major_m);
      r.condition = fmt::format("roller {:.0f} um needles, {} as stand-in skin",
                                units::to_um(p.calibration.needle_length_m), p.calibration.site);
    } else if (const auto* d = human_datum(r.id)) {
      r.unit = std::string(puncture::unit_of(r.quantity));
      r.predicted = puncture::predict(*d, p, atlas);
      r.condition = d->condition;
    } else if (r.quantity == "puncture_force_mn") {
      puncture::Needle n;
      n.tip_radius_m = units::from_um(data::positive(t, "tip_radius_um", w));
      const puncture::InsertionModel m(n, p.reference_modulus_pa, p);
      r.unit = "mN";
      r.predicted = m.puncture_force_n() / units::kMN;
      r.condition = fmt::format("tip radius {} um, reference skin",
                                core::format_number(units::to_um(n.tip_radius_m)));
    } else if (r.quantity == "pen_channels_per_s") {
      const std::string model = data::string(t, "model", w);
      const double depth = data::positive(t, "depth_mm", w);
      const std::string site = data::string(t, "site", w);
      const auto c = io::parse_case(
          fmt::format("[device]\nmodel = \"{}\"\n[procedure]\npasses = 1\n[[zones]]\nsite = "
                      "\"{}\"\ndepth_mm = {}\n",
                      model, site, depth),
          w.text);
      auto in = pipeline::pattern_input(c, 0, atlas);
      in.skin = atlas.stack(site, anatomy::Subject{});  // the population mean, not a draw
      in.zone_area_m2 = 1e-4;
      const auto z = puncture::simulate(in, p);
      r.unit = "channels/s";
      r.predicted = z.channels_per_s.value_or(0.0);
      r.condition = fmt::format("{} at {} mm, {}", model, core::format_number(depth), site);
    } else {
      w.fail("quantity", fmt::format("unknown quantity '{}'", r.quantity));
    }
    r.pass = std::abs(r.predicted - r.observed) <= r.tolerance;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace mnsim::validation
