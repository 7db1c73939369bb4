// The acute response ODEs (docs/models/response.md) and their solution.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "mnsim/core/error.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/response/response.hpp"

namespace mnsim::response {

double injury_load_um(const InjuryDose& dose, const Params& p) {
  double load = 0;
  for (std::size_t i = 0; i < anatomy::kLayerCount; ++i)
    load += p.layer_weight[i] * dose.wounded_volume_fraction[i] * dose.layer_thickness_um[i];
  return load;
}

void acute_rhs(const Params& p, double barrier_per_day, double pore_close_per_day,
               std::span<const double> y, std::span<double> dydt) {
  const double release = p.mediator_decay_per_day * y[kMediator];
  dydt[kMediator] = -release;
  dydt[kErythemaDrive] = release - p.erythema_decay_per_day * y[kErythemaDrive];
  dydt[kOedemaFluid] = release - p.oedema_decay_per_day * y[kOedemaFluid];
  dydt[kOpenPores] = -pore_close_per_day * y[kOpenPores];
  dydt[kScDeficit] = -barrier_per_day * y[kScDeficit];
}

void add_session(const Params& p, const InjuryDose& dose, std::span<double> y) {
  y[kMediator] += injury_load_um(dose, p);
  const double r = dose.surface_radius_um;
  const double open = 1.0 - std::exp(-dose.channels_per_cm2 * 1e-8 * std::numbers::pi * r * r);
  y[kOpenPores] = std::min(1.0, y[kOpenPores] + open);
  y[kScDeficit] = std::min(1.0, y[kScDeficit] + p.barrier_damage_ratio * open);
}

namespace {
double grade(const Params& p, double x) {
  x = std::max(0.0, x);
  return p.grade_max * x / (x + p.erythema_half_load_um);
}
}  // namespace

double erythema_grade(const Params& p, std::span<const double> y) {
  return grade(p, y[kErythemaDrive]);
}
double oedema_grade(const Params& p, std::span<const double> y) {
  return grade(p, y[kOedemaFluid]);
}
double water_loss_rel(const Params& p, std::span<const double> y) {
  return 1.0 + p.water_loss_gain * (std::max(0.0, y[kOpenPores]) + std::max(0.0, y[kScDeficit]));
}

double pain_nrs(const InjuryDose& dose, double anaesthetic_depth_um, const Params& p) {
  if (dose.channels_per_cm2 <= 0)
    return 0;
  const double deep = std::max(0.0, dose.depth_p90_um - std::max(0.0, anaesthetic_depth_um));
  const double h = std::pow(deep / p.pain_depth_um, p.pain_exponent);
  return 10.0 * h / (1.0 + h);
}

PihRisk pih_risk(int fitzpatrick, double erythema_grade_days, const Params& p) {
  const int type = std::clamp(fitzpatrick, 1, 6);
  const double ref = p.pih_reference_risk[static_cast<std::size_t>(type - 1)];
  const double exposure = std::max(0.0, erythema_grade_days) / p.pih_reference_grade_days;
  PihRisk r;
  r.probability = 1.0 - std::pow(1.0 - ref, exposure);
  r.basis = fmt::format(
      "assumption (confidence L): {:.1f} % for Fitzpatrick {} at a reference erythema exposure of "
      "{} grade-days, scaled as independent exposures (this session: {:.1f} grade-days); ordering "
      "by phototype from Chu 2021, magnitude bounded by Al Qarqaz 2018 (0/39 in types III-V)",
      100.0 * ref, type, p.pih_reference_grade_days, erythema_grade_days);
  return r;
}

namespace {
constexpr double kLongestResolutionDays = 365;  // erythema must resolve within a year

// (1 - exp(-x)) / x, with its limit 1 at x = 0; accurate for small |x|.
double one_minus_exp_over(double x) {
  return std::abs(x) < 1e-300 ? 1.0 : -std::expm1(-x) / x;
}

// y' = -a y + r(t) after a session is linear with constant rates: its exact
// solution. Drive states fed by the mediator: X(t) = X0 e^{-bt} + a M0
// (e^{-at} - e^{-bt}) / (b - a), written as a M0 t e^{-at} (1 - e^{-(b-a)t}) /
// ((b-a)t) so that b -> a is exact (the limit a M0 t e^{-at}).
class AcuteSolution {
 public:
  AcuteSolution(const Params& p, double barrier_per_day, double pore_close_per_day,
                const std::array<double, kAcuteStates>& y0)
      : p_(p), barrier_(barrier_per_day), pore_(pore_close_per_day), y0_(y0) {}

