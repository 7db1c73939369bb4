#include "report.hpp"

#include <fmt/format.h>

#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/io/json.hpp"

namespace mnsim::cli {

using anatomy::Layer;
using nlohmann::json;

namespace {
// Stages of ARCHITECTURE.md that this version does not compute yet.
const std::vector<std::string> kPendingStages = {"device",   "puncture", "transport",
                                                 "response", "healing",  "planner"};
}  // namespace

json run_json(const pipeline::RunResult& r) {
  json j;
  j["case"] = io::to_json(r.case_);
  j["zones"] = json::array();
  for (const auto& zr : r.zones) {
    const auto& z = zr.zone;
    json zj;
    zj["site"] = z.site;
    zj["indication"] = io::to_string(z.indication);
    zj["depth_mm"] = z.depth_mm ? json(*z.depth_mm) : json(nullptr);
    zj["anatomy"] = io::to_json(zr.stack);
    zj["anatomy"]["sensitive"] = zr.stack.sensitive;
    zj["anatomy"]["dermis_p10_um"] = zr.dermis_range_um.first;
    zj["anatomy"]["dermis_p90_um"] = zr.dermis_range_um.second;
    j["zones"].push_back(zj);
  }
  if (r.case_.medium) {
    // An explicit medium replaces the atlas: one entry whose site is "medium".
    const auto& m = *r.case_.medium;
    json layers = json::array();
    for (const auto& l : m.layers) {
      layers.push_back({{"name", l.name},
                        {"thickness_um", l.thickness_um},
                        {"diffusivity_m2_s", l.diffusivity_m2_s},
                        {"partition", l.partition},
                        {"clearance_per_s", l.clearance_per_s}});
    }
    j["zones"].push_back({{"site", "medium"},
                          {"indication", nullptr},
                          {"medium",
                           {{"layers", layers},
                            {"donor",
                             {{"kind", io::to_string(m.donor_kind)},
                              {"concentration_ug_per_ml", m.donor_concentration_ug_per_ml},
                              {"volume_ul_per_cm2", m.donor_volume_ul_per_cm2}}},
                            {"sink", {{"kind", io::to_string(m.sink_kind)}}}}}});
  }
  j["stages_not_yet_implemented"] = kPendingStages;
  j["disclaimer"] = kDisclaimer;
  io::require_finite(j);
  return j;
}

std::string run_text(const pipeline::RunResult& r) {
  const auto& c = r.case_;
  std::string out;
  out += fmt::format("mnsim run: case '{}' ({}), seed {}\n", c.info.name, c.source, c.info.seed);
  out += fmt::format("Patient: {} years, {}, Fitzpatrick {}, accepts {} days of downtime\n",
                     core::format_number(c.patient.age_years), io::to_string(c.patient.sex),
                     c.patient.fitzpatrick, core::format_number(c.patient.max_downtime_days));
  out += fmt::format("Device: {} {}, {} needles, {} mm, tip radius {} um, {} prior uses\n",
                     io::to_string(c.device.kind), c.device.model.value_or("(custom)"),
                     c.device.needle_count, core::format_number(c.device.needle_length_mm),
                     core::format_number(c.device.tip_radius_um), c.device.uses);
  out += fmt::format("Course: {} sessions every {} days\n\n", c.course.sessions,
                     core::format_number(c.course.interval_days));
  if (!c.zones.empty()) {
    out += "Skin under each zone (population mean for this age and sex; um):\n";
    out += fmt::format("  {:<14} {:<14} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>13}  {}\n", "site",
                       "indication", "SC", "VE", "epid", "pap.D", "dermis", "subcut",
                       "dermis p10-90", "depth");
    for (const auto& zr : r.zones) {
      const auto& z = zr.zone;
      const auto& st = zr.stack;
      auto um = [&](Layer l) { return st.thickness_m(l) * 1e6; };
      out += fmt::format(
          "  {:<14} {:<14} {:>6.0f} {:>6.0f} {:>6.0f} {:>7.0f} {:>7.0f} {:>7.0f} {:>6.0f}-{:<6.0f} "
          " {}{}\n",
          z.site + (st.sensitive ? "*" : ""), io::to_string(z.indication),
          um(Layer::StratumCorneum), um(Layer::ViableEpidermis), st.epidermis_m() * 1e6,
          um(Layer::PapillaryDermis), st.dermis_m() * 1e6, um(Layer::Subcutis),
          zr.dermis_range_um.first, zr.dermis_range_um.second,
          z.depth_mm ? core::format_number(*z.depth_mm) + " mm" : std::string("device length"), "");
    }
    out +=
        "  (* sensitive area; SC stratum corneum, VE viable epidermis, pap.D papillary dermis)\n\n";
  }
  if (c.medium) {
    out += fmt::format("Explicit medium (replaces the atlas): {} donor {} ug/mL, {} sink\n",
                       io::to_string(c.medium->donor_kind),
                       core::format_number(c.medium->donor_concentration_ug_per_ml),
                       io::to_string(c.medium->sink_kind));
    for (const auto& l : c.medium->layers) {
      out +=
          fmt::format("  {:<16} {:>8} um  D = {} m^2/s  K = {}  clearance {} 1/s\n", l.name,
                      core::format_number(l.thickness_um), core::format_number(l.diffusivity_m2_s),
                      core::format_number(l.partition), core::format_number(l.clearance_per_s));
    }
    out += "\n";
  }
  out += "Not yet computed by this version: ";
  for (std::size_t i = 0; i < kPendingStages.size(); ++i) {
    out += (i ? ", " : "") + kPendingStages[i];
  }
  out += ".\n\n";
  out += std::string(kDisclaimer) + "\n";
  return out;
}

std::string atlas_text(const anatomy::Atlas& atlas,
                       const std::vector<const anatomy::SiteRecord*>& sites,
                       const anatomy::Subject& subject) {
  std::string out = fmt::format(
      "Skin atlas for a {}-year-old {} (population mean; um). Model: docs/models/anatomy.md\n",
      core::format_number(subject.age_years),
      subject.sex == anatomy::Sex::Female ? "woman" : "man");
  out += fmt::format("{:<14} {:>5} {:>6} {:>6} {:>7} {:>7} {:>9} {:>8}  {}\n", "site", "SC", "epid",
                     "pap.D", "dermis", "+-sd", "subcutis", "sensitive", "sources");
  for (const auto* s : sites) {
    const auto st = atlas.stack(s->id, subject);
    std::string src;
    for (const auto& id : s->sources())
      src += (src.empty() ? "" : ",") + id;
    out += fmt::format("{:<14} {:>5.0f} {:>6.0f} {:>6.0f} {:>7.0f} {:>7.0f} {:>9.0f} {:>8}  {}\n",
                       s->id, st.thickness_m(Layer::StratumCorneum) * 1e6, st.epidermis_m() * 1e6,
                       st.thickness_m(Layer::PapillaryDermis) * 1e6, st.dermis_m() * 1e6,
                       s->dermis_sd_um.of(subject.sex) *
                           atlas.aging().dermis_factor(subject.sex, subject.age_years),
                       st.thickness_m(Layer::Subcutis) * 1e6, s->sensitive ? "yes" : "no", src);
  }
  if (sites.size() == 1) {
    out += "\nDerivation: " + sites.front()->derivation + "\n";
    out += "Sources:\n";
    const auto& bib = core::Bibliography::builtin();
    for (const auto& id : sites.front()->sources()) {
      const auto* src = bib.find(id);
      out += fmt::format("  [{}] {} ({})\n", id, src ? src->citation : "?",
                         src ? src->confidence : "?");
    }
  }
  return out;
}

std::string validation_text(const std::vector<validation::Row>& rows) {
  std::string out = fmt::format("{:<34} {:<20} {:>10} {:>10} {:>9}  {:<4} {}\n", "id", "quantity",
                                "observed", "predicted", "tol", "pass", "fit?");
  for (const auto& r : rows) {
    out += fmt::format("{:<34} {:<20} {:>10.4g} {:>10.4g} {:>9.3g}  {:<4} {}\n", r.id, r.quantity,
                       r.observed, r.predicted, r.tolerance, r.pass ? "yes" : "NO",
                       r.used_for_fitting ? "fitted" : "held out");
  }
  const auto s = validation::summarize(rows);
  out += fmt::format("\n{} rows, {} pass; held out (validation proper): {} of {} pass.\n", s.rows,
                     s.passed, s.held_out_passed, s.held_out);
  out +=
      "Rows marked 'fitted' were used to build the model: they check consistency, not validity.\n";
  return out;
}

std::string validation_markdown(const std::vector<validation::Row>& rows) {
  const auto s = validation::summarize(rows);
  std::string out =
      "# Validation report\n\n"
      "<!-- Generated by `mnsim validate --markdown`; do not edit by hand.\n"
      "     A test fails when this file and the code disagree. -->\n\n"
      "Each row compares a model prediction with one published datum. A row\n"
      "passes when |predicted - observed| <= tolerance; the tolerance comes from\n"
      "the datum itself (its published sd or range), never from the model.\n"
      "**fitted** rows were used to build or fit the model, so they only check\n"
      "consistency; **held out** rows are validation proper. Failures are shown,\n"
      "not hidden: each is discussed under the stage's model page in docs/models/.\n\n";
  out += fmt::format("Summary: {} rows, {} pass; held out: {} of {} pass.\n\n", s.rows, s.passed,
                     s.held_out_passed, s.held_out);
  std::string stage;
  const auto& bib = core::Bibliography::builtin();
  for (const auto& r : rows) {
    if (r.stage != stage) {
      stage = r.stage;
      out += "## " + stage + "\n\n";
      out +=
          "| id | quantity | where | observed | predicted | tolerance | pass | used for fitting | "
          "source |\n";
      out += "|---|---|---|---|---|---|---|---|---|\n";
    }
    const auto* src = bib.find(r.source);
    out += fmt::format("| {} | {} ({}) | {} | {:.4g} | {:.4g} | {:.3g} | {} | {} | {} |\n", r.id,
                       r.quantity, r.unit, r.condition, r.observed, r.predicted, r.tolerance,
                       r.pass ? "yes" : "**no**", r.used_for_fitting ? "fitted" : "held out",
                       src ? src->citation : r.source);
  }
  out += "\nNotes per row:\n\n";
  for (const auto& r : rows) {
    if (!r.note.empty())
      out += "- `" + r.id + "`: " + r.note + "\n";
  }
  return out;
}

}  // namespace mnsim::cli
