#include "mnsim/core/random.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace mnsim::core {
namespace {

TEST(Rng, SameSeedAndKeySameStream) {
  Rng a(7, "anatomy", 3);
  Rng b(7, "anatomy", 3);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(a(), b());
}

TEST(Rng, DifferentKeyOrIndexOrSeedDifferentStream) {
  Rng base(7, "anatomy", 3);
  Rng other_key(7, "puncture", 3);
  Rng other_index(7, "anatomy", 4);
  Rng other_seed(8, "anatomy", 3);
  const auto v = base();
  EXPECT_NE(v, other_key());
  EXPECT_NE(v, other_index());
  EXPECT_NE(v, other_seed());
}

TEST(Rng, UniformInUnitInterval) {
  Rng r(1, "u");
  for (int i = 0; i < 10000; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Rng, NormalHasUnitMomentsWithinSamplingError) {
  Rng r(2, "n");
  constexpr int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  // 5 standard errors: sd(mean) = 1/sqrt(n), sd(var) ~ sqrt(2/n).
  EXPECT_NEAR(mean, 0.0, 5.0 / std::sqrt(n));
  EXPECT_NEAR(var, 1.0, 5.0 * std::sqrt(2.0 / n));
}

TEST(Rng, LognormalMatchesRequestedMeanAndCv) {
  Rng r(3, "ln");
  constexpr int n = 200000;
  constexpr double mean = 800, cv = 0.2;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.lognormal_mean_cv(mean, cv);
    ASSERT_GT(x, 0.0);
    sum += x;
    sum2 += x * x;
  }
  const double m = sum / n;
  const double sd = std::sqrt(sum2 / n - m * m);
  EXPECT_NEAR(m, mean, 5.0 * mean * cv / std::sqrt(n));
  EXPECT_NEAR(sd / m, cv, 0.01);
}

TEST(Rng, ZeroCvIsDeterministic) {
  Rng r(4, "z");
  EXPECT_EQ(r.lognormal_mean_cv(5.0, 0.0), 5.0);
}

}  // namespace
}  // namespace mnsim::core
