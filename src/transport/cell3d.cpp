#include "mnsim/transport/cell3d.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "mnsim/core/error.hpp"
#include "mnsim/transport/cyclic_tridiagonal.hpp"

namespace mnsim::transport {

namespace {

using Sz = std::size_t;

Sz sz(int i) {
  return static_cast<Sz>(i);
}

double harmonic_face(double area, double h1, double dk1, double h2, double dk2) {
  return area / (0.5 * h1 / dk1 + 0.5 * h2 / dk2);
}

template <class Key>
int intern(std::map<Key, int>& seen, std::vector<Key>& keys, Key k) {
  auto it = seen.find(k);
  if (it != seen.end())
    return it->second;
  const int id = static_cast<int>(keys.size());
  seen.emplace(k, id);
  keys.push_back(std::move(k));
  return id;
}

}  // namespace

ChannelLayout regular_layout(double density_per_m2, double depth_m, double radius_m) {
  ChannelLayout l;
  l.cell_side_m = 1.0 / std::sqrt(density_per_m2);
  l.channels.push_back({0.5 * l.cell_side_m, 0.5 * l.cell_side_m, depth_m, radius_m});
  return l;
}

int cell3d_columns(double cell_side_m, double dx_m) {
  return std::max(1, static_cast<int>(std::ceil(cell_side_m / dx_m - 1e-9)));
}

std::vector<double> cell3d_lateral_faces(const ChannelLayout& layout, double dx_m,
                                         double grading_length_m) {
  const double side = layout.cell_side_m;
  std::vector<double> f;
  if (!(grading_length_m > 0) || layout.channels.empty()) {
    const int n = cell3d_columns(side, dx_m);
    for (int i = 0; i <= n; ++i)
      f.push_back(i == n ? side : side * i / n);
    return f;
  }
  // The channels' centres and radii, in x and in y, on the circle of length
  // `side`.
  std::vector<std::pair<double, double>> rims;
  for (const auto& ch : layout.channels) {
    rims.emplace_back(ch.x_m, ch.radius_m);
    rims.emplace_back(ch.y_m, ch.radius_m);
  }
  const auto samples = static_cast<std::size_t>(std::max(64.0, std::ceil(4.0 * side / dx_m)));
  std::vector<double> h(samples + 1);
  for (std::size_t i = 0; i <= samples; ++i) {
    const double x = side * static_cast<double>(i) / static_cast<double>(samples);
    double d = side;
    for (const auto& [c, a] : rims) {
      double e = std::abs(x - c);
      e = std::min(e, side - std::fmod(e, side));  // periodic distance to the centre
      d = std::min(d, std::max(0.0, std::abs(e - a) - dx_m));
    }
    h[i] = dx_m * (1.0 + d / grading_length_m);
  }
  return faces_for_size(0.0, side, h);
}

double cell3d_estimate_bytes(int n_side, int nz, int n_layers, int n_channels, int threads) {
  const double cols = static_cast<double>(n_side) * n_side;
  const double cells = cols * nz;
  const double rc = std::min(static_cast<double>(nz), n_layers * (n_channels + 1.0));
  // u, the increment and the two step-doubling copies; slab buffers; phi
  // planes, x/y keys and run lists per row class; z classes (8 doubles per
  // row) bounded by the columns and by the channel rims.
  return cells * 32 + threads * static_cast<double>(nz) * n_side * 8 + rc * cols * (8 + 16 + 16) +
         std::min(cols, 64.0 + 16.0 * n_channels * n_side) * nz * 8 * 8 + 64.0 * nz;
}

namespace {

// Rows each channel covers (cell centre above its depth), as in r-z, and the
// row classes: (layer, number of channel-depth breaks at or above the row).
std::vector<int> classify_rows(const DepthGrid& g, const ChannelLayout& layout,
                               Cell3dGeometry& geo) {
  const int nz = static_cast<int>(g.h_m.size());
  std::vector<int> crow;
  for (const auto& ch : layout.channels) {
    int k = 0;
    while (k < nz && g.top_m[sz(k)] + 0.5 * g.h_m[sz(k)] < ch.depth_m)
      ++k;
    crow.push_back(ch.radius_m > 0 ? k : 0);
  }
  std::vector<int> breaks(crow.begin(), crow.end());
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  // Row classes: (layer, number of channel-depth breaks at or above the row).
  std::map<std::pair<int, int>, int> rc_of;
  for (int iz = 0; iz < nz; ++iz) {
    const int k =
        static_cast<int>(std::upper_bound(breaks.begin(), breaks.end(), iz) - breaks.begin());
    const auto key = std::make_pair(g.layer[sz(iz)], k);
    auto it = rc_of.find(key);
    if (it == rc_of.end()) {
      it = rc_of.emplace(key, static_cast<int>(geo.rc_row.size())).first;
      geo.rc_row.push_back(iz);
    }
    geo.rc.push_back(it->second);
  }
  return crow;
}

// Area fraction of each column inside each channel (16 x 16 samples,
// nearest periodic image), per row class.
// Columns (indices between `faces`) within a periodic distance r of c.
std::vector<int> cell3d_columns_near(const std::vector<double>& faces, double side, double c,
                                     double r) {
  std::vector<int> out;
  const int n = static_cast<int>(faces.size()) - 1;
  for (int i = 0; i < n; ++i) {
    // Distance from c to [faces[i], faces[i+1]] on the circle.
    double lo = faces[sz(i)] - c, hi = faces[sz(i + 1)] - c;
    const double shift = side * std::round(0.5 * (lo + hi) / side);
    lo -= shift;
    hi -= shift;
    const double d = lo > 0 ? lo : (hi < 0 ? -hi : 0.0);
    if (d <= r)
      out.push_back(i);
  }
  return out;
}

void channel_fractions(const ChannelLayout& layout, const std::vector<int>& crow,
                       const std::vector<double>& faces, Cell3dGeometry& geo) {
  const int n = static_cast<int>(faces.size()) - 1;
  const Sz cols = sz(n) * sz(n);
  const int nrc = static_cast<int>(geo.rc_row.size());
  const double side = layout.cell_side_m;
  constexpr int kSub = 16;
  geo.phi.assign(sz(nrc), std::vector<double>(cols, 0.0));
  for (std::size_t c = 0; c < layout.channels.size(); ++c) {
    const auto& ch = layout.channels[c];
    if (crow[c] == 0)
      continue;
    const std::vector<int> xs = cell3d_columns_near(faces, side, ch.x_m, ch.radius_m);
    const std::vector<int> ys = cell3d_columns_near(faces, side, ch.y_m, ch.radius_m);
    const double r2 = ch.radius_m * ch.radius_m;
    for (const int iy : ys) {
      const double y0 = faces[sz(iy)], wy = faces[sz(iy + 1)] - y0;
      for (const int ix : xs) {
        const double x0 = faces[sz(ix)], wx = faces[sz(ix + 1)] - x0;
        int inside = 0;
        for (int sj = 0; sj < kSub; ++sj) {
          double dy = y0 + (sj + 0.5) / kSub * wy - ch.y_m;
          dy -= side * std::round(dy / side);
          for (int si = 0; si < kSub; ++si) {
            double dx = x0 + (si + 0.5) / kSub * wx - ch.x_m;
            dx -= side * std::round(dx / side);
            inside += dx * dx + dy * dy <= r2 ? 1 : 0;
          }
        }
        if (inside == 0)
          continue;
        const double frac = static_cast<double>(inside) / (kSub * kSub);
        for (int r = 0; r < nrc; ++r) {
          if (geo.rc_row[sz(r)] < crow[c])
            geo.phi[sz(r)][sz(iy) * sz(n) + sz(ix)] += frac;
        }
      }
    }
  }
  for (auto& p : geo.phi) {
    for (double& v : p)
      v = std::min(v, 1.0);
  }
}

// Line classes: identical phi profiles share coefficients and factors.
void classify_lines(int n, Cell3dGeometry& geo) {
  const Sz cols = sz(n) * sz(n);
  const int nrc = static_cast<int>(geo.rc_row.size());
  geo.xid.resize(sz(nrc) * sz(n));
  geo.yid.resize(sz(nrc) * sz(n));
  geo.zid.resize(cols);
  for (int r = 0; r < nrc; ++r) {
    std::map<std::vector<double>, int> xs, ys;
    std::vector<std::vector<double>> xk, yk;
    const auto& p = geo.phi[sz(r)];
    for (int iy = 0; iy < n; ++iy) {
      std::vector<double> key(p.begin() + static_cast<long>(iy) * n,
                              p.begin() + static_cast<long>(iy + 1) * n);
      geo.xid[sz(r) * sz(n) + sz(iy)] = static_cast<int>(geo.xkey.size()) + intern(xs, xk, key);
    }
    for (int ix = 0; ix < n; ++ix) {
      std::vector<double> key(sz(n));
      for (int iy = 0; iy < n; ++iy)
        key[sz(iy)] = p[sz(iy) * sz(n) + sz(ix)];
      geo.yid[sz(r) * sz(n) + sz(ix)] = static_cast<int>(geo.ykey.size()) + intern(ys, yk, key);
    }
    for (auto& k : xk) {
      geo.xkey.push_back(std::move(k));
      geo.xrc.push_back(r);
    }
    for (auto& k : yk) {
      geo.ykey.push_back(std::move(k));
      geo.yrc.push_back(r);
    }
  }
  {
    std::map<std::vector<double>, int> zs;
    for (Sz col = 0; col < cols; ++col) {
      std::vector<double> key(sz(nrc));
      for (int r = 0; r < nrc; ++r)
        key[sz(r)] = geo.phi[sz(r)][col];
      geo.zid[col] = intern(zs, geo.zkey, key);
    }
  }
}

// Runs of ix with one (y class, z class), per (row class, iy).
void line_runs(int n, Cell3dGeometry& geo) {
  const int nrc = static_cast<int>(geo.rc_row.size());
  geo.runs.resize(sz(nrc) * sz(n));
  geo.yruns.resize(sz(nrc));
  geo.zruns.resize(sz(n));
  auto make_runs = [n](auto yof, auto zof) {
    std::vector<Cell3dRun> out;
    for (int ix = 0; ix < n; ++ix) {
      const int y = yof(ix), z = zof(ix);
      if (!out.empty() && out.back().y == y && out.back().z == z)
        out.back().x1 = ix + 1;
      else
        out.push_back({ix, ix + 1, y, z});
    }
    return out;
  };
  for (int r = 0; r < nrc; ++r) {
    const int* yid = &geo.yid[sz(r) * sz(n)];
    geo.yruns[sz(r)] = make_runs([yid](int ix) { return yid[ix]; }, [](int) { return 0; });
    for (int iy = 0; iy < n; ++iy) {
      const int* zid = &geo.zid[sz(iy) * sz(n)];
      geo.runs[sz(r) * sz(n) + sz(iy)] =
          make_runs([yid](int ix) { return yid[ix]; }, [zid](int ix) { return zid[ix]; });
    }
  }
  for (int iy = 0; iy < n; ++iy) {
    const int* zid = &geo.zid[sz(iy) * sz(n)];
    geo.zruns[sz(iy)] = make_runs([](int) { return 0; }, [zid](int ix) { return zid[ix]; });
  }
}

}  // namespace

Cell3dGeometry Cell3dGeometry::build(const DepthGrid& g, const ChannelLayout& layout,
                                     const std::vector<double>& faces) {
  Cell3dGeometry geo;
  const int n = static_cast<int>(faces.size()) - 1;
  const std::vector<int> crow = classify_rows(g, layout, geo);
  channel_fractions(layout, crow, faces, geo);
  classify_lines(n, geo);
  line_runs(n, geo);
  return geo;
}

namespace {

std::vector<double> checked_equal_faces(const ChannelLayout& layout, double dx_m) {
  if (!(layout.cell_side_m > 0) || !(dx_m > 0))
    throw NumericalError("transport 3D: bad cell side or spacing");
  return cell3d_lateral_faces(layout, dx_m, 0.0);
}

}  // namespace

Cell3d::Cell3d(const Medium& m, const DepthGrid& g, const ChannelLayout& layout, double dx_m,
               double open_dk_m2_s)
    : Cell3d(m, g, layout, checked_equal_faces(layout, dx_m), open_dk_m2_s) {}

Cell3d::Cell3d(const Medium& m, const DepthGrid& g, const ChannelLayout& layout,
               std::vector<double> faces_m, double open_dk_m2_s)
    : open_dk_(open_dk_m2_s),
      donor_(m.donor),
      sink_(m.perfect_sink),
      donor_u_(m.donor.concentration) {
  const double side = layout.cell_side_m;
  bool ok = side > 0 && faces_m.size() >= 2 && !g.h_m.empty() && faces_m.front() == 0 &&
            std::abs(faces_m.back() - side) <= 1e-12 * side;
  for (std::size_t i = 0; ok && i + 1 < faces_m.size(); ++i)
    ok = faces_m[i + 1] > faces_m[i];
  if (!ok)
    throw NumericalError("transport 3D: bad cell side, lateral faces or depth grid");
  if (donor_.finite && !(donor_.capacity > 0))
    throw NumericalError("transport: a finite donor needs a positive volume");
  faces_ = std::move(faces_m);
  n_ = static_cast<int>(faces_.size()) - 1;
  nz_ = static_cast<int>(g.h_m.size());
  area_ = side * side;
  hmin_ = side;
  for (int i = 0; i < n_; ++i) {
    wd_.push_back(faces_[sz(i + 1)] - faces_[sz(i)]);
    inv_wd_.push_back(1.0 / wd_.back());
    hmin_ = std::min(hmin_, wd_.back());
  }
  const int n = n_;
  const Sz cols = sz(n) * sz(n);
  for (int iz = 0; iz < nz_; ++iz) {
    const auto& l = m.layers[sz(g.layer[sz(iz)])];
    h_.push_back(g.h_m[sz(iz)]);
    layer_.push_back(g.layer[sz(iz)]);
    cap_.push_back(g.h_m[sz(iz)] * l.partition);
    dkt_.push_back(l.diffusivity_m2_s * l.partition);
    kclear_.push_back(g.h_m[sz(iz)] * l.partition * l.clearance_per_s);
  }
  Cell3dGeometry geo = Cell3dGeometry::build(g, layout, faces_);
  rc_ = std::move(geo.rc);
  rc_row_ = std::move(geo.rc_row);
  phi_ = std::move(geo.phi);
  xid_ = std::move(geo.xid);
  yid_ = std::move(geo.yid);
  zid_ = std::move(geo.zid);
  xkey_ = std::move(geo.xkey);
  ykey_ = std::move(geo.ykey);
  zkey_ = std::move(geo.zkey);
  xrc_ = std::move(geo.xrc);
  yrc_ = std::move(geo.yrc);
  runs_ = std::move(geo.runs);
  yruns_ = std::move(geo.yruns);
  zruns_ = std::move(geo.zruns);
  // State and workspace.
  u_.assign(cols * sz(nz_), 0.0);
  d_.assign(cols * sz(nz_), 0.0);
  ex_clear_.assign(sz(nz_), 0.0);
  ex_sink_.assign(sz(nz_), 0.0);
  ex_donor_.assign(sz(nz_), 0.0);
  im_clear_.assign(sz(n), 0.0);
  im_sink_.assign(sz(n), 0.0);
  im_top_.assign(sz(n), 0.0);
  bad_.assign(sz(n), 0);
  coefficients();
}

int Cell3d::line_classes() const {
  return static_cast<int>(xkey_.size() + ykey_.size() + zkey_.size());
}

double Cell3d::channel_fraction(int ix, int iy, int iz) const {
  return phi_[sz(rc_[sz(iz)])][sz(iy) * sz(n_) + sz(ix)];
}

void Cell3d::set_open_fraction(double f) {
  f_ = std::clamp(f, 0.0, 1.0);
  coefficients();
}

void Cell3d::remove_donor() {
  if (donor_attached_)
    dirty_ = true;
  donor_attached_ = false;
}

void Cell3d::set_u(std::vector<double> u) {
  if (u.size() != u_.size())
    throw NumericalError("transport 3D: set_u with the wrong size");
  u_ = std::move(u);
}

void Cell3d::coefficients() {
  const int n = n_;
  const int nz = nz_;
  auto dk = [this](int iz, double phi) {
    const double t = dkt_[sz(iz)];
    return t + phi * f_ * (open_dk_ - t);
  };
  const bool single = n == 1;
  // Lateral conductances per unit width and depth of the face (a line's
  // equations are divided by its other width and its row's depth, so rows of
  // one class share them on a graded depth grid).
  auto lateral = [&](const std::vector<std::vector<double>>& keys, const std::vector<int>& rcs,
                     std::vector<double>& g) {
    g.assign(keys.size() * sz(n), 0.0);
    for (Sz c = 0; c < keys.size(); ++c) {
      const int iz = rc_row_[sz(rcs[c])];
      for (int i = 0; i < n && !single; ++i) {
        const int j = (i + 1) % n;
        g[c * sz(n) + sz(i)] = harmonic_face(1.0, wd_[sz(i)], dk(iz, keys[c][sz(i)]), wd_[sz(j)],
                                             dk(iz, keys[c][sz(j)]));
      }
    }
  };
  lateral(xkey_, xrc_, gx_);
  lateral(ykey_, yrc_, gy_);
  gz_.assign(zkey_.size() * sz(nz), 0.0);
  dz_.assign(zkey_.size() * sz(nz), 0.0);
  gd_.assign(zkey_.size(), 0.0);
  gs_.assign(zkey_.size(), 0.0);
  for (Sz c = 0; c < zkey_.size(); ++c) {
    const auto& key = zkey_[c];
    for (int iz = 0; iz < nz; ++iz) {
      const double k1 = dk(iz, key[sz(rc_[sz(iz)])]);
      if (iz + 1 < nz) {
        const double k2 = dk(iz + 1, key[sz(rc_[sz(iz + 1)])]);
        gz_[c * sz(nz) + sz(iz)] = harmonic_face(1.0, h_[sz(iz)], k1, h_[sz(iz + 1)], k2);
      }
      dz_[c * sz(nz) + sz(iz)] = kclear_[sz(iz)];
      if (iz == 0)
        gd_[c] = 2.0 * k1 / h_[0];
      if (iz == nz - 1 && sink_) {
        gs_[c] = 2.0 * k1 / h_[sz(iz)];
        dz_[c * sz(nz) + sz(iz)] += gs_[c];
      }
    }
  }
  dirty_ = true;
}

void Cell3d::factor(double w) {
  const int n = n_;
  const int nz = nz_;
  std::vector<double> a(sz(std::max(n, nz))), b(a.size()), c(a.size());
  auto lines = [&](const std::vector<double>& g, const std::vector<int>& rc_of, Sz classes,
                   std::vector<double>& m, std::vector<double>& am, std::vector<double>& cp,
                   std::vector<double>& zc, std::vector<double>& al, std::vector<double>& be) {
    m.assign(classes * sz(n), 0.0);
    am.assign(m.size(), 0.0);
    cp.assign(m.size(), 0.0);
    zc.assign(m.size(), 0.0);
    al.assign(classes, 0.0);
    be.assign(classes, 0.0);
    for (Sz k = 0; k < classes; ++k) {
      // Per unit depth: the partition (rows of a class share the layer).
      const int row = rc_row_[sz(rc_of[k])];
      const double cap = cap_[sz(row)] / h_[sz(row)];
      const double* gk = &g[k * sz(n)];
      for (int i = 0; i < n; ++i) {
        const double gw = gk[(i + n - 1) % n];
        const double ge = gk[i];
        a[sz(i)] = -w * gw;
        c[sz(i)] = -w * ge;
        b[sz(i)] = cap * wd_[sz(i)] + w * (gw + ge);
      }
      const Sz o = k * sz(n);
      factor_cyclic(n, a.data(), b.data(), c.data(), {&m[o], &am[o], &cp[o], &zc[o]}, al[k], be[k]);
    }
  };
  lines(gx_, xrc_, xkey_.size(), xm_, xam_, xcp_, xzc_, xal_, xbe_);
  lines(gy_, yrc_, ykey_.size(), ym_, yam_, ycp_, yzc_, yal_, ybe_);
  // z: eliminated from the bottom up (the top row last), so the donor
  // coupling of the top row can be solved for after the sweep.
  zm_.assign(zkey_.size() * sz(nz), 0.0);
  zam_.assign(zm_.size(), 0.0);
  zcp_.assign(zm_.size(), 0.0);
  zp_.assign(zkey_.size(), 0.0);
  const bool on = donor_attached_;
  for (Sz k = 0; k < zkey_.size(); ++k) {
    const double* gk = &gz_[k * sz(nz)];
    double* m = &zm_[k * sz(nz)];
    double* am = &zam_[k * sz(nz)];
    double* cp = &zcp_[k * sz(nz)];
    for (int i = nz - 1; i >= 0; --i) {
      const double gu = i > 0 ? gk[i - 1] : 0.0;
      const double gl = i + 1 < nz ? gk[i] : 0.0;
      double diag = cap_[sz(i)] + w * (gu + gl + dz_[k * sz(nz) + sz(i)]);
      if (i == 0 && on)
        diag += w * gd_[k];
      const double below = i + 1 < nz ? -w * gl * cp[i + 1] : 0.0;
      m[i] = 1.0 / (diag - below);
      am[i] = i + 1 < nz ? -w * gl * m[i] : 0.0;
      cp[i] = -w * gu * m[i];
    }
    zp_[k] = m[0] * w * gd_[k];
  }
  w_ = w;
  dirty_ = false;
}

// Stage 1: r = dt (-L u + s) on each x line, then (C + w Lx) D1 = r.
void Cell3d::stage_explicit_x(double dt) {
  const int n = n_;
  const int nz = nz_;
  const Sz plane = sz(n) * sz(n);
  const bool donor_on = donor_attached_;
  const double cd = donor_u_;
#pragma omp parallel if (parallel())
  {
    std::vector<double> r(sz(n));
#pragma omp for schedule(static)
    for (int iz = 0; iz < nz; ++iz) {
      const int rc = rc_[sz(iz)];
      const double kc = kclear_[sz(iz)];
      const double ih = 1.0 / h_[sz(iz)];
      double s_clear = 0, s_sink = 0, s_don = 0;
      for (int iy = 0; iy < n; ++iy) {
        const Sz base = index(0, iy, iz);
        const double* u0 = &u_[base];
        const double* un = &u_[index(0, (iy + 1) % n, iz)];
        const double* us = &u_[index(0, (iy + n - 1) % n, iz)];
        const double* ud = iz + 1 < nz ? u0 + plane : u0;
        const double* uu = iz > 0 ? u0 - plane : u0;
        const int xc = xid_[sz(rc) * sz(n) + sz(iy)];
        const double* gx = &gx_[sz(xc) * sz(n)];
        // x part (periodic).
        if (n == 1) {
          r[0] = 0;
        } else {
          r[0] = gx[0] * (u0[0] - u0[1]) + gx[n - 1] * (u0[0] - u0[n - 1]);
          for (int ix = 1; ix < n - 1; ++ix)
            r[sz(ix)] = gx[ix] * (u0[ix] - u0[ix + 1]) + gx[ix - 1] * (u0[ix] - u0[ix - 1]);
          r[sz(n - 1)] = gx[n - 1] * (u0[n - 1] - u0[0]) + gx[n - 2] * (u0[n - 1] - u0[n - 2]);
        }
        // The x line's equations divided by its y width and the row's depth:
        // the y and z terms scale with the column's x width.
        const int iys = (iy + n - 1) % n;
        const double wy = wd_[sz(iy)];
        const double iwy = inv_wd_[sz(iy)];
        const double* wx = wd_.data();
        for (const Run& run : runs_[sz(rc) * sz(n) + sz(iy)]) {
          const double gyn = iwy * gy_[sz(run.y) * sz(n) + sz(iy)];
          const double gys = iwy * gy_[sz(run.y) * sz(n) + sz(iys)];
          const Sz zo = sz(run.z) * sz(nz) + sz(iz);
          const double gzd = iz + 1 < nz ? ih * gz_[zo] : 0.0;
          const double gzu = iz > 0 ? ih * gz_[zo - 1] : 0.0;
          const double dzz = ih * dz_[zo];
          double* rr = r.data();
          for (int ix = run.x0; ix < run.x1; ++ix) {
            const double c = u0[ix];
            const double l = gyn * (c - un[ix]) + gys * (c - us[ix]) + gzd * (c - ud[ix]) +
                             gzu * (c - uu[ix]) + dzz * c;
            rr[ix] = -dt * (rr[ix] + wx[ix] * l);
          }
          double sc = 0;
          for (int ix = run.x0; ix < run.x1; ++ix)
            sc += u0[ix] * wx[ix];
          sc *= wy;
          s_clear += kc * sc;
          if (iz == nz - 1)
            s_sink += gs_[sz(run.z)] * sc;
          if (iz == 0 && donor_on) {
            const double gd = gd_[sz(run.z)];
            double sd = 0;
            for (int ix = run.x0; ix < run.x1; ++ix) {
              const double f = gd * (cd - u0[ix]) * wx[ix];
              rr[ix] += dt * ih * f;
              sd += f;
            }
            s_don += sd * wy;
          }
        }
        std::copy(r.begin(), r.end(), d_.begin() + static_cast<long>(base));
      }
      // The x lines of the plane, four at a time (independent recurrences
      // interleaved to hide the latency of each).
      int iy = 0;
      for (; iy + 4 <= n; iy += 4) {
        const int* xc = &xid_[sz(rc) * sz(n) + sz(iy)];
        solve_cyclic_lines<4>(n, xc, &d_[index(0, iy, iz)]);
      }
      for (; iy < n; ++iy) {
        const int* xc = &xid_[sz(rc) * sz(n) + sz(iy)];
        solve_cyclic_lines<1>(n, xc, &d_[index(0, iy, iz)]);
      }
      ex_clear_[sz(iz)] = s_clear;
      ex_sink_[sz(iz)] = s_sink;
      ex_donor_[sz(iz)] = s_don;
    }
  }
}

template <int L>
void Cell3d::solve_cyclic_lines(int n, const int* cls, double* x0) const {
  const double* m[L];
  const double* am[L];
  const double* cp[L];
  const double* zc[L];
  double* x[L];
  for (int l = 0; l < L; ++l) {
    const Sz o = sz(cls[l]) * sz(n);
    m[l] = &xm_[o];
    am[l] = &xam_[o];
    cp[l] = &xcp_[o];
    zc[l] = &xzc_[o];
    x[l] = x0 + sz(l) * sz(n);
  }
  for (int l = 0; l < L; ++l)
    x[l][0] *= m[l][0];
  for (int i = 1; i < n; ++i) {
    for (int l = 0; l < L; ++l)
      x[l][i] = x[l][i] * m[l][i] - am[l][i] * x[l][i - 1];
  }
  for (int i = n - 2; i >= 0; --i) {
    for (int l = 0; l < L; ++l)
      x[l][i] -= cp[l][i] * x[l][i + 1];
  }
  for (int l = 0; l < L; ++l) {
    const double sl = (x[l][0] + xal_[sz(cls[l])] * x[l][n - 1]) * xbe_[sz(cls[l])];
    for (int i = 0; i < n; ++i)
      x[l][i] -= sl * zc[l][i];
  }
}

// Stage 2: (C + w Ly) D2 = C D1, all y lines of a plane at once.
void Cell3d::stage_y() {
  const int n = n_;
  const int nz = nz_;
#pragma omp parallel if (parallel())
  {
    std::vector<double> s(sz(n));
#pragma omp for schedule(static)
    for (int iz = 0; iz < nz; ++iz) {
      const int rc = rc_[sz(iz)];
      const double cap = cap_[sz(iz)] / h_[sz(iz)];  // per unit depth
      double* p = &d_[index(0, 0, iz)];
      const auto& runs = yruns_[sz(rc)];
      for (int iy = 0; iy < n; ++iy) {
        double* row = p + sz(iy) * sz(n);
        const double* prev = row - n;
        const double capw = cap * wd_[sz(iy)];  // y line: divided by its x width and depth
        for (const Run& run : runs) {
          const Sz o = sz(run.y) * sz(n) + sz(iy);
          const double m = ym_[o] * capw;
          const double am = yam_[o];
          if (iy == 0) {
            for (int ix = run.x0; ix < run.x1; ++ix)
              row[ix] *= m;
          } else {
            for (int ix = run.x0; ix < run.x1; ++ix)
              row[ix] = row[ix] * m - am * prev[ix];
          }
        }
      }
      for (int iy = n - 2; iy >= 0; --iy) {
        double* row = p + sz(iy) * sz(n);
        const double* next = row + n;
        for (const Run& run : runs) {
          const double cp = ycp_[sz(run.y) * sz(n) + sz(iy)];
          for (int ix = run.x0; ix < run.x1; ++ix)
            row[ix] -= cp * next[ix];
        }
      }
      const double* last = p + sz(n - 1) * sz(n);
      for (const Run& run : runs) {
        const double al = yal_[sz(run.y)];
        const double be = ybe_[sz(run.y)];
        for (int ix = run.x0; ix < run.x1; ++ix)
          s[sz(ix)] = (p[ix] + al * last[ix]) * be;
      }
      for (int iy = 0; iy < n; ++iy) {
        double* row = p + sz(iy) * sz(n);
        for (const Run& run : runs) {
          const double zc = yzc_[sz(run.y) * sz(n) + sz(iy)];
          for (int ix = run.x0; ix < run.x1; ++ix)
            row[ix] -= s[sz(ix)] * zc;
        }
      }
    }
  }
}

// Stage 3: (C + w Lz) D = C D2 per column, the donor in the top row (an
// infinite donor as a diagonal term; a finite one as one more unknown coupled
// to every top cell, solved for between the sweeps); u += D on the way down.
void Cell3d::stage_z(double dt) {
  const int n = n_;
  const int nz = nz_;
  const double w = w_;
  const bool coupled = donor_attached_ && donor_.finite;
  const double* wx = wd_.data();
  // Bottom-up elimination of slab iy into dst (nz rows of n); returns
  // sum g_c y0_c over the slab's top row.
  auto eliminate = [&](int iy, double* dst, Sz row_stride) {
    const auto& runs = zruns_[sz(iy)];
    for (int iz = nz - 1; iz >= 0; --iz) {
      const double* src = &d_[index(0, iy, iz)];
      double* b = dst + sz(iz) * row_stride;
      const double* bb = iz + 1 < nz ? b + row_stride : b;
      const double cap = cap_[sz(iz)];
      for (const Run& run : runs) {
        const Sz o = sz(run.z) * sz(nz) + sz(iz);
        const double m = zm_[o] * cap;
        const double am = zam_[o];
        for (int ix = run.x0; ix < run.x1; ++ix)
          b[ix] = src[ix] * m - am * bb[ix];
      }
    }
    double s = 0;
    for (const Run& run : runs) {
      double sr = 0;
      for (int ix = run.x0; ix < run.x1; ++ix)
        sr += dst[ix] * wx[ix];
      s += gd_[sz(run.z)] * sr;
    }
    return s * wd_[sz(iy)];
  };
  // Top-down substitution with the donor increment dd; u += D.
  auto substitute = [&](int iy, double* src, Sz row_stride, double dd) {
    const auto& runs = zruns_[sz(iy)];
    double s_clear = 0, s_sink = 0, s_top = 0;
    bool ok = true;
    for (int iz = 0; iz < nz; ++iz) {
      double* b = src + sz(iz) * row_stride;
      const double* ba = iz > 0 ? b - row_stride : b;
      double* u = &u_[index(0, iy, iz)];
      double sum = 0;
      for (const Run& run : runs) {
        double sr = 0;
        if (iz == 0) {
          const double add = zp_[sz(run.z)] * dd;
          for (int ix = run.x0; ix < run.x1; ++ix) {
            b[ix] += add;
            u[ix] += b[ix];
            sr += b[ix] * wx[ix];
          }
          s_top += gd_[sz(run.z)] * sr;
        } else {
          const double cp = zcp_[sz(run.z) * sz(nz) + sz(iz)];
          for (int ix = run.x0; ix < run.x1; ++ix) {
            b[ix] -= cp * ba[ix];
            u[ix] += b[ix];
            sr += b[ix] * wx[ix];
          }
        }
        if (iz == nz - 1)
          s_sink += gs_[sz(run.z)] * sr;
        sum += sr;
      }
      s_clear += kclear_[sz(iz)] * sum;
      ok = ok && std::isfinite(sum);
    }
    const double wy = wd_[sz(iy)];
    im_clear_[sz(iy)] = w * s_clear * wy;
    im_sink_[sz(iy)] = w * s_sink * wy;
    im_top_[sz(iy)] = s_top * wy;
    bad_[sz(iy)] = ok ? 0 : 1;
  };
  double flux_e = 0;  // donor -> tissue in the explicit stage, per ref. area
  for (double v : ex_donor_)
    flux_e += v;
  flux_e *= dt / area_;
  double dd = 0;
  if (!coupled) {
#pragma omp parallel if (parallel())
    {
      std::vector<double> buf(sz(n) * sz(nz));
#pragma omp for schedule(static)
      for (int iy = 0; iy < n; ++iy) {
        eliminate(iy, buf.data(), sz(n));
        substitute(iy, buf.data(), sz(n), 0.0);
      }
    }
  } else {
    // In place in d_ (rows n*n apart), two passes around the donor unknown.
    const Sz plane = sz(n) * sz(n);
#pragma omp parallel for schedule(static) if (parallel())
    for (int iy = 0; iy < n; ++iy)
      im_top_[sz(iy)] = eliminate(iy, &d_[index(0, iy, 0)], plane);
    double gy0 = 0;
    for (double v : im_top_)
      gy0 += v;
    double gp = 0;  // sum a_c g_c (1 - p_c) over columns (a_c: column area)
    for (int iy = 0; iy < n; ++iy) {
      double gpy = 0;
      for (const Run& run : zruns_[sz(iy)]) {
        double wr = 0;
        for (int ix = run.x0; ix < run.x1; ++ix)
          wr += wx[ix];
        gpy += gd_[sz(run.z)] * (1.0 - zp_[sz(run.z)]) * wr;
      }
      gp += gpy * wd_[sz(iy)];
    }
    const double cdv = donor_.capacity;
    dd = (-flux_e + w / area_ * gy0) / (cdv + w / area_ * gp);
#pragma omp parallel for schedule(static) if (parallel())
    for (int iy = 0; iy < n; ++iy)
      substitute(iy, &d_[index(0, iy, 0)], plane, dd);
  }
  double top = 0;
  for (double v : im_top_)
    top += v;
  // Implicit part of the donor flux: w g (dd - D_top).
  const double into = donor_attached_ ? flux_e + w / area_ * (dd * gd_sum() - top) : 0.0;
  if (coupled)
    donor_u_ += dd;
  balance_.into_tissue += into;
  if (!donor_.finite)
    balance_.supplied += into;
}

double Cell3d::gd_sum() const {
  double s = 0;
  for (int iy = 0; iy < n_; ++iy) {
    double sy = 0;
    for (const Run& run : zruns_[sz(iy)]) {
      double wr = 0;
      for (int ix = run.x0; ix < run.x1; ++ix)
        wr += wd_[sz(ix)];
      sy += gd_[sz(run.z)] * wr;
    }
    s += sy * wd_[sz(iy)];
  }
  return s;
}

void Cell3d::step(double dt, double theta) {
  if (!(dt > 0) || theta < 0.5 || theta > 1.0)
    throw NumericalError("transport: bad time step or theta");
  const double w = theta * dt;
  if (dirty_ || w != w_)
    factor(w);
  stage_explicit_x(dt);
  stage_y();
  stage_z(dt);
  double ec = 0, es = 0, ic = 0, is = 0;
  for (double v : ex_clear_)
    ec += v;
  for (double v : ex_sink_)
    es += v;
  for (double v : im_clear_)
    ic += v;
  for (double v : im_sink_)
    is += v;
  balance_.cleared += (dt * ec + ic) / area_;
  balance_.to_sink += (dt * es + is) / area_;
  for (char b : bad_) {
    if (b != 0)
      throw NumericalError("transport: the solution is not finite");
  }
}

void Cell3d::cn_step(double dt, bool damped, int substeps) {
  if (!damped) {
    step(dt, 0.5);
    return;
  }
  for (int s = 0; s < substeps; ++s)
    step(dt / substeps, 1.0);
}

std::vector<double> Cell3d::row_concentration() const {
  const Sz plane = sz(n_) * sz(n_);
  std::vector<double> c(sz(nz_), 0.0);
#pragma omp parallel for schedule(static) if (parallel())
  for (int iz = 0; iz < nz_; ++iz) {
    double s = 0;
    const double* u = &u_[sz(iz) * plane];
    for (int iy = 0; iy < n_; ++iy) {
      double sy = 0;
      for (int ix = 0; ix < n_; ++ix)
        sy += u[sz(iy) * sz(n_) + sz(ix)] * wd_[sz(ix)];
      s += sy * wd_[sz(iy)];
    }
    c[sz(iz)] = s / area_ * cap_[sz(iz)] / h_[sz(iz)];
  }
  return c;
}

std::vector<double> Cell3d::amounts(int n_groups) const {
  const auto c = row_concentration();
  std::vector<double> a(sz(n_groups), 0.0);
  for (int iz = 0; iz < nz_; ++iz) {
    const int g = layer_[sz(iz)];
    if (g >= 0 && g < n_groups)
      a[sz(g)] += c[sz(iz)] * h_[sz(iz)];
  }
  return a;
}

double Cell3d::tissue_amount() const {
  const auto c = row_concentration();
  double s = 0;
  for (int iz = 0; iz < nz_; ++iz)
    s += c[sz(iz)] * h_[sz(iz)];
  return s;
}

double Cell3d::donor_amount() const {
  return donor_.finite ? donor_.capacity * donor_u_ : 0.0;
}

double Cell3d::out_rate() const {
  const auto c = row_concentration();
  double s = 0;
  for (int iz = 0; iz < nz_; ++iz)
    s += c[sz(iz)] * h_[sz(iz)] * (kclear_[sz(iz)] / cap_[sz(iz)]);
  if (sink_) {
    const double* u = &u_[index(0, 0, nz_ - 1)];
    double b = 0;
    for (int iy = 0; iy < n_; ++iy) {
      double by = 0;
      for (const Run& run : zruns_[sz(iy)]) {
        double sr = 0;
        for (int ix = run.x0; ix < run.x1; ++ix)
          sr += u[sz(iy) * sz(n_) + sz(ix)] * wd_[sz(ix)];
        by += gs_[sz(run.z)] * sr;
      }
      b += by * wd_[sz(iy)];
    }
    s += b / area_;
  }
  return s;
}

}  // namespace mnsim::transport
