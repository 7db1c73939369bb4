// The run report (`mnsim report`, `mnsim run --out`): one self-contained HTML
// page for a clinician to hand over and a researcher to read, with the run's
// data embedded and the plots drawn by Vega-Lite (its scripts inlined, so the
// page works offline). Layout and contents: docs/report.md.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/report.hpp"
#include "mnsim/planner/planner.hpp"

namespace mnsim::report {

// One stage's validation summary (filled by the caller from validation::all_rows).
struct ValidationStage {
  std::string stage;
  int rows = 0;
  int passed = 0;
  int held_out = 0;
  int held_out_passed = 0;
};

struct Inputs {
  const pipeline::RunResult* run = nullptr;
  const planner::Plan* plan = nullptr;  // null for an explicit medium
  pipeline::Provenance provenance;
  std::vector<ValidationStage> validation;
  std::string generated_utc;  // e.g. "2025-05-01 12:00 UTC"
  // A recorded patient's history (`mnsim report --db --patient`: the
  // "record" object of `plan --db --json` plus "population_plan"); null: none.
  nlohmann::json history;
};

// Everything the page shows (`mnsim report --json`; keys: docs/interface.md):
// the provenance keys, {"run": run_json, "generated_utc", "validation",
// "limitations", "zones": [per-zone series: acute and course time courses,
// delivery over time, pattern SVG], "history" (only with Inputs::history)}.
nlohmann::json report_data(const Inputs& in);

// The page for `data` (report_data): HTML with the data, the Vega bundles,
// the page's style and script inlined.
std::string report_html(const nlohmann::json& data);

// The model limitations the report lists (also in docs/report.md).
const std::vector<std::string>& limitations();

}  // namespace mnsim::report
