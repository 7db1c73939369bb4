// The case vocabulary: everything mnsim is asked about, as plain values.
// This module depends on nothing but core and anatomy's Sex; it does no I/O
// (io/ reads and writes case files) and knows no catalogue (each stage checks
// its own, composed by pipeline::check_case).
// Field meanings, units, defaults and ranges: docs/case-file.md (generated
// from the table in src/io/fields.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/anatomy/subject.hpp"

namespace mnsim::cases {

using Sex = anatomy::Sex;
enum class DeviceKind { Pen, Roller, Stamp };
enum class Setting { Clinic, Home };
enum class Indication { FineLines, Wrinkles, AcneScars, StretchMarks, Texture };
enum class Fidelity { OneD, Axisymmetric, ThreeD };
enum class Applied { Before, After };
enum class DonorKind { Infinite, Finite };
enum class SinkKind { Perfect, Clearance };

std::string_view to_string(Sex v);
std::string_view to_string(DeviceKind v);
std::string_view to_string(Setting v);
std::string_view to_string(Indication v);
std::string_view to_string(Fidelity v);
std::string_view to_string(Applied v);
std::string_view to_string(DonorKind v);
std::string_view to_string(SinkKind v);

// The enum for a case-file name ("roller" -> DeviceKind::Roller); nullopt for
// a name that is not one of the choices.
template <typename E>
std::optional<E> from_string(std::string_view name);

struct CaseInfo {
  std::string name;
  std::uint64_t seed = 42;
};

struct Patient {
  double age_years = 45;
  Sex sex = Sex::Female;
  int fitzpatrick = 3;
  double max_downtime_days = 3;
  std::vector<std::string> history;
};

// The device as the case file describes it: a catalogue model and/or explicit
// fields. Resolve it once (device::resolve) and read the resolved device after.
struct DeviceSpec {
  std::optional<std::string> model;
  DeviceKind kind = DeviceKind::Pen;
  double needle_length_mm = 1.0;
  int needle_count = 16;
  double needle_base_diameter_um = 250;
  double tip_radius_um = 4;
  double stroke_hz = 120;
  double drum_diameter_mm = 20;
  double drum_width_mm = 20;
  int needle_rows = 8;
  int uses = 0;
  // The keys the case wrote in [device] (the other fields hold their
  // defaults): with `model`, only these override the catalogue entry.
  std::vector<std::string> explicit_keys;
  [[nodiscard]] bool is_explicit(std::string_view key) const {
    for (const auto& k : explicit_keys) {
      if (k == key)
        return true;
    }
    return false;
  }
};

struct Anaesthetic {
  std::string product;
  double minutes = 30;
};

struct Procedure {
  Setting setting = Setting::Clinic;
  int passes = 4;
  double glide_speed_mm_s = 10;
  double pressure_n = 5;
  bool occluded = false;
  std::optional<Anaesthetic> anaesthetic;
};

struct Product {
  std::optional<std::string> id;
  std::optional<double> mw_da;
  std::optional<double> log_kow;
  std::optional<double> concentration_mg_per_ml;
  std::optional<double> dose_ul_per_cm2;
  std::optional<double> diffusivity_water_m2_s;
  std::optional<double> pka_acid;        // ionisable acidic group
  std::optional<double> pka_base;        // ionisable basic group (conjugate acid)
  std::optional<double> formulation_ph;  // vehicle pH (absent: 7)
  Applied applied = Applied::After;
};

struct Zone {
  std::string site;
  Indication indication = Indication::Texture;
  std::optional<double> depth_mm;
};

struct Course {
  int sessions = 4;
  double interval_days = 28;
  double horizon_days = 365;
};

struct Simulation {
  Fidelity fidelity = Fidelity::Axisymmetric;
  double horizon_h = 24;
  double dx_um = 5;
  double max_memory_mb = 1500;  // transport memory budget (see io/fields.cpp)
  int samples = 32;             // uncertainty draws per zone (parameters x people)
};

struct MediumLayer {
  std::string name;
  double thickness_um = 0;
  double diffusivity_m2_s = 0;
  double partition = 1;
  double clearance_per_s = 0;
};

struct Medium {
  std::vector<MediumLayer> layers;
  DonorKind donor_kind = DonorKind::Infinite;
  double donor_concentration_ug_per_ml = 1000;
  double donor_volume_ul_per_cm2 = 10;
  SinkKind sink_kind = SinkKind::Perfect;
};

// The population a virtual cohort is drawn from (`mnsim cohort`, [cohort];
// docs/cohorts.md): age uniform in [min, max], sex female with
// `female_fraction`, Fitzpatrick phototype I..VI with the (relative) weights.
struct Population {
  double age_years_min = 18;
  double age_years_max = 70;
  double female_fraction = 0.5;
  std::array<double, 6> fitzpatrick_weights{0.10, 0.25, 0.30, 0.20, 0.10, 0.05};
};

struct Case {
  std::string source;  // the file it was read from, or "<built-in default>"
  CaseInfo info;
  Patient patient;
  DeviceSpec device;
  Procedure procedure;
  std::optional<Product> product;  // absent: no product
  std::vector<Zone> zones;
  Course course;
  Simulation simulation;
  std::optional<Medium> medium;  // present: an explicit medium replaces the atlas
  Population cohort;             // read only by `mnsim cohort`
};

}  // namespace mnsim::cases
