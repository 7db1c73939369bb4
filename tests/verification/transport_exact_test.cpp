// Transport solvers against exact solutions (Crank, The Mathematics of
// Diffusion): observed orders of convergence in space and time, lag time and
// steady flux of a membrane, a laminate's steady flux, a separable r-z
// solution, the mass balance, and r-z with a zero-radius channel equal to 1D.
// The tables printed here are the ones in docs/verification.md.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "mnsim/transport/medium.hpp"
#include "mnsim/transport/network.hpp"
#include "mnsim/transport/simulate.hpp"

namespace mnsim::transport {
namespace {

Medium one_layer(double l_m, double d, double k, double c) {
  Medium m;
  m.layers.push_back({"membrane", l_m, d, k, 0.0});
  m.donor.concentration = c;
  return m;
}

// Max-norm error against C erfc(x / (2 sqrt(D t))) at time T, semi-infinite.
double erfc_error(double dx, int steps) {
  const double d = 1e-10;
  const double t_end = 100.0;  // sqrt(D T) = 100 um
  const Medium m = one_layer(1.5e-3, d, 1.0, 1.0);
  const auto g = make_depth_grid(m, dx);
  const auto disc = build_1d(m, g);
  ThetaIntegrator integ(disc.net, m.donor);
  const double dt = t_end / steps;
  for (int n = 0; n < steps; ++n)
    integ.cn_step(dt, n == 0);
  double err = 0;
  for (std::size_t i = 0; i < g.h_m.size(); ++i) {
    const double x = g.top_m[i] + 0.5 * g.h_m[i];
    err = std::max(err, std::abs(integ.u()[i] - std::erfc(x / (2 * std::sqrt(d * t_end)))));
  }
  return err;
}

TEST(TransportVerification, ErfcProfileSpaceTimeOrder) {
  std::printf("\n| dx (um) | steps | max error | observed order |\n|---|---|---|---|\n");
  double prev = 0;
  std::vector<double> orders;
  for (int k = 0; k < 4; ++k) {
    const double dx = 20e-6 / (1 << k);
    const int steps = 20 << k;
    const double e = erfc_error(dx, steps);
    const double p = k > 0 ? std::log2(prev / e) : 0.0;
    if (k > 0)
      orders.push_back(p);
    std::printf("| %.2f | %d | %.3e | %s |\n", dx * 1e6, steps, e,
                k > 0 ? std::to_string(p).substr(0, 4).c_str() : "-");
    prev = e;
  }
  EXPECT_LT(prev, 2e-4);
  EXPECT_NEAR(orders.back(), 2.0, 0.25);
}

TEST(TransportVerification, ErfcTimeOrder) {
  // Fine grid, the time step halved: the time error alone.
  std::printf(
      "\n| dx (um) | steps | max change to next (dt/2) | observed order |\n|---|---|---|---|\n");
  const double dx = 2.5e-6;
  // Richardson: e(dt) = |u(dt) - u(dt/2)| estimates the time error.
  auto profile = [&](int steps) {
    const Medium m = one_layer(1.5e-3, 1e-10, 1.0, 1.0);
    const auto g = make_depth_grid(m, dx);
    const auto disc = build_1d(m, g);
    ThetaIntegrator integ(disc.net, m.donor);
    for (int n = 0; n < steps; ++n)
      integ.cn_step(100.0 / steps, n == 0);
    return integ.u();
  };
  std::vector<std::vector<double>> u;
  for (int k = 0; k < 5; ++k)
    u.push_back(profile(10 << k));
  double prev = 0;
  double last_order = 0;
  for (int k = 0; k < 4; ++k) {
    double e = 0;
    for (std::size_t i = 0; i < u[k].size(); ++i)
      e = std::max(e, std::abs(u[k][i] - u[k + 1][i]));
    if (k > 0)
      last_order = std::log2(prev / e);
    std::printf("| %.2f | %d | %.3e | %s |\n", dx * 1e6, 10 << k, e,
                k > 0 ? std::to_string(last_order).substr(0, 4).c_str() : "-");
    prev = e;
  }
  EXPECT_NEAR(last_order, 2.0, 0.25);
}

TEST(TransportVerification, MembraneLagTimeAndSteadyFlux) {
  // L = 100 um, D = 1e-11 m^2/s, K = 2: lag L^2/6D = 166.7 s, J = DKC/L.
  const double l = 100e-6, d = 1e-11, k = 2.0, c = 1e6;
  const Medium m = one_layer(l, d, k, c);
  const auto g = make_depth_grid(m, 1e-6);
  RunOptions opt;
  opt.horizon_s = 3000;
  opt.steps = 3000;
  const auto tr = simulate([&](double) { return build_1d(m, g); }, m.donor, nullptr, opt, 1);
  const double j_exact = d * k * c / l;
  const double lag_exact = l * l / (6 * d);
  const double j = tr.out_rate.back();
  const double lag = tr.time_s.back() - tr.cumulative_out.back() / j;
  std::printf("\nmembrane: J %.6e (exact %.6e, rel %.2e); lag %.4f s (exact %.4f, rel %.2e)\n", j,
              j_exact, std::abs(j / j_exact - 1), lag, lag_exact, std::abs(lag / lag_exact - 1));
  EXPECT_NEAR(j / j_exact, 1.0, 1e-6);
  EXPECT_NEAR(lag / lag_exact, 1.0, 1e-3);
  EXPECT_LT(tr.mass_balance_rel_error, 1e-10);
}

TEST(TransportVerification, LaminateSteadyFlux) {
  // Two layers with a partition jump: J = C / (L1/(D1 K1) + L2/(D2 K2)).
  Medium m;
  m.layers.push_back({"a", 20e-6, 1e-13, 5.0, 0.0});
  m.layers.push_back({"b", 200e-6, 5e-11, 0.6, 0.0});
  m.donor.concentration = 1e6;
  const auto g = make_depth_grid(m, 2e-6);
  RunOptions opt;
  opt.horizon_s = 20000;
  opt.steps = 2000;
  const auto tr = simulate([&](double) { return build_1d(m, g); }, m.donor, nullptr, opt, 2);
  const double j_exact = 1e6 / (20e-6 / (1e-13 * 5.0) + 200e-6 / (5e-11 * 0.6));
  std::printf("\nlaminate: J %.6e (exact %.6e, rel %.2e)\n", tr.out_rate.back(), j_exact,
              std::abs(tr.out_rate.back() / j_exact - 1));
  EXPECT_NEAR(tr.out_rate.back() / j_exact, 1.0, 1e-6);
  EXPECT_LT(tr.mass_balance_rel_error, 1e-10);
}

TEST(TransportVerification, MassBalanceFiniteDonorClearance) {
  Medium m;
  m.layers.push_back({"sc", 15e-6, 1e-14, 3.0, 0.0});
  m.layers.push_back({"ve", 80e-6, 2e-10, 0.7, 0.0});
  m.layers.push_back({"de", 1200e-6, 2e-10, 0.7, 2e-3});
  m.donor = {true, 1e7, 1e-4};
  const auto g = make_depth_grid(m, 5e-6);
  RunOptions opt;
  opt.horizon_s = 86400;
  opt.steps = 500;
  opt.donor_off_s = 3600;
  const auto tr = simulate([&](double) { return build_1d(m, g); }, m.donor, nullptr, opt, 3);
  std::printf("\nmass balance (finite donor, clearance, removal): rel %.2e\n",
              tr.mass_balance_rel_error);
  EXPECT_LT(tr.mass_balance_rel_error, 1e-10);
  EXPECT_GT(tr.balance.cleared, 0.0);
}

// r-z separable solution: u = J0(j1 r/R) cos(pi z/(2L)) exp(-lambda D t),
// zero flux at r = 0, R and z = 0, u = 0 at z = L.
double rz_error(double dx, int steps) {
  const double big_l = 200e-6, big_r = 100e-6, d = 1e-10, t_end = 50.0;
  const double j1 = 3.831705970207512;  // first zero of J1
  Medium m = one_layer(big_l, d, 1.0, 1.0);
  const auto g = make_depth_grid(m, dx);
  ChannelGeometry ch{0.0, 0.0, big_r, 0.0};
  const auto disc = build_rz(m, g, ch, dx, 0.0);
  ThetaIntegrator integ(disc.net, m.donor);
  integ.remove_donor();
  std::vector<double> u(disc.net.size());
  std::vector<double> rc, zc;
  for (int iz = 0; iz < static_cast<int>(g.h_m.size()); ++iz) {
    for (int ir = 0; ir < disc.nr; ++ir) {
      const double r = 0.5 * (disc.r_faces_m[ir] + disc.r_faces_m[ir + 1]);
      const double z = g.top_m[iz] + 0.5 * g.h_m[iz];
      u[static_cast<std::size_t>(iz * disc.nr + ir)] =
          std::cyl_bessel_j(0.0, j1 * r / big_r) * std::cos(std::numbers::pi * z / (2 * big_l));
      rc.push_back(r);
      zc.push_back(z);
    }
  }
  integ.set_u(u);
  for (int n = 0; n < steps; ++n)
    integ.cn_step(t_end / steps, false);
  const double lambda =
      j1 * j1 / (big_r * big_r) + std::numbers::pi * std::numbers::pi / (4 * big_l * big_l);
  double err = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    const double ex = std::cyl_bessel_j(0.0, j1 * rc[i] / big_r) *
                      std::cos(std::numbers::pi * zc[i] / (2 * big_l)) *
                      std::exp(-lambda * d * t_end);
    err = std::max(err, std::abs(integ.u()[i] - ex));
  }
  return err;
}

TEST(TransportVerification, AxisymmetricSeparableOrder) {
  std::printf("\n| r-z dx (um) | steps | max error | observed order |\n|---|---|---|---|\n");
  double prev = 0, order = 0;
  for (int k = 0; k < 4; ++k) {
    const double dx = 20e-6 / (1 << k);
    const int steps = 10 << k;
    const double e = rz_error(dx, steps);
    if (k > 0)
      order = std::log2(prev / e);
    std::printf("| %.2f | %d | %.3e | %s |\n", dx * 1e6, steps, e,
                k > 0 ? std::to_string(order).substr(0, 4).c_str() : "-");
    prev = e;
  }
  EXPECT_NEAR(order, 2.0, 0.3);
  EXPECT_LT(prev, 1e-3);
}

TEST(TransportVerification, ZeroRadiusChannelEqualsOneD) {
  Medium m;
  m.layers.push_back({"sc", 15e-6, 1e-14, 3.0, 0.0});
  m.layers.push_back({"ve", 60e-6, 2e-10, 0.7, 0.0});
  m.layers.push_back({"de", 300e-6, 2e-10, 0.7, 2e-3});
  m.donor = {true, 1e7, 1e-4};
  const auto g = make_depth_grid(m, 5e-6);
  ChannelGeometry ch{200e-6, 0.0, 80e-6, 1e-9};
  RunOptions opt;
  opt.horizon_s = 7200;
  opt.steps = 120;
  const auto a = simulate([&](double) { return build_1d(m, g); }, m.donor, nullptr, opt, 3);
  const auto b = simulate([&](double f) { return build_rz(m, g, ch, 10e-6, f); }, m.donor,
                          [](double) { return 1.0; }, opt, 3);
  for (int l = 0; l < 3; ++l) {
    EXPECT_NEAR(b.amount[l].back(), a.amount[l].back(), 1e-10 * std::abs(a.amount[l].back()))
        << "layer " << l;
  }
  EXPECT_NEAR(b.cumulative_out.back(), a.cumulative_out.back(), 1e-10 * a.cumulative_out.back());
}

}  // namespace
}  // namespace mnsim::transport
