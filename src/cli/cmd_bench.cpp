// mnsim bench [NAME] [--json] [--steps N]: performance benchmarks. NAME:
// transport (the 3D cell's ADI step against a triad bandwidth, docs/interface.md
// roofline fraction).
#include <fmt/format.h>

#include <memory>

#include "command.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/transport/bench.hpp"

namespace mnsim::cli {

void add_bench_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string name = "transport";
    bool json = false;
    int steps = 10;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("bench", "Performance benchmarks (transport: 3D cell vs memory roofline)");
  cmd->add_option("name", o->name, "Benchmark (default transport)")
      ->check(CLI::IsMember({"transport"}));
  cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_option("--steps", o->steps, "Timed steps (default 10)")->check(CLI::Range(1, 1000));
  commands.push_back(
      {cmd, [o] {
         const auto r = transport::bench_transport(o->steps);
         nlohmann::json j;
         j["benchmark"] = o->name;
         j["cells"] = r.cells;
         j["grid"] = {r.n, r.n, r.nz};
         j["steps"] = r.steps;
         j["threads"] = r.threads;
         j["seconds"] = r.seconds;
         j["updates_per_s"] = r.updates_per_s;
         j["bytes_per_update"] = r.bytes_per_update;
         j["stream_gb_s"] = r.stream_gb_s;
         j["roofline_fraction"] = r.roofline_fraction;
         j["llc_bytes"] = r.llc_bytes;
         j["working_set_bytes"] = r.working_set_bytes;
         j["disclaimer"] = std::string(kDisclaimer);
         core::require_finite(j);
         if (o->json) {
           print(dump(with_provenance(j)));
           return 0;
         }
         print(fmt::format(
             "transport 3D cell, Douglas ADI step (finite donor, one open channel)\n"
             "  grid {} x {} x {} = {:.4g} cells, working set {:.0f} MB "
             "(last-level cache {:.0f} MB, {:.1f}x)\n"
             "  {} steps on {} threads in {:.3f} s: {:.3g} cell updates/s\n"
             "  {:.0f} bytes/update (compulsory) -> {:.2f} GB/s; triad {:.2f} GB/s\n"
             "  roofline fraction {:.2f}\n{}\n",
             r.n, r.n, r.nz, r.cells, r.working_set_bytes / 1048576.0, r.llc_bytes / 1048576.0,
             r.working_set_bytes / std::max(1.0, r.llc_bytes), r.steps, r.threads, r.seconds,
             r.updates_per_s, r.bytes_per_update, r.updates_per_s * r.bytes_per_update / 1e9,
             r.stream_gb_s, r.roofline_fraction, kDisclaimer));
         return 0;
       }});
}

}  // namespace mnsim::cli
