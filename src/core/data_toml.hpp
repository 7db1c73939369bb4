// Private helpers for reading the built-in data tables (data/*.toml).
// A malformed table is a defect of mnsim, reported as DataError naming the
// file, the entry and the key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "mnsim/core/error.hpp"
#include "mnsim/core/resources.hpp"

namespace mnsim::core::data {

inline toml::table parse(std::string_view path) {
  const std::string_view text = require_embedded_file(path);
  try {
    return toml::parse(text, std::string(path));
  } catch (const toml::parse_error& e) {
    throw DataError(std::string(path) + ": line " + std::to_string(e.source().begin.line) + ": " +
                    std::string(e.description()));
  }
}

// Where a value is, for messages: "data/anatomy/sites.toml: site 'cheek'".
struct Where {
  std::string text;
  [[noreturn]] void fail(std::string_view key, std::string_view problem) const {
    throw DataError(text + ": key '" + std::string(key) + "': " + std::string(problem));
  }
};

inline double real(const toml::table& t, std::string_view key, const Where& w) {
  const toml::node* n = t.get(key);
  if (n == nullptr)
    w.fail(key, "missing");
  if (n->is_integer())
    return static_cast<double>(n->as_integer()->get());
  if (!n->is_floating_point())
    w.fail(key, "expected a number");
  return n->as_floating_point()->get();
}

inline double positive(const toml::table& t, std::string_view key, const Where& w) {
  const double v = real(t, key, w);
  if (!(v > 0.0))
    w.fail(key, "must be > 0");
  return v;
}

inline std::string string(const toml::table& t, std::string_view key, const Where& w) {
  const toml::node* n = t.get(key);
  if (n == nullptr || !n->is_string())
    w.fail(key, "expected a string");
  return n->as_string()->get();
}

inline bool boolean(const toml::table& t, std::string_view key, const Where& w) {
  const toml::node* n = t.get(key);
  if (n == nullptr || !n->is_boolean())
    w.fail(key, "expected true or false");
  return n->as_boolean()->get();
}

inline std::vector<std::string> strings(const toml::table& t, std::string_view key,
                                        const Where& w) {
  const toml::node* n = t.get(key);
  if (n == nullptr || !n->is_array())
    w.fail(key, "expected a list of strings");
  std::vector<std::string> out;
  for (const auto& e : *n->as_array()) {
    if (!e.is_string())
      w.fail(key, "expected a list of strings");
    out.push_back(e.as_string()->get());
  }
  return out;
}

inline const toml::table& table(const toml::table& t, std::string_view key, const Where& w) {
  const toml::node* n = t.get(key);
  if (n == nullptr || !n->is_table())
    w.fail(key, "expected a table");
  return *n->as_table();
}

inline const toml::array& array_of_tables(const toml::table& t, std::string_view key,
                                          const Where& w) {
  const toml::node* n = t.get(key);
  if (n == nullptr || !n->is_array())
    w.fail(key, "expected an array of tables");
  for (const auto& e : *n->as_array()) {
    if (!e.is_table())
      w.fail(key, "expected an array of tables");
  }
  return *n->as_array();
}

// A catalogue's entry whose `key` member (its id) is `id`, or nullptr.
template <typename T>
const T* find_by_id(const std::vector<T>& entries, std::string T::*key, std::string_view id) {
  for (const auto& e : entries) {
    if (e.*key == id)
      return &e;
  }
  return nullptr;
}

// A catalogue's ids (each entry's `key` member), in table order.
template <typename T>
std::vector<std::string> ids_of(const std::vector<T>& entries, std::string T::*key) {
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (const auto& e : entries)
    out.push_back(e.*key);
  return out;
}

}  // namespace mnsim::core::data
