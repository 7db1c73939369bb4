#include "mnsim/healing/observations.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "../core/data_toml.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/sources.hpp"

namespace mnsim::healing {

namespace {

namespace data = core::data;

constexpr std::array<std::string_view, 7> kCaseQuantities = {
    "erythema_resolved_day", "pain_nrs",        "pih_risk",
    "tewl_recovery_h",       "pore_resealed_h", "collagen_rel_change",
    "epidermis_rel_change"};

std::string unit_of(std::string_view q) {
  if (q == "erythema_resolved_day")
    return "day";
  if (q == "tewl_recovery_h" || q == "pore_resealed_h")
    return "h";
  if (q == "pain_nrs")
    return "NRS 0-10";
  return "fraction";
}

const Protocol& protocol_of(const Observation& obs) {
  if (!obs.protocol) {
    throw DataError("healing observation '" + obs.id +
                    "': no protocol set (use validation::healing_observations)");
  }
  return *obs.protocol;
}

}  // namespace

std::vector<Observation> load_observations(std::string_view path) {
  const toml::table root = data::parse(path);
  const auto& bib = core::Bibliography::builtin();
  std::vector<Observation> out;
  for (const auto& node : data::array_of_tables(root, "row", {std::string(path)})) {
    const auto& t = *node.as_table();
    Observation o;
    o.id = data::string(t, "id", {std::string(path) + ": a [[row]]"});
    const data::Where w{std::string(path) + ": row '" + o.id + "'"};
    o.source = data::string(t, "source", w);
    bib.require({o.source}, w.text);
    o.quantity = data::string(t, "quantity", w);
    o.unit = unit_of(o.quantity);
    o.condition = data::string(t, "condition", w);
    o.observed = data::real(t, "observed", w);
    o.tolerance = data::real(t, "tolerance", w);
    if (!(o.tolerance >= 0))
      w.fail("tolerance", "must be >= 0");
    o.used_for_fitting = data::boolean(t, "used_for_fitting", w);
    if (t.contains("fit_group")) {
      o.fit_group = data::string(t, "fit_group", w);
      o.sigma = data::positive(t, "sigma", w);
      if (!o.used_for_fitting)
        w.fail("fit_group", "a row in a fit must say used_for_fitting = true");
    }
    if (const auto* n = t.get("note"); n != nullptr && n->is_string())
      o.note = n->as_string()->get();
    const bool needs_case = std::find(kCaseQuantities.begin(), kCaseQuantities.end(),
                                      std::string_view(o.quantity)) != kCaseQuantities.end();
    if (o.quantity == "barrier_recovery_fraction") {
      o.at_hour = data::positive(t, "at_hour", w);
      o.age_years = data::positive(t, "age_years", w);
    } else if (!needs_case) {
      w.fail("quantity", "unknown quantity '" + o.quantity + "'");
    }
    if (o.quantity == "collagen_rel_change" || o.quantity == "epidermis_rel_change")
      o.at_day = data::positive(t, "at_day", w);
    if (needs_case)
      o.protocol_case_toml = data::string(t, "protocol", w);
    out.push_back(std::move(o));
  }
  return out;
}

double predict(const Observation& obs, const response::Params& rp, const Params& hp) {
  const std::string& q = obs.quantity;
  if (q == "barrier_recovery_fraction")
    return 1.0 - std::exp(-rp.barrier_rate_per_h(obs.age_years) * obs.at_hour);
  const Protocol& prep = protocol_of(obs);
  if (q == "collagen_rel_change" || q == "epidermis_rel_change") {
    CourseOptions opt;
    opt.horizon_days = std::ceil(obs.at_day);
    opt.steps_per_day = 2;
    opt.closure = prep.closure;
    const auto course = simulate_course(
        regular_sessions(prep.sessions, prep.interval_days, prep.dose), prep.subject, opt, rp, hp);
    const auto day = static_cast<std::size_t>(std::lround(obs.at_day));
    return (q == "collagen_rel_change" ? course.collagen_rel : course.epidermal_thickness_rel)
               .at(day) -
           1.0;
  }
  response::Options ro;
  ro.closure = prep.closure;
  if (q == "tewl_recovery_h") {
    ro.horizon_days = 2;
    ro.output_step_h = 0.02;
  }
  const auto r = response::simulate(prep.dose, prep.subject, ro, rp);
  if (q == "erythema_resolved_day")
    return r.erythema_resolved_day;
  if (q == "pain_nrs")
    return r.pain_nrs;
  if (q == "pih_risk")
    return r.pih.probability;
  if (q == "pore_resealed_h")
    return r.barrier_resealed_h;
  // tewl_recovery_h: the excess water loss has fallen to 10 % of its initial value.
  const double excess0 = r.water_loss_rel.front() - 1.0;
  if (excess0 <= 0)
    return 0;
  for (std::size_t i = 1; i < r.water_loss_rel.size(); ++i) {
    if (r.water_loss_rel[i] - 1.0 < 0.1 * excess0)
      return r.time_h[i];
  }
  return r.time_h.back();
}

}  // namespace mnsim::healing
