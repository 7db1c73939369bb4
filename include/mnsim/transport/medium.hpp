// Layered media and their discretisations: the 1D layer stack and the
// axisymmetric (r-z) unit cell around one channel.
//
// Units: SI; concentrations in ug/m^3 (1 ug/mL = 1e6 ug/m^3); amounts per
// reference area in ug/m^2 (1 ug/cm^2 = 1e4 ug/m^2).
#pragma once

#include <string>
#include <vector>

#include "mnsim/core/error.hpp"
#include "mnsim/transport/network.hpp"

namespace mnsim::transport {

struct LayerSpec {
  std::string name;
  double thickness_m = 0;
  double diffusivity_m2_s = 0;
  double partition = 1;  // layer / vehicle
  double clearance_per_s = 0;
};

struct Medium {
  std::vector<LayerSpec> layers;  // top first
  Donor donor;                    // vehicle on top
  bool perfect_sink = true;       // false: zero flux below the last layer
};

// Every problem of a medium (and of the grid spacing for it), as input issues
// naming `prefix`.layers[i].field; empty when fine.
std::vector<InputIssue> check_medium(const Medium& m, double dx_m, const std::string& file,
                                     const std::string& prefix = "medium");

// The open channels: geometry (from the puncture stage) and the state of the
// formulation-filled channel, an open fraction f in [0, 1] of its excess
// conductance over the tissue it crosses.
struct ChannelGeometry {
  double depth_m = 0;        // channel depth below the surface
  double radius_m = 0;       // channel radius (cylinder)
  double cell_radius_m = 0;  // r-z unit cell radius, pi R^2 = 1/density
  double open_dk_m2_s = 0;   // D*K of the open channel (formulation-filled)
};

// A discretisation: the network plus where each node sits in depth, so depth
// profiles (area averages) can be read off.
struct Discretisation {
  Network net;
  std::vector<int> row;           // depth row of each node
  std::vector<double> row_top_m;  // per depth row
  std::vector<double> row_h_m;
  std::vector<double> row_partition;  // of the tissue (for c = K u) per row
  int nr = 1;                         // radial cells (1 for 1D)
  std::vector<double> r_faces_m;      // r-z only
  // Area-averaged tissue concentration c [ug/m^3] per depth row.
  [[nodiscard]] std::vector<double> row_concentration(const std::vector<double>& u) const;
};

// Layer-conforming depth grid: each layer gets max(1, ceil(L/dx)) equal cells.
struct DepthGrid {
  std::vector<double> top_m;
  std::vector<double> h_m;
  std::vector<int> layer;
};
DepthGrid make_depth_grid(const Medium& m, double dx_m);

// Graded below `fine_to_m` (3D): layers above it as make_depth_grid; a layer
// reaching below it gets cells of size h(z) = dx (1 + max(0, z - fine_to) /
// grading_length): n = max(1, ceil(integral of 1/h over the layer)) cells at
// equal steps of that integral (layer boundaries stay faces). A fixed grading
// length with dx -> 0 refines every row in proportion. grading_length_m <= 0:
// make_depth_grid.
DepthGrid make_graded_depth_grid(const Medium& m, double dx_m, double fine_to_m,
                                 double grading_length_m);

// Faces of [a, b] for a cell size h(x) > 0 given at `samples` + 1 equally
// spaced points (h_at[i] at a + i (b - a) / samples, linear in between):
// n = max(1, ceil(integral of 1/h - 1e-9)) cells at equal steps of the
// integral (trapezoidal rule). Returns n + 1 faces, a and b exact.
std::vector<double> faces_for_size(double a, double b, const std::vector<double>& h_at);

// 1D: channels (if any) homogenised into the layers they cross as parallel
// pathways: D*K_eff = (1 - phi) D*K + phi D*K_channel(f), phi = (r/R)^2.
Discretisation build_1d(const Medium& m, const DepthGrid& g, const ChannelGeometry* ch = nullptr,
                        double open_fraction = 0.0);

// r-z unit cell of radius R around one channel of radius a (a face of the
// radial grid; a = 0: no channel, identical to 1D), zero flux on the axis and
// the outer radius. Radial cells of dr inside the channel; outside it the
// cells start at dr at the wall and grow by `growth` per cell (1: uniform;
// the sizes are scaled so the last face is R).
Discretisation build_rz(const Medium& m, const DepthGrid& g, const ChannelGeometry& ch, double dr_m,
                        double open_fraction, double growth = 1.0);

// The radial faces build_rz uses (0 ... R, with a as a face).
std::vector<double> rz_radial_faces(const ChannelGeometry& ch, double dr_m, double growth = 1.0);

// Bytes a discretisation of `nodes` nodes with `edges_per_node` neighbours
// needs (state, network, factorised matrix estimate), for refusing grids that
// would not fit before allocating them.
double estimate_bytes(double nodes, double edges_per_node, double fill_factor);

}  // namespace mnsim::transport
