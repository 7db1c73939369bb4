// The project bibliography (data/sources/*.toml). Every literature number in
// data/ names its source by id; loading a table checks that the id exists.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mnsim::core {

struct Source {
  std::string id;
  std::string citation;
  std::string identifier;  // doi:/pmid:/url, or empty
  std::string confidence;  // H (read in the paper or abstract), M (secondary), L (vendor/recalled)
  std::string note;
};

class Bibliography {
 public:
  // The built-in bibliography, loaded once from data/sources/*.toml.
  static const Bibliography& builtin();

  [[nodiscard]] const Source* find(std::string_view id) const;
  // Throws DataError naming `context` if any id is unknown.
  void require(const std::vector<std::string>& ids, std::string_view context) const;
  [[nodiscard]] const std::vector<Source>& all() const { return sources_; }

 private:
  std::vector<Source> sources_;
};

}  // namespace mnsim::core
