#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "mnsim/core/units.hpp"

namespace mnsim::cli {

Progress::Progress(bool enabled)
    : active_(enabled && isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  finish();
}

void Progress::update(std::size_t zone, std::size_t zones, const std::string& site, double t_s,
                      double horizon_s) {
  if (!active_)
    return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100))
    return;
  last_ = now;
  const double f = horizon_s > 0 ? std::clamp(t_s / horizon_s, 0.0, 1.0) : 0.0;
  const double overall =
      (static_cast<double>(zone) + f) / static_cast<double>(std::max<std::size_t>(zones, 1));
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string eta = "--";
  if (overall > 0.01)
    eta = fmt::format("{:.0f} s", elapsed * (1 - overall) / overall);
  std::fprintf(stderr, "\r\033[2Kzone %zu/%zu %s: %.3g of %.3g h (%3.0f%%), total %3.0f%%, ETA %s",
               zone + 1, zones, site.c_str(), units::to_hours(t_s), units::to_hours(horizon_s),
               100 * f, 100 * overall, eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (active_ && drawn_) {
    std::fprintf(stderr, "\r\033[2K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace mnsim::cli
