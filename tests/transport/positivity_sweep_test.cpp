// Positivity and mass balance over random valid cases (issue 11, "Done
// means"): 200 at fidelity 1d and 20 at axisymmetric (dx 10 um) here; 200
// axisymmetric at the default dx in positivity_sweep_slow.cpp (label `slow`).
#include "positivity_sweep.hpp"

namespace mnsim::transport::sweep {
namespace {

TEST(PositivitySweep, OneDimensional200Cases) {
  std::mt19937_64 rng(20240611);
  for (int k = 0; k < 200; ++k)
    run_case(random_case(rng, Fidelity::OneD, 5e-6), k);
}

TEST(PositivitySweep, Axisymmetric20Cases) {
  std::mt19937_64 rng(11);
  for (int k = 0; k < 20; ++k)
    run_case(random_case(rng, Fidelity::Axisymmetric, 10e-6), k);
}

}  // namespace
}  // namespace mnsim::transport::sweep
