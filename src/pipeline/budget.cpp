#include "mnsim/pipeline/budget.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/pipeline/pipeline.hpp"

namespace mnsim::pipeline {

using units::kUm;

WorkEstimate estimate_work(const cases::Case& c, const anatomy::Atlas& atlas) {
  WorkEstimate w;
  const double dx_m = c.simulation.dx_um * kUm;
  if (!(dx_m > 0))
    return w;
  double depth_m = 0;
  if (c.medium) {
    for (const auto& l : c.medium->layers)
      depth_m += std::max(0.0, l.thickness_um * kUm);
    w.zones = 1;
  } else {
    const anatomy::Subject subject = subject_of(c);
    for (const auto& z : c.zones) {
      if (atlas.find(z.site) == nullptr)
        continue;
      depth_m = std::max(depth_m, atlas.stack(z.site, subject).total_m());
      ++w.zones;
    }
  }
  w.depth_cells = std::ceil(depth_m / dx_m);
  const double across = std::ceil(kLateralExtentM / dx_m);
  switch (c.simulation.fidelity) {
    case cases::Fidelity::OneD:
      w.lateral_cells = 1;
      break;
    case cases::Fidelity::Axisymmetric:
      w.lateral_cells = across;
      break;
    case cases::Fidelity::ThreeD:
      w.lateral_cells = std::min(across, kMax3dColumns) * std::min(across, kMax3dColumns);
      break;
  }
  w.cells = w.depth_cells * w.lateral_cells;
  return w;
}

std::vector<InputIssue> check_budget(const cases::Case& c, const anatomy::Atlas& atlas) {
  const WorkEstimate w = estimate_work(c, atlas);
  if (w.cells <= kMaxTransportCells)
    return {};
  // The transport planner may coarsen up to kMaxDxCoarsening x dx_um itself.
  cases::Case coarsest = c;
  coarsest.simulation.dx_um *= transport::kMaxDxCoarsening;
  if (estimate_work(coarsest, atlas).cells <= kMaxTransportCells)
    return {};
  // The smallest spacing (in 1% steps) whose grid fits.
  cases::Case larger = c;
  for (int i = 0; i < 2000 && estimate_work(larger, atlas).cells > kMaxTransportCells; ++i)
    larger.simulation.dx_um *= 1.01;
  larger.simulation.dx_um /= transport::kMaxDxCoarsening;
  return {InputIssue{
      c.source, "simulation.dx_um", core::format_number(c.simulation.dx_um),
      fmt::format("the transport grid would have about {:.3g} cells ({:.0f} deep x {:.0f} across), "
                  "more than the {:.3g} allowed; use dx_um >= {:.2g}",
                  w.cells, w.depth_cells, w.lateral_cells, kMaxTransportCells,
                  std::ceil(larger.simulation.dx_um * 100) / 100)}};
}

}  // namespace mnsim::pipeline
