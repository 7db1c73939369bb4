#include "mnsim/core/resources.hpp"

#include <algorithm>

#include "mnsim/core/error.hpp"

namespace mnsim::core {

std::optional<std::string_view> embedded_file(std::string_view path) {
  for (const auto& f : detail::embedded_table()) {
    if (f.path == path)
      return f.content;
  }
  return std::nullopt;
}

std::string_view require_embedded_file(std::string_view path) {
  if (auto f = embedded_file(path))
    return *f;
  throw DataError("built-in data file '" + std::string(path) + "' is missing from this build");
}

std::vector<std::string_view> embedded_paths(std::string_view prefix) {
  std::vector<std::string_view> out;
  for (const auto& f : detail::embedded_table()) {
    if (f.path.starts_with(prefix))
      out.push_back(f.path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mnsim::core
