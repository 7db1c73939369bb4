// Stage 5, response: the hours and days after one session.
//
// Input is the injury dose (what the needles did to each layer); output is
// erythema, oedema, barrier (water loss), pain during treatment and the risk
// of post-inflammatory hyperpigmentation (PIH). Model, equations, parameters
// and their sources: docs/models/response.md. Parameters: data/response/*.toml.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/anatomy/subject.hpp"
#include "mnsim/puncture/resealing.hpp"

namespace mnsim::cases {
struct Case;
}

namespace mnsim::response {

// What one session did to the skin of one zone, computed by injury_dose()
// from the puncture stage's channels (pipeline::injury_dose).
struct InjuryDose {
  double channels_per_cm2 = 0;  // all passes of the session together
  double depth_mean_um = 0;     // channel depth below the surface
  double depth_p90_um = 0;
  double surface_radius_um = 0;  // channel radius at the surface
  double fraction_reaching_papillary =
      0;  // share of channels into vascular dermis (pinpoint bleeding)
  // Share of each atlas layer's volume that was wounded (0..1), layers in
  // anatomy::kAllLayers order; overlapping channels counted once (Poisson).
  std::array<double, anatomy::kLayerCount> wounded_volume_fraction{};
  // Thickness of each layer (µm) the fractions refer to.
  std::array<double, anatomy::kLayerCount> layer_thickness_um{};
  int passes = 0;
};

// The dose from a sample of channel depths (µm; one per simulated channel,
// or a histogram's bin centres repeated by count), the areal density of all
// channels of the session, and the channel radius at the surface. Each
// channel is a cone from that radius at the surface to a point at its depth.
// Throws InputError on negative or non-finite inputs.
InjuryDose injury_dose(std::span<const double> depths_um, double channels_per_cm2,
                       double surface_radius_um, int passes, const anatomy::LayerStack& stack);

// Parameters of the acute model (data/response/acute.toml and the fitted
// data/response/calibrated.toml).
struct Params {
  // Injury load: wounded volume per skin area, weighted by layer (µm).
  std::array<double, anatomy::kLayerCount> layer_weight{};
  double mediator_decay_per_day = 0;  // k_M
  double erythema_decay_per_day = 0;  // k_X  (fitted)
  double erythema_half_load_um = 0;   // X50  (fitted)
  double oedema_decay_per_day = 0;    // k_O
  double grade_max = 4;               // clinical grade scale 0..4
  double grade_visible = 0.5;         // below this erythema counts as resolved
  double barrier_young_per_h = 0;     // Ghadially: stratum-corneum repair rate, young (fitted)
  double barrier_aged_per_h = 0;      // same, aged (fitted)
  double barrier_young_age_years = 25;
  double barrier_aged_age_years = 80;
  double barrier_damage_ratio = 1;  // SC area disrupted per area of channel openings
  double water_loss_gain = 1;       // relative TEWL excess per unit of open/disrupted area
  double pain_depth_um = 0;         // depth at which needling becomes painful (NRS 5)
  double pain_exponent = 1;
  std::array<double, 6> pih_reference_risk{};  // per Fitzpatrick I..VI at the reference exposure
  double pih_reference_grade_days = 1;         // erythema exposure (grade x days) of the reference
  // Read from the built-in tables; throws DataError on a defect.
  static const Params& builtin();
  static Params load(std::string_view acute_path, std::string_view calibrated_path);
  // Stratum-corneum barrier repair rate (1/h) at an age (Ghadially 1995),
  // linear between the young and aged groups, constant outside.
  [[nodiscard]] double barrier_rate_per_h(double age_years) const;
};

// The weighted wounded volume per skin area (µm) that drives the response.
double injury_load_um(const InjuryDose& dose, const Params& p);

struct Options {
  double anaesthetic_depth_um = 0;  // numbed depth at treatment (the transport stage); 0 = none
  // Needle length, occlusion, age and site of the channels: their closure
  // rate is puncture::ResealingLaw's (the one the transport stage uses).
  puncture::ClosureConditions closure;
  double horizon_days = 14;
  double output_step_h = 1;
};

// Number of ODE states of the acute model and their order.
inline constexpr std::size_t kAcuteStates = 5;  // M, X, O, open pores, SC deficit
enum AcuteState : std::size_t { kMediator, kErythemaDrive, kOedemaFluid, kOpenPores, kScDeficit };

// The acute right-hand side (per day), shared with the healing stage.
void acute_rhs(const Params& p, double barrier_per_day, double pore_close_per_day,
               std::span<const double> y, std::span<double> dydt);
// The exact solution of acute_rhs from y0 at time 0 (the system is linear with
// constant rates): the states t_days later. simulate() uses it; the healing
// stage integrates acute_rhs together with the nonlinear remodelling.
std::array<double, kAcuteStates> acute_state_at(const Params& p, double barrier_per_day,
                                                double pore_close_per_day,
                                                const std::array<double, kAcuteStates>& y0,
                                                double t_days);
// The jump a session adds to the acute states.
void add_session(const Params& p, const InjuryDose& dose, std::span<double> y);
// Observables from the acute states.
double erythema_grade(const Params& p, std::span<const double> y);
double oedema_grade(const Params& p, std::span<const double> y);
double water_loss_rel(const Params& p, std::span<const double> y);  // 1 = baseline TEWL

struct PihRisk {
  double probability = 0;  // of visible PIH after this session
  std::string basis;       // how the figure was obtained
};

struct AcuteResponse {
  std::vector<double> time_h;
  std::vector<double> erythema;        // grade 0..4
  std::vector<double> oedema;          // grade 0..4
  std::vector<double> water_loss_rel;  // TEWL / baseline
  double injury_load_um = 0;
  double erythema_peak = 0;
  double erythema_resolved_day = 0;  // first time after the peak below grade_visible
  double erythema_grade_days = 0;    // area under the erythema curve
  double oedema_peak = 0;
  double barrier_resealed_h = 0;  // open channels below the law's residual (5 %) of those made
  double pain_nrs = 0;            // 0..10 during treatment
  double bleeding_fraction = 0;   // = dose.fraction_reaching_papillary
  PihRisk pih;
};

// The response to one session. Deterministic. Throws NumericalError on a
// solver failure.
AcuteResponse simulate(const InjuryDose& dose, const anatomy::Subject& subject,
                       const Options& options = {}, const Params& params = Params::builtin());

// Pain during treatment (NRS 0..10) from the deep channels and the numbed depth.
double pain_nrs(const InjuryDose& dose, double anaesthetic_depth_um, const Params& p);

// PIH risk of a session with an erythema exposure (grade x days).
PihRisk pih_risk(int fitzpatrick, double erythema_grade_days, const Params& p);

}  // namespace mnsim::response
