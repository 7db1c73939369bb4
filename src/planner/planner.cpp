#include "mnsim/planner/planner.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "mnsim/core/error.hpp"
#include "mnsim/core/units.hpp"

namespace mnsim::planner {

namespace {

constexpr double kDowntimeTolDays = 1e-9;  // feasibility: downtime <= max + tol
constexpr double kRealTolUm = 1e-9;        // feasibility: real depth <= cap + tol

// What the depth search holds under the limits: the larger of the point
// figure and the conservative quantile (p90; the point figure alone without
// intervals).
double planned_downtime_days(const ZonePrediction& p) {
  return std::max(p.downtime_days, p.limit_downtime_days());
}
double planned_real_depth_um(const ZonePrediction& p) {
  return std::max(p.real_depth_um, p.limit_real_depth_um());
}

// The population's shares beyond the zone's limits (robust planning).
PopulationRisk risk_of(const PopulationDraws& d, const ZoneLimits& zl) {
  PopulationRisk r;
  const std::size_t n = std::min(d.real_depth_um.size(), d.downtime_days.size());
  r.people = static_cast<int>(n);
  r.population = d.population;
  if (n == 0)
    return r;
  std::size_t downtime = 0;
  std::size_t depth = 0;
  std::size_t either = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const bool a = d.downtime_days[k] > zl.max_downtime_days + kDowntimeTolDays;
    const bool b = d.real_depth_um[k] > zl.max_real_depth_um + kRealTolUm;
    downtime += a ? 1 : 0;
    depth += b ? 1 : 0;
    either += a || b ? 1 : 0;
  }
  const auto share = [n](std::size_t k) { return static_cast<double>(k) / static_cast<double>(n); };
  r.p_downtime_exceeds = share(downtime);
  r.p_depth_cap_exceeds = share(depth);
  r.p_exceeds = share(either);
  return r;
}

std::string pct(double rel) {
  return fmt::format("{:+.0f} %", (rel - 1.0) * 100.0);
}

// One zone, one course, one number of passes: the predictions at the
// settings of the device's grid (each at most once).
class DepthProblem {
 public:
  DepthProblem(const cases::Case& c, std::size_t zone, const Predictor& predictor,
               const ZoneLimits& zl, const CourseSetting& course, int passes, double weight,
               std::optional<double> robust_level)
      : c_(c),
        zone_(zone),
        predictor_(predictor),
        zl_(zl),
        course_(course),
        passes_(passes),
        weight_(weight),
        robust_level_(robust_level) {}

  // One prediction per depth setting in `cache`, computed (and checked for
  // finite values) on first use.
  template <class Compute>
  const ZonePrediction& memo(std::map<double, ZonePrediction>& cache, double depth_mm,
                             Compute compute) {
    auto it = cache.find(depth_mm);
    if (it == cache.end()) {
      ZonePrediction p = compute();
      check_finite(p);
      it = cache.emplace(depth_mm, std::move(p)).first;
    }
    return it->second;
  }

  // The course-independent figures (no course run): `conservative` adds the
  // downtime's interval (costlier: a response per draw).
  const ZonePrediction& setting(double depth_mm, bool conservative) {
    return memo(conservative ? conservative_ : cheap_, depth_mm, [&] {
      return predictor_.predict_setting(c_, zone_, ZoneSetting{depth_mm, passes_}, conservative);
    });
  }

  // The objective at the course (runs the course once per setting).
  double objective_at(double depth_mm) {
    return objective(memo(courses_, depth_mm, [&] {
      return predictor_.predict_zone(c_, zone_, ZoneSetting{depth_mm, passes_}, course_);
    }));
  }

  // The prediction at the course with the setting's downtime interval.
  ZonePrediction at(double depth_mm) {
    objective_at(depth_mm);
    ZonePrediction p = courses_.at(depth_mm);
    p.downtime_days_interval = setting(depth_mm, true).downtime_days_interval;
    return p;
  }

  // Robust planning: the population's shares beyond the limits at a setting
  // (nullopt when the rule is off).
  std::optional<PopulationRisk> risk(double depth_mm) {
    if (!robust_level_)
      return std::nullopt;
    auto it = risks_.find(depth_mm);
    if (it == risks_.end()) {
      const auto d = predictor_.predict_population(c_, zone_, ZoneSetting{depth_mm, passes_});
      if (!d || d->real_depth_um.empty()) {
        throw InputError({InputIssue{"<command line>", "--robust", "",
                                     fmt::format("the predictor '{}' cannot draw a population: "
                                                 "robust planning needs the pipeline predictor",
                                                 predictor_.name())}});
      }
      it = risks_.emplace(depth_mm, risk_of(*d, zl_)).first;
    }
    return it->second;
  }
  // The robust rule: the share exceeding either limit at most the level.
  bool robust_ok(double depth_mm) {
    const auto r = risk(depth_mm);
    return !r || r->p_exceeds <= *robust_level_ + 1e-12;
  }

