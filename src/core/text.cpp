#include "mnsim/core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace mnsim::core {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string unknown_name(std::string_view what, std::string_view word,
                         const std::vector<std::string>& candidates, std::string_view list_intro) {
  std::string msg = "unknown " + std::string(what);
  const std::string guess = closest_match(word, candidates);
  if (!guess.empty())
    return msg + "; did you mean '" + guess + "'?";
  std::string list;
  for (const auto& c : candidates)
    list += (list.empty() ? "" : ", ") + c;
  return msg + "; " + std::string(list_intro) + ": " + list;
}

std::string format_number(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, res.ptr};
}

}  // namespace mnsim::core
