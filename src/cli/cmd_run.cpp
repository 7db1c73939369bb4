// mnsim run [CASE] [--out DIR] [--json]: the whole pipeline, then the plan.
#include <memory>
#include <optional>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/io/output.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/predictor.hpp"
#include "mnsim/pipeline/report.hpp"
#include "progress.hpp"

namespace mnsim::cli {

void add_run_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    std::string out_dir;
    bool json = false;
    bool dry_run = false;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "run", "Run the whole pipeline on a case, then plan (no CASE: the built-in default case)");
  cmd->add_option("case", o->case_path, "Case file (TOML); see `mnsim case fields`");
  cmd->add_option("--out", o->out_dir,
                  "Also write result.json, summary.txt and report.html into this folder");
  cmd->add_flag("--json", o->json, "Print the result as JSON");
  cmd->add_flag("--dry-run", o->dry_run,
                "Print the transport grid of every run, its estimated memory and time within "
                "simulation.max_memory_mb, and stop");
  cmd->add_flag("--quiet,-q", o->quiet, "No progress line on stderr (none when not a terminal)");
  commands.push_back(
      {cmd, [o] {
         if (!o->out_dir.empty())  // before any work
           io::check_output_folder(o->out_dir, {"result.json", "summary.txt"}, "--out");
         const auto loaded = load_or_default(o->case_path);
         const cases::Case& c = loaded.c;
         const auto& atlas = anatomy::Atlas::builtin();
         if (o->dry_run) {
           const bool transport =
               c.medium.has_value() || c.product.has_value() || c.procedure.anaesthetic.has_value();
           const auto plans = transport ? pipeline::plan_case(c, pipeline::resolved_device(c),
                                                              pipeline::zone_skins(c, atlas))
                                        : std::vector<pipeline::ZonePlan>{};
           nlohmann::json j;
           j["plan"] = plan_json(plans);
           print(o->json ? dump(with_provenance(std::move(j), loaded.provenance))
                         : plan_text(plans));
           return 0;
         }
         Progress bar(!o->quiet);
         pipeline::Options popt;
         popt.uncertainty = true;
         if (bar.active()) {
           popt.progress = [&bar](std::size_t zone, std::size_t zones, const std::string& site,
                                  double t, double h) { bar.update(zone, zones, site, t, h); };
         }
         const auto result = pipeline::run(c, atlas, popt);
         bar.finish();
         std::optional<planner::Plan> plan;
         if (!c.medium) {
           const pipeline::PipelinePredictor predictor(atlas);
           plan = planner::make_plan(c, pipeline::resolved_device(c), predictor);
         }
         const planner::Plan* p = plan ? &*plan : nullptr;
         // Everything is computed before anything is written.
         const auto j = pipeline::run_json(result, p, loaded.provenance);
         const std::string text = pipeline::run_text(result, p);
         if (!o->out_dir.empty()) {
           io::write_files_atomic(o->out_dir,
                                  {{"result.json", dump(j)},
                                   {"summary.txt", text},
                                   {"report.html", report_html(result, p, loaded.provenance)}});
         }
         print(o->json ? dump(j) : text);
         if (!o->out_dir.empty() && !o->json) {
           print("Written: " + o->out_dir + "/result.json, summary.txt, report.html\n");
         }
         return 0;
       }});
}

}  // namespace mnsim::cli