  [[nodiscard]] bool feasible(const ZonePrediction& p) const {
    // The conservative quantile (p90) when the predictor gives intervals,
    // and the point figure as well (the plan shows both).
    return planned_downtime_days(p) <= zl_.max_downtime_days + kDowntimeTolDays &&
           planned_real_depth_um(p) <= zl_.max_real_depth_um + kRealTolUm;
  }
  [[nodiscard]] double objective(const ZonePrediction& p) const {
    return p.collagen_gain_rel - weight_ * p.downtime_days;
  }

 private:
  void check_finite(const ZonePrediction& p) const {
    if (!std::isfinite(p.real_depth_um) || !std::isfinite(p.downtime_days) ||
        !std::isfinite(p.collagen_gain_rel)) {
      throw NumericalError(fmt::format("predictor '{}' returned a non-finite value for zone {}",
                                       predictor_.name(), zone_));
    }
  }

  const cases::Case& c_;
  std::size_t zone_;
  const Predictor& predictor_;
  const ZoneLimits& zl_;
  CourseSetting course_;
  int passes_;
  double weight_;
  std::optional<double> robust_level_;
  std::map<double, PopulationRisk> risks_;
  std::map<double, ZonePrediction> cheap_;
  std::map<double, ZonePrediction> conservative_;
  std::map<double, ZonePrediction> courses_;
};

struct ZoneSolution {
  bool feasible = false;
  ZoneSetting setting;
  ZonePrediction prediction;
  double objective = -std::numeric_limits<double>::infinity();
  std::string binding;
  std::string detail;
  std::optional<PopulationRisk> risk;  // robust planning: at the setting
};

// The settings the device allows within [lo, hi]: lo, then every multiple
// of the step above it up to hi, ascending.
std::vector<double> setting_grid(const ZoneLimits& zl) {
  const double lo = zl.min_setting_mm;
  const double hi = zl.max_setting_mm;
  std::vector<double> out{lo};
  for (auto k = static_cast<long>(std::floor(lo / zl.step_mm + 1e-9)) + 1;; ++k) {
    const double g = std::round(static_cast<double>(k) * zl.step_mm * 1e9) / 1e9;
    if (g > hi + 1e-9)
      break;
    if (g > lo + 1e-9)
      out.push_back(std::min(g, hi));
  }
  return out;
}

std::string setting_cap_words(const ZoneLimits& zl) {
  std::string s = fmt::format("the {} of {:.3g} mm", to_string(zl.setting_cap), zl.max_setting_mm);
  if (zl.phototype_reduced)
    s += " (reduced for the phototype)";
  return s;
}

// The binding constraint of a chosen grid setting: what stops the next
// deeper setting (the setting cap, a real-depth cap, the downtime), or that
// deeper feasible settings are predicted to be no better.
std::pair<std::string, std::string> binding_of(const ZoneLimits& zl, const ZonePrediction& chosen,
                                               const ZonePrediction* next, double next_mm,
                                               bool deepest_feasible, int passes) {
  if (deepest_feasible && next == nullptr)
    return {std::string(to_string(zl.setting_cap)), "setting at " + setting_cap_words(zl)};
  if (deepest_feasible) {
    if (planned_real_depth_um(*next) > zl.max_real_depth_um + kRealTolUm) {
      return {std::string(to_string(zl.real_depth_cap)),
              fmt::format("predicted {}real depth at the {} cap of {:.0f} um (the next setting, "
                          "{:.3g} mm, reaches {:.0f} um)",
                          next->real_depth_um_interval ? "p90 " : "", to_string(zl.real_depth_cap),
                          zl.max_real_depth_um, next_mm, planned_real_depth_um(*next))};
    }
    return {"downtime",
            fmt::format("predicted {}downtime at the accepted {:.3g} days ({} passes; the next "
                        "setting, {:.3g} mm, gives {:.2g} days)",
                        next->downtime_days_interval ? "p90 " : "", zl.max_downtime_days, passes,
                        next_mm, planned_downtime_days(*next))};
  }
  if (chosen.collagen_gain_rel <= 1.0 + 1e-9) {
    return {"no_predicted_gain",
            "no allowed setting is predicted to raise collagen: the least injuring one is given"};
  }
  return {"no_further_gain", "deeper settings are predicted to add no collagen"};
}

// The robust rule's reason, with the numbers.
std::string robust_words(const PopulationRisk& r, double level) {
  return fmt::format(
      "{:.0f} % of a population like the patient ({} people) exceed the accepted downtime or a "
      "real-depth cap (downtime {:.0f} %, depth {:.0f} %), above the robust level of {:.0f} %",
      100 * r.p_exceeds, r.people, 100 * r.p_downtime_exceeds, 100 * r.p_depth_cap_exceeds,
      100 * level);
}

// Why even the shallowest setting is infeasible with `passes` passes.
std::string infeasible_words(const ZoneLimits& zl, const ZonePrediction& at_lo, int passes) {
  const double lo = zl.min_setting_mm;
  const char* q = at_lo.downtime_days_interval ? " (p90)" : "";
  if (planned_downtime_days(at_lo) > zl.max_downtime_days) {
    return fmt::format(
        "even {:.3g} mm with {} pass(es) is predicted to give {:.2g} days "
        "of downtime{}, above the accepted {:.3g}",
        lo, passes, planned_downtime_days(at_lo), q, zl.max_downtime_days);
  }
  return fmt::format(
      "even {:.3g} mm reaches {:.0f} um{}, below which the real-depth cap "
      "of {:.0f} um lies",
      lo, planned_real_depth_um(at_lo), at_lo.real_depth_um_interval ? " (p90)" : "",
      zl.max_real_depth_um);
}

// Depth search: the best setting for one zone and course over every allowed
// number of passes, or infeasible. Per number of passes, on the device's
// setting grid: the settings from the shallowest up until one fails a limit
// (no course is run for it), the best objective among them (the courses),
// then the conservative check stepping down (docs/models/planner.md §2).
ZoneSolution solve_zone(const cases::Case& c, std::size_t zone, const Predictor& predictor,
                        const ZoneLimits& zl, const CourseSetting& course,
                        const PlannerOptions& opt) {
  ZoneSolution best;
  const double lo = zl.min_setting_mm;
  const double hi = zl.max_setting_mm;
  if (!(hi >= lo)) {
    best.binding = std::string(to_string(zl.setting_cap));
    best.detail = fmt::format(
        "the cap ({:.3g} mm) is below the device's shallowest setting "
        "({:.3g} mm): no setting is allowed",
        hi, lo);
    return best;
  }
  const std::vector<double> grid = setting_grid(zl);
  std::string first_infeasible;
  for (int passes = zl.min_passes; passes <= zl.max_passes; ++passes) {
    DepthProblem problem(c, zone, predictor, zl, course, passes, opt.downtime_weight,
                         opt.robust_level);
    // 1. The settings from the shallowest up, at the point figures and the
    //    p90 real depth, until one fails.
    std::size_t n = 0;
    while (n < grid.size() && problem.feasible(problem.setting(grid[n], false)))
      ++n;
    if (n == 0) {
      if (first_infeasible.empty())
        first_infeasible = infeasible_words(zl, problem.setting(lo, false), passes);
      continue;
    }
    // 2. The best objective among them: every one when few, else a ternary
    //    search over the grid indices (a unimodal objective), ties to the
    //    shallower.
    std::size_t a = 0;
    std::size_t b = n - 1;
    while (b - a > 3) {
      const std::size_t m1 = a + (b - a) / 3;
      const std::size_t m2 = b - (b - a) / 3;
      if (problem.objective_at(grid[m1]) < problem.objective_at(grid[m2]))
        a = m1 + 1;
      else
        b = m2;
    }
    std::size_t k = a;
    for (std::size_t j = a + 1; j <= b; ++j) {
      if (problem.objective_at(grid[j]) > problem.objective_at(grid[k]))
        k = j;
    }
    // 3. The conservative check (p90 downtime too) and, under robust
    //    planning, the population's exceedance, stepping down until both hold.
    const auto conservative_ok = [&](std::size_t j) {
      return problem.feasible(problem.setting(grid[j], true));
    };
    const auto accepted = [&](std::size_t j) {
      return conservative_ok(j) && problem.robust_ok(grid[j]);
    };
    bool stepped = false;
    bool robust_bound = false;  // the setting above was rejected by the robust rule alone
    while (!accepted(k) && k > 0) {
      robust_bound = conservative_ok(k);
      --k;
      stepped = true;
    }
    if (!accepted(k)) {
      if (first_infeasible.empty()) {
        first_infeasible =
            conservative_ok(k)
                ? fmt::format("even {:.3g} mm with {} pass(es): {}", grid[k], passes,
                              robust_words(*problem.risk(grid[k]), *opt.robust_level))
                : infeasible_words(zl, problem.setting(lo, true), passes);
      }
      continue;
    }
    const double x = grid[k];
    MNSIM_ASSERT(x >= lo && x <= hi, "planned depth outside the zone's limits");
    const double obj = problem.objective_at(x);
    if (!best.feasible || obj > best.objective + 1e-12) {
      // What stops the next setting: its conservative figures when the
      // check stepped down to here, its point figures at the end of step 1.
      const bool deepest = stepped || k + 1 == n;
      const bool has_next = k + 1 < grid.size();
      const ZonePrediction* next =
          has_next && deepest ? &problem.setting(grid[k + 1], stepped) : nullptr;
      best.prediction = problem.at(x);
      auto [binding, detail] =
          binding_of(zl, best.prediction, next, has_next ? grid[k + 1] : hi, deepest, passes);
      best.feasible = true;
      best.setting = ZoneSetting{x, passes};
      best.objective = obj;
      best.binding = std::move(binding);
      best.detail = std::move(detail);
      best.risk = problem.risk(x);
      if (robust_bound) {
        best.binding = "population_risk";
        best.detail = fmt::format("the next setting, {:.3g} mm: {}", grid[k + 1],
                                  robust_words(*problem.risk(grid[k + 1]), *opt.robust_level));
      }
    }
  }
  if (!best.feasible) {
    best.binding = "downtime";
    best.detail = first_infeasible;
  }
  return best;
}

struct CourseResult {
  CourseSetting course;
  std::vector<ZoneSolution> zones;
  double total_gain = 0;
};

// Zones that reach their target at this course (counting only `counted`).
bool targets_met(const CourseResult& r, const std::vector<double>& targets,
                 const std::vector<bool>& counted) {
  for (std::size_t i = 0; i < r.zones.size(); ++i) {
    if (counted[i] && r.zones[i].prediction.collagen_gain_rel < targets[i])
      return false;
  }
  return true;
}

// Course search: every zone solved for a course (memoised), the best interval
// for a number of sessions, and the fewest sessions that reach every
// reachable target.
class CourseSearch {
 public:
  CourseSearch(const cases::Case& c, const Predictor& predictor, const Limits& limits,
               const std::vector<ZoneLimits>& zl, const PlannerOptions& options)
      : c_(c),
        predictor_(predictor),
        limits_(limits),
        zl_(zl),
        options_(options),
        intervals_(limits.interval_candidates()) {}

