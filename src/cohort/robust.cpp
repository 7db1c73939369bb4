#include "mnsim/cohort/robust.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mnsim/cohort/cohort.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/cheap_chain.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/puncture/resealing.hpp"
#include "mnsim/puncture/uncertainty.hpp"
#include "mnsim/response/response.hpp"

namespace mnsim::cohort {

cases::Population population_like(const cases::Patient& patient) {
  const cases::Population adults;  // the cohort's default ages
  cases::Population p;
  p.age_years_min = std::max(adults.age_years_min, patient.age_years - kRobustAgeBandYears);
  p.age_years_max = std::max(p.age_years_min, patient.age_years + kRobustAgeBandYears);
  p.female_fraction = patient.sex == cases::Sex::Female ? 1.0 : 0.0;
  p.fitzpatrick_weights.fill(0.0);
  p.fitzpatrick_weights.at(static_cast<std::size_t>(std::clamp(patient.fitzpatrick, 1, 6) - 1)) =
      1.0;
  return p;
}

std::optional<planner::PopulationDraws> RobustPredictor::predict_population(
    const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting) const {
  const auto key = std::make_tuple(zone, setting.depth_mm, setting.passes);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = cache_.find(key); it != cache_.end())
      return it->second;
  }
  cases::Case trial = c;
  trial.zones.at(zone).depth_mm = setting.depth_mm;
  trial.procedure.passes = setting.passes;
  const cases::Population population = population_like(c.patient);
  const auto n = static_cast<std::size_t>(std::max(1, people_));
  planner::PopulationDraws d;
  d.real_depth_um.assign(n, 0.0);
  d.downtime_days.assign(n, 0.0);
  d.population = fmt::format("{} people, {}, {:g}-{:g} years, Fitzpatrick {}", n,
                             cases::to_string(c.patient.sex), population.age_years_min,
                             population.age_years_max, c.patient.fitzpatrick);
  const response::Options ro = [&] {
    response::Options o;
    o.closure = puncture::closure_conditions(trial, zone);
    return o;
  }();
  // Each person has its own streams and slot: any thread count, the same draws.
#pragma omp parallel for schedule(dynamic)
  for (std::size_t k = 0; k < n; ++k) {
    const Person p = person_of(population, draw_inputs(c.info.seed, 'A', k));
    const cases::Case pc = with_person(trial, p);
    const anatomy::Subject subject = pipeline::subject_of(pc);
    const puncture::MechanicsParams params = person_params(p);
    const puncture::PatternInput in = person_pattern_input(pc, zone, p, atlas_);
    d.real_depth_um[k] = units::to_um(puncture::expected_insertion(in, params).mean_depth_m);
    const auto dose = pipeline::injury_dose(puncture::simulate(in, params), in.skin);
    d.downtime_days[k] = response::simulate(dose, subject, ro).erythema_resolved_day;
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  cache_.emplace(key, d);
  return d;
}

}  // namespace mnsim::cohort
