// mnsim plan CASE [--json]: screening and a zone-by-zone plan (planner stage).
#include <memory>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/predictor.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/report.hpp"

namespace mnsim::cli {

void add_plan_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("plan",
                                 "Screening and a zone-by-zone plan within the safety "
                                 "limits (docs/safety.md)");
  cmd->add_option("case", o->case_path, "Case file (TOML); see `mnsim case fields`")->required();
  cmd->add_flag("--json", o->json, "Print the plan as JSON");
  commands.push_back({cmd, [o] {
                        const auto loaded = load_or_default(o->case_path);
                        const cases::Case& c = loaded.c;
                        const pipeline::PipelinePredictor predictor(anatomy::Atlas::builtin());
                        const planner::Plan plan =
                            planner::make_plan(c, pipeline::resolved_device(c), predictor);
                        if (o->json) {
                          const auto j =
                              with_provenance(planner::plan_json(plan), loaded.provenance);
                          core::require_finite(j);
                          print(dump(j));
                        } else {
                          print(planner::plan_text(plan, c));
                        }
                        return 0;
                      }});
}

}  // namespace mnsim::cli
