#include "mnsim/transport/medium.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "mnsim/core/text.hpp"
#include "mnsim/core/units.hpp"

namespace mnsim::transport {

std::vector<InputIssue> check_medium(const Medium& m, double dx_m, const std::string& file,
                                     const std::string& prefix) {
  std::vector<InputIssue> out;
  auto num = [](double v) { return core::format_number(v); };
  if (m.layers.empty())
    out.push_back({file, prefix + ".layers", "", "at least one layer is required"});
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const auto& l = m.layers[i];
    const std::string p = fmt::format("{}.layers[{}].", prefix, i);
    if (!(l.thickness_m > 0) || !std::isfinite(l.thickness_m))
      out.push_back({file, p + "thickness_um", num(units::to_um(l.thickness_m)), "must be > 0"});
    if (!(l.diffusivity_m2_s > 0) || !std::isfinite(l.diffusivity_m2_s))
      out.push_back({file, p + "diffusivity_m2_s", num(l.diffusivity_m2_s), "must be > 0"});
    if (!(l.partition > 0) || !std::isfinite(l.partition))
      out.push_back({file, p + "partition", num(l.partition), "must be > 0"});
    if (!(l.clearance_per_s >= 0) || !std::isfinite(l.clearance_per_s))
      out.push_back({file, p + "clearance_per_s", num(l.clearance_per_s), "must be >= 0"});
    if (l.thickness_m > 0 && dx_m > l.thickness_m * (1 + 1e-12)) {
      out.push_back(
          {file, "simulation.dx_um", num(units::to_um(dx_m)),
           fmt::format("is larger than layer '{}' ({} um thick); use dx_um <= {}", l.name,
                       num(units::to_um(l.thickness_m)), num(units::to_um(l.thickness_m)))});
    }
  }
  if (!(dx_m > 0))
    out.push_back({file, "simulation.dx_um", num(units::to_um(dx_m)), "must be > 0"});
  if (!(m.donor.concentration > 0))
    out.push_back({file, "donor.concentration_ug_per_ml", num(m.donor.concentration * units::kMl),
                   "must be > 0"});
  if (m.donor.finite && !(m.donor.capacity > 0))
    out.push_back({file, "donor.volume_ul_per_cm2", num(m.donor.capacity * 1e5), "must be > 0"});
  return out;
}

DepthGrid make_depth_grid(const Medium& m, double dx_m) {
  DepthGrid g;
  double top = 0;
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const double t = m.layers[l].thickness_m;
    const int n = std::max(1, static_cast<int>(std::ceil(t / dx_m - 1e-9)));
    const double h = t / n;
    for (int i = 0; i < n; ++i) {
      g.top_m.push_back(top + i * h);
      g.h_m.push_back(h);
      g.layer.push_back(static_cast<int>(l));
    }
    top += t;
  }
  return g;
}

std::vector<double> faces_for_size(double a, double b, const std::vector<double>& h_at) {
  const std::size_t samples = h_at.size() - 1;
  const double step = (b - a) / static_cast<double>(samples);
  std::vector<double> cum(samples + 1, 0.0);  // integral of 1/h from a
  for (std::size_t i = 0; i < samples; ++i)
    cum[i + 1] = cum[i] + 0.5 * step * (1.0 / h_at[i] + 1.0 / h_at[i + 1]);
  const int n = std::max(1, static_cast<int>(std::ceil(cum.back() - 1e-9)));
  std::vector<double> f{a};
  std::size_t j = 0;
  for (int k = 1; k < n; ++k) {
    const double target = cum.back() * k / n;
    while (cum[j + 1] < target)
      ++j;
    const double t = (target - cum[j]) / (cum[j + 1] - cum[j]);
    f.push_back(a + (static_cast<double>(j) + t) * step);
  }
  f.push_back(b);
  return f;
}

