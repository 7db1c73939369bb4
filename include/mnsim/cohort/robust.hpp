// Robust planning (`mnsim plan --robust`, docs/safety.md "Robust planning"):
// a planner::Predictor that adds, to another predictor's figures, the figures
// of a population like the patient -- the cohort's person draws
// (cohort::draw_inputs, person_of) restricted to the patient's age band, sex
// and phototype: between-person skin variability from the atlas and the
// insertion parameters' posterior. Per person at a setting: the real depth
// (expected insertion) and the first-session downtime (response), as the
// cohort's chain.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/planner/predictor.hpp"

namespace mnsim::cohort {

// The population like the patient: ages within kRobustAgeBandYears of the
// patient's (at least the youngest adult age of the cohort default), the
// patient's sex and phototype.
inline constexpr double kRobustAgeBandYears = 5;
cases::Population population_like(const cases::Patient& patient);

class RobustPredictor final : public planner::Predictor {
 public:
  // `inner` answers everything but predict_population; `people` is the
  // population's size (rows of the cohort's sample A, from the case seed).
  RobustPredictor(const planner::Predictor& inner, const anatomy::Atlas& atlas, int people)
      : inner_(inner), atlas_(atlas), people_(people) {}

  [[nodiscard]] planner::ZonePrediction predict_zone(
      const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
      const planner::CourseSetting& course) const override {
    return inner_.predict_zone(c, zone, setting, course);
  }
  [[nodiscard]] planner::ZonePrediction predict_zone_intervals(const cases::Case& c,
                                                               std::size_t zone,
                                                               const planner::ZoneSetting& setting,
                                                               const planner::CourseSetting& course,
                                                               bool collagen) const override {
    return inner_.predict_zone_intervals(c, zone, setting, course, collagen);
  }
  [[nodiscard]] planner::ZonePrediction predict_setting(const cases::Case& c, std::size_t zone,
                                                        const planner::ZoneSetting& setting,
                                                        bool downtime_interval) const override {
    return inner_.predict_setting(c, zone, setting, downtime_interval);
  }
  [[nodiscard]] std::optional<double> anaesthetic_onset_min(
      const cases::Case& c, std::string_view product) const override {
    return inner_.anaesthetic_onset_min(c, product);
  }
  [[nodiscard]] std::string name() const override { return inner_.name(); }

  // Per person of population_like(c.patient): the real depth and downtime
  // at the setting (cached per zone and setting; thread-safe).
  [[nodiscard]] std::optional<planner::PopulationDraws> predict_population(
      const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting) const override;

 private:
  const planner::Predictor& inner_;
  const anatomy::Atlas& atlas_;
  int people_;
  mutable std::mutex mutex_;
  mutable std::map<std::tuple<std::size_t, double, int>, planner::PopulationDraws> cache_;
};

}  // namespace mnsim::cohort
