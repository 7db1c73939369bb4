#include "mnsim/pipeline/predictor.hpp"

#include <algorithm>
#include <cmath>

#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/cheap_chain.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/pipeline/uncertainty.hpp"
#include "mnsim/puncture/resealing.hpp"
#include "mnsim/puncture/uncertainty.hpp"
#include "mnsim/response/response.hpp"
#include "mnsim/transport/product.hpp"

namespace mnsim::pipeline {

cases::Case PipelinePredictor::with_setting(const cases::Case& c, std::size_t zone,
                                            const planner::ZoneSetting& setting) {
  cases::Case trial = c;
  trial.zones.at(zone).depth_mm = setting.depth_mm;
  trial.procedure.passes = setting.passes;
  return trial;
}

PipelinePredictor::SessionEffect PipelinePredictor::session_effect(
    const cases::Case& trial, std::size_t zone, const planner::ZoneSetting& setting) const {
  const auto key = std::make_tuple(zone, setting.depth_mm, setting.passes);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = doses_.find(key); it != doses_.end())
      return it->second;
  }
  puncture::PatternInput in = pattern_input(trial, zone, atlas_);
  in.zone_area_m2 = cheap::kPatchAreaM2;
  const Punctured p{
      puncture::simulate(in, cheap::dose_params(puncture::MechanicsParams::builtin())), in.skin};
  SessionEffect e;
  e.real_depth_um = p.pattern.channels_total > 0 ? units::to_um(p.pattern.depth_m.mean) : 0.0;
  e.dose = injury_dose(p.pattern, p.skin);
  // The first session's acute response (downtime) depends on the setting,
  // not on the course: computed once here, skipped in the courses.
  response::Options ro;
  ro.closure = puncture::closure_conditions(trial, zone);
  e.downtime_days = response::simulate(e.dose, subject_of(trial), ro).erythema_resolved_day;
  const std::lock_guard<std::mutex> lock(mutex_);
  doses_.emplace(key, e);
  return e;
}

planner::ZonePrediction PipelinePredictor::predict_zone(
    const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
    const planner::CourseSetting& course) const {
  const auto full_key = std::make_tuple(zone, setting.depth_mm, setting.passes, course.sessions,
                                        course.interval_days);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = predictions_.find(full_key); it != predictions_.end())
      return it->second;
  }
  cases::Case trial = with_setting(c, zone, setting);
  const SessionEffect effect = session_effect(trial, zone, setting);

  trial.course.sessions = course.sessions;
  trial.course.interval_days = course.interval_days;
  trial.course.horizon_days =
      std::ceil((course.sessions - 1) * course.interval_days + kFollowUpDays);
  healing::CourseOptions opt;
  opt.steps_per_day = cheap::kStepsPerDay;
  opt.rel_tol = cheap::kRelTol;
  opt.closure = puncture::closure_conditions(trial, zone);
  opt.first_session_response = false;
  Family* family = nullptr;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    auto& slot =
        families_[std::make_tuple(zone, setting.depth_mm, setting.passes, course.interval_days)];
    if (!slot)
      slot = std::make_unique<Family>();
    family = slot.get();
  }
  double collagen_end = 1;
  {
    const std::lock_guard<std::mutex> lock(family->mutex);
    if (!family->courses) {
      family->courses = std::make_unique<healing::CourseFamily>(effect.dose, course.interval_days,
                                                                subject_of(trial), opt);
    }
    // The same figure as simulate_course's last day (bit-identical, tested).
    collagen_end = family->courses->collagen_rel_end(course.sessions, trial.course.horizon_days);
  }
  planner::ZonePrediction out;
  out.real_depth_um = effect.real_depth_um;
  out.downtime_days = effect.downtime_days;
  out.real_depth_um_interval = depth_interval_um(c, zone, setting.depth_mm);
  out.samples = c.simulation.samples;
  out.collagen_gain_rel = collagen_end;
  const std::lock_guard<std::mutex> lock(mutex_);
  predictions_.emplace(full_key, out);
  return out;
}

planner::ZonePrediction PipelinePredictor::predict_setting(const cases::Case& c, std::size_t zone,
                                                           const planner::ZoneSetting& setting,
                                                           bool downtime_interval) const {
  const cases::Case trial = with_setting(c, zone, setting);
  const SessionEffect effect = session_effect(trial, zone, setting);
  planner::ZonePrediction out;
  out.real_depth_um = effect.real_depth_um;
  out.downtime_days = effect.downtime_days;
  out.real_depth_um_interval = depth_interval_um(c, zone, setting.depth_mm);
  out.samples = c.simulation.samples;
  if (!downtime_interval)
    return out;
  const std::vector<double> downtime = draw_downtimes(trial, zone, setting);
  out.downtime_days_interval = core::Interval{downtime[puncture::quantile_index(downtime, 0.1)],
                                              downtime[puncture::quantile_index(downtime, 0.5)],
                                              downtime[puncture::quantile_index(downtime, 0.9)]};
  return out;
}

