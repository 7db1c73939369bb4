// mnsim atlas [--site ID] [--age Y] [--sex S] [--json]: the anatomy stage.
#include <memory>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/anatomy/report.hpp"
#include "mnsim/pipeline/stages.hpp"
#include "report.hpp"

namespace mnsim::cli {

void add_atlas_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string site;
    double age_years = 45;
    std::string sex = "female";
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("atlas", "Skin layers per site (anatomy stage)");
  cmd->add_option("--site", o->site, "One site id (default: all sites)");
  cmd->add_option("--age", o->age_years, "Age in years (default 45)")
      ->check(CLI::Range(18.0, 100.0));
  cmd->add_option("--sex", o->sex, "female or male (default female)")
      ->check(CLI::IsMember({"female", "male"}));
  cmd->add_flag("--json", o->json, "Print as JSON");
  commands.push_back(
      {cmd, [o] {
         const auto& atlas = anatomy::Atlas::builtin();
         const anatomy::Subject subject{
             o->age_years, o->sex == "male" ? anatomy::Sex::Male : anatomy::Sex::Female, 3};
         const auto sites = pipeline::select_sites(atlas, o->site, "<command line>", "--site");
         if (!o->json) {
           print(atlas_text(atlas, sites, subject));
           return 0;
         }
         print(dump(pipeline::atlas_json(atlas, sites, subject)));
         return 0;
       }});
}

}  // namespace mnsim::cli
