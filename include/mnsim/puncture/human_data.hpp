// Published human needle-depth and stratum-corneum-breach data
// (data/validation/puncture.toml) and the insertion model's prediction for
// each: shared by `mnsim validate` (src/validation/puncture_rows.cpp) and the
// calibration (tools/calibrate_puncture.cpp), so the fit and the check use the
// same set-up. Model: docs/models/puncture.md; fit: docs/calibration/puncture.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/puncture/mechanics.hpp"

namespace mnsim::puncture {

// One row whose quantity the insertion model predicts from its set-up.
//   array_depth_um                  mean depth of a pressed array (stamp law)
//   array_breach_fraction           share of the array's needles that puncture
//   single_needle_puncture_depth_um tip depth below the surface at puncture
//   pen_depth_ratio                 channel depth / pen setting
//   pen_depth_slope                 d(depth)/d(setting) between two settings
struct HumanDatum {
  std::string id;
  std::string source;
  std::string quantity;
  double observed = 0;
  double tolerance = 0;
  bool used_for_fitting = false;
  // Set-up (SI). Arrays and single needles: the needle and the press; pens:
  // the catalogue model and the setting(s).
  Needle needle;
  int needles = 1;
  double force_n = 0;
  double speed_m_s = 0;
  std::string model;
  double setting_m = 0;
  double setting_high_m = 0;
  bool in_vivo = true;
  std::string site;
  anatomy::Subject subject;
  std::string condition;  // short description for reports
};

// The rows of `path` with one of the quantities above (others are skipped);
// DataError naming the row and key on a defect.
std::vector<HumanDatum> load_human_data(std::string_view path, const anatomy::Atlas& atlas);
// The built-in table (data/validation/puncture.toml), loaded once.
const std::vector<HumanDatum>& builtin_human_data();

// The model's value of the row's quantity (in the row's unit: um, fraction, ratio).
double predict(const HumanDatum& d, const MechanicsParams& p, const anatomy::Atlas& atlas);
// The unit of a quantity ("um", "fraction", "ratio", "mm/mm").
std::string_view unit_of(std::string_view quantity);

}  // namespace mnsim::puncture
