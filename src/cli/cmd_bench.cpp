// mnsim bench [NAME] [--json] [--steps N]: performance benchmarks. NAME:
//   transport  the 3D cell's ADI step against a triad bandwidth (docs/interface.md
//              roofline fraction);
//   deliver    a fixed reference set through `mnsim deliver` -- every example
//              case of --cases and the issue-12 one-zone case (upper arm,
//              0.5 mm roller, 8 passes, niacinamide, 2 h) at each fidelity
//              whose planned time fits --max-seconds -- each in a child
//              process (wall time, peak RSS from wait4, steps from its JSON),
//              then the 3D kernel figures in the same run (docs/performance.md);
//   cohort     people per second per core of `mnsim cohort` on the default
//              case, in this process (one rank): the cheap chain (--n people)
//              and the full chain (--full, --n / 5 people); CPU time from
//              getrusage, so a shared machine's load does not count
//              (docs/cohorts.md "Cost").
#include <omp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/cohort/cohort.hpp"
#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/transport/bench.hpp"

namespace mnsim::cli {

namespace {

struct ChildRun {
  int status = -1;
  double seconds = 0;
  double peak_rss_bytes = 0;
  std::string out;
};

// Runs this executable with `args`, stdout captured to a file; wall time and
// the child's peak RSS (wait4).
ChildRun run_child(const std::vector<std::string>& args, const std::filesystem::path& out_file) {
  ChildRun r;
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0)
    throw NumericalError("bench: fork failed");
  if (pid == 0) {
    std::vector<char*> argv;
    std::string self = "/proc/self/exe";
    argv.push_back(self.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    if (std::freopen(out_file.c_str(), "w", stdout) == nullptr ||
        std::freopen("/dev/null", "w", stderr) == nullptr)
      _exit(127);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  int status = 0;
  rusage u{};
  wait4(pid, &status, 0, &u);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.peak_rss_bytes = static_cast<double>(u.ru_maxrss) * 1024.0;
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  r.out = ss.str();
  return r;
}

std::string issue_case(const std::string& fidelity) {
  return fmt::format(
      "# issue 12's one-zone case (mnsim bench deliver)\n[case]\nname = \"issue12-{0}\"\nseed = "
      "1\n[device]\nkind = \"roller\"\nneedle_length_mm = 0.5\n[procedure]\npasses = 8\n"
      "[product]\nid = \"niacinamide_serum\"\napplied = \"after\"\n[[zones]]\nsite = "
      "\"upper_arm\"\nindication = \"texture\"\n[simulation]\nfidelity = \"{0}\"\nhorizon_h = "
      "2\n",
      fidelity);
}

nlohmann::json bench_deliver(const std::string& cases_dir, double max_seconds, int steps) {
  const auto tmp = std::filesystem::temp_directory_path() /
                   fmt::format("mnsim_bench_{}", static_cast<long>(getpid()));
  std::filesystem::create_directories(tmp);
  std::vector<std::pair<std::string, std::filesystem::path>> set;
  if (std::filesystem::is_directory(cases_dir)) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(cases_dir)) {
      if (e.path().extension() == ".toml")
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
      set.emplace_back(f.stem().string(), f);
  }
  for (const std::string fid : {"1d", "axisymmetric", "3d"}) {
    const auto p = tmp / ("issue12-" + fid + ".toml");
    std::ofstream(p) << issue_case(fid);
    set.emplace_back("issue12-" + fid, p);
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [name, path] : set) {
    nlohmann::json row;
    row["case"] = name;
    // The plan first: cases whose estimated time exceeds the limit are skipped.
    const auto plan = run_child({"deliver", path.string(), "--dry-run", "--json"}, tmp / "plan");
    double est = 0;
    if (plan.status == 0) {
      const auto pj = nlohmann::json::parse(plan.out);  // kept alive for the loop
      for (const auto& z : pj.at("plan"))
        est += z.at("time_estimate_s").get<double>();
      row["time_estimate_s"] = est;
    }
    if (plan.status != 0) {
      row["status"] = fmt::format("not a transport case (deliver exits {})", plan.status);
      rows.push_back(row);
      continue;
    }
    if (est > max_seconds) {
      row["status"] = fmt::format("skipped: planned {:.3g} s > --max-seconds", est);
      rows.push_back(row);
      continue;
    }
    const auto r = run_child({"deliver", path.string(), "--json", "--quiet"}, tmp / "out");
    row["wall_s"] = r.seconds;
    row["peak_rss_mb"] = r.peak_rss_bytes / units::kBytesPerMb;
    if (r.status != 0) {
      row["status"] = fmt::format("failed (exit {})", r.status);
      rows.push_back(row);
      continue;
    }
    long n_steps = 0;
    long zones = 0;
    const auto out = nlohmann::json::parse(r.out);  // kept alive for the loop
    for (const auto& z : out.at("zones")) {
      ++zones;
      if (!z.contains("numerics"))
        continue;
      const auto& n = z["numerics"];
      n_steps += n.value("douglas_steps", n.value("steps", 0L));
    }
    row["zones"] = zones;
    row["steps"] = n_steps;
    row["status"] = "ok";
    rows.push_back(row);
  }
  std::filesystem::remove_all(tmp);
  const auto k = transport::bench_transport(steps);
  nlohmann::json j;
  j["benchmark"] = "deliver";
  j["cases"] = rows;
  j["kernel_3d"] = {{"cells", k.cells},
                    {"threads", k.threads},
                    {"updates_per_s", k.updates_per_s},
                    {"stream_gb_s", k.stream_gb_s},
                    {"roofline_fraction", k.roofline_fraction}};
  return j;
}

std::string deliver_text(const nlohmann::json& j) {
  std::string s = fmt::format("{:<26} {:>9} {:>12} {:>9}  {}\n", "case", "wall (s)",
                              "peak RSS (MB)", "steps", "status");
  for (const auto& r : j["cases"]) {
    s += fmt::format(
        "{:<26} {:>9} {:>12} {:>9}  {}\n", r["case"].get<std::string>(),
        r.contains("wall_s") ? fmt::format("{:.2f}", r["wall_s"].get<double>()) : "-",
        r.contains("peak_rss_mb") ? fmt::format("{:.0f}", r["peak_rss_mb"].get<double>()) : "-",
        r.contains("steps") ? std::to_string(r["steps"].get<long>()) : "-",
        r["status"].get<std::string>());
  }
  const auto& k = j["kernel_3d"];
  s += fmt::format(
      "3D kernel (Douglas ADI, {:.3g} cells, {} threads): {:.3g} cell updates/s, triad {:.2f} "
      "GB/s, roofline fraction {:.2f}\n",
      k["cells"].get<double>(), k["threads"].get<int>(), k["updates_per_s"].get<double>(),
      k["stream_gb_s"].get<double>(), k["roofline_fraction"].get<double>());
  return s;
}

double bench_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;  // units-ok: us
}

// One cohort of `n` people of the default case: wall and CPU seconds.
nlohmann::json bench_cohort_chain(std::size_t n, bool full) {
  const cases::Case c = io::default_case();
  cohort::Options o;
  o.n = n;
  o.sobol_n = 0;
  o.full = full;
  const auto& atlas = anatomy::Atlas::builtin();
  const double cpu0 = bench_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  const cohort::Result r = cohort::run(c, atlas, o);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = bench_cpu_seconds() - cpu0;
  const auto people = static_cast<double>(r.n);
  const auto zones = static_cast<double>(r.zones.size());
  return {{"chain", full ? "full" : "cheap"},
          {"people", r.n},
          {"zones", r.zones.size()},
          {"wall_s", wall},
          {"cpu_s", cpu},
          {"people_per_core_s", people / cpu},
          {"person_zones_per_core_s", people * zones / cpu},
          {"people_per_s", people / wall}};
}

nlohmann::json bench_cohort(std::size_t n) {
  (void)anatomy::Atlas::builtin();  // loaded before the clocks start
  nlohmann::json j;
  j["benchmark"] = "cohort";
  j["case"] = "the built-in default case (4 zones, a product and an anaesthetic)";
  j["ranks"] = 1;
  j["threads"] = omp_get_max_threads();
  j["runs"] = nlohmann::json::array();
  j["runs"].push_back(bench_cohort_chain(n, false));
  j["runs"].push_back(bench_cohort_chain(std::max<std::size_t>(2, n / 5), true));
  return j;
}

std::string cohort_bench_text(const nlohmann::json& j) {
  std::string s = fmt::format(
      "mnsim cohort on {} ({} rank, {} threads; CPU time from getrusage)\n"
      "{:<7} {:>7} {:>9} {:>9} {:>20} {:>26}\n",
      j["case"].get<std::string>(), j["ranks"].get<int>(), j["threads"].get<int>(), "chain",
      "people", "wall (s)", "CPU (s)", "people / core-second", "person-zones / core-second");
  for (const auto& r : j["runs"]) {
    s += fmt::format(
        "{:<7} {:>7} {:>9.2f} {:>9.2f} {:>20.3g} {:>26.3g}\n", r["chain"].get<std::string>(),
        r["people"].get<std::size_t>(), r["wall_s"].get<double>(), r["cpu_s"].get<double>(),
        r["people_per_core_s"].get<double>(), r["person_zones_per_core_s"].get<double>());
  }
  return s;
}

}  // namespace

