#include "mnsim/transport/check.hpp"

#include <string>
#include <utility>

#include "mnsim/core/text.hpp"

namespace mnsim::transport {

namespace {

std::optional<InputIssue> check_id(const ProductCatalogue& catalogue, std::string field,
                                   const std::string& id, bool anaesthetic) {
  const auto* p = catalogue.find(id);
  if (p != nullptr && (!anaesthetic || p->anaesthetic))
    return std::nullopt;
  const std::string value = "\"" + id + "\"";
  if (p != nullptr)
    return InputIssue{"", std::move(field), value, "is not a topical anaesthetic of the catalogue"};
  const std::string guess = core::closest_match(id, catalogue.ids());
  return InputIssue{"", std::move(field), value,
                    guess.empty() ? "unknown product (data/transport/products.toml)"
                                  : "unknown product; did you mean '" + guess + "'?"};
}

}  // namespace

std::vector<InputIssue> check_products(const std::optional<cases::Product>& product,
                                       const std::optional<cases::Anaesthetic>& anaesthetic,
                                       const ProductCatalogue& catalogue) {
  std::vector<InputIssue> out;
  if (product && !product->id) {
    const std::pair<const char*, bool> needed[] = {
        {"mw_da", product->mw_da.has_value()},
        {"log_kow", product->log_kow.has_value()},
        {"concentration_mg_per_ml", product->concentration_mg_per_ml.has_value()},
        {"dose_ul_per_cm2", product->dose_ul_per_cm2.has_value()}};
    for (const auto& [key, present] : needed) {
      if (!present) {
        out.push_back(InputIssue{"", std::string("product.") + key, "",
                                 "is required for an inline product (no product.id given)"});
      }
    }
  }
  if (product && product->id) {
    if (auto issue = check_id(catalogue, "product.id", *product->id, false))
      out.push_back(std::move(*issue));
  }
  if (anaesthetic) {
    if (auto issue =
            check_id(catalogue, "procedure.anaesthetic.product", anaesthetic->product, true))
      out.push_back(std::move(*issue));
  }
  return out;
}

}  // namespace mnsim::transport
