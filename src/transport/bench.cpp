#include "mnsim/transport/bench.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace mnsim::transport {

double last_level_cache_bytes() {
  double best = 0;
  for (int i = 0; i < 16; ++i) {
    std::ifstream f("/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/size");
    if (!f)
      continue;
    std::string s;
    f >> s;
    if (s.empty())
      continue;
    double v = std::atof(s.c_str());
    const char unit = s.back();
    if (unit == 'K')
      v *= 1024;
    else if (unit == 'M')
      v *= 1024 * 1024;
    else if (unit == 'G')
      v *= 1024.0 * 1024 * 1024;
    best = std::max(best, v);
  }
  return best;
}

double stream_triad_gb_s(std::size_t n, int reps) {
  std::vector<double> a(n), b(n), c(n);
  const long ln = static_cast<long>(n);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < ln; ++i) {
    a[static_cast<std::size_t>(i)] = 0;
    b[static_cast<std::size_t>(i)] = 1.0;
    c[static_cast<std::size_t>(i)] = 2.0;
  }
  double best = 1e300;
  const double s = 3.0;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    double* pa = a.data();
    const double* pb = b.data();
    const double* pc = c.data();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < ln; ++i)
      pa[i] = pb[i] + s * pc[i];
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  volatile double sink = a[n / 2];
  (void)sink;
  return 24.0 * static_cast<double>(n) / best / 1e9;
}

std::unique_ptr<Cell3d> make_bench_cell(int n, int nz) {
  const double dx = 2e-6;
  Medium m;
  const double total = nz * dx;
  m.layers.push_back({"stratum_corneum", 16e-6, 1e-14, 3.0, 0.0});
  m.layers.push_back({"viable_epidermis", 64e-6, 2e-10, 0.7, 0.0});
  m.layers.push_back({"dermis", total - 80e-6, 2e-10, 0.7, 1e-3});
  m.donor = {true, 1e7, 1e-4};
  const auto g = make_depth_grid(m, dx);
  const double side = n * dx;
  ChannelLayout lay{side, {{0.5 * side, 0.5 * side, 0.6 * total, 30e-6}}};
  auto cell = std::make_unique<Cell3d>(m, g, lay, dx, 5e-10);
  cell->set_open_fraction(1.0);
  return cell;
}

double cell3d_bytes_per_update(bool finite_donor_attached) {
  return (finite_donor_attached ? 9 : 7) * 8.0;
}

BenchResult bench_transport(int steps) {
  BenchResult r;
  r.llc_bytes = last_level_cache_bytes();
  const double llc = r.llc_bytes > 0 ? r.llc_bytes : 32.0 * 1024 * 1024;
  r.n = 256;
  const double per_plane = 16.0 * r.n * r.n;
  r.nz = std::max(64, 16 * static_cast<int>(std::ceil(8 * llc / per_plane / 16)));
  r.threads = omp_get_max_threads();
  r.steps = steps;
  r.cells = static_cast<double>(r.n) * r.n * r.nz;
  r.working_set_bytes = 16.0 * r.cells;
  {
    auto cell = make_bench_cell(r.n, r.nz);
    const double dt = 10.0;
    cell->step(dt, 0.5);  // factorises; first touch
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < steps; ++k)
      cell->step(dt, 0.5);
    const auto t1 = std::chrono::steady_clock::now();
    r.seconds = std::chrono::duration<double>(t1 - t0).count();
  }
  r.updates_per_s = r.cells * steps / r.seconds;
  r.bytes_per_update = cell3d_bytes_per_update(true);
  // Triad arrays of 4x the LLC each (>= 2^24 doubles).
  const auto tn = static_cast<std::size_t>(std::max(4 * llc / 8, 16777216.0));
  r.stream_gb_s = stream_triad_gb_s(tn);
  r.roofline_fraction = r.updates_per_s * r.bytes_per_update / (r.stream_gb_s * 1e9);
  return r;
}

}  // namespace mnsim::transport
