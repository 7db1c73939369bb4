#include "mnsim/transport/deliver.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>

#include <fmt/format.h>

#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/transport/simulate.hpp"

namespace mnsim::transport {

namespace {

constexpr double kUgPerM2ToUgPerCm2 = 1e-4;
constexpr double kUgPerM3ToUgPerMl = 1e-6;
// m -> um, m -> cm and bytes -> GB as exact decimal factors (x / units::kUm can differ
// from x * kUmPerM in the last bit, and the JSON is compared byte for byte).
constexpr double kUmPerM = 1e6;
constexpr double kBytesPerGb = 1e9;
constexpr double kCmPerM = 100.0;

double physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0)
    return 4e9;
  return static_cast<double>(pages) * static_cast<double>(page);
}

int auto_steps(const Options& o) {
  if (o.steps > 0)
    return o.steps;
  return std::clamp(static_cast<int>(std::ceil(o.horizon_s / units::kMin)), 200, 4000);
}

// Lag time and steady flux: the tangent to the cumulative amount out at the
// time of the largest out-flux (for an infinite dose at steady state this is
// Crank's asymptote Q = J (t - t_lag)).
void lag_and_flux(const Trace& tr, Run& r) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < tr.out_rate.size(); ++i) {
    if (tr.out_rate[i] > tr.out_rate[k])
      k = i;
  }
  const double j = tr.out_rate[k];
  r.steady_flux_ug_per_cm2_h = j * kUgPerM2ToUgPerCm2 * units::kHour;
  r.lag_time_s = j > 0 ? std::max(0.0, tr.time_s[k] - tr.cumulative_out[k] / j) : 0.0;
}

// Trace (per m^2) -> Run (per cm^2): amounts, flux out, past-SC, lag, balance.
void finish_run(const Trace& tr, Run& r) {
  r.time_s = tr.time_s;
  for (const auto& a : tr.amount) {
    std::vector<double> v(a.size());
    std::transform(a.begin(), a.end(), v.begin(), [](double x) { return x * kUgPerM2ToUgPerCm2; });
    r.amount_ug_per_cm2.push_back(std::move(v));
  }
  for (double x : tr.out_rate)
    r.flux_out_ug_per_cm2_h.push_back(x * kUgPerM2ToUgPerCm2 * units::kHour);
  for (double x : tr.past_group0)
    r.past_sc_ug_per_cm2.push_back(x * kUgPerM2ToUgPerCm2);
  lag_and_flux(tr, r);
  r.mass_balance_rel_error = tr.mass_balance_rel_error;
}

}  // namespace

std::vector<InputIssue> Options::check() const {
  std::vector<InputIssue> out;
  auto num = [](double v) { return core::format_number(v); };
  if (!(horizon_s > 0) || !std::isfinite(horizon_s))
    out.push_back({file, "simulation.horizon_h", num(units::to_hours(horizon_s)), "must be > 0"});
  if (!(dx_m > 0) || !std::isfinite(dx_m))
    out.push_back({file, "simulation.dx_um", num(dx_m * kUmPerM), "must be > 0"});
  if (steps < 0)
    out.push_back({file, "steps", std::to_string(steps), "must be >= 0"});
  if (!(rz_growth >= 1) || !(rz_growth <= 2))
    out.push_back({file, "rz_growth", num(rz_growth), "must be in [1, 2]"});
  if (!(grading_length_3d_m >= 0))
    out.push_back({file, "grading_length_3d_m", num(grading_length_3d_m), "must be >= 0"});
  if (!(tolerance_3d > 0) || !(tolerance_3d < 1))
    out.push_back({file, "tolerance_3d", num(tolerance_3d), "must be in (0, 1)"});
  if (!(tolerance_3d_point > 0) || !(tolerance_3d_point < 1))
    out.push_back({file, "tolerance_3d_point", num(tolerance_3d_point), "must be in (0, 1)"});
  if (numbing_threshold_ug_per_ml < 0)
    out.push_back(
        {file, "numbing_threshold_ug_per_ml", num(numbing_threshold_ug_per_ml), "must be >= 0"});
  return out;
}

