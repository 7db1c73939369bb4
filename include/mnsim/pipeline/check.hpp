// The checks of a case against mnsim's built-in data, composed: each stage
// checks what its catalogue owns (anatomy: sites; device: the model and the
// device settings; transport: products; planner: screening codes), and the
// case's cross-field rules (the course) are checked here.
#pragma once

#include <vector>

#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"

namespace mnsim::pipeline {

// Every problem of `c` against the built-in catalogues, in one pass; each
// issue names c.source as its file. Empty: the case can be run.
std::vector<InputIssue> check_case(const cases::Case& c);

// The cross-field course rule: horizon_days >= (sessions - 1) x interval_days.
std::vector<InputIssue> check_course(const cases::Course& course);
// The [cohort] population: age_years_min <= age_years_max, a positive phototype weight.
std::vector<InputIssue> check_population(const cases::Population& p);

}  // namespace mnsim::pipeline
