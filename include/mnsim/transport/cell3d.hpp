// The 3D periodic cell: x and y periodic (side S), z from the surface through
// the layers, holding an actual channel layout (docs/models/transport.md, 3D).
//
// Same operator as the other solvers (finite volumes on u = c/K, harmonic face
// conductances, partition jumps, clearance, donor on top, sink or zero flux
// below), on a structured tensor-product grid: n x n columns between lateral
// faces shared by x and y (equal, or graded away from the channels:
// `cell3d_lateral_faces`) over a layer-conforming depth grid (`make_depth_grid`
// or the graded `make_graded_depth_grid`). A channel is a cylinder of
// the formulation to its depth; a column partly inside it gets the parallel
// mixture DK = (1 - phi) DK_tissue + phi DK_channel(f) with phi its area
// fraction inside the disc (sampled), so the open channel area is exact up to
// the sampling and the solution converges smoothly as dx -> 0.
//
// Time integration: Douglas ADI in delta form (theta = 1/2: second order;
// theta = 1: the damped start), one tridiagonal solve per grid line (cyclic in
// x and y); the donor exchange enters the z stage (an infinite donor on the
// diagonal of the top row, a finite one as one more unknown):
//   C D1 + w Lx D1 = dt (-L u + s),  (C + w Ly) D2 = C D1,  (C + w Lz) D3 = C D2,
//   u += D3,   w = theta dt,
// with C and L the cell capacities and conductances (area-weighted on graded
// columns; each x line's equations divided by its y width, each y line's by
// its x width, each column's by its area, so every factor is per line class).
// Every stage conserves C-weighted mass except through the boundary terms
// accounted with the scheme's own weights, so the balance closes to round-off.
// OpenMP over planes / slabs; no reduction depends on the thread count (sums
// are taken per plane or slab, then added in a fixed order).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "mnsim/transport/medium.hpp"
#include "mnsim/transport/network.hpp"
#include "mnsim/transport/simulate.hpp"

namespace mnsim::transport {

struct Channel3d {
  double x_m = 0;  // position in the cell, [0, cell_side)
  double y_m = 0;
  double depth_m = 0;   // below the surface
  double radius_m = 0;  // surface radius (taken as a cylinder)
};

struct ChannelLayout {
  double cell_side_m = 0;  // periodic cell side
  std::vector<Channel3d> channels;
};

// One channel per square cell of side 1/sqrt(density), at its centre: the
// periodic images form a square lattice of that density.
ChannelLayout regular_layout(double density_per_m2, double depth_m, double radius_m);

// Columns per side for a cell and a spacing: max(1, ceil(side/dx)).
int cell3d_columns(double cell_side_m, double dx_m);

// The lateral faces 0 = f_0 < f_1 < ... < f_n = S (x and y share them).
// grading_length_m <= 0: n = cell3d_columns(S, dx) equal columns. Otherwise
// the column size follows h(x) = dx (1 + d(x) / grading_length), d(x) =
// max(0, ||x - x_c| - a| - dx) minimised over the channels (centre x_c or y_c,
// radius a; periodic distances): columns are about dx within dx of every
// channel's rim, in x and in y, and grow linearly (geometrically by about
// 1 + dx / grading_length per column) away from it, outwards and towards the
// channel's axis; n = ceil(integral of 1/h) columns at equal steps of that
// integral. A fixed grading length with dx -> 0 refines every column in
// proportion (a smooth mapping: second order is kept).
std::vector<double> cell3d_lateral_faces(const ChannelLayout& layout, double dx_m,
                                         double grading_length_m);

// Bytes the 3D cell needs (state, increment, per-thread slab buffers, line
// tables bound), for refusing a grid before allocating it.
double cell3d_estimate_bytes(int n_side, int nz, int n_layers, int n_channels, int threads);

// A run of x columns [x0, x1) sharing one y line class and one z column class.
struct Cell3dRun {
  int x0, x1, y, z;
};

// Where the channels are in the cell, classified so that identical lines share
// coefficients and factors: row classes (same layer, same channels covering),
// the channels' area fraction per row class and column, the x / y line and
// z column classes, and the runs of x columns of one class.
struct Cell3dGeometry {
  std::vector<int> rc;                   // per row: its row class
  std::vector<int> rc_row;               // a representative row of each class
  std::vector<std::vector<double>> phi;  // [rc][column]: area fraction in channels
  std::vector<int> xid, yid, zid;        // x lines [rc][iy], y lines [rc][ix], z columns
  std::vector<std::vector<double>> xkey, ykey, zkey;  // phi profile of each class
  std::vector<int> xrc, yrc;                          // row class of each line class
  std::vector<std::vector<Cell3dRun>> runs;           // [rc][iy]: same (y class, z class)
  std::vector<std::vector<Cell3dRun>> yruns;          // [rc]: same y class
  std::vector<std::vector<Cell3dRun>> zruns;          // [iy]: same z class

