// Planner: the safety limits (data/planner/limits.toml; every limit and its
// basis: docs/safety.md), and the limits that apply to one zone of a case.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/device/device.hpp"

namespace mnsim::planner {

struct SiteCap {
  std::string site;
  double max_setting_mm = 0;
  bool sensitive = false;
  std::string basis;
};

struct IndicationLimits {
  cases::Indication indication = cases::Indication::Texture;
  anatomy::Layer goal_layer = anatomy::Layer::PapillaryDermis;
  double goal_fraction = 0.5;
  anatomy::Layer max_layer = anatomy::Layer::PapillaryDermis;
  double max_fraction = 1.0;
  double target_collagen_gain_rel = 1.2;
};

struct Limits {
  double skin_fraction = 0.7;
  double clinic_max_setting_mm = 2.5;
  double evaluated_max_setting_mm = 1.5;
  std::array<double, 3> min_setting_mm{};  // by cases::DeviceKind
  std::array<double, 3> step_mm{};
  int phototype_reduced_from = 4;
  double phototype_depth_factor = 0.75;
  int min_passes = 1;
  int max_passes = 4;
  int min_sessions = 2;
  int max_sessions = 6;
  double min_interval_days = 28;
  double max_interval_days = 42;
  double interval_step_days = 7;
  double home_max_setting_mm = 0.3;
  int roller_replace_after_uses = 12;
  double painless_real_depth_um = 300;
  std::string default_anaesthetic;
  double round_minutes_to = 5;
  std::vector<SiteCap> sites;
  std::vector<IndicationLimits> indications;

  // Loads and checks the table against the atlas; throws DataError on any defect.
  static Limits load(std::string_view path, const anatomy::Atlas& atlas);
  static const Limits& builtin();  // data/planner/limits.toml against the built-in atlas

  [[nodiscard]] const SiteCap& site(std::string_view id) const;  // DataError if absent
  [[nodiscard]] const IndicationLimits& indication(cases::Indication v) const;
  // The interval candidates min, min + step, ..., max.
  [[nodiscard]] std::vector<double> interval_candidates() const;
};

// Why a cap has its value; the codes are the plan's binding constraints.
enum class Cap {
  DeviceRange,      // clinic_max_setting_mm
  SiteCap,          // the site's setting cap (vendor chart)
  SensitiveSite,    // the site's cap, a sensitive area
  HomeCap,          // home devices: 0.3 mm
  SkinFraction,     // real depth <= skin_fraction x (epidermis + dermis)
  IndicationLayer,  // real depth <= the indication's deepest useful layer
};
std::string_view to_string(Cap v);

// The limits that apply to one zone of a case.
struct ZoneLimits {
  double min_setting_mm = 0;
  double max_setting_mm = 0;  // the tightest of the setting caps, x phototype factor
  Cap setting_cap = Cap::DeviceRange;
  double step_mm = 0.1;
  double max_real_depth_um = 0;  // the tighter of skin fraction and indication layer
  Cap real_depth_cap = Cap::SkinFraction;
  double skin_um = 0;             // atlas epidermis + dermis at the site
  double goal_real_depth_um = 0;  // the indication's goal (a goal, not a limit)
  std::string goal_layer;
  double epidermis_um = 0;
  bool phototype_reduced = false;
  int min_passes = 1;
  int max_passes = 4;
  double max_downtime_days = 0;
};

ZoneLimits zone_limits(const cases::Case& c, std::size_t zone, const device::Device& device,
                       const Limits& limits, const anatomy::Atlas& atlas);

}  // namespace mnsim::planner
