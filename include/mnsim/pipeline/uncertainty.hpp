// Uncertainty through the chain (issue 10, part 3). Each zone's real depth is
// a distribution: `simulation.samples` seeded draws, each combining one draw
// of the insertion parameters from their posterior (puncture/uncertainty.hpp)
// with one person drawn from the atlas's between-person model (the same
// atlas.sample the nominal run uses, from its own stream). The depth interval
// comes from every draw (puncture::expected_insertion, cheap); the later
// stages (transport, response, healing) are rerun only at the three draws
// whose depth is the p10, p50 and p90, which gives the exact quantiles of a
// later figure when that figure rises with depth (the property test
// tests/pipeline/uncertainty_test.cpp checks it over a depth sweep; where it
// does not hold the three values are still the figure at the depth
// quantiles, said in docs/models/puncture.md). One generator: every draw's
// stream is keyed by the case seed, the zone and the draw index, so the
// figures do not depend on the thread count.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/core/interval.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/puncture/pattern.hpp"
#include "mnsim/response/response.hpp"

namespace mnsim::pipeline {

// Draw k of zone `zone`: its puncture input (the case's zone, with the
// person drawn for draw k) and its insertion parameters (posterior draw k,
// shared by all zones: the parameters are the same for everybody).
struct Draw {
  puncture::PatternInput input;
  puncture::MechanicsParams params;
};
Draw draw_of(const cases::Case& c, std::size_t zone, std::size_t k, const anatomy::Atlas& atlas,
             const puncture::MechanicsParams& base);

// Draw k's injury dose: its pattern on a 1 cm^2 patch (densities and depth
// distributions do not depend on the area; coverage and spacing statistics,
// which no later stage reads, cut) in its person's skin.
response::InjuryDose draw_dose(const cases::Case& c, std::size_t zone, std::size_t k,
                               const anatomy::Atlas& atlas, const puncture::MechanicsParams& base);

// Every draw's expected depth and breached share of one zone.
struct ZoneDraws {
  std::vector<double> depth_m;  // mean channel depth (0 when nothing punctures)
  std::vector<double> sc_breached_fraction;
  core::Interval real_depth_um;
  core::Interval sc_breached_fraction_interval;
  std::array<std::size_t, 3> at_depth_quantile{};  // draw indexes at the depth p10, p50, p90
};
// OpenMP over the draws; the result does not depend on the thread count.
ZoneDraws sample_zone(const cases::Case& c, std::size_t zone, const anatomy::Atlas& atlas,
                      const puncture::MechanicsParams& base, int samples);

struct ZoneIntervals {
  core::Interval real_depth_um;
  core::Interval sc_breached_fraction;
  std::optional<core::Interval> delivered_past_sc_ug_per_cm2;  // with a product
  std::optional<core::Interval> downtime_days;                 // with the healing stage
  std::optional<core::Interval> collagen_gain_rel;             // collagen at the course's end
};

struct Uncertainty {
  int samples = 0;
  std::uint64_t seed = 0;
  std::vector<ZoneIntervals> zones;  // in case order
};

struct UncertaintyStages {
  bool delivery = false;  // rerun transport (the case's product) at the three draws
  bool healing = false;   // rerun response + healing at the three draws
  healing::Hypotheses hypotheses;
};

// The case's intervals (atlas zones only; empty for an explicit medium).
Uncertainty uncertainty(const cases::Case& c, const anatomy::Atlas& atlas,
                        const UncertaintyStages& stages);

}  // namespace mnsim::pipeline
