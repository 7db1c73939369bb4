// Loads mnsim's built-in default case and prints the skin atlas layer stack
// under one site (the case's first zone, or the site named on the command
// line) for the case's patient. Built against an installed mnsim by the
// consumer test; it checks that the headers, the exported target and the
// embedded data tables all came with the install.
#include <cstdio>
#include <exception>
#include <string>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/pipeline.hpp"

int main(int argc, char** argv) {
  try {
    const mnsim::cases::Case c = mnsim::io::default_case();
    if (c.zones.empty()) {
      std::fprintf(stderr, "the default case has no zones\n");
      return 1;
    }
    const std::string site = argc > 1 ? argv[1] : c.zones.front().site;
    const auto& atlas = mnsim::anatomy::Atlas::builtin();
    const mnsim::anatomy::LayerStack stack = atlas.stack(site, mnsim::pipeline::subject_of(c));
    std::printf("site %s (%zu sites in the atlas)\n", stack.site.c_str(), atlas.sites().size());
    for (const auto& slab : stack.layers) {
      const std::string id(mnsim::anatomy::layer_id(slab.layer));
      std::printf("  %-20s top_um %9.1f  thickness_um %9.1f\n", id.c_str(),
                  mnsim::units::to_um(slab.top_m), mnsim::units::to_um(slab.thickness_m));
    }
    std::printf("total_um %.1f\n", mnsim::units::to_um(stack.total_m()));
    return stack.total_m() > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnsim_consumer: %s\n", e.what());
    return 1;
  }
}
