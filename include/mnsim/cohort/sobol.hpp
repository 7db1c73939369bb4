// Global sensitivity: Sobol first- and total-order indices from a Saltelli
// design (Saltelli et al. 2010, Comput. Phys. Commun. 181:259), generic over
// the model. With two independent N x d input samples A and B and, for each
// input i, the matrix AB_i (A with its column i taken from B), the estimators
// are, with V the variance of f over A and B together:
//   first order  S_i  = mean_j( f(B)_j (f(AB_i)_j - f(A)_j) ) / V   (Saltelli 2010)
//   total order  ST_i = mean_j( (f(A)_j - f(AB_i)_j)^2 ) / (2 V)     (Jansen 1999)
// Confidence intervals: percentile bootstrap over the rows j (the same
// resampled rows for every index), from a seeded stream. docs/cohorts.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mnsim::cohort {

struct SobolIndex {
  double first_order = 0;
  double total_order = 0;
  std::array<double, 2> first_order_ci{};  // [lower, upper] at the requested level
  std::array<double, 2> total_order_ci{};
};

struct SobolOptions {
  int bootstrap = 200;     // resamples of the rows
  double level = 0.95;     // two-sided confidence level of the intervals
  std::uint64_t seed = 0;  // of the bootstrap's stream
};

// The indices of each of the d inputs from f(A) (N values), f(B) (N values)
// and f(AB_i) (d rows of N values). When f does not vary (V = 0) every index
// and interval is 0. Throws std::invalid_argument on inconsistent sizes or
// N < 2.
// The q-quantile (0..1) of sorted values: linear interpolation between
// order statistics (type 7); the cohort's percentiles and the bootstrap
// intervals.
double percentile(const std::vector<double>& sorted, double q);

std::vector<SobolIndex> sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                                      const std::vector<std::vector<double>>& f_ab,
                                      const SobolOptions& options = {});

}  // namespace mnsim::cohort
