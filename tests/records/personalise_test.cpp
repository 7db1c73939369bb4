// The planner that learns from the record: the conjugate update, and plans
// for patients whose redness lasted longer or shorter than predicted.
#include <cmath>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "../planner/test_util.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/records/personalise.hpp"
#include "records_util.hpp"

namespace mnsim::records {
namespace {

TEST(RecordsErythemaUpdate, IsTheConjugateNormalUpdateInLogSpace) {
  ErythemaPrior prior;
  prior.sd_log = 0.4;
  prior.observation_sd_log = 0.3;
  prior.min_day = 0.5;
  const std::vector<ErythemaPoint> pts{{2.0, 4.0}, {3.0, 5.0}};
  const LogNormal post = update(prior, pts);
  // By hand: precision 1/0.16 + 2/0.09; mean (log 2 + log(5/3))/0.09 / precision.
  const double precision = 1 / 0.16 + 2 / 0.09;
  EXPECT_NEAR(post.sd_log, std::sqrt(1 / precision), 1e-12);
  EXPECT_NEAR(post.mu_log, (std::log(2.0) + std::log(5.0 / 3.0)) / 0.09 / precision, 1e-12);
  EXPECT_EQ(post.observations, 2);
  // No observations: the prior.
  const LogNormal none = update(prior, {});
  EXPECT_EQ(none.mu_log, 0);
  EXPECT_NEAR(none.sd_log, 0.4, 1e-12);
  // Redness gone on the day (0) counts as min_day, not as log 0.
  const LogNormal zero = update(prior, std::vector<ErythemaPoint>{{0.0, 0.0}});
  EXPECT_EQ(zero.mu_log, 0);
  EXPECT_NEAR(none.quantile(0.5), 1.0, 1e-9);
  EXPECT_NEAR(std::log(none.quantile(0.9)), 0.4 * 1.2815515655446004, 1e-8);
}

// The number after `key = ` in the [erythema_decay_per_day] table of the
// calibration file, read here without the library's TOML reader.
double calibrated(const std::string& key) {
  std::ifstream in(std::string(MNSIM_SOURCE_DIR) + "/data/response/calibrated.toml");
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('[', 0) == 0)
      inside = line == "[erythema_decay_per_day]";
    else if (inside && line.rfind(key + " = ", 0) == 0)
      return std::stod(line.substr(key.size() + 3));
  }
  ADD_FAILURE() << "no " << key;
  return 0;
}

TEST(RecordsErythemaUpdate, BuiltinPriorComesFromTheCalibratedSpread) {
  const auto& p = ErythemaPrior::builtin();
  // s0 = sd / value of the fitted erythema decay rate.
  EXPECT_NEAR(p.sd_log, calibrated("sd") / calibrated("value"), 1e-12);
  EXPECT_GT(p.sd_log, 0.05);
  EXPECT_GT(p.observation_sd_log, 0);
}

// A fast predictor whose downtime binds: downtime = 2 d per mm per pass.
std::unique_ptr<planner::Predictor> linear() {
  auto p = std::make_unique<planner::test::LinearPredictor>();
  p->downtime_per_mm = 2.0;
  return p;
}

class RecordsPersonalised : public test::ScratchDir {
 protected:
  // A patient with one session at 0.3 mm x 4 passes (predicted 2.4 days of
  // redness) and, if given, the day the redness resolved.
  RecordPlan plan_for(const std::string& id, std::optional<double> observed_day) {
    Database db(dir_ / "p.db", Database::Mode::Create);
    add_patient(db, test::patient(id));
    add_device(db, test::pen("D-" + id));
    const auto first = parse_date("2026-09-01", "d");
    add_session(db, id, "D-" + id, first, test::session_case(0.3, 4), "c");
    if (observed_day) {
      ObservationRecord o;
      o.erythema_resolved_day = observed_day;
      observe(db, id, first, o);
    }
    return plan_from_record(db, id, parse_date("2026-10-06", "d"), linear);
  }
  static double dose(const RecordPlan& r) {  // depth x passes of the one zone
    const auto& s = r.plan.zones.at(0).setting;
    EXPECT_TRUE(s);
    return s ? s->depth_mm * s->passes : 0;
  }
  static void expect_within_limits(const RecordPlan& r) {
    EXPECT_TRUE(planner::limit_violations(r.plan, r.c, pipeline_free_device(r.c),
                                          planner::Limits::builtin(), anatomy::Atlas::builtin())
                    .empty());
    ASSERT_TRUE(r.plan.zones.at(0).prediction);
    EXPECT_LE(r.plan.zones.at(0).prediction->downtime_days, r.c.patient.max_downtime_days + 1e-9);
  }
  static device::Device pipeline_free_device(const cases::Case& c) {
    return planner::test::device_of(c);
  }
};

