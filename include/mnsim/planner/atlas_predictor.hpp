// Planner: the PROVISIONAL predictor, used until the puncture, transport and
// healing stages are integrated. Simple documented rules (not models) from
// data/planner/provisional_predictor.toml: docs/models/planner.md, section
// "Provisional predictor". Every plan made with it says so.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/planner/predictor.hpp"

namespace mnsim::planner {

struct ProvisionalRules {
  std::array<double, 3> insertion_fraction{};  // by cases::DeviceKind: pen, roller, stamp
  std::vector<double> downtime_setting_mm;     // chart points (pen setting), increasing
  std::vector<double> downtime_days;
  double downtime_reference_passes = 4;
  double gain_per_session = 0;
  double dermal_depth_ref_um = 0;
  double gain_reference_passes = 4;
  std::vector<std::pair<std::string, double>> onset_min;  // product -> minutes

  static ProvisionalRules load(std::string_view path);
  static const ProvisionalRules& builtin();  // data/planner/provisional_predictor.toml
};

class AtlasPredictor final : public Predictor {
 public:
  // `kind`: the resolved device's kind (it sets the insertion fraction).
  AtlasPredictor(const anatomy::Atlas& atlas, cases::DeviceKind kind,
                 const ProvisionalRules& rules = ProvisionalRules::builtin())
      : atlas_(atlas), kind_(kind), rules_(rules) {}

  [[nodiscard]] ZonePrediction predict_zone(const cases::Case& c, std::size_t zone,
                                            const ZoneSetting& setting,
                                            const CourseSetting& course) const override;
  [[nodiscard]] std::optional<double> anaesthetic_onset_min(
      const cases::Case& c, std::string_view product) const override;
  [[nodiscard]] std::string name() const override { return "atlas-provisional"; }

 private:
  const anatomy::Atlas& atlas_;
  cases::DeviceKind kind_;
  const ProvisionalRules& rules_;
};

}  // namespace mnsim::planner
