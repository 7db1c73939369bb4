// The CLI's commands. Each command lives in its own cmd_<name>.cpp and
// registers itself with add_<name>_command; main.cpp parses, runs the chosen
// command's action and turns errors into exit statuses.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "mnsim/case/case.hpp"
#include "mnsim/pipeline/report.hpp"
#include "mnsim/pipeline/transport_input.hpp"

namespace mnsim::cli {

struct Command {
  CLI::App* app;                // the (sub)command; its action runs if it was parsed
  std::function<int()> action;  // returns the exit status
};
using Commands = std::vector<Command>;

void add_run_command(CLI::App& app, Commands& commands);
void add_atlas_command(CLI::App& app, Commands& commands);
void add_validate_command(CLI::App& app, Commands& commands);
void add_case_command(CLI::App& app, Commands& commands);
void add_heal_command(CLI::App& app, Commands& commands);
void add_deliver_command(CLI::App& app, Commands& commands);
// The transport grid plans (deliver --dry-run, run --dry-run), cmd_deliver.cpp.
std::string plan_text(const std::vector<pipeline::ZonePlan>& plans);
nlohmann::json plan_json(const std::vector<pipeline::ZonePlan>& plans);
void add_pattern_command(CLI::App& app, Commands& commands);
void add_plan_command(CLI::App& app, Commands& commands);
void add_bench_command(CLI::App& app, Commands& commands);
void add_report_command(CLI::App& app, Commands& commands);
void add_records_command(CLI::App& app, Commands& commands);
void add_cohort_command(CLI::App& app, Commands& commands);

// Shared helpers.
void print(const std::string& text);
std::string dump(const nlohmann::json& j);
// A case and where it came from (the SHA-256 of the bytes read, its seed).
struct LoadedCase {
  cases::Case c;
  pipeline::Provenance provenance;
};
// The case at `path`, or the built-in default case when `path` is empty.
LoadedCase load_or_default(const std::string& path);
// report.html of a run (cmd_report.cpp; `mnsim report`, `mnsim run --out`).
std::string report_html(const pipeline::RunResult& result, const planner::Plan* plan,
                        const pipeline::Provenance& provenance);
// `j` with the provenance keys added (docs/interface.md, "Provenance").
nlohmann::json with_provenance(nlohmann::json j, const pipeline::Provenance& p = {});

}  // namespace mnsim::cli