  // The chosen course and its zone solutions.
  const CourseResult& choose(const std::vector<double>& targets) {
    const CourseResult& at_max = best_for(limits_.max_sessions);
    std::vector<bool> counted(c_.zones.size(), false);
    bool any_counted = false;
    bool any_gain = false;
    for (std::size_t i = 0; i < c_.zones.size(); ++i) {
      const auto& z = at_max.zones[i];
      counted[i] = z.feasible && z.prediction.collagen_gain_rel >= targets[i];
      any_counted = any_counted || counted[i];
      any_gain = any_gain || (z.feasible && z.prediction.collagen_gain_rel > 1.0 + 1e-9);
    }
    if (any_counted) {
      for (int s = limits_.min_sessions; s <= limits_.max_sessions; ++s) {
        const CourseResult& r = best_for(s);
        if (targets_met(r, targets, counted))
          return r;
      }
      return at_max;
    }
    return any_gain ? at_max : best_for(limits_.min_sessions);
  }

 private:
  // Solves the courses (sessions, k) for every interval k not yet memoised.
  // Zones and intervals are independent: solved in parallel, one task per
  // (interval, zone) (the Predictor contract says predict_zone is
  // thread-safe); each zone's result does not depend on the thread count,
  // and each total is summed in zone order.
  void solve_courses(int sessions) {
    std::vector<std::size_t> todo;
    for (std::size_t k = 0; k < intervals_.size(); ++k) {
      if (memo_.find({sessions, k}) == memo_.end())
        todo.push_back(k);
    }
    if (todo.empty())
      return;
    const std::size_t n = c_.zones.size();
    std::vector<CourseResult> results(todo.size());
    for (std::size_t t = 0; t < todo.size(); ++t) {
      results[t].course = CourseSetting{sessions, intervals_[todo[t]]};
      results[t].zones.resize(n);
    }
    std::vector<std::exception_ptr> errors(todo.size() * n);
#pragma omp parallel for schedule(dynamic)
    for (std::size_t task = 0; task < todo.size() * n; ++task) {
      const std::size_t t = task / n;
      const std::size_t i = task % n;
      try {
        results[t].zones[i] = solve_zone(c_, i, predictor_, zl_[i], results[t].course, options_);
      } catch (...) {
        errors[task] = std::current_exception();
      }
    }
    for (const auto& e : errors) {
      if (e)
        std::rethrow_exception(e);
    }
    for (std::size_t t = 0; t < todo.size(); ++t) {
      for (const auto& z : results[t].zones) {
        if (z.feasible)
          results[t].total_gain += z.prediction.collagen_gain_rel - 1.0;
      }
      memo_.emplace(std::make_pair(sessions, todo[t]), std::move(results[t]));
    }
  }

