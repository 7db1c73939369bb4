// Files compiled into the binary: the data/ tables and the cases/ examples.
// The binary needs nothing beside it at run time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mnsim::core {

struct EmbeddedFile {
  std::string_view path;     // relative to the source root, e.g. "data/anatomy/sites.toml"
  std::string_view content;  // the bytes of the file
};

// The file at `path`, or nullopt.
std::optional<std::string_view> embedded_file(std::string_view path);

// The file at `path`; throws DataError naming it when absent.
std::string_view require_embedded_file(std::string_view path);

// All embedded paths that start with `prefix`, sorted.
std::vector<std::string_view> embedded_paths(std::string_view prefix = {});

namespace detail {
const std::vector<EmbeddedFile>& embedded_table();
}  // namespace detail

}  // namespace mnsim::core