namespace {

// What a run will solve: the channel geometry (capped and clamped), the
// solver, the 3D channel cell, and the resealing time.
struct GridPlan {
  bool channels = false;
  bool rz = false;
  bool three_d = false;
  ChannelGeometry geo;
  ChannelLayout layout;  // 3D only
  double total_m = 0;    // medium thickness
  double reseal_s = 0;
};

GridPlan plan_grid(const Medium& m, const ChannelSpec* ch, double open_dk_m2_s, const Options& opt,
                   std::vector<std::string>* warnings, const ResealingLaw& law,
                   const ChannelLayout* given) {
  GridPlan p;
  p.channels = ch != nullptr && ch->density_per_m2 > 0 && ch->surface_radius_m > 0;
  for (const auto& l : m.layers)
    p.total_m += l.thickness_m;
  if (p.channels) {
    p.geo.cell_radius_m = 1.0 / std::sqrt(std::numbers::pi * ch->density_per_m2);
    p.geo.radius_m = std::min(ch->surface_radius_m, 0.5 * p.geo.cell_radius_m);
    p.geo.depth_m = std::clamp(ch->depth_m, 0.0, p.total_m);
    p.geo.open_dk_m2_s = open_dk_m2_s;
    if (warnings != nullptr && p.geo.radius_m < ch->surface_radius_m) {
      warnings->push_back(fmt::format(
          "channel radius {:.3g} um capped at half the cell radius ({:.3g} um): channels this "
          "dense overlap",
          ch->surface_radius_m * kUmPerM, p.geo.radius_m * kUmPerM));
    }
    p.reseal_s = law.reseal_time_s(ch->closure);
  }
  p.rz = p.channels && opt.fidelity == Fidelity::Axisymmetric;
  p.three_d = p.channels && opt.fidelity == Fidelity::ThreeD;
  if (p.three_d) {
    p.layout = given != nullptr && !given->channels.empty()
                   ? *given
                   : regular_layout(ch->density_per_m2, p.geo.depth_m, p.geo.radius_m);
  }
  return p;
}

double budget_bytes(const Options& opt) {
  return opt.memory_limit_bytes > 0 ? opt.memory_limit_bytes
                                    : std::min(kDefaultBudgetBytes, 0.5 * physical_memory_bytes());
}

// The depth down to which the 3D grid's rows stay at dx: the deepest channel
// tip plus one dx.
double fine_depth_3d(const ChannelLayout& layout, double dx_m) {
  double d = 0;
  for (const auto& c : layout.channels)
    d = std::max(d, c.depth_m);
  return d + dx_m;
}
DepthGrid depth_grid_3d(const Medium& m, const ChannelLayout& layout, const Options& opt) {
  return make_graded_depth_grid(m, opt.dx_m, fine_depth_3d(layout, opt.dx_m),
                                opt.grading_length_3d_m);
}

double depth_rows(const Medium& m, double dx_m) {
  double nz = 0;
  for (const auto& l : m.layers)
    nz += std::max(1.0, std::ceil(l.thickness_m / dx_m - 1e-9));
  return nz;
}

// Sizes one candidate grid: cells, memory and a rough time. The time model is
// calibrated on this project's 2-core reference machine (docs/performance.md):
// 1D / r-z: a solve costs ~2.8 ns per stored factor entry, a numeric
// factorisation ~0.5 ns per (entries per node)^2 per node, with one
// factorisation per 1 % of channel closing; 3D: ~3e7 cell updates/s with
// about six Douglas steps per output step.
RunPlan size_plan(const Medium& m, const GridPlan& p, const Options& opt, int steps) {
  RunPlan r;
  r.dx_m = opt.dx_m;
  r.nz = static_cast<int>(depth_rows(m, opt.dx_m));
  r.budget_bytes = budget_bytes(opt);
  if (p.three_d) {
    r.solver = "3d";
    r.nz = static_cast<int>(depth_grid_3d(m, p.layout, opt).h_m.size());
    r.nx = static_cast<int>(
        cell3d_lateral_faces(p.layout, opt.dx_m, opt.grading_length_3d_m).size() - 1);
    r.channels = static_cast<int>(p.layout.channels.size());
    r.window_side_m = p.layout.cell_side_m;
    r.cells = static_cast<double>(r.nx) * r.nx * r.nz;
    r.memory_bytes = cell3d_estimate_bytes(r.nx, r.nz, static_cast<int>(m.layers.size()),
                                           r.channels, omp_get_max_threads());
    r.seconds = r.cells * 6.0 * steps / 3e7;
    return r;
  }
  r.solver = p.rz ? "r-z" : "1d";
  if (p.rz)
    r.nr = static_cast<int>(rz_radial_faces(p.geo, opt.dx_m, opt.rz_growth).size() - 1);
  r.cells = static_cast<double>(r.nz) * r.nr;
  const double fill = p.rz ? 10 + 4 * std::log2(r.cells) : 3;
  // Two cached factors (the step and the damped substep) and the step's copies.
  r.memory_bytes = estimate_bytes(r.cells, p.rz ? 2 : 1, fill) + r.cells * (fill * 12 + 3 * 8);
  const double factorisations = 4 + (p.channels ? 100 : 0);
  r.seconds = steps * r.cells * fill * 2.8e-9 + factorisations * r.cells * fill * fill * 0.5e-9;
  return r;
}

// Chooses the grid within the budget: as asked; for 3D with the puncture
// stage's window, one channel per periodic cell; then dx coarsened in steps of
// 1.25x up to 2x (and never beyond the thinnest layer). Throws InputError
// naming the budget field when none fits. Nothing is allocated here.
RunPlan choose_plan(const Medium& m, GridPlan& p, const ChannelSpec* ch, const Options& opt,
                    int steps) {
  double thinnest = std::numeric_limits<double>::infinity();
  for (const auto& l : m.layers)
    thinnest = std::min(thinnest, l.thickness_m);
  std::vector<double> dxs{opt.dx_m};
  for (double f = 1.25; f <= kMaxDxCoarsening + 1e-9; f *= 1.25) {
    if (opt.dx_m * f <= thinnest * (1 + 1e-12))
      dxs.push_back(opt.dx_m * f);
  }
  std::vector<ChannelLayout> layouts{p.layout};
  if (p.three_d && p.layout.channels.size() > 1)
    layouts.push_back(regular_layout(ch->density_per_m2, p.geo.depth_m, p.geo.radius_m));
  const ChannelLayout asked = p.layout;
  RunPlan smallest;
  for (double dx : dxs) {
    for (const auto& lay : layouts) {
      p.layout = lay;
      Options o = opt;
      o.dx_m = dx;
      RunPlan r = size_plan(m, p, o, steps);
      if (smallest.solver.empty() || r.memory_bytes < smallest.memory_bytes)
        smallest = r;
      if (r.memory_bytes > r.budget_bytes)
        continue;
      if (p.three_d && lay.channels.size() != asked.channels.size()) {
        r.warnings.push_back(fmt::format(
            "3D window cut from the puncture stage's {} channels ({:.4g} um side) to one channel "
            "per periodic cell ({:.4g} um side) to fit {} = {:.0f}: the scatter of the channel "
            "positions is not resolved",
            asked.channels.size(), asked.cell_side_m * kUmPerM, lay.cell_side_m * kUmPerM,
            opt.budget_field, r.budget_bytes / units::kBytesPerMb));
      }
      if (dx != opt.dx_m) {
        r.warnings.push_back(fmt::format(
            "dx coarsened from {} to {} um to fit {} = {:.0f}: the spatial error (second order) "
            "grows about {:.2g}x",
            core::format_number(opt.dx_m * kUmPerM), core::format_number(dx * kUmPerM),
            opt.budget_field, r.budget_bytes / units::kBytesPerMb,
            (dx / opt.dx_m) * (dx / opt.dx_m)));
      }
      return r;
    }
  }
  p.layout = asked;
  throw InputError(InputIssue{
      opt.file, opt.budget_field, fmt::format("{:.0f}", budget_bytes(opt) / units::kBytesPerMb),
      fmt::format("no {} transport grid fits: the smallest plan ({:.4g} cells at dx = {} um) "
                  "needs about {:.0f} MB; raise {}, use a larger simulation.dx_um or a lower "
                  "simulation.fidelity",
                  smallest.solver, smallest.cells, core::format_number(smallest.dx_m * kUmPerM),
                  smallest.memory_bytes / units::kBytesPerMb, opt.budget_field)});
}

void warn_coarse(const Medium& m, const Options& opt, const RunOptions& ro,
                 std::vector<std::string>* warnings) {
  if (warnings == nullptr)
    return;
  for (const auto& l : m.layers) {
    if (l.thickness_m < 2 * opt.dx_m * (1 - 1e-12)) {
      warnings->push_back(fmt::format("layer '{}' has fewer than 2 cells at dx = {} um", l.name,
                                      core::format_number(opt.dx_m * kUmPerM)));
    }
  }
  if (ro.horizon_s / ro.steps > ro.horizon_s / 100)
    warnings->push_back("fewer than 100 time steps over the horizon");
}

// The numbing probe: the depth down to which the tissue concentration (per
// depth row, area-averaged) stays at or above the threshold, below the
// stratum corneum (no nerves there); and the onset, when it first reaches
// the target depth. Records one sample into `r`.
struct NumbingProbe {
  const DepthGrid& g;
  double threshold_ug_per_ml;
  double target_depth_m;

