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

}  // namespace
}  // namespace mnsim::records
