// mnsim heal [CASE] [--json] [--csv FILE] [--hypothesis NAME]: the response
// (hours-days) and remodelling (weeks-months) stages, per zone.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/healing/report.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/stages.hpp"

namespace mnsim::cli {

namespace {

// Every zone's series in one long table: the first session hour by hour (its
// acute series, so a resolution at day 4.7 shows), then the course day by day.
// A column a series does not compute is left empty. Columns: docs/interface.md.
std::string csv_text(const cases::Case& cs, const std::vector<healing::Course>& courses) {
  std::string s =
      "zone,site,series,day,time_h,erythema,oedema,water_loss_rel,inflammation,collagen_rel,"
      "collagen1_rel,collagen3_rel,elastin_rel,dermal_thickness_rel,epidermal_thickness_rel,"
      "session\n";
  for (std::size_t z = 0; z < courses.size(); ++z) {
    const auto& c = courses[z];
    const auto& a = c.first_session;
    for (std::size_t i = 0; i < a.time_h.size(); ++i) {
      s += fmt::format("{},{},first_session_hourly,{:.6g},{:g},{:.9g},{:.9g},{:.9g},,,,,,,,{}\n", z,
                       cs.zones[z].site, a.time_h[i] * units::kHour / units::kDay, a.time_h[i],
                       a.erythema[i], a.oedema[i], a.water_loss_rel[i], i == 0 ? 1 : 0);
    }
    for (std::size_t i = 0; i < c.days.size(); ++i) {
      bool session = false;
      for (const double d : c.session_days)
        session = session || (d >= c.days[i] && d < c.days[i] + 1);
      s += fmt::format(
          "{},{},course_daily,{:g},{:g},{:.9g},{:.9g},,{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},"
          "{:.9g},{}\n",
          z, cs.zones[z].site, c.days[i], c.days[i] * units::kDay / units::kHour, c.erythema[i],
          c.oedema[i], c.inflammation[i], c.collagen_rel[i], c.collagen1_rel[i], c.collagen3_rel[i],
          c.elastin_rel[i], c.dermal_thickness_rel[i], c.epidermal_thickness_rel[i],
          session ? 1 : 0);
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
  cmd->add_option(
      "--csv", o->csv,
      "Also write every zone's series (first session hourly, course daily) to this CSV");
  cmd->add_option("--hypothesis", o->hypotheses,
                  "Switch on a labelled, unvalidated product hypothesis (repeatable)")
      ->check(CLI::IsMember({"prp", "vitamin_c"}));
  commands.push_back({cmd, [o] {
                        const auto loaded = load_or_default(o->case_path);
                        const cases::Case& c = loaded.c;
                        healing::Hypotheses hyp;
                        for (const auto& h : o->hypotheses) {
                          hyp.prp = hyp.prp || h == "prp";
                          hyp.vitamin_c = hyp.vitamin_c || h == "vitamin_c";
                        }
                        const auto run = pipeline::heal_case(c, anatomy::Atlas::builtin(), hyp);
                        std::vector<healing::Course> courses;
                        for (const auto& zr : run.zones)
                          courses.push_back(zr.course);
                        // Everything is computed before anything is written.
                        const nlohmann::json j = pipeline::heal_json(run, loaded.provenance);
                        std::string text;
                        if (!o->json) {
                          text = fmt::format(
                              "mnsim heal: {} session(s) every {:g} days, {:g} days simulated "
                              "(day 0 = first session; injury dose from the puncture stage)\n\n",
                              c.course.sessions, c.course.interval_days, c.course.horizon_days);
                          for (std::size_t z = 0; z < courses.size(); ++z)
                            text +=
                                fmt::format("{} ({})\n", c.zones[z].site,
                                            cases::to_string(c.zones[z].indication)) +
                                healing::brief_text(courses[z], run.zones[z].anaesthetic_depth_um) +
                                "\n";
                          if (run.uncertainty)
                            text += pipeline::intervals_text(*run.uncertainty, c) + "\n";
                          text += std::string(kDisclaimer) + "\n";
                        }
                        if (!o->csv.empty())
                          io::write_file_atomic(o->csv, csv_text(c, courses));
                        print(o->json ? dump(j) : text);
                        return 0;
                      }});
}

}  // namespace mnsim::cli
