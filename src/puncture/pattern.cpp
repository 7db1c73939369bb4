#include "mnsim/puncture/pattern.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include <fmt/format.h>

#include "../core/data_toml.hpp"
#include "mnsim/core/random.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"
#include "spatial.hpp"

namespace mnsim::puncture {

namespace {

using cases::DeviceKind;

// Inverse of the standard normal CDF by bisection on erfc (a handful of calls).
double normal_quantile(double q) {
  double lo = -10;
  double hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::numbers::sqrt2) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Quantile-bin centres of a log-normal with mean 1 and the given CV.
std::vector<double> lognormal_bins(double cv, int bins) {
  std::vector<double> out(static_cast<std::size_t>(bins), 1.0);
  if (cv <= 0)
    return out;
  const double s2 = std::log1p(cv * cv);
  const double s = std::sqrt(s2);
  for (int b = 0; b < bins; ++b)
    out[static_cast<std::size_t>(b)] = std::exp(-0.5 * s2 + s * normal_quantile((b + 0.5) / bins));
  return out;
}

struct Entry {
  bool punctured = false;
  double depth_m = 0;
  double major_m = 0;
  double minor_m = 0;
};

// A straight lane of strokes (one pass direction, one lateral position).
struct Lane {
  double cos_t = 1;
  double sin_t = 0;
  double center = 0;  // across (along n)
  double s_lo = 0;    // along (e) range that reaches the zone
  double s_hi = 0;
};

// Range of s for which s*e + c*n stays within the square |x|,|y| <= h.
bool clip(double cos_t, double sin_t, double c, double h, double& lo, double& hi) {
  lo = -1e9;
  hi = 1e9;
  // x = s cos - c sin ; y = s sin + c cos
  auto one = [&](double coef, double off) {
    if (std::abs(coef) < 1e-12)
      return std::abs(off) <= h;
    double a = (-h - off) / coef;
    double b = (h - off) / coef;
    if (a > b)
      std::swap(a, b);
    lo = std::max(lo, a);
    hi = std::min(hi, b);
    return lo <= hi;
  };
  return one(cos_t, -c * sin_t) && one(sin_t, c * cos_t);
}

// Needle offsets of a pen cartridge or stamp head: a square-ish grid,
// `cols` along the stroke, `rows` across.
struct Grid {
  int cols = 1;
  int rows = 1;
  std::vector<double> along;
  std::vector<double> across;
};
Grid grid_of(int count, double pitch) {
  Grid g;
  g.cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
  g.rows = (count + g.cols - 1) / g.cols;
  for (int n = 0; n < count; ++n) {
    const int col = n % g.cols;
    const int row = n / g.cols;
    g.along.push_back((col - 0.5 * (g.cols - 1)) * pitch);
    g.across.push_back((row - 0.5 * (g.rows - 1)) * pitch);
  }
  return g;
}

Distribution weighted_distribution(std::vector<std::pair<double, std::uint64_t>> v) {
  Distribution d;
  std::sort(v.begin(), v.end());
  std::uint64_t total = 0;
  double sum = 0;
  for (const auto& [x, n] : v) {
    total += n;
    sum += x * static_cast<double>(n);
  }
  if (total == 0)
    return d;
  d.mean = sum / static_cast<double>(total);
  auto quantile = [&](double q) {
    const double target = q * static_cast<double>(total);
    std::uint64_t cum = 0;
    for (const auto& [x, n] : v) {
      cum += n;
      if (static_cast<double>(cum) >= target)
        return x;
    }
    return v.back().first;
  };
  d.p10 = quantile(0.10);
  d.p50 = quantile(0.50);
  d.p90 = quantile(0.90);
  return d;
}

}  // namespace

std::vector<Contact> roller_stroke(const device::Device& d, double rolling_radius_m,
                                   double length_m) {
  std::vector<Contact> out;
  const int rings = std::max(1, d.needle_rows);
  const int per_ring = std::max(1, d.needle_count / rings);
  const double pitch = 2 * std::numbers::pi / per_ring;
  const double turn = 2 * std::numbers::pi * rolling_radius_m;
  for (int r = 0; r < rings; ++r) {
    const double across = (r + 0.5) * d.drum_width_m / rings - 0.5 * d.drum_width_m;
    for (int j = 0; j < per_ring; ++j) {
      const double first = rolling_radius_m * pitch * (j + 0.5 * (r % 2));
      for (double s = first; s < length_m; s += turn)
        out.push_back({r * per_ring + j, s, across});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Contact& a, const Contact& b) { return a.along_m < b.along_m; });
  return out;
}

double zone_area_m2(const std::string& site) {
  static const toml::table root = core::data::parse("data/puncture/zone_areas.toml");
  static const bool checked = [] {
    core::Bibliography::builtin().require(
        core::data::strings(root, "sources", {"data/puncture/zone_areas.toml"}),
        "data/puncture/zone_areas.toml");
    return true;
  }();
  (void)checked;
  const core::data::Where w{"data/puncture/zone_areas.toml: [areas_cm2]"};
  const auto& areas = core::data::table(root, "areas_cm2", w);
  return units::from_cm2(core::data::positive(areas, site, w));
}

namespace {

// The insertion table: one entry per (needle, local-stiffness bin), each the
// needle's insertion at the device's tip travel into skin of that stiffness.
struct InsertionTable {
  std::vector<Entry> entries;
  int bins = 1;
  double rolling_radius_m = 0;  // rollers: the drum's rolling radius on the skin
};

// Fills z's mechanics (modulus, puncture force, travel, contact) on the way.
InsertionTable insertion_table(const PatternInput& in, const MechanicsParams& p, ZonePattern& z) {
  const auto& dev = in.device;
  const int n_needles = dev.needle_count;
  InsertionTable t;
  t.bins = std::max(1, p.modulus_bins);
  const Needle mean_needle = Needle::of(dev, in.length_m, in.condition.tip_radius_m);
  const SkinMechanics skin = skin_mechanics(in.skin, mean_needle.base_radius_m, /*in_vivo=*/true,
                                            needle_speed_m_s(dev, in.length_m, p), p);
  z.effective_modulus_pa = skin.dimple_modulus_pa;
  const InsertionModel mean_model(mean_needle, skin, p);
  z.puncture_force_n = mean_model.puncture_force_n();

  std::pair<double, double> travel{in.length_m, in.length_m};  // pens: the depth setting
  std::pair<double, double> axle{0, 0};
  if (dev.kind == DeviceKind::Roller) {
    const DrumContact c = roller_contact(mean_model, dev, in.length_m, in.pressure_n);
    travel = c.bottom_travel_m;
    axle = c.axle_height_m;
    t.rolling_radius_m = 0.5 * (axle.first + axle.second);
    z.needles_in_contact = c.needles_in_contact;
    z.drum_on_skin = c.drum_on_skin;
  } else if (dev.kind == DeviceKind::Stamp) {
    const double u = stamp_travel_m(mean_model, n_needles, in.pressure_n, in.length_m);
    travel = {u, u};
    z.needles_in_contact = n_needles;
    z.drum_on_skin = u >= in.length_m;
  }
  z.tip_travel_m = 0.5 * (travel.first + travel.second);
  if (dev.kind != DeviceKind::Pen)
    z.force_per_needle_n = mean_model.at_travel(z.tip_travel_m).force_n;

  const int n_bins = t.bins;
  const std::vector<double> bins = lognormal_bins(p.local_modulus_cv, n_bins);
  t.entries.resize(static_cast<std::size_t>(n_needles * n_bins));
  const int rings = std::max(1, dev.needle_rows);
  const int per_ring = std::max(1, n_needles / rings);
  for (int i = 0; i < n_needles; ++i) {
    // The device's own needles: the same in every zone (key without the zone).
    core::Rng rng(in.seed, "device.needles", static_cast<std::uint64_t>(i));
    Needle needle = mean_needle;
    needle.tip_radius_m =
        std::min(rng.lognormal_mean_cv(in.condition.tip_radius_m, p.tip_radius_cv),
                 0.9 * needle.base_radius_m);
    if (rng.uniform() < in.condition.bent_fraction)
      needle.force_factor = in.condition.bent_force_factor;
    const bool odd = dev.kind == DeviceKind::Roller && ((i / per_ring) % 2 == 1);
    const double u = odd ? travel.second : travel.first;
    for (int b = 0; b < n_bins; ++b) {
      const InsertionModel m(needle, skin.scaled(bins[static_cast<std::size_t>(b)]), p);
      const Insertion ins = m.at_travel(u);
      const Opening o = dev.kind == DeviceKind::Roller
                            ? roller_opening(needle, 0.5 * dev.drum_diameter_m,
                                             odd ? axle.second : axle.first, ins)
                            : straight_opening(needle, ins);
      t.entries[static_cast<std::size_t>(i * n_bins + b)] = {ins.punctured, ins.depth_m, o.major_m,
                                                             o.minor_m};
    }
  }
  return t;
}

// The lanes of strokes over the zone, pass by pass, and the geometry the
// placement needs: the zone's half side, the drawn patch, the lane width, the
// step between placements (pens, stamps) and the needle grid (pens, stamps).
struct Lanes {
  double half = 0;
  double patch = 0;
  double lane_width = 0;
  double step = 0;  // along-stroke distance between placements (pens, stamps)
  Grid grid;
  std::vector<Lane> lanes;
};

Lanes lanes_of(const PatternInput& in, const MechanicsParams& p) {
  const auto& dev = in.device;
  Lanes k;
  const double side = std::sqrt(in.zone_area_m2);
  k.half = 0.5 * side;
  k.patch = std::min(p.patch_side_m, side);
  if (dev.kind == DeviceKind::Roller) {
    k.lane_width = dev.drum_width_m;
  } else {
    k.grid = grid_of(dev.needle_count, dev.needle_pitch_m);
    k.lane_width = k.grid.rows * dev.needle_pitch_m;
    k.step = dev.kind == DeviceKind::Pen ? in.glide_speed_m_s / dev.stroke_hz
                                         : k.grid.cols * dev.needle_pitch_m;
  }
  const double margin = dev.kind == DeviceKind::Roller
                            ? 0.5 * dev.drum_width_m
                            : 0.5 * std::hypot(k.grid.cols, k.grid.rows) * dev.needle_pitch_m;
  core::Rng rng(in.seed, fmt::format("puncture.zone{}.lanes", in.zone_index), 0);
  for (int pass = 0; pass < in.passes; ++pass) {
    const double deg = p.directions_deg[static_cast<std::size_t>(pass) % p.directions_deg.size()];
    const double t = deg * std::numbers::pi / 180;
    const double ct = std::cos(t);
    const double st = std::sin(t);
    const double extent = k.half * (std::abs(ct) + std::abs(st));
    const double offset = rng.uniform() * k.lane_width;
    for (double c = -extent - offset + 0.5 * k.lane_width; c < extent + k.lane_width;
         c += k.lane_width) {
      double lo = 0;
      double hi = 0;
      if (!clip(ct, st, c, k.half + margin, lo, hi))
        continue;
      k.lanes.push_back({ct, st, c, lo, hi});
    }
  }
  return k;
}

// Where the needles land: the count of contacts per table entry over the whole
// zone, the channels inside the drawn patch (per lane, in lane order) and the
// presses (pens, stamps).
struct Placement {
  std::vector<std::uint64_t> counts;
  std::vector<std::vector<Channel>> lane_channels;
  std::uint64_t presses = 0;
};

// One lane's contacts: each lands in a random stiffness bin; inside the zone it
// counts, and a puncture inside the patch becomes a channel.
void place_lane(const PatternInput& in, const MechanicsParams& p, const InsertionTable& table,
                const Lanes& k, std::size_t li, std::vector<std::uint64_t>& local,
                std::uint64_t& local_presses, std::vector<Channel>& out) {
  const auto& dev = in.device;
  const int n_bins = table.bins;
  const double jitter = p.placement_jitter_m;
  const double px0 = -0.5 * k.patch;
  const Lane& L = k.lanes[li];
  core::Rng rng(in.seed, fmt::format("puncture.zone{}.lane", in.zone_index), li);
  auto place = [&](int needle, double s, double a, double angle) {
    const double x = s * L.cos_t - a * L.sin_t;
    const double y = s * L.sin_t + a * L.cos_t;
    const auto bin = static_cast<int>(rng() % static_cast<std::uint64_t>(n_bins));
    if (std::abs(x) > k.half || std::abs(y) > k.half)
      return;
    const std::size_t e_k = static_cast<std::size_t>(needle * n_bins + bin);
    ++local[e_k];
    const Entry& e = table.entries[e_k];
    if (!p.patch_channels || !e.punctured || std::abs(x) >= 0.5 * k.patch ||
        std::abs(y) >= 0.5 * k.patch)
      return;
    out.push_back({x - px0, y - px0, e.depth_m, 0.5 * e.major_m, 0.5 * e.minor_m, angle, needle});
  };
  const double angle = std::atan2(L.sin_t, L.cos_t);
  if (dev.kind == DeviceKind::Roller) {
    const double turn = 2 * std::numbers::pi * table.rolling_radius_m;
    const double s0 = L.s_lo - rng.uniform() * turn;
    for (const Contact& c : roller_stroke(dev, table.rolling_radius_m, L.s_hi - s0)) {
      const double ds = jitter * rng.normal();
      const double da = jitter * rng.normal();
      place(c.needle, s0 + c.along_m + ds, L.center + c.across_m + da, angle);
    }
  } else {
    const double s0 = L.s_lo - rng.uniform() * k.step;
    for (double s = s0; s <= L.s_hi; s += k.step) {
      const double ds = jitter * rng.normal();  // the whole cluster moves
      const double da = jitter * rng.normal();
      ++local_presses;
      for (int n = 0; n < dev.needle_count; ++n) {
        place(n, s + k.grid.along[static_cast<std::size_t>(n)] + ds,
              L.center + k.grid.across[static_cast<std::size_t>(n)] + da, angle);
      }
    }
  }
}

Placement placement(const PatternInput& in, const MechanicsParams& p, const InsertionTable& table,
                    const Lanes& k) {
  const std::size_t n_entries = table.entries.size();
  Placement pl;
  pl.counts.assign(n_entries, 0);
  pl.lane_channels.resize(k.lanes.size());
#pragma omp parallel
  {
    std::vector<std::uint64_t> local(n_entries, 0);
    std::uint64_t local_presses = 0;
#pragma omp for schedule(dynamic)
    for (std::size_t li = 0; li < k.lanes.size(); ++li)
      place_lane(in, p, table, k, li, local, local_presses, pl.lane_channels[li]);
#pragma omp critical(mnsim_puncture_counts)
    {
      // Integer sums: the same whatever the order or thread count.
      for (std::size_t e = 0; e < n_entries; ++e)
        pl.counts[e] += local[e];
      pl.presses += local_presses;
    }
  }
  return pl;
}

// The zone's statistics from the counts: channels, depths, openings, the
// depth histogram, pen rate and time; then the patch's channels, their
// spacing and the coverage.
void summarize(const PatternInput& in, const MechanicsParams& p, const InsertionTable& table,
               const Lanes& k, Placement& pl, ZonePattern& z) {
  const auto& dev = in.device;
  const auto& entries = table.entries;
  std::vector<std::pair<double, std::uint64_t>> depths;
  double major_sum = 0;
  double minor_sum = 0;
  double max_depth = 0;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    z.attempts_total += pl.counts[e];
    if (entries[e].punctured && pl.counts[e] > 0) {
      z.channels_total += pl.counts[e];
      depths.emplace_back(entries[e].depth_m, pl.counts[e]);
      major_sum += entries[e].major_m * static_cast<double>(pl.counts[e]);
      minor_sum += entries[e].minor_m * static_cast<double>(pl.counts[e]);
      max_depth = std::max(max_depth, entries[e].depth_m);
    }
  }
  z.presses_total = dev.kind == DeviceKind::Stamp ? pl.presses : 0;
  z.unpunctured_fraction = z.attempts_total > 0 ? 1.0 - static_cast<double>(z.channels_total) /
                                                            static_cast<double>(z.attempts_total)
                                                : 0.0;
  // A puncture is the fracture of the stratum corneum: every channel breaches it.
  z.sc_breached_fraction = z.attempts_total > 0 ? static_cast<double>(z.channels_total) /
                                                      static_cast<double>(z.attempts_total)
                                                : 0.0;
  z.punctures_per_cm2 = static_cast<double>(z.channels_total) / units::to_cm2(in.zone_area_m2);
  if (z.channels_total > 0) {
    z.opening_major_mean_m = major_sum / static_cast<double>(z.channels_total);
    z.opening_minor_mean_m = minor_sum / static_cast<double>(z.channels_total);
  }
  z.depth_histogram.assign(static_cast<std::size_t>(max_depth / z.depth_bin_m) + 1, 0);
  for (const auto& [d, n] : depths)
    z.depth_histogram[static_cast<std::size_t>(d / z.depth_bin_m)] += n;
  z.depth_m = weighted_distribution(std::move(depths));
  if (dev.kind == DeviceKind::Pen) {
    z.channels_per_s = dev.needle_count * dev.stroke_hz * (1.0 - z.unpunctured_fraction);
    z.treatment_time_s = in.passes * in.zone_area_m2 / (in.glide_speed_m_s * k.lane_width);
  }

