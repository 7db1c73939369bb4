// `mnsim run`'s views: JSON and text of a whole run, composed from each
// stage result's own view. Keys and units: docs/interface.md.
#include "mnsim/pipeline/report.hpp"

#include <fmt/format.h>

#include "mnsim/anatomy/report.hpp"
#include "mnsim/case/json.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/sha256.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/healing/report.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/planner/report.hpp"
#include "mnsim/puncture/report.hpp"

namespace mnsim::pipeline {

using anatomy::Layer;
using nlohmann::json;

namespace {

json device_json(const device::Device& d) {
  return {{"model", d.model.empty() ? json(nullptr) : json(d.model)},
          {"name", d.name},
          {"kind", cases::to_string(d.kind)},
          {"needle_count", d.needle_count},
          {"needle_length_mm", units::to_mm(d.needle_length_m)},
          {"tip_radius_um", units::to_um(d.tip_radius_m)},
          {"uses", d.uses}};
}

json medium_json(const cases::Medium& m) {
  json layers = json::array();
  for (const auto& l : m.layers) {
    layers.push_back({{"name", l.name},
                      {"thickness_um", l.thickness_um},
                      {"diffusivity_m2_s", l.diffusivity_m2_s},
                      {"partition", l.partition},
                      {"clearance_per_s", l.clearance_per_s}});
  }
  return {{"layers", layers},
          {"donor",
           {{"kind", cases::to_string(m.donor_kind)},
            {"concentration_ug_per_ml", m.donor_concentration_ug_per_ml},
            {"volume_ul_per_cm2", m.donor_volume_ul_per_cm2}}},
          {"sink", {{"kind", cases::to_string(m.sink_kind)}}}};
}

// The scalar summary of a zone's delivery (no time series).
json delivery_summary(const transport::ZoneDelivery& z) {
  auto nullable = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json out;
  if (z.product)
    out["product"] = *z.product;
  if (z.delivery) {
    const auto& d = *z.delivery;
    out["delivered_past_sc_ug_per_cm2"] = d.needled.past_sc_ug_per_cm2.back();
    out["enhancement_ratio"] = nullable(d.enhancement_ratio);
    out["kp_intact_cm_h"] = d.kp_intact_cm_h;
    out["lag_time_s"] = d.needled.lag_time_s;
    out["steady_flux_ug_per_cm2_h"] = d.needled.steady_flux_ug_per_cm2_h;
  }
  if (z.anaesthetic) {
    const auto& an = *z.anaesthetic;
    out["anaesthetic"]["product"] = an.product;
    out["anaesthetic"]["minutes"] = an.minutes;
    if (!an.numbing_depth_um.empty()) {
      out["anaesthetic"]["numbing_onset_s"] = nullable(an.numbing_onset_s);
      if (an.numbing_depth_intact_um)
        out["anaesthetic"]["numbing_onset_intact_s"] = nullable(an.numbing_onset_intact_s);
    }
  }
  return out;
}

}  // namespace

json interval_json(const core::Interval& i) {
  return {{"p10", i.p10}, {"p50", i.p50}, {"p90", i.p90}};
}

std::string interval_text(const core::Interval& i, int digits) {
  return fmt::format("{:.{}f} ({:.{}f}\u2013{:.{}f})", i.p50, digits, i.p10, digits, i.p90, digits);
}

json uncertainty_json(const Uncertainty& u) {
  return {{"samples", u.samples},
          {"seed", u.seed},
          {"method",
           "real depth, SC breach, downtime and collagen gain: quantiles over every draw "
           "(insertion-parameter posterior x between-person skin); delivered amount: transport "
           "rerun at the draws of the depth p10, p50 and p90 in the case's person (depth "
           "uncertainty only; exact quantiles where the amount rises with depth; a 3D case "
           "reruns the axisymmetric cell)"}};
}

void add_intervals(const ZoneIntervals& z, json* pattern, json* delivery, json* healing) {
  if (pattern != nullptr) {
    (*pattern)["real_depth_um_interval"] = interval_json(z.real_depth_um);
    (*pattern)["sc_breached_fraction_interval"] = interval_json(z.sc_breached_fraction);
  }
  if (delivery != nullptr && z.delivered_past_sc_ug_per_cm2)
    (*delivery)["delivered_past_sc_ug_per_cm2_interval"] =
        interval_json(*z.delivered_past_sc_ug_per_cm2);
  if (healing != nullptr && z.downtime_days) {
    (*healing)["downtime_days_interval"] = interval_json(*z.downtime_days);
    (*healing)["collagen_gain_rel_interval"] = interval_json(*z.collagen_gain_rel);
  }
}

std::string intervals_text(const Uncertainty& u, const cases::Case& c) {
  std::string out = fmt::format(
      "Uncertainty: p50 (p10\u2013p90) over {} draws of the insertion parameters and the "
      "person (seed {}):\n",
      u.samples, u.seed);
  for (std::size_t i = 0; i < u.zones.size() && i < c.zones.size(); ++i) {
    const auto& z = u.zones[i];
    out += fmt::format(
        "  {:<14} real depth {} um, SC breached {} %", c.zones[i].site,
        interval_text(z.real_depth_um),
        interval_text({100 * z.sc_breached_fraction.p10, 100 * z.sc_breached_fraction.p50,
                       100 * z.sc_breached_fraction.p90}));
    if (z.delivered_past_sc_ug_per_cm2)
      out +=
          fmt::format(", delivered {} ug/cm2", interval_text(*z.delivered_past_sc_ug_per_cm2, 2));
    if (z.downtime_days) {
      out +=
          fmt::format(", downtime {} d, collagen at end {} x", interval_text(*z.downtime_days, 1),
                      interval_text(*z.collagen_gain_rel, 2));
    }
    out += "\n";
  }
  return out;
}

Provenance provenance_of(const cases::Case& c, std::string_view case_text) {
  return {core::sha256_hex(case_text), c.info.seed};
}

void add_provenance(json& j, const Provenance& p) {
  j["mnsim_version"] = MNSIM_VERSION;
  j["schema_version"] = kSchemaVersion;
  j["case_sha256"] = p.case_sha256 ? json(*p.case_sha256) : json(nullptr);
  j["seed"] = p.seed ? json(*p.seed) : json(nullptr);
}

json run_json(const RunResult& r, const planner::Plan* plan, const Provenance& p) {
  json j;
  add_provenance(j, p);
  j["case"] = cases::to_json(r.case_);
  if (!r.case_.medium)
    j["device"] = device_json(resolved_device(r.case_));
  j["zones"] = json::array();
  for (std::size_t i = 0; i < r.zones.size(); ++i) {
    const auto& zr = r.zones[i];
    json zj;
    zj["site"] = zr.zone.site;
    zj["indication"] = cases::to_string(zr.zone.indication);
    zj["depth_setting_mm"] = zr.zone.depth_mm ? json(*zr.zone.depth_mm) : json(nullptr);
    zj["anatomy"] = anatomy::to_json(zr.mean_stack);
    zj["anatomy"]["sensitive"] = zr.mean_stack.sensitive;
    zj["anatomy"]["dermis_p10_um"] = zr.dermis_range_um.first;
    zj["anatomy"]["dermis_p90_um"] = zr.dermis_range_um.second;
    zj["anatomy"]["patient_skin"] = anatomy::to_json(zr.skin);
    zj["pattern"] = puncture::zone_json(zr.pattern);
    if (r.delivery)
      zj["delivery"] = delivery_summary(r.delivery->zones[i]);
    zj["healing"] = healing::summary_json(zr.course, zr.anaesthetic_depth_um);
    if (r.uncertainty && i < r.uncertainty->zones.size()) {
      add_intervals(r.uncertainty->zones[i], &zj["pattern"], r.delivery ? &zj["delivery"] : nullptr,
                    &zj["healing"]);
    }
    j["zones"].push_back(zj);
  }
  if (r.case_.medium) {
    // An explicit medium replaces the atlas: one entry whose site is "medium".
    json zj = {
        {"site", "medium"}, {"indication", nullptr}, {"medium", medium_json(*r.case_.medium)}};
    if (r.delivery)
      zj["delivery"] = delivery_summary(r.delivery->zones[0]);
    j["zones"].push_back(zj);
  }
  j["plan"] = plan != nullptr ? planner::plan_json(*plan) : json(nullptr);
  if (r.uncertainty)
    j["uncertainty"] = uncertainty_json(*r.uncertainty);
  j["disclaimer"] = kDisclaimer;
  core::require_finite(j);
  return j;
}

std::string run_text(const RunResult& r, const planner::Plan* plan) {
  const auto& c = r.case_;
  std::string out;
  out += fmt::format("mnsim run: case '{}' ({}), seed {}\n", c.info.name, c.source, c.info.seed);
  if (!c.medium) {
    out += fmt::format("Patient: {} years, {}, Fitzpatrick {}, accepts {} days of downtime\n",
                       core::format_number(c.patient.age_years), cases::to_string(c.patient.sex),
                       c.patient.fitzpatrick, core::format_number(c.patient.max_downtime_days));
    const auto d = resolved_device(c);
    out += fmt::format(
        "Device: {} {}, {} needles, {} mm, tip radius {} um, {} prior uses; {} passes\n",
        cases::to_string(d.kind), d.model.empty() ? std::string("(custom)") : d.model,
        d.needle_count, core::format_number(units::to_mm(d.needle_length_m)),
        core::format_number(units::to_um(d.tip_radius_m)), d.uses, c.procedure.passes);
    out += fmt::format("Course: {} sessions every {} days\n\n", c.course.sessions,
                       core::format_number(c.course.interval_days));
  }
  if (!r.zones.empty()) {
    out += "1 Skin (um; population mean for this age and sex; dermis p10-p90 across people):\n";
    out += fmt::format("  {:<14} {:>5} {:>6} {:>6} {:>7} {:>13} {:>8}\n", "site", "SC", "epid",
                       "pap.D", "dermis", "dermis p10-90", "subcutis");
    for (const auto& zr : r.zones) {
      const auto& st = zr.mean_stack;
      out += fmt::format(
          "  {:<14} {:>5.0f} {:>6.0f} {:>6.0f} {:>7.0f} {:>6.0f}-{:<6.0f} {:>8.0f}\n",
          zr.zone.site + (st.sensitive ? "*" : ""),
          units::to_um(st.thickness_m(Layer::StratumCorneum)), units::to_um(st.epidermis_m()),
          units::to_um(st.thickness_m(Layer::PapillaryDermis)), units::to_um(st.dermis_m()),
          zr.dermis_range_um.first, zr.dermis_range_um.second,
          units::to_um(st.thickness_m(Layer::Subcutis)));
    }
    out += "  (* sensitive area)\n\n";
    out += "2-3 Punctures (depth reached by the needle tips, um):\n";
    out += fmt::format("  {:<14} {:>8} {:>9} {:>15} {:>9} {:>10} {:>12}\n", "site", "setting",
                       "mean", "p10-p90", "per cm2", "coverage", "unpunctured");
    for (const auto& zr : r.zones) {
      const auto& p = zr.pattern;
      out += fmt::format(
          "  {:<14} {:>5.2f} mm {:>9.0f} {:>7.0f}-{:<7.0f} {:>9.0f} {:>9.0f}% {:>11.0f}%\n",
          zr.zone.site, units::to_mm(p.length_m), units::to_um(p.depth_m.mean),
          units::to_um(p.depth_m.p10), units::to_um(p.depth_m.p90), p.punctures_per_cm2,
          100 * p.coverage_fraction, 100 * p.unpunctured_fraction);
    }
    out += "\n";
  }
  if (r.delivery) {
    out += "4 Delivery (by the transport horizon):\n";
    for (const auto& z : r.delivery->zones) {
      if (z.delivery) {
        out += fmt::format("  {:<14} {}: {:.3g} ug/cm2 past the stratum corneum", z.site,
                           z.product.value_or("product"),
                           z.delivery->needled.past_sc_ug_per_cm2.back());
        if (z.delivery->enhancement_ratio)
          out += enhancement_text(*z.delivery->enhancement_ratio);
        out += "\n";
      }
      if (z.anaesthetic) {
        const auto& an = *z.anaesthetic;
        auto onset = [](const std::optional<double>& v) {
          return v ? fmt::format("{:.0f} min", units::to_minutes(*v)) : std::string("not reached");
        };
        out += fmt::format(
            "  {:<14} {} numbs to the setting's depth after {} needled first, {} on intact skin\n",
            z.site, an.product, onset(an.numbing_onset_s), onset(an.numbing_onset_intact_s));
      }
    }
    out += "\n";
  }
  if (!r.zones.empty()) {
    out += "5-6 Response and course:\n";
    out += fmt::format("  {:<14} {:>9} {:>10} {:>6} {:>6} {:>10} {:>10} {:>8}\n", "site",
                       "erythema", "resolved", "pain", "PIH", "collagen", "at end", "dermis");
    for (const auto& zr : r.zones) {
      const auto& k = zr.course;
      const auto& a = k.first_session;
      out += fmt::format(
          "  {:<14} {:>7.1f}/4 {:>7.1f} d {:>4.1f}/10 {:>5.1f}% {:>8.2f}x {:>9.2f}x {:>7.3f}x\n",
          zr.zone.site, a.erythema_peak, k.erythema_resolved_day, a.pain_nrs,
          100 * a.pih.probability, k.collagen_rel_peak, k.collagen_rel_end,
          k.dermal_thickness_rel.back());
    }
    out +=
        "  (erythema grade 0-4 after the first session and the day it resolves; pain during\n"
        "   needling with the anaesthetic's numbed depth; PIH: post-inflammatory\n"
        "   hyperpigmentation risk per session; collagen: peak and at the horizon)\n\n";
  }
  if (r.uncertainty)
    out += intervals_text(*r.uncertainty, c) + "\n";
  if (c.medium) {
    out += fmt::format("Explicit medium (replaces the atlas): {} donor {} ug/mL, {} sink\n",
                       cases::to_string(c.medium->donor_kind),
                       core::format_number(c.medium->donor_concentration_ug_per_ml),
                       cases::to_string(c.medium->sink_kind));
    for (const auto& l : c.medium->layers) {
      out +=
          fmt::format("  {:<16} {:>8} um  D = {} m^2/s  K = {}  clearance {} 1/s\n", l.name,
                      core::format_number(l.thickness_um), core::format_number(l.diffusivity_m2_s),
                      core::format_number(l.partition), core::format_number(l.clearance_per_s));
    }
    if (r.delivery) {
      const auto& run = r.delivery->zones[0].delivery->needled;
      out += fmt::format("  lag time {:.4g} s, steady flux {:.4g} ug/cm2/h\n", run.lag_time_s,
                         run.steady_flux_ug_per_cm2_h);
    }
    out += "\n";
  }
  if (plan != nullptr) {
    out += "Plan\n----\n" + planner::plan_text(*plan, c);
  } else {
    out += std::string(kDisclaimer) + "\n";
  }
  return out;
}

std::string enhancement_text(double ratio) {
  if (ratio > 1e6)
    return " (> 1e6 x intact skin: intact permeation is negligible)";
  return fmt::format(" ({:.3g} x intact skin)", ratio);
}

}  // namespace mnsim::pipeline
