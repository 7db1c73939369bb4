#include "mnsim/pipeline/check.hpp"

#include <fmt/format.h>

#include "mnsim/anatomy/check.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/device/device.hpp"
#include "mnsim/pipeline/budget.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/planner/screening.hpp"
#include "mnsim/transport/check.hpp"
#include "mnsim/transport/medium.hpp"

namespace mnsim::pipeline {

std::vector<InputIssue> check_course(const cases::Course& course) {
  const double course_days = (course.sessions - 1) * course.interval_days;
  if (course.horizon_days >= course_days)
    return {};
  return {InputIssue{"", "course.horizon_days", core::format_number(course.horizon_days),
                     fmt::format("must be at least (sessions - 1) x interval_days = {} days",
                                 core::format_number(course_days))}};
}

std::vector<InputIssue> check_population(const cases::Population& p) {
  std::vector<InputIssue> out;
  if (p.age_years_min > p.age_years_max)
    out.push_back({"", "cohort.age_years_max", core::format_number(p.age_years_max),
                   fmt::format("must be at least cohort.age_years_min = {} years",
                               core::format_number(p.age_years_min))});
  double total = 0;
  for (const double w : p.fitzpatrick_weights)
    total += w;
  if (!(total > 0))
    out.push_back({"", "cohort.fitzpatrick_1_weight", "0",
                   "the six cohort.fitzpatrick_N_weight must not all be 0"});
  return out;
}

std::vector<InputIssue> check_case(const cases::Case& c) {
  std::vector<InputIssue> out;
  auto append = [&out](std::vector<InputIssue> issues) {
    for (auto& i : issues)
      out.push_back(std::move(i));
  };
  const auto& atlas = anatomy::Atlas::builtin();
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    if (auto issue =
            anatomy::check_site(atlas, c.zones[i].site, "zones[" + std::to_string(i) + "].site"))
      out.push_back(std::move(*issue));
  }
  append(planner::check_history(planner::Screening::builtin(), c.patient.history));
  append(check_course(c.course));
  append(check_population(c.cohort));
  append(transport::check_products(c.product, c.procedure.anaesthetic,
                                   transport::ProductCatalogue::builtin()));
  append(device::check_spec(c.device, c.zones, device::Catalogue::builtin()));
  // What the transport stage checks when it starts (an explicit medium
  // against the grid spacing), so that `mnsim case check` finds it too.
  if (c.medium) {
    append(
        transport::check_medium(transport_medium(*c.medium), transport_options(c).dx_m, c.source));
  }
  // The work the case asks for, refused before any is done.
  append(check_budget(c, atlas));
  for (auto& i : out)
    i.file = c.source;
  return out;
}

}  // namespace mnsim::pipeline
