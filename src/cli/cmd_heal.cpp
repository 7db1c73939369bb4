// mnsim heal [CASE] [--json] [--csv FILE] [--hypothesis NAME]: the response
// (hours-days) and remodelling (weeks-months) stages, per zone.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/io/json.hpp"
#include "mnsim/pipeline/pipeline.hpp"

namespace mnsim::cli {

namespace {

nlohmann::json zone_json(const cases::Zone& z, const healing::Course& c) {
  nlohmann::json j;
  j["site"] = z.site;
  j["indication"] = cases::to_string(z.indication);
  j["days"] = c.days;
  j["erythema"] = c.erythema;
  j["oedema"] = c.oedema;
  j["collagen_rel"] = c.collagen_rel;
  j["dermal_thickness_rel"] = c.dermal_thickness_rel;
  j["epidermal_thickness_rel"] = c.epidermal_thickness_rel;
  j["erythema_resolved_day"] = c.erythema_resolved_day;
  j["session_days"] = c.session_days;
  const auto& a = c.first_session;
  j["acute"] = {{"injury_load_um", a.injury_load_um},
                {"erythema_peak", a.erythema_peak},
                {"oedema_peak", a.oedema_peak},
                {"pain_nrs", a.pain_nrs},
                {"bleeding_fraction", a.bleeding_fraction},
                {"barrier_resealed_h", a.barrier_resealed_h},
                {"pih_risk", a.pih.probability},
                {"pih_basis", a.pih.basis}};
  j["collagen_rel_peak"] = c.collagen_rel_peak;
  j["collagen_rel_end"] = c.collagen_rel_end;
  j["hypotheses"] = c.hypotheses;
  return j;
}

std::string zone_text(const cases::Zone& z, const healing::Course& c,
                      std::optional<double> anaesthetic_depth_um) {
  const auto& a = c.first_session;
  std::string s = fmt::format("{} ({})\n", z.site, cases::to_string(z.indication));
  s += fmt::format(
      "  first session: erythema peak {:.1f}/4, resolved by day {:.1f}; oedema peak {:.1f}/4; "
      "pain {:.1f}/10{}; {:.0f} % of channels reach the papillary "
      "dermis; channels resealed by {:.1f} h\n",
      a.erythema_peak, a.erythema_resolved_day, a.oedema_peak, a.pain_nrs,
      anaesthetic_depth_um ? fmt::format(" (numbed to {:.0f} um)", *anaesthetic_depth_um)
                           : std::string(" (no anaesthetic)"),
      100.0 * a.bleeding_fraction, a.barrier_resealed_h);
  s +=
      fmt::format("  PIH risk {:.1f} % per session ({})\n", 100.0 * a.pih.probability, a.pih.basis);
  std::string days;
  for (const double d : c.session_days)
    days += (days.empty() ? "" : ", ") + fmt::format("{:g}", d);
  s += fmt::format(
      "  sessions on days {}; collagen peak x{:.2f}, x{:.2f} at day {:g}; dermal "
      "thickness x{:.3f}, epidermal thickness x{:.3f} at day {:g}\n",
      days, c.collagen_rel_peak, c.collagen_rel_end, c.days.back(), c.dermal_thickness_rel.back(),
      c.epidermal_thickness_rel.back(), c.days.back());
  if (!c.hypotheses.empty()) {
    std::string h;
    for (const auto& n : c.hypotheses)
      h += (h.empty() ? "" : ", ") + n;
    s += "  HYPOTHESES switched on (not validated): " + h + "\n";
  }
  return s;
}

std::string csv_text(const cases::Case& cs, const std::vector<healing::Course>& courses) {
  std::string s =
      "zone,site,day,erythema,oedema,collagen_rel,dermal_thickness_rel,epidermal_thickness_rel,"
      "session\n";
  for (std::size_t z = 0; z < courses.size(); ++z) {
    const auto& c = courses[z];
    for (std::size_t i = 0; i < c.days.size(); ++i) {
      bool session = false;
      for (const double d : c.session_days)
        session = session || (d >= c.days[i] && d < c.days[i] + 1);
      s += fmt::format("{},{},{:g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{}\n", z, cs.zones[z].site,
                       c.days[i], c.erythema[i], c.oedema[i], c.collagen_rel[i],
                       c.dermal_thickness_rel[i], c.epidermal_thickness_rel[i], session ? 1 : 0);
    }
  }
  return s;
}

}  // namespace

void add_heal_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    bool json = false;
    std::string csv;
    std::vector<std::string> hypotheses;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "heal", "Response (hours-days) and remodelling (weeks-months) per zone (no CASE: default)");
  cmd->add_option("case", o->case_path, "Case file (TOML); the [course] table sets the sessions");
  cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_option("--csv", o->csv, "Also write the daily series of every zone to this CSV file");
  cmd->add_option("--hypothesis", o->hypotheses,
                  "Switch on a labelled, unvalidated product hypothesis (repeatable)")
      ->check(CLI::IsMember({"prp", "vitamin_c"}));
  commands.push_back(
      {cmd, [o] {
         const cases::Case c = load_or_default(o->case_path);
         if (c.medium) {
           throw InputError(
               InputIssue{c.source, "medium", "",
                          "heal needs atlas zones; a case with an explicit [medium] has "
                          "no skin to heal"});
         }
         healing::Hypotheses hyp;
         for (const auto& h : o->hypotheses) {
           hyp.prp = hyp.prp || h == "prp";
           hyp.vitamin_c = hyp.vitamin_c || h == "vitamin_c";
         }
         pipeline::Options popt;
         popt.hypotheses = hyp;
         // Transport only for the anaesthetic's numbed depth (pain).
         popt.delivery = c.procedure.anaesthetic.has_value();
         cases::Case cc = c;
         if (popt.delivery)
           cc.product.reset();
         const auto run = pipeline::run(cc, anatomy::Atlas::builtin(), popt);
         std::vector<healing::Course> courses;
         for (const auto& zr : run.zones)
           courses.push_back(zr.course);
         // Everything is computed before anything is written.
         nlohmann::json j;
         j["zones"] = nlohmann::json::array();
         for (std::size_t z = 0; z < courses.size(); ++z) {
           auto zj = zone_json(c.zones[z], courses[z]);
           const auto& ad = run.zones[z].anaesthetic_depth_um;
           zj["anaesthetic_depth_um"] = ad ? nlohmann::json(*ad) : nullptr;
           j["zones"].push_back(std::move(zj));
         }
         j["dose"] = "puncture stage (pipeline::injury_dose)";
         j["disclaimer"] = kDisclaimer;
         io::require_finite(j);
         std::string text;
         if (!o->json) {
           text = fmt::format(
               "mnsim heal: {} session(s) every {:g} days, {:g} days simulated "
               "(day 0 = first session; injury dose from the puncture stage)\n\n",
               c.course.sessions, c.course.interval_days, c.course.horizon_days);
           for (std::size_t z = 0; z < courses.size(); ++z)
             text += zone_text(c.zones[z], courses[z], run.zones[z].anaesthetic_depth_um) + "\n";
           text += std::string(kDisclaimer) + "\n";
         }
         if (!o->csv.empty())
           io::write_file_atomic(o->csv, csv_text(c, courses));
         print(o->json ? dump(j) : text);
         return 0;
       }});
}

}  // namespace mnsim::cli
