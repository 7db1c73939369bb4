// Topical anaesthetics: the numbing model (a tissue-concentration threshold,
// data/transport/anaesthetic.toml) and its calibration against the time the
// numbing depth peaks (docs/models/transport.md).
#pragma once

#include <string>
#include <string_view>

#include "mnsim/core/units.hpp"
#include "mnsim/transport/product.hpp"

namespace mnsim::transport {

// data/transport/anaesthetic.toml.
struct AnaestheticModel {
  double threshold_ug_per_ml = 0;
  std::string calibration_site;
  double calibration_application_s = 0;
  double calibration_peak_s = 0;
  double follow_after_removal_s = units::kHour;
  static AnaestheticModel load(std::string_view path);
  static const AnaestheticModel& builtin();
};

// Anaesthetic calibration (docs/models/transport.md): the time at which the
// numbing depth peaks for an application of `application_s` of `product` on
// intact skin at `site` (45-year-old woman, 1D, dx 5 um), with the given
// threshold; and the threshold that puts the peak at `peak_s` (bisection in
// log threshold).
double numbing_peak_time_s(const ProductSpec& product, const std::string& site,
                           double application_s, double threshold_ug_per_ml,
                           double* peak_depth_um = nullptr);
double fit_numbing_threshold(const ProductSpec& product, const std::string& site,
                             double application_s, double peak_s);

}  // namespace mnsim::transport
