#include "mnsim/records/records.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "mnsim/core/error.hpp"
#include "mnsim/device/device.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/planner/screening.hpp"

namespace mnsim::records {

namespace {

constexpr std::string_view kCmd = "<command line>";

InputIssue issue(std::string_view field, std::string_view value, std::string problem) {
  return InputIssue{std::string(kCmd), std::string(field), std::string(value), std::move(problem)};
}

// Ids are echoed in messages and file names: a short, plain alphabet.
void check_id(std::vector<InputIssue>& out, std::string_view field, std::string_view id) {
  const bool plain = std::all_of(id.begin(), id.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-' || ch == '_' || ch == '.';
  });
  if (id.empty() || id.size() > RecordLimits::kMaxIdLength || !plain) {
    // The value is not echoed: it may not be an id at all.
    out.push_back(issue(field, "",
                        fmt::format("an id is 1 to {} characters of A-Z a-z 0-9 . _ -",
                                    RecordLimits::kMaxIdLength)));
  }
}

void check_range(std::vector<InputIssue>& out, std::string_view field, double v, double lo,
                 double hi, std::string_view unit) {
  if (!std::isfinite(v) || v < lo || v > hi) {
    out.push_back(
        issue(field, fmt::format("{}", v),
              fmt::format("must be in [{}, {}]{}{}", lo, hi, unit.empty() ? "" : " ", unit)));
  }
}

void throw_if(std::vector<InputIssue> issues) {
  if (!issues.empty())
    throw InputError(std::move(issues));
}

bool patient_exists(Database& db, std::string_view id) {
  auto st = db.prepare("SELECT 1 FROM patients WHERE id = ?1");
  st.bind(1, id);
  return st.step();
}

void require_patient(Database& db, std::string_view id) {
  if (!patient_exists(db, id))
    throw InputError(issue("--patient", id, "no such patient in the records"));
}

std::vector<std::string> string_list(const std::string& json_text) {
  std::vector<std::string> out;
  for (const auto& v : nlohmann::json::parse(json_text))
    out.push_back(v.get<std::string>());
  return out;
}

PatientRecord read_patient(Statement& st) {
  PatientRecord p;
  p.id = st.text(0);
  p.birth_year = static_cast<int>(st.integer(1));
  p.sex = st.text(2) == "male" ? cases::Sex::Male : cases::Sex::Female;
  p.fitzpatrick = static_cast<int>(st.integer(3));
  p.history = string_list(st.text(4));
  p.max_downtime_days = st.real(5);
  return p;
}

constexpr std::string_view kPatientColumns =
    "id, birth_year, sex, fitzpatrick, history, max_downtime_days";

}  // namespace

Date parse_date(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return InputError(issue(field, text, "must be a calendar date YYYY-MM-DD, years 1900..2200"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    throw bad();
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) == 0)
      throw bad();
  }
  const auto num = [&](std::size_t pos, std::size_t n) {
    return std::stoi(std::string(text.substr(pos, n)));
  };
  const Date d{std::chrono::year{num(0, 4)}, std::chrono::month{static_cast<unsigned>(num(5, 2))},
               std::chrono::day{static_cast<unsigned>(num(8, 2))}};
  if (!d.ok() || static_cast<int>(d.year()) < RecordLimits::kMinBirthYear ||
      static_cast<int>(d.year()) > RecordLimits::kMaxBirthYear)
    throw bad();
  return d;
}

