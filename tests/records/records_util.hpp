// Shared helpers of the records tests: a scratch folder, a recorded session's
// case text, and the database's whole content as text (to show that a failed
// command wrote nothing).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "mnsim/io/case_reader.hpp"
#include "mnsim/io/case_writer.hpp"
#include "mnsim/records/database.hpp"
#include "mnsim/records/records.hpp"

namespace mnsim::records::test {

// A fresh folder per test (removed after).
class ScratchDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("mnsim_records_") + info->test_suite_name() + "_" + info->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

// The default case with one cheek zone at `depth_mm` and `passes` passes.
inline std::string session_case(double depth_mm = 0.3, int passes = 4) {
  cases::Case c = io::default_case();
  c.zones = {cases::Zone{"cheek", cases::Indication::AcneScars, depth_mm}};
  c.procedure.passes = passes;
  return io::write_case(c);
}

// Every row of every table, in a fixed order.
inline std::string content(Database& db) {
  std::string out;
  for (const char* sql :
       {"SELECT version FROM schema_version",
        "SELECT id, birth_year, sex, fitzpatrick, history, max_downtime_days FROM patients "
        "ORDER BY id",
        "SELECT id, spec_json, uses FROM devices ORDER BY id",
        "SELECT id, patient_id, device_id, date, case_toml, device_uses_before FROM sessions "
        "ORDER BY id",
        "SELECT session_id, erythema_resolved_day, pain_nrs, note, adverse_events FROM "
        "observations ORDER BY session_id",
        "SELECT session_id, site, erythema_resolved_day, '', '', '' FROM site_observations "
        "ORDER BY session_id, site"}) {
    auto st = db.prepare(sql);
    while (st.step()) {
      for (int i = 0; i < 6; ++i)
        out += st.text(i) + "|";
      out += "\n";
    }
  }
  return out;
}

inline PatientRecord patient(const std::string& id, int birth_year = 1981) {
  PatientRecord p;
  p.id = id;
  p.birth_year = birth_year;
  return p;
}

inline DeviceRecord pen(const std::string& id, int uses = 0) {
  DeviceRecord d;
  d.id = id;
  d.spec.model = "pen-16-120hz";
  d.uses = uses;
  return d;
}

}  // namespace mnsim::records::test