void add_bench_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string name = "transport";
    bool json = false;
    int steps = 10;
    std::string cases = "cases";
    double max_seconds = 120;
    std::size_t people = 100;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "bench",
      "Performance benchmarks (transport: 3D cell vs memory roofline; deliver: reference cases)");
  cmd->add_option("name", o->name, "Benchmark: transport (default), deliver or cohort")
      ->check(CLI::IsMember({"transport", "deliver", "cohort"}));
  cmd->add_option("--n", o->people,
                  "cohort: people of the cheap chain (default 100; the full chain runs n/5)")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1000000}));
  cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_option("--steps", o->steps, "Timed 3D kernel steps (default 10)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--cases", o->cases, "deliver: folder of example cases (default ./cases)");
  cmd->add_option("--max-seconds", o->max_seconds,
                  "deliver: skip a case whose planned time exceeds this (default 120)")
      ->check(CLI::PositiveNumber);
  commands.push_back(
      {cmd, [o] {
         if (o->name == "cohort") {
           nlohmann::json j = bench_cohort(o->people);
           j["disclaimer"] = std::string(kDisclaimer);
           core::require_finite(j);
           print(o->json ? dump(with_provenance(j)) : cohort_bench_text(j));
           return 0;
         }
         if (o->name == "deliver") {
           nlohmann::json j = bench_deliver(o->cases, o->max_seconds, o->steps);
           j["disclaimer"] = std::string(kDisclaimer);
           print(o->json ? dump(with_provenance(j)) : deliver_text(j));
           return 0;
         }
         const auto r = transport::bench_transport(o->steps);
         nlohmann::json j;
         j["benchmark"] = o->name;
         j["cells"] = r.cells;
         j["grid"] = {r.n, r.n, r.nz};
         j["steps"] = r.steps;
         j["threads"] = r.threads;
         j["seconds"] = r.seconds;
         j["updates_per_s"] = r.updates_per_s;
         j["bytes_per_update"] = r.bytes_per_update;
         j["stream_gb_s"] = r.stream_gb_s;
         j["roofline_fraction"] = r.roofline_fraction;
         j["llc_bytes"] = r.llc_bytes;
         j["working_set_bytes"] = r.working_set_bytes;
         j["disclaimer"] = std::string(kDisclaimer);
         core::require_finite(j);
         if (o->json) {
           print(dump(with_provenance(j)));
           return 0;
         }
         print(fmt::format(
             "transport 3D cell, Douglas ADI step (finite donor, one open channel)\n"
             "  grid {} x {} x {} = {:.4g} cells, working set {:.0f} MB "
             "(last-level cache {:.0f} MB, {:.1f}x)\n"
             "  {} steps on {} threads in {:.3f} s: {:.3g} cell updates/s\n"
             "  {:.0f} bytes/update (compulsory) -> {:.2f} GB/s; triad {:.2f} GB/s\n"
             "  roofline fraction {:.2f}\n{}\n",
             r.n, r.n, r.nz, r.cells, r.working_set_bytes / 1048576.0, r.llc_bytes / 1048576.0,
             r.working_set_bytes / std::max(1.0, r.llc_bytes), r.steps, r.threads, r.seconds,
             r.updates_per_s, r.bytes_per_update, r.updates_per_s * r.bytes_per_update / 1e9,
             r.stream_gb_s, r.roofline_fraction, kDisclaimer));
         return 0;
       }});
}

}  // namespace mnsim::cli
