// Stage 1, anatomy: the input check the atlas owns (a zone's site).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/error.hpp"

namespace mnsim::anatomy {

// nullopt if `site` is an atlas site; else an issue naming `field` (file left
// empty), the value and the closest site id ("did you mean") or all of them.
std::optional<InputIssue> check_site(const Atlas& atlas, std::string_view site, std::string field);

}  // namespace mnsim::anatomy