TEST_F(RecordsPersonalised, LongerRednessThanPredictedGivesAGentlerPlan) {
  const RecordPlan none = plan_for("N", std::nullopt);
  const RecordPlan longer = plan_for("L", 6.0);  // predicted 2.4
  const RecordPlan shorter = plan_for("S", 1.0);
  ASSERT_EQ(longer.observed.size(), 1u);
  EXPECT_NEAR(longer.observed[0].predicted_day, 2.4, 1e-12);
  EXPECT_GT(longer.posterior.median(), 1.2);
  EXPECT_LT(shorter.posterior.median(), 0.9);
  EXPECT_EQ(none.posterior.median(), 1.0);
  std::printf("dose (mm x passes): none %.3f, longer %.3f, shorter %.3f\n", dose(none),
              dose(longer), dose(shorter));
  EXPECT_LT(dose(longer), dose(none) - 1e-6);   // gentler
  EXPECT_GE(dose(shorter), dose(none) - 1e-9);  // no more conservative than needed ...
  for (const auto* r : {&none, &longer, &shorter})
    expect_within_limits(*r);  // ... and never beyond the limits
  // The plan shows both predictions: the personalised one is the prior times m.
  ASSERT_TRUE(longer.zones.at(0).prior_day);
  EXPECT_NEAR(*longer.zones[0].personalised_day,
              *longer.zones[0].prior_day * longer.posterior.median(), 1e-12);
}

TEST_F(RecordsPersonalised, RecordAgeDeviceUsesAndCourseReachTheCase) {
  const RecordPlan r = plan_for("A", std::nullopt);
  EXPECT_EQ(r.c.patient.age_years, 2026 - 1981);
  EXPECT_EQ(r.c.device.uses, 1);
  EXPECT_EQ(r.sessions_done, 1);
  EXPECT_EQ(r.days_since_last, 35);
  EXPECT_FALSE(r.c.zones.at(0).depth_mm);  // left to the planner
  // A pen cartridge used once: the planner's replace warning.
  bool warned = false;
  for (const auto& w : r.plan.warnings)
    warned = warned || w.find("cartridge") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST_F(RecordsPersonalised, TooSoonAfterTheLastSessionIsWarned) {
  Database db(dir_ / "s.db", Database::Mode::Create);
  add_patient(db, test::patient("Q"));
  add_device(db, test::pen("D"));
  add_session(db, "Q", "D", parse_date("2026-09-01", "d"), test::session_case(), "c");
  const auto r = plan_from_record(db, "Q", parse_date("2026-09-15", "d"), linear);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("not before 2026-09-29"), std::string::npos) << r.warnings[0];
  EXPECT_THROW(plan_from_record(db, "Q", parse_date("2026-08-01", "d"), linear), InputError);
}

// A record that does not make a valid case (a patient under 18 on the date)
// is bad input naming the field, without the stored value.
TEST_F(RecordsPersonalised, ARecordOutsideTheCaseRangesNamesTheFieldNotTheValue) {
  Database db(dir_ / "y.db", Database::Mode::Create);
  add_patient(db, test::patient("Y", 2012));
  add_device(db, test::pen("D"));
  add_session(db, "Y", "D", parse_date("2026-09-01", "d"), test::session_case(), "c");
  try {
    plan_from_record(db, "Y", parse_date("2026-10-06", "d"), linear);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].field, "patient.age_years");
    // Neither the value nor the problem text gives the age away (the file
    // name is the test's folder, whose process id may hold any digits).
    EXPECT_EQ(e.issues()[0].problem.find("14"), std::string::npos) << e.what();
    EXPECT_EQ(e.issues()[0].value.find("14"), std::string::npos) << e.what();
  }
}

