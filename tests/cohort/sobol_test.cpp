// The Sobol estimators on the Ishigami function, whose indices are known in
// closed form (Ishigami & Homma 1990; Saltelli et al. 2010): a = 7, b = 0.1.
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "mnsim/cohort/sobol.hpp"
#include "mnsim/core/random.hpp"

namespace {

using mnsim::cohort::sobol_indices;
using mnsim::cohort::SobolOptions;

double ishigami(const std::array<double, 3>& x) {
  constexpr double a = 7;
  constexpr double b = 0.1;
  return std::sin(x[0]) + a * std::sin(x[1]) * std::sin(x[1]) +
         b * std::pow(x[2], 4) * std::sin(x[0]);
}

constexpr std::array<double, 3> kS1{0.3139, 0.4424, 0.0};
constexpr std::array<double, 3> kST{0.5576, 0.4424, 0.2437};

std::array<double, 3> row(const char* key, std::size_t j, std::uint64_t seed = 2024) {
  mnsim::core::Rng rng(seed, key, j);
  std::array<double, 3> x{};
  for (auto& v : x)
    v = std::numbers::pi * (2 * rng.uniform() - 1);
  return x;
}

struct Design {
  std::vector<double> fa, fb;
  std::vector<std::vector<double>> fab;
};

Design ishigami_design(std::size_t n, std::uint64_t seed = 2024) {
  Design d;
  d.fab.assign(3, std::vector<double>(n));
  for (std::size_t j = 0; j < n; ++j) {
    const auto a = row("A", j, seed);
    const auto b = row("B", j, seed);
    d.fa.push_back(ishigami(a));
    d.fb.push_back(ishigami(b));
    for (std::size_t i = 0; i < 3; ++i) {
      auto ab = a;
      ab[i] = b[i];
      d.fab[i][j] = ishigami(ab);
    }
  }
  return d;
}

TEST(Sobol, IshigamiIndicesLieInTheirBootstrapIntervals) {
  const auto& s1 = kS1;
  const auto& st = kST;
  const Design d = ishigami_design(65536);
  SobolOptions o;
  o.seed = 7;
  const auto idx = sobol_indices(d.fa, d.fb, d.fab, o);
  ASSERT_EQ(idx.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_LE(idx[i].first_order_ci[0], s1[i]);
    EXPECT_GE(idx[i].first_order_ci[1], s1[i]);
    EXPECT_LE(idx[i].total_order_ci[0], st[i]);
    EXPECT_GE(idx[i].total_order_ci[1], st[i]);
    // The intervals are informative: they separate the inputs.
    EXPECT_LT(idx[i].first_order_ci[1] - idx[i].first_order_ci[0], 0.1);
    EXPECT_LT(idx[i].total_order_ci[1] - idx[i].total_order_ci[0], 0.1);
    EXPECT_LE(idx[i].first_order_ci[0], idx[i].first_order);
    EXPECT_GE(idx[i].first_order_ci[1], idx[i].first_order);
  }
}

TEST(Sobol, IntervalsCoverTheTrueIndicesAtAboutTheirLevel) {
  // 40 independent designs of 1024 rows: 240 intervals at 95 %. Binomial sd
  // of the share at 0.95 is 0.014; the percentile bootstrap of these
  // estimators is known to undercover slightly.
  int covered = 0;
  int total = 0;
  for (std::uint64_t rep = 0; rep < 40; ++rep) {
    const Design d = ishigami_design(1024, 100 + rep);
    SobolOptions o;
    o.seed = rep;
    const auto idx = sobol_indices(d.fa, d.fb, d.fab, o);
    for (std::size_t i = 0; i < 3; ++i) {
      covered += idx[i].first_order_ci[0] <= kS1[i] && kS1[i] <= idx[i].first_order_ci[1];
      covered += idx[i].total_order_ci[0] <= kST[i] && kST[i] <= idx[i].total_order_ci[1];
      total += 2;
    }
  }
  const double share = covered / static_cast<double>(total);
  EXPECT_GE(share, 0.88);
  EXPECT_LE(share, 1.0);
}

TEST(Sobol, IntervalsNarrowWithTheSampleSize) {
  const Design small = ishigami_design(512);
  const Design large = ishigami_design(8192);
  const auto a = sobol_indices(small.fa, small.fb, small.fab);
  const auto b = sobol_indices(large.fa, large.fb, large.fab);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_LT(b[i].total_order_ci[1] - b[i].total_order_ci[0],
              0.5 * (a[i].total_order_ci[1] - a[i].total_order_ci[0]));
  }
}

TEST(Sobol, AConstantOutputHasZeroIndices) {
  const std::vector<double> c(16, 3.0);
  const auto idx = sobol_indices(c, c, {c, c});
  for (const auto& i : idx) {
    EXPECT_EQ(i.first_order, 0.0);
    EXPECT_EQ(i.total_order, 0.0);
    EXPECT_EQ(i.total_order_ci[1], 0.0);
  }
}

TEST(Sobol, RefusesInconsistentSizes) {
  const std::vector<double> a(8, 1.0);
  const std::vector<double> b(7, 1.0);
  EXPECT_THROW((void)sobol_indices(a, b, {a}), std::invalid_argument);
  EXPECT_THROW((void)sobol_indices(a, a, {b}), std::invalid_argument);
  EXPECT_THROW((void)sobol_indices(std::vector<double>{1.0}, std::vector<double>{1.0}, {}),
               std::invalid_argument);
}

TEST(Sobol, TheSameSeedGivesTheSameIntervals) {
  const Design d = ishigami_design(256);
  const auto x = sobol_indices(d.fa, d.fb, d.fab);
  const auto y = sobol_indices(d.fa, d.fb, d.fab);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(x[i].total_order_ci, y[i].total_order_ci);
}

}  // namespace