  [[nodiscard]] bool active() const { return threshold_ug_per_ml > 0; }
  void record(double t, const std::vector<double>& row_conc, Run& r) const {
    double depth = 0;
    for (std::size_t i = 0; i < row_conc.size(); ++i) {
      if (g.layer[i] == 0)
        continue;  // no nerves in the stratum corneum
      if (row_conc[i] * kUgPerM3ToUgPerMl < threshold_ug_per_ml)
        break;
      depth = g.top_m[i] + g.h_m[i];
    }
    r.numbing_depth_um.push_back(depth * kUmPerM);
    if (!r.numbing_onset_s && target_depth_m > 0 && depth >= target_depth_m)
      r.numbing_onset_s = t;
  }
};

void check_mass_balance(const Run& r) {
  if (r.mass_balance_rel_error > 1e-8)
    throw NumericalError(
        fmt::format("transport: mass balance off by {:.2e} (relative)", r.mass_balance_rel_error));
}

// The 3D periodic cell (ADI, adaptive steps).
Run solve_3d(const Medium& m, const DepthGrid& g, const GridPlan& p, const RunOptions& ro,
             const Options& opt, double open_dk_m2_s, const ResealingLaw& law) {
  Run r;
  for (const auto& l : m.layers)
    r.layers.push_back(l.name);
  Cell3d cell(m, g, p.layout, cell3d_lateral_faces(p.layout, opt.dx_m, opt.grading_length_3d_m),
              open_dk_m2_s);
  const NumbingProbe probe{g, opt.numbing_threshold_ug_per_ml, opt.numbing_target_depth_m};
  const Observer3d obs = [&](double t, const Cell3d& c) {
    if (probe.active())
      probe.record(t, c.row_concentration(), r);
  };
  const double reseal = p.reseal_s;
  const OpenFraction open = [&law, reseal](double t) { return law.open_fraction(t, reseal); };
  const Trace tr = simulate_3d(cell, m.donor, open, ro, static_cast<int>(m.layers.size()), obs,
                               opt.tolerance_3d, &r.douglas_steps, opt.tolerance_3d_point);
  finish_run(tr, r);
  r.steps = ro.steps;
  r.rebuilds = tr.rebuilds;
  r.z_faces_m = g.top_m;
  r.z_faces_m.push_back(p.total_m);
  r.r_faces_m = cell.faces_m();
  r.y_faces_m = cell.faces_m();
  r.field_ug_per_ml.resize(cell.size());
  for (int iz = 0; iz < cell.nz(); ++iz) {
    const double k =
        m.layers[static_cast<std::size_t>(g.layer[static_cast<std::size_t>(iz)])].partition;
    for (int iy = 0; iy < cell.nx(); ++iy) {
      for (int ix = 0; ix < cell.nx(); ++ix) {
        const std::size_t i = cell.index(ix, iy, iz);
        r.field_ug_per_ml[i] = cell.u()[i] * k * kUgPerM3ToUgPerMl;
      }
    }
  }
  r.row_layer = g.layer;
  check_mass_balance(r);
  return r;
}

// 1D (channels homogenised, or none) and r-z (one axisymmetric channel cell).
Run solve_1d_rz(const Medium& m, const DepthGrid& g, const GridPlan& p, const RunOptions& ro,
                const Options& opt, const ResealingLaw& law) {
  const Builder build = [&](double f) {
    if (!p.channels)
      return build_1d(m, g);
    return p.rz ? build_rz(m, g, p.geo, opt.dx_m, f, opt.rz_growth) : build_1d(m, g, &p.geo, f);
  };
  OpenFraction open = nullptr;
  if (p.channels) {
    const double reseal = p.reseal_s;
    open = [&law, reseal](double t) { return law.open_fraction(t, reseal); };
  }
  Run r;
  for (const auto& l : m.layers)
    r.layers.push_back(l.name);
  const NumbingProbe probe{g, opt.numbing_threshold_ug_per_ml, opt.numbing_target_depth_m};
  Discretisation last;
  int next_snapshot = 1;
  const Observer obs = [&](double t, const Discretisation& d, const ThetaIntegrator& integ) {
    if (probe.active())
      probe.record(t, d.row_concentration(integ.u()), r);
    const double snapshot_t = ro.horizon_s * next_snapshot / Run::kSnapshots;
    if (next_snapshot <= Run::kSnapshots && t >= snapshot_t * (1 - 1e-12)) {
      Run::Snapshot snap{t, std::vector<double>(integ.u().size(), 0.0)};
      for (std::size_t i = 0; i < integ.u().size(); ++i)
        snap.field_ug_per_ml[i] =
            integ.u()[i] * d.row_partition[static_cast<std::size_t>(d.row[i])] * kUgPerM3ToUgPerMl;
      r.snapshots.push_back(std::move(snap));
      while (next_snapshot <= Run::kSnapshots &&
             t >= ro.horizon_s * next_snapshot / Run::kSnapshots * (1 - 1e-12))
        ++next_snapshot;
    }
    if (t >= ro.horizon_s * (1 - 1e-12)) {
      last = d;
      r.field_ug_per_ml = r.snapshots.back().field_ug_per_ml;
    }
  };
  const Trace tr = simulate(build, m.donor, open, ro, static_cast<int>(m.layers.size()), obs);
  finish_run(tr, r);
  r.steps = ro.steps;
  r.rebuilds = tr.rebuilds;
  r.factorisations = tr.factorisations;
  r.positivity_fallbacks = tr.positivity_fallbacks;
  r.z_faces_m = g.top_m;
  r.z_faces_m.push_back(p.total_m);
  r.r_faces_m = last.r_faces_m.empty() ? std::vector<double>{0.0, 1.0} : last.r_faces_m;
  // Layer and channel membership of each node (node i: row last.row[i],
  // radial cell i % nr in r-z).
  const std::size_t nodes = last.row.size();
  r.cell_layer.resize(nodes);
  for (std::size_t i = 0; i < nodes; ++i)
    r.cell_layer[i] = g.layer[static_cast<std::size_t>(last.row[i])];
  if (!last.r_faces_m.empty() && p.channels) {
    r.cell_in_channel.assign(nodes, 0);
    const auto nr = static_cast<std::size_t>(last.nr);
    for (std::size_t i = 0; i < nodes; ++i) {
      const std::size_t ir = i % nr;
      const auto row = static_cast<std::size_t>(last.row[i]);
      const double rc = 0.5 * (last.r_faces_m[ir] + last.r_faces_m[ir + 1]);
      const double zc = g.top_m[row] + 0.5 * g.h_m[row];
      r.cell_in_channel[i] = rc < p.geo.radius_m && zc < p.geo.depth_m ? 1 : 0;
    }
  }
  check_mass_balance(r);
  return r;
}

}  // namespace

