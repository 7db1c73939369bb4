// The one seeded random generator of mnsim.
//
// Every random stream is derived from the case seed and a stable key (a stage
// name, a zone index, a pass number), never from a thread id or the clock, so
// the same case and seed give the same result on the same build whatever the
// thread count.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace mnsim::core {

class Rng {
 public:
  using result_type = std::uint64_t;

  // A stream for (seed, key, index): e.g. Rng(seed, "anatomy.patient", zone).
  Rng(std::uint64_t seed, std::string_view key, std::uint64_t index = 0);

  static constexpr result_type min() { return std::mt19937_64::min(); }
  static constexpr result_type max() { return std::mt19937_64::max(); }
  result_type operator()() { return engine_(); }

  // Uniform in [0, 1).
  double uniform();
  // Standard normal (mean 0, sd 1), Box-Muller on uniform(): the same numbers
  // on every standard library, unlike std::normal_distribution.
  double normal();
  // Log-normal with the given arithmetic mean and coefficient of variation.
  double lognormal_mean_cv(double mean, double cv);

 private:
  std::mt19937_64 engine_;
};

// SplitMix64 mixing of a 64-bit value; used to derive stream seeds.
std::uint64_t splitmix64(std::uint64_t x);

}  // namespace mnsim::core
