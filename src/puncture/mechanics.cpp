#include "mnsim/puncture/mechanics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"

namespace mnsim::puncture {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr int kBisections = 64;
constexpr int kMaxRootSteps = 200;  // safeguarded Newton: bisection-bounded
using units::kMm;
using units::kUm;

anatomy::Subject subject_of(const toml::table& t, std::string_view age_key,
                            std::string_view sex_key, const core::data::Where& w) {
  anatomy::Subject s;
  s.age_years = core::data::positive(t, age_key, w);
  const std::string sex = core::data::string(t, sex_key, w);
  if (sex != "female" && sex != "male")
    w.fail(sex_key, "must be female or male");
  s.sex = sex == "male" ? anatomy::Sex::Male : anatomy::Sex::Female;
  return s;
}

}  // namespace

MechanicsParams MechanicsParams::load(std::string_view path, const anatomy::Atlas& atlas) {
  namespace data = core::data;
  const std::string file(path);
  const toml::table root = data::parse(path);
  MechanicsParams p;
  {
    const data::Where w{file + ": [insertion]"};
    const auto& t = data::table(root, "insertion", {file});
    p.puncture_force_n_per_m_diameter =
        data::positive(t, "puncture_force_n_per_um_tip_diameter", w) / kUm;
    p.reference_site = data::string(t, "reference_site", w);
    if (atlas.find(p.reference_site) == nullptr)
      w.fail("reference_site", "not an atlas site");
    p.reference_subject = subject_of(t, "reference_age_years", "reference_sex", w);
    p.reference_depth_m = data::positive(t, "reference_depth_um", w) * kUm;
    // The puncture force is scaled by the surface (SC + epidermis) modulus.
    p.reference_modulus_pa = surface_modulus_pa(atlas.stack(p.reference_site, p.reference_subject));
    p.modulus_exponent = data::real(t, "modulus_exponent", w);
    p.poisson_ratio = data::real(t, "poisson_ratio", w);
    if (!(p.poisson_ratio >= 0 && p.poisson_ratio <= 0.5))
      w.fail("poisson_ratio", "must be in [0, 0.5]");
    p.friction_coefficient = data::real(t, "friction_coefficient", w);
    if (p.friction_coefficient < 0)
      w.fail("friction_coefficient", "must be >= 0");
  }
  {
    const data::Where w{file + ": [skin]"};
    const auto& t = data::table(root, "skin", {file});
    p.tension_prior_n_per_m = data::positive(t, "tension_prior_n_per_m", w);
    p.tension_span_m = data::positive(t, "tension_span_mm", w) * kMm;
  }
  {
    const data::Where w{file + ": [speeds]"};
    const auto& t = data::table(root, "speeds", {file});
    p.pen_stroke_m = data::positive(t, "pen_stroke_mm", w) * kMm;
    p.roller_speed_m_s = data::positive(t, "roller_speed_mm_s", w) * kMm;
    p.press_speed_m_s = data::positive(t, "press_speed_mm_s", w) * kMm;
  }
  {
    // The fitted parameters (tools/calibrate_puncture --write).
    const std::string cal_file = "data/puncture/calibrated.toml";
    const toml::table cal = data::parse(cal_file);
    const data::Where w{cal_file + ": [fitted]"};
    const auto& t = data::table(cal, "fitted", {cal_file});
    p.dimple_stiffness_factor = data::positive(t, "dimple_stiffness_factor", w);
    p.rate_speed_m_s = data::positive(t, "rate_speed_m_s", w);
    p.steady_force_ratio = data::positive(t, "steady_force_ratio", w);
    if (p.steady_force_ratio > 1)
      w.fail("steady_force_ratio", "must be in (0, 1]");
    p.dimple_stiffness_factor_sd_log = data::real(t, "dimple_stiffness_factor_sd_log", w);
    p.rate_speed_sd_log = data::real(t, "rate_speed_m_s_sd_log", w);
    p.steady_force_ratio_sd_log = data::real(t, "steady_force_ratio_sd_log", w);
    p.tension_n_per_m = data::positive(t, "tension_n_per_m", w);
    p.tension_sd_log = data::real(t, "tension_n_per_m_sd_log", w);
    const auto* corr = t.get("correlation");
    if (corr == nullptr || !corr->is_array() || corr->as_array()->size() != 16)
      w.fail("correlation", "expected 16 numbers (4 x 4, row-major)");
    for (const auto& e : *corr->as_array()) {
      if (!e.is_number())
        w.fail("correlation", "expected numbers");
      p.correlation.push_back(e.is_integer() ? static_cast<double>(e.as_integer()->get())
                                             : e.as_floating_point()->get());
    }
  }
  {
    const data::Where w{file + ": [variability]"};
    const auto& t = data::table(root, "variability", {file});
    p.tip_radius_cv = data::real(t, "tip_radius_cv", w);
    p.local_modulus_cv = data::real(t, "local_modulus_cv", w);
    p.modulus_bins = static_cast<int>(data::positive(t, "modulus_bins", w));
    p.placement_jitter_m = data::real(t, "placement_jitter_mm", w) * kMm;
    if (p.tip_radius_cv < 0 || p.local_modulus_cv < 0 || p.placement_jitter_m < 0)
      w.fail("tip_radius_cv", "spreads must be >= 0");
  }
  {
    const data::Where w{file + ": [kinematics]"};
    const auto& t = data::table(root, "kinematics", {file});
    p.directions_deg.clear();
    const auto* arr = t.get("directions_deg");
    if (arr == nullptr || !arr->is_array() || arr->as_array()->empty())
      w.fail("directions_deg", "expected a non-empty list of numbers");
    for (const auto& e : *arr->as_array()) {
      if (!e.is_number())
        w.fail("directions_deg", "expected numbers");
      p.directions_deg.push_back(e.is_integer() ? static_cast<double>(e.as_integer()->get())
                                                : e.as_floating_point()->get());
    }
    p.patch_side_m = data::positive(t, "patch_side_mm", w) * kMm;
    p.coverage_samples = static_cast<int>(data::positive(t, "coverage_samples", w));
  }
  {
    const data::Where w{file + ": [calibration]"};
    const auto& t = data::table(root, "calibration", {file});
    auto& c = p.calibration;
    c.source = data::string(t, "source", w);
    core::Bibliography::builtin().require({c.source}, w.text);
    c.observed_depth_m = data::positive(t, "observed_depth_um", w) * kUm;
    c.needle_length_m = data::positive(t, "needle_length_um", w) * kUm;
    c.needle_base_diameter_m = data::positive(t, "needle_base_diameter_um", w) * kUm;
    c.tip_radius_m = data::positive(t, "tip_radius_um", w) * kUm;
    c.needle_count = static_cast<int>(data::positive(t, "needle_count", w));
    c.needle_rows = static_cast<int>(data::positive(t, "needle_rows", w));
    c.drum_diameter_m = data::positive(t, "drum_diameter_mm", w) * kMm;
    c.drum_width_m = data::positive(t, "drum_width_mm", w) * kMm;
    c.pressure_n = data::positive(t, "pressure_n", w);
    c.site = data::string(t, "site", w);
    if (atlas.find(c.site) == nullptr)
      w.fail("site", "not an atlas site");
    c.subject = subject_of(t, "age_years", "sex", w);
  }
  return p;
}