namespace {

// The checks, the grid plan within the budget and the run options shared by
// run_medium and plan_medium.
struct Prepared {
  GridPlan grid;
  RunPlan plan;
  Options opt;  // with the planned dx
  RunOptions ro;
};

Prepared prepare(const Medium& m, const ChannelSpec* ch, double open_dk_m2_s, const Options& opt,
                 std::vector<std::string>* warnings, const ResealingLaw& law,
                 const ChannelLayout* given) {
  {
    auto issues = opt.check();
    auto more = check_medium(m, opt.dx_m, opt.file);
    issues.insert(issues.end(), more.begin(), more.end());
    if (!issues.empty())
      throw InputError(issues);
  }
  Prepared pr;
  pr.grid = plan_grid(m, ch, open_dk_m2_s, opt, warnings, law, given);
  pr.ro.horizon_s = opt.horizon_s;
  pr.ro.steps = auto_steps(opt);
  pr.ro.donor_off_s = opt.application_s;
  pr.plan = choose_plan(m, pr.grid, ch, opt, pr.ro.steps);
  pr.opt = opt;
  pr.opt.dx_m = pr.plan.dx_m;
  if (warnings != nullptr)
    warnings->insert(warnings->end(), pr.plan.warnings.begin(), pr.plan.warnings.end());
  if (opt.progress) {
    const auto cb = opt.progress;
    const double horizon = opt.horizon_s;
    pr.ro.progress = [cb, horizon](double t) { cb(t, horizon); };
  }
  return pr;
}

}  // namespace

