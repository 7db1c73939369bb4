#include "mnsim/transport/anaesthetic.hpp"

#include <cmath>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/transport/deliver.hpp"

namespace mnsim::transport {

namespace data = core::data;

AnaestheticModel AnaestheticModel::load(std::string_view path) {
  const toml::table root = data::parse(path);
  const data::Where w{std::string(path)};
  AnaestheticModel a;
  a.threshold_ug_per_ml = data::real(root, "threshold_ug_per_ml", w);
  if (!(a.threshold_ug_per_ml >= 0))
    w.fail("threshold_ug_per_ml", "must be >= 0");
  core::Bibliography::builtin().require({data::string(root, "source", w)}, w.text);
  a.calibration_site = data::string(root, "calibration_site", w);
  a.calibration_application_s =
      data::positive(root, "calibration_application_min", w) * units::kMin;
  a.calibration_peak_s = data::positive(root, "calibration_peak_min", w) * units::kMin;
  a.follow_after_removal_s = data::positive(root, "follow_after_removal_min", w) * units::kMin;
  return a;
}

const AnaestheticModel& AnaestheticModel::builtin() {
  static const AnaestheticModel a = load("data/transport/anaesthetic.toml");
  return a;
}

double numbing_peak_time_s(const ProductSpec& product, const std::string& site,
                           double application_s, double threshold_ug_per_ml,
                           double* peak_depth_um) {
  const auto& atlas = anatomy::Atlas::builtin();
  const auto stack = atlas.stack(site, anatomy::Subject{45, anatomy::Sex::Female, 3});
  const Medium m = skin_medium(stack, atlas, product, PropertyModel::builtin(), true, false);
  Options o;
  o.fidelity = Fidelity::OneD;
  o.dx_m = 5 * units::kUm;
  o.application_s = application_s;
  o.horizon_s = application_s + 3 * units::kHour;
  o.steps = static_cast<int>(o.horizon_s / (15 * units::kS));
  o.numbing_threshold_ug_per_ml = threshold_ug_per_ml;
  const Run r = run_medium(m, nullptr, 0.0, o);
  std::size_t k = 0;
  for (std::size_t i = 0; i < r.numbing_depth_um.size(); ++i) {
    if (r.numbing_depth_um[i] > r.numbing_depth_um[k])
      k = i;
  }
  if (peak_depth_um != nullptr)
    *peak_depth_um = r.numbing_depth_um[k];
  return r.time_s[k];
}

double fit_numbing_threshold(const ProductSpec& product, const std::string& site,
                             double application_s, double peak_s) {
  // A higher threshold makes the numbed region shallower and its peak earlier.
  double lo = -3;  // log10 ug/mL
  double hi = 5;
  for (int it = 0; it < 40; ++it) {
    const double mid = 0.5 * (lo + hi);
    const double t = numbing_peak_time_s(product, site, application_s, std::pow(10.0, mid));
    if (t > peak_s)
      lo = mid;
    else
      hi = mid;
    if (hi - lo < 1e-3)
      break;
  }
  return std::pow(10.0, 0.5 * (lo + hi));
}

}  // namespace mnsim::transport
