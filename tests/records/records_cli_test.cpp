// `mnsim records` and `mnsim plan --db` as a user runs them: exit status 2 on
// bad input with the field and value named and nothing written, no stored
// patient data in messages, the whole workflow, and the default path.
#include <cmath>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "../support/cli_harness.hpp"
#include "mnsim/io/case_reader.hpp"
#include "records_util.hpp"

namespace mnsim::records {
namespace {

class RecordsCli : public mnsim::testing::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    db_ = (dir_ / "clinic.db").string();
    case_ = write("session.toml", test::session_case(0.5, 4)).string();
    ASSERT_EQ(rec("init").status, 0);
    ASSERT_EQ(rec("patient add --id P1 --birth-year 1979 --sex female --fitzpatrick 2").status, 0);
    ASSERT_EQ(rec("device add --id D1 --model pen-16-120hz").status, 0);
    ASSERT_EQ(rec("session add --patient P1 --device D1 --date 2026-10-01 --case " + case_).status,
              0);
    ASSERT_EQ(
        rec("observe --patient P1 --date 2026-10-01 --pain 4 --note secret-remark-xyz").status, 0);
  }
  mnsim::testing::CliResult rec(const std::string& args) const {
    return mnsim("records --db " + db_ + " " + args);
  }
  std::string snapshot() const {
    Database db(db_, Database::Mode::Open);
    return test::content(db);
  }
  std::string db_, case_;
};

TEST_F(RecordsCli, BadInputExitsTwoNamesFieldAndValueAndWritesNothing) {
  const std::string before = snapshot();
  struct Bad {
    std::string args, field, value;
  };
  const std::vector<Bad> bad{
      {"patient add --id P2 --birth-year 1980 --sex female --fitzpatrick 8", "--fitzpatrick", "8"},
      {"patient add --id P2 --birth-year 1980 --sex other --fitzpatrick 3", "--sex", "other"},
      {"patient add --id P1 --birth-year 1980 --sex male --fitzpatrick 3", "--id", "P1"},
      {"device add --id D2 --model no-such-pen", "device.model", "no-such-pen"},
      {"session add --patient P1 --device D9 --date 2026-11-01 --case " + case_, "--device", "D9"},
      {"session add --patient P1 --device D1 --date 2026-13-01 --case " + case_, "--date",
       "2026-13-01"},
      {"observe --patient P1 --date 2026-10-01 --pain 12", "--pain", "12"},
      {"observe --patient P1 --date 2026-10-01 --erythema-resolved-day 90",
       "--erythema-resolved-day", "90"},
      {"observe --patient P1 --date 2026-10-02 --pain 3", "--date", "2026-10-02"},
      {"observe --patient P1 --date 2026-10-01 --site neck --erythema-resolved-day 3", "--site",
       "neck"},
      {"observe --patient P1 --date 2026-10-01 --site cheek --erythema-resolved-day 3 --pain 2",
       "--site", "cheek"},
      {"observe --patient P1 --date 2026-10-01 --site cheek --erythema-resolved-day 99",
       "--erythema-resolved-day", "99"},
      {"erase --patient P7", "--patient", "P7"},
      {"show --patient P7", "--patient", "P7"},
  };
  for (const auto& b : bad) {
    const auto r = rec(b.args);
    EXPECT_EQ(r.status, 2) << b.args << "\n" << r.err;
    EXPECT_NE(r.err.find(b.field), std::string::npos) << b.args << "\n" << r.err;
    EXPECT_NE(r.err.find(b.value), std::string::npos) << b.args << "\n" << r.err;
    // Nothing stored about P1 beyond the id is echoed.
    EXPECT_EQ(r.err.find("secret-remark-xyz"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("1979"), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(), before) << b.args;
  }
  // A database that does not exist is not created by a command other than init.
  const auto r = mnsim("records --db " + (dir_ / "none.db").string() + " list");
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.db"));
}

TEST_F(RecordsCli, WorkflowShowExportEraseAndDefaultPath) {
  ASSERT_EQ(rec("observe --patient P1 --date 2026-10-01 --erythema-resolved-day 2").status, 0);
  const auto show = rec("show --patient P1 --json");
  ASSERT_EQ(show.status, 0) << show.err;
  const auto j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["patient"]["birth_year"], 1979);
  ASSERT_EQ(j["sessions"].size(), 1u);
  EXPECT_EQ(j["sessions"][0]["zones"][0]["depth_mm"], 0.5);
  EXPECT_EQ(j["sessions"][0]["observation"]["erythema_resolved_day"], 2.0);
  EXPECT_EQ(j["sessions"][0]["observation"]["pain_nrs"], 4.0);
  EXPECT_TRUE(j.contains("mnsim_version"));
  // export --case: a case file mnsim reads, for the patient on that date.
  const auto ex = rec("export --patient P1 --case --date 2027-03-01");
  ASSERT_EQ(ex.status, 0) << ex.err;
  const cases::Case c = io::parse_case(ex.out, "export");
  EXPECT_EQ(c.patient.age_years, 2027 - 1979);
  EXPECT_EQ(c.patient.fitzpatrick, 2);
  EXPECT_EQ(c.device.uses, 1);
  EXPECT_FALSE(c.zones.at(0).depth_mm);
  ASSERT_EQ(rec("export --patient P1 --json").status, 0);
  // list, then erase, then the patient is gone.
  EXPECT_NE(rec("list").out.find("P1"), std::string::npos);
  ASSERT_EQ(rec("erase --patient P1").status, 0);
  EXPECT_EQ(rec("show --patient P1").status, 2);
  EXPECT_EQ(rec("list").out.find("P1"), std::string::npos);
  // $MNSIM_DB is the default --db.
  const auto env = mnsim::testing::CliTest::mnsim("records list");  // no --db, no $MNSIM_DB
  EXPECT_NE(env.status, 0);  // ./mnsim-records.db does not exist in the build folder
  const auto viaenv = [&](const std::string& args) {
    return mnsim::testing::CliTest::mnsim("records " + args);
  };
  ::setenv("MNSIM_DB", db_.c_str(), 1);
  EXPECT_EQ(viaenv("device add --id D2 --model pen-16-120hz").status, 0);
  ::unsetenv("MNSIM_DB");
  Database db(db_, Database::Mode::Open);
  EXPECT_EQ(device(db, "D2").uses, 0);
}

}  // namespace
}  // namespace mnsim::records

