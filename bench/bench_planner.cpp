// Benchmarks of the planner with the pipeline predictor: the whole plan of
// the built-in default case (`mnsim plan` without the CLI) and one course of
// the healing model as the planner's predictor runs it.
// Run: build/default/bench/mnsim_bench_planner
#include <benchmark/benchmark.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/predictor.hpp"
#include "mnsim/planner/planner.hpp"

namespace {

using namespace mnsim;

// The default case's plan from a cold predictor (no cached punctures or
// courses): what `mnsim plan` costs. Counter: courses per plan is in
// docs/models/planner.md §3.
void BM_PlanDefaultCase(benchmark::State& state) {
  const auto c = io::default_case();
  const auto device = pipeline::resolved_device(c);
  for (auto _ : state) {
    const pipeline::PipelinePredictor predictor(anatomy::Atlas::builtin());
    const auto plan = planner::make_plan(c, device, predictor);
    benchmark::DoNotOptimize(plan.zones.size());
  }
}
BENCHMARK(BM_PlanDefaultCase)->Unit(benchmark::kMillisecond)->Iterations(1);

// One course as the predictor runs it: 3 sessions every 28 days, 90 days of
// follow-up, rel. tol. 1e-5, one output per day, the default case's cheek dose.
void BM_PredictorCourse(benchmark::State& state) {
  const auto c = io::default_case();
  const auto dose = pipeline::session_dose(c, 1, anatomy::Atlas::builtin());
  healing::CourseOptions opt;
  opt.steps_per_day = 1;
  opt.rel_tol = 1e-5;
  opt.horizon_days = 2 * 28 + 90;
  opt.first_session_response = false;
  const anatomy::Subject subject{c.patient.age_years, c.patient.sex, c.patient.fitzpatrick};
  for (auto _ : state) {
    const auto k = healing::simulate_course(healing::regular_sessions(3, 28, dose), subject, opt);
    benchmark::DoNotOptimize(k.collagen_rel.back());
  }
}
BENCHMARK(BM_PredictorCourse)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
