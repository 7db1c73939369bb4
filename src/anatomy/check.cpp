#include "mnsim/anatomy/check.hpp"

#include "mnsim/core/text.hpp"

namespace mnsim::anatomy {

std::optional<InputIssue> check_site(const Atlas& atlas, std::string_view site, std::string field) {
  if (atlas.find(site) != nullptr)
    return std::nullopt;
  std::string value = "\"";  // built stepwise: GCC 12 misreports -Wrestrict on a + chain
  value.append(site).push_back('"');
  return InputIssue{"", std::move(field), std::move(value),
                    core::unknown_name("site", site, atlas.site_ids())};
}

}  // namespace mnsim::anatomy
