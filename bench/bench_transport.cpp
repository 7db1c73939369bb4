// Benchmarks of the transport stage: one Douglas ADI step of the 3D cell
// (working set 16 B/cell x 256 x 256 x 256 = 268 MB, >= 8x a 32 MB LLC) on 1
// and 2 threads, and the STREAM-like triad it is compared with.
// Run: build/default/bench/mnsim_bench_transport
#include <benchmark/benchmark.h>
#include <omp.h>

#include "mnsim/transport/bench.hpp"

namespace {

using namespace mnsim::transport;

void BM_Cell3dDouglasStep(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  const int n = 256, nz = 256;
  auto cell = make_bench_cell(n, nz);
  cell->step(10.0, 0.5);
  for (auto _ : state) {
    cell->step(10.0, 0.5);
    benchmark::DoNotOptimize(cell->u().data());
  }
  const double cells = static_cast<double>(cell->size());
  state.counters["updates_per_s"] = benchmark::Counter(
      cells * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes_per_update"] = cell3d_bytes_per_update(true);
}
BENCHMARK(BM_Cell3dDouglasStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StreamTriad(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  double gb = 0;
  for (auto _ : state)
    gb = stream_triad_gb_s(std::size_t{1} << 25, 3);
  state.counters["triad_gb_s"] = gb;
}
BENCHMARK(BM_StreamTriad)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
