#include "mnsim/cohort/cohort.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "mnsim/core/error.hpp"
#include "mnsim/core/random.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/cheap_chain.hpp"
#include "mnsim/pipeline/check.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/puncture/resealing.hpp"
#include "mnsim/puncture/uncertainty.hpp"
#include "mnsim/response/response.hpp"

namespace mnsim::cohort {

const std::array<std::string_view, kInputs> kInputNames{
    "age_years",    "sex",          "fitzpatrick",  "epidermis_thickness", "dermis_thickness",
    "insertion_z1", "insertion_z2", "insertion_z3", "insertion_z4"};

const std::array<std::string_view, kOutcomes> kOutcomeNames{
    "real_depth_um",         "sc_breached_fraction",
    "erythema_resolved_day", "pain_nrs_unnumbed",
    "collagen_gain_rel",     "pih_probability",
    "reach_target",          "delivered_past_sc_ug_per_cm2",
    "pain_nrs_numbed"};

namespace {

Percentiles percentiles_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {percentile(v, 0.05), percentile(v, 0.25), percentile(v, 0.50), percentile(v, 0.75),
          percentile(v, 0.95)};
}

// --- checkpoint: one file per chunk of units ---
constexpr std::string_view kChunkMagic = "mnsim-cohort-chunk 1";

std::filesystem::path chunk_path(const std::string& dir, std::size_t k) {
  return std::filesystem::path(dir) / fmt::format("chunk-{:06d}.bin", k);
}

std::string chunk_header(const std::string& key, std::size_t first, std::size_t count,
                         std::size_t per_unit) {
  return fmt::format("{}\n{}\n{} {} {}\n", kChunkMagic, key, first, count, per_unit);
}

// The chunk's values when the file holds this run's chunk; nullopt when absent.
std::optional<std::vector<double>> read_chunk(const std::filesystem::path& path,
                                              const std::string& header, std::size_t values) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.compare(0, header.size(), header) != 0 ||
      bytes.size() != header.size() + values * sizeof(double))
    throw InputError(
        {InputIssue{"<command line>", "--out", path.parent_path().string(),
                    fmt::format("{} is not a chunk of this run (another case, seed, --chunk, "
                                "--n or --sobol-n, or a damaged file): use a new "
                                "--out directory",
                                path.filename().string())}});
  std::vector<double> v(values);
  std::memcpy(v.data(), bytes.data() + header.size(), values * sizeof(double));
  return v;
}

}  // namespace

std::size_t unit_count(std::size_t n, std::size_t sobol_n) {
  return n + sobol_n * (kInputs + 1);
}

Inputs draw_inputs(std::uint64_t seed, char sample, std::size_t row) {
  core::Rng rng(seed, sample == 'A' ? "cohort.A" : "cohort.B", row);
  Inputs x{};
  for (std::size_t i = 0; i < 3; ++i)
    x[i] = rng.uniform();
  for (std::size_t i = 3; i < kInputs; ++i)
    x[i] = rng.normal();
  return x;
}

Person person_of(const cases::Population& population, const Inputs& x) {
  Person p;
  p.age_years =
      population.age_years_min + x[0] * (population.age_years_max - population.age_years_min);
  p.sex = x[1] < population.female_fraction ? cases::Sex::Female : cases::Sex::Male;
  double total = 0;
  for (const double w : population.fitzpatrick_weights)
    total += w;
  double cum = 0;
  p.fitzpatrick = 6;
  for (std::size_t k = 0; k < 6; ++k) {
    cum += population.fitzpatrick_weights[k] / total;
    if (x[2] < cum && population.fitzpatrick_weights[k] > 0) {
      p.fitzpatrick = static_cast<int>(k) + 1;
      break;
    }
  }
  // Rounding could leave the top of [0, 1) past the sum: the last weighted type.
  if (x[2] >= cum) {
    for (std::size_t k = 6; k-- > 0;) {
      if (population.fitzpatrick_weights[k] > 0) {
        p.fitzpatrick = static_cast<int>(k) + 1;
        break;
      }
    }
  }
  p.epidermis_z = x[3];
  p.dermis_z = x[4];
  for (std::size_t k = 0; k < 4; ++k)
    p.posterior_z[k] = x[5 + k];
  return p;
}

