// The course ODE system (docs/models/healing.md) and its solution.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
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
  const double nm = y[kNewMatrix];
  const double activation =
      hp.fibroblast_activation_per_day * (hyp.prp ? hp.prp_activation_factor : 1.0);
  const double production =
      hp.collagen_production_per_day * (hyp.vitamin_c ? hp.vitamin_c_production_factor : 1.0);
  const double room = 1.0 - (nm + c3 + c1) / hp.collagen_capacity_rel;
  const double degradation = hp.inflammatory_degradation_per_day * s;
  dydt[kInflammation] =
      rp.mediator_decay_per_day * y[response::kMediator] - hp.inflammation_removal_per_day * inflam;
  dydt[kFibroblasts] = activation * s * (1.0 - f) - hp.fibroblast_deactivation_per_day * f;
  // Secreted matrix becomes collagen fibres (type III first) at k_m: the slow
  // maturation that lets the fibre collagen keep rising after the last session.
  dydt[kNewMatrix] = production * f * room - hp.matrix_maturation_per_day * nm - degradation * nm;
  dydt[kCollagen3] =
      hp.matrix_maturation_per_day * nm - hp.collagen3_to_1_per_day * c3 - degradation * c3;
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

// Internal to this file (named, not anonymous: CourseFamily::Impl holds a
// CourseIntegrator, and a unity build would then warn of subobject linkage).
namespace course_detail {

// The course's integrator. The acute states that feed no remodelling state
// (erythema drive X, oedema fluid O, open pores P, stratum-corneum deficit S)
// are linear with constant rates between sessions: they are evaluated exactly
// (response::acute_state_at) from their values after the last jump and held
// constant inside CVODE, whose steps they would otherwise limit while they
// decay by many orders of magnitude. The mediator M (it drives the
// inflammation) and the remodelling states are integrated. reset() and
// advance_to() are StiffOde's, on the whole state.
class CourseIntegrator {
 public:
  CourseIntegrator(const anatomy::Subject& subject, const CourseOptions& options,
                   const response::Params& rp, const Params& hp)
      : rp_(rp),
        barrier_per_day_(24.0 * rp.barrier_rate_per_h(subject.age_years)),
        pore_per_day_(puncture::ResealingLaw::builtin().closure_rate_per_s(options.closure) *
                      units::kDay),
        ode_(
            kStateCount,
            [&rp, &hp, hyp = options.hypotheses, b = barrier_per_day_, p = pore_per_day_](
                double, std::span<const double> y, std::span<double> dy) {
              course_rhs(rp, hp, hyp, b, p, y, dy);
              for (const std::size_t i : kExact)
                dy[i] = 0;
            },
            core::StiffOdeOptions{options.rel_tol, 1e-12, 100000}) {}

  // (Re)starts at time t with state y (after a session's jump).
  void reset(double t, std::span<const double> y) {
    t0_ = t;
    std::copy(y.begin(), y.begin() + response::kAcuteStates, a0_.begin());
    ode_.reset(t, y);
  }

  std::span<const double> advance_to(double t_out) { return advance_to(t_out, t_out); }
  std::span<const double> advance_to(double t_out, double t_stop) {
    const auto s = ode_.advance_to(t_out, t_stop);
    std::copy(s.begin(), s.end(), y_.begin());
    const auto acute =
        response::acute_state_at(rp_, barrier_per_day_, pore_per_day_, a0_, t_out - t0_);
    for (const std::size_t i : kExact)
      y_[i] = acute[i];
    return y_;
  }

 private:
  static constexpr std::array<std::size_t, 4> kExact{
      response::kErythemaDrive, response::kOedemaFluid, response::kOpenPores, response::kScDeficit};
  const response::Params& rp_;
  double barrier_per_day_;
  double pore_per_day_;
  core::StiffOde ode_;
  double t0_ = 0;
  std::array<double, response::kAcuteStates> a0_{};
  std::array<double, kStateCount> y_{};
};

double grid_time(std::size_t k, std::size_t steps) {
  return static_cast<double>(k) / static_cast<double>(steps);
}

// One point t of the course's fine time grid: the sessions due by t (those in
// (previous grid point, t]) are applied exactly at their times -- integrate to
// each, jump, restart; on_session(index, day, state) after each restart --
// then the state at t. With no discontinuity before the next session (or
// t_end) the integrator steps freely there and interpolates the grid points.
template <class OnSession>
std::span<const double> walk_to(CourseIntegrator& ode, const response::Params& rp,
                                const std::vector<Session>& sessions, std::size_t& next_session,
                                double t, double t_end, OnSession&& on_session) {
  while (next_session < sessions.size() && sessions[next_session].day <= t) {
    const double ts = sessions[next_session].day;
    std::array<double, kStateCount> js{};
    const auto at = ode.advance_to(ts);
    std::copy(at.begin(), at.end(), js.begin());
    response::add_session(rp, sessions[next_session].dose, js);
    ode.reset(ts, js);
    on_session(next_session, ts, js);
    ++next_session;
  }
  const double t_stop =
      next_session < sessions.size() ? std::min(sessions[next_session].day, t_end) : t_end;
  const auto state = ode.advance_to(t, std::max(t, t_stop));
  for (const double v : state) {
    if (v < -1e-9)
      throw NumericalError("healing: a state became negative (t = " + std::to_string(t) + " d)");
  }
  return state;
}

}  // namespace course_detail

