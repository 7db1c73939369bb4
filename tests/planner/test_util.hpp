// Shared helpers of the planner tests: cases built in code and simple
// predictors whose optimum is known by hand.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "mnsim/case/case.hpp"
#include "mnsim/device/device.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/predictor.hpp"

namespace mnsim::planner::test {

// The built-in default case with the given zones (site, indication).
inline cases::Case case_with(const std::vector<std::pair<std::string, cases::Indication>>& zones) {
  cases::Case c = io::default_case();
  c.zones.clear();
  for (const auto& [site, ind] : zones)
    c.zones.push_back(cases::Zone{site, ind, std::nullopt});
  c.patient.history.clear();
  return c;
}

// The case's device resolved against the built-in catalogue (what
// pipeline::resolved_device gives the planner in the program).
inline device::Device device_of(const cases::Case& c) {
  return device::resolve(c.device, device::Catalogue::builtin());
}

// make_plan with the case's resolved device.
inline Plan plan(const cases::Case& c, const Predictor& p) {
  return make_plan(c, device_of(c), p);
}

// real = fraction x setting; downtime = downtime_per_mm x setting x passes;
// gain = 1 + gain_per_mm x setting^e x sessions x min(passes, 4) / 4. Every
// constraint is linear, so the optimum is known by hand.
class LinearPredictor final : public Predictor {
 public:
  double fraction = 0.8;
  double downtime_per_mm = 0;  // per pass
  double gain_per_mm = 0.1;    // per session
  double depth_exponent = 1;   // gain ~ setting^depth_exponent
  double onset_min = 41;

  [[nodiscard]] ZonePrediction predict_zone(const cases::Case& /*c*/, std::size_t /*zone*/,
                                            const ZoneSetting& s,
                                            const CourseSetting& course) const override {
    ZonePrediction p;
    p.real_depth_um = fraction * s.depth_mm * 1000.0;
    p.downtime_days = downtime_per_mm * s.depth_mm * s.passes;
    p.collagen_gain_rel = 1.0 + gain_per_mm * std::pow(s.depth_mm, depth_exponent) *
                                    course.sessions * std::min(s.passes, 4) / 4.0;
    return p;
  }
  [[nodiscard]] std::optional<double> anaesthetic_onset_min(
      const cases::Case& /*c*/, std::string_view product) const override {
    if (product == "lidocaine_4pct" || product == "emla_5pct")
      return onset_min;
    return std::nullopt;
  }
  [[nodiscard]] std::string name() const override { return "linear-test"; }
};

}  // namespace mnsim::planner::test
