// A one-line progress report on stderr for long commands (zone, simulated
// time, percent, ETA), written only when stderr is a terminal and not
// --quiet. Hand-written: Debian 12 packages no C++ progress-bar library
// (indicators, tqdm-cpp, ... are not in the archive); this needs only "\r"
// and the erase-line sequence, redrawn at most 10 times a second.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace mnsim::cli {

class Progress {
 public:
  // `enabled`: the caller's wish (false for --quiet); the line is drawn only
  // when stderr is also a terminal.
  explicit Progress(bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  [[nodiscard]] bool active() const { return active_; }
  // Zone `zone` (0-based) of `zones` (site) has simulated t_s of horizon_s.
  void update(std::size_t zone, std::size_t zones, const std::string& site, double t_s,
              double horizon_s);
  // Erases the line (also done by the destructor).
  void finish();

 private:
  bool active_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace mnsim::cli