const MechanicsParams& MechanicsParams::builtin() {
  static const MechanicsParams p = load("data/puncture/mechanics.toml", anatomy::Atlas::builtin());
  return p;
}

double effective_modulus_pa(const anatomy::LayerStack& stack, double depth_m) {
  double sum = 0;
  double covered = 0;
  for (const auto& slab : stack.layers) {
    const double top = slab.top_m;
    const double bottom = std::min(slab.bottom_m(), depth_m);
    if (bottom > top) {
      sum += (bottom - top) * slab.youngs_modulus_pa;
      covered += bottom - top;
    }
  }
  if (covered < depth_m) {  // below the last layer: the subcutis continues
    sum += (depth_m - covered) * stack.slab(anatomy::Layer::Subcutis).youngs_modulus_pa;
    covered = depth_m;
  }
  return covered > 0 ? sum / covered : stack.layers[0].youngs_modulus_pa;
}

double layered_modulus_pa(const anatomy::LayerStack& stack, double load_radius_m) {
  // Compliance-weighted (harmonic) mean with the Boussinesq axial-stress weight.
  const double a = std::max(load_radius_m, 1 * kUm);
  double sum_w = 0;
  double sum_c = 0;
  for (const auto& slab : stack.layers) {
    if (slab.layer == anatomy::Layer::Subcutis || slab.thickness_m <= 0)
      continue;
    constexpr int kSteps = 32;
    const double h = slab.thickness_m / kSteps;
    for (int i = 0; i < kSteps; ++i) {
      const double z = slab.top_m + (i + 0.5) * h;
      const double w = 1 - z * z * z / std::pow(a * a + z * z, 1.5);
      sum_w += w * h;
      sum_c += w * h / slab.youngs_modulus_pa;
    }
  }
  return sum_c > 0 ? sum_w / sum_c : stack.layers[0].youngs_modulus_pa;
}

