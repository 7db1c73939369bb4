// 200 random valid cases at fidelity axisymmetric and the default dx (label
// `slow`; the fast subset is positivity_sweep_test.cpp).
#include "positivity_sweep.hpp"

namespace mnsim::transport::sweep {
namespace {

TEST(PositivitySweepSlow, Axisymmetric200Cases) {
  std::mt19937_64 rng(20240612);
  for (int k = 0; k < 200; ++k)
    run_case(random_case(rng, Fidelity::Axisymmetric, 5e-6), k);
}

}  // namespace
}  // namespace mnsim::transport::sweep
