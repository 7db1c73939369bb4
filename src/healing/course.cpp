// The course ODE system (docs/models/healing.md) and its solution.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/ode.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/healing/healing.hpp"

namespace mnsim::healing {

void course_rhs(const response::Params& rp, const Params& hp, const Hypotheses& hyp,
                double barrier_per_day, double pore_close_per_day, std::span<const double> y,
                std::span<double> dydt) {
  response::acute_rhs(rp, barrier_per_day, pore_close_per_day, y.first(response::kAcuteStates),
                      dydt.first(response::kAcuteStates));
  const double inflam = std::max(0.0, y[kInflammation]);
  const double s = inflam / (inflam + hp.stimulus_half_load_um);
  const double f = y[kFibroblasts];
  const double c3 = y[kCollagen3];
  const double c1 = y[kCollagen1];
  const double activation =
      hp.fibroblast_activation_per_day * (hyp.prp ? hp.prp_activation_factor : 1.0);
  const double production =
      hp.collagen_production_per_day * (hyp.vitamin_c ? hp.vitamin_c_production_factor : 1.0);
  const double room = 1.0 - (c3 + c1) / hp.collagen_capacity_rel;
  const double degradation = hp.inflammatory_degradation_per_day * s;
  dydt[kInflammation] =
      rp.mediator_decay_per_day * y[response::kMediator] - hp.inflammation_removal_per_day * inflam;
  dydt[kFibroblasts] = activation * s * (1.0 - f) - hp.fibroblast_deactivation_per_day * f;
  dydt[kCollagen3] = production * f * room - hp.collagen3_to_1_per_day * c3 - degradation * c3;
  dydt[kCollagen1] =
      hp.collagen3_to_1_per_day * c3 - hp.collagen1_removal_per_day * c1 - degradation * c1;
  dydt[kElastin] = hp.elastin_production_ratio * production * f * room -
                   hp.elastin_removal_per_day * y[kElastin];
  dydt[kEpidermis] =
      hp.epidermis_production_per_day * f * (1.0 - y[kEpidermis] / hp.epidermis_capacity_rel) -
      hp.epidermis_regression_per_day * y[kEpidermis];
}

std::vector<Session> regular_sessions(int count, double interval_days,
                                      const response::InjuryDose& dose) {
  std::vector<Session> out;
  for (int i = 0; i < count; ++i)
    out.push_back({i * interval_days, dose});
  return out;
}

Course simulate_course(const std::vector<Session>& sessions, const anatomy::Subject& subject,
                       const CourseOptions& options, const response::Params& rp, const Params& hp) {
  std::vector<InputIssue> issues;
  if (!(options.horizon_days >= 1) || !std::isfinite(options.horizon_days))
    issues.push_back(
        {"<course>", "horizon_days", std::to_string(options.horizon_days), "must be >= 1 day"});
  if (options.steps_per_day < 1)
    issues.push_back(
        {"<course>", "steps_per_day", std::to_string(options.steps_per_day), "must be >= 1"});
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const double d = sessions[i].day;
    if (!(d >= 0) || d > options.horizon_days || (i > 0 && !(d > sessions[i - 1].day)))
      issues.push_back({"<course>", "sessions[" + std::to_string(i) + "].day", std::to_string(d),
                        "sessions must be in increasing order within [0, horizon_days]"});
  }
  if (!issues.empty())
    throw InputError(std::move(issues));

  const double barrier_per_day = 24.0 * rp.barrier_rate_per_h(subject.age_years);
  const double pore_per_day =
      puncture::ResealingLaw::builtin().closure_rate_per_s(options.closure) * units::kDay;
  const Hypotheses hyp = options.hypotheses;
  core::StiffOde ode(
      kStateCount,
      [&](double, std::span<const double> y, std::span<double> dy) {
        course_rhs(rp, hp, hyp, barrier_per_day, pore_per_day, y, dy);
      },
      core::StiffOdeOptions{options.rel_tol, 1e-12, 100000});

