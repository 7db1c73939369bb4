// calibrate_healing: least-squares fit (Ceres) of the response and healing
// parameters to the rows of data/validation/healing.toml that carry a
// fit_group, in this order: erythema (decay, half-load), barrier_young,
// barrier_aged, remodelling (collagen and epidermal production, stimulus half-load,
// matrix maturation). Parameters are
// fitted in log space (positivity); each group is fitted with the groups before it fixed.
//
//   calibrate_healing            print the fit
//   calibrate_healing --write    also write data/response/calibrated.toml,
//                                data/healing/calibrated.toml and
//                                docs/calibration/healing.md (then rebuild mnsim:
//                                the model reads the tables compiled in)
//   --root DIR                   source tree to write into (default: this checkout)
//
// Residuals are (predicted - observed) / sigma with sigma from the table, so
// the covariance is the parameter covariance implied by those sigmas (not
// rescaled by the residual variance). Model: docs/models/{response,healing}.md.
#include "tool_args.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <ceres/ceres.h>
#include <fmt/format.h>

#include "mnsim/core/disclaimer.hpp"
#include "mnsim/healing/observations.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/validation/validation.hpp"

namespace {

using mnsim::healing::Observation;

struct Model {
  mnsim::response::Params rp;
  mnsim::healing::Params hp;
};

struct Parameter {
  std::string name;    // key in the calibrated table
  std::string file;    // "response" or "healing"
  std::string source;  // the source id of the data it is fitted to
  std::function<double&(Model&)> ref;
  double value = 0;
  double sd = 0;
};

struct Group {
  std::string name;
  std::vector<Parameter> params;
  double cost = 0;
  int residuals = 0;
};

class Residual {
 public:
  Residual(const Observation& obs, const Model& base, std::vector<Parameter> params)
      : obs_(obs), base_(base), params_(std::move(params)) {}
  bool operator()(double const* const* p, double* r) const {
    Model m = base_;
    for (std::size_t i = 0; i < params_.size(); ++i)
      params_[i].ref(m) = std::exp(p[0][i]);
    try {
      r[0] = (mnsim::healing::predict(obs_, m.rp, m.hp) - obs_.observed) / obs_.sigma;
    } catch (const std::exception&) {
      return false;
    }
    return std::isfinite(r[0]);
  }

