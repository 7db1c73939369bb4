#include "mnsim/records/personalise.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>

#include "../core/data_toml.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/io/case_writer.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/planner/limits.hpp"

namespace mnsim::records {

namespace {

// Inverse of the standard normal CDF (Acklam's rational approximation,
// relative error < 1.2e-9), for the quantiles shown in the plan.
double normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (p < kLow) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - kLow)
    return -normal_quantile(1 - p);
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// The record's patient on `date`, on the case `c`.
void set_patient(cases::Case& c, const PatientRecord& p, const Date& date) {
  c.patient.age_years = static_cast<int>(date.year()) - p.birth_year;
  c.patient.sex = p.sex;
  c.patient.fitzpatrick = p.fitzpatrick;
  c.patient.max_downtime_days = p.max_downtime_days;
  c.patient.history = p.history;
}

void set_device(cases::Case& c, const DeviceRecord& d, int uses) {
  c.device = d.spec;
  c.device.uses = uses;
}

// Checked like a case file: the TOML a user would get from `export --case`.
cases::Case checked(const cases::Case& c, const std::string& source) {
  cases::Case out;
  try {
    out = io::parse_case(io::write_case(c), source);
  } catch (const InputError& e) {
    throw without_values(e);  // the values come from the record
  }
  out.source = source;
  return out;
}

}  // namespace

const ErythemaPrior& ErythemaPrior::builtin() {
  static const ErythemaPrior p = [] {
    ErythemaPrior q;
    const std::string cal_path = "data/response/calibrated.toml";
    const toml::table cal = core::data::parse(cal_path);
    const auto* k = cal["erythema_decay_per_day"].as_table();
    if (k == nullptr)
      throw DataError(cal_path + ": erythema_decay_per_day missing");
    const core::data::Where wk{cal_path + ": erythema_decay_per_day"};
    q.sd_log = core::data::real(*k, "sd", wk) / core::data::real(*k, "value", wk);
    const std::string path = "data/records/personalisation.toml";
    const toml::table t = core::data::parse(path);
    const auto* e = t["erythema_multiplier"].as_table();
    if (e == nullptr)
      throw DataError(path + ": [erythema_multiplier] missing");
    const core::data::Where w{path + ": erythema_multiplier"};
    q.observation_sd_log = core::data::real(*e, "observation_sd_log", w);
    q.min_day = core::data::real(*e, "min_day", w);
    if (!(q.sd_log > 0) || !(q.observation_sd_log > 0) || !(q.min_day > 0))
      throw DataError(path + ": spreads and min_day must be positive");
    return q;
  }();
  return p;
}

double LogNormal::median() const {
  return std::exp(mu_log);
}

double LogNormal::quantile(double p) const {
  return std::exp(mu_log + sd_log * normal_quantile(p));
}

LogNormal prior_of(const ErythemaPrior& prior) {
  return LogNormal{prior.mu_log, prior.sd_log, 0};
}

LogNormal update(const ErythemaPrior& prior, std::span<const ErythemaPoint> points) {
  const double s0 = prior.sd_log;
  const double sigma = prior.observation_sd_log;
  double precision = 1 / (s0 * s0);
  double weighted = prior.mu_log / (s0 * s0);
  for (const auto& pt : points) {
    const double y = std::log(std::max(pt.observed_day, prior.min_day)) -
                     std::log(std::max(pt.predicted_day, prior.min_day));
    precision += 1 / (sigma * sigma);
    weighted += y / (sigma * sigma);
  }
  return LogNormal{weighted / precision, std::sqrt(1 / precision), static_cast<int>(points.size())};
}

planner::ZonePrediction PersonalisedPredictor::predict_zone(
    const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
    const planner::CourseSetting& course) const {
  planner::ZonePrediction p = base_.predict_zone(c, zone, setting, course);
  p.downtime_days *= m_;
  return p;
}

