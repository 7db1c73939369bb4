// mnsim deliver CASE [--json] [--csv FILE] [--vtk FILE]: the transport stage.
#include <memory>

#include <fmt/format.h>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/stages.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "report.hpp"

namespace mnsim::cli {

void add_deliver_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    bool json = false;
    std::string csv;
    std::string vtk;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("deliver", "Topical product transport (transport stage)");
  cmd->add_option("CASE", o->case_path, "Case file (default: the built-in default case)");
  cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_option("--csv", o->csv, "Write the first zone's amounts over time as CSV");
  cmd->add_option("--vtk", o->vtk, "Write the first zone's final r-z (or 1D) field as legacy VTK");
  commands.push_back(
      {cmd, [o] {
         const auto loaded = load_or_default(o->case_path);
         const cases::Case& c = loaded.c;
         const transport::CaseDelivery d = pipeline::deliver_case(c, anatomy::Atlas::builtin());
         const nlohmann::json j = pipeline::deliver_json(d, loaded.provenance);
         // The first zone's product (an empty run without one).
         const transport::Run first = d.first() != nullptr ? d.first()->needled : transport::Run{};
         if (!o->csv.empty())
           io::write_file_atomic(o->csv, transport::to_csv(first));
         if (!o->vtk.empty())
           io::write_file_atomic(o->vtk, transport::to_vtk(first, "mnsim deliver"));
         print(o->json ? dump(j) : d.full_report() + "\n" + std::string(kDisclaimer) + "\n");
         return 0;
       }});
}

}  // namespace mnsim::cli
