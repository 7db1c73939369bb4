// A three-layer skin-like medium (SC, viable epidermis, dermis with
// clearance) shared by the 3D verification tests.
#pragma once

#include "mnsim/transport/medium.hpp"

namespace mnsim::transport::test_media {

inline Medium skin_like(bool finite_donor) {
  Medium m;
  m.layers.push_back({"sc", 15e-6, 1e-14, 3.0, 0.0});
  m.layers.push_back({"ve", 60e-6, 2e-10, 0.7, 0.0});
  m.layers.push_back({"de", 225e-6, 2e-10, 0.7, 2e-3});
  m.donor = {finite_donor, 1e7, 1e-4};
  return m;
}

}  // namespace mnsim::transport::test_media
