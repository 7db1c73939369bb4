// mnsim records --db FILE SUBCOMMAND: clinic records in SQLite (docs/records.md).
#include <fmt/format.h>

#include <memory>

#include "command.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/io/case_writer.hpp"
#include "mnsim/records/database.hpp"
#include "mnsim/records/personalise.hpp"
#include "mnsim/records/records.hpp"

namespace mnsim::cli {

namespace {

using records::Database;

struct RecordsOptions {
  std::string db = records::default_db_path();
};

// Adds a leaf command that opens the database and runs `body`.
template <typename Body>
void leaf(CLI::App* cmd, Commands& commands, const std::shared_ptr<RecordsOptions>& ro, Body body) {
  commands.push_back({cmd, [ro, body] {
                        Database db(ro->db, Database::Mode::Open);
                        return body(db);
                      }});
}

}  // namespace

void add_records_command(CLI::App& app, Commands& commands) {
  auto ro = std::make_shared<RecordsOptions>();
  auto* rec =
      app.add_subcommand("records",
                         "Clinic records in SQLite: patients, devices, sessions, observations "
                         "(docs/records.md)");
  rec->add_option("--db", ro->db, "Records database (default: $MNSIM_DB, else ./mnsim-records.db)");
  rec->require_subcommand(1);

  // init
  {
    auto* cmd =
        rec->add_subcommand("init", "Create the database (mode 0600) or upgrade its schema");
    commands.push_back({cmd, [ro] {
                          Database db(ro->db, Database::Mode::Create);
                          print(fmt::format("records database {}: schema version {}\n", ro->db,
                                            db.schema_version()));
                          return 0;
                        }});
  }
  // patient add | patient list
  {
    auto* patient = rec->add_subcommand("patient", "Add or list patients");
    patient->require_subcommand(1);
    struct O {
      std::string id, sex;
      int birth_year = 0, fitzpatrick = 0;
      double max_downtime_days = 3;
      std::vector<std::string> history;
    };
    auto o = std::make_shared<O>();
    auto* add = patient->add_subcommand("add", "Add a patient");
    add->add_option("--id", o->id, "Patient id (A-Z a-z 0-9 . _ -; no names)")->required();
    add->add_option("--birth-year", o->birth_year, "Year of birth (age = year of session - this)")
        ->required();
    add->add_option("--sex", o->sex, "female | male")->required();
    add->add_option("--fitzpatrick", o->fitzpatrick, "Phototype 1..6")->required();
    add->add_option("--max-downtime-days", o->max_downtime_days,
                    "Days of visible redness the patient accepts (0..30, default 3)");
    add->add_option("--history", o->history, "Screening codes as in case files (docs/safety.md)");
    leaf(add, commands, ro, [o](Database& db) {
      records::PatientRecord p;
      p.id = o->id;
      p.birth_year = o->birth_year;
      p.fitzpatrick = o->fitzpatrick;
      p.max_downtime_days = o->max_downtime_days;
      p.history = o->history;
      // Every problem at once: the sex here, the rest in check_patient.
      std::vector<InputIssue> issues;
      if (const auto sex = cases::from_string<cases::Sex>(o->sex))
        p.sex = *sex;
      else
        issues.push_back({"<command line>", "--sex", o->sex, "must be female or male"});
      for (auto& i : records::check_patient(p))
        issues.push_back(std::move(i));
      if (!issues.empty())
        throw InputError(std::move(issues));
      records::add_patient(db, p);
      print(fmt::format("patient {} added\n", p.id));
      return 0;
    });
    auto lo = std::make_shared<bool>(false);
    auto* list = patient->add_subcommand("list", "List the patients (same as `records list`)");
    list->add_flag("--json", *lo, "Print as JSON");
    auto list_body = [lo](Database& db) {
      const auto patients = records::list_patients(db);
      if (*lo) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& p : patients)
          j.push_back({{"id", p.id},
                       {"birth_year", p.birth_year},
                       {"sex", std::string(cases::to_string(p.sex))},
                       {"fitzpatrick", p.fitzpatrick}});
        print(dump(with_provenance(nlohmann::json{{"patients", j}})));
      } else {
        for (const auto& p : patients)
          print(fmt::format("{}  born {}  {}  Fitzpatrick {}\n", p.id, p.birth_year,
                            cases::to_string(p.sex), p.fitzpatrick));
      }
      return 0;
    };
    leaf(list, commands, ro, list_body);
    auto* list2 = rec->add_subcommand("list", "List the patients");
    list2->add_flag("--json", *lo, "Print as JSON");
    leaf(list2, commands, ro, list_body);
  }
  // device add
  {
    auto* device = rec->add_subcommand("device", "Add a device (roller, pen cartridge, stamp)");
    device->require_subcommand(1);
    struct O {
      std::string id, model, case_path;
      int uses = 0;
    };
    auto o = std::make_shared<O>();
    auto* add = device->add_subcommand("add", "Add a device");
    add->add_option("--id", o->id, "Device id")->required();
    auto* model = add->add_option("--model", o->model, "Catalogue model (data/devices.toml)");
    auto* file = add->add_option("--case", o->case_path, "A case file whose [device] it is");
    model->excludes(file);
    add->add_option("--uses", o->uses, "Uses before it was recorded (default 0)");
    leaf(add, commands, ro, [o](Database& db) {
      records::DeviceRecord d;
      d.id = o->id;
      d.uses = o->uses;
      if (!o->case_path.empty()) {
        d.spec = io::load_case(o->case_path).device;
      } else if (!o->model.empty()) {
        d.spec.model = o->model;
      } else {
        throw InputError(InputIssue{"<command line>", "--model", "",
                                    "give --model CATALOGUE_ID or --case FILE"});
      }
      records::add_device(db, d);
      print(fmt::format("device {} added\n", d.id));
      return 0;
    });
  }
  // session add
  {
    auto* session = rec->add_subcommand("session", "Record a session");
    session->require_subcommand(1);
    struct O {
      std::string patient, device, date, case_path;
    };
    auto o = std::make_shared<O>();
    auto* add = session->add_subcommand("add", "Record a session done as the case file says");
    add->add_option("--patient", o->patient, "Patient id")->required();
    add->add_option("--device", o->device, "Device id (its use count goes up by one)")->required();
    add->add_option("--date", o->date, "Date of the session, YYYY-MM-DD")->required();
    add->add_option("--case", o->case_path,
                    "Case file: zones with their depth_mm, passes, anaesthetic, product")
        ->required();
    leaf(add, commands, ro, [o](Database& db) {
      const auto date = records::parse_date(o->date, "--date");
      const std::string text = io::read_case_text(o->case_path);
      records::add_session(db, o->patient, o->device, date, text,
                           o->case_path == "-" ? "<stdin>" : o->case_path);
      print(fmt::format("session of {} on {} recorded\n", o->patient, o->date));
      return 0;
    });
  }
  // observe
  {
    struct O {
      std::string patient, date, note, site;
      std::optional<double> erythema, pain;
      std::vector<std::string> adverse;
    };
    auto o = std::make_shared<O>();
    auto* cmd = rec->add_subcommand("observe", "Record how the skin responded to a session");
    cmd->add_option("--patient", o->patient, "Patient id")->required();
    cmd->add_option("--date", o->date, "Date of the session, YYYY-MM-DD")->required();
    cmd->add_option("--erythema-resolved-day", o->erythema,
                    "Day after the session the redness was gone (0..60)");
    cmd->add_option("--pain", o->pain, "Pain during the session, NRS 0..10");
    cmd->add_option("--adverse-event", o->adverse, "An adverse event (repeatable)");
    cmd->add_option("--note", o->note, "Free text (kept in the record; never printed in errors)");
    cmd->add_option("--site", o->site,
                    "The redness of this zone's site only (with --erythema-resolved-day alone)");
    leaf(cmd, commands, ro, [o](Database& db) {
      const auto date = records::parse_date(o->date, "--date");
      if (!o->site.empty()) {
        if (!o->erythema || o->pain || !o->note.empty() || !o->adverse.empty()) {
          throw InputError(InputIssue{"<command line>", "--site", o->site,
                                      "give --erythema-resolved-day alone with --site (pain, "
                                      "adverse events and notes are per session)"});
        }
        records::observe_site(db, o->patient, date, o->site, *o->erythema);
        print(
            fmt::format("observation of {} on {} at {} recorded\n", o->patient, o->date, o->site));
        return 0;
      }
      records::ObservationRecord ob;
      ob.erythema_resolved_day = o->erythema;
      ob.pain_nrs = o->pain;
      ob.adverse_events = o->adverse;
      ob.note = o->note;
      records::observe(db, o->patient, date, ob);
      print(fmt::format("observation of {} on {} recorded\n", o->patient, o->date));
      return 0;
    });
  }
  // show
  {
    struct O {
      std::string patient;
      bool json = false;
    };
    auto o = std::make_shared<O>();
    auto* cmd = rec->add_subcommand("show", "A patient's record: sessions, settings, observations");
    cmd->add_option("--patient", o->patient, "Patient id")->required();
    cmd->add_flag("--json", o->json, "Print as JSON");
    leaf(cmd, commands, ro, [o](Database& db) {
      const auto h = records::patient_history(db, o->patient);
      print(o->json ? dump(with_provenance(records::to_json(h))) : records::history_text(h));
      return 0;
    });
  }
  // export
  {
    struct O {
      std::string patient, date;
      bool as_case = false, as_json = false;
    };
    auto o = std::make_shared<O>();
    auto* cmd = rec->add_subcommand(
        "export", "A patient as a case file for the next session (--case) or the record as JSON");
    cmd->add_option("--patient", o->patient, "Patient id")->required();
    auto* c = cmd->add_flag("--case", o->as_case, "The case of the next session (TOML)");
    auto* j = cmd->add_flag("--json", o->as_json, "The whole record (JSON)");
    c->excludes(j);
    cmd->add_option("--date", o->date, "Date of the next session for --case (default: today)");
    leaf(cmd, commands, ro, [o](Database& db) {
      records::PatientHistory h;
      records::DeviceRecord dev;  // of the last session
      db.read_transaction([&] {
        h = records::patient_history(db, o->patient);
        if (!h.sessions.empty())
          dev = records::device(db, h.sessions.back().device_id);
      });
      if (o->as_json) {
        print(dump(with_provenance(records::to_json(h))));
      } else if (o->as_case) {
        const auto date =
            o->date.empty() ? records::today() : records::parse_date(o->date, "--date");
        const std::string source = "records:" + db.path().string() + "#" + h.patient.id;
        const auto next = records::case_from_record(h, dev, date, source);
        print(io::write_case(
            next, fmt::format("Next session of patient {} on {}, from {}\n"
                              "Depths are left to the planner: mnsim plan FILE",
                              h.patient.id, records::to_string(date), db.path().string())));
      } else {
        throw InputError(InputIssue{"<command line>", "export", "", "give --case or --json"});
      }
      return 0;
    });
  }
  // erase
  {
    auto patient = std::make_shared<std::string>();
    auto* cmd =
        rec->add_subcommand("erase", "Erase a patient and all their sessions and observations");
    cmd->add_option("--patient", *patient, "Patient id")->required();
    leaf(cmd, commands, ro, [patient](Database& db) {
      records::erase_patient(db, *patient);
      print(fmt::format("patient {} erased\n", *patient));
      return 0;
    });
  }
}

}  // namespace mnsim::cli
