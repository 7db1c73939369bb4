#include "mnsim/cohort/sobol.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "mnsim/core/random.hpp"

namespace mnsim::cohort {

namespace {

struct Estimate {
  std::vector<double> first;
  std::vector<double> total;
};

// The estimators over the rows `rows` (a bootstrap resample or 0..N-1).
Estimate estimate(std::span<const double> f_a, std::span<const double> f_b,
                  const std::vector<std::vector<double>>& f_ab,
                  const std::vector<std::size_t>& rows) {
  const auto n = static_cast<double>(rows.size());
  double mean = 0;
  for (const std::size_t j : rows)
    mean += f_a[j] + f_b[j];
  mean /= 2 * n;
  double var = 0;
  for (const std::size_t j : rows)
    var += (f_a[j] - mean) * (f_a[j] - mean) + (f_b[j] - mean) * (f_b[j] - mean);
  var /= 2 * n - 1;
  Estimate e;
  e.first.assign(f_ab.size(), 0.0);
  e.total.assign(f_ab.size(), 0.0);
  if (!(var > 0))
    return e;
  for (std::size_t i = 0; i < f_ab.size(); ++i) {
    double s1 = 0;
    double st = 0;
    for (const std::size_t j : rows) {
      s1 += f_b[j] * (f_ab[i][j] - f_a[j]);
      st += (f_a[j] - f_ab[i][j]) * (f_a[j] - f_ab[i][j]);
    }
    e.first[i] = s1 / n / var;
    e.total[i] = st / (2 * n) / var;
  }
  return e;
}

}  // namespace

double percentile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double w = pos - static_cast<double>(lo);
  return (1 - w) * sorted[lo] + w * sorted[hi];
}

std::vector<SobolIndex> sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                                      const std::vector<std::vector<double>>& f_ab,
                                      const SobolOptions& options) {
  const std::size_t n = f_a.size();
  if (n < 2 || f_b.size() != n)
    throw std::invalid_argument("sobol_indices: f(A) and f(B) need the same N >= 2 values");
  for (const auto& row : f_ab) {
    if (row.size() != n)
      throw std::invalid_argument("sobol_indices: every f(AB_i) needs N values");
  }
  if (options.bootstrap < 1 || !(options.level > 0 && options.level < 1))
    throw std::invalid_argument("sobol_indices: bootstrap >= 1 and level in (0, 1)");
  std::vector<std::size_t> rows(n);
  for (std::size_t j = 0; j < n; ++j)
    rows[j] = j;
  const Estimate point = estimate(f_a, f_b, f_ab, rows);
  const std::size_t d = f_ab.size();
  const auto nb = static_cast<std::size_t>(options.bootstrap);
  std::vector<std::vector<double>> first(d, std::vector<double>(nb));
  std::vector<std::vector<double>> total(d, std::vector<double>(nb));
  // One stream per resample: the intervals do not depend on anything but the seed.
  for (std::size_t b = 0; b < nb; ++b) {
    core::Rng rng(options.seed, "sobol.bootstrap", b);
    for (auto& r : rows)
      r = std::min(n - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)));
    const Estimate e = estimate(f_a, f_b, f_ab, rows);
    for (std::size_t i = 0; i < d; ++i) {
      first[i][b] = e.first[i];
      total[i][b] = e.total[i];
    }
  }
  const double lo = 0.5 * (1 - options.level);
  const double hi = 1 - lo;
  std::vector<SobolIndex> out(d);
  for (std::size_t i = 0; i < d; ++i) {
    std::sort(first[i].begin(), first[i].end());
    std::sort(total[i].begin(), total[i].end());
    out[i].first_order = point.first[i];
    out[i].total_order = point.total[i];
    out[i].first_order_ci = {percentile(first[i], lo), percentile(first[i], hi)};
    out[i].total_order_ci = {percentile(total[i], lo), percentile(total[i], hi)};
  }
  return out;
}

}  // namespace mnsim::cohort