double surface_modulus_pa(const anatomy::LayerStack& stack) {
  const auto& sc = stack.slab(anatomy::Layer::StratumCorneum);
  const auto& ve = stack.slab(anatomy::Layer::ViableEpidermis);
  const double t = sc.thickness_m + ve.thickness_m;
  if (t <= 0)
    return sc.youngs_modulus_pa;
  return (sc.thickness_m * sc.youngs_modulus_pa + ve.thickness_m * ve.youngs_modulus_pa) / t;
}

SkinMechanics skin_mechanics(const anatomy::LayerStack& stack, double load_radius_m, bool in_vivo,
                             double speed_m_s, const MechanicsParams& p) {
  SkinMechanics s;
  s.dimple_modulus_pa = layered_modulus_pa(stack, load_radius_m);
  s.surface_modulus_pa = surface_modulus_pa(stack);
  s.tension_n_per_m = in_vivo ? p.tension_n_per_m : 0.0;
  s.speed_m_s = speed_m_s;
  return s;
}

double needle_speed_m_s(const device::Device& d, double length_m, const MechanicsParams& p) {
  switch (d.kind) {
    case cases::DeviceKind::Pen:
      return kPi * d.stroke_hz * p.pen_stroke_m;  // peak of a sinusoidal stroke
    case cases::DeviceKind::Roller: {
      // Vertical speed of a needle tip entering the skin: v_roll sin(theta_entry),
      // with cos(theta_entry) = 1 - L / (R + L) for full travel L.
      const double r_tip = 0.5 * d.drum_diameter_m + length_m;
      const double c = std::clamp(1 - length_m / r_tip, 0.0, 1.0);
      return p.roller_speed_m_s * std::sqrt(1 - c * c);
    }
    case cases::DeviceKind::Stamp:
      return p.press_speed_m_s;
  }
  return p.press_speed_m_s;
}

double Needle::radius_at(double s_m) const {
  if (s_m <= 0)
    return tip_radius_m;
  if (s_m >= cone_length_m)
    return base_radius_m;
  return tip_radius_m + tan_alpha() * s_m;
}

Needle Needle::of(const device::Device& d, double length_m, double tip_radius_m) {
  Needle n;
  n.length_m = d.kind == cases::DeviceKind::Pen ? d.physical_length_m() : length_m;
  n.tip_radius_m = tip_radius_m;
  n.base_radius_m = d.base_radius_m();
  n.cone_length_m =
      d.kind == cases::DeviceKind::Pen ? std::min(d.tip_cone_length_m, n.length_m) : n.length_m;
  return n;
}

