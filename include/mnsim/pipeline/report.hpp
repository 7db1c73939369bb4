// Views of a whole run (`mnsim run`): its JSON and its brief/full text, built
// from each stage result's own view (puncture/report.hpp,
// response/report.hpp, healing/report.hpp, planner/report.hpp), and the
// provenance every JSON output carries. Keys and units: docs/interface.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/planner/planner.hpp"

namespace mnsim::pipeline {

// The version of the JSON layout (docs/interface.md, "Schema versions").
// Bumped on every rename or removal of a key; additions keep it.
inline constexpr int kSchemaVersion = 2;

// Where a result came from: the case file's bytes and seed (both absent for
// commands without a case).
struct Provenance {
  std::optional<std::string> case_sha256;  // of the case file's bytes as read
  std::optional<std::uint64_t> seed;
};

// The provenance of a case read from `case_text` (its file's bytes, or the
// built-in default's embedded text).
Provenance provenance_of(const cases::Case& c, std::string_view case_text);

// Adds "mnsim_version", "schema_version", "case_sha256" and "seed" (null when
// absent) to the top level of `j`.
void add_provenance(nlohmann::json& j, const Provenance& p);

// {"p10", "p50", "p90"}.
nlohmann::json interval_json(const core::Interval& i);
// "p50 (p10–p90)" with `digits` decimals.
std::string interval_text(const core::Interval& i, int digits = 0);
// {"samples", "seed", "method"}: the top-level "uncertainty" object of every
// command that reports intervals.
nlohmann::json uncertainty_json(const Uncertainty& u);
// The zone's intervals added to its stage objects (any may be null):
// pattern: real_depth_um_interval, sc_breached_fraction_interval; delivery:
// delivered_past_sc_ug_per_cm2_interval; healing: downtime_days_interval,
// collagen_gain_rel_interval.
void add_intervals(const ZoneIntervals& z, nlohmann::json* pattern, nlohmann::json* delivery,
                   nlohmann::json* healing);
// One text line per zone of the intervals, headed by the draw count and seed.
std::string intervals_text(const Uncertainty& u, const cases::Case& c);

// `mnsim run --json`; `plan` is null for a case with an explicit medium.
nlohmann::json run_json(const RunResult& r, const planner::Plan* plan, const Provenance& p);

// `mnsim run`'s text: the case, each stage's table, the plan.
std::string run_text(const RunResult& r, const planner::Plan* plan);

// " (12 x intact skin)"; above 1e6 the intact skin's permeation is at the
// model's floor (large molecules) and the ratio means "practically only
// through the channels".
std::string enhancement_text(double ratio);

}  // namespace mnsim::pipeline
