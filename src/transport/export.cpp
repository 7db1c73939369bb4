#include "mnsim/transport/export.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "mnsim/core/units.hpp"

namespace mnsim::transport {

namespace {

// Trapezoidal running integral of a rate [per h] over time [s].
std::vector<double> cumulative(const std::vector<double>& time_s,
                               const std::vector<double>& rate_per_h) {
  std::vector<double> out(time_s.size(), 0.0);
  for (std::size_t i = 1; i < time_s.size(); ++i) {
    out[i] = out[i - 1] +
             0.5 * (rate_per_h[i] + rate_per_h[i - 1]) * units::to_hours(time_s[i] - time_s[i - 1]);
  }
  return out;
}

// Inline binary DataArray payload: base64 of a UInt32 byte count followed by
// the raw little-endian values, encoded as one stream (what VTK and meshio
// both read).
template <class T>
std::string base64_block(const std::vector<T>& v) {
  const auto bytes = static_cast<std::uint32_t>(v.size() * sizeof(T));
  std::vector<unsigned char> raw(sizeof(bytes) + bytes);
  std::memcpy(raw.data(), &bytes, sizeof(bytes));
  if (bytes > 0)
    std::memcpy(raw.data() + sizeof(bytes), v.data(), bytes);
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), raw.data(),
                                static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

template <class T>
void array(std::ostringstream& os, const char* type, const std::string& name, int components,
           const std::vector<T>& v) {
  os << "        <DataArray type=\"" << type << "\" Name=\"" << name << "\"";
  if (components > 1)
    os << " NumberOfComponents=\"" << components << "\"";
  os << " format=\"binary\">" << base64_block(v) << "</DataArray>\n";
}

std::vector<std::uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

}  // namespace

std::string to_csv(const CaseDelivery& d) {
  // Layer columns: the union over zones, in first-seen order.
  std::vector<std::string> layers;
  for (const auto& z : d.zones) {
    if (!z.delivery)
      continue;
    for (const auto& l : z.delivery->needled.layers) {
      if (std::find(layers.begin(), layers.end(), l) == layers.end())
        layers.push_back(l);
    }
  }
  std::ostringstream os;
  os << "zone,site,product,channels,time_s";
  for (const auto& l : layers)
    os << ",amount_" << l << "_ug_per_cm2";
  os << ",past_sc_cumulative_ug_per_cm2,out_bottom_cumulative_ug_per_cm2,flux_out_ug_per_cm2_h";
  os << ",numbing_depth_um\n";
  for (std::size_t zi = 0; zi < d.zones.size(); ++zi) {
    const auto& z = d.zones[zi];
    if (!z.delivery)
      continue;
    const Run& r = z.delivery->needled;
    const bool channels = z.delivery->reseal_time_s > 0;
    const auto out_bottom = cumulative(r.time_s, r.flux_out_ug_per_cm2_h);
    for (std::size_t i = 0; i < r.time_s.size(); ++i) {
      os << zi << ',' << z.site << ',' << z.product.value_or("") << ','
         << (channels ? "needled" : "intact") << fmt::format(",{:.9g}", r.time_s[i]);
      for (const auto& l : layers) {
        const auto it = std::find(r.layers.begin(), r.layers.end(), l);
        if (it == r.layers.end())
          os << ',';
        else
          os << fmt::format(
              ",{:.9g}", r.amount_ug_per_cm2[static_cast<std::size_t>(it - r.layers.begin())][i]);
      }
      os << fmt::format(",{:.9g},{:.9g},{:.9g}", r.past_sc_ug_per_cm2[i], out_bottom[i],
                        r.flux_out_ug_per_cm2_h[i]);
      if (!r.numbing_depth_um.empty())
        os << fmt::format(",{:.9g}", r.numbing_depth_um[i]);
      else
        os << ',';
      os << '\n';
    }
  }
  return os.str();
}

std::size_t vtu_snapshots(const Run& r) {
  if (!r.snapshots.empty())
    return r.snapshots.size();
  return r.field_ug_per_ml.empty() ? 0 : 1;
}

std::string to_vtu(const Run& r, std::size_t snapshot, const VtkMeta& meta) {
  // 3D keeps no snapshots: its one "snapshot" is the final field.
  const bool final_only = r.snapshots.empty();
  if (final_only && snapshot != 0)
    throw std::out_of_range("to_vtu: a 3D run has only its final field");
  const double snap_time_s = final_only ? r.time_s.back() : r.snapshots.at(snapshot).time_s;
  const std::vector<double>& snap_field =
      final_only ? r.field_ug_per_ml : r.snapshots.at(snapshot).field_ug_per_ml;
  const std::size_t nz = r.z_faces_m.size() - 1;
  std::vector<double> pts;
  std::vector<std::int32_t> conn;
  std::vector<std::int32_t> offsets;
  std::vector<std::uint8_t> types;
  const bool three_d = !r.y_faces_m.empty();
  const bool rz = !three_d && r.r_faces_m.size() > 2;  // 1D keeps {0, 1 m} as radial faces
  auto add_point = [&pts](double x, double y, double z) {
    pts.push_back(units::to_um(x));
    pts.push_back(units::to_um(y));
    pts.push_back(units::to_um(z));
  };
  constexpr std::uint8_t kLine = 3;
  constexpr std::uint8_t kQuad = 9;
  constexpr std::uint8_t kHexahedron = 12;
  if (three_d) {
    const std::size_t nx = r.r_faces_m.size() - 1;
    const std::size_t ny = r.y_faces_m.size() - 1;
    for (std::size_t k = 0; k <= nz; ++k)
      for (std::size_t j = 0; j <= ny; ++j)
        for (std::size_t i = 0; i <= nx; ++i)
          add_point(r.r_faces_m[i], r.y_faces_m[j], -r.z_faces_m[k]);
    auto pid = [&](std::size_t i, std::size_t j, std::size_t k) {
      return static_cast<std::int32_t>((k * (ny + 1) + j) * (nx + 1) + i);
    };
    for (std::size_t k = 0; k < nz; ++k)
      for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t i = 0; i < nx; ++i) {
          // VTK_HEXAHEDRON node order: the bottom face counter-clockwise, then the top.
          for (const auto& [a, b, c] : {std::array<std::size_t, 3>{i, j, k},
                                        {i + 1, j, k},
                                        {i + 1, j + 1, k},
                                        {i, j + 1, k},
                                        {i, j, k + 1},
                                        {i + 1, j, k + 1},
                                        {i + 1, j + 1, k + 1},
                                        {i, j + 1, k + 1}})
            conn.push_back(pid(a, b, c));
          offsets.push_back(static_cast<std::int32_t>(conn.size()));
          types.push_back(kHexahedron);
        }
  } else if (rz) {
    const std::size_t nr = r.r_faces_m.size() - 1;
    for (std::size_t k = 0; k <= nz; ++k)
      for (std::size_t i = 0; i <= nr; ++i)
        add_point(r.r_faces_m[i], -r.z_faces_m[k], 0.0);
    auto pid = [&](std::size_t i, std::size_t k) {
      return static_cast<std::int32_t>(k * (nr + 1) + i);
    };
    for (std::size_t k = 0; k < nz; ++k)
      for (std::size_t i = 0; i < nr; ++i) {
        for (const auto id : {pid(i, k), pid(i + 1, k), pid(i + 1, k + 1), pid(i, k + 1)})
          conn.push_back(id);
        offsets.push_back(static_cast<std::int32_t>(conn.size()));
        types.push_back(kQuad);
      }
  } else {
    for (std::size_t k = 0; k <= nz; ++k)
      add_point(0.0, -r.z_faces_m[k], 0.0);
    for (std::size_t k = 0; k < nz; ++k) {
      conn.push_back(static_cast<std::int32_t>(k));
      conn.push_back(static_cast<std::int32_t>(k + 1));
      offsets.push_back(static_cast<std::int32_t>(conn.size()));
      types.push_back(kLine);
    }
  }
  if (types.size() != snap_field.size())
    throw std::logic_error("to_vtu: the field does not match the grid");

