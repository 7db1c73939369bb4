// Stage 2, devices: the catalogue (data/devices.toml), a case's device
// resolved against it, device checks and needle wear.
// Model: docs/models/puncture.md ("Devices", "Needle wear").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"

namespace mnsim::device {

using cases::DeviceKind;

// A device in SI units. Needles are a cone (tip radius -> base radius over
// tip_cone_length_m) on a cylinder of the base radius.
struct Device {
  std::string model;  // catalogue id, or "" for a device defined by the case alone
  std::string name;
  DeviceKind kind = DeviceKind::Pen;
  double needle_length_m = 1.0e-3;  // pens: the default depth setting
  int needle_count = 16;
  double needle_base_diameter_m = 250e-6;
  double tip_radius_m = 4e-6;         // a new needle
  double tip_cone_length_m = 0.5e-3;  // length of the conical point
  double stroke_hz = 120;             // pens
  double drum_diameter_m = 20e-3;     // rollers
  double drum_width_m = 20e-3;        // rollers
  int needle_rows = 8;                // rollers: rings of needles across the drum width
  double needle_pitch_m = 0.6e-3;     // pens and stamps: square-grid spacing
  double depth_min_m = 0.05e-3;       // pens: allowed depth settings
  double depth_max_m = 3.0e-3;
  double depth_step_m = 0;  // pens: 0 = continuous
  int uses = 0;             // prior uses (wear)
  std::vector<std::string> sources;
  std::string note;

  [[nodiscard]] double base_radius_m() const { return 0.5 * needle_base_diameter_m; }
  // Pens: the needles' physical length (the deepest setting); others: the needle length.
  [[nodiscard]] double physical_length_m() const {
    return kind == DeviceKind::Pen ? depth_max_m : needle_length_m;
  }
};

// Defaults for values neither the catalogue entry nor the case gives.
struct Defaults {
  double pen_tip_cone_length_m = 0.5e-3;
  double pen_needle_pitch_m = 0.6e-3;
  double pen_depth_min_m = 0.05e-3;
  double pen_depth_max_m = 3.0e-3;
  double stamp_needle_pitch_m = 1.0e-3;
};

// Needle wear with prior uses (ASSUMPTION, docs/models/puncture.md).
struct WearModel {
  double tip_radius_growth_m_per_use = 0.30e-6;
  double bent_fraction_per_use = 0.01;
  double bent_fraction_max = 0.5;
  double bent_force_factor = 2.0;
  std::vector<std::string> sources;
};

// The state of the needles after `uses` prior uses.
struct Condition {
  double tip_radius_m = 4e-6;  // mean tip radius of an unbent needle
  double bent_fraction = 0;    // share of needles bent or hooked
  double bent_force_factor = 1;
};

class Catalogue {
 public:
  // Parses and checks a catalogue file; DataError on any defect.
  static Catalogue load(std::string_view path);
  // The built-in catalogue (embedded data/devices.toml), loaded once.
  static const Catalogue& builtin();

  [[nodiscard]] const Device* find(std::string_view id) const;
  [[nodiscard]] std::vector<std::string> ids() const;
  [[nodiscard]] const std::vector<Device>& devices() const { return devices_; }
  [[nodiscard]] const Defaults& defaults() const { return defaults_; }
  [[nodiscard]] const WearModel& wear() const { return wear_; }

 private:
  std::vector<Device> devices_;
  Defaults defaults_;
  WearModel wear_;
};

// The device a case describes: its catalogue entry (device.model) with the
// fields the case wrote explicitly on top; without a model, the case fields
// (explicit or default) and the catalogue defaults. The model must exist
// (check it first with Catalogue::find).
Device resolve(const cases::DeviceSpec& spec, const Catalogue& catalogue);

// Problems with a resolved device and the zone depth settings, each naming
// the case field (file left empty): a roller whose drum is narrower than its
// rows, a pen depth outside its range, ...
std::vector<InputIssue> check(const Device& device, const std::vector<cases::Zone>& zones);

// Every problem with a case's device spec and zone settings, each naming the
// case field (file left empty): a model unknown to the catalogue (with "did
// you mean"), else the problems check() finds in the resolved device.
std::vector<InputIssue> check_spec(const cases::DeviceSpec& spec,
                                   const std::vector<cases::Zone>& zones,
                                   const Catalogue& catalogue);

// The depth setting (pens) or needle length (rollers, stamps: a zone's
// depth_mm selects the needle length used on that zone) for a zone.
double zone_length_m(const Device& device, const cases::Zone& zone);

// Needle state after device.uses prior uses.
Condition condition(const Device& device, const WearModel& wear);

}  // namespace mnsim::device
