// Stage 3, puncture: insertion mechanics of one needle and of needle arrays.
//
// A needle (cone of half-angle alpha ending in a cylinder) pressed into skin
// first dimples ("tents") it like a rigid cone on an elastic half-space
// (Sneddon), punctures when its force reaches the puncture force
// F_p = k_d * 2 R_tip * (E/E_ref)^a, then advances against the crack-propagation
// force plus flank friction while the skin around it stays dimpled. The depth
// reached is the tip travel below the undeformed surface minus that dimple.
// Model, parameters and calibration: docs/models/puncture.md.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/device/device.hpp"

namespace mnsim::puncture {

// The kalluri2011 configuration the dimple stiffness factor is fitted to.
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
  double dimple_stiffness_factor = 0.2;  // FITTED (kalluri2011)
  double tip_radius_cv = 0.15;
  double local_modulus_cv = 0.30;
  int modulus_bins = 16;
  double placement_jitter_m = 0.05e-3;
  std::vector<double> directions_deg{0, 90, 45, 135};
  double patch_side_m = 10e-3;
  int coverage_samples = 200000;
  bool spacing_statistics = true;  // nearest-neighbour spacing (the planner's predictor skips it)
  Calibration calibration;

  static MechanicsParams load(std::string_view path, const anatomy::Atlas& atlas);
  // data/puncture/mechanics.toml with the built-in atlas, loaded once.
  static const MechanicsParams& builtin();
};

// Depth-weighted mean Young's modulus of a stack over [0, depth_m].
double effective_modulus_pa(const anatomy::LayerStack& stack, double depth_m);

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

// The insertion law of one needle in skin of effective modulus E.
class InsertionModel {
 public:
  InsertionModel(const Needle& needle, double modulus_pa, const MechanicsParams& p);

  [[nodiscard]] const Needle& needle() const { return needle_; }
  [[nodiscard]] double puncture_force_n() const { return puncture_force_; }
  [[nodiscard]] double steady_force_n() const { return steady_force_; }
  // Force that dimples the skin by d (cone, then cylinder), and its inverse.
  [[nodiscard]] double dimple_force_n(double d_m) const;
  [[nodiscard]] double dimple_depth_m(double force_n) const;
  // Force needed to keep advancing at inserted depth z.
  [[nodiscard]] double resistance_n(double z_m) const;
  // Tip travel below the undeformed surface at which the skin punctures.
  [[nodiscard]] double puncture_travel_m() const { return puncture_travel_; }
  // Quasi-static loading to tip travel u (below the undeformed surface).
  [[nodiscard]] Insertion at_travel(double u_m) const;

 private:
  Needle needle_;
  double e_star_ = 0;
  double cone_coeff_ = 0;      // A in F = A d^2
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

// Re-fits the dimple stiffness factor to the calibration datum (bisection);
// the value in mechanics.toml must equal it (tests/puncture).
double fit_dimple_stiffness_factor(const MechanicsParams& p, const anatomy::Atlas& atlas);
// The calibration configuration (p.calibration) set up: the roller, its mean
// needle in the calibration skin, and the drum's contact under the hand force.
struct CalibrationRoller {
  device::Device device;
  Needle needle;
  InsertionModel model;
  DrumContact contact;
};
CalibrationRoller calibration_roller(const MechanicsParams& p, const anatomy::Atlas& atlas);
// The model's depth for the calibration configuration with the given factor
// (mean of the even and odd rings at the bottom of the drum).
double calibration_depth_m(const MechanicsParams& p, const anatomy::Atlas& atlas);

}  // namespace mnsim::puncture
