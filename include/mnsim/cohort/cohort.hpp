// Virtual cohorts (issue 14): N people drawn from the case's [cohort]
// population, each run through the cheap chain for every zone -- pattern on a
// 1 cm^2 patch, response, course (as the planner's predictor: one output step
// per day, CVODE rel_tol 1e-5) -- with model-parameter uncertainty from the
// insertion calibration's posterior. Per zone: percentiles of the outcomes and
// the probabilities users ask for; Sobol indices of the headline outcomes
// with respect to the drawn inputs. Delivery (transport) is not in the chain.
//
// A person is a point x of independent inputs (kInputs below): three uniform
// numbers (age, sex, phototype) and six standard normal ones (epidermis and
// dermis of anatomy::Atlas::person, the four of puncture::posterior_at).
// Every evaluation ("unit") has its own stream keyed by (seed, sample, row),
// results are kept per unit and reduced in unit order: the result does not
// depend on the thread count, the rank count or on a resume from a
// checkpoint. docs/cohorts.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/cohort/sobol.hpp"
#include "mnsim/puncture/mechanics.hpp"
#include "mnsim/puncture/pattern.hpp"

namespace mnsim::cohort {

// The independent inputs of a person, in the order they are drawn.
inline constexpr std::size_t kInputs = 9;
extern const std::array<std::string_view, kInputs> kInputNames;
using Inputs = std::array<double, kInputs>;

// The outcomes of one zone of one person, in the order kept per unit.
enum Outcome : std::size_t {
  kRealDepthUm,
  kScBreachedFraction,
  kErythemaResolvedDay,
  kPainNrs,  // without anaesthetic: the numbed depth needs transport
  kCollagenGainRel,
  kPihProbability,
  kReachTarget,        // 1 when the real depth reaches the indication's goal depth in this person
  kDeliveredUgPerCm2,  // --full with a product: past the stratum corneum at the horizon (1D); else
                       // 0
  kPainNrsNumbed,      // --full with an anaesthetic: pain at its numbed depth; else kPainNrs
  kOutcomes
};
extern const std::array<std::string_view, kOutcomes> kOutcomeNames;
// The outcomes the sensitivity analysis reports.
inline constexpr std::array kSensitivityOutcomes{kRealDepthUm, kErythemaResolvedDay,
                                                 kCollagenGainRel};

struct Person {
  double age_years = 45;
  cases::Sex sex = cases::Sex::Female;
  int fitzpatrick = 3;
  double epidermis_z = 0;
  double dermis_z = 0;
  std::array<double, 4> posterior_z{};
};
Person person_of(const cases::Population& population, const Inputs& x);

// The case with the person's age, sex and phototype.
cases::Case with_person(const cases::Case& c, const Person& p);
// The person's puncture input for a zone of a with_person() case: the
// atlas's skin at the person's z-scores, on the cheap chain's patch.
puncture::PatternInput person_pattern_input(const cases::Case& pc, std::size_t zone,
                                            const Person& p, const anatomy::Atlas& atlas);
// The insertion parameters at the person's posterior z-scores (dose-only:
// pipeline::cheap::dose_params).
puncture::MechanicsParams person_params(const Person& p);

// Row `row` of the design's sample A (the cohort) or B (the Saltelli partner).
Inputs draw_inputs(std::uint64_t seed, char sample, std::size_t row);

// One person's outcomes, zone by zone (kOutcomes values per zone). `full`:
// also the delivery (1D transport of the case's product, the anaesthetic
// left out) when the case gives a product.
std::vector<std::array<double, kOutcomes>> evaluate(const cases::Case& c, const Person& p,
                                                    const anatomy::Atlas& atlas, bool full = false);

struct Options {
  std::size_t n = 100;                 // people (rows of A)
  std::size_t sobol_n = 0;             // rows of A and B in the Saltelli design (<= n; 0: none)
  int bootstrap = 200;                 // resamples behind the index intervals
  std::optional<std::string> out_dir;  // checkpoint directory (resume with the same arguments)
  std::size_t chunk = 64;              // units per checkpoint chunk
  bool full = false;  // the full chain: delivery per person (1D) when a product is given
  // Names the run in every chunk (the CLI: the case's SHA-256 and the
  // version): a directory holding another run's chunks is refused.
  std::string checkpoint_key;
  // Called after each chunk this process wrote (count so far); nullptr: none.
  std::function<void(std::size_t)> after_chunk = nullptr;
  // A distributed run's share (rank, ranks) and its gather; nullptr: one process.
  int rank = 0;
  int ranks = 1;
  std::function<void(std::vector<double>& unit_values, std::size_t units)> gather = nullptr;
  // Progress of the units (done, total); nullptr: none.
  std::function<void(std::size_t, std::size_t)> progress = nullptr;
};

struct Percentiles {
  double p5 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0;
};

struct PhototypeRisk {
  int fitzpatrick = 0;
  std::size_t people = 0;
  double pih_probability_mean = 0;  // mean over the phototype's people (0 when none)
};

struct ZoneSummary {
  std::string site;
  std::string indication;
  std::array<Percentiles, kOutcomes> outcomes{};  // kReachTarget's unused
  double p_reach_target = 0;
  double p_downtime_exceeds = 0;  // erythema resolved after patient.max_downtime_days
  std::array<PhototypeRisk, 6> pih_by_phototype{};
};

struct SensitivityRow {
  std::string site;
  std::string output;
  std::string input;
  SobolIndex index;
};

struct Result {
  std::size_t n = 0;
  std::size_t sobol_n = 0;
  bool delivery = false;  // the full chain ran (Options::full and a product)
  bool numbed = false;    // the full chain ran with the case's anaesthetic
  int ranks = 1;
  std::uint64_t seed = 0;
  double max_downtime_days = 0;
  std::size_t resumed_units = 0;  // read from the checkpoint, not recomputed
  std::size_t units = 0;
  std::vector<ZoneSummary> zones;
  std::vector<SensitivityRow> sensitivity;  // by site, output, then total order (largest first)
};

// Throws InputError for a medium case, no zones, or an inconsistent [cohort].
Result run(const cases::Case& c, const anatomy::Atlas& atlas, const Options& options);

// The JSON view (docs/interface.md, "cohort --json"), without provenance.
nlohmann::json to_json(const Result& r);
// The readable tables: per zone the outcome percentiles and probabilities,
// PIH by phototype, then the ranked sensitivity table.
std::string to_text(const Result& r);

// Units of a design with n people and a Saltelli design of sobol_n rows.
std::size_t unit_count(std::size_t n, std::size_t sobol_n);

}  // namespace mnsim::cohort
