// Planner: what the planner asks of the simulation. The planner chooses
// settings by RUNNING a Predictor: the pipeline implements it with the real
// puncture, transport and healing stages; AtlasPredictor is a rule-based
// one (atlas_predictor.hpp); tests supply simple ones.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/case/case.hpp"
#include "mnsim/core/interval.hpp"

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
  // p10-p50-p90 over the predictor's uncertainty draws (parameter posterior x
  // people); absent for a predictor without uncertainty. The planner keeps
  // its limits at the conservative quantile (docs/safety.md): the p90 real
  // depth under every depth cap, the p90 downtime within what the patient
  // accepts; without an interval, the point figure.
  std::optional<core::Interval> real_depth_um_interval;
  std::optional<core::Interval> downtime_days_interval;
  std::optional<core::Interval> collagen_gain_rel_interval;
  int samples = 0;  // draws behind the intervals
  [[nodiscard]] double limit_real_depth_um() const {
    return real_depth_um_interval ? real_depth_um_interval->p90 : real_depth_um;
  }
  [[nodiscard]] double limit_downtime_days() const {
    return downtime_days_interval ? downtime_days_interval->p90 : downtime_days;
  }
};

// Robust planning (docs/safety.md, "Robust planning"): one setting's
// figures for each person of a population like the patient (same age band,
// sex and phototype; between-person skin and insertion-parameter draws).
struct PopulationDraws {
  std::vector<double> real_depth_um;  // mean channel depth, per person
  std::vector<double> downtime_days;  // first-session downtime, per person (same order)
  std::string population;             // who was drawn, in words
};

class Predictor {
 public:
  virtual ~Predictor() = default;
  // `zone` indexes c.zones; the device is c.device with the setting applied.
  // Must be thread-safe: the planner solves zones in parallel.
  [[nodiscard]] virtual ZonePrediction predict_zone(const cases::Case& c, std::size_t zone,
                                                    const ZoneSetting& setting,
                                                    const CourseSetting& course) const = 0;
  // predict_zone with the costlier intervals: the downtime's (and, when
  // `collagen`, the collagen gain's) over the uncertainty draws. The planner
  // calls it to confirm the p90 downtime at the settings it rounds to, and
  // for the plan's figures. Default: predict_zone (no intervals).
  [[nodiscard]] virtual ZonePrediction predict_zone_intervals(const cases::Case& c,
                                                              std::size_t zone,
                                                              const ZoneSetting& setting,
                                                              const CourseSetting& course,
                                                              bool collagen) const {
    (void)collagen;
    return predict_zone(c, zone, setting, course);
  }
  // The figures that do not depend on the course, at one setting: the real
  // depth with its interval, the downtime and, when `downtime_interval`, its
  // interval (the costlier part); collagen_gain_rel left at 1. The planner
  // checks the device's settings with it before it runs any course.
  // Default: predict_zone(_intervals) at the case's own course.
  [[nodiscard]] virtual ZonePrediction predict_setting(const cases::Case& c, std::size_t zone,
                                                       const ZoneSetting& setting,
                                                       bool downtime_interval) const {
    const CourseSetting course{c.course.sessions, c.course.interval_days};
    ZonePrediction p = downtime_interval ? predict_zone_intervals(c, zone, setting, course, false)
                                         : predict_zone(c, zone, setting, course);
    p.collagen_gain_rel = 1;
    p.collagen_gain_rel_interval.reset();
    return p;
  }
  // The figures of a population like the patient at one setting, for the
  // planner's robust rule (PlannerOptions::robust_level); nullopt when the
  // predictor cannot draw people (the planner then refuses a robust plan).
  [[nodiscard]] virtual std::optional<PopulationDraws> predict_population(
      const cases::Case& c, std::size_t zone, const ZoneSetting& setting) const {
    (void)c;
    (void)zone;
    (void)setting;
    return std::nullopt;
  }
  // Minutes of application until the anaesthetic numbs deep enough for the
  // needling; nullopt if the product is unknown to the predictor.
  [[nodiscard]] virtual std::optional<double> anaesthetic_onset_min(
      const cases::Case& c, std::string_view product) const = 0;
  // A short name shown in every plan ("atlas-provisional", "pipeline").
  [[nodiscard]] virtual std::string name() const = 0;
};

}  // namespace mnsim::planner
