// mnsim report [CASE] [--out DIR] [--pdf]: the run as one self-contained page
// (report.html; docs/report.md), and report.pdf printed from it by headless
// Chromium. `mnsim run --out DIR` writes report.html too (report_files).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "command.hpp"
#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/io/case_writer.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/predictor.hpp"
#include "mnsim/planner/report.hpp"
#include "mnsim/records/personalise.hpp"
#include "mnsim/report/report.hpp"
#include "mnsim/validation/validation.hpp"

extern char** environ;

namespace mnsim::cli {

namespace {

// "YYYY-MM-DD HH:MM UTC" of now, or of SOURCE_DATE_EPOCH when set (for
// reproducible reports).
std::string generated_utc() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    const long long v = std::strtoll(epoch, &end, 10);
    if (end != nullptr && *end == '\0' && v >= 0)
      t = static_cast<std::time_t>(v);
  }
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::vector<report::ValidationStage> validation_stages() {
  const auto rows = validation::all_rows();
  std::vector<std::string> order;
  std::map<std::string, std::vector<validation::Row>> by_stage;
  for (const auto& r : rows) {
    if (!by_stage.contains(r.stage))
      order.push_back(r.stage);
    by_stage[r.stage].push_back(r);
  }
  std::vector<report::ValidationStage> out;
  for (const auto& stage : order) {
    const auto s = validation::summarize(by_stage[stage]);
    out.push_back({stage, s.rows, s.passed, s.held_out, s.held_out_passed});
  }
  return out;
}

// The browser that prints the PDF: $MNSIM_CHROMIUM, else the first of the
// usual names on PATH.
std::string find_chromium() {
  if (const char* env = std::getenv("MNSIM_CHROMIUM"); env != nullptr && *env != '\0')
    return env;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::size_t start = 0;
    while (start <= dirs.size()) {
      const auto end = std::min(dirs.find(':', start), dirs.size());
      const std::filesystem::path candidate =
          std::filesystem::path(dirs.substr(start, end - start)) / name;
      std::error_code ec;
      if (!candidate.parent_path().empty() && std::filesystem::is_regular_file(candidate, ec))
        return candidate.string();
      start = end + 1;
    }
  }
  throw InputError(InputIssue{"<command line>", "--pdf", "",
                              "needs Chromium to print the PDF (Debian: apt-get install "
                              "chromium; or set MNSIM_CHROMIUM to a Chromium binary)"});
}

// Prints `html` to `pdf` with headless Chromium; throws on failure.
void print_pdf(const std::filesystem::path& html, const std::filesystem::path& pdf) {
  const std::string exe = find_chromium();
  const auto tmp = pdf.string() + ".tmp";
  std::vector<std::string> args = {exe,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-pdf-header-footer",
                                   "--run-all-compositor-stages-before-draw",
                                   "--virtual-time-budget=30000",
                                   "--print-to-pdf=" + tmp,
                                   "file://" + std::filesystem::absolute(html).string()};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("could not start " + exe + " to print the PDF");
  int status = 0;
  waitpid(pid, &status, 0);
  std::error_code ec;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !std::filesystem::exists(tmp, ec) ||
      std::filesystem::file_size(tmp, ec) == 0) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(exe + " failed to print " + pdf.string());
  }
  std::filesystem::rename(tmp, pdf);
}

}  // namespace

