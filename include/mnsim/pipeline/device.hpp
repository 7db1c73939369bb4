// The one place a case's device is resolved: its DeviceSpec (catalogue model
// and/or explicit fields) against the built-in catalogue. Every later step —
// puncture, transport, planner, reports — reads the resolved device::Device,
// never the spec's unfilled defaults.
#pragma once

#include "mnsim/case/case.hpp"
#include "mnsim/device/device.hpp"

namespace mnsim::pipeline {

// The case's device resolved against device::Catalogue::builtin(). The model,
// if any, must exist (parse_case has checked it).
device::Device resolved_device(const cases::Case& c);

}  // namespace mnsim::pipeline
