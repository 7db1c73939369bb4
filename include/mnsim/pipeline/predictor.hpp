// The planner's predictor made of the real stages: puncture for the depth
// reached and the injury dose, response for the downtime, healing for the
// collagen gain, transport for the anaesthetic onset.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/planner/predictor.hpp"
#include "mnsim/response/response.hpp"

namespace mnsim::pipeline {

class PipelinePredictor final : public planner::Predictor {
 public:
  explicit PipelinePredictor(const anatomy::Atlas& atlas) : atlas_(atlas) {}

  // real_depth_um: mean channel depth of a 1 cm^2 patch simulated with the
  // setting (0 when nothing punctures); downtime_days: the day erythema of
  // the first session resolves; collagen_gain_rel: dermal collagen 90 days
  // after the last session (the follow-up of the Kenkel 2021 data the
  // healing model is fitted to).
  [[nodiscard]] planner::ZonePrediction predict_zone(
      const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
      const planner::CourseSetting& course) const override;

  // Minutes of application until the numbed depth of intact skin reaches
  // every zone's depth setting (1D transport, the largest over the zones),
  // at most kMaxApplicationMin; nullopt for a product that is not a
  // catalogue anaesthetic.
  [[nodiscard]] std::optional<double> anaesthetic_onset_min(
      const cases::Case& c, std::string_view product) const override;

  // predict_zone plus the downtime interval (and the collagen gain's when
  // `collagen`) over c.simulation.samples draws (uncertainty.hpp): each
  // draw's dose on a 1 cm^2 patch, its first-session response (downtime)
  // and, for the collagen, its course.
  [[nodiscard]] planner::ZonePrediction predict_zone_intervals(const cases::Case& c,
                                                               std::size_t zone,
                                                               const planner::ZoneSetting& setting,
                                                               const planner::CourseSetting& course,
                                                               bool collagen) const override;

  // The real depth and downtime (and its interval) without a course.
  [[nodiscard]] planner::ZonePrediction predict_setting(const cases::Case& c, std::size_t zone,
                                                        const planner::ZoneSetting& setting,
                                                        bool downtime_interval) const override;

  [[nodiscard]] std::string name() const override { return "pipeline"; }

  static constexpr double kFollowUpDays = 90;
  static constexpr double kDepthGridMm = 0.05;  // depth-interval grid (device steps are multiples)
  static constexpr double kMaxApplicationMin = 120;  // Bjerring 1990's longest application

 private:
  // The real-depth interval over c.simulation.samples draws at a setting:
  // computed on the kDepthGridMm grid, linear in between.
  [[nodiscard]] core::Interval depth_interval_um(const cases::Case& c, std::size_t zone,
                                                 double depth_mm) const;

  struct SessionEffect;
  // The case with the zone's setting applied.
  [[nodiscard]] static cases::Case with_setting(const cases::Case& c, std::size_t zone,
                                                const planner::ZoneSetting& setting);
  // What one session at the setting does (cached per zone and setting).
  [[nodiscard]] SessionEffect session_effect(const cases::Case& trial, std::size_t zone,
                                             const planner::ZoneSetting& setting) const;
  // The draws' doses and first-session downtimes at the setting (cached).
  [[nodiscard]] std::vector<response::InjuryDose> draw_doses(
      const cases::Case& trial, std::size_t zone, const planner::ZoneSetting& setting) const;
  [[nodiscard]] std::vector<double> draw_downtimes(const cases::Case& trial, std::size_t zone,
                                                   const planner::ZoneSetting& setting) const;

  const anatomy::Atlas& atlas_;
  // Puncture results per (zone, setting): the planner revisits settings.
  // Guarded by mutex_: the planner calls predict_zone from several threads.
  mutable std::mutex mutex_;
  // What a session at a setting does, whatever the course: its dose, the
  // mean real depth and the first session's downtime.
  struct SessionEffect {
    response::InjuryDose dose;
    double real_depth_um = 0;
    double downtime_days = 0;
  };
  mutable std::map<std::tuple<std::size_t, double, int>, SessionEffect> doses_;
  // Whole predictions per (zone, setting, course): the depth search revisits
  // points (each number of passes starts at the shallowest setting, rounding
  // re-evaluates the optimum), and an exact repeat costs a healing course.
  mutable std::map<std::tuple<std::size_t, double, int, int, double>, planner::ZonePrediction>
      predictions_;
  // Per (zone, setting): the real-depth interval over the draws, and the
  // draws' doses (filled by predict_zone_intervals).
  // keyed by (zone, grid index k: setting k x kDepthGridMm; passes do not change it).
  mutable std::map<std::pair<std::size_t, long>, core::Interval> depth_intervals_;
  mutable std::map<std::tuple<std::size_t, double, int>, std::vector<response::InjuryDose>>
      draw_doses_;
  mutable std::map<std::tuple<std::size_t, double, int>, std::vector<double>> draw_downtime_;
  // Per (zone, setting, interval): the courses that differ only in the
  // number of sessions share their prefix (healing::CourseFamily), each
  // family behind its own lock.
  struct Family {
    std::mutex mutex;
    std::unique_ptr<healing::CourseFamily> courses;
  };
  mutable std::map<std::tuple<std::size_t, double, int, double>, std::unique_ptr<Family>> families_;
};

}  // namespace mnsim::pipeline
