// calibrate_puncture: least-squares fit (Ceres) of the insertion model's free
// parameters to the human rows of data/validation/puncture.toml marked
// used_for_fitting: the dimple stiffness factor c_K, the rate speed v_c and
// the crack-propagation ratio F_c/F_p, all in log space (positivity).
//
//   calibrate_puncture            print the fit and every human row
//   calibrate_puncture --write    also write data/puncture/calibrated.toml and
//                                 docs/calibration/puncture.md (then rebuild
//                                 mnsim: the model reads the tables compiled in)
//   --root DIR                    source tree to write into (default: this checkout)
//
// Residuals are (predicted - observed) / tolerance, so the covariance is the
// one implied by the rows' tolerances (read as one sd). Model:
// docs/models/puncture.md.
#include "tool_args.hpp"

#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <ceres/ceres.h>
#include <fmt/format.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/puncture/human_data.hpp"
#include "mnsim/puncture/mechanics.hpp"

namespace {

using mnsim::puncture::HumanDatum;
using mnsim::puncture::MechanicsParams;

constexpr int kParams = 4;
const char* const kNames[kParams] = {"dimple_stiffness_factor", "rate_speed_m_s",
                                     "steady_force_ratio", "tension_n_per_m"};

void apply(const double* x, MechanicsParams& p) {
  p.dimple_stiffness_factor = std::exp(x[0]);
  p.rate_speed_m_s = std::exp(x[1]);
  p.steady_force_ratio = std::min(1.0, std::exp(x[2]));
  p.tension_n_per_m = std::exp(x[3]);
}

// Weakly informative log-normal priors (docs/calibration/puncture.md): the
// rows alone do not bound every direction (a pen can only reach its setting,
// so "as stiff as possible" fits a ratio of 1 equally well).
struct Prior {
  int index;
  double centre;
  double sd_log;
};

class PriorResidual {
 public:
  explicit PriorResidual(Prior pr) : pr_(pr) {}
  bool operator()(double const* const* x, double* r) const {
    r[0] = (x[0][pr_.index] - std::log(pr_.centre)) / pr_.sd_log;
    return true;
  }

 private:
  Prior pr_;
};

class Residual {
 public:
  Residual(const HumanDatum& d, const MechanicsParams& base) : d_(d), base_(base) {}
  bool operator()(double const* const* x, double* r) const {
    MechanicsParams p = base_;
    apply(x[0], p);
    try {
      r[0] = (mnsim::puncture::predict(d_, p, mnsim::anatomy::Atlas::builtin()) - d_.observed) /
             d_.tolerance;
    } catch (const std::exception&) {
      return false;
    }
    return std::isfinite(r[0]);
  }

