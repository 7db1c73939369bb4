#include "mnsim/planner/report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mnsim/core/disclaimer.hpp"

namespace mnsim::planner {

namespace {
using nlohmann::json;

json interval_or_null(const std::optional<core::Interval>& i) {
  if (!i)
    return nullptr;
  return {{"p10", i->p10}, {"p50", i->p50}, {"p90", i->p90}};
}

// Numbers in the plan are rounded for people; the plan itself is exact.
double r3(double v) {
  return std::round(v * 1000.0) / 1000.0;  // units-ok: rounding to 3 decimals
}
}  // namespace

json plan_json(const Plan& plan) {
  json j;
  j["eligible"] = plan.eligible;
  j["predictor"] = plan.predictor;
  j["contraindications"] = json::array();
  for (const auto& f : plan.contraindications) {
    j["contraindications"].push_back({{"code", f.code},
                                      {"severity", to_string(f.severity)},
                                      {"affects", to_string(f.affects)},
                                      {"message", f.message},
                                      {"disputed", f.disputed},
                                      {"sources", f.sources}});
  }
  j["zones"] = json::array();
  for (const auto& z : plan.zones) {
    json e;
    e["site"] = z.site;
    e["indication"] = cases::to_string(z.indication);
    e["depth_mm"] = z.setting ? json(z.setting->depth_mm) : json(nullptr);
    e["passes"] = z.setting ? json(z.setting->passes) : json(nullptr);
    e["real_depth_um"] = z.prediction ? json(r3(z.prediction->real_depth_um)) : json(nullptr);
    e["downtime_days"] = z.prediction ? json(r3(z.prediction->downtime_days)) : json(nullptr);
    e["collagen_gain_rel"] =
        z.prediction ? json(r3(z.prediction->collagen_gain_rel)) : json(nullptr);
    if (z.prediction) {
      e["real_depth_um_interval"] = interval_or_null(z.prediction->real_depth_um_interval);
      e["downtime_days_interval"] = interval_or_null(z.prediction->downtime_days_interval);
      e["collagen_gain_rel_interval"] = interval_or_null(z.prediction->collagen_gain_rel_interval);
    }
    e["binding_constraint"] = z.binding_constraint;
    e["binding_detail"] = z.binding_detail;
    e["limits"] = {{"min_setting_mm", r3(z.limits.min_setting_mm)},
                   {"max_setting_mm", r3(z.limits.max_setting_mm)},
                   {"setting_cap", to_string(z.limits.setting_cap)},
                   {"max_real_depth_um", r3(z.limits.max_real_depth_um)},
                   {"real_depth_cap", to_string(z.limits.real_depth_cap)},
                   {"goal_real_depth_um", r3(z.limits.goal_real_depth_um)},
                   {"goal_layer", z.limits.goal_layer},
                   {"skin_um", r3(z.limits.skin_um)}};
    e["warnings"] = z.warnings;
    if (plan.robust_level) {
      // Robust planning only (the ordinary plan's keys are unchanged).
      const auto& r = z.population;
      e["p_downtime_exceeds"] = r ? json(r->p_downtime_exceeds) : json(nullptr);
      e["p_depth_cap_exceeds"] = r ? json(r->p_depth_cap_exceeds) : json(nullptr);
      e["p_exceeds"] = r ? json(r->p_exceeds) : json(nullptr);
    }
    j["zones"].push_back(std::move(e));
  }
  j["sessions"] = plan.course ? json(plan.course->sessions) : json(nullptr);
  j["interval_days"] = plan.course ? json(plan.course->interval_days) : json(nullptr);
  j["anaesthetic"] = plan.anaesthetic ? json{{"product", plan.anaesthetic->product},
                                             {"minutes", plan.anaesthetic->minutes}}
                                      : json(nullptr);
  j["warnings"] = plan.warnings;
  j["quantile_rule"] = std::string(kQuantileRule);
  int samples = 0;
  for (const auto& z : plan.zones)
    samples = std::max(samples, z.prediction ? z.prediction->samples : 0);
  j["samples"] = samples > 0 ? json(samples) : json(nullptr);
  if (plan.robust_level) {
    int people = 0;
    for (const auto& z : plan.zones)
      people = std::max(people, z.population ? z.population->people : 0);
    j["robust"] = {{"level", *plan.robust_level},
                   {"people", people},
                   {"population", plan.robust_population},
                   {"rule", std::string(kRobustRule)}};
  }
  j["disclaimer"] = std::string(kDisclaimer);
  return j;
}

std::string plan_text(const Plan& plan, const cases::Case& c) {
  std::string out = fmt::format("Plan for case '{}' ({}), predictor: {}\n", c.info.name, c.source,
                                plan.predictor);
  out += fmt::format("Eligible for needling: {}\n", plan.eligible ? "yes" : "NO");
  if (plan.contraindications.empty()) {
    out += "Contraindications: none found in patient.history\n";
  } else {
    out += "Contraindications:\n";
    for (const auto& f : plan.contraindications) {
      out += fmt::format("  [{} / {}{}] {}: {}\n", to_string(f.severity), to_string(f.affects),
                         f.disputed ? " / disputed" : "", f.code, f.message);
    }
  }
  if (plan.course) {
    out += fmt::format("Course: {} sessions, every {:g} days\n", plan.course->sessions,
                       plan.course->interval_days);
  } else {
    out += "Course: none\n";
  }
  if (plan.anaesthetic) {
    out += fmt::format("Anaesthetic: {} for {:g} min before needling\n", plan.anaesthetic->product,
                       plan.anaesthetic->minutes);
  } else {
    out += "Anaesthetic: none\n";
  }
  out += fmt::format("\n{:<14}{:<15}{:>7}{:>7}{:>9}{:>10}{:>10}  {}\n", "zone", "indication", "mm",
                     "passes", "real um", "downtime", "collagen", "binding constraint");
  for (const auto& z : plan.zones) {
    if (z.setting && z.prediction) {
      out += fmt::format("{:<14}{:<15}{:>7.2f}{:>7}{:>9.0f}{:>9.1f}d{:>10}  {}\n", z.site,
                         cases::to_string(z.indication), z.setting->depth_mm, z.setting->passes,
                         z.prediction->real_depth_um, z.prediction->downtime_days,
                         fmt::format("{:+.0f}%", (z.prediction->collagen_gain_rel - 1) * 100),
                         z.binding_constraint);
    } else {
      out += fmt::format("{:<14}{:<15}{:>7}{:>7}{:>9}{:>10}{:>10}  {}\n", z.site,
                         cases::to_string(z.indication), "-", "-", "-", "-", "-",
                         z.binding_constraint);
    }
    if (z.prediction && z.prediction->real_depth_um_interval) {
      const auto& p = *z.prediction;
      auto iv = [](const core::Interval& i, int digits) {
        return fmt::format("{:.{}f} ({:.{}f}\u2013{:.{}f})", i.p50, digits, i.p10, digits, i.p90,
                           digits);
      };
      std::string line = "    p50 (p10\u2013p90): real " + iv(*p.real_depth_um_interval, 0) + " um";
      if (p.downtime_days_interval)
        line += ", downtime " + iv(*p.downtime_days_interval, 1) + " d";
      if (p.collagen_gain_rel_interval)
        line += ", collagen " + iv(*p.collagen_gain_rel_interval, 2) + " x";
      out += line + "\n";
    }
    if (plan.robust_level && z.population) {
      const auto& r = *z.population;
      out += fmt::format(
          "    population ({} people): {:.0f} % exceed the downtime, {:.0f} % a depth cap, "
          "{:.0f} % either (level {:.0f} %)\n",
          r.people, 100 * r.p_downtime_exceeds, 100 * r.p_depth_cap_exceeds, 100 * r.p_exceeds,
          100 * *plan.robust_level);
    }
    out += fmt::format("    why: {}\n", z.binding_detail);
    for (const auto& w : z.warnings)
      out += fmt::format("    ! {}\n", w);
  }
  if (!plan.warnings.empty()) {
    out += "\nWarnings:\n";
    for (const auto& w : plan.warnings)
      out += fmt::format("  ! {}\n", w);
  }
  out += std::string("\nQuantile rule: ") + kQuantileRule + ".\n";
  if (plan.robust_level) {
    out += fmt::format("Robust rule ({}): {}, at most {:.0f} %.\n", plan.robust_population,
                       kRobustRule, 100 * *plan.robust_level);
  }
  out += "Limits and their basis: docs/safety.md. " + std::string(kDisclaimer) + "\n";
  return out;
}

}  // namespace mnsim::planner