  // The best interval for a number of sessions: the most total gain; on a
  // tie the one closest to the case's interval, then the shorter.
  const CourseResult& best_for(int sessions) {
    solve_courses(sessions);
    const CourseResult* best = nullptr;
    for (std::size_t k = 0; k < intervals_.size(); ++k) {
      const CourseResult& r = memo_.at({sessions, k});
      if (best == nullptr || r.total_gain > best->total_gain + 1e-9) {
        best = &r;
      } else if (std::abs(r.total_gain - best->total_gain) <= 1e-9 &&
                 std::abs(r.course.interval_days - c_.course.interval_days) <
                     std::abs(best->course.interval_days - c_.course.interval_days)) {
        best = &r;
      }
    }
    return *best;
  }

  const cases::Case& c_;
  const Predictor& predictor_;
  const Limits& limits_;
  const std::vector<ZoneLimits>& zl_;
  const PlannerOptions& options_;
  std::vector<double> intervals_;
  std::map<std::pair<int, std::size_t>, CourseResult> memo_;
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The codes of the findings of one severity that concern the consent to
// needling on the patient's history (product and phototype findings change
// the plan or the product instead), each once.
std::vector<std::string> consent_codes(const std::vector<Finding>& findings, Severity severity) {
  std::vector<std::string> out;
  for (const auto& f : findings) {
    if (f.severity != severity)
      continue;
    if (f.severity == Severity::Relative &&
        (f.affects != Affects::Needling || f.trigger != Trigger::History))
      continue;
    if (std::find(out.begin(), out.end(), f.code) == out.end())
      out.push_back(f.code);
  }
  return out;
}

std::vector<std::string> codes_of(const std::vector<Finding>& findings, Affects affects) {
  std::vector<std::string> out;
  for (const auto& f : findings) {
    if (f.severity == Severity::Absolute && f.affects == affects)
      out.push_back(f.code);
  }
  return out;
}

// Every zone unplanned: an absolute contraindication to needling.
void refuse_plan(const cases::Case& c, const std::vector<ZoneLimits>& zl, Plan& plan) {
  const std::string needling = joined(codes_of(plan.contraindications, Affects::Needling));
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    ZonePlan zp;
    zp.site = c.zones[i].site;
    zp.indication = c.zones[i].indication;
    zp.limits = zl[i];
    zp.binding_constraint = "contraindication";
    zp.binding_detail = "not planned: absolute contraindication to needling (" + needling + ")";
    zp.warnings.push_back(zp.binding_detail);
    plan.zones.push_back(std::move(zp));
  }
  plan.warnings.push_back("Not eligible for needling: " + needling + ". No settings are given.");
}

// What one planned zone needs a warning for, given the chosen course.
struct ZoneContext {
  const cases::Case& c;
  const device::Device& device;
  const Predictor& predictor;
  const Limits& limits;
  const CourseSetting& course;
};

// The case's own depth setting for the zone against the limits.
void case_depth_warnings(const ZoneContext& x, std::size_t i, const ZoneLimits& zl,
                         const ZoneSolution& s, std::vector<std::string>& out) {
  const cases::Zone& z = x.c.zones[i];
  if (!z.depth_mm)
    return;
  if (*z.depth_mm > zl.max_setting_mm + 1e-12) {
    out.push_back(fmt::format("the case's depth {:.3g} mm exceeds the limit here: {}", *z.depth_mm,
                              setting_cap_words(zl)));
    return;
  }
  const auto pc =
      x.predictor.predict_zone(x.c, i, ZoneSetting{*z.depth_mm, s.setting.passes}, x.course);
  if (pc.limit_real_depth_um() > zl.max_real_depth_um + kRealTolUm) {
    out.push_back(fmt::format(
        "the case's depth {:.3g} mm is predicted to reach {:.0f} um{}, beyond the {} cap of "
        "{:.0f} um",
        *z.depth_mm, pc.limit_real_depth_um(), pc.real_depth_um_interval ? " (p90)" : "",
        to_string(zl.real_depth_cap), zl.max_real_depth_um));
  }
}

// The warnings of a planned zone, in the order the plan lists them.
std::vector<std::string> zone_warnings(const ZoneContext& x, std::size_t i, const ZoneLimits& zl,
                                       double target, const ZoneSolution& s) {
  std::vector<std::string> out;
  const cases::Zone& z = x.c.zones[i];
  const bool home = x.c.procedure.setting == cases::Setting::Home;
  const auto& p = s.prediction;
  if (p.real_depth_um < zl.goal_real_depth_um) {
    std::string w = fmt::format(
        "predicted real depth {:.0f} um does not reach the goal for {} ({:.0f} um, in the {})",
        p.real_depth_um, cases::to_string(z.indication), zl.goal_real_depth_um, zl.goal_layer);
    if (home)
      w += "; see a provider: the goal needs more than a home device allows";
    out.push_back(w);
  }
  if (home && z.indication != cases::Indication::FineLines &&
      z.indication != cases::Indication::Texture) {
    out.push_back(fmt::format("{} need treatment below the papillary dermis: see a provider",
                              cases::to_string(z.indication)));
  }
  if (p.collagen_gain_rel < target) {
    out.push_back(fmt::format(
        "predicted collagen gain {} is below the planning target {} for {} within {} sessions",
        pct(p.collagen_gain_rel), pct(target), cases::to_string(z.indication), x.course.sessions));
  }
  if (zl.setting_cap == Cap::SensitiveSite)
    out.push_back(fmt::format("sensitive area: setting capped at {:.3g} mm", zl.max_setting_mm));
  if (zl.phototype_reduced) {
    out.push_back(
        fmt::format("Fitzpatrick {}: depth caps x{:.2g} (post-inflammatory hyperpigmentation risk)",
                    x.c.patient.fitzpatrick, x.limits.phototype_depth_factor));
  }
  if (s.setting.depth_mm > x.limits.evaluated_max_setting_mm) {
    out.push_back(fmt::format(
        "setting above {:.3g} mm: safety above it was not evaluated in the FDA De Novo record "
        "of a pen",
        x.limits.evaluated_max_setting_mm));
  }
  case_depth_warnings(x, i, zl, s, out);
  const double needle_mm = units::to_mm(x.device.needle_length_m);
  if (x.device.kind != cases::DeviceKind::Pen && s.binding != "no_predicted_gain" &&
      std::abs(needle_mm - s.setting.depth_mm) > 1e-9) {
    const auto kind = cases::to_string(x.device.kind);
    out.push_back(fmt::format("this needs a {:.3g} mm {}; the case's {} has {:.3g} mm needles",
                              s.setting.depth_mm, kind, kind, needle_mm));
  }
  return out;
}

// The zone plans of the chosen course; true if any zone is planned.
bool plan_zones(const ZoneContext& x, const std::vector<ZoneLimits>& zl,
                const std::vector<double>& targets, const CourseResult& chosen, Plan& plan) {
  bool any_planned = false;
  for (std::size_t i = 0; i < x.c.zones.size(); ++i) {
    const ZoneSolution& s = chosen.zones[i];
    ZonePlan zp;
    zp.site = x.c.zones[i].site;
    zp.indication = x.c.zones[i].indication;
    zp.limits = zl[i];
    zp.binding_constraint = s.binding;
    zp.binding_detail = s.detail;
    if (!s.feasible) {
      zp.warnings.push_back("not planned: " + s.detail);
    } else {
      any_planned = true;
      zp.setting = s.setting;
      // The plan's figures with every interval (the collagen gain's too).
      zp.prediction =
          x.predictor.predict_zone_intervals(x.c, i, s.setting, chosen.course, /*collagen=*/true);
      zp.warnings = zone_warnings(x, i, zl[i], targets[i], s);
      zp.population = s.risk;
    }
    plan.zones.push_back(std::move(zp));
  }
  return any_planned;
}

// Plan-wide warnings on the case's course and on the device's wear.
void course_and_device_warnings(const cases::Case& c, const device::Device& device,
                                const Limits& limits, Plan& plan) {
  if (plan.course) {
    const bool outside = c.course.sessions < limits.min_sessions ||
                         c.course.sessions > limits.max_sessions ||
                         c.course.interval_days < limits.min_interval_days ||
                         c.course.interval_days > limits.max_interval_days;
    if (outside) {
      plan.warnings.push_back(fmt::format(
          "The case's course ({} sessions every {:.3g} days) is outside the limits ({}-{} "
          "sessions every {:.3g}-{:.3g} days).",
          c.course.sessions, c.course.interval_days, limits.min_sessions, limits.max_sessions,
          limits.min_interval_days, limits.max_interval_days));
    }
  }
  const bool home = c.procedure.setting == cases::Setting::Home;
  const double needle_mm = units::to_mm(device.needle_length_m);
  if (home && needle_mm > limits.home_max_setting_mm) {
    plan.warnings.push_back(fmt::format(
        "The case's device has {:.3g} mm needles: longer than {:.3g} mm is for providers, not "
        "home use.",
        needle_mm, limits.home_max_setting_mm));
  }
  const int uses = device.uses;
  if (device.kind == cases::DeviceKind::Pen) {
    if (uses > 0) {
      plan.warnings.push_back(fmt::format(
          "Pen cartridges are single-use; this one has {} prior uses: use a new cartridge.", uses));
    }
    return;
  }
  const auto kind = cases::to_string(device.kind);
  const int replace = limits.roller_replace_after_uses;
  if (!home && uses > 0) {
    plan.warnings.push_back(fmt::format(
        "A clinic {} is single use; this one has {} prior uses: use a new one.", kind, uses));
  } else if (home && uses >= replace) {
    plan.warnings.push_back(fmt::format(
        "Replace the {}: {} uses, and a home {} is replaced after {} (12-15 quoted); dull "
        "needles tear rather than puncture.",
        kind, uses, kind, replace));
  } else if (home && plan.course && uses + plan.course->sessions >= replace) {
    plan.warnings.push_back(fmt::format(
        "The {} ({} uses so far) reaches {} uses with this course: replace it after session "
        "{} (dull needles tear rather than puncture).",
        kind, uses, replace, replace - uses));
  }
}

// The anaesthetic plan: the case's product (or the default) for its
// predicted onset, when the deepest planned real depth is beyond painless.
void plan_anaesthetic(const cases::Case& c, const Predictor& predictor, const Limits& limits,
                      bool any_planned, Plan& plan) {
  double deepest_um = 0;
  for (const auto& zp : plan.zones) {
    if (zp.prediction)
      deepest_um = std::max(deepest_um, zp.prediction->real_depth_um);
  }
  const auto no_anaesthetic = codes_of(plan.contraindications, Affects::Anaesthetic);
  const auto& wanted = c.procedure.anaesthetic;
  const bool needed = any_planned && deepest_um > limits.painless_real_depth_um;
  if (!no_anaesthetic.empty()) {
    if (needed || wanted) {
      plan.warnings.push_back("No topical anaesthetic: contraindicated (" + joined(no_anaesthetic) +
                              ").");
    }
    return;
  }
  if (!needed) {
    if (any_planned && wanted) {
      plan.warnings.push_back(fmt::format(
          "No topical anaesthetic is needed by the plan's rule: the deepest predicted real depth "
          "({:.0f} um) is within the painless range (<= {:.0f} um); the case's '{}' is optional.",
          deepest_um, limits.painless_real_depth_um, wanted->product));
    }
    return;
  }
  std::string product = limits.default_anaesthetic;
  if (wanted) {
    if (predictor.anaesthetic_onset_min(c, wanted->product)) {
      product = wanted->product;
    } else {
      plan.warnings.push_back(
          fmt::format("The anaesthetic '{}' is unknown to the predictor; planned with '{}'.",
                      wanted->product, product));
    }
  }
  const auto onset = predictor.anaesthetic_onset_min(c, product);
  if (!onset) {
    plan.warnings.push_back(
        fmt::format("No onset is known for the default anaesthetic '{}'; none planned.", product));
    return;
  }
  const double step = limits.round_minutes_to;
  const double minutes = std::ceil(*onset / step - 1e-9) * step;
  plan.anaesthetic = AnaestheticPlan{product, minutes};
  if (wanted && wanted->product == product && wanted->minutes < minutes) {
    plan.warnings.push_back(fmt::format(
        "The case leaves the anaesthetic on for {:.3g} min; its predicted onset needs {:.3g}.",
        wanted->minutes, minutes));
  }
}

}  // namespace