cases::Case case_from_record(const PatientHistory& h, const DeviceRecord& device, const Date& date,
                             const std::string& source) {
  if (h.sessions.empty()) {
    throw InputError(InputIssue{"<command line>", "--patient", h.patient.id,
                                "no session recorded yet: plan the first session from a case "
                                "file (mnsim plan CASE) and record it with `records session add`"});
  }
  const SessionRecord& last = h.sessions.back();
  if (days_between(last.date, date) < 0)
    throw InputError(InputIssue{"<command line>", "--date", to_string(date),
                                "is before the patient's last recorded session"});
  cases::Case c = last.c;
  c.info.name = "record " + h.patient.id;
  set_patient(c, h.patient, date);
  set_device(c, device, device.uses);
  for (auto& z : c.zones)
    z.depth_mm.reset();  // the planner chooses
  return checked(c, source);
}

RecordPlan plan_from_record(Database& db, std::string_view patient_id, const Date& date,
                            const PredictorFactory& make_predictor, const ErythemaPrior& prior) {
  RecordPlan r;
  // Everything read from the file in one read transaction.
  PatientHistory h;
  std::map<std::string, DeviceRecord> devices;
  db.read_transaction([&] {
    h = patient_history(db, patient_id);
    for (const auto& s : h.sessions) {
      if (devices.count(s.device_id) == 0)
        devices.emplace(s.device_id, device(db, s.device_id));
    }
  });
  r.patient_id = h.patient.id;
  r.date = to_string(date);
  r.sessions_done = static_cast<int>(h.sessions.size());
  const std::string source = fmt::format("records:{}#{}", db.path().string(), h.patient.id);
  if (h.sessions.empty())
    (void)case_from_record(h, DeviceRecord{}, date, source);  // throws the InputError
  const DeviceRecord& dev = devices.at(h.sessions.back().device_id);
  r.c = case_from_record(h, dev, date, source);
  r.device_id = dev.id;
  r.device_uses = dev.uses;
  r.days_since_last = days_between(h.sessions.back().date, date);

  // The population prediction of every observed session at its settings.
  std::vector<ErythemaPoint> points;
  for (const auto& s : h.sessions) {
    if (!s.observation || !s.observation->erythema_resolved_day)
      continue;
    cases::Case sc = s.c;
    set_patient(sc, h.patient, s.date);
    set_device(sc, devices.at(s.device_id), s.device_uses_before);
    sc = checked(sc, fmt::format("{} session {}", source, to_string(s.date)));
    const auto predictor = make_predictor();
    double predicted = 0;
    for (std::size_t z = 0; z < sc.zones.size(); ++z) {
      const planner::ZoneSetting setting{*sc.zones[z].depth_mm, sc.procedure.passes};
      const planner::CourseSetting one{1, sc.course.interval_days};
      // Redness is visible until the last zone's resolves.
      predicted = std::max(predicted, predictor->predict_zone(sc, z, setting, one).downtime_days);
    }
    points.push_back({predicted, *s.observation->erythema_resolved_day});
    r.observed.push_back({to_string(s.date), predicted, *s.observation->erythema_resolved_day});
  }
  r.prior = prior_of(prior);
  r.posterior = update(prior, points);

  const auto base = make_predictor();
  const PersonalisedPredictor personal(*base, r.posterior.median());
  r.plan = planner::make_plan(r.c, pipeline::resolved_device(r.c), personal);
  for (const auto& z : r.plan.zones) {
    ZoneDowntime zd;
    zd.site = z.site;
    if (z.setting && r.plan.course) {
      const std::size_t index = static_cast<std::size_t>(&z - r.plan.zones.data());
      zd.prior_day = base->predict_zone(r.c, index, *z.setting, *r.plan.course).downtime_days;
      zd.personalised_day = *zd.prior_day * r.posterior.median();
    }
    r.zones.push_back(std::move(zd));
  }

  const auto& limits = planner::Limits::builtin();
  if (*r.days_since_last < limits.min_interval_days) {
    const auto next = std::chrono::sys_days{h.sessions.back().date} +
                      std::chrono::days{static_cast<int>(std::ceil(limits.min_interval_days))};
    r.warnings.push_back(fmt::format(
        "The last session was {} days before {}; the limits ask for at least {} days between "
        "sessions: not before {}.",
        *r.days_since_last, r.date, limits.min_interval_days, to_string(Date{next})));
  }
  if (r.plan.course && r.sessions_done >= r.plan.course->sessions) {
    r.warnings.push_back(fmt::format(
        "{} sessions are recorded and the planned course has {}: the course is complete by the "
        "model's target; a further session is a clinical decision.",
        r.sessions_done, r.plan.course->sessions));
  }
  return r;
}

