// The transport stage driven by a case file: what `mnsim deliver` runs and
// what the pipeline can call per zone.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/transport/cell3d.hpp"
#include "mnsim/transport/deliver.hpp"

namespace mnsim::transport {

// data/transport/anaesthetic.toml.
struct AnaestheticModel {
  double threshold_ug_per_ml = 0;
  std::string calibration_site;
  double calibration_application_s = 0;
  double calibration_peak_s = 0;
  double follow_after_removal_s = 3600;
  static AnaestheticModel load(std::string_view path);
  static const AnaestheticModel& builtin();
};

Options options_from_case(const cases::Case& c);
// An explicit [medium] with its [donor] and [sink].
Medium medium_from_case(const cases::Medium& m);
// The case's product: the catalogue entry, or the inline definition.
// Throws InputError for an unknown id.
ProductSpec product_from_case(const cases::Product& p, const std::string& file);

// The needling depth a zone asks for [m] (zone depth, else the needle length).
double zone_depth_m(const cases::Case& c, const cases::Zone& z);

// What the earlier stages give one zone: the skin it is treated in and the
// channels the puncture stage made (pipeline::channel_spec).
struct ZoneSkin {
  anatomy::LayerStack stack;
  ChannelSpec channels;
  // The actual channel positions for the 3D cell (pipeline::channel_layout);
  // absent: the regular layout (one channel per cell).
  std::optional<ChannelLayout> layout;
};

// `deliver --json` of a whole case: {"zones": [...]} (docs/interface.md), one
// entry per c.zones with `zones[i]` its skin and channels (ignored for an
// explicit [medium]). Also returns the runs for CSV/VTK through `first` (the
// first zone's delivery).
nlohmann::json deliver_case(const cases::Case& c, const std::vector<ZoneSkin>& zones,
                            Delivery* first = nullptr);

}  // namespace mnsim::transport

namespace mnsim::transport {

// Anaesthetic calibration (docs/models/transport.md): the time at which the
// numbing depth peaks for an application of `application_s` of `product` on
// intact skin at `site` (45-year-old woman, 1D, dx 5 um), with the given
// threshold; and the threshold that puts the peak at `peak_s` (bisection in
// log threshold).
double numbing_peak_time_s(const ProductSpec& product, const std::string& site,
                           double application_s, double threshold_ug_per_ml,
                           double* peak_depth_um = nullptr);
double fit_numbing_threshold(const ProductSpec& product, const std::string& site,
                             double application_s, double peak_s);

}  // namespace mnsim::transport