namespace mnsim::records {
namespace {

// plan --db --patient --json with the real pipeline: the plan's keys and the
// record's prior and personalised predictions side by side.
TEST_F(RecordsCli, PlanFromTheRecordShowsPriorAndPersonalised) {
  ASSERT_EQ(rec("observe --patient P1 --date 2026-10-01 --erythema-resolved-day 7").status, 0);
  const auto r = mnsim("plan --db " + db_ + " --patient P1 --date 2026-11-05 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["eligible"].get<bool>());
  const auto& rec_j = j["record"];
  EXPECT_EQ(rec_j["patient"], "P1");
  EXPECT_EQ(rec_j["sessions_done"], 1);
  EXPECT_EQ(rec_j["days_since_last_session"], 35);
  EXPECT_EQ(rec_j["age_years"], 2026 - 1979);
  ASSERT_EQ(rec_j["observed"].size(), 1u);
  const double predicted = rec_j["observed"][0]["erythema_resolved_day_predicted"];
  const double m = rec_j["erythema_multiplier"]["posterior"]["median"];
  EXPECT_EQ(rec_j["erythema_multiplier"]["prior"]["median"], 1.0);
  EXPECT_EQ(m > 1.0, 7.0 > predicted);  // the update moves towards the observation
  ASSERT_EQ(rec_j["zones"].size(), 1u);
  const auto& z = rec_j["zones"][0];
  EXPECT_NEAR(z["downtime_days_personalised"].get<double>(),
              z["downtime_days_prior"].get<double>() * m, 1e-9);
  // The plan's own figure is the personalised one (plan JSON rounds to 0.001 d).
  EXPECT_NEAR(j["zones"][0]["downtime_days"].get<double>(),
              z["downtime_days_personalised"].get<double>(), 0.5e-3);
  // The personalised predictor passes the population's downtime interval on
  // (times m): the planner keeps its p90 within the accepted 3 days.
  const auto& iv = j["zones"][0]["downtime_days_interval"];
  ASSERT_TRUE(iv.is_object()) << j["zones"][0].dump();
  EXPECT_LE(iv["p90"].get<double>(), 3.0 + 1e-9);
  EXPECT_GE(iv["p90"].get<double>(), iv["p50"].get<double>());
  // Bad input to plan --db: exit 2.
  EXPECT_EQ(mnsim("plan --db " + db_ + " --patient P1 --date 2026-09-01").status, 2);
  EXPECT_EQ(mnsim("plan --db " + db_ + " --patient P9 --date 2026-11-05").status, 2);
}

// A session case that is cheap to report: one cheek zone at 1.0 mm, no
// product or anaesthetic (no transport), one session, 8 draws.
std::string cheap_session_case() {
  cases::Case c = io::default_case();
  c.zones = {cases::Zone{"cheek", cases::Indication::AcneScars, 1.0}};
  c.procedure.anaesthetic.reset();
  c.product.reset();
  c.course.sessions = 1;
  c.course.horizon_days = 30;
  c.simulation.samples = 8;
  return io::write_case(c);
}

// The conjugate normal update of one observation y (docs/records.md).
double posterior_median(double s0, double sigma, double y) {
  const double precision = 1 / (s0 * s0) + 1 / (sigma * sigma);
  return std::exp(y / (sigma * sigma) / precision);
}

double log_odds(double nrs) {
  const double x = std::clamp(nrs, 0.5, 9.5);
  return std::log(x / (10 - x));
}

// report --db --patient: the record's history in the report's data and page.
TEST_F(RecordsCli, ReportFromTheRecordHasTheHistory) {
  const auto cheap = write("cheap.toml", cheap_session_case()).string();
  ASSERT_EQ(rec("patient add --id P2 --birth-year 1985 --sex male --fitzpatrick 3").status, 0);
  ASSERT_EQ(rec("session add --patient P2 --device D1 --date 2026-09-01 --case " + cheap).status,
            0);
  ASSERT_EQ(rec("observe --patient P2 --date 2026-09-01 --erythema-resolved-day 6 --pain 7 "
                "--adverse-event bruising --note private-words-abc")
                .status,
            0);
  const auto out = dir_ / "rep";
  const auto r =
      mnsim("report --db " + db_ + " --patient P2 --date 2026-10-06 --json --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("history"));
  const auto& h = j["history"];
  for (const char* key : {"patient", "date", "sessions", "erythema_multiplier", "pain_multiplier",
                          "painless_real_depth_um", "zones", "population_plan", "warnings"})
    EXPECT_TRUE(h.contains(key)) << key;
  EXPECT_EQ(h["patient"], "P2");
  ASSERT_EQ(h["sessions"].size(), 1u);
  const auto& s = h["sessions"][0];
  EXPECT_EQ(s["date"], "2026-09-01");
  EXPECT_EQ(s["device"]["id"], "D1");
  EXPECT_EQ(s["device"]["uses_before"], 1);  // P1's session used D1 first
  EXPECT_EQ(s["zones"][0]["site"], "cheek");
  EXPECT_EQ(s["zones"][0]["depth_mm"], 1.0);
  EXPECT_EQ(s["passes"], 4);
  EXPECT_TRUE(s["anaesthetic"].is_null());
  EXPECT_EQ(s["erythema_resolved_day_observed"], 6.0);
  EXPECT_EQ(s["pain_nrs_observed"], 7.0);
  EXPECT_EQ(s["adverse_events"], 1);
  EXPECT_EQ(s["has_note"], true);
  // Observed vs predicted: the posterior medians are the update of these numbers.
  const double pred_day = s["erythema_resolved_day_predicted"];
  const double pred_pain = s["pain_nrs_predicted"];
  EXPECT_GT(pred_day, 0.5);
  EXPECT_GT(pred_pain, 0.0);  // 1.0 mm without anaesthetic hurts in the model
  const auto& em = h["erythema_multiplier"];
  EXPECT_NEAR(em["posterior"]["median"].get<double>(),
              posterior_median(em["prior"]["sd_log"], 0.3, std::log(6.0 / pred_day)), 1e-9);
  const auto& pm = h["pain_multiplier"];
  EXPECT_TRUE(pm["pain_model"].get<bool>());
  EXPECT_NEAR(pm["posterior"]["median"].get<double>(),
              posterior_median(pm["prior"]["sd_log"], 0.5, log_odds(7) - log_odds(pred_pain)),
              1e-9);
  // The report's plan is the personalised one, next to the population plan.
  EXPECT_EQ(j["run"]["plan"]["predictor"], "pipeline+record");
  EXPECT_EQ(h["population_plan"]["predictor"], "pipeline");
  // The page: written, carries the history and the code that draws it, and
  // no free text of the record.
  std::ifstream in(out / "report.html");
  std::stringstream page;
  page << in.rdbuf();
  EXPECT_NE(page.str().find("\"history\":{"), std::string::npos);
  EXPECT_NE(page.str().find("add(hs, \"h2\", { text: \"History\" })"), std::string::npos);
  EXPECT_EQ(page.str().find("private-words-abc"), std::string::npos);
  EXPECT_EQ(page.str().find("bruising"), std::string::npos);
  EXPECT_EQ(r.out.find("private-words-abc"), std::string::npos);

  // Bad input: exit 2 naming the field, nothing written.
  const auto none = dir_ / "none";
  auto bad = mnsim("report --db " + db_ + " --patient P9 --date 2026-10-06 --out " + none.string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--patient"), std::string::npos) << bad.err;
  bad = mnsim("report --db " + (dir_ / "missing.db").string() +
              " --patient P2 --date 2026-10-06 --out " + none.string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--db"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(none));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing.db"));
}

}  // namespace
}  // namespace mnsim::records
