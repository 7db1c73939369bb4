// A p10-p50-p90 interval of a figure over the seeded uncertainty draws
// (docs/models/puncture.md, "Uncertainty"; JSON: {"p10", "p50", "p90"} under
// `<quantity>_interval`).
#pragma once

namespace mnsim::core {

struct Interval {
  double p10 = 0;
  double p50 = 0;
  double p90 = 0;
};

}  // namespace mnsim::core