TEST(RecordsPainUpdate, IsTheConjugateUpdateOfThePainLogOdds) {
  PainPrior prior;
  prior.sd_log = 1.0;
  prior.observation_sd_log = 0.5;
  prior.min_nrs = 0.5;
  prior.exponent = 3;
  // Observed 6 where 2 was predicted; observed 0 (taken as 0.5) where 4 was.
  const std::vector<PainPoint> pts{{2.0, 6.0}, {4.0, 0.0}};
  const LogNormal post = update(prior, pts);
  const double y1 = std::log(6.0 / 4.0) - std::log(2.0 / 8.0);
  const double y2 = std::log(0.5 / 9.5) - std::log(4.0 / 6.0);
  const double precision = 1 / 1.0 + 2 / 0.25;
  EXPECT_NEAR(post.sd_log, std::sqrt(1 / precision), 1e-12);
  EXPECT_NEAR(post.mu_log, (y1 + y2) / 0.25 / precision, 1e-12);
  EXPECT_EQ(update(prior, {}).mu_log, 0);
  // The patient's NRS: odds times q; q = 1 is the model's.
  EXPECT_NEAR(personal_nrs(5.0, 3.0), 7.5, 1e-12);
  EXPECT_NEAR(personal_nrs(2.0, 1.0), 2.0, 1e-12);
  EXPECT_EQ(personal_nrs(0.0, 10.0), 0.0);
  // More pain: a shallower painless depth (q^(-1/3)); less pain: unchanged.
  EXPECT_NEAR(painless_depth_factor(prior, 8.0), 0.5, 1e-12);
  EXPECT_EQ(painless_depth_factor(prior, 0.2), 1.0);
  // The built-in prior reads the pain model's exponent.
  EXPECT_GT(PainPrior::builtin().sd_log, 0);
  EXPECT_GT(PainPrior::builtin().exponent, 0);
}

// The linear predictor with half the setting reached: the population plan
// stays within the painless depth (300 um).
std::unique_ptr<planner::Predictor> linear_half() {
  auto p = std::make_unique<planner::test::LinearPredictor>();
  p->downtime_per_mm = 2.0;
  p->fraction = 0.5;
  return p;
}

// A fast pain model in the shape of the response stage's: NRS = 10 h/(1+h),
// h = (deep / 1900 um)^3, deep = linear_half's real depth less 100 um numbed
// by an anaesthetic.
double test_pain(const cases::Case& c, std::size_t zone) {
  const double real_um = 500.0 * c.zones.at(zone).depth_mm.value_or(0.0);
  const double deep = std::max(0.0, real_um - (c.procedure.anaesthetic ? 100.0 : 0.0));
  const double h = std::pow(deep / 1900.0, 3.0);
  return 10 * h / (1 + h);
}

class RecordsPainPersonalised : public test::ScratchDir {
 protected:
  // A patient who accepts 1 day of redness, one session at 0.3 mm x 4 passes
  // without anaesthetic and, if given, the pain recorded.
  RecordPlan plan_for(const std::string& id, std::optional<double> pain) {
    Database db(dir_ / "q.db", Database::Mode::Create);
    PatientRecord p = test::patient(id);
    p.max_downtime_days = 1.0;
    add_patient(db, p);
    add_device(db, test::pen("D-" + id));
    cases::Case sc = io::parse_case(test::session_case(0.3, 4), "s");
    sc.procedure.anaesthetic.reset();
    const auto first = parse_date("2026-09-01", "d");
    add_session(db, id, "D-" + id, first, io::write_case(sc), "c");
    if (pain) {
      ObservationRecord o;
      o.pain_nrs = pain;
      observe(db, id, first, o);
    }
    return plan_from_record(db, id, parse_date("2026-10-06", "d"), linear_half, test_pain, Priors{},
                            true);
  }
};

