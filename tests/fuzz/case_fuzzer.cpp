// libFuzzer target: any bytes as a case file. A case or an InputError is
// fine; anything else (a crash, a sanitizer report, another exception, a
// hang past -timeout, memory past -rss_limit_mb) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/case/json.hpp"
#include "mnsim/pipeline/check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const mnsim::cases::Case c = mnsim::io::parse_case(text, "fuzz.toml");
    // parse_case ran check_case already; run it again as `run` does, and
    // render the case as `mnsim case check --json` does.
    if (!mnsim::pipeline::check_case(c).empty())
      __builtin_trap();  // a case that passed must pass again
    const std::string json = mnsim::cases::to_json(c).dump();
    if (json.empty())
      __builtin_trap();
  } catch (const mnsim::InputError&) {
  }
  return 0;
}
