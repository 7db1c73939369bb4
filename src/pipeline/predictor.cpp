#include "mnsim/pipeline/predictor.hpp"

#include <algorithm>
#include <cmath>

#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/puncture/resealing.hpp"
#include "mnsim/response/response.hpp"
#include "mnsim/transport/product.hpp"

namespace mnsim::pipeline {

namespace {
constexpr double kPatchAreaM2 = 1e-4;  // 1 cm^2: densities and depths do not depend on the area
constexpr int kStepsPerDay = 1;        // collagen only; the downtime comes from the acute model
constexpr double kRelTol = 1e-5;       // CVODE: gains to ~1e-5, far below the model's uncertainty

// The puncture parameters without the coverage and spacing statistics, which
// the predictor does not use (they are the costliest part of a pattern).
const puncture::MechanicsParams& predictor_params() {
  static const puncture::MechanicsParams p = [] {
    auto q = puncture::MechanicsParams::builtin();
    q.coverage_samples = 1000;
    q.spacing_statistics = false;
    return q;
  }();
  return p;
}
}  // namespace

planner::ZonePrediction PipelinePredictor::predict_zone(
    const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
    const planner::CourseSetting& course) const {
  const auto full_key = std::make_tuple(zone, setting.depth_mm, setting.passes, course.sessions,
                                        course.interval_days);
  const auto key = std::make_tuple(zone, setting.depth_mm, setting.passes);
  std::optional<SessionEffect> cached;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = predictions_.find(full_key); it != predictions_.end())
      return it->second;
    if (const auto it = doses_.find(key); it != doses_.end())
      cached = it->second;
  }
  cases::Case trial = c;
  trial.zones.at(zone).depth_mm = setting.depth_mm;
  trial.procedure.passes = setting.passes;
  if (!cached) {
    puncture::PatternInput in = pattern_input(trial, zone, atlas_);
    in.zone_area_m2 = kPatchAreaM2;
    const Punctured p{puncture::simulate(in, predictor_params()), in.skin};
    SessionEffect e;
    e.real_depth_um = p.pattern.channels_total > 0 ? units::to_um(p.pattern.depth_m.mean) : 0.0;
    e.dose = injury_dose(p.pattern, p.skin);
    // The first session's acute response (downtime) depends on the setting,
    // not on the course: computed once here, skipped in the courses below.
    response::Options ro;
    ro.closure = puncture::closure_conditions(trial, zone);
    e.downtime_days = response::simulate(e.dose, subject_of(trial), ro).erythema_resolved_day;
    cached = e;
    const std::lock_guard<std::mutex> lock(mutex_);
    doses_.emplace(key, *cached);
  }

  trial.course.sessions = course.sessions;
  trial.course.interval_days = course.interval_days;
  trial.course.horizon_days =
      std::ceil((course.sessions - 1) * course.interval_days + kFollowUpDays);
  healing::CourseOptions opt;
  opt.steps_per_day = kStepsPerDay;
  opt.rel_tol = kRelTol;
  opt.horizon_days = trial.course.horizon_days;
  opt.closure = puncture::closure_conditions(trial, zone);
  opt.first_session_response = false;
  const healing::Course k = healing::simulate_course(
      healing::regular_sessions(course.sessions, course.interval_days, cached->dose),
      subject_of(trial), opt);
  planner::ZonePrediction out;
  out.real_depth_um = cached->real_depth_um;
  out.downtime_days = cached->downtime_days;
  out.collagen_gain_rel = k.collagen_rel.back();
  const std::lock_guard<std::mutex> lock(mutex_);
  predictions_.emplace(full_key, out);
  return out;
}

std::optional<double> PipelinePredictor::anaesthetic_onset_min(const cases::Case& c,
                                                               std::string_view product) const {
  const auto* p = transport::ProductCatalogue::builtin().find(std::string(product));
  if (p == nullptr || !p->anaesthetic)
    return std::nullopt;
  if (c.zones.empty())
    return 0.0;
  cases::Case cc = c;
  cc.product.reset();
  cc.procedure.anaesthetic = cases::Anaesthetic{std::string(product), kMaxApplicationMin};
  cc.simulation.fidelity = cases::Fidelity::OneD;
  std::vector<transport::ZoneSkin> skins;
  for (const auto& z : cc.zones) {
    skins.push_back({atlas_.stack(z.site, subject_of(cc)), transport::ChannelSpec{}, std::nullopt});
  }
  const auto d = deliver_case(cc, resolved_device(cc), skins);
  double onset_s = 0;
  for (const auto& z : d.zones) {
    // No channels: the "needled" run is the intact skin.
    const auto onset = z.anaesthetic ? z.anaesthetic->numbing_onset_s : std::nullopt;
    if (!onset)
      return kMaxApplicationMin;  // not reached within the longest application
    onset_s = std::max(onset_s, *onset);
  }
  return std::min(units::to_minutes(onset_s), kMaxApplicationMin);
}

}  // namespace mnsim::pipeline
