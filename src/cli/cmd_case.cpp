// mnsim case show-default | fields [--markdown] | check CASE [--json].
#include <memory>

#include <fmt/format.h>

#include "command.hpp"
#include "mnsim/case/json.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/io/fields.hpp"

namespace mnsim::cli {

void add_case_command(CLI::App& app, Commands& commands) {
  auto* cmd = app.add_subcommand("case", "Case files: the default case, the fields, checking");
  cmd->require_subcommand(1);

  auto* show = cmd->add_subcommand("show-default", "Print the built-in default case (TOML)");
  commands.push_back({show, [] {
                        print(std::string(io::default_case_text()));
                        return 0;
                      }});

  auto markdown = std::make_shared<bool>(false);
  auto* fields =
      cmd->add_subcommand("fields", "Every case field with unit, default and allowed range");
  fields->add_flag("--markdown", *markdown, "Print as Markdown (docs/case-file.md)");
  commands.push_back({fields, [markdown] {
                        print(*markdown ? io::fields_markdown() : io::fields_text());
                        return 0;
                      }});

  struct CheckOptions {
    std::string path;
    bool json = false;
  };
  auto o = std::make_shared<CheckOptions>();
  auto* check = cmd->add_subcommand("check", "Check a case file and report every problem");
  check->add_option("case", o->path, "Case file (TOML)")->required();
  check->add_flag("--json", o->json, "Print the parsed case, defaults filled in, as JSON");
  commands.push_back({check, [o] {
                        const auto loaded = load_or_default(o->path);
                        const cases::Case& c = loaded.c;
                        if (o->json) {
                          print(dump(with_provenance(cases::to_json(c), loaded.provenance)));
                        } else {
                          print(fmt::format("{}: valid case '{}' with {} zone(s)\n", o->path,
                                            c.info.name, c.zones.size()));
                        }
                        return 0;
                      }});
}

}  // namespace mnsim::cli
