// Records: a planner that learns from a patient's record (docs/records.md).
//
// The patient's erythema duration after a session is the model's prediction
// times a per-patient multiplier m. log m ~ N(mu, s^2); the prior is
// N(0, s0^2) with s0 from the calibrated spread of the erythema decay rate;
// each observed session i gives y_i = log(max(obs_i, d_min)) -
// log(max(pred_i, d_min)) = log m + e_i, e_i ~ N(0, sigma^2), so the
// posterior is normal (conjugate update):
//   1/s_n^2 = 1/s0^2 + n/sigma^2,   mu_n = s_n^2 (mu0/s0^2 + sum y_i/sigma^2).
// The next plan uses the posterior median m = exp(mu_n): the planner keeps
// the personalised downtime within what the patient accepts, and every
// safety limit still applies unchanged.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/predictor.hpp"
#include "mnsim/records/records.hpp"

namespace mnsim::records {

struct ErythemaPrior {
  double mu_log = 0;                // prior mean of log m (0: the model is right on average)
  double sd_log = 0.35;             // s0
  double observation_sd_log = 0.3;  // sigma
  double min_day = 0.5;             // d_min
  double site_sd_log = 0.2;         // tau: a site's deviation from the patient's log m
  // s0 from data/response/calibrated.toml, sigma and d_min from
  // data/records/personalisation.toml.
  static const ErythemaPrior& builtin();
};

// One observed session: the population model's prediction and the record.
struct ErythemaPoint {
  double predicted_day = 0;
  double observed_day = 0;
};

// A normal distribution of log m.
struct LogNormal {
  double mu_log = 0;
  double sd_log = 0;
  int observations = 0;
  [[nodiscard]] double median() const;
  [[nodiscard]] double quantile(double p) const;  // p in (0, 1)
};

LogNormal prior_of(const ErythemaPrior& prior);
LogNormal update(const ErythemaPrior& prior, std::span<const ErythemaPoint> points);

// Per site (docs/records.md): log m_s = a + b_s with the patient's a ~
// N(mu0, s0^2) and the site's deviation b_s ~ N(0, tau^2). A session
// observation (no site) gives y = a + e; a site observation y = a + b_s + e,
// from that site's prediction. The posterior of (a, b_1..b_K) is normal
// (linear Gaussian model): precision P0 + X'X/sigma^2, mean its inverse times
// X'y/sigma^2 (+ the prior mean's term).
struct SitePoint {
  std::string site;
  double predicted_day = 0;
  double observed_day = 0;
};

struct SitePosterior {
  LogNormal patient;                                     // a
  std::vector<std::pair<std::string, LogNormal>> sites;  // a + b_s, sites with observations
  double site_sd_log = 0;                                // tau, for a site without observations
  // log m of a zone at `site`: a + b_site (a site without observations: a,
  // with the variance plus tau^2).
  [[nodiscard]] LogNormal at(const std::string& site) const;
};

SitePosterior update(const ErythemaPrior& prior, std::span<const ErythemaPoint> session_points,
                     std::span<const SitePoint> site_points);

// Pain (docs/records.md): the response stage's pain model is a Hill curve,
// NRS = 10 h / (1 + h) with h = (deep / pain_depth)^exponent, so the odds
// h = NRS / (10 - NRS) is what a patient's own pain scales: the patient's
// odds are the model's times a multiplier q. log q ~ N(0, s0^2); each
// session with a recorded pain gives y = logit(obs) - logit(pred) = log q + e,
// e ~ N(0, sigma^2), with NRS clamped to [min_nrs, 10 - min_nrs]; the update
// is the same conjugate one as the erythema multiplier's. A q above 1 is the
// same as a pain-threshold depth pain_depth * q^(-1/exponent): the planner
// offers the anaesthetic from the painless depth scaled by that factor
// (never above the population's: only more protective).
struct PainPrior {
  double mu_log = 0;
  double sd_log = 1.0;              // s0 (data/records/personalisation.toml)
  double observation_sd_log = 0.5;  // sigma
  double min_nrs = 0.5;             // NRS clamp
  double exponent = 3;              // the pain model's (data/response/acute.toml)
  static const PainPrior& builtin();
};

struct PainPoint {
  double predicted_nrs = 0;
  double observed_nrs = 0;
};

LogNormal prior_of(const PainPrior& prior);
LogNormal update(const PainPrior& prior, std::span<const PainPoint> points);
// The NRS of the patient whose pain odds are q times those of `nrs`.
double personal_nrs(double nrs, double q);
// The factor on the painless depth for a pain multiplier q: min(1, q^(-1/exponent)).
double painless_depth_factor(const PainPrior& prior, double q);

// The population's pain (NRS 0-10) during the session of case `c` in zone
// `zone`, at the zone's depth_mm, the case's passes and anaesthetic (the
// response stage's model with the pipeline's dose; tests pass simple ones).
using PainModel = std::function<double(const cases::Case& c, std::size_t zone)>;

// A predictor whose downtime is the base predictor's times m; depths, gains
// and anaesthetic onsets are the base predictor's.
class PersonalisedPredictor final : public planner::Predictor {
 public:
  PersonalisedPredictor(const planner::Predictor& base, double erythema_multiplier)
      : base_(base), m_(erythema_multiplier) {}
  // One multiplier per zone of the case (per-site personalisation).
  PersonalisedPredictor(const planner::Predictor& base, std::vector<double> zone_multipliers)
      : base_(base), m_(1), zone_m_(std::move(zone_multipliers)) {}
  [[nodiscard]] planner::ZonePrediction predict_zone(
      const cases::Case& c, std::size_t zone, const planner::ZoneSetting& setting,
      const planner::CourseSetting& course) const override;
  // The base predictor's intervals, the downtime's times m (the planner keeps
  // the p90 downtime within what the patient accepts, as without a record).
  [[nodiscard]] planner::ZonePrediction predict_zone_intervals(const cases::Case& c,
                                                               std::size_t zone,
                                                               const planner::ZoneSetting& setting,
                                                               const planner::CourseSetting& course,
                                                               bool collagen) const override;
  [[nodiscard]] planner::ZonePrediction predict_setting(const cases::Case& c, std::size_t zone,
                                                        const planner::ZoneSetting& setting,
                                                        bool downtime_interval) const override;
  [[nodiscard]] std::optional<double> anaesthetic_onset_min(
      const cases::Case& c, std::string_view product) const override {
    return base_.anaesthetic_onset_min(c, product);
  }
  [[nodiscard]] std::string name() const override { return base_.name() + "+record"; }

