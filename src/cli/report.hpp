// Text and JSON reports composed by the CLI from stage results.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/validation/validation.hpp"

namespace mnsim::cli {

// `mnsim run`: the pipeline result and the plan made from it.
nlohmann::json run_json(const pipeline::RunResult& r, const planner::Plan* plan);
std::string run_text(const pipeline::RunResult& r, const planner::Plan* plan);

std::string atlas_text(const anatomy::Atlas& atlas,
                       const std::vector<const anatomy::SiteRecord*>& sites,
                       const anatomy::Subject& subject);

// " (12 x intact skin)"; above 1e6 the intact skin's permeation is at the
// model's floor (large molecules) and the ratio means "practically only
// through the channels".
std::string enhancement_text(double ratio);

std::string validation_text(const std::vector<validation::Row>& rows);
std::string validation_markdown(const std::vector<validation::Row>& rows);

}  // namespace mnsim::cli