  std::array<double, kAcuteStates> at(double t_days) const {
    const double a = p_.mediator_decay_per_day;
    const double m0 = y0_[kMediator];
    const double ma = std::exp(-a * t_days);
    auto fed = [&](double x0, double b) {
      return x0 * std::exp(-b * t_days) +
             a * m0 * t_days * ma * one_minus_exp_over((b - a) * t_days);
    };
    std::array<double, kAcuteStates> y{};
    y[kMediator] = m0 * ma;
    y[kErythemaDrive] = fed(y0_[kErythemaDrive], p_.erythema_decay_per_day);
    y[kOedemaFluid] = fed(y0_[kOedemaFluid], p_.oedema_decay_per_day);
    y[kOpenPores] = y0_[kOpenPores] * std::exp(-pore_ * t_days);
    y[kScDeficit] = y0_[kScDeficit] * std::exp(-barrier_ * t_days);
    return y;
  }

 private:
  const Params& p_;
  double barrier_;
  double pore_;
  std::array<double, kAcuteStates> y0_;
};

}  // namespace

std::array<double, kAcuteStates> acute_state_at(const Params& p, double barrier_per_day,
                                                double pore_close_per_day,
                                                const std::array<double, kAcuteStates>& y0,
                                                double t_days) {
  return AcuteSolution(p, barrier_per_day, pore_close_per_day, y0).at(t_days);
}

AcuteResponse simulate(const InjuryDose& dose, const anatomy::Subject& subject,
                       const Options& options, const Params& params) {
  if (!(options.horizon_days > 0) || !(options.output_step_h > 0))
    throw InputError(
        InputIssue{"<response options>", "horizon_days/output_step_h", "", "must be > 0"});
  const double barrier_per_day = 24.0 * params.barrier_rate_per_h(subject.age_years);
  const auto& law = puncture::ResealingLaw::builtin();
  const double pore_per_day = law.closure_rate_per_s(options.closure) * units::kDay;
  std::array<double, kAcuteStates> y0{};
  add_session(params, dose, y0);
  // The acute system is linear with constant rates: solved exactly.
  const AcuteSolution solution(params, barrier_per_day, pore_per_day, y0);

  AcuteResponse r;
  r.injury_load_um = y0[kMediator];
  r.bleeding_fraction = dose.fraction_reaching_papillary;
  r.pain_nrs = pain_nrs(dose, options.anaesthetic_depth_um, params);
  const double open0 = y0[kOpenPores];
  auto record = [&](double t_h, std::span<const double> y) {
    r.time_h.push_back(t_h);
    r.erythema.push_back(erythema_grade(params, y));
    r.oedema.push_back(oedema_grade(params, y));
    r.water_loss_rel.push_back(water_loss_rel(params, y));
  };
  record(0.0, y0);
  const auto steps =
      static_cast<long>(std::ceil(options.horizon_days * 24.0 / options.output_step_h));
  for (long i = 1; i <= steps; ++i) {
    const double t_h = std::min(options.horizon_days * 24.0, i * options.output_step_h);
    record(t_h, solution.at(t_h / 24.0));
  }
  // Peak, exposure and resolution; resolution may lie beyond the horizon.
  std::size_t peak = 0;
  for (std::size_t i = 0; i < r.erythema.size(); ++i) {
    if (r.erythema[i] > r.erythema[peak])
      peak = i;
    if (i > 0) {
      r.erythema_grade_days +=
          0.5 * (r.erythema[i] + r.erythema[i - 1]) * (r.time_h[i] - r.time_h[i - 1]) / 24.0;
    }
  }
  r.erythema_peak = r.erythema[peak];
  r.oedema_peak = *std::max_element(r.oedema.begin(), r.oedema.end());
  r.pih = pih_risk(subject.fitzpatrick, r.erythema_grade_days, params);
  const double vis = params.grade_visible;
  r.erythema_resolved_day = 0;
  if (r.erythema_peak >= vis) {
    bool found = false;
    for (std::size_t i = peak + 1; i < r.erythema.size() && !found; ++i) {
      if (r.erythema[i] < vis) {
        const double f = (r.erythema[i - 1] - vis) / (r.erythema[i - 1] - r.erythema[i]);
        r.erythema_resolved_day = (r.time_h[i - 1] + f * (r.time_h[i] - r.time_h[i - 1])) / 24.0;
        found = true;
      }
    }
    // Beyond the horizon: keep integrating (hourly) up to a year.
    double t_h = r.time_h.back();
    double prev = r.erythema.back();
    while (!found && t_h < kLongestResolutionDays * 24.0) {
      const double next_h = t_h + 1.0;
      const double e = erythema_grade(params, solution.at(next_h / 24.0));
      if (e < vis) {
        r.erythema_resolved_day = (t_h + (prev - vis) / (prev - e)) / 24.0;
        found = true;
      }
      prev = e;
      t_h = next_h;
    }
    if (!found)
      throw NumericalError("erythema did not resolve within a year: parameters out of range");
  }
  r.barrier_resealed_h = 0;
  if (open0 > 0) {
    r.barrier_resealed_h = units::to_hours(law.reseal_time_s(options.closure));  // P = P0 exp(-k t)
  }
  return r;
}

}  // namespace mnsim::response