TEST_F(RecordsPainPersonalised, MorePainThanPredictedGivesAPlanNoLessProtective) {
  const RecordPlan none = plan_for("N", std::nullopt);
  const RecordPlan more = plan_for("M", 6.0);
  // No observation: the personalised plan is the population plan.
  ASSERT_TRUE(none.population_plan);
  EXPECT_EQ(none.pain_posterior.median(), 1.0);
  EXPECT_EQ(none.personalised_painless_real_depth_um, none.painless_real_depth_um);
  ASSERT_TRUE(none.plan.zones.at(0).setting);
  ASSERT_TRUE(none.population_plan->zones.at(0).setting);
  EXPECT_EQ(none.plan.zones[0].setting->depth_mm, none.population_plan->zones[0].setting->depth_mm);
  EXPECT_EQ(none.plan.anaesthetic.has_value(), none.population_plan->anaesthetic.has_value());
  // The population plan needs no anaesthetic at this depth.
  EXPECT_FALSE(none.plan.anaesthetic);
  // Observed 6 where the model predicted ~0.2: q well above 1, and the
  // personalised pain above the population's at the planned setting.
  ASSERT_EQ(more.observed_pain.size(), 1u);
  cases::Case recorded = io::parse_case(test::session_case(0.3, 4), "s");
  recorded.procedure.anaesthetic.reset();
  EXPECT_NEAR(more.observed_pain[0].predicted_nrs, test_pain(recorded, 0), 1e-12);
  EXPECT_GT(more.pain_posterior.median(), 3.0);
  ASSERT_TRUE(more.zones.at(0).prior_pain_nrs);
  EXPECT_GT(*more.zones[0].personalised_pain_nrs, *more.zones[0].prior_pain_nrs);
  EXPECT_LT(more.personalised_painless_real_depth_um, more.painless_real_depth_um);
  // No less protective: an anaesthetic where the population plan has none,
  // and no deeper a setting.
  ASSERT_TRUE(more.population_plan);
  EXPECT_FALSE(more.population_plan->anaesthetic);
  EXPECT_TRUE(more.plan.anaesthetic);
  ASSERT_TRUE(more.plan.zones.at(0).setting);
  EXPECT_LE(more.plan.zones[0].setting->depth_mm * more.plan.zones[0].setting->passes,
            more.population_plan->zones.at(0).setting->depth_mm *
                    more.population_plan->zones[0].setting->passes +
                1e-12);
  std::printf(
      "population plan %.2f mm x %d, anaesthetic %s; personalised %.2f mm x %d; painless depth "
      "%.0f -> %.0f um; pain at the plan %.2f -> %.2f; anaesthetic %s\n",
      more.population_plan->zones[0].setting->depth_mm,
      more.population_plan->zones[0].setting->passes,
      more.population_plan->anaesthetic ? "yes" : "none", more.plan.zones[0].setting->depth_mm,
      more.plan.zones[0].setting->passes, more.painless_real_depth_um,
      more.personalised_painless_real_depth_um, *more.zones[0].prior_pain_nrs,
      *more.zones[0].personalised_pain_nrs,
      more.plan.anaesthetic ? more.plan.anaesthetic->product.c_str() : "none");
}

