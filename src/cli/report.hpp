// Text and JSON reports composed by the CLI from stage results.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/pipeline/report.hpp"
#include "mnsim/validation/validation.hpp"

namespace mnsim::cli {

std::string atlas_text(const anatomy::Atlas& atlas,
                       const std::vector<const anatomy::SiteRecord*>& sites,
                       const anatomy::Subject& subject);

using pipeline::enhancement_text;

std::string validation_text(const std::vector<validation::Row>& rows);
std::string validation_markdown(const std::vector<validation::Row>& rows);

}  // namespace mnsim::cli