 private:
  const HumanDatum& d_;
  MechanicsParams base_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto args = mnsim::tools::parse_tool_args(argc, argv, "calibrate_puncture");
  if (!args)
    return 2;
  const bool write = args->write;
  const std::string& root = args->root;
  try {
    const auto& atlas = mnsim::anatomy::Atlas::builtin();
    MechanicsParams p = MechanicsParams::builtin();
    const auto& rows = mnsim::puncture::builtin_human_data();
    const MechanicsParams before = p;
    std::vector<double> x = {std::log(p.dimple_stiffness_factor), std::log(p.rate_speed_m_s),
                             std::log(p.steady_force_ratio), std::log(p.tension_n_per_m)};
    ceres::Problem problem;
    int n_res = 0;
    for (const auto& d : rows) {
      if (!d.used_for_fitting)
        continue;
      ceres::NumericDiffOptions nd;
      nd.relative_step_size = 1e-4;
      auto* cost = new ceres::DynamicNumericDiffCostFunction<Residual, ceres::CENTRAL>(
          new Residual(d, p), ceres::TAKE_OWNERSHIP, nd);
      cost->AddParameterBlock(kParams);
      cost->SetNumResiduals(1);
      problem.AddResidualBlock(cost, nullptr, x.data());
      ++n_res;
    }
    if (n_res == 0)
      throw std::runtime_error("no fitted rows in data/validation/puncture.toml");
    const std::vector<Prior> priors = {
        {0, 1.0, 1.0},   // c_K: the elastic half-space, within a factor e
        {1, 3e-3, 2.3},  // v_c = d / tau: 0.3 mm dimple, 0.1 s relaxation, within 10x
        {2, 0.5, 1.0},   // F_c/F_p: half the puncture force, within a factor e
        {3, p.tension_prior_n_per_m, 1.0}};  // T: the in vivo order of magnitude
    for (const auto& pr : priors) {
      auto* cost = new ceres::DynamicNumericDiffCostFunction<PriorResidual, ceres::CENTRAL>(
          new PriorResidual(pr), ceres::TAKE_OWNERSHIP);
      cost->AddParameterBlock(kParams);
      cost->SetNumResiduals(1);
      problem.AddResidualBlock(cost, nullptr, x.data());
    }
    // Bounds (log space, none active at the optimum): c_K in [1e-3, 1e3], v_c in
    // [0.01 mm/s, 1 km/s], F_c/F_p in [0.05, 1], T in [0.1, 1e4] N/m.
    problem.SetParameterLowerBound(x.data(), 0, std::log(1e-3));
    problem.SetParameterUpperBound(x.data(), 0, std::log(1e3));
    problem.SetParameterLowerBound(x.data(), 1, std::log(1e-5));
    problem.SetParameterUpperBound(x.data(), 1, std::log(1e3));
    problem.SetParameterLowerBound(x.data(), 2, std::log(0.05));
    problem.SetParameterUpperBound(x.data(), 2, 0.0);
    problem.SetParameterLowerBound(x.data(), 3, std::log(0.1));
    problem.SetParameterUpperBound(x.data(), 3, std::log(1e4));
    ceres::Solver::Options opt;
    opt.linear_solver_type = ceres::DENSE_QR;
    opt.max_num_iterations = 200;
    opt.function_tolerance = 1e-12;
    opt.parameter_tolerance = 1e-10;
    ceres::Solver::Summary summary;
    ceres::Solve(opt, &problem, &summary);
    if (!summary.IsSolutionUsable())
      throw std::runtime_error("fit failed: " + summary.BriefReport());

    ceres::Covariance::Options copt;
    copt.algorithm_type = ceres::DENSE_SVD;
    copt.null_space_rank = -1;  // pseudo-inverse if a direction is not identified
    ceres::Covariance cov(copt);
    std::vector<std::pair<const double*, const double*>> blocks = {{x.data(), x.data()}};
    std::vector<double> c(kParams * kParams, NAN);
    const bool have_cov =
        cov.Compute(blocks, &problem) && cov.GetCovarianceBlock(x.data(), x.data(), c.data());
    apply(x.data(), p);
    double sd[kParams];
    for (int i = 0; i < kParams; ++i)
      sd[i] = have_cov ? std::sqrt(std::max(0.0, c[i * kParams + i])) : NAN;
    const double value[kParams] = {p.dimple_stiffness_factor, p.rate_speed_m_s,
                                   p.steady_force_ratio, p.tension_n_per_m};

    std::string table =
        fmt::format("| parameter | value | sd (log) | 90 % interval |\n|---|---|---|---|\n");
    for (int i = 0; i < kParams; ++i)
      table +=
          fmt::format("| {} | {:.4g} | {:.3f} | {:.3g} - {:.3g} |\n", kNames[i], value[i], sd[i],
                      value[i] * std::exp(-1.645 * sd[i]), value[i] * std::exp(1.645 * sd[i]));
    std::string corr = "| | c_K | v_c | F_c/F_p | T |\n|---|---|---|---|---|\n";
    for (int i = 0; i < kParams; ++i) {
      corr += fmt::format("| {} |", kNames[i]);
      for (int j = 0; j < kParams; ++j)
        corr += fmt::format(
            " {:.2f} |", c[i * kParams + j] / std::sqrt(c[i * kParams + i] * c[j * kParams + j]));
      corr += "\n";
    }
    std::string rows_md =
        "| row | fitted | observed | before | after | tolerance | unit | pass |\n"
        "|---|---|---|---|---|---|---|---|\n";
    for (const auto& d : rows) {
      const double b = mnsim::puncture::predict(d, before, atlas);
      const double a = mnsim::puncture::predict(d, p, atlas);
      rows_md += fmt::format("| {} | {} | {:.3g} | {:.3g} | {:.3g} | {:.3g} | {} | {} |\n", d.id,
                             d.used_for_fitting ? "yes" : "no", d.observed, b, a, d.tolerance,
                             mnsim::puncture::unit_of(d.quantity),
                             std::abs(a - d.observed) <= d.tolerance ? "yes" : "**no**");
    }
    std::cout << fmt::format("fit: {} residual(s), {} parameters, final cost {:.6g}, {}\n", n_res,
                             kParams, summary.final_cost,
                             have_cov ? "covariance ok" : "covariance FAILED");
    std::cout << table << "\ncorrelation\n" << corr << "\n" << rows_md;
    if (write) {
      std::string cal =
          "# Fitted parameters, written by tools/calibrate_puncture (--write); do not edit.\n"
          "# Fitted to the used_for_fitting rows of data/validation/puncture.toml;\n"
          "# sd_log: posterior sd of the natural log (Ceres covariance, tolerances as sds).\n"
          "[fitted]\n";
      for (int i = 0; i < kParams; ++i)
        cal += fmt::format("{} = {:.6g}\n{}_sd_log = {:.6g}\n", kNames[i], value[i], kNames[i],
                           std::isfinite(sd[i]) ? sd[i] : 0.0);
      cal +=
          "# correlation of the log parameters (c_K, v_c, F_c/F_p, T), row-major\ncorrelation = [";
      for (int i = 0; i < kParams * kParams; ++i)
        cal +=
            fmt::format("{}{:.4f}", i > 0 ? ", " : "", c[i] / (sd[i / kParams] * sd[i % kParams]));
      cal += "]\n";
      std::string md =
          "# Calibration of the insertion model on human data\n\n"
          "Generated by `build/default/calibrate_puncture --write` (tools/calibrate_puncture.cpp); "
          "do not edit. Model and data: docs/models/puncture.md.\n\n" +
          fmt::format(
              "Ceres least squares, residual = (predicted - observed) / tolerance, {} "
              "fitted rows and 4 weakly informative log-normal priors (c_K: 1, sd 1; v_c: 3 mm/s, "
              "sd 2.3; F_c/F_p: 0.5, sd 1; T: the mechanics.toml value, sd 1; sds in natural log), "
              "4 parameters in log space; final cost {:.4g}. The "
              "covariance is Ceres' (dense SVD, pseudo-inverse), i.e. the spread the "
              "rows' tolerances allow, not rescaled by the residuals.\n\n",
              n_res, summary.final_cost) +
          "## Parameters\n\n" + table + "\n## Correlation (log parameters)\n\n" + corr +
          "\n## Human rows (before = parameters in the tree when the tool ran)\n\n" + rows_md;
      mnsim::io::write_file_atomic(root + "/data/puncture/calibrated.toml", cal);
      mnsim::io::write_file_atomic(root + "/docs/calibration/puncture.md", md);
      std::cout << "wrote data/puncture/calibrated.toml and docs/calibration/puncture.md\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "calibrate_puncture: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
