#include "mnsim/core/ode.hpp"

#include <cmath>
#include <string>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "mnsim/core/error.hpp"

namespace mnsim::core {

struct StiffOde::Impl {
  SUNContext ctx = nullptr;
  N_Vector y = nullptr;
  SUNMatrix a = nullptr;
  SUNLinearSolver ls = nullptr;
  void* mem = nullptr;
  bool initialised = false;

  ~Impl() {
    if (mem != nullptr)
      CVodeFree(&mem);
    if (ls != nullptr)
      SUNLinSolFree(ls);
    if (a != nullptr)
      SUNMatDestroy(a);
    if (y != nullptr)
      N_VDestroy(y);
    if (ctx != nullptr)
      SUNContext_Free(&ctx);
  }
};

namespace {

int rhs_callback(sunrealtype t, N_Vector y, N_Vector ydot, void* user) {
  auto* self = static_cast<StiffOde::Rhs*>(user);
  const auto n = static_cast<std::size_t>(N_VGetLength_Serial(y));
  (*self)(t, std::span<const double>(N_VGetArrayPointer(y), n),
          std::span<double>(N_VGetArrayPointer(ydot), n));
  return 0;
}

void check(int flag, const char* what) {
  if (flag < 0)
    throw NumericalError(std::string("CVODE: ") + what + " failed (flag " + std::to_string(flag) +
                         ")");
}

}  // namespace

StiffOde::StiffOde(std::size_t n, Rhs rhs, StiffOdeOptions options)
    : n_(n), rhs_(std::move(rhs)), options_(options), y_(n, 0.0), impl_(std::make_unique<Impl>()) {
  check(SUNContext_Create(nullptr, &impl_->ctx), "SUNContext_Create");
  impl_->y = N_VNew_Serial(static_cast<sunindextype>(n), impl_->ctx);
  impl_->a = SUNDenseMatrix(static_cast<sunindextype>(n), static_cast<sunindextype>(n), impl_->ctx);
  impl_->ls = SUNLinSol_Dense(impl_->y, impl_->a, impl_->ctx);
  impl_->mem = CVodeCreate(CV_BDF, impl_->ctx);
  if (impl_->y == nullptr || impl_->a == nullptr || impl_->ls == nullptr || impl_->mem == nullptr)
    throw NumericalError("CVODE: could not allocate the integrator");
}

StiffOde::~StiffOde() = default;

void StiffOde::reset(double t, std::span<const double> y) {
  if (y.size() != n_)
    throw NumericalError("StiffOde::reset: state has the wrong size");
  for (std::size_t i = 0; i < n_; ++i) {
    if (!std::isfinite(y[i]))
      throw NumericalError("StiffOde::reset: state is not finite");
    y_[i] = y[i];
    N_VGetArrayPointer(impl_->y)[i] = y[i];
  }
  t_ = t;
  if (!impl_->initialised) {
    check(CVodeInit(impl_->mem, rhs_callback, t, impl_->y), "CVodeInit");
    check(CVodeSetUserData(impl_->mem, &rhs_), "CVodeSetUserData");
    check(CVodeSStolerances(impl_->mem, options_.rel_tol, options_.abs_tol), "CVodeSStolerances");
    check(CVodeSetLinearSolver(impl_->mem, impl_->ls, impl_->a), "CVodeSetLinearSolver");
    check(CVodeSetMaxNumSteps(impl_->mem, options_.max_steps), "CVodeSetMaxNumSteps");
    // Failures become NumericalError; CVODE's own messages would go to stderr.
    check(CVodeSetErrFile(impl_->mem, nullptr), "CVodeSetErrFile");
    impl_->initialised = true;
  } else {
    check(CVodeReInit(impl_->mem, t, impl_->y), "CVodeReInit");
  }
}

std::span<const double> StiffOde::advance_to(double t_out) {
  return advance_to(t_out, t_out);
}

std::span<const double> StiffOde::advance_to(double t_out, double t_stop) {
  if (!impl_->initialised)
    throw NumericalError("StiffOde::advance_to before reset");
  if (t_out <= t_)
    return y_;
  if (!(t_stop >= t_out))
    throw NumericalError("StiffOde::advance_to: the stop time is before the output time");
  check(CVodeSetStopTime(impl_->mem, t_stop), "CVodeSetStopTime");
  double t_reached = t_;
  check(CVode(impl_->mem, t_out, impl_->y, &t_reached, CV_NORMAL), "CVode");
  t_ = t_out;
  for (std::size_t i = 0; i < n_; ++i) {
    y_[i] = N_VGetArrayPointer(impl_->y)[i];
    if (!std::isfinite(y_[i]))
      throw NumericalError("CVODE produced a non-finite state");
  }
  return y_;
}

long StiffOde::steps_taken() const {
  long steps = 0;
  if (impl_->initialised)
    CVodeGetNumSteps(impl_->mem, &steps);
  return steps;
}

}  // namespace mnsim::core
