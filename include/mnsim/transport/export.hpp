// Stage 4, transport: exports for researchers (`mnsim deliver --csv/--vtk-dir`).
//
// CSV: one tidy table for every zone (zone and site columns), amounts per
// layer, the cumulative amount past the stratum corneum and the cumulative
// amount that left through the bottom of the skin or was cleared by the
// blood. VTK: XML unstructured grids (.vtu, inline base64 binary), one per
// zone and snapshot time, with the concentration, the layer id and (r-z) the
// channel mask as cell arrays and the time, zone and case hash as field data;
// a ParaView collection (.pvd) lists them with their times.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "mnsim/transport/case_delivery.hpp"

namespace mnsim::transport {

// The CSV of every zone with a product run (docs/outputs.md lists columns).
std::string to_csv(const CaseDelivery& d);

struct VtkMeta {
  std::string site;
  int zone = 0;
  std::string case_sha256;  // "" when the case was built in
};

// One snapshot of a run as a VTK XML unstructured grid: 1D as a line of
// depth cells, r-z as quads in the (r, -depth) plane, 3D as hexahedra.
// Coordinates in micrometres (x = r or x, y = -depth for 1D/r-z, z = -depth
// for 3D). Throws std::out_of_range for a snapshot the run does not have.
std::string to_vtu(const Run& r, std::size_t snapshot, const VtkMeta& meta);
// The number of snapshots to_vtu can write (3D: 1, the final field).
std::size_t vtu_snapshots(const Run& r);

struct PvdEntry {
  double time_s = 0;
  int part = 0;  // the zone
  std::string file;
};
std::string to_pvd(const std::vector<PvdEntry>& entries);

}  // namespace mnsim::transport
