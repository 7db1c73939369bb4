#include "mnsim/records/database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <array>
#include <cerrno>
#include <cstring>

#include "mnsim/core/error.hpp"

namespace mnsim::records {

namespace {

// Schema version 1: patients, devices, sessions (the case file as given),
// observations.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
CREATE TABLE patients (
  id          TEXT PRIMARY KEY NOT NULL,
  birth_year  INTEGER NOT NULL,
  sex         TEXT NOT NULL CHECK (sex IN ('female', 'male')),
  fitzpatrick INTEGER NOT NULL CHECK (fitzpatrick BETWEEN 1 AND 6),
  history     TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE devices (
  id        TEXT PRIMARY KEY NOT NULL,
  spec_json TEXT NOT NULL,
  uses      INTEGER NOT NULL CHECK (uses >= 0)
);
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  device_id  TEXT NOT NULL REFERENCES devices (id),
  date       TEXT NOT NULL,
  case_toml  TEXT NOT NULL,
  UNIQUE (patient_id, date)
);
CREATE TABLE observations (
  session_id            INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
  erythema_resolved_day REAL,
  pain_nrs              REAL,
  note                  TEXT NOT NULL DEFAULT ''
);
)sql";

// Version 2: the patient's accepted downtime; adverse events of an
// observation; the device's use count at each session, back-filled from the
// insertion order (v1 incremented devices.uses once per session added).
constexpr std::string_view kV2 = R"sql(
ALTER TABLE patients ADD COLUMN max_downtime_days REAL NOT NULL DEFAULT 3;
ALTER TABLE observations ADD COLUMN adverse_events TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sessions ADD COLUMN device_uses_before INTEGER;
UPDATE sessions SET device_uses_before = max(0,
  (SELECT d.uses FROM devices d WHERE d.id = sessions.device_id)
  - (SELECT count(*) FROM sessions s2
     WHERE s2.device_id = sessions.device_id AND s2.id >= sessions.id));
CREATE INDEX sessions_by_device ON sessions (device_id);
UPDATE schema_version SET version = 2;
)sql";

// Version 3: the redness of one site (zone) of a session (observe --site).
constexpr std::string_view kV3 = R"sql(
CREATE TABLE site_observations (
  session_id            INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  site                  TEXT NOT NULL,
  erythema_resolved_day REAL NOT NULL,
  PRIMARY KEY (session_id, site)
);
UPDATE schema_version SET version = 3;
)sql";

constexpr std::array<std::string_view, kSchemaVersion> kMigrations{kV1, kV2, kV3};

bool table_exists(Database& db, std::string_view name) {
  auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  st.bind(1, name);
  return st.step();
}

}  // namespace

std::span<const std::string_view> migrations() {
  return kMigrations;
}

Database::Database(const std::filesystem::path& path, Mode mode)
    : Database(path, mode, Options{}) {}

Database::Database(const std::filesystem::path& path, Mode mode, const Options& options)
    : path_(path) {
  const std::string p = path.string();
  if (mode == Mode::Open) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw InputError(InputIssue{"<command line>", "--db", p,
                                  "no records database there; create one with `mnsim records "
                                  "--db FILE init`"});
    }
  } else {
    // Created here with mode 0600 (before SQLite opens it), so that no other
    // user can ever read it.
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
      const int err = errno;
      throw InputError(
          InputIssue{"<command line>", "--db", p,
                     fmt::format("cannot create the database: {}", std::strerror(err))});
    }
    ::close(fd);
  }
  const int rc =
      sqlite3_open_v2(p.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError(fmt::format("records database {}: cannot open: {}", p, msg));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  try {
    exec("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;");
    {
      auto st = prepare("PRAGMA journal_mode = WAL");
      if (!st.step() || st.text(0) != "wal")
        throw DatabaseError(fmt::format("records database {}: cannot use WAL", p));
    }
    exec("PRAGMA synchronous = FULL;");
    upgrade(options.target_version);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() {
  if (db_ != nullptr)
    sqlite3_close(db_);
}

void Database::fail(int rc, std::string_view what) const {
  // A file that is not SQLite is bad input (--db names the wrong file), not
  // a failure of mnsim.
  if (db_ != nullptr && (sqlite3_extended_errcode(db_) & 0xff) == SQLITE_NOTADB) {
    throw InputError(InputIssue{"<command line>", "--db", path_.string(),
                                "not a SQLite file: not an mnsim records database"});
  }
  const char* msg = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  throw DatabaseError(fmt::format("records database {}: {}: {}", path_.string(), what, msg));
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if ((sqlite3_extended_errcode(db_) & 0xff) == SQLITE_NOTADB)
      fail(rc, msg);
    throw DatabaseError(fmt::format("records database {}: {}", path_.string(), msg));
  }
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK)
    fail(rc, "cannot prepare a statement");
  return Statement(*this, st);
}