cases::Case with_person(const cases::Case& c, const Person& p) {
  cases::Case pc = c;
  pc.patient.age_years = p.age_years;
  pc.patient.sex = p.sex;
  pc.patient.fitzpatrick = p.fitzpatrick;
  return pc;
}

puncture::PatternInput person_pattern_input(const cases::Case& pc, std::size_t zone,
                                            const Person& p, const anatomy::Atlas& atlas) {
  puncture::PatternInput in = pipeline::pattern_input(pc, zone, atlas);
  in.skin = atlas.person(pc.zones[zone].site, pipeline::subject_of(pc), p.epidermis_z, p.dermis_z);
  in.zone_area_m2 = pipeline::cheap::kPatchAreaM2;
  return in;
}

puncture::MechanicsParams person_params(const Person& p) {
  return puncture::posterior_at(pipeline::cheap::builtin_dose_params(), p.posterior_z);
}

std::vector<std::array<double, kOutcomes>> evaluate(const cases::Case& c, const Person& p,
                                                    const anatomy::Atlas& atlas, bool full) {
  const bool deliver = full && (c.product.has_value() || c.procedure.anaesthetic.has_value());
  std::vector<transport::ZoneSkin> skins;
  std::vector<response::InjuryDose> doses;
  const cases::Case pc = with_person(c, p);
  const puncture::MechanicsParams params = person_params(p);
  const auto& limits = planner::Limits::builtin();
  std::vector<std::array<double, kOutcomes>> out(c.zones.size());
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    const puncture::PatternInput in = person_pattern_input(pc, i, p, atlas);
    const auto e = puncture::expected_insertion(in, params);
    const auto pattern = puncture::simulate(in, params);
    const auto dose = pipeline::injury_dose(pattern, in.skin);
    const healing::Course k = pipeline::course_of(
        pc, dose, std::nullopt, {}, pipeline::cheap::kStepsPerDay, pipeline::cheap::kRelTol, i);
    const auto& ind = limits.indication(c.zones[i].indication);
    const auto& goal = in.skin.slab(ind.goal_layer);
    const double goal_m = goal.top_m + ind.goal_fraction * goal.thickness_m;
    auto& o = out[i];
    o[kRealDepthUm] = units::to_um(e.mean_depth_m);
    o[kScBreachedFraction] = e.sc_breached_fraction;
    o[kErythemaResolvedDay] = k.erythema_resolved_day;
    o[kPainNrs] = k.first_session.pain_nrs;
    o[kCollagenGainRel] = k.collagen_rel_end;
    o[kPihProbability] = k.first_session.pih.probability;
    o[kReachTarget] = e.mean_depth_m >= goal_m ? 1.0 : 0.0;
    o[kDeliveredUgPerCm2] = 0.0;
    o[kPainNrsNumbed] = o[kPainNrs];
    if (deliver) {
      doses.push_back(dose);
      skins.push_back({in.skin,
                       pipeline::channel_spec(pattern, puncture::closure_conditions(pc, i)),
                       std::nullopt});
    }
  }
  if (deliver) {
    // The product and the anaesthetic in 1D (the cheapest fidelity): this
    // person's skin and channels in every zone, one transport run per zone
    // and substance. As pipeline::run: the product's amount past the stratum
    // corneum at the horizon; the pain with the intact-skin numbed depth when
    // the cream comes off.
    cases::Case one_d = pc;
    one_d.simulation.fidelity = cases::Fidelity::OneD;
    const auto cd = pipeline::deliver_case(one_d, pipeline::resolved_device(pc), skins);
    for (std::size_t i = 0; i < c.zones.size(); ++i) {
      const auto& z = cd.zones[i];
      out[i][kDeliveredUgPerCm2] = z.delivery ? z.delivery->needled.past_sc_ug_per_cm2.back() : 0.0;
      if (z.anaesthetic && c.procedure.anaesthetic) {
        const auto depth = z.anaesthetic->numbed_depth_intact_um_at(
            units::from_minutes(c.procedure.anaesthetic->minutes));
        out[i][kPainNrsNumbed] =
            response::pain_nrs(doses[i], depth.value_or(0.0), response::Params::builtin());
      }
    }
  }
  return out;
}

