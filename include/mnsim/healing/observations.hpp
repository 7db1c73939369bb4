// Published observations of the response and healing stages and the model's
// prediction of each: one table (data/validation/healing.toml) serves both
// the validation rows and the calibration fit (tools/calibrate_healing.cpp),
// so fitted and held-out data are defined in one place.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/healing/healing.hpp"
#include "mnsim/case/case.hpp"

namespace mnsim::healing {

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
  std::optional<cases::Case> protocol;  // the treatment, as a case (zone 0 is used)
  // The injury of one session of the protocol; set by the caller from the
  // puncture stage (pipeline::load_observations_with_doses) before predict().
  std::optional<response::InjuryDose> dose;
  std::string note;
};

// Reads and checks the table (DataError on a defect).
std::vector<Observation> load_observations(std::string_view path = "data/validation/healing.toml");

// The model's value for an observation with the given parameters. An
// observation with a protocol needs its dose set (DataError otherwise).
double predict(const Observation& obs, const response::Params& rp, const Params& hp);

}  // namespace mnsim::healing
