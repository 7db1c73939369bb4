// The PROVISIONAL predictor (docs/models/planner.md, "Provisional predictor"):
// simple documented rules on top of the atlas, to be replaced by the puncture,
// transport and healing stages. Nothing here is a model of those processes.
#include "mnsim/planner/atlas_predictor.hpp"

#include <algorithm>
#include <cmath>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"

namespace mnsim::planner {

namespace data = core::data;

namespace {

std::vector<double> numbers(const toml::table& t, std::string_view key, const data::Where& w) {
  const toml::node* n = t.get(key);
  if (n == nullptr || !n->is_array())
    w.fail(key, "expected a list of numbers");
  std::vector<double> out;
  for (const auto& e : *n->as_array()) {
    if (e.is_integer()) {
      out.push_back(static_cast<double>(e.as_integer()->get()));
    } else if (e.is_floating_point()) {
      out.push_back(e.as_floating_point()->get());
    } else {
      w.fail(key, "expected a list of numbers");
    }
  }
  return out;
}

// Piecewise-linear through (x[i], y[i]); flat outside.
double interpolate(const std::vector<double>& x, const std::vector<double>& y, double v) {
  if (v <= x.front())
    return y.front();
  if (v >= x.back())
    return y.back();
  const auto it = std::upper_bound(x.begin(), x.end(), v);
  const auto i = static_cast<std::size_t>(it - x.begin());
  const double t = (v - x[i - 1]) / (x[i] - x[i - 1]);
  return y[i - 1] + t * (y[i] - y[i - 1]);
}

}  // namespace

ProvisionalRules ProvisionalRules::load(std::string_view path) {
  const auto& bib = core::Bibliography::builtin();
  const toml::table root = data::parse(path);
  const std::string p(path);
  ProvisionalRules r;
  {
    const data::Where w{p + ": [insertion_fraction]"};
    const auto& t = data::table(root, "insertion_fraction", {p});
    r.insertion_fraction = {data::positive(t, "pen", w), data::positive(t, "roller", w),
                            data::positive(t, "stamp", w)};
    for (const double f : r.insertion_fraction) {
      if (f > 1)
        w.fail("pen/roller/stamp", "an insertion fraction must be <= 1");
    }
    bib.require(data::strings(t, "source", w), w.text);
  }
  {
    const data::Where w{p + ": [downtime]"};
    const auto& t = data::table(root, "downtime", {p});
    r.downtime_setting_mm = numbers(t, "setting_mm", w);
    r.downtime_days = numbers(t, "days", w);
    if (r.downtime_setting_mm.size() < 2 || r.downtime_setting_mm.size() != r.downtime_days.size())
      w.fail("days", "needs as many points as setting_mm, at least 2");
    for (std::size_t i = 1; i < r.downtime_setting_mm.size(); ++i) {
      if (!(r.downtime_setting_mm[i] > r.downtime_setting_mm[i - 1]))
        w.fail("setting_mm", "must increase");
      if (r.downtime_days[i] < r.downtime_days[i - 1])
        w.fail("days", "must not decrease");
    }
    r.downtime_reference_passes = data::positive(t, "reference_passes", w);
    bib.require(data::strings(t, "source", w), w.text);
  }
  {
    const data::Where w{p + ": [collagen]"};
    const auto& t = data::table(root, "collagen", {p});
    r.gain_per_session = data::positive(t, "gain_per_session", w);
    r.dermal_depth_ref_um = data::positive(t, "dermal_depth_ref_um", w);
    r.gain_reference_passes = data::positive(t, "reference_passes", w);
    bib.require(data::strings(t, "source", w), w.text);
  }
  for (const auto& node : data::array_of_tables(root, "anaesthetic", {p})) {
    const auto& t = *node.as_table();
    const std::string product = data::string(t, "product", {p + ": an [[anaesthetic]]"});
    const data::Where w{p + ": anaesthetic '" + product + "'"};
    r.onset_min.emplace_back(product, data::positive(t, "onset_min", w));
    bib.require(data::strings(t, "source", w), w.text);
  }
  return r;
}

const ProvisionalRules& ProvisionalRules::builtin() {
  static const ProvisionalRules r = load("data/planner/provisional_predictor.toml");
  return r;
}

ZonePrediction AtlasPredictor::predict_zone(const cases::Case& c, std::size_t zone,
                                            const ZoneSetting& setting,
                                            const CourseSetting& course) const {
  const cases::Zone& z = c.zones.at(zone);
  const anatomy::Subject subject{c.patient.age_years, c.patient.sex, c.patient.fitzpatrick};
  const anatomy::LayerStack stack = atlas_.stack(z.site, subject);
  const double fraction = rules_.insertion_fraction[static_cast<std::size_t>(kind_)];
  ZonePrediction out;
  // Rule 1: real depth = insertion fraction x setting.
  out.real_depth_um = fraction * setting.depth_mm * units::kUmPerMm;
  // Rule 2: downtime from the vendor chart at the pen-equivalent setting, by passes.
  const double pen_equivalent_mm =
      out.real_depth_um / units::kUmPerMm / rules_.insertion_fraction[0];
  out.downtime_days =
      interpolate(rules_.downtime_setting_mm, rules_.downtime_days, pen_equivalent_mm) *
      setting.passes / rules_.downtime_reference_passes;
  // Rule 3: collagen gain from the depth reached into the dermis, sessions and passes.
  const double into_dermis_um = out.real_depth_um - stack.epidermis_m() * units::kUmPerM;
  const double phi = std::clamp(into_dermis_um / rules_.dermal_depth_ref_um, 0.0, 1.0);
  const double psi = std::min(1.0, setting.passes / rules_.gain_reference_passes);
  out.collagen_gain_rel = 1.0 + rules_.gain_per_session * course.sessions * phi * psi;
  return out;
}

std::optional<double> AtlasPredictor::anaesthetic_onset_min(const cases::Case& /*c*/,
                                                            std::string_view product) const {
  for (const auto& [id, minutes] : rules_.onset_min) {
    if (id == product)
      return minutes;
  }
  return std::nullopt;
}

}  // namespace mnsim::planner
