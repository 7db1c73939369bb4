// The transport benchmark (`mnsim bench transport`, bench/bench_transport.cpp):
// ADI steps of the 3D cell on a grid whose working set is >= 8x the last-level
// cache, against a STREAM-like triad measured in the same run with the same
// thread count (docs/models/transport.md, "3D cell: performance").
#pragma once

#include <cstddef>
#include <memory>

#include "mnsim/transport/cell3d.hpp"

namespace mnsim::transport {

// Largest cache size listed in /sys/devices/system/cpu/cpu0/cache/index*/size
// [bytes]; 0 when unreadable.
double last_level_cache_bytes();

// Best-of-`reps` triad a = b + s c over n doubles per array, OpenMP static;
// bytes counted 24 per element (STREAM convention, no write-allocate).
double stream_triad_gb_s(std::size_t n, int reps = 5);

// The benchmark cell: n x n columns at dx = 2 um, nz rows (SC 16 um, VE
// 64 um, dermis below), one centred open channel of radius 30 um to 60 % of
// the depth, a finite donor (the atlas default).
std::unique_ptr<Cell3d> make_bench_cell(int n, int nz);

// Compulsory memory traffic of one Douglas step per cell [bytes]: every array
// the step must read and write once per sweep (u and the increment D; the
// coefficient and factor tables are per line class and stay in cache):
// stage 1 (explicit + x) reads u, writes D; stage y reads and writes D;
// stage z reads D and u and writes u -- 7 x 8 B; with a finite donor attached
// the z stage eliminates in place first (+ read and write D): 9 x 8 B.
double cell3d_bytes_per_update(bool finite_donor_attached);

struct BenchResult {
  int n = 0, nz = 0, threads = 0, steps = 0;
  double cells = 0;
  double seconds = 0;
  double updates_per_s = 0;
  double bytes_per_update = 0;
  double stream_gb_s = 0;
  double roofline_fraction = 0;
  double llc_bytes = 0;
  double working_set_bytes = 0;  // u and D
};

// `steps` Crank-Nicolson-type Douglas steps (after one untimed step that
// factorises); the grid is 256 x 256 x nz with nz the smallest multiple of 16
// giving a working set >= 8x the last-level cache (>= 64).
BenchResult bench_transport(int steps = 10);

}  // namespace mnsim::transport
