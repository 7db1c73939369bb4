// Planner: what the planner asks of the simulation. The planner chooses
// settings by RUNNING a Predictor: the pipeline implements it with the real
// puncture, transport and healing stages; AtlasPredictor is a rule-based
// one (atlas_predictor.hpp); tests supply simple ones.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mnsim/case/case.hpp"

namespace mnsim::planner {

// The device setting for one zone.
struct ZoneSetting {
  double depth_mm = 0;  // pen depth setting, or roller/stamp needle length
  int passes = 1;
};

// The course of sessions, shared by all zones.
struct CourseSetting {
  int sessions = 1;
  double interval_days = 28;
};

// What the simulation predicts for one zone at one setting and course.
struct ZonePrediction {
  double real_depth_um = 0;      // depth the needle tips reach (mean)
  double downtime_days = 0;      // days of visible erythema after one session
  double collagen_gain_rel = 1;  // dermal collagen at the end of the course, 1 = baseline
};

class Predictor {
 public:
  virtual ~Predictor() = default;
  // `zone` indexes c.zones; the device is c.device with the setting applied.
  // Must be thread-safe: the planner solves zones in parallel.
  [[nodiscard]] virtual ZonePrediction predict_zone(const cases::Case& c, std::size_t zone,
                                                    const ZoneSetting& setting,
                                                    const CourseSetting& course) const = 0;
  // Minutes of application until the anaesthetic numbs deep enough for the
  // needling; nullopt if the product is unknown to the predictor.
  [[nodiscard]] virtual std::optional<double> anaesthetic_onset_min(
      const cases::Case& c, std::string_view product) const = 0;
  // A short name shown in every plan ("atlas-provisional", "pipeline").
  [[nodiscard]] virtual std::string name() const = 0;
};

}  // namespace mnsim::planner