InsertionModel::InsertionModel(const Needle& needle, const SkinMechanics& skin,
                               const MechanicsParams& p)
    : needle_(needle) {
  const double nu = p.poisson_ratio;
  e_star_ = skin.dimple_modulus_pa / (1 - nu * nu);
  const double c = p.dimple_stiffness_factor;
  const double tan_a = needle_.tan_alpha();
  rate_factor_ = 1 + std::max(0.0, skin.speed_m_s) / p.rate_speed_m_s;
  tension_slope_ = skin.tension_n_per_m > 0
                       ? 2 * kPi * skin.tension_n_per_m /
                             std::log(std::max(2.0, p.tension_span_m / needle_.base_radius_m))
                       : 0.0;
  cone_coeff_ = c * e_star_ * (2 / kPi) * tan_a;              // Sneddon cone
  cylinder_slope_ = c * 2 * e_star_ * needle_.base_radius_m;  // flat punch of the base radius
  // Flank friction: the elastic cone pressure E* tan(alpha) on the flank, NOT
  // scaled by the fitted dimple factor (which describes the tenting of the
  // whole skin, not the contact pressure on the inserted needle).
  flank_coeff_ = p.friction_coefficient * e_star_ * tan_a * 2 * kPi;
  puncture_force_ = p.puncture_force_n_per_m_diameter * 2 * needle_.tip_radius_m *
                    std::pow(skin.surface_modulus_pa / p.reference_modulus_pa, p.modulus_exponent) *
                    needle_.force_factor;
  steady_force_ = p.steady_force_ratio * puncture_force_;
  puncture_travel_ = dimple_depth_m(puncture_force_);
}

double InsertionModel::dimple_force_n(double d_m) const {
  if (d_m <= 0)
    return 0;
  const double lc = needle_.cone_length_m;
  const double g = rate_factor_;
  const double k = tension_slope_;
  if (d_m <= lc)
    return g * (cone_coeff_ * d_m * d_m + k * d_m);
  return g * (cone_coeff_ * lc * lc + k * lc + (cylinder_slope_ + k) * (d_m - lc));
}

double InsertionModel::dimple_depth_m(double force_n) const {
  if (force_n <= 0)
    return 0;
  const double lc = needle_.cone_length_m;
  const double k = tension_slope_;
  const double f = force_n / rate_factor_;
  const double f_cone = cone_coeff_ * lc * lc + k * lc;
  if (f <= f_cone)  // A d^2 + k d = f, the positive root in a cancellation-free form
    return 2 * f / (k + std::sqrt(k * k + 4 * cone_coeff_ * f));
  return lc + (f - f_cone) / (cylinder_slope_ + k);
}

double InsertionModel::dimple_compliance_m_per_n(double force_n) const {
  const double lc = needle_.cone_length_m;
  const double k = tension_slope_;
  const double f = std::max(0.0, force_n) / rate_factor_;
  const double f_cone = cone_coeff_ * lc * lc + k * lc;
  if (f <= f_cone)  // d(d)/df of A d^2 + k d = f
    return 1 / ((2 * cone_coeff_ * dimple_depth_m(force_n) + k) * rate_factor_);
  return 1 / ((cylinder_slope_ + k) * rate_factor_);
}

double InsertionModel::resistance_n(double z_m) const {
  const double lc = needle_.cone_length_m;
  const double zc = std::min(z_m, lc);
  // Integral of the needle radius over the inserted length.
  double integral = needle_.tip_radius_m * zc + 0.5 * needle_.tan_alpha() * zc * zc;
  if (z_m > lc)
    integral += needle_.base_radius_m * (z_m - lc);
  return steady_force_ + flank_coeff_ * integral;
}

