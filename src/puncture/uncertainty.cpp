#include "mnsim/puncture/uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "mnsim/core/error.hpp"

namespace mnsim::puncture {

std::array<double, 16> posterior_cholesky(const MechanicsParams& p) {
  const std::array<double, 4> sd{p.dimple_stiffness_factor_sd_log, p.rate_speed_sd_log,
                                 p.steady_force_ratio_sd_log, p.tension_sd_log};
  Eigen::Matrix4d cov;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const double r = p.correlation.size() == 16
                           ? p.correlation[static_cast<std::size_t>(4 * i + j)]
                           : (i == j ? 1.0 : 0.0);
      cov(i, j) = r * sd[static_cast<std::size_t>(i)] * sd[static_cast<std::size_t>(j)];
    }
  }
  std::array<double, 16> out{};
  if (cov.isZero(0))
    return out;  // no posterior spread: every draw is the fit
  const Eigen::LLT<Eigen::Matrix4d> llt(cov);
  if (llt.info() != Eigen::Success)
    throw DataError(
        "data/puncture/calibrated.toml: [fitted] correlation: the log covariance is not positive "
        "definite");
  const Eigen::Matrix4d l = llt.matrixL();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      out[static_cast<std::size_t>(4 * i + j)] = l(i, j);
  return out;
}

MechanicsParams posterior_draw(const MechanicsParams& p, core::Rng& rng) {
  std::array<double, 4> z{};
  for (auto& v : z)
    v = rng.normal();
  return posterior_at(p, z);
}

MechanicsParams posterior_at(const MechanicsParams& p, const std::array<double, 4>& z) {
  const auto l = posterior_cholesky(p);
  std::array<double, 4> dlog{};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j <= i; ++j)
      dlog[i] += l[4 * i + j] * z[j];
  MechanicsParams q = p;
  q.dimple_stiffness_factor *= std::exp(dlog[0]);
  q.rate_speed_m_s *= std::exp(dlog[1]);
  q.steady_force_ratio = std::min(1.0, q.steady_force_ratio * std::exp(dlog[2]));
  q.tension_n_per_m *= std::exp(dlog[3]);
  return q;
}

std::size_t quantile_index(std::span<const double> values, double q) {
  MNSIM_ASSERT(!values.empty(), "quantile of no values");
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Stable: ties keep the draw order, so the pick does not depend on the sort.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  const auto rank =
      static_cast<std::size_t>(std::lround(q * static_cast<double>(values.size() - 1)));
  return order[rank];
}

}  // namespace mnsim::puncture