  // For the columns between `faces` (n + 1 lateral faces, x and y) over the
  // depth grid g.
  static Cell3dGeometry build(const DepthGrid& g, const ChannelLayout& layout,
                              const std::vector<double>& faces);
};

class Cell3d {
 public:
  // `open_dk_m2_s`: D*K of an open (formulation-filled) channel. Equal
  // columns of about dx_m.
  Cell3d(const Medium& m, const DepthGrid& g, const ChannelLayout& layout, double dx_m,
         double open_dk_m2_s);
  // Columns between the given lateral faces (0 ... cell side, increasing;
  // `cell3d_lateral_faces`).
  Cell3d(const Medium& m, const DepthGrid& g, const ChannelLayout& layout,
         std::vector<double> faces_m, double open_dk_m2_s);

  // Channel state f in [0, 1] (1 = just needled): rebuilds the coefficients.
  void set_open_fraction(double f);
  // Detaches the donor (irreversible); a finite donor keeps its content.
  void remove_donor();
  // One Douglas step of dt with theta in [1/2, 1].
  void step(double dt, double theta);
  // Crank-Nicolson-type step (theta 1/2), or `substeps` theta = 1 steps.
  void cn_step(double dt, bool damped, int substeps = 4);
  // Advances by `span` in substeps controlled by step doubling: one step of
  // h against two of h/2 (the two half steps are kept), accepted when in
  // every depth row the area-weighted mean |difference| <= rel_tol * scale
  // and the largest <= max(point_tol, rel_tol) * scale (point_tol <= rel_tol:
  // a max-norm test); `h` carries the substep between calls (<= 0: start
  // small). Damped (theta = 1) substeps until the first is accepted when
  // `damped`. Returns the number of Douglas steps taken.
  long advance(double span, bool damped, double rel_tol, double scale, double& h,
               double point_tol = 0);

  [[nodiscard]] int nx() const { return n_; }
  [[nodiscard]] int nz() const { return nz_; }
  // The narrowest column (the spacing of an equal-column cell).
  [[nodiscard]] double hx_m() const { return hmin_; }
  // Lateral faces (n + 1, from 0 to the cell side; x and y).
  [[nodiscard]] const std::vector<double>& faces_m() const { return faces_; }
  [[nodiscard]] std::size_t size() const { return u_.size(); }
  // Index of cell (ix, iy, iz): x fastest.
  [[nodiscard]] std::size_t index(int ix, int iy, int iz) const {
    return (static_cast<std::size_t>(iz) * static_cast<std::size_t>(n_) +
            static_cast<std::size_t>(iy)) *
               static_cast<std::size_t>(n_) +
           static_cast<std::size_t>(ix);
  }
  [[nodiscard]] const std::vector<double>& u() const { return u_; }
  void set_u(std::vector<double> u);
  [[nodiscard]] double donor_u() const { return donor_u_; }
  [[nodiscard]] const Balance& balance() const { return balance_; }
  // Per reference area [ug/m^2] (column mean), by layer.
  [[nodiscard]] std::vector<double> amounts(int n_groups) const;
  [[nodiscard]] double tissue_amount() const;
  [[nodiscard]] double donor_amount() const;
  [[nodiscard]] double out_rate() const;
  // Area-averaged tissue concentration c per depth row [ug/m^3].
  [[nodiscard]] std::vector<double> row_concentration() const;
  // Area fraction of column (ix, iy) inside channels covering row iz.
  [[nodiscard]] double channel_fraction(int ix, int iy, int iz) const;
  [[nodiscard]] int line_classes() const;
  // Grids smaller than this many cells run on one thread (thread start-up and
  // barriers cost more than the work); 0 forces OpenMP (tests).
  void set_parallel_threshold(std::size_t cells) { parallel_min_cells_ = cells; }

