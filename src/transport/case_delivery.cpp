#include "mnsim/transport/case_delivery.hpp"

#include <map>

#include <fmt/format.h>

#include "mnsim/core/units.hpp"
#include "mnsim/transport/anaesthetic.hpp"

namespace mnsim::transport {

std::optional<double> AnaestheticDelivery::numbed_depth_intact_um_at(double t_s) const {
  if (!numbing_depth_intact_um)
    return std::nullopt;
  const auto& d = *numbing_depth_intact_um;
  for (std::size_t i = 0; i < time_s.size() && i < d.size(); ++i) {
    if (time_s[i] >= t_s)
      return d[i];
  }
  return std::nullopt;
}

const Delivery* CaseDelivery::first() const {
  for (const auto& z : zones) {
    if (z.delivery)
      return &*z.delivery;
  }
  return nullptr;
}

namespace {

nlohmann::json nullable(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string onset_text(const std::optional<double>& s, const char* fmt_min) {
  return s ? fmt::format(fmt::runtime(fmt_min), units::to_minutes(*s)) : std::string("not reached");
}

std::string enhancement_text(double ratio) {
  if (ratio > 1e6)
    return " (> 1e6 x intact skin: intact permeation is negligible)";
  return fmt::format(" ({:.3g} x intact skin)", ratio);
}

// Amounts, flux and channels of one zone's product.
std::string delivery_text(const Delivery& d) {
  const Run& r = d.needled;
  std::string s =
      fmt::format("  at {:.3g} h, amount per layer (ug/cm^2):", units::to_hours(r.time_s.back()));
  std::map<std::string, double> last;  // by layer name, as the JSON object orders them
  for (std::size_t l = 0; l < r.layers.size(); ++l)
    last[r.layers[l]] = r.amount_ug_per_cm2[l].back();
  for (const auto& [k, v] : last)
    s += fmt::format(" {} {:.4g};", k, v);
  s += "\n";
  s += fmt::format("  delivered past the stratum corneum: {:.4g} ug/cm^2",
                   r.past_sc_ug_per_cm2.back());
  if (d.enhancement_ratio)
    s += enhancement_text(*d.enhancement_ratio);
  s += "\n";
  s += fmt::format(
      "  lag time {:.4g} s, peak/steady flux out {:.4g} ug/cm^2/h, intact kp {:.3g} cm/h\n",
      r.lag_time_s, r.steady_flux_ug_per_cm2_h, d.kp_intact_cm_h);
  if (d.reseal_time_s > 0) {
    s += fmt::format(
        "  channels (from the puncture stage): radius {:.3g} um, depth {:.4g} um, cell radius "
        "{:.3g} um, reseal {:.3g} h\n",
        units::to_um(d.channel.radius_m), units::to_um(d.channel.depth_m),
        units::to_um(d.channel.cell_radius_m), units::to_hours(d.reseal_time_s));
  }
  return s;
}

}  // namespace

nlohmann::json to_json(const AnaestheticDelivery& a) {
  nlohmann::json j;
  j["product"] = a.product;
  j["minutes"] = a.minutes;
  j["time_s"] = a.time_s;
  if (!a.numbing_depth_um.empty()) {
    j["numbing_depth_um"] = a.numbing_depth_um;
    j["numbing_onset_s"] = nullable(a.numbing_onset_s);
    if (a.numbing_depth_intact_um) {
      j["numbing_depth_intact_um"] = *a.numbing_depth_intact_um;
      j["numbing_onset_intact_s"] = nullable(a.numbing_onset_intact_s);
    }
  }
  return j;
}

nlohmann::json to_json(const ZoneDelivery& z) {
  nlohmann::json j = z.delivery ? to_json(*z.delivery) : nlohmann::json();
  j["site"] = z.site;
  j["indication"] = z.indication ? nlohmann::json(*z.indication) : nlohmann::json(nullptr);
  if (z.product)
    j["product"] = *z.product;
  if (z.anaesthetic)
    j["anaesthetic"] = to_json(*z.anaesthetic);
  return j;
}

nlohmann::json to_json(const CaseDelivery& d) {
  nlohmann::json j;
  j["zones"] = nlohmann::json::array();
  for (const auto& z : d.zones)
    j["zones"].push_back(to_json(z));
  return j;
}

std::string CaseDelivery::brief_report() const {
  std::string s;
  for (const auto& z : zones) {
    s += fmt::format("{}:", z.site);
    if (z.delivery) {
      s += fmt::format(" {} {:.4g} ug/cm^2 past the stratum corneum;", z.product.value_or(""),
                       z.delivery->needled.past_sc_ug_per_cm2.back());
    }
    if (z.anaesthetic) {
      s += fmt::format(" {} numbs in {};", z.anaesthetic->product,
                       onset_text(z.anaesthetic->numbing_onset_s, "{:.3g} min"));
    }
    s += "\n";
  }
  return s;
}

std::string CaseDelivery::full_report() const {
  std::string s;
  for (const auto& z : zones) {
    s += fmt::format("zone {}", z.site);
    if (z.product)
      s += fmt::format(" - {}", *z.product);
    s += "\n";
    if (z.delivery)
      s += delivery_text(*z.delivery);
    // The anaesthetic's numbing, or the product's own when it numbs.
    std::optional<double> needled;
    std::optional<double> intact;
    bool numbs = false;
    if (z.anaesthetic) {
      numbs = !z.anaesthetic->numbing_depth_um.empty();
      needled = z.anaesthetic->numbing_onset_s;
      intact = z.anaesthetic->numbing_onset_intact_s;
    } else if (z.delivery && !z.delivery->needled.numbing_depth_um.empty()) {
      numbs = true;
      needled = z.delivery->needled.numbing_onset_s;
      if (z.delivery->intact)
        intact = z.delivery->intact->numbing_onset_s;
    }
    if (numbs) {
      s += fmt::format("  numbing to the needling depth: {} needled, {} intact\n",
                       onset_text(needled, "{:.3g} min"), onset_text(intact, "{:.3g} min"));
    }
    if (z.delivery) {
      for (const auto& w : z.delivery->warnings)
        s += "  warning: " + w + "\n";
    }
  }
  return s;
}

Delivery deliver_zone(const ZoneSkin& skin, const ProductSpec& p, Options o,
                      double needling_depth_m) {
  const auto& model = PropertyModel::builtin();
  if (p.anaesthetic) {
    o.numbing_threshold_ug_per_ml = AnaestheticModel::builtin().threshold_ug_per_ml;
    o.numbing_target_depth_m = needling_depth_m;
  }
  const Medium m =
      skin_medium(skin.stack, anatomy::Atlas::builtin(), p, model, p.anaesthetic, false);
  if (o.fidelity == Fidelity::ThreeD && skin.layout) {
    return deliver(m, p, skin.channels, *skin.layout, o, model);
  }
  return deliver(m, p, skin.channels, o, model);
}

AnaestheticDelivery deliver_anaesthetic(const ZoneSkin& skin, const ProductSpec& a, double minutes,
                                        Options o, double needling_depth_m) {
  o.application_s = units::from_minutes(minutes);
  o.horizon_s = o.application_s + AnaestheticModel::builtin().follow_after_removal_s;
  o.steps = 0;
  const Delivery d = deliver_zone(skin, a, o, needling_depth_m);
  AnaestheticDelivery an;
  an.product = a.id;
  an.minutes = minutes;
  an.time_s = d.needled.time_s;
  an.numbing_depth_um = d.needled.numbing_depth_um;
  an.numbing_onset_s = d.needled.numbing_onset_s;
  if (d.intact) {
    an.numbing_depth_intact_um = d.intact->numbing_depth_um;
    an.numbing_onset_intact_s = d.intact->numbing_onset_s;
  }
  return an;
}

RunPlan plan_zone(const ZoneSkin& skin, const ProductSpec& p, const Options& o) {
  const auto& model = PropertyModel::builtin();
  const Medium m =
      skin_medium(skin.stack, anatomy::Atlas::builtin(), p, model, p.anaesthetic, false);
  const double open_dk = model.d_water_m2_s(p) * model.channel_hindrance;
  const ChannelLayout* lay =
      o.fidelity == Fidelity::ThreeD && skin.layout ? &*skin.layout : nullptr;
  return plan_medium(m, &skin.channels, open_dk, o, ResealingLaw::builtin(), lay);
}

RunPlan plan_anaesthetic(const ZoneSkin& skin, const ProductSpec& a, double minutes, Options o) {
  o.application_s = units::from_minutes(minutes);
  o.horizon_s = o.application_s + AnaestheticModel::builtin().follow_after_removal_s;
  o.steps = 0;
  return plan_zone(skin, a, o);
}

RunPlan plan_medium_run(const Medium& m, const Options& o) {
  return plan_medium(m, nullptr, 0.0, o);
}

ZoneDelivery deliver_medium(const Medium& m, const Options& o) {
  Delivery d;
  d.needled = run_medium(m, nullptr, 0.0, o, &d.warnings);
  d.kp_intact_cm_h = intact_kp_cm_h(m);
  ZoneDelivery z;
  z.site = "medium";
  z.delivery = std::move(d);
  return z;
}

}  // namespace mnsim::transport
