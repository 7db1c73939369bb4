// A stiff ODE integrator: SUNDIALS CVODE (BDF, Newton, dense direct solver)
// behind a small interface, so stages do not touch SUNDIALS types.
//
// The system is y' = f(t, y) with n states. The integrator owns its workspace;
// reset() restarts it at (t, y) — use it after a jump in the state (a
// treatment session adds injury instantaneously).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace mnsim::core {

struct StiffOdeOptions {
  double rel_tol = 1e-8;    // CVODE relative tolerance
  double abs_tol = 1e-12;   // CVODE absolute tolerance (all components)
  long max_steps = 100000;  // per advance_to() call
};

class StiffOde {
 public:
  // f(t, y, dydt): fill dydt (size n) from y (size n).
  using Rhs = std::function<void(double t, std::span<const double> y, std::span<double> dydt)>;

  StiffOde(std::size_t n, Rhs rhs, StiffOdeOptions options = {});
  ~StiffOde();
  StiffOde(const StiffOde&) = delete;
  StiffOde& operator=(const StiffOde&) = delete;

  // (Re)starts the integration at time t with state y.
  void reset(double t, std::span<const double> y);
  // Integrates to t_out (> current time) and returns the state there. Never
  // steps past t_out. Throws NumericalError if CVODE fails or the state is
  // not finite.
  std::span<const double> advance_to(double t_out);
  // The same, but the integrator may step past t_out up to t_stop (>= t_out;
  // the next discontinuity of the right-hand side) and returns the state at
  // t_out from its interpolant, to the same tolerances. Many output times
  // between discontinuities then cost no extra steps.
  std::span<const double> advance_to(double t_out, double t_stop);

  [[nodiscard]] double time() const { return t_; }
  [[nodiscard]] std::size_t size() const { return n_; }
  [[nodiscard]] long steps_taken() const;

 private:
  struct Impl;
  std::size_t n_;
  Rhs rhs_;
  StiffOdeOptions options_;
  double t_ = 0;
  std::vector<double> y_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mnsim::core