using course_detail::CourseIntegrator;
using course_detail::grid_time;
using course_detail::walk_to;

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

  CourseIntegrator ode(subject, options, rp, hp);
  Course out;
  out.hypotheses = options.hypotheses.names();
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
  const double t_end = grid_time(total, steps);
  double day_max_e = 0;
  double day_max_o = 0;
  std::span<const double> state = y;
  for (std::size_t k = 0; k <= total; ++k) {
    const double t = grid_time(k, steps);
    state = walk_to(
        ode, rp, sessions, next_session, t, t_end,
        [&](std::size_t, double ts, std::span<const double>) { out.session_days.push_back(ts); });
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

struct CourseFamily::Impl {
  // The state just after session `index`'s jump, at grid iteration k.
  struct Checkpoint {
    std::size_t k = 0;
    double day = 0;
    std::array<double, kStateCount> y{};
  };

  Impl(const response::InjuryDose& d, double interval, const anatomy::Subject& s,
       const CourseOptions& o, const response::Params& r, const Params& h)
      : dose(d),
        interval_days(interval),
        subject(s),
        options(o),
        rp(r),
        hp(h),
        steps(static_cast<std::size_t>(o.steps_per_day)),
        prefix(s, o, r, h) {
    std::array<double, kStateCount> y{};
    prefix.reset(0.0, y);
  }

  // Walks the longest course so far until the state after session s - 1 is
  // kept. The schedule always holds one session more than has been applied,
  // so every step is the one a longer course takes (its stop time is the
  // next session, never the end).
  void extend_to(std::size_t s) {
    while (after.size() < s) {
      const std::size_t wanted = after.size() + 2;
      while (schedule.size() < wanted)
        schedule.push_back({static_cast<double>(schedule.size()) * interval_days, dose});
      const std::size_t before = after.size();
      while (after.size() == before) {
        walk_to(prefix, rp, schedule, next_session, grid_time(k, steps),
                std::numeric_limits<double>::infinity(),
                [&](std::size_t, double ts, std::span<const double> js) {
                  Checkpoint cp;
                  cp.k = k;
                  cp.day = ts;
                  std::copy(js.begin(), js.end(), cp.y.begin());
                  after.push_back(cp);
                });
        ++k;
      }
    }
  }

  response::InjuryDose dose;
  double interval_days;
  anatomy::Subject subject;
  CourseOptions options;
  const response::Params& rp;
  const Params& hp;
  std::size_t steps;
  CourseIntegrator prefix;  // the longest course walked so far
  std::vector<Session> schedule;
  std::size_t next_session = 0;
  std::size_t k = 0;  // the prefix's next grid iteration
  std::vector<Checkpoint> after;
};

CourseFamily::CourseFamily(const response::InjuryDose& dose, double interval_days,
                           const anatomy::Subject& subject, const CourseOptions& options,
                           const response::Params& rp, const Params& hp) {
  std::vector<InputIssue> issues;
  if (!(interval_days > 0) || !std::isfinite(interval_days))
    issues.push_back({"<course>", "interval_days", std::to_string(interval_days), "must be > 0"});
  if (options.steps_per_day < 1)
    issues.push_back(
        {"<course>", "steps_per_day", std::to_string(options.steps_per_day), "must be >= 1"});
  if (!issues.empty())
    throw InputError(std::move(issues));
  impl_ = std::make_unique<Impl>(dose, interval_days, subject, options, rp, hp);
}

CourseFamily::~CourseFamily() = default;

double CourseFamily::collagen_rel_end(int sessions, double horizon_days) {
  Impl& m = *impl_;
  const double last_day = (sessions - 1) * m.interval_days;
  if (sessions < 1 || !(horizon_days >= std::max(1.0, last_day)) || !std::isfinite(horizon_days))
    throw InputError(InputIssue{"<course>", "sessions/horizon_days",
                                std::to_string(sessions) + "/" + std::to_string(horizon_days),
                                "needs >= 1 session within [1 day, horizon_days]"});
  m.extend_to(static_cast<std::size_t>(sessions));
  const Impl::Checkpoint& cp = m.after[static_cast<std::size_t>(sessions - 1)];
  // The follow-up: as simulate_course after its last session (a fresh start
  // at the checkpoint is the restart simulate_course made there).
  const std::size_t total = static_cast<std::size_t>(std::floor(horizon_days)) * m.steps;
  const double t_end = grid_time(total, m.steps);
  CourseIntegrator ode(m.subject, m.options, m.rp, m.hp);
  ode.reset(cp.day, cp.y);
  const std::vector<Session> none;
  std::size_t next = 0;
  std::span<const double> state;
  for (std::size_t k = cp.k; k <= total; ++k)
    state = walk_to(ode, m.rp, none, next, grid_time(k, m.steps), t_end,
                    [](std::size_t, double, std::span<const double>) {});
  return 1.0 + (state[kCollagen3] + state[kCollagen1]);  // as simulate_course sums it
}

}  // namespace mnsim::healing