DepthGrid make_graded_depth_grid(const Medium& m, double dx_m, double fine_to_m,
                                 double grading_length_m) {
  if (!(grading_length_m > 0))
    return make_depth_grid(m, dx_m);
  DepthGrid g;
  double top = 0;
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const double t = m.layers[l].thickness_m;
    std::vector<double> f;
    if (top + t <= fine_to_m) {
      const int n = std::max(1, static_cast<int>(std::ceil(t / dx_m - 1e-9)));
      for (int i = 0; i <= n; ++i)
        f.push_back(top + i * (t / n));
    } else {
      // Samples of h at a quarter of dx at most, so the integral is close.
      const auto samples = static_cast<std::size_t>(std::max(16.0, std::ceil(4.0 * t / dx_m)));
      std::vector<double> h(samples + 1);
      for (std::size_t i = 0; i <= samples; ++i) {
        const double z = top + t * static_cast<double>(i) / static_cast<double>(samples);
        h[i] = dx_m * (1.0 + std::max(0.0, z - fine_to_m) / grading_length_m);
      }
      f = faces_for_size(top, top + t, h);
    }
    for (std::size_t i = 0; i + 1 < f.size(); ++i) {
      g.top_m.push_back(f[i]);
      g.h_m.push_back(f[i + 1] - f[i]);
      g.layer.push_back(static_cast<int>(l));
    }
    top += t;
  }
  return g;
}

std::vector<double> Discretisation::row_concentration(const std::vector<double>& u) const {
  std::vector<double> c(row_h_m.size(), 0.0);
  for (std::size_t i = 0; i < u.size(); ++i)
    c[static_cast<std::size_t>(row[i])] += net.capacity[i] * u[i];
  for (std::size_t r = 0; r < c.size(); ++r)
    c[r] /= row_h_m[r];
  return c;
}

namespace {

double channel_dk(double dk, const ChannelGeometry& ch, double f) {
  return dk + f * (ch.open_dk_m2_s - dk);
}

void fill_rows(Discretisation& d, const Medium& m, const DepthGrid& g) {
  d.row_top_m = g.top_m;
  d.row_h_m = g.h_m;
  d.row_partition.clear();
  for (int l : g.layer)
    d.row_partition.push_back(m.layers[static_cast<std::size_t>(l)].partition);
}

}  // namespace

Discretisation build_1d(const Medium& m, const DepthGrid& g, const ChannelGeometry* ch,
                        double open_fraction) {
  Discretisation d;
  fill_rows(d, m, g);
  const std::size_t nz = g.h_m.size();
  std::vector<double> dk(nz);
  double phi = 0;
  if (ch != nullptr && ch->cell_radius_m > 0)
    phi = std::min(1.0, std::pow(ch->radius_m / ch->cell_radius_m, 2));
  for (std::size_t i = 0; i < nz; ++i) {
    const auto& l = m.layers[static_cast<std::size_t>(g.layer[i])];
    dk[i] = l.diffusivity_m2_s * l.partition;
    if (phi > 0 && g.top_m[i] + 0.5 * g.h_m[i] < ch->depth_m)
      dk[i] = (1 - phi) * dk[i] + phi * channel_dk(dk[i], *ch, open_fraction);
    d.net.add_node(g.h_m[i] * l.partition, g.h_m[i] * l.partition * l.clearance_per_s, g.layer[i]);
    d.row.push_back(static_cast<int>(i));
  }
  d.net.to_donor[0] = 2.0 * dk[0] / g.h_m[0];
  if (m.perfect_sink)
    d.net.to_sink[nz - 1] = 2.0 * dk[nz - 1] / g.h_m[nz - 1];
  for (std::size_t i = 0; i + 1 < nz; ++i) {
    d.net.connect(static_cast<int>(i), static_cast<int>(i + 1),
                  face_conductance(1.0, g.h_m[i], dk[i], g.h_m[i + 1], dk[i + 1]));
  }
  return d;
}

std::vector<double> rz_radial_faces(const ChannelGeometry& ch, double dr_m, double growth) {
  const double big_r = ch.cell_radius_m;
  const double a = std::clamp(ch.radius_m, 0.0, big_r);
  // Radial faces: the channel radius is a face.
  std::vector<double> rf{0.0};
  if (a > 0) {
    const int na = std::max(1, static_cast<int>(std::ceil(a / dr_m - 1e-9)));
    for (int i = 1; i <= na; ++i)
      rf.push_back(a * i / na);
  }
  if (big_r - a > 1e-15) {
    if (growth > 1.0) {
      // Geometric sizes dr q^k until they span R - a, then scaled to fit.
      std::vector<double> h;
      double span = 0;
      while (span < (big_r - a) * (1 - 1e-9)) {
        h.push_back(dr_m * std::pow(growth, static_cast<double>(h.size())));
        span += h.back();
      }
      const double scale = (big_r - a) / span;
      double r = a;
      for (std::size_t i = 0; i + 1 < h.size(); ++i) {
        r += h[i] * scale;
        rf.push_back(r);
      }
      rf.push_back(big_r);
    } else {
      const int no = std::max(1, static_cast<int>(std::ceil((big_r - a) / dr_m - 1e-9)));
      for (int i = 1; i <= no; ++i)
        rf.push_back(a + (big_r - a) * i / no);
    }
  }
  return rf;
}

