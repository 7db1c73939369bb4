// Private: spatial binning of the channels of a periodic square patch
// (nearest neighbours, area coverage) without all-pairs loops.
#pragma once

#include <vector>

#include "mnsim/core/random.hpp"
#include "mnsim/puncture/pattern.hpp"

namespace mnsim::puncture {

// Distance from each channel to its nearest other channel (periodic patch).
std::vector<double> nearest_neighbour_m(const std::vector<Channel>& channels, double side_m);

// Fraction of the patch inside at least one elliptical channel opening,
// estimated from `samples` uniform points drawn from `rng`.
double coverage_fraction(const std::vector<Channel>& channels, double side_m, int samples,
                         core::Rng& rng);

}  // namespace mnsim::puncture
