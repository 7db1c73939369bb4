// mnsim pattern CASE [--json] [--svg FILE] [--svg-zone SITE] [--svg-crop-mm MM]: devices
// and punctures (stages 2-3): how deep the needles go and where the channels
// land, per zone. --svg-zone takes the zone's site id (the first zone when
// absent); a number is refused with a message naming the case's sites (a site
// id is never a number, and 0-based indices were easy to get wrong).
#include <memory>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/stages.hpp"
#include "mnsim/puncture/pattern.hpp"
#include "mnsim/puncture/report.hpp"

namespace mnsim::cli {

void add_pattern_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    bool json = false;
    std::string svg;
    std::string svg_zone;
    double svg_crop_mm = 1.5;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("pattern", "Punctures per zone: depth, density, channel shape");
  cmd->add_option("case", o->case_path, "Case file (TOML); no CASE: the built-in default case");
  cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_option("--svg", o->svg,
                  "Write an SVG of a corner of the zone's patch of channels to this file");
  cmd->add_option("--svg-zone", o->svg_zone,
                  "Site id of the zone drawn by --svg (default: the case's first zone)");
  cmd->add_option("--svg-crop-mm", o->svg_crop_mm,
                  "Side of the square drawn by --svg, mm (0.2 to 10; default 1.5)")
      ->check(CLI::Range(0.2, 10.0));
  commands.push_back(
      {cmd, [o] {
         const auto loaded = load_or_default(o->case_path);
         const cases::Case& c = loaded.c;
         std::size_t svg_index = 0;
         // (No zones: pattern_case says so.)
         if (!o->svg.empty() && !o->svg_zone.empty() && !c.zones.empty()) {
           std::string sites;
           bool found = false;
           for (std::size_t i = 0; i < c.zones.size(); ++i) {
             sites += (i ? ", " : "") + c.zones[i].site;
             if (!found && c.zones[i].site == o->svg_zone) {
               svg_index = i;
               found = true;
             }
           }
           if (!found) {
             const bool numeric = o->svg_zone.find_first_not_of("0123456789") == std::string::npos;
             throw InputError(
                 InputIssue{"<command line>", "--svg-zone", o->svg_zone,
                            std::string(numeric ? "takes a site id, not an index; " : "") +
                                "one of the case's sites: " + sites});
           }
         }
         const pipeline::PatternResult r = pipeline::pattern_case(c, anatomy::Atlas::builtin());
         const auto& zones = r.zones;
         // Everything is computed before anything is written.
         const nlohmann::json j = pipeline::pattern_json(r, loaded.provenance);
         std::uint64_t total = 0;
         for (const auto& z : zones)
           total += z.channels_total;
         std::string svg;
         if (!o->svg.empty())
           svg = puncture::patch_svg(zones[svg_index],
                                     {.crop_side_m = units::from_mm(o->svg_crop_mm)});
         std::string text = "mnsim pattern: " + c.info.name + "\n\n";
         for (const auto& z : zones)
           text += puncture::zone_text(z) + "\n";
         text += pipeline::intervals_text(r.uncertainty, c) + "\n";
         text += "Session: " + std::to_string(total) + " channels.\n\n" + std::string(kDisclaimer) +
                 "\n";
         if (!svg.empty())
           io::write_file_atomic(o->svg, svg);
         print(o->json ? dump(j) : text);
         return 0;
       }});
}

}  // namespace mnsim::cli
