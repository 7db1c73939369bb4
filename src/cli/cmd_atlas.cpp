// mnsim atlas [--site ID] [--age Y] [--sex S] [--json]: the anatomy stage.
#include <memory>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/anatomy/report.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/text.hpp"
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
  commands.push_back({cmd, [o] {
                        const auto& atlas = anatomy::Atlas::builtin();
                        const anatomy::Subject subject{
                            o->age_years,
                            o->sex == "male" ? anatomy::Sex::Male : anatomy::Sex::Female, 3};
                        std::vector<const anatomy::SiteRecord*> sites;
                        if (!o->site.empty()) {
                          const auto* s = atlas.find(o->site);
                          if (s == nullptr) {
                            const auto guess = core::closest_match(o->site, atlas.site_ids());
                            throw InputError(InputIssue{
                                "<command line>", "--site", o->site,
                                guess.empty() ? "unknown site; see `mnsim atlas` for the list"
                                              : "unknown site; did you mean '" + guess + "'?"});
                          }
                          sites.push_back(s);
                        } else {
                          for (const auto& s : atlas.sites())
                            sites.push_back(&s);
                        }
                        if (!o->json) {
                          print(atlas_text(atlas, sites, subject));
                          return 0;
                        }
                        nlohmann::json j;
                        j["age_years"] = o->age_years;
                        j["sex"] = o->sex;
                        j["sites"] = nlohmann::json::array();
                        for (const auto* s : sites) {
                          j["sites"].push_back(anatomy::site_json(atlas, *s, subject));
                        }
                        core::require_finite(j);
                        print(dump(with_provenance(j)));
                        return 0;
                      }});
}

}  // namespace mnsim::cli
