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

#ifdef MNSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace mnsim::cli {

namespace {

// MPI for the length of one cohort command, when the process was started by
// an MPI launcher (mpirun sets OMPI_COMM_WORLD_SIZE, PMIx/PMI launchers
// PMIX_RANK/PMI_RANK); otherwise -- or in a build without MPI -- one process.
class MpiSession {
 public:
  MpiSession() {
#ifdef MNSIM_HAVE_MPI
    if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr && std::getenv("PMIX_RANK") == nullptr &&
        std::getenv("PMI_RANK") == nullptr)
      return;
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (initialised == 0)
      MPI_Init(nullptr, nullptr);
    active_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
#endif
  }
  ~MpiSession() {
#ifdef MNSIM_HAVE_MPI
    if (active_)
      MPI_Finalize();
#endif
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  [[nodiscard]] int rank() const {
    return rank_;
  }
  [[nodiscard]] int size() const {
    return size_;
  }
  // A failure on one rank would leave the others waiting in the gather.
  void abort() const {
#ifdef MNSIM_HAVE_MPI
    if (active_ && size_ > 1)
      MPI_Abort(MPI_COMM_WORLD, 1);
#endif
  }

  // Rank 0 receives every rank's contiguous block of chunks (cohort::run's
  // split), in place; the reduction then runs on rank 0 in unit order.
  [[nodiscard]] std::function<void(std::vector<double>&, std::size_t)> gather(
      [[maybe_unused]] std::size_t chunk) const {
#ifdef MNSIM_HAVE_MPI
    if (!active_ || size_ < 2)
      return nullptr;
    return [this, chunk](std::vector<double>& values, std::size_t units) {
      const std::size_t per_unit = values.size() / units;
      const std::size_t chunks = (units + chunk - 1) / chunk;
      const auto k = static_cast<std::size_t>(size_);
      std::vector<int> counts(k);
      std::vector<int> displs(k);
      for (std::size_t r = 0; r < k; ++r) {
        const std::size_t u0 = std::min(units, chunks * r / k * chunk);
        const std::size_t u1 = std::min(units, chunks * (r + 1) / k * chunk);
        counts[r] = static_cast<int>((u1 - u0) * per_unit);
        displs[r] = static_cast<int>(u0 * per_unit);
      }
      const auto me = static_cast<std::size_t>(rank_);
      if (rank_ == 0) {
        MPI_Gatherv(MPI_IN_PLACE, counts[0], MPI_DOUBLE, values.data(), counts.data(),
                    displs.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD);
      } else {
        MPI_Gatherv(values.data() + displs[me], counts[me], MPI_DOUBLE, nullptr, nullptr, nullptr,
                    MPI_DOUBLE, 0, MPI_COMM_WORLD);
      }
    };
#else
    return nullptr;
#endif
  }

 private:
  bool active_ = false;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

void add_cohort_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    std::size_t n = 0;
    std::optional<std::size_t> sobol_n;
    int bootstrap = 200;
    std::size_t chunk = 64;
    bool json = false;
    bool full = false;
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
  cmd->add_flag("--full", o->full,
                "The full chain: also the product's delivery per person (1D transport; about "
                "20x the cost per person, docs/cohorts.md); no effect without a [product]");
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
         co.full = o->full;
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
         const MpiSession mpi;
         co.rank = mpi.rank();
         co.ranks = mpi.size();
         co.gather = mpi.gather(co.chunk);
         cohort::Result r;
         try {
           r = cohort::run(loaded.c, anatomy::Atlas::builtin(), co);
         } catch (const InputError&) {
           throw;  // found by every rank before any work: all exit with status 2
         } catch (...) {
           mpi.abort();
           throw;
         }
         if (mpi.rank() != 0)
           return 0;  // rank 0 reports
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