nlohmann::json to_json(const RecordPlan& r) {
  const auto dist = [](const LogNormal& d) {
    return nlohmann::json{{"median", d.median()},   {"p10", d.quantile(0.1)},
                          {"p90", d.quantile(0.9)}, {"mu_log", d.mu_log},
                          {"sd_log", d.sd_log},     {"observations", d.observations}};
  };
  nlohmann::json j;
  j["patient"] = r.patient_id;
  j["date"] = r.date;
  j["age_years"] = r.c.patient.age_years;
  j["sessions_done"] = r.sessions_done;
  j["days_since_last_session"] =
      r.days_since_last ? nlohmann::json(*r.days_since_last) : nlohmann::json(nullptr);
  j["device"] = {{"id", r.device_id}, {"uses", r.device_uses}};
  j["erythema_multiplier"] = {{"prior", dist(r.prior)}, {"posterior", dist(r.posterior)}};
  j["observed"] = nlohmann::json::array();
  for (const auto& o : r.observed)
    j["observed"].push_back({{"date", o.date},
                             {"erythema_resolved_day_predicted", o.predicted_day},
                             {"erythema_resolved_day_observed", o.observed_day}});
  j["zones"] = nlohmann::json::array();
  for (const auto& z : r.zones) {
    const auto opt = [](const std::optional<double>& v) {
      return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    j["zones"].push_back({{"site", z.site},
                          {"downtime_days_prior", opt(z.prior_day)},
                          {"downtime_days_personalised", opt(z.personalised_day)}});
  }
  j["warnings"] = r.warnings;
  return j;
}

std::string record_text(const RecordPlan& r) {
  std::string out = fmt::format(
      "From the record of patient {} on {}: age {}, {} session(s) done{}, device {} with {} "
      "use(s)\n",
      r.patient_id, r.date, r.c.patient.age_years, r.sessions_done,
      r.days_since_last ? fmt::format(", the last {} days ago", *r.days_since_last) : "",
      r.device_id, r.device_uses);
  for (const auto& o : r.observed)
    out += fmt::format("  session {}: redness resolved on day {:.1f}; the model predicted {:.1f}\n",
                       o.date, o.observed_day, o.predicted_day);
  out += fmt::format(
      "Erythema-duration multiplier: prior {:.2f} (p10-p90 {:.2f}-{:.2f}); from {} observation(s) "
      "{:.2f} (p10-p90 {:.2f}-{:.2f})\n",
      r.prior.median(), r.prior.quantile(0.1), r.prior.quantile(0.9), r.posterior.observations,
      r.posterior.median(), r.posterior.quantile(0.1), r.posterior.quantile(0.9));
  out += "zone          downtime: prior  personalised\n";
  for (const auto& z : r.zones) {
    if (z.prior_day)
      out += fmt::format("{:<12}  {:>14.1f}d  {:>11.1f}d\n", z.site, *z.prior_day,
                         *z.personalised_day);
    else
      out += fmt::format("{:<12}  {:>15}  {:>12}\n", z.site, "-", "-");
  }
  for (const auto& w : r.warnings)
    out += "  ! " + w + "\n";
  return out;
}

}  // namespace mnsim::records
