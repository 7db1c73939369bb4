// mnsim validate [--json|--markdown]: models against published data.
#include <memory>

#include "command.hpp"
#include "mnsim/validation/report.hpp"
#include "mnsim/validation/validation.hpp"
#include "report.hpp"

namespace mnsim::cli {

void add_validate_command(CLI::App& app, Commands& commands) {
  struct Options {
    bool json = false;
    bool markdown = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("validate", "Models against published data, one row per datum");
  auto* json_flag = cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_flag("--markdown", o->markdown, "Print as Markdown (docs/validation.md)")
      ->excludes(json_flag);
  commands.push_back({cmd, [o] {
                        const auto rows = validation::all_rows();
                        if (o->markdown) {
                          print(validation_markdown(rows));
                          return 0;
                        }
                        if (!o->json) {
                          print(validation_text(rows));
                          return 0;
                        }
                        nlohmann::json j;
                        j["rows"] = nlohmann::json::array();
                        for (const auto& r : rows)
                          j["rows"].push_back(validation::to_json(r));
                        const auto s = validation::summarize(rows);
                        j["summary"] = {{"rows", s.rows},
                                        {"passed", s.passed},
                                        {"held_out", s.held_out},
                                        {"held_out_passed", s.held_out_passed}};
                        print(dump(with_provenance(j)));
                        return 0;
                      }});
}

}  // namespace mnsim::cli