Plan make_plan(const cases::Case& c, const device::Device& device, const Predictor& predictor,
               const Limits& limits, const Screening& screening, const anatomy::Atlas& atlas,
               const PlannerOptions& options) {
  if (screening.phototype_threshold() != 0 &&
      screening.phototype_threshold() != limits.phototype_reduced_from) {
    throw DataError(
        "data/planner: the dark_phototype rule and limits.toml [phototype] reduced_from differ");
  }
  Plan plan;
  plan.predictor = predictor.name();
  plan.robust_level = options.robust_level;
  plan.contraindications = screening.screen(c);
  plan.eligible = !any(plan.contraindications, Severity::Absolute, Affects::Needling);
  if (predictor.name() == "atlas-provisional") {
    plan.warnings.push_back(
        "Predictions come from the PROVISIONAL atlas predictor (simple rules, docs/models/"
        "planner.md), not yet from the puncture and healing models.");
  }
  std::vector<ZoneLimits> zl;
  std::vector<double> targets;
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    zl.push_back(zone_limits(c, i, device, limits, atlas));
    targets.push_back(limits.indication(c.zones[i].indication).target_collagen_gain_rel);
  }
  if (!plan.eligible) {
    refuse_plan(c, zl, plan);
    return plan;
  }
  const auto relative_codes = consent_codes(plan.contraindications, Severity::Relative);
  if (!relative_codes.empty()) {
    plan.warnings.push_back("Relative contraindications (" + joined(relative_codes) +
                            "): a doctor's consent is needed before this plan is used.");
  }
  CourseSearch search(c, predictor, limits, zl, options);
  const CourseResult& chosen = search.choose(targets);
  const ZoneContext context{c, device, predictor, limits, chosen.course};
  const bool any_planned = plan_zones(context, zl, targets, chosen, plan);
  if (any_planned)
    plan.course = chosen.course;
  for (const auto& zp : plan.zones) {
    if (zp.population && plan.robust_population.empty())
      plan.robust_population = zp.population->population;
  }
  course_and_device_warnings(c, device, limits, plan);
  plan_anaesthetic(c, predictor, limits, any_planned, plan);

  const auto violations = limit_violations(plan, c, device, limits, atlas);
  if (!violations.empty()) {
    throw NumericalError("the planner produced a setting outside its safety limits (a defect): " +
                         violations.front());
  }
  return plan;
}

