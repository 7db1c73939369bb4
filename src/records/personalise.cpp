#include "mnsim/records/personalise.hpp"

#include <fmt/format.h>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>

#include "../core/data_toml.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/io/case_writer.hpp"
#include "mnsim/pipeline/bridges.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/pipeline.hpp"
#include "mnsim/pipeline/transport_input.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/planner/screening.hpp"
#include "mnsim/response/response.hpp"

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
    q.site_sd_log = core::data::real(*e, "site_sd_log", w);
    if (!(q.sd_log > 0) || !(q.observation_sd_log > 0) || !(q.min_day > 0) || !(q.site_sd_log > 0))
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

SitePosterior update(const ErythemaPrior& prior, std::span<const ErythemaPoint> session_points,
                     std::span<const SitePoint> site_points) {
  std::vector<std::string> sites;
  for (const auto& p : site_points) {
    if (std::find(sites.begin(), sites.end(), p.site) == sites.end())
      sites.push_back(p.site);
  }
  const auto k = static_cast<Eigen::Index>(sites.size());
  const double s0 = prior.sd_log;
  const double tau = prior.site_sd_log;
  const double w = 1 / (prior.observation_sd_log * prior.observation_sd_log);
  Eigen::MatrixXd precision = Eigen::MatrixXd::Zero(k + 1, k + 1);
  Eigen::VectorXd weighted = Eigen::VectorXd::Zero(k + 1);
  precision(0, 0) = 1 / (s0 * s0);
  weighted(0) = prior.mu_log / (s0 * s0);
  for (Eigen::Index i = 1; i <= k; ++i)
    precision(i, i) = 1 / (tau * tau);
  const auto log_ratio = [&](double observed, double predicted) {
    return std::log(std::max(observed, prior.min_day)) -
           std::log(std::max(predicted, prior.min_day));
  };
  for (const auto& p : session_points) {
    precision(0, 0) += w;
    weighted(0) += w * log_ratio(p.observed_day, p.predicted_day);
  }
  std::vector<int> counts(sites.size(), 0);
  for (const auto& p : site_points) {
    const auto i = static_cast<Eigen::Index>(std::find(sites.begin(), sites.end(), p.site) -
                                             sites.begin() + 1);
    const double y = log_ratio(p.observed_day, p.predicted_day);
    precision(0, 0) += w;
    precision(0, i) += w;
    precision(i, 0) += w;
    precision(i, i) += w;
    weighted(0) += w * y;
    weighted(i) += w * y;
    ++counts[static_cast<std::size_t>(i - 1)];
  }
  const Eigen::MatrixXd cov = precision.ldlt().solve(Eigen::MatrixXd::Identity(k + 1, k + 1));
  const Eigen::VectorXd mean = cov * weighted;
  SitePosterior out;
  out.site_sd_log = tau;
  out.patient = LogNormal{mean(0), std::sqrt(cov(0, 0)),
                          static_cast<int>(session_points.size() + site_points.size())};
  for (Eigen::Index i = 1; i <= k; ++i) {
    const double var = cov(0, 0) + cov(i, i) + 2 * cov(0, i);
    out.sites.emplace_back(
        sites[static_cast<std::size_t>(i - 1)],
        LogNormal{mean(0) + mean(i), std::sqrt(var), counts[static_cast<std::size_t>(i - 1)]});
  }
  return out;
}

LogNormal SitePosterior::at(const std::string& site) const {
  for (const auto& [s, d] : sites) {
    if (s == site)
      return d;
  }
  return LogNormal{patient.mu_log,
                   std::sqrt(patient.sd_log * patient.sd_log + site_sd_log * site_sd_log), 0};
}

const PainPrior& PainPrior::builtin() {
  static const PainPrior p = [] {
    PainPrior q;
    q.exponent = response::Params::builtin().pain_exponent;
    const std::string path = "data/records/personalisation.toml";
    const toml::table t = core::data::parse(path);
    const auto* e = t["pain_multiplier"].as_table();
    if (e == nullptr)
      throw DataError(path + ": [pain_multiplier] missing");
    const core::data::Where w{path + ": pain_multiplier"};
    q.sd_log = core::data::real(*e, "sd_log", w);
    q.observation_sd_log = core::data::real(*e, "observation_sd_log", w);
    q.min_nrs = core::data::real(*e, "min_nrs", w);
    if (!(q.sd_log > 0) || !(q.observation_sd_log > 0) || !(q.min_nrs > 0 && q.min_nrs < 5) ||
        !(q.exponent > 0))
      throw DataError(path + ": spreads must be positive and min_nrs in (0, 5)");
    return q;
  }();
  return p;
}

