// The mnsim command line. Wires commands to the pipeline; every error is
// caught here once and turned into a message and an exit status:
// 0 success, 2 bad input, 1 anything else.
#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/io/atomic_file.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/io/fields.hpp"
#include "mnsim/io/json.hpp"
#include "mnsim/validation/validation.hpp"
#include "report.hpp"

namespace {

using namespace mnsim;
using nlohmann::json;

constexpr int kExitBadInput = 2;
constexpr int kExitFailure = 1;

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

io::Case load_or_default(const std::string& path) {
  return path.empty() ? io::default_case() : io::load_case(path);
}

std::string dump(const json& j) {
  return j.dump(2) + "\n";
}

struct RunOptions {
  std::string case_path;
  std::string out_dir;
  bool json = false;
};

int cmd_run(const RunOptions& o) {
  const auto& atlas = anatomy::Atlas::builtin();
  const io::Case c = load_or_default(o.case_path);
  const auto result = cli::run_pipeline(c, atlas);
  const json j = cli::run_json(result);
  const std::string text = cli::run_text(result);
  if (!o.out_dir.empty()) {
    io::write_files_atomic(o.out_dir, {{"result.json", dump(j)}, {"summary.txt", text}});
  }
  print(o.json ? dump(j) : text);
  if (!o.out_dir.empty() && !o.json)
    print("Written: " + o.out_dir + "/result.json, summary.txt\n");
  return 0;
}

struct AtlasOptions {
  std::string site;
  double age_years = 45;
  std::string sex = "female";
  bool json = false;
};

int cmd_atlas(const AtlasOptions& o) {
  const auto& atlas = anatomy::Atlas::builtin();
  const anatomy::Subject subject{o.age_years,
                                 o.sex == "male" ? anatomy::Sex::Male : anatomy::Sex::Female, 3};
  std::vector<const anatomy::SiteRecord*> sites;
  if (!o.site.empty()) {
    const auto* s = atlas.find(o.site);
    if (s == nullptr) {
      std::string msg = "unknown site";
      const auto guess = core::closest_match(o.site, atlas.site_ids());
      msg += guess.empty() ? "; see `mnsim atlas` for the list" : "; did you mean '" + guess + "'?";
      throw InputError(InputIssue{"<command line>", "--site", o.site, msg});
    }
    sites.push_back(s);
  } else {
    for (const auto& s : atlas.sites())
      sites.push_back(&s);
  }
  if (o.json) {
    json j;
    j["age_years"] = o.age_years;
    j["sex"] = o.sex;
    j["sites"] = json::array();
    for (const auto* s : sites)
      j["sites"].push_back(io::atlas_site_json(atlas, *s, subject));
    io::require_finite(j);
    print(dump(j));
  } else {
    print(cli::atlas_text(atlas, sites, subject));
  }
  return 0;
}

int cmd_validate(bool as_json, bool markdown) {
  const auto rows = validation::all_rows();
  if (as_json) {
    json j;
    j["rows"] = json::array();
    for (const auto& r : rows)
      j["rows"].push_back(io::to_json(r));
    const auto s = validation::summarize(rows);
    j["summary"] = {{"rows", s.rows},
                    {"passed", s.passed},
                    {"held_out", s.held_out},
                    {"held_out_passed", s.held_out_passed}};
    print(dump(j));
  } else if (markdown) {
    print(cli::validation_markdown(rows));
  } else {
    print(cli::validation_text(rows));
  }
  return 0;
}

int cmd_case_check(const std::string& path, bool as_json) {
  const io::Case c = io::load_case(path);
  if (as_json) {
    print(dump(io::to_json(c)));
  } else {
    print(fmt::format("{}: valid case '{}' with {} zone(s)\n", path, c.info.name, c.zones.size()));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mnsim - micro-needling simulator and planner.\n"
      "mnsim informs decisions; it does not make them.",
      "mnsim"};
  app.set_version_flag("--version", std::string("mnsim ") + MNSIM_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  RunOptions run_opts;
  auto* run = app.add_subcommand(
      "run", "Run the whole pipeline on a case (no CASE: the built-in default case)");
  run->add_option("case", run_opts.case_path, "Case file (TOML); see `mnsim case fields`");
  run->add_option("--out", run_opts.out_dir,
                  "Also write result.json and summary.txt into this folder");
  run->add_flag("--json", run_opts.json, "Print the result as JSON");

  AtlasOptions atlas_opts;
  auto* atlas = app.add_subcommand("atlas", "Skin layers per site (anatomy stage)");
  atlas->add_option("--site", atlas_opts.site, "One site id (default: all sites)");
  atlas->add_option("--age", atlas_opts.age_years, "Age in years")->check(CLI::Range(18.0, 100.0));
  atlas->add_option("--sex", atlas_opts.sex, "female or male")
      ->check(CLI::IsMember({"female", "male"}));
  atlas->add_flag("--json", atlas_opts.json, "Print as JSON");

  bool validate_json = false;
  bool validate_md = false;
  auto* validate =
      app.add_subcommand("validate", "Models against published data, one row per datum");
  validate->add_flag("--json", validate_json, "Print as JSON");
  validate->add_flag("--markdown", validate_md, "Print as Markdown (docs/validation.md)");

  auto* case_cmd = app.add_subcommand("case", "Case files: the default case, the fields, checking");
  case_cmd->require_subcommand(1);
  auto* show_default =
      case_cmd->add_subcommand("show-default", "Print the built-in default case (TOML)");
  bool fields_md = false;
  auto* fields =
      case_cmd->add_subcommand("fields", "Every case field with unit, default and allowed range");
  fields->add_flag("--markdown", fields_md, "Print as Markdown (docs/case-file.md)");
  std::string check_path;
  bool check_json = false;
  auto* check = case_cmd->add_subcommand("check", "Check a case file and report every problem");
  check->add_option("case", check_path, "Case file (TOML)")->required();
  check->add_flag("--json", check_json, "Print the parsed case, with defaults filled in, as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (run->parsed())
      return cmd_run(run_opts);
    if (atlas->parsed())
      return cmd_atlas(atlas_opts);
    if (validate->parsed())
      return cmd_validate(validate_json, validate_md);
    if (show_default->parsed()) {
      print(std::string(io::default_case_text()));
      return 0;
    }
    if (fields->parsed()) {
      print(fields_md ? io::fields_markdown() : io::fields_text());
      return 0;
    }
    if (check->parsed())
      return cmd_case_check(check_path, check_json);
  } catch (const InputError& e) {
    for (const auto& issue : e.issues())
      std::cerr << "error: " << issue.describe() << '\n';
    const auto n = e.issues().size();
    if (n > 1)
      std::cerr << n << " problems; nothing was written.\n";
    return kExitBadInput;
  } catch (const NumericalError& e) {
    std::cerr << "numerical failure: " << e.what() << "\nNo result was written.\n";
    return kExitFailure;
  } catch (const DataError& e) {
    std::cerr << "internal data error: " << e.what() << '\n';
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitFailure;
}