Insertion InsertionModel::at_travel(double u_m) const {
  Insertion r;
  if (u_m <= 0)
    return r;
  if (u_m < puncture_travel_) {
    r.dimple_m = u_m;
    r.force_n = dimple_force_n(u_m);
    return r;
  }
  r.punctured = true;
  // g(z) = z + dimple(resistance(z)) - u = 0, increasing in z; z in [0, length].
  // Safeguarded Newton: g is piecewise smooth with an analytic slope, so
  // Newton converges in a few steps; a step leaving the bracket [lo, hi]
  // (where g changes sign) is replaced by bisection. Stops when the bracket
  // is a few ulps wide or g is zero: the same root the 64 bisections found,
  // in about a tenth of the evaluations (the roller contact calls this for
  // every needle inside its own bisection).
  const double zmax = needle_.length_m;
  const double lc = needle_.cone_length_m;
  auto g = [&](double z, double& slope) {
    const double f = resistance_n(z);
    const double radius =
        z < lc ? needle_.tip_radius_m + needle_.tan_alpha() * z : needle_.base_radius_m;
    slope = 1 + dimple_compliance_m_per_n(f) * flank_coeff_ * radius;
    return z + dimple_depth_m(f) - u_m;
  };
  double slope = 1;
  double z = 0;
  if (g(zmax, slope) <= 0) {
    z = zmax;  // hub on the skin
  } else if (const double g0 = g(0, slope); g0 < 0) {
    double lo = 0;
    double hi = zmax;
    double gz = g0;
    z = 0;
    const double tol = 4 * std::numeric_limits<double>::epsilon() * zmax;
    for (int i = 0; i < kMaxRootSteps && gz != 0 && hi - lo > tol; ++i) {
      double next = z - gz / slope;
      if (!(next > lo && next < hi))
        next = 0.5 * (lo + hi);
      const bool converged = std::abs(next - z) <= tol;
      z = next;
      if (converged)
        break;
      gz = g(z, slope);
      (gz < 0 ? lo : hi) = z;
    }
  }
  r.depth_m = z;
  r.force_n = resistance_n(z);
  r.dimple_m = u_m - z;
  return r;
}

double stamp_travel_m(const InsertionModel& mean, int count, double force_n, double max_travel_m) {
  auto total = [&](double u) { return count * mean.at_travel(u).force_n; };
  if (total(max_travel_m) <= force_n)
    return max_travel_m;  // the plate rests on the skin
  double lo = 0;
  double hi = max_travel_m;
  for (int i = 0; i < kBisections; ++i) {
    const double mid = 0.5 * (lo + hi);
    (total(mid) < force_n ? lo : hi) = mid;
  }
  return lo;
}

DrumContact roller_contact(const InsertionModel& mean, const device::Device& d, double length_m,
                           double force_n) {
  const double r_drum = 0.5 * d.drum_diameter_m;
  const double r_tip = r_drum + length_m;
  const int rings = std::max(1, d.needle_rows);
  const int per_ring = std::max(1, d.needle_count / rings);
  const double pitch = 2 * kPi / per_ring;
  const int even = (rings + 1) / 2;
  const int odd = rings / 2;
  // Force and contact count of one ring whose needles sit at offset + k*pitch.
  auto ring = [&](double h, double offset, double& contacts) {
    double f = 0;
    for (int k = -per_ring / 2; k <= per_ring / 2; ++k) {
      const double theta = offset + k * pitch;
      if (std::abs(theta) >= 0.5 * kPi)
        continue;
      const double u = r_tip * std::cos(theta) - h;
      if (u > 0) {
        f += mean.at_travel(u).force_n;
        contacts += 1;
      }
    }
    return f;
  };
  // Phase with the `bottom` rings' needle at theta = 0, the others half a pitch off.
  auto solve = [&](int bottom_rings, int other_rings, double& h_out, double& contacts_out) {
    auto total = [&](double h, double& contacts) {
      double c1 = 0;
      double c2 = 0;
      const double f = bottom_rings * ring(h, 0, c1) + other_rings * ring(h, 0.5 * pitch, c2);
      contacts = bottom_rings * c1 + other_rings * c2;
      return f;
    };
    double contacts = 0;
    if (total(r_drum, contacts) <= force_n) {
      h_out = r_drum;  // the drum body rests on the skin
      contacts_out = contacts;
      return true;
    }
    double lo = r_drum;
    double hi = r_tip;
    for (int i = 0; i < kBisections; ++i) {
      const double mid = 0.5 * (lo + hi);
      (total(mid, contacts) > force_n ? lo : hi) = mid;
    }
    h_out = hi;
    total(hi, contacts);
    contacts_out = contacts;
    return false;
  };
  DrumContact c;
  double ce = 0;
  double co = 0;
  const bool sat_even = solve(even, odd, c.axle_height_m.first, ce);
  bool sat_odd = sat_even;
  if (odd > 0) {
    sat_odd = solve(odd, even, c.axle_height_m.second, co);
  } else {
    c.axle_height_m.second = c.axle_height_m.first;
    co = ce;
  }
  c.bottom_travel_m = {r_tip - c.axle_height_m.first, r_tip - c.axle_height_m.second};
  c.needles_in_contact = 0.5 * (ce + co);
  c.drum_on_skin = sat_even && sat_odd;
  return c;
}