LogNormal prior_of(const PainPrior& prior) {
  return LogNormal{prior.mu_log, prior.sd_log, 0};
}

namespace {
// log h of the pain model's Hill curve NRS = 10 h / (1 + h), NRS clamped.
double records_pain_log_odds(double nrs, double min_nrs) {
  const double x = std::clamp(nrs, min_nrs, RecordLimits::kMaxPainNrs - min_nrs);
  return std::log(x / (RecordLimits::kMaxPainNrs - x));
}
}  // namespace

LogNormal update(const PainPrior& prior, std::span<const PainPoint> points) {
  const double s0 = prior.sd_log;
  const double sigma = prior.observation_sd_log;
  double precision = 1 / (s0 * s0);
  double weighted = prior.mu_log / (s0 * s0);
  for (const auto& pt : points) {
    const double y = records_pain_log_odds(pt.observed_nrs, prior.min_nrs) -
                     records_pain_log_odds(pt.predicted_nrs, prior.min_nrs);
    precision += 1 / (sigma * sigma);
    weighted += y / (sigma * sigma);
  }
  return LogNormal{weighted / precision, std::sqrt(1 / precision), static_cast<int>(points.size())};
}

double personal_nrs(double nrs, double q) {
  const double top = RecordLimits::kMaxPainNrs;
  const double x = std::clamp(nrs, 0.0, top);
  if (x >= top)
    return top;
  const double h = q * x / (top - x);
  return top * h / (1 + h);
}

double painless_depth_factor(const PainPrior& prior, double q) {
  return std::min(1.0, std::pow(q, -1 / prior.exponent));
}

double pipeline_pain_nrs(const cases::Case& c, std::size_t zone) {
  const auto& atlas = anatomy::Atlas::builtin();
  // The dose on a 1 cm^2 patch (densities and depth distributions do not
  // depend on the area), as the planner's predictor simulates a setting.
  const pipeline::Punctured p = pipeline::puncture_zone(c, zone, atlas, units::kCm2);
  const response::InjuryDose dose = pipeline::injury_dose(p.pattern, p.skin);
  double numbed_um = 0;
  if (c.procedure.anaesthetic) {
    cases::Case cc = c;
    cc.product.reset();
    cc.zones = {c.zones.at(zone)};
    cc.simulation.fidelity = cases::Fidelity::OneD;
    const std::vector<transport::ZoneSkin> skins{
        {atlas.stack(cc.zones[0].site, pipeline::subject_of(cc)), transport::ChannelSpec{},
         std::nullopt}};
    const auto d = pipeline::deliver_case(cc, pipeline::resolved_device(cc), skins);
    // No channels: the "needled" run is the intact skin, whose numbed depth
    // when the cream comes off is what pipeline::run uses for the pain.
    if (const auto& an = d.zones.at(0).anaesthetic) {
      const double t_s = units::from_minutes(c.procedure.anaesthetic->minutes);
      for (std::size_t i = 0; i < an->time_s.size() && i < an->numbing_depth_um.size(); ++i) {
        numbed_um = an->numbing_depth_um[i];
        if (an->time_s[i] >= t_s)
          break;
      }
    }
  }
  return response::pain_nrs(dose, numbed_um, response::Params::builtin());
}

planner::ZonePrediction PersonalisedPredictor::predict_zone(
    const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
    const planner::CourseSetting& course) const {
  planner::ZonePrediction p = base_.predict_zone(c, zone, setting, course);
  p.downtime_days *= m_of(zone);
  return p;
}

namespace {
void records_scale_downtime(planner::ZonePrediction& p, double m) {
  p.downtime_days *= m;
  if (p.downtime_days_interval) {
    p.downtime_days_interval->p10 *= m;
    p.downtime_days_interval->p50 *= m;
    p.downtime_days_interval->p90 *= m;
  }
}
}  // namespace