  for (auto& v : pl.lane_channels) {
    z.patch_channels.insert(z.patch_channels.end(), v.begin(), v.end());
    std::vector<Channel>().swap(v);
  }
  if (!p.patch_channels)
    return;  // no positions: no spacing, no coverage
  if (p.spacing_statistics) {
    const auto nn = nearest_neighbour_m(z.patch_channels, k.patch);
    std::vector<std::pair<double, std::uint64_t>> nn_w;
    nn_w.reserve(nn.size());
    for (double d : nn)
      nn_w.emplace_back(d, 1);
    z.nn_spacing_m = weighted_distribution(std::move(nn_w));
  }
  core::Rng cov_rng(in.seed, fmt::format("puncture.zone{}.coverage", in.zone_index), 0);
  z.coverage_fraction = coverage_fraction(z.patch_channels, k.patch, p.coverage_samples, cov_rng);
}

}  // namespace

ExpectedInsertion expected_insertion(const PatternInput& in, const MechanicsParams& p) {
  ZonePattern scratch;
  const InsertionTable table = insertion_table(in, p, scratch);
  ExpectedInsertion out;
  std::size_t punctured = 0;
  double sum = 0;
  for (const Entry& e : table.entries) {
    if (e.punctured) {
      ++punctured;
      sum += e.depth_m;
    }
  }
  if (!table.entries.empty())
    out.sc_breached_fraction =
        static_cast<double>(punctured) / static_cast<double>(table.entries.size());
  if (punctured > 0)
    out.mean_depth_m = sum / static_cast<double>(punctured);
  return out;
}

ZonePattern simulate(const PatternInput& in, const MechanicsParams& p) {
  ZonePattern z;
  z.site = in.site;
  z.indication = in.indication;
  z.device_model = in.device.model;
  z.kind = in.device.kind;
  z.zone_area_m2 = in.zone_area_m2;
  z.length_m = in.length_m;
  z.passes = in.passes;
  z.tip_radius_m = in.condition.tip_radius_m;
  z.bent_fraction = in.condition.bent_fraction;

  const InsertionTable table = insertion_table(in, p, z);
  const Lanes lanes = lanes_of(in, p);
  z.patch_side_m = lanes.patch;
  Placement pl = placement(in, p, table, lanes);
  summarize(in, p, table, lanes, pl, z);
  return z;
}

}  // namespace mnsim::puncture