RunPlan plan_medium(const Medium& m, const ChannelSpec* ch, double open_dk_m2_s, const Options& opt,
                    const ResealingLaw& law, const ChannelLayout* given) {
  std::vector<std::string> w;
  Prepared pr = prepare(m, ch, open_dk_m2_s, opt, &w, law, given);
  pr.plan.warnings = w;
  return pr.plan;
}

Run run_medium(const Medium& m, const ChannelSpec* ch, double open_dk_m2_s, const Options& opt,
               std::vector<std::string>* warnings, const ResealingLaw& law,
               const ChannelLayout* given) {
  const Prepared pr = prepare(m, ch, open_dk_m2_s, opt, warnings, law, given);
  const DepthGrid g =
      pr.grid.three_d ? depth_grid_3d(m, pr.grid.layout, pr.opt) : make_depth_grid(m, pr.opt.dx_m);
  warn_coarse(m, pr.opt, pr.ro, warnings);
  Run r = pr.grid.three_d ? solve_3d(m, g, pr.grid, pr.ro, pr.opt, open_dk_m2_s, law)
                          : solve_1d_rz(m, g, pr.grid, pr.ro, pr.opt, law);
  r.plan = pr.plan;
  return r;
}

double intact_kp_cm_h(const Medium& m) {
  Medium inf = m;
  inf.perfect_sink = true;
  return steady_permeability_m_s(inf) * kCmPerM * units::kHour;
}