planner::ZonePrediction PersonalisedPredictor::predict_zone_intervals(
    const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
    const planner::CourseSetting& course, bool collagen) const {
  planner::ZonePrediction p = base_.predict_zone_intervals(c, zone, setting, course, collagen);
  records_scale_downtime(p, m_of(zone));
  return p;
}

planner::ZonePrediction PersonalisedPredictor::predict_setting(const cases::Case& c,
                                                               std::size_t zone,
                                                               const planner::ZoneSetting& setting,
                                                               bool downtime_interval) const {
  planner::ZonePrediction p = base_.predict_setting(c, zone, setting, downtime_interval);
  records_scale_downtime(p, m_of(zone));
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
                            const PredictorFactory& make_predictor, const PainModel& pain,
                            const Priors& priors, bool population_plan) {
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
  r.pain_model = static_cast<bool>(pain);

  // The population prediction of every observed session at its settings.
  std::vector<ErythemaPoint> points;
  std::vector<SitePoint> site_points;
  std::vector<PainPoint> pain_points;
  for (const auto& s : h.sessions) {
    HistorySession hs;
    hs.date = to_string(s.date);
    hs.device_id = s.device_id;
    hs.device_uses_before = s.device_uses_before;
    for (const auto& z : s.c.zones)
      hs.zones.push_back(
          {z.site, std::string(cases::to_string(z.indication)), z.depth_mm.value_or(0.0)});
    hs.passes = s.c.procedure.passes;
    hs.anaesthetic = s.c.procedure.anaesthetic;
    if (s.c.product)
      hs.product = s.c.product->id;
    const auto& o = s.observation;
    if (o) {
      hs.erythema_observed_day = o->erythema_resolved_day;
      hs.pain_observed_nrs = o->pain_nrs;
      hs.adverse_events = static_cast<int>(o->adverse_events.size());
      hs.has_note = !o->note.empty();
    }
    const bool want_erythema = o && o->erythema_resolved_day;
    const bool want_pain = o && o->pain_nrs && pain;
    const bool want_sites = !s.site_observations.empty();
    if (want_erythema || want_pain || want_sites) {
      cases::Case sc = s.c;
      set_patient(sc, h.patient, s.date);
      set_device(sc, devices.at(s.device_id), s.device_uses_before);
      sc = checked(sc, fmt::format("{} session {}", source, to_string(s.date)));
      std::vector<double> zone_days;  // the population's resolved day per zone
      if (want_erythema || want_sites) {
        const auto predictor = make_predictor();
        for (std::size_t z = 0; z < sc.zones.size(); ++z) {
          const planner::ZoneSetting setting{*sc.zones[z].depth_mm, sc.procedure.passes};
          const planner::CourseSetting one{1, sc.course.interval_days};
          zone_days.push_back(predictor->predict_zone(sc, z, setting, one).downtime_days);
        }
      }
      for (const auto& so : s.site_observations) {
        double predicted = 0;  // the site's latest-resolving zone
        for (std::size_t z = 0; z < sc.zones.size(); ++z) {
          if (sc.zones[z].site == so.site)
            predicted = std::max(predicted, zone_days[z]);
        }
        const SitePoint sp{so.site, predicted, so.erythema_resolved_day};
        site_points.push_back(sp);
        r.observed_sites.push_back(sp);
        hs.sites.push_back(sp);
      }
      if (want_erythema) {
        // Redness is visible until the last zone's resolves.
        double predicted = 0;
        for (const double d : zone_days)
          predicted = std::max(predicted, d);
        points.push_back({predicted, *o->erythema_resolved_day});
        r.observed.push_back({hs.date, predicted, *o->erythema_resolved_day});
        hs.erythema_predicted_day = predicted;
      }
      if (want_pain) {
        // One pain per session: the most painful zone's.
        double predicted = 0;
        for (std::size_t z = 0; z < sc.zones.size(); ++z)
          predicted = std::max(predicted, pain(sc, z));
        pain_points.push_back({predicted, *o->pain_nrs});
        r.observed_pain.push_back({hs.date, predicted, *o->pain_nrs});
        hs.pain_predicted_nrs = predicted;
      }
    }
    r.history.push_back(std::move(hs));
  }
  r.prior = prior_of(priors.erythema);
  const SitePosterior by_site = update(priors.erythema, points, site_points);
  r.posterior = by_site.patient;
  r.pain_prior = prior_of(priors.pain);
  r.pain_posterior = update(priors.pain, pain_points);

  // The patient's painless depth: only ever more protective than the limits'.
  planner::Limits personal_limits = planner::Limits::builtin();
  r.painless_real_depth_um = personal_limits.painless_real_depth_um;
  personal_limits.painless_real_depth_um *=
      painless_depth_factor(priors.pain, r.pain_posterior.median());
  r.personalised_painless_real_depth_um = personal_limits.painless_real_depth_um;

  const auto base = make_predictor();
  std::vector<double> zone_m;
  for (const auto& z : r.c.zones)
    zone_m.push_back(by_site.at(z.site).median());
  const PersonalisedPredictor personal(*base, zone_m);
  r.plan = planner::make_plan(r.c, pipeline::resolved_device(r.c), personal, personal_limits,
                              planner::Screening::builtin(), anatomy::Atlas::builtin());
  if (population_plan)  // the same base predictor: its caches serve both plans
    r.population_plan = planner::make_plan(r.c, pipeline::resolved_device(r.c), *base);
  for (const auto& z : r.plan.zones) {
    ZoneDowntime zd;
    zd.site = z.site;
    zd.multiplier = by_site.at(z.site);
    if (z.setting && r.plan.course) {
      const std::size_t index = static_cast<std::size_t>(&z - r.plan.zones.data());
      zd.prior_day = base->predict_zone(r.c, index, *z.setting, *r.plan.course).downtime_days;
      zd.personalised_day = *zd.prior_day * zd.multiplier.median();
      if (pain) {
        // The pain of the planned session: the setting and the planned anaesthetic.
        cases::Case pc = r.c;
        pc.zones.at(index).depth_mm = z.setting->depth_mm;
        pc.procedure.passes = z.setting->passes;
        pc.procedure.anaesthetic.reset();
        if (r.plan.anaesthetic)
          pc.procedure.anaesthetic =
              cases::Anaesthetic{r.plan.anaesthetic->product, r.plan.anaesthetic->minutes};
        zd.prior_pain_nrs = pain(pc, index);
        zd.personalised_pain_nrs = personal_nrs(*zd.prior_pain_nrs, r.pain_posterior.median());
      }
    }
    r.zones.push_back(std::move(zd));
  }

  const auto& limits = personal_limits;
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
  const auto opt = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  j["erythema_multiplier"] = {{"prior", dist(r.prior)}, {"posterior", dist(r.posterior)}};
  j["pain_multiplier"] = {{"prior", dist(r.pain_prior)},
                          {"posterior", dist(r.pain_posterior)},
                          {"pain_model", r.pain_model}};
  j["painless_real_depth_um"] = {{"population", r.painless_real_depth_um},
                                 {"personalised", r.personalised_painless_real_depth_um}};
  j["observed"] = nlohmann::json::array();
  for (const auto& o : r.observed)
    j["observed"].push_back({{"date", o.date},
                             {"erythema_resolved_day_predicted", o.predicted_day},
                             {"erythema_resolved_day_observed", o.observed_day}});
  j["observed_pain"] = nlohmann::json::array();
  j["observed_sites"] = nlohmann::json::array();
  for (const auto& o : r.observed_sites)
    j["observed_sites"].push_back({{"site", o.site},
                                   {"erythema_resolved_day_predicted", o.predicted_day},
                                   {"erythema_resolved_day_observed", o.observed_day}});
  for (const auto& o : r.observed_pain)
    j["observed_pain"].push_back({{"date", o.date},
                                  {"pain_nrs_predicted", o.predicted_nrs},
                                  {"pain_nrs_observed", o.observed_nrs}});
  const auto site_json = [](const std::vector<SitePoint>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& p : v)
      a.push_back({{"site", p.site},
                   {"erythema_resolved_day_observed", p.observed_day},
                   {"erythema_resolved_day_predicted", p.predicted_day}});
    return a;
  };
  j["sessions"] = nlohmann::json::array();
  for (const auto& s : r.history) {
    nlohmann::json zones = nlohmann::json::array();
    for (const auto& z : s.zones)
      zones.push_back({{"site", z.site}, {"indication", z.indication}, {"depth_mm", z.depth_mm}});
    j["sessions"].push_back(
        {{"date", s.date},
         {"device", {{"id", s.device_id}, {"uses_before", s.device_uses_before}}},
         {"zones", zones},
         {"passes", s.passes},
         {"anaesthetic", s.anaesthetic ? nlohmann::json{{"product", s.anaesthetic->product},
                                                        {"minutes", s.anaesthetic->minutes}}
                                       : nlohmann::json(nullptr)},
         {"product", s.product ? nlohmann::json(*s.product) : nlohmann::json(nullptr)},
         {"erythema_resolved_day_observed", opt(s.erythema_observed_day)},
         {"erythema_resolved_day_predicted", opt(s.erythema_predicted_day)},
         {"pain_nrs_observed", opt(s.pain_observed_nrs)},
         {"pain_nrs_predicted", opt(s.pain_predicted_nrs)},
         {"adverse_events", s.adverse_events},
         {"has_note", s.has_note},
         {"site_observations", site_json(s.sites)}});
  }
  j["zones"] = nlohmann::json::array();
  for (const auto& z : r.zones) {
    j["zones"].push_back({{"site", z.site},
                          {"downtime_days_prior", opt(z.prior_day)},
                          {"downtime_days_personalised", opt(z.personalised_day)},
                          {"pain_nrs_prior", opt(z.prior_pain_nrs)},
                          {"pain_nrs_personalised", opt(z.personalised_pain_nrs)},
                          {"erythema_multiplier", dist(z.multiplier)}});
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
  for (const auto& o : r.observed_sites)
    out += fmt::format("  site {}: redness resolved on day {:.1f}; the model predicted {:.1f}\n",
                       o.site, o.observed_day, o.predicted_day);
  if (!r.observed_sites.empty()) {
    for (const auto& z : r.zones)
      out += fmt::format(
          "  multiplier at {}: {:.2f} (p10-p90 {:.2f}-{:.2f}), {} site observation(s)\n", z.site,
          z.multiplier.median(), z.multiplier.quantile(0.1), z.multiplier.quantile(0.9),
          z.multiplier.observations);
  }
  for (const auto& o : r.observed_pain)
    out += fmt::format("  session {}: pain {:.1f}/10; the model predicted {:.1f}\n", o.date,
                       o.observed_nrs, o.predicted_nrs);
  if (r.pain_model) {
    out += fmt::format(
        "Pain-odds multiplier: prior {:.2f} (p10-p90 {:.2f}-{:.2f}); from {} observation(s) "
        "{:.2f} (p10-p90 {:.2f}-{:.2f}); anaesthetic offered beyond {:.0f} um real depth "
        "(population {:.0f} um)\n",
        r.pain_prior.median(), r.pain_prior.quantile(0.1), r.pain_prior.quantile(0.9),
        r.pain_posterior.observations, r.pain_posterior.median(), r.pain_posterior.quantile(0.1),
        r.pain_posterior.quantile(0.9), r.personalised_painless_real_depth_um,
        r.painless_real_depth_um);
  }
  out += "zone          downtime: prior  personalised   pain: prior  personalised\n";
  const auto pain_cell = [](const std::optional<double>& v, int width) {
    return v ? fmt::format("{:>{}.1f}", *v, width) : fmt::format("{:>{}}", "-", width);
  };
  for (const auto& z : r.zones) {
    if (z.prior_day)
      out += fmt::format("{:<12}  {:>14.1f}d  {:>11.1f}d  {}  {}\n", z.site, *z.prior_day,
                         *z.personalised_day, pain_cell(z.prior_pain_nrs, 11),
                         pain_cell(z.personalised_pain_nrs, 12));
    else
      out += fmt::format("{:<12}  {:>15}  {:>12}  {:>11}  {:>12}\n", z.site, "-", "-", "-", "-");
  }
  for (const auto& w : r.warnings)
    out += "  ! " + w + "\n";
  return out;
}

}  // namespace mnsim::records
