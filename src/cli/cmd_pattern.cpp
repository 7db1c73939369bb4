// mnsim pattern CASE [--json] [--svg FILE] [--svg-zone N]: devices and punctures
// (stages 2-3): how deep the needles go and where the channels land, per zone.
#include <memory>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/puncture/pattern.hpp"
#include "mnsim/puncture/report.hpp"

namespace mnsim::cli {

void add_pattern_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    bool json = false;
    std::string svg;
    int svg_zone = 0;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("pattern", "Punctures per zone: depth, density, channel shape");
  cmd->add_option("case", o->case_path, "Case file (TOML); no CASE: the built-in default case");
  cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_option("--svg", o->svg, "Write an SVG of a 1 cm2 patch of channels to this file");
  cmd->add_option("--svg-zone", o->svg_zone, "Zone (0-based, case order) drawn by --svg")
      ->check(CLI::NonNegativeNumber);
  commands.push_back({cmd, [o] {
                        const auto loaded = load_or_default(o->case_path);
                        const cases::Case& c = loaded.c;
                        if (c.zones.empty()) {
                          throw InputError(InputIssue{
                              c.source, "zones", "",
                              "mnsim pattern needs [[zones]] on the skin; an explicit [medium] "
                              "has no device pattern"});
                        }
                        if (!o->svg.empty() &&
                            static_cast<std::size_t>(o->svg_zone) >= c.zones.size()) {
                          throw InputError(InputIssue{
                              "<command line>", "--svg-zone", std::to_string(o->svg_zone),
                              "the case has " + std::to_string(c.zones.size()) + " zone(s)"});
                        }
                        const auto& atlas = anatomy::Atlas::builtin();
                        std::vector<puncture::ZonePattern> zones;
                        for (std::size_t i = 0; i < c.zones.size(); ++i)
                          zones.push_back(pipeline::puncture_zone(c, i, atlas).pattern);
                        // Everything is computed before anything is written.
                        nlohmann::json j = with_provenance({}, loaded.provenance);
                        j["case"] = c.info.name;
                        j["zones"] = nlohmann::json::array();
                        std::uint64_t total = 0;
                        for (const auto& z : zones) {
                          j["zones"].push_back(puncture::zone_json(z));
                          total += z.channels_total;
                        }
                        j["channels_session_total"] = total;
                        j["disclaimer"] = std::string(kDisclaimer);
                        core::require_finite(j);
                        std::string svg;
                        if (!o->svg.empty())
                          svg = puncture::patch_svg(zones[static_cast<std::size_t>(o->svg_zone)]);
                        std::string text = "mnsim pattern: " + c.info.name + "\n\n";
                        for (const auto& z : zones)
                          text += puncture::zone_text(z) + "\n";
                        text += "Session: " + std::to_string(total) + " channels.\n\n" +
                                std::string(kDisclaimer) + "\n";
                        if (!svg.empty())
                          io::write_file_atomic(o->svg, svg);
                        print(o->json ? dump(j) : text);
                        return 0;
                      }});
}

}  // namespace mnsim::cli
