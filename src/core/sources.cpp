#include "mnsim/core/sources.hpp"

#include "data_toml.hpp"

namespace mnsim::core {

const Bibliography& Bibliography::builtin() {
  // Every data/sources/*.toml file, one per topic (anatomy, puncture, ...), so
  // that stages add their sources without touching each other's files.
  static const Bibliography bib = [] {
    Bibliography b;
    for (const std::string_view path : embedded_paths("data/sources/")) {
      const toml::table root = data::parse(path);
      const auto& list = data::array_of_tables(root, "source", {std::string(path)});
      for (const auto& node : list) {
        const auto& t = *node.as_table();
        const data::Where w{std::string(path) + ": a [[source]]"};
        Source s;
        s.id = data::string(t, "id", w);
        const data::Where ws{std::string(path) + ": source '" + s.id + "'"};
        s.citation = data::string(t, "citation", ws);
        s.identifier = data::string(t, "identifier", ws);
        s.confidence = data::string(t, "confidence", ws);
        if (s.confidence != "H" && s.confidence != "M" && s.confidence != "L") {
          ws.fail("confidence", "must be H, M or L");
        }
        if (const auto* n = t.get("note"); n != nullptr && n->is_string()) {
          s.note = n->as_string()->get();
        }
        if (b.find(s.id) != nullptr)
          ws.fail("id", "duplicate source id (across data/sources/)");
        b.sources_.push_back(std::move(s));
      }
    }
    if (b.sources_.empty())
      throw DataError("data/sources/: no bibliography in this build");
    return b;
  }();
  return bib;
}

const Source* Bibliography::find(std::string_view id) const {
  for (const auto& s : sources_) {
    if (s.id == id)
      return &s;
  }
  return nullptr;
}

void Bibliography::require(const std::vector<std::string>& ids, std::string_view context) const {
  for (const auto& id : ids) {
    if (find(id) == nullptr) {
      throw DataError(std::string(context) + ": source id '" + id +
                      "' is not in data/sources/*.toml");
    }
  }
}

}  // namespace mnsim::core
