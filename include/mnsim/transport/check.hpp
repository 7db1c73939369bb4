// Stage 4, transport: the input checks the product catalogue owns.
#pragma once

#include <optional>
#include <vector>

#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/transport/product.hpp"

namespace mnsim::transport {

// Problems with a case's product and topical anaesthetic, each naming the
// case field (file left empty): a product id or anaesthetic unknown to the
// catalogue (with "did you mean"), an anaesthetic that is not one, an inline
// product (no id) without the fields transport needs.
std::vector<InputIssue> check_products(const std::optional<cases::Product>& product,
                                       const std::optional<cases::Anaesthetic>& anaesthetic,
                                       const ProductCatalogue& catalogue);

}  // namespace mnsim::transport
