// Stage 3, puncture: insertion mechanics of one needle and of needle arrays.
//
// A needle (cone of half-angle alpha ending in a cylinder) pressed into skin
// first dimples ("tents") it: a rigid cone on a layered elastic half-space
// (Sneddon, with the Boussinesq-weighted layer modulus) plus the in-plane
// tension of living skin, both stiffened by the needle speed (1 + v/v_c). It
// punctures the stratum corneum when its force reaches the puncture force
// F_p = k_d * 2 R_tip * (E_surface/E_ref)^a, then advances against the
// crack-propagation force plus flank friction while the skin around it stays
// dimpled. The depth reached is the tip travel minus that dimple.
// Model, parameters and calibration: docs/models/puncture.md,
// docs/calibration/puncture.md.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/device/device.hpp"

namespace mnsim::puncture {

// The kalluri2011 roller configuration (hairless rat; a held-out validation row).
struct Calibration {
  std::string source;
  double observed_depth_m = 0;
  double needle_length_m = 0;
  double needle_base_diameter_m = 0;
  double tip_radius_m = 0;
  int needle_count = 0;
  int needle_rows = 0;
  double drum_diameter_m = 0;
  double drum_width_m = 0;
  double pressure_n = 0;
  std::string site;
  anatomy::Subject subject;
};

// data/puncture/mechanics.toml.
struct MechanicsParams {
  double puncture_force_n_per_m_diameter = 4.5e3;  // k_d (romgens2014)
  std::string reference_site = "abdomen";
  anatomy::Subject reference_subject;
  double reference_depth_m = 1e-3;
  double reference_modulus_pa = 6.3e6;  // computed from the atlas at load
  double modulus_exponent = 0.5;
  double steady_force_ratio = 1.0;
  double poisson_ratio = 0.5;
  double friction_coefficient = 0.4;
  double dimple_stiffness_factor = 1.0;  // c_K, FITTED (data/puncture/calibrated.toml)
  double rate_speed_m_s = 1.0;           // v_c, FITTED: dimple stiffness x (1 + v/v_c)
  // Living skin: in-plane tension (the other hand stretches it) and the span
  // over which the membrane is held (ASSUMPTIONS, mechanics.toml [skin]).
  double tension_n_per_m = 30;        // FITTED (calibrated.toml)
  double tension_prior_n_per_m = 30;  // the fit's prior centre (mechanics.toml)
  double tension_span_m = 5e-3;
  // Needle speeds at contact (ASSUMPTIONS, mechanics.toml [speeds]).
  double pen_stroke_m = 2e-3;       // pens: v = pi f stroke
  double roller_speed_m_s = 30e-3;  // rollers: v = v_roll sin(entry angle)
  double press_speed_m_s = 1e-3;    // stamps and hand-pressed arrays
  // Posterior sds (log scale) and correlation of the fitted parameters.
  double dimple_stiffness_factor_sd_log = 0;
  double rate_speed_sd_log = 0;
  double steady_force_ratio_sd_log = 0;
  double tension_sd_log = 0;
  // Correlation of the log parameters (c_K, v_c, F_c/F_p, T), row-major.
  std::vector<double> correlation;
  double tip_radius_cv = 0.15;
  double local_modulus_cv = 0.30;
  int modulus_bins = 16;
  double placement_jitter_m = 0.05e-3;
  std::vector<double> directions_deg{0, 90, 45, 135};
  double patch_side_m = 10e-3;
  int coverage_samples = 200000;
  bool spacing_statistics = true;  // nearest-neighbour spacing (the planner's predictor skips it)
  // The patch's channels (positions for the map, the coverage, the spacing and
  // the 3D transport layout). Off: the counts and depths only, as the injury
  // dose needs; the coverage and spacing are then not computed (left 0).
  bool patch_channels = true;
  Calibration calibration;

  static MechanicsParams load(std::string_view path, const anatomy::Atlas& atlas);
  // data/puncture/mechanics.toml with the built-in atlas, loaded once.
  static const MechanicsParams& builtin();
};

// Depth-weighted mean Young's modulus of a stack over [0, depth_m].
double effective_modulus_pa(const anatomy::LayerStack& stack, double depth_m);

// The skin under one needle, from the layer stack and the conditions.
struct SkinMechanics {
  double dimple_modulus_pa = 5e6;     // layered half-space seen by the dimple
  double surface_modulus_pa = 1.5e6;  // stratum corneum + viable epidermis (puncture)
  double tension_n_per_m = 0;         // in-plane tension (living skin; 0 ex vivo)
  double speed_m_s = 0;               // needle speed at contact (0: quasi-static)
  // Local stiffness variation: both moduli scaled by f.
  [[nodiscard]] SkinMechanics scaled(double f) const {
    SkinMechanics s = *this;
    s.dimple_modulus_pa *= f;
    s.surface_modulus_pa *= f;
    return s;
  }
};
// Modulus seen by a dimple of load radius a: the Boussinesq axial-stress
// weight w(z) = 1 - z^3/(a^2+z^2)^(3/2) averages the layer compliances from
// the surface to the bottom of the dermis (the dermis spreads the load over
// the fat, which is not counted: ASSUMPTION).
double layered_modulus_pa(const anatomy::LayerStack& stack, double load_radius_m);
// Mean modulus of the stratum corneum and viable epidermis.
double surface_modulus_pa(const anatomy::LayerStack& stack);
SkinMechanics skin_mechanics(const anatomy::LayerStack& stack, double load_radius_m, bool in_vivo,
                             double speed_m_s, const MechanicsParams& p);
// Needle speed at contact for a device (pens: stroke frequency; rollers:
// rolling speed; stamps: pressing speed), see MechanicsParams.
double needle_speed_m_s(const device::Device& d, double length_m, const MechanicsParams& p);

// One needle's geometry and condition.
struct Needle {
  double length_m = 1e-3;  // physical length (hub contact beyond it)
  double tip_radius_m = 4e-6;
  double base_radius_m = 125e-6;
  double cone_length_m = 1e-3;
  double force_factor = 1.0;  // > 1 for a bent or hooked tip

