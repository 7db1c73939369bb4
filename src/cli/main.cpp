// The mnsim command line. Every error is caught here once and turned into a
// message and an exit status: 0 success, 2 bad input, 1 anything else.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/io/output.hpp"

namespace mnsim::cli {

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

std::string dump(const nlohmann::json& j) {
  return j.dump(2) + "\n";
}

LoadedCase load_or_default(const std::string& path) {
  if (path.empty()) {
    const std::string_view text = io::default_case_text();
    cases::Case c = io::default_case();
    auto p = pipeline::provenance_of(c, text);
    return {std::move(c), std::move(p)};
  }
  // The bytes are read once (bounded: a regular file or `-` for stdin, at
  // most the size limit; io::read_case_text), hashed and parsed.
  const std::string text = io::read_case_text(path);
  cases::Case c = io::parse_case(text, path);
  auto p = pipeline::provenance_of(c, text);
  return {std::move(c), std::move(p)};
}

nlohmann::json with_provenance(nlohmann::json j, const pipeline::Provenance& p) {
  pipeline::add_provenance(j, p);  // a null `j` becomes an object
  return j;
}

namespace {

// Checks every option of the command that ran, before it computes anything:
// numbers must be finite (CLI11's range checks let NaN through) and every
// output path must be writable (io/output.hpp), so that a bad second output
// path fails before the first is written.
void check_options(const CLI::App& app) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->count() == 0)
      continue;
    const std::string name = opt->get_name();
    for (const std::string& value : opt->results()) {
      if (opt->get_type_name().starts_with("FLOAT")) {
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (!std::isfinite(v)) {
          throw InputError(InputIssue{"<command line>", name, value, "must be a finite number"});
        }
      }
      if (name == "--csv" || name == "--vtk" || name == "--svg")
        io::check_output_file(value, name);
      if (name == "--out")
        io::check_output_folder(value, {}, name);
    }
  }
}

// An error message with control characters shown as escapes, so that no
// value echoed from the command line or a file can forge a line of output.
std::string escaped(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

// Standard output must have been written in full (`> /dev/full` is an error).
int flushed(int status) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    const int err = errno;
    std::cerr << "error: cannot write to standard output: " << std::strerror(err) << '\n';
    return 1;
  }
  return status;
}

}  // namespace

}  // namespace mnsim::cli

int main(int argc, char** argv) {
  using namespace mnsim;
  constexpr int kExitBadInput = 2;
  constexpr int kExitFailure = 1;

  CLI::App app{
      "mnsim - micro-needling simulator and planner.\n"
      "mnsim informs decisions; it does not make them.",
      "mnsim"};
  app.set_version_flag("--version", std::string("mnsim ") + MNSIM_VERSION);
  app.require_subcommand(1);

  cli::Commands commands;
  cli::add_run_command(app, commands);
  cli::add_atlas_command(app, commands);
  cli::add_validate_command(app, commands);
  cli::add_case_command(app, commands);
  cli::add_heal_command(app, commands);
  cli::add_deliver_command(app, commands);
  cli::add_pattern_command(app, commands);
  cli::add_plan_command(app, commands);
  cli::add_bench_command(app, commands);
  cli::add_report_command(app, commands);
  cli::add_records_command(app, commands);
  cli::add_cohort_command(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    for (const auto& c : commands) {
      if (c.app->parsed()) {
        cli::check_options(*c.app);
        return cli::flushed(c.action());
      }
    }
  } catch (const InputError& e) {
    for (const auto& issue : e.issues())
      std::cerr << "error: " << cli::escaped(issue.describe()) << '\n';
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
