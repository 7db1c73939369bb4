// The cyclic tridiagonal solver against a dense LU solve of the same system.
#include "mnsim/transport/cyclic_tridiagonal.hpp"

#include <random>
#include <vector>

#include <gtest/gtest.h>
#include <Eigen/Dense>

namespace mnsim::transport {
namespace {

// A random diagonally dominant cyclic system of size n: solve it both ways.
double max_rel_difference(int n, std::mt19937& rng) {
  std::uniform_real_distribution<double> off(-1.0, 1.0);
  std::uniform_real_distribution<double> extra(0.1, 2.0);
  const auto un = static_cast<std::size_t>(n);
  std::vector<double> a(un), b(un), c(un), d(un);
  Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd rhs(n);
  for (int i = 0; i < n; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    a[ui] = off(rng);
    c[ui] = off(rng);
    b[ui] = (std::abs(a[ui]) + std::abs(c[ui]) + extra(rng)) * (i % 2 == 0 ? 1.0 : -1.0);
    d[ui] = off(rng);
    rhs(i) = d[ui];
    dense(i, i) += b[ui];
    if (n > 1) {
      dense(i, (i + n - 1) % n) += a[ui];
      dense(i, (i + 1) % n) += c[ui];
    }
  }
  std::vector<double> m(un), am(un), cp(un), zc(un);
  double alpha = 0;
  double beta = 0;
  factor_cyclic(n, a.data(), b.data(), c.data(), {m.data(), am.data(), cp.data(), zc.data()}, alpha,
                beta);
  solve_cyclic(n, m.data(), am.data(), cp.data(), zc.data(), alpha, beta, d.data());
  const Eigen::VectorXd x = dense.partialPivLu().solve(rhs);
  double worst = 0;
  for (int i = 0; i < n; ++i)
    worst =
        std::max(worst, std::abs(d[static_cast<std::size_t>(i)] - x(i)) / x.cwiseAbs().maxCoeff());
  return worst;
}

TEST(CyclicTridiagonal, MatchesADenseSolve) {
  std::mt19937 rng(20261130);
  for (int n : {1, 2, 3, 4, 5, 8, 17, 64, 257}) {
    for (int trial = 0; trial < 20; ++trial)
      EXPECT_LT(max_rel_difference(n, rng), 1e-12) << "n = " << n << ", trial " << trial;
  }
}

TEST(CyclicTridiagonal, FactorsAreReusedForManyRightHandSides) {
  // A constant periodic Laplacian-like system: x = 1 solves b + a + c = d.
  const int n = 16;
  std::vector<double> a(16, -1.0), b(16, 3.0), c(16, -1.0), m(16), am(16), cp(16), zc(16);
  double alpha = 0;
  double beta = 0;
  factor_cyclic(n, a.data(), b.data(), c.data(), {m.data(), am.data(), cp.data(), zc.data()}, alpha,
                beta);
  for (double k : {1.0, -2.5, 1e3}) {
    std::vector<double> x(16, k * 1.0);
    solve_cyclic(n, m.data(), am.data(), cp.data(), zc.data(), alpha, beta, x.data());
    for (double v : x)
      EXPECT_NEAR(v, k, 1e-12 * std::abs(k));
  }
}

}  // namespace
}  // namespace mnsim::transport