Delivery deliver(const Medium& skin, const ProductSpec& product, const ChannelSpec& ch,
                 const Options& opt, const PropertyModel& model, const ResealingLaw& law) {
  return deliver(skin, product, ch, ChannelLayout{}, opt, model, law);
}

Delivery deliver(const Medium& skin, const ProductSpec& product, const ChannelSpec& ch,
                 const ChannelLayout& layout, const Options& opt, const PropertyModel& model,
                 const ResealingLaw& law) {
  Delivery d;
  const double open_dk = model.d_water_m2_s(product) * model.channel_hindrance;
  d.needled = run_medium(skin, &ch, open_dk, opt, &d.warnings, law, &layout);
  d.layout_side_m = layout.cell_side_m;
  d.layout_channels = static_cast<int>(layout.channels.size());
  const bool channels = ch.density_per_m2 > 0 && ch.surface_radius_m > 0;
  if (channels) {
    d.reseal_time_s = law.reseal_time_s(ch.closure);
    d.channel.cell_radius_m = 1.0 / std::sqrt(std::numbers::pi * ch.density_per_m2);
    d.channel.radius_m = std::min(ch.surface_radius_m, 0.5 * d.channel.cell_radius_m);
    d.channel.depth_m = ch.depth_m;
    d.channel.open_dk_m2_s = open_dk;
    Options o1 = opt;
    o1.fidelity = Fidelity::OneD;
    d.intact = run_medium(skin, nullptr, open_dk, o1, nullptr, law);
    const double a = d.needled.past_sc_ug_per_cm2.back();
    const double b = d.intact->past_sc_ug_per_cm2.back();
    if (b > 0)
      d.enhancement_ratio = a / b;
  }
  d.kp_intact_cm_h = intact_kp_cm_h(skin);
  return d;
}

