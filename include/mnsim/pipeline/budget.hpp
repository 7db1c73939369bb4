// The work a case asks for, estimated from the case alone before anything is
// computed, and the budget it must fit. A case over the budget is refused at
// once (InputError naming the field to change), never after minutes.
//
// This is the cheap first part of the budget (issue 17): a cap on the
// transport grid. The estimate does not run the puncture stage, so the
// lateral extent of a channel cell is a documented upper estimate
// (kLateralExtentM), not the cell the puncture pattern will give.
#pragma once

#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/transport/deliver.hpp"

namespace mnsim::pipeline {

// The largest transport grid a case may ask for, in cells of one zone's
// grid (depth cells x lateral cells, as estimated below: an upper estimate).
// On 0.1.0 the default case at dx_um = 0.1 (an estimated 3.5e8 cells)
// reached 2.2 GB; 2e7 estimated cells keeps a zone's grid to a few hundred
// MB and admits the default case at every fidelity at dx_um = 5.
inline constexpr double kMaxTransportCells = 2.0e7;

// The 3D cell's window is at most this many columns per side (the
// transport's channel_layout default); wider windows fall back to one channel.
inline constexpr double kMax3dColumns = 100;

// The lateral extent assumed for one channel's cell: the radius of the r-z
// cell (axisymmetric) and the side of the periodic 3D cell. Channel spacings
// of the catalogue devices are 0.1-0.6 mm.
inline constexpr double kLateralExtentM = 0.5e-3;

struct WorkEstimate {
  double depth_cells = 0;    // the deepest zone down to the subcutis (or the medium) / dx
  double lateral_cells = 1;  // 1 (1D), radius / dx (axisymmetric), min(side / dx, 100)^2 (3D)
  double cells = 0;          // depth_cells x lateral_cells
  std::size_t zones = 0;     // grids solved (one per zone; 1 for an explicit medium)
};

// The transport work of `c`; zones whose site the atlas does not know are
// skipped (check_case reports them).
WorkEstimate estimate_work(const cases::Case& c, const anatomy::Atlas& atlas);

// An issue naming simulation.dx_um (and the smallest spacing that fits) when
// the grid exceeds kMaxTransportCells even at the coarsest spacing the
// transport planner may choose (transport::kMaxDxCoarsening x dx_um): within
// that, the transport stage plans the actual grid against the memory budget
// simulation.max_memory_mb (transport::plan_medium; coarsening said in the
// warnings, refusal naming that field) -- this cheap check only catches a
// case no plan could fit, before the puncture stage runs.
std::vector<InputIssue> check_budget(const cases::Case& c, const anatomy::Atlas& atlas);

}  // namespace mnsim::pipeline
