// The command line the calibration tools share: `[--write] [--root DIR]`.
#pragma once

#include <iostream>
#include <optional>
#include <string>

namespace mnsim::tools {

struct ToolArgs {
  bool write = false;                   // write the fitted parameters and the calibration page
  std::string root = MNSIM_SOURCE_DIR;  // the source tree written to
};

// The parsed arguments, or nullopt after printing the usage of `name`.
inline std::optional<ToolArgs> parse_tool_args(int argc, char** argv, const char* name) {
  ToolArgs args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--write") {
      args.write = true;
    } else if (a == "--root" && i + 1 < argc) {
      args.root = argv[++i];
    } else {
      std::cerr << "usage: " << name << " [--write] [--root DIR]\n";
      return std::nullopt;
    }
  }
  return args;
}

}  // namespace mnsim::tools
