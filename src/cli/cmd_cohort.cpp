// mnsim cohort CASE --n N [--sobol-n M] [--json] [--out DIR]: virtual people
// drawn from the case's [cohort] population through the cheap chain, per
// zone; Sobol sensitivity of the headline outcomes. docs/cohorts.md.
#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/cohort/cohort.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/io/output.hpp"

namespace mnsim::cli {

void add_cohort_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    std::size_t n = 0;
    std::optional<std::size_t> sobol_n;
    int bootstrap = 200;
    std::size_t chunk = 64;
    bool json = false;
    std::string out_dir;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "cohort",
      "Virtual people from the case's [cohort] population through pattern, response "
      "and course, per zone; Sobol sensitivity (docs/cohorts.md)");
  cmd->add_option("case", o->case_path, "Case file (TOML); [cohort] sets the population")
      ->required();
  cmd->add_option("--n", o->n, "Number of virtual people")
      ->required()
      ->check(CLI::Range(std::size_t{2}, std::size_t{100000000}));
  cmd->add_option("--sobol-n", o->sobol_n,
                  "Rows of the Saltelli design behind the sensitivity indices (costs 10 people "
                  "each; at most --n; 0: no sensitivity). Default: min(N, 64)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{100000000}));
  cmd->add_option("--bootstrap", o->bootstrap,
                  "Bootstrap resamples behind the 95 % intervals of the indices")
      ->check(CLI::Range(10, 100000));
  cmd->add_option("--chunk", o->chunk, "People (design rows) per checkpoint chunk with --out")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  cmd->add_flag("--json", o->json, "Print as JSON");
  cmd->add_option("--out", o->out_dir,
                  "Checkpoint folder: finished chunks are kept there and a rerun with the same "
                  "arguments resumes from them; cohort.json is written there at the end");
  commands.push_back(
      {cmd, [o] {
         if (!o->out_dir.empty())
           io::check_output_folder(o->out_dir, {"cohort.json"}, "--out");
         const auto loaded = load_or_default(o->case_path);
         cohort::Options co;
         co.n = o->n;
         co.sobol_n = o->sobol_n.value_or(std::min<std::size_t>(o->n, 64));
         if (co.sobol_n > co.n)
           throw InputError(InputIssue{"<command line>", "--sobol-n", std::to_string(co.sobol_n),
                                       fmt::format("must be at most --n = {}", co.n)});
         co.bootstrap = o->bootstrap;
         co.chunk = o->chunk;
         if (!o->out_dir.empty()) {
           co.out_dir = o->out_dir;
           co.checkpoint_key = fmt::format(
               "case {} mnsim {}", loaded.provenance.case_sha256.value_or("-"), MNSIM_VERSION);
           // The test suite's stand-in for a kill: stop dead after K chunks.
           if (const char* k = std::getenv("MNSIM_COHORT_STOP_AFTER_CHUNKS")) {
             const auto stop = static_cast<std::size_t>(std::strtoull(k, nullptr, 10));
             co.after_chunk = [stop](std::size_t written) {
               if (written >= stop)
                 std::_Exit(137);
             };
           }
         }
         const auto r = cohort::run(loaded.c, anatomy::Atlas::builtin(), co);
         if (r.resumed_units > 0)
           std::fprintf(stderr, "mnsim cohort: resumed %zu of %zu evaluations from %s\n",
                        r.resumed_units, r.units, o->out_dir.c_str());
         const std::string json = dump(with_provenance(cohort::to_json(r), loaded.provenance));
         if (!o->out_dir.empty())
           io::write_file_atomic(std::filesystem::path(o->out_dir) / "cohort.json", json);
         print(o->json ? json : cohort::to_text(r));
         return 0;
       }});
}

}  // namespace mnsim::cli