namespace {

nlohmann::json report_data(const pipeline::RunResult& result, const planner::Plan* plan,
                           const pipeline::Provenance& provenance,
                           nlohmann::json history = nullptr) {
  report::Inputs in;
  in.run = &result;
  in.plan = plan;
  in.provenance = provenance;
  in.validation = validation_stages();
  in.generated_utc = generated_utc();
  in.history = std::move(history);
  return report::report_data(in);
}

// The report of a recorded patient's next session (docs/records.md): the
// case as `plan --patient` builds it, run at the personalised plan's
// settings (the planned depth per zone, the planned passes when the zones
// agree, the planned anaesthetic; an unplanned zone keeps the last session's
// depth), with the history, the personalisation and the population plan.
nlohmann::json record_report_data(const std::string& db_path, const std::string& patient,
                                  const std::string& date_text) {
  const auto date = date_text.empty() ? records::today() : records::parse_date(date_text, "--date");
  records::Database db(db_path, records::Database::Mode::Open);
  const auto& atlas = anatomy::Atlas::builtin();
  const auto r = records::plan_from_record(
      db, patient, date, [&atlas] { return std::make_unique<pipeline::PipelinePredictor>(atlas); },
      records::pipeline_pain_nrs, records::Priors{}, true);
  cases::Case c = r.c;
  std::optional<int> passes;
  bool same_passes = true;
  for (std::size_t i = 0; i < c.zones.size() && i < r.plan.zones.size(); ++i) {
    const auto& s = r.plan.zones[i].setting;
    if (s) {
      c.zones[i].depth_mm = s->depth_mm;
      same_passes = same_passes && (!passes || *passes == s->passes);
      passes = s->passes;
    } else if (!r.history.empty() && i < r.history.back().zones.size()) {
      c.zones[i].depth_mm = r.history.back().zones[i].depth_mm;
    }
  }
  if (passes && same_passes)
    c.procedure.passes = *passes;
  c.procedure.anaesthetic.reset();
  if (r.plan.anaesthetic)
    c.procedure.anaesthetic =
        cases::Anaesthetic{r.plan.anaesthetic->product, r.plan.anaesthetic->minutes};
  pipeline::Options popt;
  popt.uncertainty = true;
  const auto result = pipeline::run(c, atlas, popt);
  auto history = records::to_json(r);
  history["population_plan"] = planner::plan_json(*r.population_plan);
  return report_data(result, &r.plan, pipeline::provenance_of(c, io::write_case(c)),
                     std::move(history));
}

}  // namespace

std::string report_html(const pipeline::RunResult& result, const planner::Plan* plan,
                        const pipeline::Provenance& provenance) {
  return report::report_html(report_data(result, plan, provenance));
}

void add_report_command(CLI::App& app, Commands& commands) {
  struct Options {
    std::string case_path;
    std::string db = records::default_db_path();
    std::string patient;
    std::string date;
    std::string out_dir = ".";
    bool pdf = false;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "report",
      "Run a case and write report.html (and report.pdf): one page to hand over, offline");
  auto* case_opt =
      cmd->add_option("case", o->case_path, "Case file (TOML); no CASE: the built-in default case");
  cmd->add_option("--db", o->db,
                  "With --patient: records database (default: $MNSIM_DB, else ./mnsim-records.db)");
  auto* patient_opt = cmd->add_option(
      "--patient", o->patient,
      "Report the next session of this recorded patient, with the history (docs/records.md)");
  cmd->add_option("--date", o->date,
                  "With --patient: date of the next session, YYYY-MM-DD (default: today)");
  case_opt->excludes(patient_opt);
  auto* out_opt =
      cmd->add_option("--out", o->out_dir, "Folder to write report.html into (default: .)");
  cmd->add_flag("--pdf", o->pdf, "Also print report.pdf with headless Chromium");
  cmd->add_flag("--json", o->json,
                "Print the data the page shows as JSON; write files only with --out");
  commands.push_back(
      {cmd, [o, out_opt] {
         if (o->pdf)
           find_chromium();  // fail before the run, not after
         nlohmann::json data;
         if (!o->patient.empty()) {
           data = record_report_data(o->db, o->patient, o->date);
         } else {
           const auto loaded = load_or_default(o->case_path);
           const cases::Case& c = loaded.c;
           const auto& atlas = anatomy::Atlas::builtin();
           pipeline::Options popt;
           popt.uncertainty = true;  // the report draws the intervals (as `run`)
           const auto result = pipeline::run(c, atlas, popt);
           std::optional<planner::Plan> plan;
           if (!c.medium) {
             const pipeline::PipelinePredictor predictor(atlas);
             plan = planner::make_plan(c, pipeline::resolved_device(c), predictor);
           }
           data = report_data(result, plan ? &*plan : nullptr, loaded.provenance);
         }
         const bool write = !o->json || out_opt->count() > 0;
         if (!write) {
           print(dump(data));
           return 0;
         }
         io::write_files_atomic(o->out_dir, {{"report.html", report::report_html(data)}});
         const auto dir = std::filesystem::path(o->out_dir);
         std::string written = (dir / "report.html").string();
         if (o->pdf) {
           print_pdf(dir / "report.html", dir / "report.pdf");
           written += ", " + (dir / "report.pdf").string();
         }
         print(o->json ? dump(data) : "Written: " + written + "\n");
         return 0;
       }});
}

}  // namespace mnsim::cli
