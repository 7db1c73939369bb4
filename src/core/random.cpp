#include "mnsim/core/random.hpp"

#include <cmath>
#include <numbers>

namespace mnsim::core {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31U);
}

namespace {
// FNV-1a over the key: stable across platforms and builds.
std::uint64_t hash_key(std::string_view key) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}
}  // namespace

Rng::Rng(std::uint64_t seed, std::string_view key, std::uint64_t index)
    : engine_(splitmix64(splitmix64(seed) ^ splitmix64(hash_key(key) + index))) {}

double Rng::uniform() {
  // 53 random bits -> [0, 1)
  return static_cast<double>(engine_() >> 11U) * 0x1.0p-53;
}

double Rng::normal() {
  double u1 = uniform();
  while (u1 <= 0.0)
    u1 = uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Rng::lognormal_mean_cv(double mean, double cv) {
  if (cv <= 0.0)
    return mean;
  const double sigma2 = std::log1p(cv * cv);
  const double mu = std::log(mean) - 0.5 * sigma2;
  return std::exp(mu + std::sqrt(sigma2) * normal());
}

}  // namespace mnsim::core