  Course out;
  out.hypotheses = hyp.names();
  const auto n_days = static_cast<std::size_t>(std::floor(options.horizon_days));
  const auto steps = static_cast<std::size_t>(options.steps_per_day);
  std::array<double, kStateCount> y{};
  ode.reset(0.0, y);
  std::size_t next_session = 0;
  auto observe_day = [&](std::size_t day, std::span<const double> s) {
    const double inflam = std::max(0.0, s[kInflammation]);
    const double c = s[kCollagen3] + s[kCollagen1];
    out.days.push_back(static_cast<double>(day));
    out.inflammation.push_back(inflam / (inflam + hp.stimulus_half_load_um));
    out.collagen3_rel.push_back(s[kCollagen3]);
    out.collagen1_rel.push_back(s[kCollagen1]);
    out.collagen_rel.push_back(1.0 + c);
    out.elastin_rel.push_back(1.0 + s[kElastin]);
    out.dermal_thickness_rel.push_back(1.0 + hp.collagen_volume_share * c +
                                       hp.elastin_volume_share * s[kElastin]);
    out.epidermal_thickness_rel.push_back(1.0 + s[kEpidermis]);
  };
  // Walk the fine time grid t = k / steps_per_day; apply sessions exactly at
  // their times (the integrator restarts after each jump).
  const std::size_t total = n_days * steps;
  const double t_end = static_cast<double>(total) / static_cast<double>(steps);
  double day_max_e = 0;
  double day_max_o = 0;
  std::span<const double> state = y;
  for (std::size_t k = 0; k <= total; ++k) {
    const double t = static_cast<double>(k) / static_cast<double>(steps);
    // Sessions falling in (previous grid point, t]: integrate to each, jump, restart.
    while (next_session < sessions.size() && sessions[next_session].day <= t) {
      const double ts = sessions[next_session].day;
      std::array<double, kStateCount> js{};
      const auto at = ode.advance_to(ts);
      std::copy(at.begin(), at.end(), js.begin());
      response::add_session(rp, sessions[next_session].dose, js);
      ode.reset(ts, js);
      out.session_days.push_back(ts);
      ++next_session;
    }
    // No discontinuity before the next session (or the horizon): the
    // integrator steps freely there and interpolates the grid points.
    const double t_stop =
        next_session < sessions.size() ? std::min(sessions[next_session].day, t_end) : t_end;
    state = ode.advance_to(t, std::max(t, t_stop));
    for (const double v : state) {
      if (v < -1e-9)
        throw NumericalError("healing: a state became negative (t = " + std::to_string(t) + " d)");
    }
    const double e = response::erythema_grade(rp, state);
    const double o = response::oedema_grade(rp, state);
    if (k % steps == 0) {
      const std::size_t day = k / steps;
      if (day > 0) {
        out.erythema.push_back(std::max(day_max_e, e));
        out.oedema.push_back(std::max(day_max_o, o));
      }
      day_max_e = e;
      day_max_o = o;
      observe_day(day, state);
    } else {
      day_max_e = std::max(day_max_e, e);
      day_max_o = std::max(day_max_o, o);
    }
  }
  // The last day's window ends at the horizon.
  out.erythema.push_back(day_max_e);
  out.oedema.push_back(day_max_o);

  out.collagen_rel_peak = *std::max_element(out.collagen_rel.begin(), out.collagen_rel.end());
  out.collagen_rel_end = out.collagen_rel.back();
  if (!sessions.empty() && options.first_session_response) {
    response::Options ro;
    ro.anaesthetic_depth_um = options.anaesthetic_depth_um;
    ro.closure = options.closure;
    out.first_session = response::simulate(sessions.front().dose, subject, ro, rp);
    out.erythema_resolved_day = out.first_session.erythema_resolved_day;
  }
  return out;
}

}  // namespace mnsim::healing
