// The whole pipeline for one case: each zone through the stages in order.
// The CLI, the reports and the planner compose this; the stages know nothing
// of it.
#pragma once

#include <utility>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/io/case.hpp"

namespace mnsim::pipeline {

// Everything computed for one [[zones]] entry, stage by stage.
struct ZoneResult {
  io::Zone zone;
  anatomy::LayerStack stack;                  // stage 1: population mean for the patient
  std::pair<double, double> dermis_range_um;  // stage 1: central 80 % across people
};

struct RunResult {
  io::Case case_;
  std::vector<ZoneResult> zones;  // in case order
};

// The anatomy subject of a case's patient.
anatomy::Subject subject_of(const io::Case& c);

RunResult run(const io::Case& c, const anatomy::Atlas& atlas);

}  // namespace mnsim::pipeline