  std::ostringstream os;
  os << "<?xml version=\"1.0\"?>\n"
     << "<!-- mnsim deliver: zone " << meta.zone << " (" << meta.site
     << "); coordinates in um; concentration in ug/mL of tissue -->\n"
     << "<VTKFile type=\"UnstructuredGrid\" version=\"1.0\" byte_order=\"LittleEndian\" "
        "header_type=\"UInt32\">\n  <UnstructuredGrid>\n    <FieldData>\n";
  array(os, "Float64", "TIME", 1, std::vector<double>{snap_time_s});
  array(os, "Int32", "zone", 1, std::vector<std::int32_t>{meta.zone});
  array(os, "UInt8", "site_ascii", 1, bytes_of(meta.site));
  array(os, "UInt8", "case_sha256_ascii", 1, bytes_of(meta.case_sha256));
  std::string layer_names;
  for (const auto& l : r.layers)
    layer_names += (layer_names.empty() ? "" : ";") + l;
  array(os, "UInt8", "layer_names_ascii", 1, bytes_of(layer_names));
  os << "    </FieldData>\n";
  os << fmt::format("    <Piece NumberOfPoints=\"{}\" NumberOfCells=\"{}\">\n", pts.size() / 3,
                    types.size());
  os << "      <Points>\n";
  array(os, "Float64", "Points", 3, pts);
  os << "      </Points>\n      <Cells>\n";
  array(os, "Int32", "connectivity", 1, conn);
  array(os, "Int32", "offsets", 1, offsets);
  array(os, "UInt8", "types", 1, types);
  os << "      </Cells>\n      <CellData Scalars=\"concentration_ug_per_ml\">\n";
  array(os, "Float64", "concentration_ug_per_ml", 1, snap_field);
  if (r.cell_layer.size() == types.size()) {
    std::vector<std::int32_t> layer(r.cell_layer.begin(), r.cell_layer.end());
    array(os, "Int32", "layer_id", 1, layer);
  } else if (three_d && r.row_layer.size() == nz) {
    // x fastest, then y, then depth (the field's order).
    const std::size_t per_row = types.size() / nz;
    std::vector<std::int32_t> layer(types.size());
    for (std::size_t i = 0; i < layer.size(); ++i)
      layer[i] = r.row_layer[i / per_row];
    array(os, "Int32", "layer_id", 1, layer);
  }
  if (r.cell_in_channel.size() == types.size())
    array(os, "UInt8", "in_channel", 1, r.cell_in_channel);
  os << "      </CellData>\n    </Piece>\n  </UnstructuredGrid>\n</VTKFile>\n";
  return os.str();
}

std::string to_pvd(const std::vector<PvdEntry>& entries) {
  std::ostringstream os;
  os << "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"1.0\" "
        "byte_order=\"LittleEndian\">\n  <Collection>\n";
  for (const auto& e : entries) {
    os << fmt::format("    <DataSet timestep=\"{:.9g}\" part=\"{}\" file=\"{}\"/>\n", e.time_s,
                      e.part, e.file);
  }
  os << "  </Collection>\n</VTKFile>\n";
  return os.str();
}

}  // namespace mnsim::transport
