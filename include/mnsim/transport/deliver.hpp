// Stage 4, transport: what a topical product reaches, and when.
//
// `deliver()` runs one product on one layered medium, needled (open channels
// that reseal) and intact, with the solver `Options::fidelity` picks, and
// returns amounts per layer over time, the flux out, lag time, steady flux,
// the enhancement ratio and the intact-skin kp; for anaesthetics the numbing
// depth over time. Model and verification: docs/models/transport.md,
// docs/verification.md.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/transport/cell3d.hpp"
#include "mnsim/transport/medium.hpp"
#include "mnsim/transport/product.hpp"

namespace mnsim::transport {

// The channels of one zone, from the puncture stage (pipeline::channel_spec).
struct ChannelSpec {
  double density_per_m2 = 0;            // channels per m^2 of skin (0: no channels)
  double depth_m = 0;                   // channel depth below the surface
  double surface_radius_m = 0;          // channel radius at the surface (taken as a cylinder)
  puncture::ClosureConditions closure;  // for the resealing law (puncture::ResealingLaw)
};

enum class Fidelity { OneD, Axisymmetric, ThreeD };

// The default transport memory budget [bytes]: fits a laptop with the rest of
// the process (peak under 2 GB for any case within it).
inline constexpr double kDefaultBudgetBytes = 1.5e9;
// The most the planner coarsens dx to fit the budget (a factor on the asked dx).
inline constexpr double kMaxDxCoarsening = 2.0;

struct Options {
  Fidelity fidelity = Fidelity::Axisymmetric;
  double horizon_s = 86400;  // simulated time
  double dx_m = 5e-6;        // grid spacing (depth, and radius inside and at the channel)
  // r-z: radial cells outside the channel grow by this factor per cell from
  // dx at the channel wall (1: uniform dx; docs/models/transport.md, numerics).
  double rz_growth = 1.1;
  // 3D: columns grow away from the channels, and rows below the deepest
  // channel tip, as h = dx (1 + distance / grading_length_3d_m): by about
  // 1 + dx / grading_length per cell (1.1 at the default dx of 5 um). The
  // length is held as dx changes, so a smaller dx refines every cell in
  // proportion. 0: equal cells of dx (`cell3d_lateral_faces`,
  // `make_graded_depth_grid`; docs/models/transport.md).
  double grading_length_3d_m = 50e-6;
  int steps = 0;  // time steps; 0: automatic, clamp(horizon / 60 s, 200, 4000)
  double application_s = std::numeric_limits<double>::infinity();  // product wiped off at
  // The budget (case field simulation.max_memory_mb): a plan whose estimated
  // solver memory is larger is coarsened (dx up to 2x, or the 3D window cut to
  // one channel per periodic cell, each said in `warnings`) or, when no plan
  // fits, refused with an InputError naming `budget_field`.
  // 0: min(kDefaultBudgetBytes, half the physical memory).
  double memory_limit_bytes = 0;
  std::string budget_field = "simulation.max_memory_mb";
  // Called after every time step with the simulated time and the horizon of
  // the run under way (progress reports; nullptr: none).
  std::function<void(double t_s, double horizon_s)> progress = nullptr;
  double numbing_threshold_ug_per_ml = 0;  // > 0: numbing depth (tissue concentration threshold)
  double numbing_target_depth_m = 0;       // numbing onset: the depth reaches this
  // 3D step doubling (Cell3d::advance), relative to the donor concentration:
  // the area-weighted mean |u error| of every depth row (what the amounts,
  // fluxes and depth profiles are made of), and the largest in any cell
  // (raised to tolerance_3d when below it).
  double tolerance_3d = 1e-4;
  double tolerance_3d_point = 1e-3;
  std::string file = "<options>";  // named in input errors

