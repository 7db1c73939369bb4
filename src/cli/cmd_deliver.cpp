// mnsim deliver CASE [--json] [--csv FILE] [--vtk FILE] [--dry-run] [--quiet]:
// the transport stage.
#include <map>
#include <memory>

#include <fmt/format.h>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/io/output.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/stages.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/transport/export.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace mnsim::cli {

namespace {}  // namespace

// The grid plans as text and JSON (`deliver --dry-run`, `run --dry-run`).
std::string plan_text(const std::vector<pipeline::ZonePlan>& plans) {
  std::string s = "transport plan (nothing computed; estimates are rough, 2-core machine):\n";
  for (const auto& z : plans) {
    const auto& p = z.plan;
    std::string grid = fmt::format("{} rows", p.nz);
    if (p.solver == "r-z")
      grid = fmt::format("{} x {} (depth x radius)", p.nz, p.nr);
    if (p.solver == "3d") {
      grid = fmt::format("{} x {} x {}, window {:.4g} um, {} channel(s)", p.nx, p.nx, p.nz,
                         units::to_um(p.window_side_m), p.channels);
    }
    s += fmt::format(
        "  {} - {}: {} at dx {:.3g} um, {}; {:.3g} cells, ~{:.0f} MB of {:.0f} MB, ~{:.2g} s\n",
        z.site, z.what, p.solver, units::to_um(p.dx_m), grid, p.cells,
        p.memory_bytes / units::kBytesPerMb, p.budget_bytes / units::kBytesPerMb, p.seconds);
    for (const auto& w : p.warnings)
      s += "    warning: " + w + "\n";
  }
  return s;
}

nlohmann::json plan_json(const std::vector<pipeline::ZonePlan>& plans) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& z : plans) {
    nlohmann::json e = transport::to_json(z.plan);
    e["site"] = z.site;
    e["run"] = z.what;
    e["warnings"] = z.plan.warnings;
    j.push_back(e);
  }
  return j;
}

void add_deliver_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    bool json = false;
    std::string csv;
    std::string vtk;
    std::string vtk_dir;
    bool dry_run = false;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("deliver", "Topical product transport (transport stage)");
  cmd->add_option("CASE", o->case_path, "Case file (default: the built-in default case)");
  cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_option("--csv", o->csv,
                  "Write every zone's amounts over time as one CSV (zone and site columns; "
                  "cumulative past-SC and out-through-the-bottom columns)");
  cmd->add_option("--vtk", o->vtk, "Write the first zone's final field as legacy VTK");
  cmd->add_option("--vtk-dir", o->vtk_dir,
                  "Write every zone's fields over time as VTK XML (.vtu per zone and time) with "
                  "a ParaView collection deliver.pvd, into this folder");
  cmd->add_flag("--dry-run", o->dry_run,
                "Print the transport grid of every run, its estimated memory and time within "
                "simulation.max_memory_mb, and stop");
  cmd->add_flag("--quiet,-q", o->quiet, "No progress line on stderr (none when not a terminal)");
  commands.push_back(
      {cmd, [o] {
         // Output paths checked before any work.
         if (!o->csv.empty())
           io::check_output_file(o->csv, "--csv");
         if (!o->vtk.empty())
           io::check_output_file(o->vtk, "--vtk");
         if (!o->vtk_dir.empty())
           io::check_output_folder(o->vtk_dir, {"deliver.pvd"}, "--vtk-dir");
         const auto loaded = load_or_default(o->case_path);
         const cases::Case& c = loaded.c;
         const auto skins = pipeline::zone_skins(c, anatomy::Atlas::builtin());
         if (o->dry_run) {
           const auto plans = pipeline::plan_case(c, pipeline::resolved_device(c), skins);
           if (o->json) {
             nlohmann::json j;
             j["plan"] = plan_json(plans);
             print(dump(with_provenance(std::move(j), loaded.provenance)));
           } else {
             print(plan_text(plans));
           }
           return 0;
         }
         Progress bar(!o->quiet);
         pipeline::DeliveryProgress progress = nullptr;
         if (bar.active()) {
           progress = [&bar](std::size_t zone, std::size_t zones, const std::string& site, double t,
                             double h) { bar.update(zone, zones, site, t, h); };
         }
         const transport::CaseDelivery d =
             pipeline::deliver_case(c, pipeline::resolved_device(c), skins, progress);
         bar.finish();
         const auto u = pipeline::deliver_uncertainty(c, anatomy::Atlas::builtin());
         const nlohmann::json j = pipeline::deliver_json(d, loaded.provenance, &u);
         // The first zone's product (an empty run without one).
         const transport::Run first = d.first() != nullptr ? d.first()->needled : transport::Run{};
         if (!o->csv.empty())
           io::write_file_atomic(o->csv, transport::to_csv(d));
         if (!o->vtk_dir.empty()) {
           std::map<std::string, std::string> files;
           std::vector<transport::PvdEntry> entries;
           for (std::size_t zi = 0; zi < d.zones.size(); ++zi) {
             const auto& z = d.zones[zi];
             if (!z.delivery)
               continue;
             const transport::Run& r = z.delivery->needled;
             const transport::VtkMeta meta{z.site, static_cast<int>(zi),
                                           loaded.provenance.case_sha256.value_or("")};
             for (std::size_t k = 0; k < transport::vtu_snapshots(r); ++k) {
               const std::string name = fmt::format("zone{}-{}-t{:02}.vtu", zi, z.site, k);
               files[name] = transport::to_vtu(r, k, meta);
               const double t = r.snapshots.empty() ? r.time_s.back() : r.snapshots[k].time_s;
               entries.push_back({t, static_cast<int>(zi), name});
             }
           }
           files["deliver.pvd"] = transport::to_pvd(entries);
           io::write_files_atomic(o->vtk_dir, files);
         }
         if (!o->vtk.empty())
           io::write_file_atomic(o->vtk, transport::to_vtk(first, "mnsim deliver"));
         const std::string intervals = u.zones.empty() ? "" : pipeline::intervals_text(u, c) + "\n";
         print(o->json ? dump(j)
                       : d.full_report() + "\n" + intervals + std::string(kDisclaimer) + "\n");
         return 0;
       }});
}

}  // namespace mnsim::cli