std::string to_string(const Date& d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

int days_between(const Date& a, const Date& b) {
  return static_cast<int>((std::chrono::sys_days{b} - std::chrono::sys_days{a}).count());
}

Date today() {
  return Date{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

nlohmann::json device_spec_json(const cases::DeviceSpec& s) {
  nlohmann::json j;
  j["model"] = s.model ? nlohmann::json(*s.model) : nlohmann::json(nullptr);
  j["kind"] = std::string(cases::to_string(s.kind));
  j["needle_length_mm"] = s.needle_length_mm;
  j["needle_count"] = s.needle_count;
  j["needle_base_diameter_um"] = s.needle_base_diameter_um;
  j["tip_radius_um"] = s.tip_radius_um;
  j["stroke_hz"] = s.stroke_hz;
  j["drum_diameter_mm"] = s.drum_diameter_mm;
  j["drum_width_mm"] = s.drum_width_mm;
  j["needle_rows"] = s.needle_rows;
  j["explicit_keys"] = s.explicit_keys;
  return j;
}

cases::DeviceSpec device_spec_from_json(const nlohmann::json& j) {
  cases::DeviceSpec s;
  if (!j.at("model").is_null())
    s.model = j.at("model").get<std::string>();
  s.kind = cases::from_string<cases::DeviceKind>(j.at("kind").get<std::string>())
               .value_or(cases::DeviceKind::Pen);
  s.needle_length_mm = j.at("needle_length_mm").get<double>();
  s.needle_count = j.at("needle_count").get<int>();
  s.needle_base_diameter_um = j.at("needle_base_diameter_um").get<double>();
  s.tip_radius_um = j.at("tip_radius_um").get<double>();
  s.stroke_hz = j.at("stroke_hz").get<double>();
  s.drum_diameter_mm = j.at("drum_diameter_mm").get<double>();
  s.drum_width_mm = j.at("drum_width_mm").get<double>();
  s.needle_rows = j.at("needle_rows").get<int>();
  s.explicit_keys = j.at("explicit_keys").get<std::vector<std::string>>();
  return s;
}

std::vector<InputIssue> check_patient(const PatientRecord& p) {
  std::vector<InputIssue> issues;
  check_id(issues, "--id", p.id);
  check_range(issues, "--birth-year", p.birth_year, RecordLimits::kMinBirthYear,
              RecordLimits::kMaxBirthYear, "");
  check_range(issues, "--fitzpatrick", p.fitzpatrick, 1, 6, "");
  check_range(issues, "--max-downtime-days", p.max_downtime_days, 0, 30, "days");
  for (auto i : planner::check_history(planner::Screening::builtin(), p.history)) {
    i.file = std::string(kCmd);
    i.field = "--history";
    issues.push_back(std::move(i));
  }
  return issues;
}

void add_patient(Database& db, const PatientRecord& p) {
  throw_if(check_patient(p));
  db.transaction([&] {
    if (patient_exists(db, p.id))
      throw InputError(issue("--id", p.id, "a patient with this id is already recorded"));
    db.prepare("INSERT INTO patients (" + std::string(kPatientColumns) +
               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, p.id)
        .bind(2, p.birth_year)
        .bind(3, cases::to_string(p.sex))
        .bind(4, p.fitzpatrick)
        .bind(5, nlohmann::json(p.history).dump())
        .bind(6, p.max_downtime_days)
        .run();
  });
}

void add_device(Database& db, const DeviceRecord& d) {
  std::vector<InputIssue> issues;
  check_id(issues, "--id", d.id);
  check_range(issues, "--uses", d.uses, 0, 10000, "");
  for (auto i : device::check_spec(d.spec, {}, device::Catalogue::builtin())) {
    if (i.file.empty())
      i.file = std::string(kCmd);
    issues.push_back(std::move(i));
  }
  throw_if(std::move(issues));
  db.transaction([&] {
    auto exists = db.prepare("SELECT 1 FROM devices WHERE id = ?1");
    exists.bind(1, d.id);
    if (exists.step())
      throw InputError(issue("--id", d.id, "a device with this id is already recorded"));
    db.prepare("INSERT INTO devices (id, spec_json, uses) VALUES (?1, ?2, ?3)")
        .bind(1, d.id)
        .bind(2, device_spec_json(d.spec).dump())
        .bind(3, d.uses)
        .run();
  });
}

DeviceRecord device(Database& db, std::string_view device_id) {
  auto st = db.prepare("SELECT id, spec_json, uses FROM devices WHERE id = ?1");
  st.bind(1, device_id);
  if (!st.step())
    throw InputError(issue("--device", device_id, "no such device in the records"));
  DeviceRecord d;
  d.id = st.text(0);
  d.spec = device_spec_from_json(nlohmann::json::parse(st.text(1)));
  d.uses = static_cast<int>(st.integer(2));
  return d;
}

std::int64_t add_session(Database& db, std::string_view patient_id, std::string_view device_id,
                         const Date& date, const std::string& case_toml,
                         const std::string& case_name) {
  // The case file first (every problem at once, named by its file).
  const cases::Case c = io::parse_case(case_toml, case_name);
  std::vector<InputIssue> issues;
  if (c.medium)
    issues.push_back(InputIssue{case_name, "medium", "",
                                "a recorded session treats atlas sites; an explicit [medium] "
                                "is not a session"});
  for (std::size_t i = 0; i < c.zones.size(); ++i) {
    if (!c.zones[i].depth_mm)
      issues.push_back(InputIssue{case_name, fmt::format("zones[{}].depth_mm", i), "",
                                  "a recorded session needs the depth setting used in each zone"});
  }
  throw_if(std::move(issues));
  std::int64_t id = 0;
  db.transaction([&] {
    require_patient(db, patient_id);
    (void)device(db, device_id);  // InputError if unknown
    {
      auto st = db.prepare("SELECT birth_year FROM patients WHERE id = ?1");
      st.bind(1, patient_id);
      st.step();
      if (static_cast<int>(date.year()) < st.integer(0))
        throw InputError(issue("--date", to_string(date), "is before the patient's birth year"));
    }
    {
      auto st = db.prepare("SELECT 1 FROM sessions WHERE patient_id = ?1 AND date = ?2");
      st.bind(1, patient_id).bind(2, to_string(date));
      if (st.step())
        throw InputError(issue("--date", to_string(date),
                               "this patient already has a session recorded on this date"));
    }
    db.prepare(
          "INSERT INTO sessions (patient_id, device_id, date, case_toml, device_uses_before) "
          "VALUES (?1, ?2, ?3, ?4, (SELECT uses FROM devices WHERE id = ?2))")
        .bind(1, patient_id)
        .bind(2, device_id)
        .bind(3, to_string(date))
        .bind(4, case_toml)
        .run();
    auto last = db.prepare("SELECT last_insert_rowid()");
    last.step();
    id = last.integer(0);
    db.prepare("UPDATE devices SET uses = uses + 1 WHERE id = ?1").bind(1, device_id).run();
  });
  return id;
}

void observe(Database& db, std::string_view patient_id, const Date& session_date,
             const ObservationRecord& o) {
  std::vector<InputIssue> issues;
  if (o.erythema_resolved_day)
    check_range(issues, "--erythema-resolved-day", *o.erythema_resolved_day, 0,
                RecordLimits::kMaxErythemaDay, "days");
  if (o.pain_nrs)
    check_range(issues, "--pain", *o.pain_nrs, 0, RecordLimits::kMaxPainNrs, "(NRS)");
  if (o.note.size() > RecordLimits::kMaxNoteLength)
    issues.push_back(
        issue("--note", "", fmt::format("at most {} characters", RecordLimits::kMaxNoteLength)));
  for (const auto& a : o.adverse_events) {
    if (a.empty() || a.size() > RecordLimits::kMaxIdLength)
      issues.push_back(issue("--adverse-event", "",
                             fmt::format("1 to {} characters", RecordLimits::kMaxIdLength)));
  }
  if (!o.erythema_resolved_day && !o.pain_nrs && o.note.empty() && o.adverse_events.empty())
    issues.push_back(issue("observe", "",
                           "give at least one of --erythema-resolved-day, --pain, "
                           "--adverse-event, --note"));
  throw_if(std::move(issues));
  db.transaction([&] {
    require_patient(db, patient_id);
    auto st = db.prepare("SELECT id FROM sessions WHERE patient_id = ?1 AND date = ?2");
    st.bind(1, patient_id).bind(2, to_string(session_date));
    if (!st.step())
      throw InputError(
          issue("--date", to_string(session_date), "no session of this patient on this date"));
    const std::int64_t session = st.integer(0);
    db.prepare("INSERT OR IGNORE INTO observations (session_id) VALUES (?1)")
        .bind(1, session)
        .run();
    auto up = db.prepare(
        "UPDATE observations SET "
        "erythema_resolved_day = coalesce(?2, erythema_resolved_day), "
        "pain_nrs = coalesce(?3, pain_nrs), "
        "note = CASE WHEN ?4 = '' THEN note ELSE ?4 END, "
        "adverse_events = CASE WHEN ?5 = '[]' THEN adverse_events ELSE ?5 END "
        "WHERE session_id = ?1");
    up.bind(1, session)
        .bind(2, o.erythema_resolved_day)
        .bind(3, o.pain_nrs)
        .bind(4, o.note)
        .bind(5, nlohmann::json(o.adverse_events).dump())
        .run();
  });
}

void observe_site(Database& db, std::string_view patient_id, const Date& session_date,
                  const std::string& site, double erythema_resolved_day) {
  std::vector<InputIssue> issues;
  check_range(issues, "--erythema-resolved-day", erythema_resolved_day, 0,
              RecordLimits::kMaxErythemaDay, "days");
  throw_if(std::move(issues));
  db.transaction([&] {
    require_patient(db, patient_id);
    auto st = db.prepare("SELECT id, case_toml FROM sessions WHERE patient_id = ?1 AND date = ?2");
    st.bind(1, patient_id).bind(2, to_string(session_date));
    if (!st.step())
      throw InputError(
          issue("--date", to_string(session_date), "no session of this patient on this date"));
    const std::int64_t session = st.integer(0);
    cases::Case c;
    try {
      c = io::parse_case(st.text(1), "records: the session's case");
    } catch (const InputError& e) {
      throw without_values(e);
    }
    bool found = false;
    for (const auto& z : c.zones)
      found = found || z.site == site;
    if (!found)
      throw InputError(issue("--site", site, "not a zone of the patient's session on that date"));
    db.prepare(
          "INSERT INTO site_observations (session_id, site, erythema_resolved_day) "
          "VALUES (?1, ?2, ?3) ON CONFLICT (session_id, site) DO UPDATE SET "
          "erythema_resolved_day = excluded.erythema_resolved_day")
        .bind(1, session)
        .bind(2, site)
        .bind(3, erythema_resolved_day)
        .run();
  });
}

// The history, read inside the caller's transaction.
static PatientHistory read_history(Database& db, std::string_view patient_id);

InputError without_values(const InputError& e) {
  std::vector<InputIssue> issues = e.issues();
  for (auto& i : issues) {
    if (!i.value.empty())
      i.value = "(the recorded value)";
  }
  return InputError(std::move(issues));
}

std::vector<PatientRecord> list_patients(Database& db) {
  std::vector<PatientRecord> out;
  auto st = db.prepare("SELECT " + std::string(kPatientColumns) + " FROM patients ORDER BY id");
  while (st.step())
    out.push_back(read_patient(st));
  return out;
}

PatientHistory patient_history(Database& db, std::string_view patient_id) {
  PatientHistory h;
  db.read_transaction([&] { h = read_history(db, patient_id); });
  return h;
}

PatientHistory read_history(Database& db, std::string_view patient_id) {
  PatientHistory h;
  auto st = db.prepare("SELECT " + std::string(kPatientColumns) + " FROM patients WHERE id = ?1");
  st.bind(1, patient_id);
  if (!st.step())
    throw InputError(issue("--patient", patient_id, "no such patient in the records"));
  h.patient = read_patient(st);
  auto ss = db.prepare(
      "SELECT s.id, s.device_id, s.date, s.case_toml, coalesce(s.device_uses_before, 0), "
      "o.session_id, o.erythema_resolved_day, o.pain_nrs, o.adverse_events, o.note "
      "FROM sessions s LEFT JOIN observations o ON o.session_id = s.id "
      "WHERE s.patient_id = ?1 ORDER BY s.date, s.id");
  ss.bind(1, patient_id);
  while (ss.step()) {
    SessionRecord s;
    s.id = ss.integer(0);
    s.patient_id = h.patient.id;
    s.device_id = ss.text(1);
    s.date = parse_date(ss.text(2), "sessions.date");
    s.case_toml = ss.text(3);
    s.device_uses_before = static_cast<int>(ss.integer(4));
    try {
      s.c = io::parse_case(s.case_toml, fmt::format("records: session of {} on {}", h.patient.id,
                                                    to_string(s.date)));
    } catch (const InputError& e) {
      throw without_values(e);
    }
    if (!ss.is_null(5)) {
      ObservationRecord o;
      o.erythema_resolved_day = ss.optional_real(6);
      o.pain_nrs = ss.optional_real(7);
      o.adverse_events = string_list(ss.text(8));
      o.note = ss.text(9);
      s.observation = std::move(o);
    }
    h.sessions.push_back(std::move(s));
  }
  for (auto& s : h.sessions) {
    auto so = db.prepare(
        "SELECT site, erythema_resolved_day FROM site_observations WHERE session_id = ?1 "
        "ORDER BY site");
    so.bind(1, s.id);
    while (so.step())
      s.site_observations.push_back({so.text(0), so.optional_real(1).value_or(0.0)});
  }
  return h;
}

void erase_patient(Database& db, std::string_view patient_id) {
  db.transaction([&] {
    require_patient(db, patient_id);
    db.prepare("DELETE FROM patients WHERE id = ?1").bind(1, patient_id).run();
  });
  // Move the pages out of the WAL into the (secure_delete-zeroed) main file
  // and truncate the WAL. A reader still holding the old WAL open makes this
  // a partial checkpoint; the rows are gone from every query either way.
  db.exec("PRAGMA wal_checkpoint(TRUNCATE);");
}

nlohmann::json to_json(const PatientHistory& h) {
  nlohmann::json j;
  const auto& p = h.patient;
  j["patient"] = {{"id", p.id},
                  {"birth_year", p.birth_year},
                  {"sex", std::string(cases::to_string(p.sex))},
                  {"fitzpatrick", p.fitzpatrick},
                  {"max_downtime_days", p.max_downtime_days},
                  {"history", p.history}};
  j["sessions"] = nlohmann::json::array();
  for (const auto& s : h.sessions) {
    nlohmann::json js;
    js["date"] = to_string(s.date);
    js["device"] = s.device_id;
    js["device_uses_before"] = s.device_uses_before;
    js["passes"] = s.c.procedure.passes;
    js["anaesthetic"] = s.c.procedure.anaesthetic
                            ? nlohmann::json{{"product", s.c.procedure.anaesthetic->product},
                                             {"minutes", s.c.procedure.anaesthetic->minutes}}
                            : nlohmann::json(nullptr);
    js["product"] =
        s.c.product && s.c.product->id ? nlohmann::json(*s.c.product->id) : nlohmann::json(nullptr);
    js["zones"] = nlohmann::json::array();
    for (const auto& z : s.c.zones) {
      js["zones"].push_back({{"site", z.site},
                             {"indication", std::string(cases::to_string(z.indication))},
                             {"depth_mm", z.depth_mm.value_or(0.0)}});
    }
    if (s.observation) {
      const auto& o = *s.observation;
      js["observation"] = {
          {"erythema_resolved_day", o.erythema_resolved_day
                                        ? nlohmann::json(*o.erythema_resolved_day)
                                        : nlohmann::json(nullptr)},
          {"pain_nrs", o.pain_nrs ? nlohmann::json(*o.pain_nrs) : nlohmann::json(nullptr)},
          {"adverse_events", o.adverse_events},
          {"note", o.note}};
    } else {
      js["observation"] = nullptr;
    }
    js["site_observations"] = nlohmann::json::array();
    for (const auto& so : s.site_observations)
      js["site_observations"].push_back(
          {{"site", so.site}, {"erythema_resolved_day", so.erythema_resolved_day}});
    j["sessions"].push_back(std::move(js));
  }
  return j;
}

std::string history_text(const PatientHistory& h) {
  const auto& p = h.patient;
  std::string out = fmt::format(
      "Patient {}: born {}, {}, Fitzpatrick {}, accepts {} days of redness, history: {}\n", p.id,
      p.birth_year, cases::to_string(p.sex), p.fitzpatrick, p.max_downtime_days,
      p.history.empty() ? std::string("none") : fmt::format("{}", fmt::join(p.history, ", ")));
  out += fmt::format("{} session(s)\n", h.sessions.size());
  for (const auto& s : h.sessions) {
    out += fmt::format("  {}  device {} (use {})  passes {}", to_string(s.date), s.device_id,
                       s.device_uses_before + 1, s.c.procedure.passes);
    if (s.c.procedure.anaesthetic)
      out += fmt::format("  anaesthetic {} {} min", s.c.procedure.anaesthetic->product,
                         s.c.procedure.anaesthetic->minutes);
    out += "\n";
    for (const auto& z : s.c.zones)
      out += fmt::format("      {:<12} {:<14} {:.2f} mm\n", z.site, cases::to_string(z.indication),
                         z.depth_mm.value_or(0.0));
    if (s.observation) {
      const auto& o = *s.observation;
      out += "      observed:";
      if (o.erythema_resolved_day)
        out += fmt::format(" redness resolved day {}", *o.erythema_resolved_day);
      if (o.pain_nrs)
        out += fmt::format(", pain {}/10", *o.pain_nrs);
      if (!o.adverse_events.empty())
        out += fmt::format(", adverse events: {}", fmt::join(o.adverse_events, ", "));
      if (!o.note.empty())
        out += fmt::format(", note: {}", o.note);
      out += "\n";
    }
    for (const auto& so : s.site_observations)
      out += fmt::format("      observed at {}: redness resolved day {}\n", so.site,
                         so.erythema_resolved_day);
  }
  return out;
}

}  // namespace mnsim::records

namespace mnsim::records {
std::string default_db_path() {
  const char* env = std::getenv("MNSIM_DB");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string("mnsim-records.db");
}
}  // namespace mnsim::records