Opening roller_opening(const Needle& needle, double drum_radius_m, double axle_height_m,
                       const Insertion& at_bottom) {
  Opening o;
  if (!at_bottom.punctured)
    return o;
  const double r_tip = drum_radius_m + needle.length_m;
  const double entry = axle_height_m + at_bottom.dimple_m;  // axle to the entry level
  const double cos_c = std::clamp(entry / r_tip, 0.0, 1.0);
  const double psi = std::acos(cos_c);
  // Rolling without slip about the entry level: the needle's crossing of that
  // level sweeps 2 H (tan psi_c - psi_c) along the stroke while inserted.
  const double sweep = 2 * entry * (std::tan(psi) - psi);
  const double d = 2 * needle.radius_at(at_bottom.depth_m);
  o.major_m = d + sweep;
  o.minor_m = d;
  return o;
}

Opening straight_opening(const Needle& needle, const Insertion& ins) {
  Opening o;
  if (!ins.punctured)
    return o;
  o.major_m = o.minor_m = 2 * needle.radius_at(ins.depth_m);
  return o;
}

CalibrationRoller calibration_roller(const MechanicsParams& p, const anatomy::Atlas& atlas) {
  const auto& c = p.calibration;
  device::Device d;
  d.kind = cases::DeviceKind::Roller;
  d.needle_length_m = c.needle_length_m;
  d.needle_count = c.needle_count;
  d.needle_rows = c.needle_rows;
  d.needle_base_diameter_m = c.needle_base_diameter_m;
  d.tip_radius_m = c.tip_radius_m;
  d.drum_diameter_m = c.drum_diameter_m;
  d.drum_width_m = c.drum_width_m;
  d.tip_cone_length_m = c.needle_length_m;
  const Needle needle = Needle::of(d, c.needle_length_m, c.tip_radius_m);
  const SkinMechanics skin =
      skin_mechanics(atlas.stack(c.site, c.subject), needle.base_radius_m, /*in_vivo=*/true,
                     needle_speed_m_s(d, c.needle_length_m, p), p);
  const InsertionModel model(needle, skin, p);
  const DrumContact contact = roller_contact(model, d, c.needle_length_m, c.pressure_n);
  return CalibrationRoller{d, needle, model, contact};
}

double calibration_depth_m(const MechanicsParams& p, const anatomy::Atlas& atlas) {
  const CalibrationRoller r = calibration_roller(p, atlas);
  return 0.5 * (r.model.at_travel(r.contact.bottom_travel_m.first).depth_m +
                r.model.at_travel(r.contact.bottom_travel_m.second).depth_m);
}

}  // namespace mnsim::puncture
