// Published observations of the response and healing stages and the model's
// prediction of each: one table (data/validation/healing.toml) serves both
// the validation rows and the calibration fit (tools/calibrate_healing.cpp),
// so fitted and held-out data are defined in one place.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/anatomy/subject.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/puncture/resealing.hpp"

namespace mnsim::healing {

// A protocol row's treatment as this stage needs it: who was treated, the
// injury of one session (from the puncture stage) and the course. Built from
// the row's case text outside this stage (validation::healing_observations
// parses it, pipeline::healing_protocol turns the case into this).
struct Protocol {
  anatomy::Subject subject;
  response::InjuryDose dose;
  puncture::ClosureConditions closure;  // of the protocol's first zone
  int sessions = 1;
  double interval_days = 0;
};

struct Observation {
  std::string id;
  std::string source;
  std::string quantity;  // erythema_resolved_day, pain_nrs, pih_risk, tewl_recovery_h,
                         // pore_resealed_h, barrier_recovery_fraction,
                         // collagen_rel_change, epidermis_rel_change
  std::string unit;
  std::string condition;
  double observed = 0;
  double tolerance = 0;
  bool used_for_fitting = false;
  std::string fit_group;  // which fit uses it (empty: none)
  double sigma = 0;       // weight in the fit (its basis in note)
  double at_day = 0;      // collagen/epidermis: day of measurement (day 0 = first session)
  double at_hour = 0;     // barrier_recovery_fraction: hours after the injury
  double age_years = 0;   // barrier_recovery_fraction
  // The treatment, as case-file text (zone 0 is used); empty for rows without one.
  std::string protocol_case_toml;
  // That treatment as typed inputs; set by the caller before predict()
  // (validation::healing_observations).
  std::optional<Protocol> protocol;
  std::string note;
};

// Reads and checks the table (DataError on a defect).
std::vector<Observation> load_observations(std::string_view path = "data/validation/healing.toml");

// The model's value for an observation with the given parameters. An
// observation with protocol text needs its protocol set (DataError otherwise).
double predict(const Observation& obs, const response::Params& rp, const Params& hp);

}  // namespace mnsim::healing