nlohmann::json to_json(const RunPlan& p) {
  nlohmann::json j;
  j["solver"] = p.solver;
  j["dx_um"] = p.dx_m * kUmPerM;
  j["nz"] = p.nz;
  if (p.solver == "r-z")
    j["nr"] = p.nr;
  if (p.solver == "3d") {
    j["nx"] = p.nx;
    j["window_side_um"] = p.window_side_m * kUmPerM;
    j["window_channels"] = p.channels;
  }
  j["cells"] = p.cells;
  j["memory_estimate_mb"] = p.memory_bytes / units::kBytesPerMb;
  j["budget_mb"] = p.budget_bytes / units::kBytesPerMb;
  j["time_estimate_s"] = p.seconds;
  return j;
}

nlohmann::json to_json(const Delivery& d) {
  using nlohmann::json;
  json j;
  const Run& r = d.needled;
  j["time_s"] = r.time_s;
  json amounts = json::object();
  for (std::size_t l = 0; l < r.layers.size(); ++l)
    amounts[r.layers[l]] = r.amount_ug_per_cm2[l];
  j["amount_ug_per_cm2"] = amounts;
  j["flux_out_ug_per_cm2_h"] = r.flux_out_ug_per_cm2_h;
  j["lag_time_s"] = r.lag_time_s;
  j["steady_flux_ug_per_cm2_h"] = r.steady_flux_ug_per_cm2_h;
  j["enhancement_ratio"] = d.enhancement_ratio ? json(*d.enhancement_ratio) : json(nullptr);
  j["kp_intact_cm_h"] = d.kp_intact_cm_h;
  j["delivered_past_sc_ug_per_cm2"] = r.past_sc_ug_per_cm2.back();
  if (d.intact)
    j["delivered_past_sc_intact_ug_per_cm2"] = d.intact->past_sc_ug_per_cm2.back();
  if (!r.numbing_depth_um.empty()) {
    j["numbing_depth_um"] = r.numbing_depth_um;
    j["numbing_onset_s"] = r.numbing_onset_s ? json(*r.numbing_onset_s) : json(nullptr);
    if (d.intact) {
      j["numbing_depth_intact_um"] = d.intact->numbing_depth_um;
      j["numbing_onset_intact_s"] =
          d.intact->numbing_onset_s ? json(*d.intact->numbing_onset_s) : json(nullptr);
    }
  }
  if (d.reseal_time_s > 0) {
    j["channels_resealed_h"] = units::to_hours(d.reseal_time_s);
    j["channel"] = {{"radius_um", d.channel.radius_m * kUmPerM},
                    {"depth_um", d.channel.depth_m * kUmPerM},
                    {"cell_radius_um", d.channel.cell_radius_m * kUmPerM},
                    {"reseal_time_s", d.reseal_time_s}};
    if (d.layout_channels > 0) {
      j["channel"]["layout_side_um"] = d.layout_side_m * kUmPerM;
      j["channel"]["layout_channels"] = d.layout_channels;
    }
  }
  j["numerics"] = {{"steps", r.steps},
                   {"rebuilds", r.rebuilds},
                   {"mass_balance_rel_error", r.mass_balance_rel_error}};
  if (r.douglas_steps > 0)
    j["numerics"]["douglas_steps"] = r.douglas_steps;
  if (r.factorisations > 0)
    j["numerics"]["factorisations"] = r.factorisations;
  j["numerics"]["positivity_fallbacks"] = r.positivity_fallbacks;
  j["numerics"]["grid"] = to_json(r.plan);
  j["warnings"] = d.warnings;
  return j;
}

