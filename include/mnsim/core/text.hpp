// Small text helpers shared by the input checks and the reports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mnsim::core {

// Levenshtein edit distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is plausibly a typo of it, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "unknown <what>; did you mean '<closest>'?", or without a close candidate
// "unknown <what>; <list_intro>: <every candidate>". Used by the input checks.
std::string unknown_name(std::string_view what, std::string_view word,
                         const std::vector<std::string>& candidates,
                         std::string_view list_intro = "allowed");

// Shortest decimal text that reads back to the same double ("0.1", "1e-11").
std::string format_number(double v);

}  // namespace mnsim::core