namespace {

Inputs unit_inputs(std::uint64_t seed, std::size_t n, std::size_t m, std::size_t u) {
  if (u < n)
    return draw_inputs(seed, 'A', u);
  if (u < n + m)
    return draw_inputs(seed, 'B', u - n);
  const std::size_t i = (u - n - m) / m;
  const std::size_t j = (u - n - m) % m;
  Inputs a = draw_inputs(seed, 'A', j);
  a[i] = draw_inputs(seed, 'B', j)[i];
  return a;
}

}  // namespace

Result run(const cases::Case& c, const anatomy::Atlas& atlas, const Options& options) {
  if (c.medium || c.zones.empty())
    throw InputError({InputIssue{
        c.source, "zones", "", "a cohort needs atlas zones ([[zones]]), not an explicit medium"}});
  if (auto issues = pipeline::check_population(c.cohort); !issues.empty()) {
    for (auto& i : issues)
      i.file = c.source;
    throw InputError(std::move(issues));
  }
  const std::size_t n = options.n;
  const std::size_t m = std::min(options.sobol_n, n);
  if (n < 2)
    throw InputError(
        {InputIssue{"<command line>", "--n", std::to_string(n), "must be at least 2"}});
  if (m == 1)
    throw InputError({InputIssue{"<command line>", "--sobol-n", "1", "must be 0 or at least 2"}});
  const std::size_t zones = c.zones.size();
  const std::size_t per_unit = zones * kOutcomes;
  const std::size_t units = unit_count(n, m);
  const std::size_t chunk = std::max<std::size_t>(1, options.chunk);
  const std::size_t chunks = (units + chunk - 1) / chunk;
  const std::uint64_t seed = c.info.seed;
  Result r;
  r.n = n;
  r.sobol_n = m;
  r.delivery = options.full && c.product.has_value();
  r.numbed = options.full && c.procedure.anaesthetic.has_value();
  r.ranks = options.ranks;
  r.seed = seed;
  r.units = units;
  r.max_downtime_days = c.patient.max_downtime_days;

  std::vector<double> values(units * per_unit, 0.0);
  if (options.out_dir)
    std::filesystem::create_directories(*options.out_dir);
  const std::string key = fmt::format("seed {} n {} sobol_n {} zones {} full {} {}", seed, n, m,
                                      zones, options.full ? 1 : 0, options.checkpoint_key);
  // This rank's chunks: a contiguous block.
  const auto ranks = static_cast<std::size_t>(std::max(1, options.ranks));
  const auto rank = static_cast<std::size_t>(std::max(0, options.rank));
  const std::size_t first_chunk = chunks * rank / ranks;
  const std::size_t last_chunk = chunks * (rank + 1) / ranks;
  std::size_t done = 0;
  std::size_t written = 0;
  for (std::size_t k = first_chunk; k < last_chunk; ++k) {
    const std::size_t u0 = k * chunk;
    const std::size_t u1 = std::min(units, u0 + chunk);
    const std::string header = chunk_header(key, u0, u1 - u0, per_unit);
    double* slot = values.data() + u0 * per_unit;
    if (options.out_dir) {
      if (auto v = read_chunk(chunk_path(*options.out_dir, k), header, (u1 - u0) * per_unit)) {
        std::copy(v->begin(), v->end(), slot);
        r.resumed_units += u1 - u0;
        done += u1 - u0;
        continue;
      }
    }
    // Each unit has its own streams and slot: any thread count, the same values.
#pragma omp parallel for schedule(dynamic)
    for (std::size_t u = u0; u < u1; ++u) {
      const auto o =
          evaluate(c, person_of(c.cohort, unit_inputs(seed, n, m, u)), atlas, options.full);
      for (std::size_t z = 0; z < zones; ++z)
        std::copy(o[z].begin(), o[z].end(),
                  values.begin() + static_cast<std::ptrdiff_t>(u * per_unit + z * kOutcomes));
    }
    if (options.out_dir) {
      std::string bytes = header;
      bytes.append(reinterpret_cast<const char*>(slot), (u1 - u0) * per_unit * sizeof(double));
      io::write_file_atomic(chunk_path(*options.out_dir, k), bytes);
      ++written;
      if (options.after_chunk)
        options.after_chunk(written);
    }
    done += u1 - u0;
    if (options.progress)
      options.progress(done, std::min(units, last_chunk * chunk) - first_chunk * chunk);
  }
  if (options.gather)
    options.gather(values, units);
  if (rank != 0)
    return r;

  auto value = [&](std::size_t u, std::size_t z, Outcome o) {
    return values[u * per_unit + z * kOutcomes + o];
  };
  std::vector<Person> people;
  people.reserve(n);
  for (std::size_t u = 0; u < n; ++u)
    people.push_back(person_of(c.cohort, draw_inputs(seed, 'A', u)));
  for (std::size_t z = 0; z < zones; ++z) {
    ZoneSummary s;
    s.site = c.zones[z].site;
    s.indication = std::string(cases::to_string(c.zones[z].indication));
    for (std::size_t o = 0; o < kOutcomes; ++o) {
      std::vector<double> v(n);
      for (std::size_t u = 0; u < n; ++u)
        v[u] = value(u, z, static_cast<Outcome>(o));
      s.outcomes[o] = percentiles_of(std::move(v));
    }
    double reach = 0;
    double exceeds = 0;
    for (std::size_t u = 0; u < n; ++u) {
      reach += value(u, z, kReachTarget);
      exceeds += value(u, z, kErythemaResolvedDay) > c.patient.max_downtime_days ? 1.0 : 0.0;
      auto& ph = s.pih_by_phototype[static_cast<std::size_t>(people[u].fitzpatrick - 1)];
      ++ph.people;
      ph.pih_probability_mean += value(u, z, kPihProbability);
    }
    s.p_reach_target = reach / static_cast<double>(n);
    s.p_downtime_exceeds = exceeds / static_cast<double>(n);
    for (std::size_t k = 0; k < 6; ++k) {
      auto& ph = s.pih_by_phototype[k];
      ph.fitzpatrick = static_cast<int>(k) + 1;
      if (ph.people > 0)
        ph.pih_probability_mean /= static_cast<double>(ph.people);
    }
    r.zones.push_back(std::move(s));
  }
  if (m >= 2) {
    SobolOptions so;
    so.bootstrap = options.bootstrap;
    so.seed = seed;
    for (std::size_t z = 0; z < zones; ++z) {
      for (const Outcome o : kSensitivityOutcomes) {
        std::vector<double> fa(m), fb(m);
        std::vector<std::vector<double>> fab(kInputs, std::vector<double>(m));
        for (std::size_t j = 0; j < m; ++j) {
          fa[j] = value(j, z, o);
          fb[j] = value(n + j, z, o);
          for (std::size_t i = 0; i < kInputs; ++i)
            fab[i][j] = value(n + m + i * m + j, z, o);
        }
        const auto idx = sobol_indices(fa, fb, fab, so);
        std::vector<SensitivityRow> rows;
        for (std::size_t i = 0; i < kInputs; ++i)
          rows.push_back({c.zones[z].site, std::string(kOutcomeNames[o]),
                          std::string(kInputNames[i]), idx[i]});
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
          return a.index.total_order > b.index.total_order;
        });
        for (auto& row : rows)
          r.sensitivity.push_back(std::move(row));
      }
    }
  }
  return r;
}

}  // namespace mnsim::cohort