Plan make_plan(const cases::Case& c, const device::Device& device, const Predictor& predictor) {
  return make_plan(c, device, predictor, Limits::builtin(), Screening::builtin(),
                   anatomy::Atlas::builtin());
}

std::vector<std::string> limit_violations(const Plan& plan, const cases::Case& c,
                                          const device::Device& device, const Limits& limits,
                                          const anatomy::Atlas& atlas) {
  std::vector<std::string> out;
  if (!plan.eligible) {
    for (const auto& z : plan.zones) {
      if (z.setting)
        out.push_back(z.site + ": a setting although not eligible");
    }
    if (plan.course || plan.anaesthetic)
      out.push_back("a course or anaesthetic although not eligible");
    return out;
  }
  for (std::size_t i = 0; i < plan.zones.size(); ++i) {
    const auto& z = plan.zones[i];
    if (!z.setting)
      continue;
    const ZoneLimits zl = zone_limits(c, i, device, limits, atlas);
    const double d = z.setting->depth_mm;
    const auto where = [&](const std::string& what) {
      return fmt::format("zone {} ({}): {}", i, z.site, what);
    };
    if (!(d >= zl.min_setting_mm && d <= zl.max_setting_mm))
      out.push_back(where(
          fmt::format("depth {} mm outside [{}, {}]", d, zl.min_setting_mm, zl.max_setting_mm)));
    if (z.setting->passes < limits.min_passes || z.setting->passes > limits.max_passes)
      out.push_back(where("passes outside the limits"));
    if (!z.prediction) {
      out.push_back(where("a setting without a prediction"));
      continue;
    }
    // The conservative quantile: p90 when the prediction has intervals.
    if (z.prediction->limit_real_depth_um() > zl.max_real_depth_um + kRealTolUm)
      out.push_back(where("real depth beyond its cap"));
    if (z.prediction->limit_downtime_days() > c.patient.max_downtime_days + kDowntimeTolDays)
      out.push_back(where("downtime beyond the patient's limit"));
    if (plan.robust_level &&
        (!z.population || z.population->p_exceeds > *plan.robust_level + 1e-12))
      out.push_back(where("population exceedance above the robust level"));
  }
  if (plan.course) {
    if (plan.course->sessions < limits.min_sessions || plan.course->sessions > limits.max_sessions)
      out.push_back("sessions outside the limits");
    if (plan.course->interval_days < limits.min_interval_days ||
        plan.course->interval_days > limits.max_interval_days)
      out.push_back("interval outside the limits");
  }
  if (plan.anaesthetic && any(plan.contraindications, Severity::Absolute, Affects::Anaesthetic))
    out.push_back("an anaesthetic although contraindicated");
  return out;
}

}  // namespace mnsim::planner
