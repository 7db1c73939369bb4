// The transport budget (issue 12): a plan beyond simulation.max_memory_mb is
// coarsened within the stated accuracy and the run stays under the budget as
// measured by the process itself (getrusage); when no plan fits, the run is
// refused with an InputError naming the field, and `mnsim deliver` exits 2
// without writing anything.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "mnsim/core/error.hpp"
#include "mnsim/transport/deliver.hpp"

namespace mnsim::transport {
namespace {

double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;  // Linux: kilobytes
}

Medium thick_medium() {
  Medium m;
  m.layers.push_back({"stratum_corneum", 12e-6, 1e-13, 3.0, 0.0});
  m.layers.push_back({"dermis", 1.2e-3, 3e-10, 0.8, 0.0});
  m.donor = {true, 1e10, 2e-5};
  return m;
}

TEST(Budget, ThreeDPlanIsCoarsenedAndTheRunStaysUnderIt) {
  const double budget = 100e6;
  Options o;
  o.fidelity = Fidelity::ThreeD;
  o.dx_m = 5e-6;
  o.horizon_s = 20;
  o.steps = 2;
  o.tolerance_3d = 1e-2;
  o.grading_length_3d_m = 0;  // equal columns: the graded grid would fit as asked
  o.memory_limit_bytes = budget;
  const Medium m = thick_medium();
  const ChannelSpec ch{1e6, 300e-6, 40e-6, {1e-3, false, 25, ""}};
  // As asked (5 um) the 3D window would need several times the budget.
  Options asked = o;
  asked.memory_limit_bytes = 1e12;
  const RunPlan full = plan_medium(m, &ch, 1e-9, asked);
  ASSERT_GT(full.memory_bytes, 2 * budget);
  const double before = peak_rss_bytes();
  std::vector<std::string> warnings;
  const transport::Run r = run_medium(m, &ch, 1e-9, o, &warnings);
  const double grown = peak_rss_bytes() - before;
  EXPECT_LE(r.plan.memory_bytes, budget);
  EXPECT_GT(r.plan.dx_m, o.dx_m);
  EXPECT_LE(r.plan.dx_m, 2 * o.dx_m * (1 + 1e-12));
  bool said = false;
  for (const auto& w : warnings)
    said = said || w.find("coarsened") != std::string::npos;
  EXPECT_TRUE(said);
  EXPECT_LE(grown, budget) << "peak RSS grew by " << grown / 1e6 << " MB";
  EXPECT_LT(r.mass_balance_rel_error, 1e-8);
}

TEST(Budget, NoPlanFitsRefusedNamingTheField) {
  Options o;
  o.fidelity = Fidelity::ThreeD;
  o.memory_limit_bytes = 1e6;
  const ChannelSpec ch{1e6, 300e-6, 40e-6, {1e-3, false, 25, ""}};
  try {
    (void)run_medium(thick_medium(), &ch, 1e-9, o);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    ASSERT_FALSE(e.issues().empty());
    EXPECT_EQ(e.issues()[0].field, "simulation.max_memory_mb");
  }
}

TEST(Budget, CliRefusesWithExit2AndWritesNothing) {
  const auto dir = std::filesystem::temp_directory_path() / "mnsim_budget_test";
  std::filesystem::create_directories(dir);
  const auto case_path = dir / "case.toml";
  const auto csv = dir / "out.csv";
  std::filesystem::remove(csv);
  {
    std::ofstream f(case_path);
    f << "[device]\nkind = \"roller\"\nneedle_length_mm = 0.5\n[product]\nid = "
         "\"niacinamide_serum\"\n[[zones]]\nsite = \"upper_arm\"\nindication = \"texture\"\n"
         "[simulation]\nfidelity = \"3d\"\nhorizon_h = 2\nmax_memory_mb = 1\n";
  }
  const std::string cmd = std::string(MNSIM_EXE) + " deliver " + case_path.string() + " --csv " +
                          csv.string() + " > " + (dir / "stdout").string() + " 2> " +
                          (dir / "stderr").string();
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_FALSE(std::filesystem::exists(csv));
  std::ifstream err(dir / "stderr");
  const std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("simulation.max_memory_mb"), std::string::npos) << text;
}

}  // namespace
}  // namespace mnsim::transport
