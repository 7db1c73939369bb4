#include <cmath>

#include <gtest/gtest.h>

#include "mnsim/core/random.hpp"
#include "mnsim/puncture/mechanics.hpp"

namespace mnsim::puncture {
namespace {

TEST(Mechanics, PunctureForceFollowsTipDiameter) {
  Needle n;
  n.tip_radius_m = 2.5e-6;  // 5 um tip diameter
  const InsertionModel a(n, MechanicsParams::builtin().reference_modulus_pa,
                         MechanicsParams::builtin());
  n.tip_radius_m = 18.5e-6;  // 37 um
  const InsertionModel b(n, MechanicsParams::builtin().reference_modulus_pa,
                         MechanicsParams::builtin());
  // romgens2014: about 20 and 167 mN.
  EXPECT_NEAR(a.puncture_force_n(), 0.0225, 1e-4);
  EXPECT_NEAR(b.puncture_force_n(), 0.1665, 1e-4);
  EXPECT_GT(b.puncture_travel_m(), a.puncture_travel_m());  // blunter tips dimple more first
}

TEST(Mechanics, DimpleLawInvertsAndIsMonotone) {
  Needle n;
  n.cone_length_m = 0.4e-3;
  n.length_m = 2e-3;
  const InsertionModel m(n, 5e6, MechanicsParams::builtin());
  double last = 0;
  for (double d = 1e-6; d < 1.5e-3; d *= 1.3) {
    const double f = m.dimple_force_n(d);
    EXPECT_GT(f, last);
    last = f;
    EXPECT_NEAR(m.dimple_depth_m(f), d, 1e-12 + 1e-9 * d);
  }
}

TEST(Mechanics, DepthNeverExceedsTravelOrNeedleLengthAndSolvesTheForceBalance) {
  // at_travel solves z + dimple(resistance(z)) = u by safeguarded Newton;
  // where it does (punctured, short of the hub), the root is checked against
  // the residual and against plain bisection (the method it replaced).
  core::Rng rng(1, "test.mechanics", 0);
  int solved = 0;
  for (int i = 0; i < 2000; ++i) {
    Needle n;
    n.length_m = 0.1e-3 + 2.9e-3 * rng.uniform();
    n.base_radius_m = 40e-6 + 150e-6 * rng.uniform();
    n.tip_radius_m = 1e-6 + 30e-6 * rng.uniform();
    n.cone_length_m = n.length_m * (0.2 + 0.8 * rng.uniform());
    n.force_factor = 1 + rng.uniform();
    const double e = 1e5 * std::pow(100.0, rng.uniform());
    const InsertionModel m(n, e, MechanicsParams::builtin());
    const double u = 1.2 * n.length_m * rng.uniform();
    const Insertion ins = m.at_travel(u);
    EXPECT_LE(ins.depth_m, n.length_m);
    EXPECT_LE(ins.depth_m, u);
    EXPECT_GE(ins.depth_m, 0.0);
    EXPECT_EQ(ins.punctured, u >= m.puncture_travel_m());
    if (!ins.punctured || ins.depth_m >= n.length_m || ins.depth_m <= 0)
      continue;
    ++solved;
    auto g = [&](double z) { return z + m.dimple_depth_m(m.resistance_n(z)) - u; };
    EXPECT_LE(std::abs(g(ins.depth_m)), 1e-13 * n.length_m) << i;
    double lo = 0;
    double hi = n.length_m;
    for (int k = 0; k < 80; ++k) {
      const double mid = 0.5 * (lo + hi);
      (g(mid) < 0 ? lo : hi) = mid;
    }
    EXPECT_NEAR(ins.depth_m, lo, 1e-13 * n.length_m) << i;
    EXPECT_NEAR(ins.dimple_m, u - ins.depth_m, 1e-18);
  }
  EXPECT_GT(solved, 200);  // the random cases do reach the root finder
}

TEST(Mechanics, DimpleComplianceIsTheSlopeOfTheDimpleLaw) {
  Needle n;
  n.cone_length_m = 0.4e-3;
  n.length_m = 2e-3;
  const InsertionModel m(n, 5e6, MechanicsParams::builtin());
  for (double f = 1e-4; f < 2; f *= 1.7) {
    const double h = 1e-6 * f;
    const double numeric = (m.dimple_depth_m(f + h) - m.dimple_depth_m(f - h)) / (2 * h);
    EXPECT_NEAR(m.dimple_compliance_m_per_n(f), numeric, 1e-6 * numeric) << f;
  }
}

TEST(Mechanics, StiffnessDeepensAFixedTravelAndStampSharesForce) {
  Needle n;
  n.length_m = n.cone_length_m = 1e-3;
  n.base_radius_m = 125e-6;
  const InsertionModel soft(n, 2e6, MechanicsParams::builtin());
  const InsertionModel stiff(n, 8e6, MechanicsParams::builtin());
  EXPECT_LT(soft.at_travel(1e-3).depth_m, stiff.at_travel(1e-3).depth_m);
  // More needles under the same force: less travel each (bed of nails).
  const double few = stamp_travel_m(stiff, 10, 0.5, 1e-3);
  const double many = stamp_travel_m(stiff, 200, 0.5, 1e-3);
  EXPECT_GT(few, many);
}

}  // namespace
}  // namespace mnsim::puncture
