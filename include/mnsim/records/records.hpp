// Records: patients, devices, sessions and observations in a SQLite file
// (docs/records.md). Every function that writes runs as one transaction and
// checks its input first: bad input throws InputError (naming the field, the
// value given and what is allowed) and nothing is written. Messages name a
// patient or device only by its id; values read from the database are never
// echoed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/case/case.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/records/database.hpp"

namespace mnsim::records {

// A calendar date (YYYY-MM-DD).
using Date = std::chrono::year_month_day;
// Parses YYYY-MM-DD (a real calendar date, years 1900..2200); InputError
// naming `field` otherwise.
Date parse_date(std::string_view text, std::string_view field);
std::string to_string(const Date& d);
// Whole days from `a` to `b` (negative if b is earlier).
int days_between(const Date& a, const Date& b);
// Today in UTC.
Date today();

struct PatientRecord {
  std::string id;
  int birth_year = 1980;
  cases::Sex sex = cases::Sex::Female;
  int fitzpatrick = 3;
  double max_downtime_days = 3;  // days of visible redness the patient accepts
  std::vector<std::string> history;
};

struct DeviceRecord {
  std::string id;
  cases::DeviceSpec spec;  // catalogue model and/or explicit fields
  int uses = 0;            // sessions done with it (plus the uses it had when added)
};

struct ObservationRecord {
  std::optional<double> erythema_resolved_day;  // days after the session
  std::optional<double> pain_nrs;               // 0..10 during the session
  std::vector<std::string> adverse_events;
  std::string note;
};

// The redness of one site of a session (observe --site).
struct SiteObservation {
  std::string site;
  double erythema_resolved_day = 0;
};

struct SessionRecord {
  std::int64_t id = 0;
  std::string patient_id;
  std::string device_id;
  Date date;
  int device_uses_before = 0;  // the device's uses before this session
  std::string case_toml;       // the case file as given
  cases::Case c;               // parsed from case_toml
  std::optional<ObservationRecord> observation;
  std::vector<SiteObservation> site_observations;  // by site
};

struct PatientHistory {
  PatientRecord patient;
  std::vector<SessionRecord> sessions;  // by date
};

// Limits of the values a record accepts (the case-file ranges where they
// overlap: docs/case-file.md).
struct RecordLimits {
  static constexpr int kMinBirthYear = 1900;
  static constexpr int kMaxBirthYear = 2200;
  static constexpr double kMaxErythemaDay = 60;
  static constexpr double kMaxPainNrs = 10;
  static constexpr std::size_t kMaxIdLength = 64;
  static constexpr std::size_t kMaxNoteLength = 4000;
};

// Every problem with a patient's fields (ids, ranges, history codes).
std::vector<InputIssue> check_patient(const PatientRecord& p);
// Each throws InputError (nothing written) on bad input.
void add_patient(Database& db, const PatientRecord& p);
void add_device(Database& db, const DeviceRecord& d);
// Records a session: the case file's zones (every one with its depth_mm),
// passes, anaesthetic and product; the device's use count goes up by one.
// Returns the session id.
std::int64_t add_session(Database& db, std::string_view patient_id, std::string_view device_id,
                         const Date& date, const std::string& case_toml,
                         const std::string& case_name);
// The observation after the patient's session of that date (replaces the
// fields given, keeps the others).
void observe(Database& db, std::string_view patient_id, const Date& session_date,
             const ObservationRecord& o);
// The day the redness of one site of the session was gone (replaces an
// earlier one of that site). InputError naming --site if the session has no
// zone at that site.
void observe_site(Database& db, std::string_view patient_id, const Date& session_date,
                  const std::string& site, double erythema_resolved_day);
std::vector<PatientRecord> list_patients(Database& db);
PatientHistory patient_history(Database& db, std::string_view patient_id);
DeviceRecord device(Database& db, std::string_view device_id);
// Deletes the patient, their sessions and observations (device use counts
// stay: the device was used), then checkpoints the WAL so that no copy of
// the rows is left in it.
void erase_patient(Database& db, std::string_view patient_id);

// The same error with every value blanked: for problems found in data read
// from the database (an error message shows no stored value, only the
// patient's id and the field).
InputError without_values(const InputError& e);

nlohmann::json to_json(const PatientHistory& h);
std::string history_text(const PatientHistory& h);

// Device spec <-> JSON as stored (every field, and which were explicit).
nlohmann::json device_spec_json(const cases::DeviceSpec& s);
cases::DeviceSpec device_spec_from_json(const nlohmann::json& j);

}  // namespace mnsim::records

namespace mnsim::records {
// The database used when --db is not given: $MNSIM_DB if set and not empty,
// else mnsim-records.db in the current folder.
std::string default_db_path();
}  // namespace mnsim::records
