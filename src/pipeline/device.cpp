#include "mnsim/pipeline/device.hpp"

namespace mnsim::pipeline {

device::Device resolved_device(const cases::Case& c) {
  return device::resolve(c.device, device::Catalogue::builtin());
}

}  // namespace mnsim::pipeline