int Database::schema_version() {
  if (!table_exists(*this, "schema_version"))
    return 0;
  auto st = prepare("SELECT version FROM schema_version");
  if (!st.step())
    throw DatabaseError(
        fmt::format("records database {}: the schema_version table is empty", path_.string()));
  return static_cast<int>(st.integer(0));
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

namespace {
// One transaction around `body` (nested calls join the open one).
void in_transaction(sqlite3* db, const char* begin, const std::function<void()>& body,
                    const std::function<void(const char*)>& exec) {
  if (sqlite3_get_autocommit(db) == 0) {
    body();
    return;
  }
  exec(begin);
  try {
    body();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}
}  // namespace

void Database::read_transaction(const std::function<void()>& body) {
  in_transaction(db_, "BEGIN DEFERRED", body, [this](const char* sql) { exec(sql); });
}

void Database::transaction(const std::function<void()>& body) {
  in_transaction(db_, "BEGIN IMMEDIATE", body, [this](const char* sql) { exec(sql); });
}

void Database::upgrade(int target_version) {
  if (target_version < 0 || target_version > kSchemaVersion)
    throw DatabaseError(fmt::format("no schema version {}", target_version));
  transaction([&] {
    const int have = schema_version();
    if (have > kSchemaVersion) {
      throw DatabaseError(fmt::format(
          "records database {}: schema version {} is newer than this mnsim's ({}); use a newer "
          "mnsim",
          path_.string(), have, kSchemaVersion));
    }
    if (have == 0) {
      // Version 0 must be an empty file, not some other SQLite database.
      auto st = prepare("SELECT count(*) FROM sqlite_master");
      st.step();
      if (st.integer(0) != 0)
        throw InputError(InputIssue{"<command line>", "--db", path_.string(),
                                    "a SQLite file but not an mnsim records database"});
    }
    for (int v = have; v < target_version; ++v)
      exec(kMigrations.at(static_cast<std::size_t>(v)));
  });
  // Only a database we have created or read is checked; a foreign-key
  // violation would mean a migration is wrong.
  auto st = prepare("PRAGMA foreign_key_check");
  if (st.step())
    throw DatabaseError(
        fmt::format("records database {}: foreign-key check failed", path_.string()));
}

Statement::~Statement() {
  if (stmt_ != nullptr)
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, std::string_view text) {
  const int rc =
      sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK)
    db_->fail(rc, "cannot bind a value");
  return *this;
}

Statement& Statement::bind(int i, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, i, value);
  if (rc != SQLITE_OK)
    db_->fail(rc, "cannot bind a value");
  return *this;
}

Statement& Statement::bind(int i, double value) {
  const int rc = sqlite3_bind_double(stmt_, i, value);
  if (rc != SQLITE_OK)
    db_->fail(rc, "cannot bind a value");
  return *this;
}

Statement& Statement::bind(int i, std::optional<double> value) {
  return value ? bind(i, *value) : bind_null(i);
}

Statement& Statement::bind_null(int i) {
  const int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK)
    db_->fail(rc, "cannot bind a value");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  db_->fail(rc, "statement failed");
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::int64_t Statement::integer(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double Statement::real(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::optional<double> Statement::optional_real(int col) const {
  if (is_null(col))
    return std::nullopt;
  return real(col);
}

}  // namespace mnsim::records
