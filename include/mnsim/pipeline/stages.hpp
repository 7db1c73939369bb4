// The stage commands' computations and their JSON (`mnsim atlas`, `pattern`,
// `deliver` and `heal` with --json; keys: docs/interface.md), shared by the
// CLI (src/cli/cmd_*.cpp) and the Python module (python/, docs/python.md) so
// that both give the same answer key for key. `plan` and `run` use
// planner::plan_json and pipeline::run_json (report.hpp) the same way.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/report.hpp"
#include "mnsim/puncture/pattern.hpp"
#include "mnsim/transport/case_delivery.hpp"

namespace mnsim::pipeline {

// --- atlas ---
// Every site of the atlas, or the one whose id is `site` when not empty; an
// unknown id throws InputError naming `source` and `field` (the closest id
// suggested).
std::vector<const anatomy::SiteRecord*> select_sites(const anatomy::Atlas& atlas,
                                                     const std::string& site,
                                                     const std::string& source,
                                                     const std::string& field);
// `mnsim atlas --json`: age_years, sex, sites[] (anatomy::site_json) and the
// provenance keys (no case: case_sha256 and seed null).
nlohmann::json atlas_json(const anatomy::Atlas& atlas,
                          const std::vector<const anatomy::SiteRecord*>& sites,
                          const anatomy::Subject& subject);

// --- pattern ---
struct PatternResult {
  std::string case_name;
  std::vector<puncture::ZonePattern> zones;  // in case order
  Uncertainty uncertainty;                   // the p10-p50-p90 intervals (uncertainty.hpp)
};
// The puncture stage for every zone. InputError when the case has no
// [[zones]] (an explicit [medium] has no device pattern).
PatternResult pattern_case(const cases::Case& c, const anatomy::Atlas& atlas);
// `mnsim pattern --json`.
nlohmann::json pattern_json(const PatternResult& r, const Provenance& p);

// --- deliver ---
// The transport stage for every zone (InputError without a product, an
// anaesthetic or a medium).
transport::CaseDelivery deliver_case(const cases::Case& c, const anatomy::Atlas& atlas);
// The delivered-amount intervals of `deliver` (transport rerun at the depth
// p10/p50/p90 draws; uncertainty.hpp). Empty for a case without zones.
Uncertainty deliver_uncertainty(const cases::Case& c, const anatomy::Atlas& atlas);
// `mnsim deliver --json` (with the intervals when `u` has zones).
nlohmann::json deliver_json(const transport::CaseDelivery& d, const Provenance& p,
                            const Uncertainty* u = nullptr);

// --- heal ---
// Response and remodelling per zone (the pipeline without the product's
// transport; the anaesthetic's numbed depth is computed when there is one).
// InputError for a case with an explicit [medium].
RunResult heal_case(const cases::Case& c, const anatomy::Atlas& atlas,
                    const healing::Hypotheses& hypotheses = {});
// `mnsim heal --json` of heal_case's result.
nlohmann::json heal_json(const RunResult& r, const Provenance& p);

}  // namespace mnsim::pipeline