  [[nodiscard]] double tan_alpha() const { return (base_radius_m - tip_radius_m) / cone_length_m; }
  // Radius of the needle at distance s from its tip.
  [[nodiscard]] double radius_at(double s_m) const;
  // Mean new needle of a device, for a zone needle length (pens: physical length).
  static Needle of(const device::Device& d, double length_m, double tip_radius_m);
};

// What one insertion did.
struct Insertion {
  bool punctured = false;
  double depth_m = 0;   // channel depth below the (undeformed) skin surface
  double force_n = 0;   // force on the needle
  double dimple_m = 0;  // surface depression at the needle
};

// The insertion law of one needle in the given skin.
class InsertionModel {
 public:
  InsertionModel(const Needle& needle, const SkinMechanics& skin, const MechanicsParams& p);
  // Quasi-static, no tension, one modulus for dimpling and puncture.
  InsertionModel(const Needle& needle, double modulus_pa, const MechanicsParams& p)
      : InsertionModel(needle, SkinMechanics{modulus_pa, modulus_pa, 0, 0}, p) {}

  [[nodiscard]] const Needle& needle() const { return needle_; }
  [[nodiscard]] double puncture_force_n() const { return puncture_force_; }
  [[nodiscard]] double steady_force_n() const { return steady_force_; }
  // Force that dimples the skin by d (cone, then cylinder), and its inverse.
  [[nodiscard]] double dimple_force_n(double d_m) const;
  [[nodiscard]] double dimple_depth_m(double force_n) const;
  // Force needed to keep advancing at inserted depth z.
  // d(dimple depth)/d(force), m/N, at `force_n`.
  [[nodiscard]] double dimple_compliance_m_per_n(double force_n) const;
  [[nodiscard]] double resistance_n(double z_m) const;
  // Tip travel below the undeformed surface at which the skin punctures.
  [[nodiscard]] double puncture_travel_m() const { return puncture_travel_; }
  // Quasi-static loading to tip travel u (below the undeformed surface).
  [[nodiscard]] Insertion at_travel(double u_m) const;

 private:
  Needle needle_;
  double e_star_ = 0;
  double rate_factor_ = 1;     // 1 + v/v_c
  double tension_slope_ = 0;   // membrane stiffness 2 pi T / ln(span / R_b)
  double cone_coeff_ = 0;      // A in F = g (A d^2 + k_T d)
  double cylinder_slope_ = 0;  // dF/dd once the dimple passes the cone
  double flank_coeff_ = 0;     // friction per unit flank area
  double puncture_force_ = 0;
  double steady_force_ = 0;
  double puncture_travel_ = 0;
};

// Force-controlled stamp: common travel u of all `count` identical needles
// under `force_n`, at most `max_travel_m` (the plate reaches the skin).
double stamp_travel_m(const InsertionModel& mean, int count, double force_n, double max_travel_m);

// Force-controlled roller: the needle travel at the bottom of the drum for the
// even and the odd rings (rings are staggered by half a needle pitch), when
// the hand force is shared by the needles in contact.
struct DrumContact {
  std::pair<double, double> bottom_travel_m;  // (even rings, odd rings)
  std::pair<double, double> axle_height_m;    // above the undeformed skin
  double needles_in_contact = 0;              // mean of the two phases
  bool drum_on_skin = false;                  // saturated: the drum body rests on the skin
};
DrumContact roller_contact(const InsertionModel& mean, const device::Device& d, double length_m,
                           double force_n);

// Surface opening of a roller channel: the needle rotates with the drum
// while inside the skin, so the opening is elongated along the stroke.
struct Opening {
  double major_m = 0;  // along the stroke
  double minor_m = 0;  // across
};
Opening roller_opening(const Needle& needle, double drum_radius_m, double axle_height_m,
                       const Insertion& at_bottom);
Opening straight_opening(const Needle& needle, const Insertion& ins);

// The kalluri2011 configuration (p.calibration) set up: the roller, its mean
// needle in the calibration skin, and the drum's contact under the hand force.
struct CalibrationRoller {
  device::Device device;
  Needle needle;
  InsertionModel model;
  DrumContact contact;
};
CalibrationRoller calibration_roller(const MechanicsParams& p, const anatomy::Atlas& atlas);
// The model's depth for the kalluri2011 configuration (mean of the even and
// odd rings at the bottom of the drum).
double calibration_depth_m(const MechanicsParams& p, const anatomy::Atlas& atlas);

}  // namespace mnsim::puncture
