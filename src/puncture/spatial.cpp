#include "spatial.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mnsim::puncture {

namespace {

// A uniform grid of cells over [0, side)^2 holding channel indices.
class CellGrid {
 public:
  CellGrid(const std::vector<Channel>& channels, double side, double cell_hint) : side_(side) {
    const double cells = std::clamp(std::floor(side / std::max(cell_hint, 1e-12)), 1.0, 1024.0);
    n_ = static_cast<int>(cells);
    cell_ = side / n_;
    start_.assign(static_cast<std::size_t>(n_ * n_) + 1, 0);
    std::vector<int> which(channels.size());
    for (std::size_t i = 0; i < channels.size(); ++i) {
      which[i] = index(cell_of(channels[i].x_m), cell_of(channels[i].y_m));
      ++start_[static_cast<std::size_t>(which[i]) + 1];
    }
    for (std::size_t k = 1; k < start_.size(); ++k)
      start_[k] += start_[k - 1];
    items_.resize(channels.size());
    std::vector<int> fill(start_.begin(), start_.end() - 1);
    for (std::size_t i = 0; i < channels.size(); ++i)
      items_[static_cast<std::size_t>(fill[static_cast<std::size_t>(which[i])]++)] =
          static_cast<int>(i);
  }

  [[nodiscard]] int n() const { return n_; }
  [[nodiscard]] double cell() const { return cell_; }
  [[nodiscard]] int cell_of(double v) const {
    const int c = static_cast<int>(std::floor(v / cell_));
    return ((c % n_) + n_) % n_;
  }
  [[nodiscard]] int index(int cx, int cy) const {
    return ((cy % n_) + n_) % n_ * n_ + ((cx % n_) + n_) % n_;
  }
  template <typename F>
  void for_each_in(int cx, int cy, F&& f) const {
    const auto k = static_cast<std::size_t>(index(cx, cy));
    for (int j = start_[k]; j < start_[k + 1]; ++j)
      f(items_[static_cast<std::size_t>(j)]);
  }
  // Minimum-image difference on the periodic patch.
  [[nodiscard]] double wrap(double d) const { return d - side_ * std::round(d / side_); }

 private:
  double side_;
  int n_ = 1;
  double cell_ = 1;
  std::vector<int> start_;
  std::vector<int> items_;
};

}  // namespace

std::vector<double> nearest_neighbour_m(const std::vector<Channel>& channels, double side_m) {
  std::vector<double> out;
  if (channels.size() < 2)
    return out;
  // About two channels per cell.
  const double hint = side_m * std::sqrt(2.0 / static_cast<double>(channels.size()));
  const CellGrid grid(channels, side_m, hint);
  out.resize(channels.size());
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const auto& c = channels[i];
    const int cx = grid.cell_of(c.x_m);
    const int cy = grid.cell_of(c.y_m);
    double best2 = std::numeric_limits<double>::infinity();
    // Rings of cells outwards until no closer channel can exist.
    for (int r = 0; r <= grid.n(); ++r) {
      for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
          if (std::max(std::abs(dx), std::abs(dy)) != r)
            continue;
          grid.for_each_in(cx + dx, cy + dy, [&](int j) {
            if (static_cast<std::size_t>(j) == i)
              return;
            const double ddx = grid.wrap(channels[static_cast<std::size_t>(j)].x_m - c.x_m);
            const double ddy = grid.wrap(channels[static_cast<std::size_t>(j)].y_m - c.y_m);
            best2 = std::min(best2, ddx * ddx + ddy * ddy);
          });
        }
      }
      const double reach = r * grid.cell();
      if (best2 <= reach * reach || 2 * r + 1 >= grid.n())
        break;
    }
    out[i] = std::sqrt(best2);
  }
  return out;
}

double coverage_fraction(const std::vector<Channel>& channels, double side_m, int samples,
                         core::Rng& rng) {
  if (channels.empty() || samples <= 0)
    return 0;
  double max_a = 0;
  for (const auto& c : channels)
    max_a = std::max(max_a, c.opening_major_radius_m);
  // Cells no smaller than the largest semi-axis: a 3 x 3 block holds every
  // opening that can reach a point.
  const CellGrid grid(channels, side_m, std::max(max_a, side_m / 1024));
  const int reach = 1;  // with fewer than 3 cells a side this revisits cells: harmless
  std::vector<double> ct(channels.size());
  std::vector<double> st(channels.size());
  for (std::size_t i = 0; i < channels.size(); ++i) {
    ct[i] = std::cos(channels[i].angle_rad);
    st[i] = std::sin(channels[i].angle_rad);
  }
  int inside = 0;
  for (int s = 0; s < samples; ++s) {
    const double x = rng.uniform() * side_m;
    const double y = rng.uniform() * side_m;
    const int cx = grid.cell_of(x);
    const int cy = grid.cell_of(y);
    bool hit = false;
    for (int dy = -reach; dy <= reach && !hit; ++dy) {
      for (int dx = -reach; dx <= reach && !hit; ++dx) {
        grid.for_each_in(cx + dx, cy + dy, [&](int j) {
          if (hit)
            return;
          const auto& c = channels[static_cast<std::size_t>(j)];
          const double ddx = grid.wrap(x - c.x_m);
          const double ddy = grid.wrap(y - c.y_m);
          const auto k = static_cast<std::size_t>(j);
          const double u = (ddx * ct[k] + ddy * st[k]) / c.opening_major_radius_m;
          const double v = (-ddx * st[k] + ddy * ct[k]) / c.opening_minor_radius_m;
          hit = u * u + v * v <= 1.0;
        });
      }
    }
    inside += hit ? 1 : 0;
  }
  return static_cast<double>(inside) / samples;
}

}  // namespace mnsim::puncture
