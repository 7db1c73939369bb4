// Records commands: input checks (nothing written on bad input), history,
// erase, and the case writer behind `export --case`.
#include <fstream>

#include <gtest/gtest.h>

#include "mnsim/case/json.hpp"
#include "records_util.hpp"

namespace mnsim::records {
namespace {

// The command throws InputError naming `field`, and the database is unchanged.
template <typename F>
void expect_rejected(Database& db, const std::string& field, F command) {
  const std::string before = test::content(db);
  try {
    command();
    ADD_FAILURE() << "no InputError for " << field;
  } catch (const InputError& e) {
    bool named = false;
    for (const auto& i : e.issues())
      named = named || i.field == field;
    EXPECT_TRUE(named) << e.what();
  }
  EXPECT_EQ(test::content(db), before);
}

class RecordsCommands : public test::ScratchDir {
 protected:
  void SetUp() override {
    test::ScratchDir::SetUp();
    db_ = std::make_unique<Database>(dir_ / "r.db", Database::Mode::Create);
    add_patient(*db_, test::patient("P1"));
    add_device(*db_, test::pen("D1"));
    add_session(*db_, "P1", "D1", parse_date("2026-10-01", "d"), test::session_case(), "c");
  }
  std::unique_ptr<Database> db_;
};

TEST_F(RecordsCommands, BadInputWritesNothing) {
  Database& db = *db_;
  auto p = test::patient("P2");
  p.fitzpatrick = 7;
  expect_rejected(db, "--fitzpatrick", [&] { add_patient(db, p); });
  p = test::patient("P2", 1850);
  expect_rejected(db, "--birth-year", [&] { add_patient(db, p); });
  p = test::patient("bad id!");
  expect_rejected(db, "--id", [&] { add_patient(db, p); });
  p = test::patient("P2");
  p.history = {"not_a_code"};
  expect_rejected(db, "--history", [&] { add_patient(db, p); });
  expect_rejected(db, "--id", [&] { add_patient(db, test::patient("P1")); });  // exists
  auto d = test::pen("D2");
  d.spec.model = "no-such-model";
  expect_rejected(db, "device.model", [&] { add_device(db, d); });
  const auto date = parse_date("2026-11-01", "d");
  expect_rejected(db, "--device",
                  [&] { add_session(db, "P1", "nope", date, test::session_case(), "c"); });
  expect_rejected(db, "--patient",
                  [&] { add_session(db, "nobody", "D1", date, test::session_case(), "c"); });
  expect_rejected(db, "--date", [&] {
    add_session(db, "P1", "D1", parse_date("2026-10-01", "d"), test::session_case(), "c");
  });
  // A zone without its depth setting is not a record of what was done.
  cases::Case c = io::default_case();
  c.zones = {cases::Zone{"cheek", cases::Indication::AcneScars, std::nullopt}};
  expect_rejected(db, "zones[0].depth_mm",
                  [&] { add_session(db, "P1", "D1", date, io::write_case(c), "c"); });
  expect_rejected(db, "zones[0].depth_mm", [&] {
    add_session(db, "P1", "D1", date, "[[zones]]\nsite = \"cheek\"\ndepth_mm = 9\n", "c");
  });
  ObservationRecord o;
  o.pain_nrs = 11;
  expect_rejected(db, "--pain", [&] { observe(db, "P1", parse_date("2026-10-01", "d"), o); });
  o = {};
  o.erythema_resolved_day = -1;
  expect_rejected(db, "--erythema-resolved-day",
                  [&] { observe(db, "P1", parse_date("2026-10-01", "d"), o); });
  o = {};
  o.erythema_resolved_day = 2;
  expect_rejected(db, "--date", [&] { observe(db, "P1", date, o); });  // no session then
  expect_rejected(db, "--patient", [&] { erase_patient(db, "nobody"); });
  EXPECT_THROW(parse_date("2026-02-30", "--date"), InputError);
  EXPECT_THROW(parse_date("26-2-3", "--date"), InputError);
}

TEST_F(RecordsCommands, SessionCountsDeviceUsesAndObservationsMerge) {
  Database& db = *db_;
  add_session(db, "P1", "D1", parse_date("2026-11-01", "d"), test::session_case(0.5, 3), "c");
  EXPECT_EQ(device(db, "D1").uses, 2);
  ObservationRecord o;
  o.erythema_resolved_day = 3;
  observe(db, "P1", parse_date("2026-11-01", "d"), o);
  o = {};
  o.pain_nrs = 4;
  o.note = "fine";
  observe(db, "P1", parse_date("2026-11-01", "d"), o);
  const auto h = patient_history(db, "P1");
  ASSERT_EQ(h.sessions.size(), 2u);
  EXPECT_EQ(h.sessions[1].device_uses_before, 1);
  EXPECT_EQ(h.sessions[1].c.procedure.passes, 3);
  EXPECT_EQ(*h.sessions[1].c.zones[0].depth_mm, 0.5);
  ASSERT_TRUE(h.sessions[1].observation);
  EXPECT_EQ(*h.sessions[1].observation->erythema_resolved_day, 3);  // kept
  EXPECT_EQ(*h.sessions[1].observation->pain_nrs, 4);
  EXPECT_EQ(h.sessions[1].observation->note, "fine");
}

TEST_F(RecordsCommands, EraseRemovesThePatientCompletely) {
  Database& db = *db_;
  ObservationRecord o;
  o.note = "a-private-note-text";
  observe(db, "P1", parse_date("2026-10-01", "d"), o);
  // Closed and reopened: the note is in the main file, not only in the WAL.
  db_.reset();
  db_ = std::make_unique<Database>(dir_ / "r.db", Database::Mode::Open);
  Database& db2 = *db_;
  {
    std::ifstream in(dir_ / "r.db", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    ASSERT_NE(bytes.find("a-private-note-text"), std::string::npos);
  }
  erase_patient(db2, "P1");
  EXPECT_THROW(patient_history(db2, "P1"), InputError);
  for (const char* table : {"sessions", "observations", "patients"}) {
    auto st = db2.prepare(std::string("SELECT count(*) FROM ") + table);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.integer(0), 0) << table;
  }
  EXPECT_EQ(device(db2, "D1").uses, 1);  // the device was used
  db_.reset();
  // secure_delete and the WAL checkpoint: the note is not left in the files.
  for (const auto& f : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(f.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("a-private-note-text"), std::string::npos) << f.path();
  }
}

// export --case writes TOML that reads back to the same case.
TEST(RecordsCaseWriter, RoundTripsTheExampleCases) {
  for (const std::string name : {"default", "home-roller", "stretch-marks"}) {
    const cases::Case c = io::load_case(std::string(MNSIM_SOURCE_DIR) + "/cases/" + name + ".toml");
    const cases::Case back = io::parse_case(io::write_case(c, "a header\nof two lines"), "w");
    auto a = cases::to_json(c);
    auto b = cases::to_json(back);
    a.erase("source");
    b.erase("source");
    EXPECT_EQ(a, b) << name;
  }
}

}  // namespace
}  // namespace mnsim::records