std::string to_csv(const Run& r) {
  std::ostringstream os;
  os << "time_s";
  for (const auto& l : r.layers)
    os << ",amount_" << l << "_ug_per_cm2";
  os << ",flux_out_ug_per_cm2_h";
  if (!r.numbing_depth_um.empty())
    os << ",numbing_depth_um";
  os << '\n';
  for (std::size_t i = 0; i < r.time_s.size(); ++i) {
    os << fmt::format("{:.9g}", r.time_s[i]);
    for (const auto& a : r.amount_ug_per_cm2)
      os << fmt::format(",{:.9g}", a[i]);
    os << fmt::format(",{:.9g}", r.flux_out_ug_per_cm2_h[i]);
    if (!r.numbing_depth_um.empty())
      os << fmt::format(",{:.9g}", r.numbing_depth_um[i]);
    os << '\n';
  }
  return os.str();
}

std::string to_vtk(const Run& r, const std::string& title) {
  // Legacy VTK rectilinear grid: x = r (um), y = -depth (um), cell data c.
  std::ostringstream os;
  const std::size_t nx = r.r_faces_m.size();
  const std::size_t ny = r.z_faces_m.size();
  os << "# vtk DataFile Version 3.0\n" << title << "\nASCII\nDATASET RECTILINEAR_GRID\n";
  if (!r.y_faces_m.empty()) {
    // 3D: x, y in the cell (um), z = -depth (um); x fastest, as stored.
    os << "DIMENSIONS " << nx << ' ' << r.y_faces_m.size() << ' ' << ny << "\n";
    os << "X_COORDINATES " << nx << " double\n";
    for (double x : r.r_faces_m)
      os << fmt::format("{:.9g} ", x * kUmPerM);
    os << "\nY_COORDINATES " << r.y_faces_m.size() << " double\n";
    for (double y : r.y_faces_m)
      os << fmt::format("{:.9g} ", y * kUmPerM);
    os << "\nZ_COORDINATES " << ny << " double\n";
    for (double z : r.z_faces_m)
      os << fmt::format("{:.9g} ", -z * kUmPerM);
    os << "\nCELL_DATA " << r.field_ug_per_ml.size()
       << "\nSCALARS concentration_ug_per_ml double 1\nLOOKUP_TABLE default\n";
    for (double c : r.field_ug_per_ml)
      os << fmt::format("{:.9g}\n", c);
    return os.str();
  }
  os << "DIMENSIONS " << nx << ' ' << ny << " 1\n";
  os << "X_COORDINATES " << nx << " double\n";
  for (double x : r.r_faces_m)
    os << fmt::format("{:.9g} ", x * kUmPerM);
  os << "\nY_COORDINATES " << ny << " double\n";
  for (double z : r.z_faces_m)
    os << fmt::format("{:.9g} ", -z * kUmPerM);
  os << "\nZ_COORDINATES 1 double\n0\n";
  os << "CELL_DATA " << r.field_ug_per_ml.size() << "\nSCALARS concentration_ug_per_ml double 1\n"
     << "LOOKUP_TABLE default\n";
  for (double c : r.field_ug_per_ml)
    os << fmt::format("{:.9g}\n", c);
  return os.str();
}

}  // namespace mnsim::transport
