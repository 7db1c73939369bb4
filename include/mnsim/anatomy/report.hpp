// JSON views of the anatomy stage (stable keys: docs/interface.md).
#pragma once

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"

namespace mnsim::anatomy {

// One layer stack: totals and each layer with its depth range (µm).
nlohmann::json to_json(const LayerStack& stack);

// One atlas site for a subject: the `atlas --json` entry.
nlohmann::json site_json(const Atlas& atlas, const SiteRecord& site, const Subject& subject);

}  // namespace mnsim::anatomy