Discretisation build_rz(const Medium& m, const DepthGrid& g, const ChannelGeometry& ch, double dr_m,
                        double open_fraction, double growth) {
  Discretisation d;
  fill_rows(d, m, g);
  const double big_r = ch.cell_radius_m;
  const double a = std::clamp(ch.radius_m, 0.0, big_r);
  const std::vector<double> rf = rz_radial_faces(ch, dr_m, growth);
  const int nr = static_cast<int>(rf.size()) - 1;
  const int nz = static_cast<int>(g.h_m.size());
  d.nr = nr;
  d.r_faces_m = rf;
  const double area = std::numbers::pi * big_r * big_r;
  std::vector<double> dk(static_cast<std::size_t>(nr * nz));
  auto id = [nr](int iz, int ir) { return iz * nr + ir; };
  for (int iz = 0; iz < nz; ++iz) {
    const auto& l = m.layers[static_cast<std::size_t>(g.layer[static_cast<std::size_t>(iz)])];
    const double h = g.h_m[static_cast<std::size_t>(iz)];
    const bool in_depth = g.top_m[static_cast<std::size_t>(iz)] + 0.5 * h < ch.depth_m;
    for (int ir = 0; ir < nr; ++ir) {
      const double r0 = rf[static_cast<std::size_t>(ir)];
      const double r1 = rf[static_cast<std::size_t>(ir + 1)];
      const double vol = std::numbers::pi * (r1 * r1 - r0 * r0) * h / area;
      double v = l.diffusivity_m2_s * l.partition;
      if (in_depth && 0.5 * (r0 + r1) < a)
        v = channel_dk(v, ch, open_fraction);
      dk[static_cast<std::size_t>(id(iz, ir))] = v;
      d.net.add_node(vol * l.partition, vol * l.partition * l.clearance_per_s,
                     g.layer[static_cast<std::size_t>(iz)]);
      d.row.push_back(iz);
    }
  }
  for (int iz = 0; iz < nz; ++iz) {
    const double h = g.h_m[static_cast<std::size_t>(iz)];
    for (int ir = 0; ir < nr; ++ir) {
      const double r0 = rf[static_cast<std::size_t>(ir)];
      const double r1 = rf[static_cast<std::size_t>(ir + 1)];
      const double ring = std::numbers::pi * (r1 * r1 - r0 * r0) / area;
      const auto i = static_cast<std::size_t>(id(iz, ir));
      if (iz == 0)
        d.net.to_donor[i] = ring * 2.0 * dk[i] / h;
      if (iz == nz - 1 && m.perfect_sink)
        d.net.to_sink[i] = ring * 2.0 * dk[i] / h;
      if (iz + 1 < nz) {
        const auto j = static_cast<std::size_t>(id(iz + 1, ir));
        d.net.connect(
            static_cast<int>(i), static_cast<int>(j),
            face_conductance(ring, h, dk[i], g.h_m[static_cast<std::size_t>(iz + 1)], dk[j]));
      }
      if (ir + 1 < nr) {
        const double r2 = rf[static_cast<std::size_t>(ir + 2)];
        const auto j = static_cast<std::size_t>(id(iz, ir + 1));
        const double face = 2.0 * std::numbers::pi * r1 * h / area;
        // Half-cell lengths measured from the cell centres (r-midpoints).
        d.net.connect(static_cast<int>(i), static_cast<int>(j),
                      face_conductance(face, r1 - r0, dk[i], r2 - r1, dk[j]));
      }
    }
  }
  return d;
}

double estimate_bytes(double nodes, double edges_per_node, double fill_factor) {
  // state + rhs + work (~8 doubles) + node arrays (5 doubles + 2 ints) + edges
  // (2 ints + 1 double) + triplets and factor (fill_factor doubles+ints / node).
  return nodes * (8 * 8 + 5 * 8 + 8 + edges_per_node * 16 + fill_factor * 12 + 4 * 24);
}

}  // namespace mnsim::transport
