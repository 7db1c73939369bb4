// Stage 3, puncture: where the channels land over a zone and how deep they go.
//
// Kinematics of each device over a square zone of the site's area (roller
// rolling without slip in lanes, pen stamping at stroke_hz while gliding in a
// raster, stamp pressed in tiles), pass after pass in turning directions; each
// needle contact is resolved with the insertion mechanics of that needle
// (mechanics.hpp) in the person's skin. Model: docs/models/puncture.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/device/device.hpp"
#include "mnsim/puncture/mechanics.hpp"

namespace mnsim::puncture {

// One channel of the representative patch (positions in [0, patch_side_m)^2,
// to be treated as periodic).
struct Channel {
  double x_m = 0;
  double y_m = 0;
  double depth_m = 0;
  double opening_major_radius_m = 0;  // along the stroke (rollers: wider than the needle)
  double opening_minor_radius_m = 0;
  double angle_rad = 0;  // of the major axis
  int needle = 0;        // which needle of the device made it
};

struct Distribution {
  double mean = 0;
  double p10 = 0;
  double p50 = 0;
  double p90 = 0;
};

// Results of one zone (SI units; the JSON names carry the units).
struct ZonePattern {
  std::string site;
  cases::Indication indication = cases::Indication::Texture;
  std::string device_model;  // "" for a custom device
  cases::DeviceKind kind = cases::DeviceKind::Pen;
  double zone_area_m2 = 0;
  double length_m = 0;  // the needle length or pen depth setting used
  int passes = 0;

  std::uint64_t attempts_total = 0;  // needle contacts with the skin
  std::uint64_t channels_total = 0;  // contacts that punctured
  double unpunctured_fraction = 0;
  double sc_breached_fraction = 0;  // contacts that breach the stratum corneum
  double punctures_per_cm2 = 0;
  double coverage_fraction = 0;     // skin area inside channel openings (patch)
  Distribution depth_m;             // over channels
  Distribution nn_spacing_m;        // nearest-neighbour distance between channels (patch)
  double opening_major_mean_m = 0;  // surface opening along the stroke
  double opening_minor_mean_m = 0;
  std::optional<double> channels_per_s;  // pens
  double treatment_time_s = 0;           // pens: time spent on the zone
  std::uint64_t presses_total = 0;       // stamps

  // Mechanics summary (mean new-or-worn needle in this person's skin).
  double effective_modulus_pa = 0;  // layered modulus seen by the dimple
  double tip_radius_m = 0;
  double bent_fraction = 0;
  double puncture_force_n = 0;
  double force_per_needle_n = 0;  // rollers, stamps: force on a needle at full travel
  double needles_in_contact = 0;  // rollers: mean count; stamps: all
  bool drum_on_skin = false;      // rollers/stamps: body of the device rests on the skin
  double tip_travel_m = 0;        // travel of the tip below the undeformed surface

  // For the transport and response stages.
  double patch_side_m = 0;
  std::vector<Channel> patch_channels;
  double depth_bin_m = 10e-6;
  std::vector<std::uint64_t> depth_histogram;  // channels per depth bin, whole zone
};

// Everything the pattern needs, resolved.
struct PatternInput {
  device::Device device;
  device::Condition condition;
  double length_m = 1e-3;  // zone needle length / depth setting
  double pressure_n = 5;
  int passes = 4;
  double glide_speed_m_s = 10e-3;
  anatomy::LayerStack skin;  // this person at this site
  double zone_area_m2 = 1e-3;
  std::uint64_t seed = 42;
  std::uint64_t zone_index = 0;
  std::string site;
  cases::Indication indication = cases::Indication::Texture;
};

ZonePattern simulate(const PatternInput& in, const MechanicsParams& p);

// The zone's expected mean channel depth and stratum-corneum breached share
// without placing any contact: every (needle, local-stiffness bin) entry of
// the insertion table simulate() builds is equally likely per contact (each
// needle touches the skin once per press or drum turn, the bin is uniform),
// so these are the expectations of ZonePattern::depth_m.mean and
// sc_breached_fraction. Cheap: the uncertainty sampling calls it per draw.
struct ExpectedInsertion {
  double mean_depth_m = 0;  // over the punctured entries (0 when none punctures)
  double sc_breached_fraction = 0;
};
ExpectedInsertion expected_insertion(const PatternInput& in, const MechanicsParams& p);

// Treated area per site (data/puncture/zone_areas.toml), m^2; DataError if absent.
double zone_area_m2(const std::string& site);

// Roller kinematics of one straight stroke of `length_m`, rolling without slip
// at radius `rolling_radius_m` from drum phase 0: every needle contact as
// (needle index, position along the stroke). One revolution (length = 2 pi
// rolling radius) places each needle exactly once.
struct Contact {
  int needle = 0;
  double along_m = 0;
  double across_m = 0;
};
std::vector<Contact> roller_stroke(const device::Device& d, double rolling_radius_m,
                                   double length_m);

}  // namespace mnsim::puncture
