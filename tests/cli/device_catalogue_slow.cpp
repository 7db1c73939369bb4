// Every catalogue device through `mnsim run` (and its plan): a case naming
// only `device.model` must be run and planned with the catalogue entry, never
// with the case's unfilled [device] defaults (issue 9: a roller was printed
// as "pen, 16 needles, 1 mm" and warned about pen cartridges).
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/cli_harness.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/device/device.hpp"

namespace {

using nlohmann::json;

// A cheap case: one small zone, no product, one session, a short horizon.
std::string case_for(const std::string& model) {
  return fmt::format(R"([device]
model = "{}"
[course]
sessions = 1
horizon_days = 14
[simulation]
fidelity = "1d"
horizon_h = 1
[[zones]]
site = "forehead"
indication = "texture"
)",
                     model);
}

class DeviceCatalogue : public mnsim::testing::CliTest {};

TEST_F(DeviceCatalogue, EveryModelIsRunAndPlannedAsTheCatalogueSaysIt) {
  const auto& catalogue = mnsim::device::Catalogue::builtin();
  ASSERT_FALSE(catalogue.devices().empty());
  for (const auto& d : catalogue.devices()) {
    SCOPED_TRACE(d.model);
    const auto path = write(d.model + ".toml", case_for(d.model)).string();
    const std::string kind(mnsim::cases::to_string(d.kind));
    const std::string length = mnsim::core::format_number(mnsim::units::to_mm(d.needle_length_m));

    // One run per device (its plan included): text on stdout, JSON in the
    // folder (the plan command itself is tested in tests/planner).
    const auto out = dir_ / d.model;
    const auto run = mnsim("run " + path + " --out " + out.string());
    ASSERT_EQ(run.status, 0) << run.err;
    std::ifstream in(out / "result.json");
    const json rj = json::parse(in);
    const json dev = rj.at("device");
    EXPECT_EQ(dev.at("model"), d.model);
    EXPECT_EQ(dev.at("name"), d.name);
    EXPECT_EQ(dev.at("kind"), kind);
    EXPECT_EQ(dev.at("needle_count"), d.needle_count);
    EXPECT_NEAR(dev.at("needle_length_mm").get<double>(), mnsim::units::to_mm(d.needle_length_m),
                1e-12);
    EXPECT_NEAR(dev.at("tip_radius_um").get<double>(), mnsim::units::to_um(d.tip_radius_m), 1e-9);
    EXPECT_EQ(dev.at("uses"), 0);

    const std::string& text = run.out;
    const std::string line =
        fmt::format("Device: {} {}, {} needles, {} mm,", kind, d.model, d.needle_count, length);
    EXPECT_NE(text.find(line), std::string::npos) << "expected '" << line << "' in\n" << text;

    ASSERT_TRUE(rj.at("plan").is_object());
    const json& pj = rj.at("plan");
    const std::string plan_json = pj.dump();
    if (d.kind != mnsim::cases::DeviceKind::Pen) {
      for (const auto* o : {&text, &plan_json})
        EXPECT_EQ(o->find("Pen cartridges"), std::string::npos) << *o;
    }
    // A roller or stamp plan that wants other needles names the case's real length.
    for (const auto& z : pj.at("zones")) {
      for (const auto& w : z.at("warnings")) {
        const std::string s = w.get<std::string>();
        if (s.find("needles") != std::string::npos && s.find("the case's") != std::string::npos) {
          EXPECT_NE(s.find("the case's " + kind + " has " + length + " mm"), std::string::npos)
              << s;
        }
      }
    }
  }
}

}  // namespace
