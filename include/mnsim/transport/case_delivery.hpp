// The transport stage for every zone of a treatment: typed results per zone
// (the product's Delivery and the anaesthetic's numbing), what the pipeline
// hands on to the response stage and what `mnsim deliver` prints. The
// case -> input adapters live in pipeline/transport_input.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/transport/cell3d.hpp"
#include "mnsim/transport/deliver.hpp"

namespace mnsim::transport {

// What the earlier stages give one zone: the skin it is treated in and the
// channels the puncture stage made (pipeline::channel_spec).
struct ZoneSkin {
  anatomy::LayerStack stack;
  ChannelSpec channels;
  // The actual channel positions for the 3D cell (pipeline::channel_layout);
  // absent: the regular layout (one channel per cell).
  std::optional<ChannelLayout> layout;
};

// A topical anaesthetic applied before needling, on one zone.
struct AnaestheticDelivery {
  std::string product;
  double minutes = 0;                     // application time
  std::vector<double> time_s;             // sample times
  std::vector<double> numbing_depth_um;   // through the channels (empty: no threshold)
  std::optional<double> numbing_onset_s;  // the needling depth reached (absent: not reached)
  // On intact skin (only when the zone has channels to compare with).
  std::optional<std::vector<double>> numbing_depth_intact_um;
  std::optional<double> numbing_onset_intact_s;

  // The intact-skin numbed depth at the first sample at or after `t_s`
  // (when the cream comes off and needling starts); absent without channels
  // or past the last sample.
  [[nodiscard]] std::optional<double> numbed_depth_intact_um_at(double t_s) const;
};

// One zone: the product (absent without one) and the anaesthetic (absent
// without one, or when the product itself numbs).
struct ZoneDelivery {
  std::string site;                       // "medium" for an explicit medium
  std::optional<std::string> indication;  // absent for an explicit medium
  std::optional<std::string> product;     // the product's id
  std::optional<Delivery> delivery;
  std::optional<AnaestheticDelivery> anaesthetic;
};

struct CaseDelivery {
  std::vector<ZoneDelivery> zones;  // in case order

  // The first zone's product delivery (for CSV/VTK), or nullptr.
  [[nodiscard]] const Delivery* first() const;
  // One line per zone; and the `mnsim deliver` text (amounts, channels,
  // numbing, warnings).
  [[nodiscard]] std::string brief_report() const;
  [[nodiscard]] std::string full_report() const;
};

// `deliver --json` (docs/interface.md): {"zones": [...]}.
nlohmann::json to_json(const AnaestheticDelivery& a);
nlohmann::json to_json(const ZoneDelivery& z);
nlohmann::json to_json(const CaseDelivery& d);

// One product on one zone's skin, needled and intact. An anaesthetic product
// gets the numbing threshold and `needling_depth_m` as its numbing target.
Delivery deliver_zone(const ZoneSkin& skin, const ProductSpec& p, Options o,
                      double needling_depth_m);
// An anaesthetic applied for `minutes` then wiped off, followed for the
// model's follow-up time.
AnaestheticDelivery deliver_anaesthetic(const ZoneSkin& skin, const ProductSpec& a, double minutes,
                                        Options o, double needling_depth_m);
// An explicit medium (no channels): the zone "medium".
ZoneDelivery deliver_medium(const Medium& m, const Options& o);
// The grid plans deliver_zone / deliver_anaesthetic / deliver_medium would
// run on (needled run; the intact run is 1D and small), without running them.
RunPlan plan_zone(const ZoneSkin& skin, const ProductSpec& p, const Options& o);
RunPlan plan_anaesthetic(const ZoneSkin& skin, const ProductSpec& a, double minutes, Options o);
RunPlan plan_medium_run(const Medium& m, const Options& o);

}  // namespace mnsim::transport