TEST(RecordsSiteUpdate, IsTheLinearGaussianPosteriorOfPatientAndSite) {
  ErythemaPrior prior;
  prior.sd_log = 0.4;
  prior.observation_sd_log = 0.3;
  prior.site_sd_log = 0.2;
  prior.min_day = 0.5;
  // No site observation: exactly the patient-level update.
  const std::vector<ErythemaPoint> session{{2.0, 4.0}};
  const SitePosterior none = update(prior, session, {});
  const LogNormal flat = update(prior, session);
  EXPECT_NEAR(none.patient.mu_log, flat.mu_log, 1e-12);
  EXPECT_NEAR(none.patient.sd_log, flat.sd_log, 1e-12);
  // A site without observations: the patient's mean, variance plus tau^2.
  EXPECT_NEAR(none.at("cheek").mu_log, flat.mu_log, 1e-12);
  EXPECT_NEAR(none.at("cheek").sd_log, std::sqrt(flat.sd_log * flat.sd_log + 0.04), 1e-12);
  // One site observation y at the cheek plus the session one y0, by hand:
  // precision [[1/s0^2 + 2w, w], [w, 1/tau^2 + w]], w = 1/sigma^2.
  const std::vector<SitePoint> site{{"cheek", 3.0, 6.0}};
  const SitePosterior post = update(prior, session, site);
  const double w = 1 / 0.09;
  const double y0 = std::log(2.0);
  const double y = std::log(2.0);
  const double p00 = 1 / 0.16 + 2 * w;
  const double p01 = w;
  const double p11 = 1 / 0.04 + w;
  const double det = p00 * p11 - p01 * p01;
  const double c00 = p11 / det;
  const double c01 = -p01 / det;
  const double c11 = p00 / det;
  const double e0 = w * (y0 + y);
  const double e1 = w * y;
  const double a = c00 * e0 + c01 * e1;
  const double b = c01 * e0 + c11 * e1;
  EXPECT_NEAR(post.patient.mu_log, a, 1e-12);
  EXPECT_NEAR(post.patient.sd_log, std::sqrt(c00), 1e-12);
  EXPECT_NEAR(post.at("cheek").mu_log, a + b, 1e-12);
  EXPECT_NEAR(post.at("cheek").sd_log, std::sqrt(c00 + c11 + 2 * c01), 1e-12);
  EXPECT_EQ(post.at("cheek").observations, 1);
  EXPECT_EQ(post.patient.observations, 2);
  // The observed site moves more than the patient's other sites.
  EXPECT_GT(post.at("cheek").median(), post.at("forehead").median());
  EXPECT_NEAR(post.at("forehead").mu_log, a, 1e-12);
}

// Two zones (cheek, forehead) at 0.3 mm x 4; longer redness recorded at the
// cheek only: the cheek's next setting is gentler than the forehead's.
TEST_F(RecordsPersonalised, ASiteObservationPersonalisesThatSite) {
  const auto plan_two = [&](const std::string& id, bool observed) {
    Database db(dir_ / ("t" + id + ".db"), Database::Mode::Create);
    add_patient(db, test::patient(id));
    add_device(db, test::pen("D-" + id));
    cases::Case sc = io::parse_case(test::session_case(0.3, 4), "s");
    sc.zones.push_back(cases::Zone{"forehead", cases::Indication::AcneScars, 0.3});
    const auto first = parse_date("2026-09-01", "d");
    add_session(db, id, "D-" + id, first, io::write_case(sc), "c");
    if (observed)
      observe_site(db, id, first, "cheek", 6.0);  // predicted 2.4
    return plan_from_record(db, id, parse_date("2026-10-06", "d"), linear);
  };
  const RecordPlan none = plan_two("N2", false);
  const RecordPlan cheek = plan_two("C2", true);
  ASSERT_EQ(cheek.observed_sites.size(), 1u);
  EXPECT_NEAR(cheek.observed_sites[0].predicted_day, 2.4, 1e-12);
  EXPECT_GT(cheek.zones.at(0).multiplier.median(), cheek.zones.at(1).multiplier.median());
  EXPECT_GT(cheek.zones.at(1).multiplier.median(), 1.0);  // the patient's level moved too
  const auto zone_dose = [](const RecordPlan& r, std::size_t z) {
    const auto& s = r.plan.zones.at(z).setting;
    EXPECT_TRUE(s);
    return s ? s->depth_mm * s->passes : 0;
  };
  EXPECT_EQ(zone_dose(none, 0), zone_dose(none, 1));
  EXPECT_LT(zone_dose(cheek, 0), zone_dose(cheek, 1) - 1e-6);
  EXPECT_LE(zone_dose(cheek, 1), zone_dose(none, 1) + 1e-9);
  EXPECT_NEAR(*cheek.zones[0].personalised_day,
              *cheek.zones[0].prior_day * cheek.zones[0].multiplier.median(), 1e-12);
  // A site that is not a zone of the session: InputError naming --site.
  Database db(dir_ / "tC2.db", Database::Mode::Open);
  const auto before = test::content(db);
  try {
    observe_site(db, "C2", parse_date("2026-09-01", "d"), "neck", 3.0);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.issues().at(0).field, "--site");
  }
  EXPECT_EQ(test::content(db), before);
}

}  // namespace
}  // namespace mnsim::records
