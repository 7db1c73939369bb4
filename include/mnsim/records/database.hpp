// Records: the SQLite database file and its schema (docs/records.md).
//
// A Database is one connection with the settings every command relies on:
// foreign keys ON, WAL journal, secure_delete ON (erased rows are
// overwritten), a busy timeout so that two writers wait for each other
// instead of failing. The file is created readable and writable by its owner
// only (mode 0600; SQLite gives the -wal and -shm files the same mode).
// Opening a database of an older schema upgrades it with the forward
// migrations below, in one transaction; a newer schema is refused
// (DatabaseError), and a file that is not a records database is bad input
// (InputError naming --db).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace mnsim::records {

// The schema this build writes. migrations()[i] takes a database from
// version i to version i + 1 (version 0: an empty file).
inline constexpr int kSchemaVersion = 3;
std::span<const std::string_view> migrations();

// A failure of the database itself (I/O, locked beyond the busy timeout, a
// corrupt file). Its message names the database file and SQLite's error,
// never a stored value. Exit status 1 in the CLI.
class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement;

class Database {
 public:
  enum class Mode {
    Create,  // create the file (mode 0600) if it does not exist, then upgrade it
    Open,    // the file must exist (InputError otherwise); upgrade it if older
  };
  struct Options {
    int busy_timeout_ms = 10000;  // how long a writer waits for another one
    // Upgrade to this version (tests build an old database with it).
    int target_version = kSchemaVersion;
  };

  Database(const std::filesystem::path& path, Mode mode);
  Database(const std::filesystem::path& path, Mode mode, const Options& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs SQL with no result rows (one or more statements).
  void exec(std::string_view sql);
  [[nodiscard]] Statement prepare(std::string_view sql);
  // The schema version recorded in the file.
  [[nodiscard]] int schema_version();
  // Runs `body` in one write transaction (BEGIN IMMEDIATE ... COMMIT); any
  // exception rolls it back and is rethrown: a command applies whole or not.
  // Called inside a transaction, `body` joins it.
  void transaction(const std::function<void()>& body);
  // Runs `body` in one read transaction (BEGIN DEFERRED): every read in it
  // sees the same state of the file, whatever another process commits.
  void read_transaction(const std::function<void()>& body);
  // Rows changed by the last statement.
  [[nodiscard]] std::int64_t changes() const;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Throws DatabaseError naming the file and SQLite's message for `rc`.
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  void upgrade(int target_version);
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

// A prepared statement; parameters are numbered from 1, columns from 0.
class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, std::int64_t value);
  Statement& bind(int i, int value) { return bind(i, static_cast<std::int64_t>(value)); }
  Statement& bind(int i, double value);
  Statement& bind(int i, std::optional<double> value);
  Statement& bind_null(int i);
  // Steps once: true while there is a row to read.
  bool step();
  // Steps to the end (for statements without rows).
  void run();
  [[nodiscard]] bool is_null(int col) const;
  [[nodiscard]] std::string text(int col) const;
  [[nodiscard]] std::int64_t integer(int col) const;
  [[nodiscard]] double real(int col) const;
  [[nodiscard]] std::optional<double> optional_real(int col) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace mnsim::records
