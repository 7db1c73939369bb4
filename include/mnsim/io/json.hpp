// JSON views of cases and stage results (stable keys: docs/interface.md).
#pragma once

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/validation/validation.hpp"

namespace mnsim::io {

nlohmann::json to_json(const cases::Case& c);

// One layer stack: totals and each layer with its depth range (µm).
nlohmann::json to_json(const anatomy::LayerStack& stack);

// One atlas site for a subject: the `atlas --json` entry.
nlohmann::json atlas_site_json(const anatomy::Atlas& atlas, const anatomy::SiteRecord& site,
                               const anatomy::Subject& subject);

nlohmann::json to_json(const validation::Row& row);

// Non-finite numbers are not results: throws NumericalError naming the key.
void require_finite(const nlohmann::json& j, const std::string& where = "");

}  // namespace mnsim::io
