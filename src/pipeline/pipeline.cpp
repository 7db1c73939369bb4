#include "mnsim/pipeline/pipeline.hpp"

#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/transport_input.hpp"

namespace mnsim::pipeline {

anatomy::Subject subject_of(const cases::Case& c) {
  return anatomy::Subject{c.patient.age_years, c.patient.sex, c.patient.fitzpatrick};
}

healing::Course course_of(const cases::Case& c, const response::InjuryDose& dose,
                          std::optional<double> anaesthetic_depth_um,
                          const healing::Hypotheses& hypotheses, int steps_per_day, double rel_tol,
                          std::size_t zone) {
  healing::CourseOptions opt;
  opt.steps_per_day = steps_per_day;
  opt.rel_tol = rel_tol;
  opt.horizon_days = c.course.horizon_days;
  opt.closure = puncture::closure_conditions(c, zone);
  opt.hypotheses = hypotheses;
  opt.anaesthetic_depth_um = anaesthetic_depth_um.value_or(0.0);
  return healing::simulate_course(
      healing::regular_sessions(c.course.sessions, c.course.interval_days, dose), subject_of(c),
      opt);
}

RunResult run(const cases::Case& c, const anatomy::Atlas& atlas, const Options& options) {
  RunResult r;
  r.case_ = c;
  const auto subject = subject_of(c);
  std::vector<transport::ZoneSkin> skins;
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    ZoneResult zr;
    zr.zone = c.zones[i];
    zr.mean_stack = atlas.stack(zr.zone.site, subject);
    zr.dermis_range_um = atlas.dermis_range_um(zr.zone.site, subject);
    Punctured p = puncture_zone(c, i, atlas);
    zr.skin = p.skin;
    zr.pattern = std::move(p.pattern);
    zr.dose = injury_dose(zr.pattern, zr.skin);
    skins.push_back({zr.skin, channel_spec(zr.pattern, puncture::closure_conditions(c, i)),
                     channel_layout(zr.pattern, units::from_um(c.simulation.dx_um))});
    r.zones.push_back(std::move(zr));
  }
  const bool has_product = c.product.has_value() || c.procedure.anaesthetic.has_value();
  if (options.delivery && (has_product || c.medium)) {
    r.delivery = deliver_case(c, resolved_device(c), skins, options.progress);
  }
  for (std::size_t i = 0; i < r.zones.size(); ++i) {
    auto& zr = r.zones[i];
    // The intact-skin numbed depth when the cream comes off and needling starts.
    const auto& an = r.delivery ? r.delivery->zones[i].anaesthetic : std::nullopt;
    if (an && c.procedure.anaesthetic) {
      zr.anaesthetic_depth_um =
          an->numbed_depth_intact_um_at(units::from_minutes(c.procedure.anaesthetic->minutes));
    }
    zr.course = course_of(c, zr.dose, zr.anaesthetic_depth_um, options.hypotheses, 24, 1e-8, i);
  }
  if (options.uncertainty && !c.medium && !c.zones.empty())
    r.uncertainty = uncertainty(c, atlas, {options.delivery, true, options.hypotheses});
  return r;
}

}  // namespace mnsim::pipeline
