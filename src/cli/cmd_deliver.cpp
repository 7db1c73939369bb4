// mnsim deliver CASE [--json] [--csv FILE] [--vtk FILE]: the transport stage.
#include <memory>

#include <fmt/format.h>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/transport/from_case.hpp"
#include "report.hpp"

namespace mnsim::cli {

namespace {

std::string deliver_text(const nlohmann::json& j) {
  std::string s;
  for (const auto& z : j["zones"]) {
    s += fmt::format("zone {}", z["site"].get<std::string>());
    if (z.contains("product"))
      s += fmt::format(" - {}", z["product"].get<std::string>());
    s += "\n";
    if (z.contains("amount_ug_per_cm2")) {
      const double t = z["time_s"].back().get<double>();
      s += fmt::format("  at {:.3g} h, amount per layer (ug/cm^2):", t / 3600);
      for (const auto& [k, v] : z["amount_ug_per_cm2"].items())
        s += fmt::format(" {} {:.4g};", k, v.back().get<double>());
      s += "\n";
      s += fmt::format("  delivered past the stratum corneum: {:.4g} ug/cm^2",
                       z["delivered_past_sc_ug_per_cm2"].get<double>());
      if (!z["enhancement_ratio"].is_null())
        s += enhancement_text(z["enhancement_ratio"].get<double>());
      s += "\n";
      s += fmt::format(
          "  lag time {:.4g} s, peak/steady flux out {:.4g} ug/cm^2/h, intact kp {:.3g} cm/h\n",
          z["lag_time_s"].get<double>(), z["steady_flux_ug_per_cm2_h"].get<double>(),
          z["kp_intact_cm_h"].get<double>());
      if (z.contains("channel")) {
        s += fmt::format(
            "  channels (from the puncture stage): radius {:.3g} um, depth {:.4g} um, cell radius "
            "{:.3g} um, "
            "reseal {:.3g} h\n",
            z["channel"]["radius_um"].get<double>(), z["channel"]["depth_um"].get<double>(),
            z["channel"]["cell_radius_um"].get<double>(),
            z["channel"]["reseal_time_s"].get<double>() / 3600);
      }
    }
    auto onset = [](const nlohmann::json& v) {
      return v.is_null() ? std::string("not reached")
                         : fmt::format("{:.3g} min", v.get<double>() / 60);
    };
    const nlohmann::json* a = z.contains("anaesthetic")
                                  ? &z["anaesthetic"]
                                  : (z.contains("numbing_depth_um") ? &z : nullptr);
    if (a != nullptr && a->contains("numbing_depth_um")) {
      s += fmt::format("  numbing to the needling depth: {} needled, {} intact\n",
                       onset((*a)["numbing_onset_s"]), onset((*a)["numbing_onset_intact_s"]));
    }
    for (const auto& w : z["warnings"])
      s += "  warning: " + w.get<std::string>() + "\n";
  }
  s += "\n" + std::string(kDisclaimer) + "\n";
  return s;
}

}  // namespace

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
  commands.push_back({cmd, [o] {
                        const auto loaded = load_or_default(o->case_path);
                        const cases::Case& c = loaded.c;
                        transport::Delivery first;
                        const auto skins = pipeline::zone_skins(c, anatomy::Atlas::builtin());
                        nlohmann::json j = transport::deliver_case(c, skins, &first);
                        j["disclaimer"] = std::string(kDisclaimer);
                        j = with_provenance(std::move(j), loaded.provenance);
                        core::require_finite(j);
                        if (!o->csv.empty())
                          io::write_file_atomic(o->csv, transport::to_csv(first.needled));
                        if (!o->vtk.empty())
                          io::write_file_atomic(o->vtk,
                                                transport::to_vtk(first.needled, "mnsim deliver"));
                        print(o->json ? dump(j) : deliver_text(j));
                        return 0;
                      }});
}

}  // namespace mnsim::cli
