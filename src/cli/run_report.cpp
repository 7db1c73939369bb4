// `mnsim run`: the whole pipeline per zone, then the plan.
#include <fmt/format.h>

#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/io/json.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/planner/report.hpp"
#include "mnsim/puncture/report.hpp"
#include "report.hpp"

namespace mnsim::cli {

using anatomy::Layer;
using nlohmann::json;

namespace {

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

// The scalar summary of a zone's `deliver --json` entry (no time series).
json delivery_summary(const json& z) {
  json out;
  for (const char* k : {"product", "delivered_past_sc_ug_per_cm2", "enhancement_ratio",
                        "kp_intact_cm_h", "lag_time_s", "steady_flux_ug_per_cm2_h"}) {
    if (z.contains(k))
      out[k] = z[k];
  }
  if (z.contains("anaesthetic")) {
    const auto& an = z["anaesthetic"];
    for (const char* k : {"product", "minutes", "numbing_onset_s", "numbing_onset_intact_s"}) {
      if (an.contains(k))
        out["anaesthetic"][k] = an[k];
    }
  }
  return out;
}

json course_json(const healing::Course& k, std::optional<double> anaesthetic_depth_um) {
  const auto& a = k.first_session;
  return {
      {"erythema_peak", a.erythema_peak},
      {"erythema_resolved_day", k.erythema_resolved_day},
      {"oedema_peak", a.oedema_peak},
      {"pain_nrs", a.pain_nrs},
      {"anaesthetic_depth_um", anaesthetic_depth_um ? json(*anaesthetic_depth_um) : json(nullptr)},
      {"bleeding_fraction", a.bleeding_fraction},
      {"barrier_resealed_h", a.barrier_resealed_h},
      {"pih_risk", a.pih.probability},
      {"session_days", k.session_days},
      {"collagen_rel_peak", k.collagen_rel_peak},
      {"collagen_rel_end", k.collagen_rel_end},
      {"dermal_thickness_rel_end", k.dermal_thickness_rel.back()},
      {"epidermal_thickness_rel_end", k.epidermal_thickness_rel.back()}};
}

// The resolved device (pipeline::resolved_device), as every stage used it.
json device_json(const device::Device& d) {
  return {{"model", d.model.empty() ? json(nullptr) : json(d.model)},
          {"name", d.name},
          {"kind", cases::to_string(d.kind)},
          {"needle_count", d.needle_count},
          {"needle_length_mm", units::to_mm(d.needle_length_m)},
          {"tip_radius_um", units::to_um(d.tip_radius_m)},
          {"uses", d.uses}};
}

}  // namespace

json run_json(const pipeline::RunResult& r, const planner::Plan* plan) {
  json j;
  j["case"] = io::to_json(r.case_);
  j["device"] = r.case_.medium ? json(nullptr) : device_json(pipeline::resolved_device(r.case_));
  j["zones"] = json::array();
  for (std::size_t i = 0; i < r.zones.size(); ++i) {
    const auto& zr = r.zones[i];
    json zj;
    zj["site"] = zr.zone.site;
    zj["indication"] = cases::to_string(zr.zone.indication);
    zj["depth_mm"] = zr.zone.depth_mm ? json(*zr.zone.depth_mm) : json(nullptr);
    zj["anatomy"] = io::to_json(zr.mean_stack);
    zj["anatomy"]["sensitive"] = zr.mean_stack.sensitive;
    zj["anatomy"]["dermis_p10_um"] = zr.dermis_range_um.first;
    zj["anatomy"]["dermis_p90_um"] = zr.dermis_range_um.second;
    zj["anatomy"]["patient_skin"] = io::to_json(zr.skin);
    zj["pattern"] = puncture::zone_json(zr.pattern);
    if (r.delivery)
      zj["delivery"] = delivery_summary((*r.delivery)["zones"][i]);
    zj["response_and_healing"] = course_json(zr.course, zr.anaesthetic_depth_um);
    j["zones"].push_back(zj);
  }
  if (r.case_.medium) {
    // An explicit medium replaces the atlas: one entry whose site is "medium".
    json zj = {
        {"site", "medium"}, {"indication", nullptr}, {"medium", medium_json(*r.case_.medium)}};
    if (r.delivery)
      zj["delivery"] = delivery_summary((*r.delivery)["zones"][0]);
    j["zones"].push_back(zj);
  }
  j["plan"] = plan != nullptr ? planner::plan_json(*plan) : json(nullptr);
  j["disclaimer"] = kDisclaimer;
  io::require_finite(j);
  return j;
}

std::string run_text(const pipeline::RunResult& r, const planner::Plan* plan) {
  const auto& c = r.case_;
  std::string out;
  out += fmt::format("mnsim run: case '{}' ({}), seed {}\n", c.info.name, c.source, c.info.seed);
  if (!c.medium) {
    out += fmt::format("Patient: {} years, {}, Fitzpatrick {}, accepts {} days of downtime\n",
                       core::format_number(c.patient.age_years), cases::to_string(c.patient.sex),
                       c.patient.fitzpatrick, core::format_number(c.patient.max_downtime_days));
    const device::Device d = pipeline::resolved_device(c);
    out += fmt::format(
        "Device: {} {}, {} needles, {} mm, tip radius {} um, {} prior uses; {} passes\n",
        cases::to_string(d.kind), d.model.empty() ? "(custom)" : d.model, d.needle_count,
        core::format_number(units::to_mm(d.needle_length_m)),
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
          zr.zone.site + (st.sensitive ? "*" : ""), st.thickness_m(Layer::StratumCorneum) * 1e6,
          st.epidermis_m() * 1e6, st.thickness_m(Layer::PapillaryDermis) * 1e6, st.dermis_m() * 1e6,
          zr.dermis_range_um.first, zr.dermis_range_um.second,
          st.thickness_m(Layer::Subcutis) * 1e6);
    }
    out += "  (* sensitive area)\n\n";
    out += "2-3 Punctures (depth reached by the needle tips, um):\n";
    out += fmt::format("  {:<14} {:>8} {:>9} {:>15} {:>9} {:>10} {:>12}\n", "site", "setting",
                       "mean", "p10-p90", "per cm2", "coverage", "unpunctured");
    for (const auto& zr : r.zones) {
      const auto& p = zr.pattern;
      out += fmt::format(
          "  {:<14} {:>5.2f} mm {:>9.0f} {:>7.0f}-{:<7.0f} {:>9.0f} {:>9.0f}% {:>11.0f}%\n",
          zr.zone.site, p.length_m * 1e3, p.depth_m.mean * 1e6, p.depth_m.p10 * 1e6,
          p.depth_m.p90 * 1e6, p.punctures_per_cm2, 100 * p.coverage_fraction,
          100 * p.unpunctured_fraction);
    }
    out += "\n";
  }
  if (r.delivery) {
    out += "4 Delivery (by the transport horizon):\n";
    const auto& zones = (*r.delivery)["zones"];
    for (std::size_t i = 0; i < zones.size(); ++i) {
      const auto& z = zones[i];
      const std::string site = z["site"].get<std::string>();
      if (z.contains("delivered_past_sc_ug_per_cm2")) {
        out += fmt::format("  {:<14} {}: {:.3g} ug/cm2 past the stratum corneum", site,
                           z.value("product", std::string("product")),
                           z["delivered_past_sc_ug_per_cm2"].get<double>());
        if (z.contains("enhancement_ratio") && !z["enhancement_ratio"].is_null()) {
          out += enhancement_text(z["enhancement_ratio"].get<double>());
        }
        out += "\n";
      }
      if (z.contains("anaesthetic")) {
        const auto& an = z["anaesthetic"];
        auto onset = [](const json& v) {
          return v.is_null() ? std::string("not reached")
                             : fmt::format("{:.0f} min", v.get<double>() / 60);
        };
        out += fmt::format(
            "  {:<14} {} numbs to the setting's depth after {} needled first, {} on intact skin\n",
            site, an.value("product", std::string()), onset(an.value("numbing_onset_s", json())),
            onset(an.value("numbing_onset_intact_s", json())));
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
      const auto& z = (*r.delivery)["zones"][0];
      out +=
          fmt::format("  lag time {:.4g} s, steady flux {:.4g} ug/cm2/h\n",
                      z["lag_time_s"].get<double>(), z["steady_flux_ug_per_cm2_h"].get<double>());
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

}  // namespace mnsim::cli
