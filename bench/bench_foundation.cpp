// Benchmarks of the foundation: parsing the default case and sampling
// patients from the atlas. Run: build/default/bench/mnsim_bench_foundation
#include <benchmark/benchmark.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/io/case_reader.hpp"

namespace {

void BM_ParseDefaultCase(benchmark::State& state) {
  const std::string text(mnsim::io::default_case_text());
  for (auto _ : state) {
    auto c = mnsim::io::parse_case(text, "default");
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_ParseDefaultCase);

void BM_AtlasSample(benchmark::State& state) {
  const auto& atlas = mnsim::anatomy::Atlas::builtin();
  mnsim::core::Rng rng(42, "bench.atlas");
  const mnsim::anatomy::Subject subject{45, mnsim::anatomy::Sex::Female, 3};
  for (auto _ : state) {
    auto st = atlas.sample("cheek", subject, rng);
    benchmark::DoNotOptimize(st);
  }
}
BENCHMARK(BM_AtlasSample);

}  // namespace

BENCHMARK_MAIN();
