// The mnsim command line. Every error is caught here once and turned into a
// message and an exit status: 0 success, 2 bad input, 1 anything else.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"

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
  // The bytes are read once, hashed and parsed; a file that cannot be read is
  // left to io::load_case, whose message names the problem.
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || !std::filesystem::is_regular_file(path, ec))
    return {io::load_case(path), {}};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string text = bytes.str();
  cases::Case c = io::parse_case(text, path);
  auto p = pipeline::provenance_of(c, text);
  return {std::move(c), std::move(p)};
}

nlohmann::json with_provenance(nlohmann::json j, const pipeline::Provenance& p) {
  pipeline::add_provenance(j, p);  // a null `j` becomes an object
  return j;
}

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    for (const auto& c : commands) {
      if (c.app->parsed())
        return c.action();
    }
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