 private:
  [[nodiscard]] double m_of(std::size_t zone) const {
    return zone_m_.empty() ? m_ : zone_m_.at(zone);
  }
  const planner::Predictor& base_;
  double m_;
  std::vector<double> zone_m_;
};

// The case for the patient's next session on `date`: the last session's
// zones (depths left to the planner), procedure and product; the patient
// from the record (age = year of `date` - birth year); the last session's
// device with its recorded uses. Checked like a case file (io::parse_case
// of its TOML): InputError naming the field. InputError if the patient has
// no session yet or `date` is before the last session.
cases::Case case_from_record(const PatientHistory& h, const DeviceRecord& device, const Date& date,
                             const std::string& source);

struct ObservedSession {
  std::string date;
  double predicted_day = 0;  // population model, at the session's settings
  double observed_day = 0;
};

struct ObservedPain {
  std::string date;
  double predicted_nrs = 0;  // population model, the most painful zone of the session
  double observed_nrs = 0;
};

struct ZoneDowntime {
  std::string site;
  std::optional<double> prior_day;         // population model at the planned setting
  std::optional<double> personalised_day;  // times the posterior median of the zone's site
  LogNormal multiplier;                    // of the zone's site (the patient's without site data)
  // Pain at the planned setting and anaesthetic (with a pain model).
  std::optional<double> prior_pain_nrs;
  std::optional<double> personalised_pain_nrs;
};

// One recorded session as the history shows it (report --db --patient).
struct HistorySession {
  std::string date;
  std::string device_id;
  int device_uses_before = 0;
  struct ZoneDone {
    std::string site;
    std::string indication;
    double depth_mm = 0;
  };
  std::vector<ZoneDone> zones;
  int passes = 1;
  std::optional<cases::Anaesthetic> anaesthetic;
  std::optional<std::string> product;
  std::optional<double> erythema_observed_day, erythema_predicted_day;
  std::vector<SitePoint> sites;  // redness observed per site, with the site's prediction
  std::optional<double> pain_observed_nrs, pain_predicted_nrs;
  int adverse_events = 0;  // how many; their text and the note stay in the record
  bool has_note = false;
};

struct RecordPlan {
  cases::Case c;
  planner::Plan plan;  // with the personalised predictor
  LogNormal prior;
  LogNormal posterior;
  LogNormal pain_prior;
  LogNormal pain_posterior;  // the prior when there is no pain model or no recorded pain
  bool pain_model = false;   // whether pain was predicted (plan_from_record had a PainModel)
  double painless_real_depth_um = 0;               // the limits' painless depth, population
  double personalised_painless_real_depth_um = 0;  // as the plan used it
  std::vector<ObservedSession> observed;
  std::vector<ObservedPain> observed_pain;
  std::vector<SitePoint> observed_sites;         // site observations with their predictions
  std::vector<HistorySession> history;           // every session, by date
  std::optional<planner::Plan> population_plan;  // with the base predictor, if asked for
  std::vector<ZoneDowntime> zones;
  std::string patient_id;
  std::string date;
  int sessions_done = 0;
  std::optional<int> days_since_last;
  std::string device_id;
  int device_uses = 0;
  std::vector<std::string> warnings;  // about the course so far
};

// A fresh predictor for one case (the pipeline's predictor caches per zone
// index, so each case gets its own).
using PredictorFactory = std::function<std::unique_ptr<planner::Predictor>()>;

struct Priors {
  ErythemaPrior erythema = ErythemaPrior::builtin();
  PainPrior pain = PainPrior::builtin();
};

// Plans the patient's next session on `date` from the record: the population
// prediction of every observed session (the base predictor at the recorded
// settings; `pain` for the recorded pain), the updates of m and q, then the
// planner with PersonalisedPredictor and the limits' painless depth scaled by
// painless_depth_factor. Without `pain` (nullptr) pain is not personalised.
// With `population_plan`, also the plan of the same case with the base
// predictor and the limits as they are (RecordPlan::population_plan).
RecordPlan plan_from_record(Database& db, std::string_view patient_id, const Date& date,
                            const PredictorFactory& make_predictor, const PainModel& pain = nullptr,
                            const Priors& priors = Priors{}, bool population_plan = false);

// The pipeline's pain model (PainModel): the zone's dose on a 1 cm^2 patch
// (puncture stage) and the numbed depth of intact skin when the case's
// anaesthetic comes off (transport, 1D), through response::pain_nrs.
double pipeline_pain_nrs(const cases::Case& c, std::size_t zone);

nlohmann::json to_json(const RecordPlan& r);  // the "record" object of `plan --db --json`
std::string record_text(const RecordPlan& r);

}  // namespace mnsim::records
