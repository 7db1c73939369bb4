// mnsim plan CASE [--json]: screening and a zone-by-zone plan (planner stage).
// mnsim plan --db FILE --patient ID [--date D] [--json]: the next session of
// a recorded patient, personalised by the record (docs/records.md).
// --robust [--robust-n N] [--robust-level P]: also hold, per zone, the share
// of a population like the patient beyond the limits under P (docs/safety.md).
#include <fmt/format.h>

#include <memory>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/cohort/robust.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/io/case_writer.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/predictor.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/report.hpp"
#include "mnsim/records/personalise.hpp"

namespace mnsim::cli {

namespace {

int plan_from_record(const std::string& db_path, const std::string& patient,
                     const std::string& date_text, bool json) {
  const auto date = date_text.empty() ? records::today() : records::parse_date(date_text, "--date");
  records::Database db(db_path, records::Database::Mode::Open);
  const auto r = records::plan_from_record(
      db, patient, date,
      [] { return std::make_unique<pipeline::PipelinePredictor>(anatomy::Atlas::builtin()); },
      records::pipeline_pain_nrs);
  const std::string text = io::write_case(r.c);
  if (json) {
    auto j = planner::plan_json(r.plan);
    j["record"] = records::to_json(r);
    j = with_provenance(std::move(j), pipeline::provenance_of(r.c, text));
    core::require_finite(j);
    print(dump(j));
  } else {
    print(records::record_text(r) + "\n" + planner::plan_text(r.plan, r.c));
  }
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    std::string db = records::default_db_path();
    std::string patient;
    std::string date;
    bool json = false;
    bool robust = false;
    int robust_n = 100;
    double robust_level = 0.10;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("plan",
                                 "Screening and a zone-by-zone plan within the safety "
                                 "limits (docs/safety.md)");
  auto* case_opt =
      cmd->add_option("case", o->case_path, "Case file (TOML); see `mnsim case fields`");
  cmd->add_option("--db", o->db,
                  "With --patient: records database (default: $MNSIM_DB, else ./mnsim-records.db)");
  auto* patient_opt = cmd->add_option(
      "--patient", o->patient, "Plan the next session of this recorded patient (docs/records.md)");
  cmd->add_option("--date", o->date,
                  "With --patient: date of the next session, YYYY-MM-DD (default: today)");
  case_opt->excludes(patient_opt);
  cmd->add_flag("--json", o->json, "Print the plan as JSON");
  auto* robust_opt = cmd->add_flag(
      "--robust", o->robust,
      "Plan for a population like the patient (same age band, sex, phototype): per zone, the "
      "share exceeding the accepted downtime or a depth cap stays under --robust-level "
      "(docs/safety.md)");
  cmd->add_option("--robust-n", o->robust_n, "With --robust: people drawn (default 100)")
      ->check(CLI::Range(10, 100000));
  cmd->add_option("--robust-level", o->robust_level,
                  "With --robust: the largest accepted share of the population beyond a limit "
                  "(default 0.10)")
      ->check(CLI::Range(0.0, 0.5));
  robust_opt->excludes(patient_opt);
  commands.push_back(
      {cmd, [o] {
         if (!o->patient.empty())
           return plan_from_record(o->db, o->patient, o->date, o->json);
         if (o->case_path.empty())
           throw InputError(
               InputIssue{"<command line>", "case", "", "give a case file, or --patient ID"});
         const auto loaded = load_or_default(o->case_path);
         const cases::Case& c = loaded.c;
         const pipeline::PipelinePredictor predictor(anatomy::Atlas::builtin());
         const planner::Plan plan = [&] {
           if (!o->robust)
             return planner::make_plan(c, pipeline::resolved_device(c), predictor);
           const cohort::RobustPredictor robust(predictor, anatomy::Atlas::builtin(), o->robust_n);
           planner::PlannerOptions options;
           options.robust_level = o->robust_level;
           return planner::make_plan(c, pipeline::resolved_device(c), robust,
                                     planner::Limits::builtin(), planner::Screening::builtin(),
                                     anatomy::Atlas::builtin(), options);
         }();
         if (o->json) {
           const auto j = with_provenance(planner::plan_json(plan), loaded.provenance);
           core::require_finite(j);
           print(dump(j));
         } else {
           print(planner::plan_text(plan, c));
         }
         return 0;
       }});
}

}  // namespace mnsim::cli