 private:
  void coefficients();
  void factor(double w);
  void stage_explicit_x(double dt);
  void stage_y();
  template <int L>
  void solve_cyclic_lines(int n, const int* cls, double* x0) const;
  void stage_z(double dt);
  [[nodiscard]] double gd_sum() const;

  // Medium and grid.
  int n_ = 1;
  int nz_ = 1;
  double hmin_ = 0;
  double area_ = 0;             // cell side squared (the reference area)
  std::vector<double> faces_;   // lateral faces
  std::vector<double> wd_;      // column widths (x and y)
  std::vector<double> inv_wd_;  // 1 / width
  double open_dk_ = 0;
  double f_ = 0;
  Donor donor_;
  bool donor_attached_ = true;
  bool sink_ = true;
  double donor_u_ = 0;
  std::vector<double> h_, cap_, dkt_, kclear_;  // per row
  std::vector<int> layer_;                      // per row
  // Geometry: row classes (same layer and the same channels covering).
  std::vector<int> rc_;                   // per row
  std::vector<std::vector<double>> phi_;  // [rc][column]
  std::vector<int> rc_row_;               // a representative row of each class
  // Line classes: x lines [rc][iy], y lines [rc][ix], z columns [column].
  std::vector<int> xid_, yid_, zid_;
  std::vector<std::vector<double>> xkey_, ykey_, zkey_;  // phi profiles per class
  std::vector<int> xrc_, yrc_;                           // row class of each line class
  // Runs of ix with the same (y class, z class) per [rc][iy]; and of z class per iy.
  using Run = Cell3dRun;
  std::vector<std::vector<Run>> runs_;
  std::vector<std::vector<Run>> yruns_;  // [rc]: runs of the same y class
  std::vector<std::vector<Run>> zruns_;  // [iy]
  // Coefficients per class (depend on f) and factors (depend on f and w).
  std::vector<double> gx_, gy_, gz_, dz_;  // [class * n + i]
  std::vector<double> gd_, gs_;            // per z class: to the donor, to the sink
  std::vector<double> xm_, xam_, xcp_, xzc_, xal_, xbe_;
  std::vector<double> ym_, yam_, ycp_, yzc_, yal_, ybe_;
  std::vector<double> zm_, zam_, zcp_, zp_;
  double w_ = -1;
  bool dirty_ = true;
  std::size_t parallel_min_cells_ = std::size_t{1} << 16;
  [[nodiscard]] bool parallel() const { return u_.size() >= parallel_min_cells_; }
  // State and workspace.
  std::vector<double> u_, d_;
  std::vector<double> ex_clear_, ex_sink_, ex_donor_;  // per plane partial sums
  std::vector<double> im_clear_, im_sink_, im_top_;    // per slab partial sums
  std::vector<char> bad_;                              // per slab: non-finite seen
  Balance balance_;
};

// The 3D analogue of `simulate`: the time loop with the channel closing (the
// coefficients rebuilt when the open fraction moved by refresh_fraction) and
// the donor removed at a set time. The observer sees every kept sample.
// rel_tol > 0: every step of the horizon is subdivided adaptively by
// `Cell3d::advance` with rel_tol and point_tol (the splitting error of ADI is
// large while the channels flood, far above the CN error of the unsplit
// solvers at the same step); rel_tol = 0: fixed steps as `simulate`.
// `douglas_steps` (optional) gets the count of ADI steps taken.
using Observer3d = std::function<void(double t_s, const Cell3d&)>;
Trace simulate_3d(Cell3d& cell, const Donor& donor, const OpenFraction& open, const RunOptions& opt,
                  int n_groups, const Observer3d& observe = nullptr, double rel_tol = 0,
                  long* douglas_steps = nullptr, double point_tol = 0);

}  // namespace mnsim::transport