core::Interval PipelinePredictor::depth_interval_um(const cases::Case& c, std::size_t zone,
                                                    double depth_mm) const {
  // On a grid of kDepthGridMm settings (every device step is a multiple),
  // linear in between: exact at every setting the plan can give.
  auto node = [&](long k) {
    const auto key = std::make_pair(zone, k);
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (const auto it = depth_intervals_.find(key); it != depth_intervals_.end())
        return it->second;
    }
    cases::Case at_setting = c;
    at_setting.zones.at(zone).depth_mm = static_cast<double>(k) * kDepthGridMm;
    const core::Interval v = sample_zone(at_setting, zone, atlas_,
                                         puncture::MechanicsParams::builtin(), c.simulation.samples)
                                 .real_depth_um;
    const std::lock_guard<std::mutex> lock(mutex_);
    depth_intervals_.emplace(key, v);
    return v;
  };
  const double g = depth_mm / kDepthGridMm;
  const long k0 = std::lround(g);
  if (std::abs(g - static_cast<double>(k0)) < 1e-9)
    return node(k0);
  const auto lo = static_cast<long>(std::floor(g));
  const double w = g - static_cast<double>(lo);
  const core::Interval a = node(lo);
  const core::Interval b = node(lo + 1);
  return {(1 - w) * a.p10 + w * b.p10, (1 - w) * a.p50 + w * b.p50, (1 - w) * a.p90 + w * b.p90};
}

std::vector<response::InjuryDose> PipelinePredictor::draw_doses(
    const cases::Case& trial, std::size_t zone, const planner::ZoneSetting& setting) const {
  const auto key = std::make_tuple(zone, setting.depth_mm, setting.passes);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = draw_doses_.find(key); it != draw_doses_.end())
      return it->second;
  }
  const auto n = static_cast<std::size_t>(std::max(1, trial.simulation.samples));
  std::vector<response::InjuryDose> doses(n);
#pragma omp parallel for schedule(dynamic)
  for (std::size_t k = 0; k < n; ++k)
    doses[k] = draw_dose(trial, zone, k, atlas_, puncture::MechanicsParams::builtin());
  const std::lock_guard<std::mutex> lock(mutex_);
  draw_doses_.emplace(key, doses);
  return doses;
}

std::vector<double> PipelinePredictor::draw_downtimes(const cases::Case& trial, std::size_t zone,
                                                      const planner::ZoneSetting& setting) const {
  const auto key = std::make_tuple(zone, setting.depth_mm, setting.passes);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = draw_downtime_.find(key); it != draw_downtime_.end())
      return it->second;
  }
  const std::vector<response::InjuryDose> doses = draw_doses(trial, zone, setting);
  // As predict_zone: the zone's own closure conditions.
  response::Options ro;
  ro.closure = puncture::closure_conditions(trial, zone);
  std::vector<double> downtime(doses.size(), 0.0);
#pragma omp parallel for schedule(dynamic)
  for (std::size_t k = 0; k < doses.size(); ++k)
    downtime[k] = response::simulate(doses[k], subject_of(trial), ro).erythema_resolved_day;
  const std::lock_guard<std::mutex> lock(mutex_);
  draw_downtime_.emplace(key, downtime);
  return downtime;
}

planner::ZonePrediction PipelinePredictor::predict_zone_intervals(
    const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
    const planner::CourseSetting& course, bool collagen) const {
  planner::ZonePrediction out = predict_zone(c, zone, setting, course);
  cases::Case trial = with_setting(c, zone, setting);
  auto interval = [](const std::vector<double>& v) {
    return core::Interval{v[puncture::quantile_index(v, 0.1)], v[puncture::quantile_index(v, 0.5)],
                          v[puncture::quantile_index(v, 0.9)]};
  };
  out.downtime_days_interval = interval(draw_downtimes(trial, zone, setting));
  if (!collagen)
    return out;
  // Each draw's course, as predict_zone runs it (the first session's
  // response is draw_downtimes', not rerun here).
  const std::vector<response::InjuryDose> doses = draw_doses(trial, zone, setting);
  healing::CourseOptions opt;
  opt.steps_per_day = cheap::kStepsPerDay;
  opt.rel_tol = cheap::kRelTol;
  opt.horizon_days = std::ceil((course.sessions - 1) * course.interval_days + kFollowUpDays);
  opt.closure = puncture::closure_conditions(trial, zone);
  opt.first_session_response = false;
  const anatomy::Subject subject = subject_of(trial);
  std::vector<double> gain(doses.size(), 0.0);
#pragma omp parallel for schedule(dynamic)
  for (std::size_t k = 0; k < doses.size(); ++k) {
    const healing::Course h = healing::simulate_course(
        healing::regular_sessions(course.sessions, course.interval_days, doses[k]), subject, opt);
    gain[k] = h.collagen_rel.back();
  }
  out.collagen_gain_rel_interval = interval(gain);
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
