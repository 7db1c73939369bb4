#include "mnsim/pipeline/predictor.hpp"

#include <algorithm>
#include <cmath>

#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"
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
  const auto key = std::make_tuple(zone, setting.depth_mm, setting.passes);
  std::optional<std::pair<response::InjuryDose, double>> cached;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = doses_.find(key); it != doses_.end())
      cached = it->second;
  }
  if (!cached) {
    cases::Case trial = c;
    trial.zones.at(zone).depth_mm = setting.depth_mm;
    trial.procedure.passes = setting.passes;
    puncture::PatternInput in = pattern_input(trial, zone, atlas_);
    in.zone_area_m2 = kPatchAreaM2;
    const Punctured p{puncture::simulate(in, predictor_params()), in.skin};
    const double depth_um =
        p.pattern.channels_total > 0 ? units::to_um(p.pattern.depth_m.mean) : 0.0;
    cached = std::make_pair(injury_dose(p.pattern, p.skin), depth_um);
    const std::lock_guard<std::mutex> lock(mutex_);
    doses_.emplace(key, *cached);
  }
  const auto& [dose, depth_um] = *cached;

  cases::Case trial = c;
  trial.course.sessions = course.sessions;
  trial.course.interval_days = course.interval_days;
  trial.course.horizon_days =
      std::ceil((course.sessions - 1) * course.interval_days + kFollowUpDays);
  const healing::Course k = course_of(trial, dose, std::nullopt, {}, kStepsPerDay, kRelTol);
  planner::ZonePrediction out;
  out.real_depth_um = depth_um;
  out.downtime_days = k.first_session.erythema_resolved_day;
  out.collagen_gain_rel = k.collagen_rel.back();
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