 private:
  const Observation& obs_;
  Model base_;
  std::vector<Parameter> params_;
};

void fit(Group& g, const std::vector<Observation>& rows, Model& model) {
  std::vector<double> x;
  for (auto& p : g.params)
    x.push_back(std::log(p.ref(model)));
  ceres::Problem problem;
  g.residuals = 0;
  for (const auto& o : rows) {
    if (o.fit_group != g.name)
      continue;
    ceres::NumericDiffOptions nd;
    nd.relative_step_size = 1e-4;
    auto* cost = new ceres::DynamicNumericDiffCostFunction<Residual, ceres::CENTRAL>(
        new Residual(o, model, g.params), ceres::TAKE_OWNERSHIP, nd);
    cost->AddParameterBlock(static_cast<int>(x.size()));
    cost->SetNumResiduals(1);
    problem.AddResidualBlock(cost, nullptr, x.data());
    ++g.residuals;
  }
  if (g.residuals == 0)
    throw std::runtime_error("no rows for fit group " + g.name);
  ceres::Solver::Options opt;
  opt.linear_solver_type = ceres::DENSE_QR;
  opt.max_num_iterations = 200;
  opt.function_tolerance = 1e-12;
  opt.parameter_tolerance = 1e-10;
  ceres::Solver::Summary summary;
  ceres::Solve(opt, &problem, &summary);
  if (!summary.IsSolutionUsable())
    throw std::runtime_error("fit " + g.name + " failed: " + summary.BriefReport());
  g.cost = summary.final_cost;
  ceres::Covariance::Options copt;
  copt.algorithm_type = ceres::DENSE_SVD;
  ceres::Covariance cov(copt);
  std::vector<std::pair<const double*, const double*>> blocks = {{x.data(), x.data()}};
  std::vector<double> c(x.size() * x.size(), 0.0);
  const bool have_cov =
      cov.Compute(blocks, &problem) && cov.GetCovarianceBlock(x.data(), x.data(), c.data());
  for (std::size_t i = 0; i < g.params.size(); ++i) {
    auto& p = g.params[i];
    p.value = std::exp(x[i]);
    p.ref(model) = p.value;
    // Delta method: sd(p) = p * sd(log p).
    p.sd = have_cov ? p.value * std::sqrt(std::max(0.0, c[i * x.size() + i])) : NAN;
  }
  std::cout << fmt::format(
      "fit {}: {} residual(s), {} parameter(s), final cost {:.6g}, {}\n", g.name, g.residuals,
      g.params.size(), g.cost,
      summary.termination_type == ceres::CONVERGENCE ? "converged" : "NOT converged");
}

std::string table_text(const std::vector<Group>& groups, const std::string& file,
                       const std::string& header) {
  std::string s = header;
  for (const auto& g : groups) {
    for (const auto& p : g.params) {
      if (p.file != file)
        continue;
      s += fmt::format("\n[{}]\nvalue = {:.6g}\nsd = {:.3g}\nsource = \"{}\"\n", p.name, p.value,
                       p.sd, p.source);
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = mnsim::tools::parse_tool_args(argc, argv, "calibrate_healing");
  if (!args)
    return 2;
  const bool write = args->write;
  const std::string& root = args->root;
  try {
    const auto rows = mnsim::validation::healing_observations(mnsim::anatomy::Atlas::builtin());
    Model model{mnsim::response::Params::builtin(), mnsim::healing::Params::builtin()};
    using M = Model;
    std::vector<Group> groups = {
        {"erythema",
         {{"erythema_decay_per_day", "response", "vendor_downtime_chart",
           [](M& m) -> double& { return m.rp.erythema_decay_per_day; }},
          {"erythema_half_load_um", "response", "vendor_downtime_chart",
           [](M& m) -> double& { return m.rp.erythema_half_load_um; }}}},
        {"barrier_young",
         {{"barrier_young_per_h", "response", "ghadially1995",
           [](M& m) -> double& { return m.rp.barrier_young_per_h; }}}},
        {"barrier_aged",
         {{"barrier_aged_per_h", "response", "ghadially1995",
           [](M& m) -> double& { return m.rp.barrier_aged_per_h; }}}},
        {"remodelling",
         {{"collagen_production_per_day", "healing", "kenkel2021",
           [](M& m) -> double& { return m.hp.collagen_production_per_day; }},
          {"epidermis_production_per_day", "healing", "lotfi2013",
           [](M& m) -> double& { return m.hp.epidermis_production_per_day; }},
          {"stimulus_half_load_um", "healing", "lotfi2013",
           [](M& m) -> double& { return m.hp.stimulus_half_load_um; }},
          {"matrix_maturation_per_day", "healing", "kenkel2021",
           [](M& m) -> double& { return m.hp.matrix_maturation_per_day; }}}}};
    for (auto& g : groups)
      fit(g, rows, model);

    // The report: parameters, fitted rows' residuals, held-out predictions.
    std::string md =
        "# Calibration of the response and healing stages\n\n"
        "Generated by `build/default/calibrate_healing --write` (tools/calibrate_healing.cpp) "
        "from data/validation/healing.toml; do not edit by hand. Least squares (Ceres, "
        "log-parameters, numeric central differences); residual = (predicted - observed) / "
        "sigma; sd from the Ceres covariance at the optimum (delta method to linear scale), "
        "i.e. implied by the stated sigmas, not rescaled by the residual variance. The injury "
        "dose of each protocol comes from the puncture stage (pipeline::injury_dose of the "
        "protocol's device and settings).\n\n"
        "**How little data there is.** erythema: 2 parameters from 3 vendor-chart points "
        "(confidence L; 1 degree of freedom). barrier: 1 parameter from 2 points (young) and "
        "1 from 1 point (aged). remodelling: 4 parameters (collagen production, epidermal "
        "production, stimulus half-load, matrix maturation rate) from 4 points (Kenkel 2021 "
        "dermal density at day 180 and the ratio of its OCT signal 3 vs 1 month after the last "
        "session; Lotfi 2013 epidermis and papillary collagen at day 176). With one point per "
        "parameter the fit is exact "
        "and the sd only restates the assumed sigma. Every other parameter is fixed from a "
        "source or is a labelled assumption (docs/models/response.md, healing.md).\n\n"
        "## Fitted parameters\n\n| group | parameter | value | sd | final cost | residuals |\n"
        "|---|---|---|---|---|---|\n";
    for (const auto& g : groups) {
      for (const auto& p : g.params) {
        md += fmt::format("| {} | `{}` | {:.4g} | {:.2g} | {:.3g} | {} |\n", g.name, p.name,
                          p.value, p.sd, g.cost, g.residuals);
      }
    }
    md +=
        "\n## Rows\n\n| id | fit group | observed | predicted | residual/sigma | used for "
        "fitting |\n|---|---|---|---|---|---|\n";
    std::cout << "\n";
    for (const auto& o : rows) {
      const double pred = mnsim::healing::predict(o, model.rp, model.hp);
      const std::string res =
          o.fit_group.empty() ? "-" : fmt::format("{:+.3f}", (pred - o.observed) / o.sigma);
      md += fmt::format("| {} | {} | {:.4g} | {:.4g} | {} | {} |\n", o.id,
                        o.fit_group.empty() ? "-" : o.fit_group, o.observed, pred, res,
                        o.used_for_fitting ? "yes" : "no (held out)");
      std::cout << fmt::format("{:40s} observed {:9.4g} predicted {:9.4g} {}\n", o.id, o.observed,
                               pred, o.used_for_fitting ? "(fitted/used)" : "(held out)");
    }
    for (const auto& g : groups) {
      for (const auto& p : g.params)
        std::cout << fmt::format("{:32s} = {:.6g} +/- {:.3g}\n", p.name, p.value, p.sd);
    }
    if (write) {
      const std::string head =
          "# Fitted parameters, written by tools/calibrate_healing (--write); do not edit.\n"
          "# sd: Ceres covariance at the optimum (delta method). Report: "
          "docs/calibration/healing.md\n";
      const auto resp = table_text(groups, "response", head);
      const auto heal = table_text(groups, "healing", head);
      mnsim::io::write_file_atomic(root + "/data/response/calibrated.toml", resp);
      mnsim::io::write_file_atomic(root + "/data/healing/calibrated.toml", heal);
      mnsim::io::write_file_atomic(root + "/docs/calibration/healing.md", md);
      std::cout << "Written: data/response/calibrated.toml, data/healing/calibrated.toml, "
                   "docs/calibration/healing.md (rebuild mnsim to use them)\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "calibrate_healing: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
