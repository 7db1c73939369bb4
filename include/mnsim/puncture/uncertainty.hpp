// Stage 3, puncture: the posterior of the fitted insertion parameters.
//
// tools/calibrate_puncture writes each fitted parameter's posterior sd on the
// natural-log scale and the correlation of the four log parameters (c_K, v_c,
// F_c/F_p, T) to data/puncture/calibrated.toml. A draw is the multivariate
// log-normal about the fitted values: log theta = log theta_hat + L z, with
// L the Cholesky factor of the log covariance and z standard normal.
// docs/models/puncture.md, "Uncertainty".
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "mnsim/core/random.hpp"
#include "mnsim/puncture/mechanics.hpp"

namespace mnsim::puncture {

// The lower Cholesky factor of the log covariance, row-major 4 x 4. Throws
// DataError when the correlation is not positive definite.
std::array<double, 16> posterior_cholesky(const MechanicsParams& p);

// `p` with its four fitted parameters replaced by one posterior draw from
// `rng` (four normal numbers). The steady-force ratio is capped at 1 (its
// physical bound; the cap is a truncation of the log-normal's upper tail).
MechanicsParams posterior_draw(const MechanicsParams& p, core::Rng& rng);
// The same draw from its four standard normal numbers (posterior_draw takes
// them from `rng` in this order): the cohort's sensitivity analysis sets them.
MechanicsParams posterior_at(const MechanicsParams& p, const std::array<double, 4>& z);

// Order-statistic quantile: the value at rank round(q (n - 1)) of the sorted
// values, so that a quantile is always one of the draws (the uncertainty
// chain reruns the later stages at the very draws whose depth is the p10,
// p50 and p90). Returns that rank's index into `values` (unsorted).
std::size_t quantile_index(std::span<const double> values, double q);

}  // namespace mnsim::puncture
