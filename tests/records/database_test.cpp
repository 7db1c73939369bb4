// The records database: schema migrations, file mode, the kill test and two
// concurrent writers (docs/records.md, "Safe with data").
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "records_util.hpp"

namespace mnsim::records {
namespace {

using test::ScratchDir;

using RecordsDb = ScratchDir;

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST_F(RecordsDb, CreatedReadableByItsOwnerOnlyWithWalAndForeignKeys) {
  const auto path = dir_ / "r.db";
  const mode_t old = ::umask(0);  // even with a permissive umask
  {
    Database db(path, Database::Mode::Create);
    add_patient(db, test::patient("P1"));
    EXPECT_EQ(mode_of(path), 0600u);
    ASSERT_TRUE(std::filesystem::exists(path.string() + "-wal"));
    EXPECT_EQ(mode_of(path.string() + "-wal"), 0600u);
    auto fk = db.prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(fk.step());
    EXPECT_EQ(fk.integer(0), 1);
    auto jm = db.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(jm.step());
    EXPECT_EQ(jm.text(0), "wal");
    EXPECT_EQ(db.schema_version(), kSchemaVersion);
  }
  ::umask(old);
}

TEST_F(RecordsDb, OpenRefusesAMissingFileAndCreatesNothing) {
  const auto path = dir_ / "missing.db";
  EXPECT_THROW(Database(path, Database::Mode::Open), InputError);
  EXPECT_FALSE(std::filesystem::exists(path));
}

// A database made by the version-1 SQL, with data, is upgraded on open: the
// new columns get their defaults and the device's use count at each session
// is back-filled from the insertion order.
TEST_F(RecordsDb, MigratesAVersion1DatabaseWithItsData) {
  const auto path = dir_ / "v1.db";
  {
    Database::Options o;
    o.target_version = 1;
    Database db(path, Database::Mode::Create, o);
    ASSERT_EQ(db.schema_version(), 1);
    // Version 1 has no max_downtime_days nor device_uses_before.
    EXPECT_THROW(db.exec("UPDATE patients SET max_downtime_days = 1"), DatabaseError);
    const std::string toml = test::session_case();
    db.exec(
        "INSERT INTO patients (id, birth_year, sex, fitzpatrick, history) VALUES "
        "('P1', 1970, 'male', 4, '[\"keloids\"]');"
        "INSERT INTO devices (id, spec_json, uses) VALUES ('R1', '" +
        device_spec_json(test::pen("R1").spec).dump() + "', 5);");
    for (const char* date : {"2026-01-10", "2026-02-10", "2026-03-10"}) {
      db.prepare(
            "INSERT INTO sessions (patient_id, device_id, date, case_toml) "
            "VALUES ('P1', 'R1', ?1, ?2)")
          .bind(1, std::string_view(date))
          .bind(2, toml)
          .run();
    }
    db.exec(
        "INSERT INTO observations (session_id, erythema_resolved_day, pain_nrs, note) "
        "VALUES (2, 4.5, 3, 'n')");
  }
  Database db(path, Database::Mode::Open);
  EXPECT_EQ(db.schema_version(), kSchemaVersion);
  const auto h = patient_history(db, "P1");
  EXPECT_EQ(h.patient.max_downtime_days, 3);
  EXPECT_EQ(h.patient.history, std::vector<std::string>{"keloids"});
  ASSERT_EQ(h.sessions.size(), 3u);
  // 5 uses after 3 sessions: the device had 2 before the first.
  EXPECT_EQ(h.sessions[0].device_uses_before, 2);
  EXPECT_EQ(h.sessions[1].device_uses_before, 3);
  EXPECT_EQ(h.sessions[2].device_uses_before, 4);
  ASSERT_TRUE(h.sessions[1].observation);
  EXPECT_EQ(*h.sessions[1].observation->erythema_resolved_day, 4.5);
  EXPECT_TRUE(h.sessions[1].observation->adverse_events.empty());
  // And the upgraded database takes new commands.
  add_session(db, "P1", "R1", parse_date("2026-04-10", "d"), test::session_case(), "c");
  EXPECT_EQ(patient_history(db, "P1").sessions.back().device_uses_before, 5);
  // Version 3: per-site observations, also on the sessions recorded in v1.
  observe_site(db, "P1", parse_date("2026-01-10", "d"), "cheek", 5.0);
  const auto h3 = patient_history(db, "P1");
  ASSERT_EQ(h3.sessions[0].site_observations.size(), 1u);
  EXPECT_EQ(h3.sessions[0].site_observations[0].site, "cheek");
  EXPECT_EQ(h3.sessions[0].site_observations[0].erythema_resolved_day, 5.0);
}

TEST_F(RecordsDb, MigratesAVersion2DatabaseToPerSiteObservations) {
  const auto path = dir_ / "v2.db";
  {
    Database::Options o;
    o.target_version = 2;
    Database db(path, Database::Mode::Create, o);
    ASSERT_EQ(db.schema_version(), 2);
    EXPECT_THROW(db.exec("SELECT * FROM site_observations"), DatabaseError);
    add_patient(db, test::patient("P2"));
    add_device(db, test::pen("D2"));
    db.prepare(
          "INSERT INTO sessions (patient_id, device_id, date, case_toml, device_uses_before) "
          "VALUES ('P2', 'D2', '2026-05-01', ?1, 0)")
        .bind(1, test::session_case())
        .run();
  }
  Database db(path, Database::Mode::Open);
  EXPECT_EQ(db.schema_version(), 3);
  observe_site(db, "P2", parse_date("2026-05-01", "d"), "cheek", 4.0);
  EXPECT_EQ(patient_history(db, "P2").sessions.at(0).site_observations.size(), 1u);
}

TEST_F(RecordsDb, RefusesANewerSchemaAndForeignFiles) {
  const auto path = dir_ / "new.db";
  {
    Database db(path, Database::Mode::Create);
    db.exec("UPDATE schema_version SET version = 99");
  }
  EXPECT_THROW(Database(path, Database::Mode::Open), DatabaseError);
  const auto other = dir_ / "other.db";
  {
    Database::Options o;
    o.target_version = 0;
    Database db(other, Database::Mode::Create, o);
    db.exec("CREATE TABLE t (x)");
  }
  EXPECT_THROW(Database(other, Database::Mode::Open), InputError);
  const auto text = dir_ / "notes.txt";
  std::ofstream(text) << "not a database at all, but long enough to have a header........\n";
  EXPECT_THROW(Database(text, Database::Mode::Open), InputError);
}

TEST_F(RecordsDb, ForeignKeysAreEnforced) {
  Database db(dir_ / "fk.db", Database::Mode::Create);
  EXPECT_THROW(db.exec("INSERT INTO sessions (patient_id, device_id, date, case_toml) "
                       "VALUES ('nobody', 'nothing', '2026-01-01', '')"),
               DatabaseError);
}

// Checks what every whole command leaves: the integrity check passes, each
// device's use count is its start count plus its sessions, and the sessions
// of a device carry consecutive use counts.
void expect_consistent(const std::filesystem::path& path, int start_uses) {
  Database db(path, Database::Mode::Open);
  auto ic = db.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(ic.step());
  EXPECT_EQ(ic.text(0), "ok");
  auto uses = db.prepare("SELECT uses FROM devices WHERE id = 'D'");
  ASSERT_TRUE(uses.step());
  auto n = db.prepare("SELECT count(*) FROM sessions");
  ASSERT_TRUE(n.step());
  EXPECT_EQ(uses.integer(0), start_uses + n.integer(0));
  std::set<std::int64_t> before;
  auto s = db.prepare("SELECT device_uses_before FROM sessions");
  while (s.step())
    before.insert(s.integer(0));
  EXPECT_EQ(static_cast<std::int64_t>(before.size()), n.integer(0));  // no two alike
  if (!before.empty()) {
    EXPECT_EQ(*before.begin(), start_uses);
    EXPECT_EQ(*before.rbegin(), start_uses + n.integer(0) - 1);
  }
}

// A child that records sessions for patient `patient_id` until killed or
// `count` are done; every session is one whole command (a row in sessions and
// the device's use count up by one, in one transaction).
[[noreturn]] void writer(const std::filesystem::path& path, const std::string& patient_id,
                         int first_day, int count) {
  int status = 0;
  try {
    Database db(path, Database::Mode::Open);
    const std::string toml = test::session_case();
    const auto start = std::chrono::sys_days{parse_date("2000-01-01", "d")};
    for (int i = 0; i < count; ++i) {
      const Date date{start + std::chrono::days{first_day + i}};
      add_session(db, patient_id, "D", date, toml, "c");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "writer %s: %s\n", patient_id.c_str(), e.what());
    status = 1;
  }
  std::_Exit(status);
}

// SIGKILL at random (seeded) moments while a child writes; after each kill
// the database opens, passes the integrity check and holds only whole
// commands.
TEST_F(RecordsDb, KilledWriterLeavesOnlyWholeCommands) {
  const auto path = dir_ / "kill.db";
  constexpr int kStartUses = 3;
  {
    Database db(path, Database::Mode::Create);
    add_device(db, test::pen("D", kStartUses));
  }
  std::mt19937 rng(20261130);
  std::uniform_int_distribution<int> delay_ms(5, 120);
  constexpr int kRounds = 8;
  std::int64_t sessions = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = "K" + std::to_string(round);
    {
      Database db(path, Database::Mode::Open);
      add_patient(db, test::patient(id));
    }
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0)
      writer(path, id, 0, 60000);  // dates up to 2164
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int st = 0;
    ASSERT_EQ(::waitpid(child, &st, 0), child);
    EXPECT_TRUE(WIFSIGNALED(st)) << "the writer finished before it was killed";
    expect_consistent(path, kStartUses);
  }
  Database db(path, Database::Mode::Open);
  auto n = db.prepare("SELECT count(*) FROM sessions");
  ASSERT_TRUE(n.step());
  sessions = n.integer(0);
  // The test means something only if the writer got commands through.
  EXPECT_GT(sessions, kRounds);
  std::printf("kill test: %lld whole sessions over %d kills\n", static_cast<long long>(sessions),
              kRounds);
}

// Two processes record sessions on the same device at once: both finish
// (the busy timeout makes each wait for the other), and every command is
// applied exactly once.
TEST_F(RecordsDb, TwoConcurrentWritersBothComplete) {
  const auto path = dir_ / "two.db";
  constexpr int kEach = 25;
  {
    Database db(path, Database::Mode::Create);
    add_device(db, test::pen("D"));
    add_patient(db, test::patient("A"));
    add_patient(db, test::patient("B"));
  }
  std::vector<pid_t> children;
  for (const char* id : {"A", "B"}) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0)
      writer(path, id, 0, kEach);
    children.push_back(child);
  }
  for (const pid_t child : children) {
    int st = 0;
    ASSERT_EQ(::waitpid(child, &st, 0), child);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 0) << "a writer failed (busy beyond the timeout?)";
  }
  expect_consistent(path, 0);
  Database db(path, Database::Mode::Open);
  auto n = db.prepare("SELECT count(*) FROM sessions");
  ASSERT_TRUE(n.step());
  EXPECT_EQ(n.integer(0), 2 * kEach);
}

}  // namespace
}  // namespace mnsim::records
