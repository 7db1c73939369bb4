#include "mnsim/core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace mnsim {

std::string InputIssue::describe() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  out += ": ";
  if (!field.empty()) {
    out += field;
    if (!value.empty()) {
      out += " = ";
      out += value;
    }
    out += ": ";
  }
  out += problem;
  return out;
}

namespace {
std::string join_issues(const std::vector<InputIssue>& issues) {
  std::string out;
  for (const auto& issue : issues) {
    if (!out.empty())
      out += '\n';
    out += issue.describe();
  }
  return out;
}
}  // namespace

InputError::InputError(std::vector<InputIssue> issues)
    : std::runtime_error(join_issues(issues)), issues_(std::move(issues)) {}

namespace detail {
void assert_fail(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "mnsim: internal error: %s:%d: assertion '%s' failed: %s\n", file, line,
               expr, msg);
  std::abort();
}
}  // namespace detail

}  // namespace mnsim
