// Stage: planner. Screening, then a zone-by-zone plan within the safety limits
// (limits.hpp), chosen by running a Predictor: per zone and course, the depth
// setting on the device's grid with the most predicted collagen gain among
// those with downtime <= patient.max_downtime_days and within the real-depth
// caps, for each whole number of passes; the course is the fewest sessions that reach the
// indication's target gain. Model and method: docs/models/planner.md; limits:
// docs/safety.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/device/device.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/planner/predictor.hpp"
#include "mnsim/planner/screening.hpp"

namespace mnsim::planner {

struct PlannerOptions {
  double downtime_weight = 1e-3;  // tie-break: per day of downtime, in gain units
  // Robust planning (`plan --robust`, docs/safety.md): when set, a setting is
  // also rejected if, over Predictor::predict_population's people, the share
  // exceeding the accepted downtime or a real-depth cap is above this level.
  std::optional<double> robust_level;
};

// The population's exceedance at a zone's planned setting (robust planning).
struct PopulationRisk {
  int people = 0;
  double p_downtime_exceeds = 0;   // share with downtime > patient.max_downtime_days
  double p_depth_cap_exceeds = 0;  // share with real depth > the zone's real-depth cap
  double p_exceeds = 0;            // share exceeding either (held <= the level)
  std::string population;          // who was drawn (PopulationDraws::population)
};

struct ZonePlan {
  std::string site;
  cases::Indication indication = cases::Indication::Texture;
  std::optional<ZoneSetting> setting;        // absent: not planned (see binding_constraint)
  std::optional<ZonePrediction> prediction;  // at the setting and the plan's course
  std::string binding_constraint;            // why the setting is what it is (docs/safety.md)
  std::string binding_detail;                // the same in words, with the numbers
  ZoneLimits limits;
  std::vector<std::string> warnings;
  std::optional<PopulationRisk> population;  // robust planning only
};

struct AnaestheticPlan {
  std::string product;
  double minutes = 0;
};

struct Plan {
  bool eligible = true;
  std::vector<Finding> contraindications;
  std::vector<ZonePlan> zones;
  std::optional<CourseSetting> course;  // absent when not eligible
  std::optional<AnaestheticPlan> anaesthetic;
  std::vector<std::string> warnings;   // plan-wide
  std::string predictor;               // Predictor::name()
  std::optional<double> robust_level;  // robust planning: the level held per zone
  std::string robust_population;       // who the population is, in words
};

// `device` is the case's device resolved against the catalogue
// (pipeline::resolved_device): its kind, needle length and uses set the
// setting range and the device warnings; the planner never reads c.device.
Plan make_plan(const cases::Case& c, const device::Device& device, const Predictor& predictor,
               const Limits& limits, const Screening& screening, const anatomy::Atlas& atlas,
               const PlannerOptions& options = {});

// With the built-in limits, screening and atlas.
Plan make_plan(const cases::Case& c, const device::Device& device, const Predictor& predictor);

// Every way the plan leaves the limits (empty for every plan make_plan
// returns: it throws NumericalError otherwise). Used by the property test.
std::vector<std::string> limit_violations(const Plan& plan, const cases::Case& c,
                                          const device::Device& device, const Limits& limits,
                                          const anatomy::Atlas& atlas);

}  // namespace mnsim::planner
