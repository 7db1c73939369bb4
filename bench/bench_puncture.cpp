// Benchmarks of the puncture stage: a full-face pen session (the default case,
// about 10 million punctures), one roller zone, and the insertion law alone.
// Run: build/default/bench/mnsim_bench_puncture
#include <benchmark/benchmark.h>
#include <omp.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/puncture/pattern.hpp"

namespace {

using namespace mnsim;

// Every zone of the built-in full-face case; counters: punctures per second.
void BM_FullFacePenSession(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  const auto c = io::default_case();
  const auto& atlas = anatomy::Atlas::builtin();
  std::uint64_t contacts = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < c.zones.size(); ++i) {
      const auto z = pipeline::puncture_zone(c, i, atlas).pattern;
      contacts += z.attempts_total;
      benchmark::DoNotOptimize(z.channels_total);
    }
  }
  state.counters["contacts_per_session"] =
      benchmark::Counter(static_cast<double>(contacts) / state.iterations());
  state.counters["contacts_per_s"] =
      benchmark::Counter(static_cast<double>(contacts), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FullFacePenSession)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RollerCheek(benchmark::State& state) {
  const auto c = io::parse_case(
      "[device]\nmodel = \"roller-192-1.5\"\n[[zones]]\nsite = \"cheek\"\n", "bench");
  const auto& atlas = anatomy::Atlas::builtin();
  for (auto _ : state) {
    const auto z = pipeline::puncture_zone(c, 0, atlas).pattern;
    benchmark::DoNotOptimize(z.channels_total);
  }
}
BENCHMARK(BM_RollerCheek)->Unit(benchmark::kMillisecond);

void BM_InsertionLaw(benchmark::State& state) {
  const auto& p = puncture::MechanicsParams::builtin();
  puncture::Needle n;
  const puncture::InsertionModel m(n, 6e6, p);
  double u = 0.5e-3;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.at_travel(u));
    u = u > 0.9e-3 ? 0.5e-3 : u + 1e-6;
  }
}
BENCHMARK(BM_InsertionLaw);

}  // namespace
BENCHMARK_MAIN();