  // Every problem as InputIssues (fields of the case: simulation.*).
  [[nodiscard]] std::vector<InputIssue> check() const;
};

// What a run will solve and its estimated cost, chosen before anything is
// allocated (`plan_medium`; `deliver --dry-run` prints it).
struct RunPlan {
  std::string solver;        // "1d", "r-z" or "3d"
  double dx_m = 0;           // the spacing used (coarser than asked when the budget forced it)
  int nz = 0;                // depth rows
  int nr = 1;                // r-z: radial cells
  int nx = 0;                // 3D: columns per side
  int channels = 0;          // 3D: channels in the periodic window
  double window_side_m = 0;  // 3D: window side
  double cells = 0;
  double memory_bytes = 0;  // estimated peak of the solver's data
  double seconds = 0;       // rough wall-time estimate (2-core machine, unloaded)
  double budget_bytes = 0;
  std::vector<std::string> warnings;  // how the plan departs from what was asked
};
nlohmann::json to_json(const RunPlan& p);

// One simulated run (needled or intact).
struct Run {
  std::vector<std::string> layers;
  std::vector<double> time_s;
  std::vector<std::vector<double>> amount_ug_per_cm2;  // [layer][sample]
  std::vector<double> flux_out_ug_per_cm2_h;           // sink + clearance
  std::vector<double> past_sc_ug_per_cm2;              // below layer 0, incl. what left
  double lag_time_s = 0;
  double steady_flux_ug_per_cm2_h = 0;
  std::vector<double> numbing_depth_um;  // when a threshold is set
  std::optional<double> numbing_onset_s;
  double mass_balance_rel_error = 0;
  int steps = 0;
  int rebuilds = 0;
  long factorisations = 0;        // 1D / r-z
  long positivity_fallbacks = 0;  // 1D / r-z: steps redone as backward Euler
  RunPlan plan;                   // the grid it ran on
  long douglas_steps = 0;         // 3D: ADI steps taken (adaptive)
  // The final field for VTK: concentration c [ug/mL] on nz x nr cells (r-z),
  // or nz x ny x nx cells (3D: r_faces_m holds the x faces, y_faces_m the y).
  std::vector<double> z_faces_m;
  std::vector<double> r_faces_m;
  std::vector<double> y_faces_m;
  std::vector<double> field_ug_per_ml;
  // Per cell of the field (same order; 1D / r-z): the layer index (into
  // `layers`) and, r-z only, 1 inside the channel (r < channel radius, depth
  // < channel depth). 3D keeps the layer per depth row (`row_layer`) instead:
  // its fields are large and the transport budget counts only the solver.
  std::vector<int> cell_layer;
  std::vector<int> row_layer;
  std::vector<std::uint8_t> cell_in_channel;
  // The field at up to kSnapshots evenly spaced times (1D / r-z; the last is
  // the horizon, equal to field_ug_per_ml), for time-series exports. 3D keeps
  // only the final field (field_ug_per_ml; no snapshots).
  struct Snapshot {
    double time_s = 0;
    std::vector<double> field_ug_per_ml;
  };
  static constexpr int kSnapshots = 12;
  std::vector<Snapshot> snapshots;
};

struct Delivery {
  Run needled;
  std::optional<Run> intact;                // the same product on intact skin (no channels)
  std::optional<double> enhancement_ratio;  // past-SC amount at the horizon, needled / intact
  double kp_intact_cm_h = 0;                // steady permeability of the intact medium
  double reseal_time_s = 0;
  ChannelGeometry channel;  // as used (radius capped, cell radius)
  // 3D with an actual layout: its periodic cell side and channel count.
  double layout_side_m = 0;
  int layout_channels = 0;
  std::vector<std::string> warnings;
};

// Plans a run as `run_medium` would (throws InputError naming the budget
// field when no plan fits).
RunPlan plan_medium(const Medium& m, const ChannelSpec* ch, double open_dk_m2_s, const Options& opt,
                    const ResealingLaw& law = ResealingLaw::builtin(),
                    const ChannelLayout* layout = nullptr);

// Runs a medium with or without channels (ch == nullptr or density 0: none).
// `open_dk` is D*K of an open channel. Throws InputError for bad options or
// media, NumericalError for a grid too large (before allocating it).
// 3D: `layout` (when given and not empty) is the actual channel cell (the
// puncture stage's positions); otherwise `regular_layout(density, depth,
// radius)`. Ignored by the other fidelities.
Run run_medium(const Medium& m, const ChannelSpec* ch, double open_dk_m2_s, const Options& opt,
               std::vector<std::string>* warnings = nullptr,
               const ResealingLaw& law = ResealingLaw::builtin(),
               const ChannelLayout* layout = nullptr);

// The steady permeability kp [cm/h] of a medium on intact skin (perfect sink).
double intact_kp_cm_h(const Medium& m);

// The full stage for one zone: needled (with `ch`) and intact runs, kp and
// the enhancement ratio.
Delivery deliver(const Medium& skin, const ProductSpec& product, const ChannelSpec& ch,
                 const Options& opt, const PropertyModel& model = PropertyModel::builtin(),
                 const ResealingLaw& law = ResealingLaw::builtin());
// The same with the actual channel cell for the 3D fidelity (`ch` still gives
// the density, the resealing and the intact comparison).
Delivery deliver(const Medium& skin, const ProductSpec& product, const ChannelSpec& ch,
                 const ChannelLayout& layout, const Options& opt,
                 const PropertyModel& model = PropertyModel::builtin(),
                 const ResealingLaw& law = ResealingLaw::builtin());

// JSON of one zone (docs/interface.md keys), and the VTK / CSV renderings.
nlohmann::json to_json(const Delivery& d);
std::string to_csv(const Run& r);
std::string to_vtk(const Run& r, const std::string& title);

}  // namespace mnsim::transport
