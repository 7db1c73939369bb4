// The transport stage driven by a case file: what `mnsim deliver` runs and
// what the pipeline can call per zone.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/io/case.hpp"
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

Options options_from_case(const io::Case& c);
// An explicit [medium] with its [donor] and [sink].
Medium medium_from_case(const io::Medium& m);
// The case's product: the catalogue entry, or the inline definition.
// Throws InputError for an unknown id.
ProductSpec product_from_case(const io::Product& p, const std::string& file);

// PROVISIONAL (until the puncture stage feeds the pipeline): the channels of a
// zone from the device and procedure alone. Replace this one function with the
// puncture result. Assumptions (docs/models/transport.md, "Channels"):
//  - depth = 0.77 x (zone depth_mm, else device needle length) (Donnelly, in vivo OCT);
//  - surface radius = 0.5 x 0.505 x needle base diameter (Kalluri: 70.7 um opening
//    for a 140 um base);
//  - density = passes x channels per pass per area: pen stroke_hz x needle_count /
//    (glide_speed x 7 mm swath); roller needle_count / (pi x drum diameter x width);
//    stamp needle_count per cm^2.
ChannelSpec provisional_channel_spec(const io::Case& c, const io::Zone& z);

// The needling depth a zone asks for [m] (zone depth, else the needle length).
double zone_depth_m(const io::Case& c, const io::Zone& z);

// `deliver --json` of a whole case: {"zones": [...]} (INTERFACE.md). Also
// returns the runs for CSV/VTK through `first` (the first zone's delivery).
nlohmann::json deliver_case(const io::Case& c, const anatomy::Atlas& atlas,
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
