// Text and JSON reports composed by the CLI from stage results.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/io/case.hpp"
#include "mnsim/validation/validation.hpp"

namespace mnsim::cli {

// The whole-pipeline result of `mnsim run` (today: the case and, per zone,
// the anatomy stage; later stages extend it).
struct RunResult {
  io::Case case_;
  std::vector<anatomy::LayerStack> stacks;  // one per zone, population mean for the patient
  std::vector<std::pair<double, double>> dermis_range_um;  // p10-p90 across people
};

RunResult run_pipeline(const io::Case& c, const anatomy::Atlas& atlas);

nlohmann::json run_json(const RunResult& r);
std::string run_text(const RunResult& r);

std::string atlas_text(const anatomy::Atlas& atlas,
                       const std::vector<const anatomy::SiteRecord*>& sites,
                       const anatomy::Subject& subject);

std::string validation_text(const std::vector<validation::Row>& rows);
std::string validation_markdown(const std::vector<validation::Row>& rows);

}  // namespace mnsim::cli
