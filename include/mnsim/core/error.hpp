// Errors and checks used throughout mnsim.
//
// Two kinds of failure reach a user:
//  - InputError: the case file (or a command-line value) is wrong. It carries
//    every problem found, each naming the file, the field, the value and what
//    is allowed. The CLI turns it into exit status 2.
//  - NumericalError / DataError: the computation or a built-in data table
//    failed (NaN, negative concentration, grid too large, malformed table).
//    Exit status 1.
// MNSIM_ASSERT guards programmer mistakes and is compiled out in Release.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace mnsim {

// One problem with the input.
struct InputIssue {
  std::string file;     // the case file, or "<command line>"
  std::string field;    // a field path such as "zones[2].depth_mm"; may be empty
  std::string value;    // the offending value as written; may be empty
  std::string problem;  // what is wrong and what is allowed

  // "case.toml: zones[2].depth_mm = 5: must be in [0.05, 3] mm"
  [[nodiscard]] std::string describe() const;
};

// Bad input; holds every problem found, in the order found.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<InputIssue> issues);
  explicit InputError(InputIssue issue) : InputError(std::vector<InputIssue>{std::move(issue)}) {}
  [[nodiscard]] const std::vector<InputIssue>& issues() const { return issues_; }

 private:
  std::vector<InputIssue> issues_;
};

// A built-in data table (data/...) is malformed: a defect of mnsim itself.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The computation produced something that is not physics (NaN, a negative
// concentration, a grid too large for memory). Never printed as a result.
class NumericalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line, const char* msg);
}  // namespace detail

}  // namespace mnsim

#ifdef NDEBUG
#define MNSIM_ASSERT(cond, msg) ((void)0)
#else
#define MNSIM_ASSERT(cond, msg) \
  ((cond) ? (void)0 : ::mnsim::detail::assert_fail(#cond, __FILE__, __LINE__, msg))
#endif
