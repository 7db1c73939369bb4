// Time to accuracy: mnsim's 3D Douglas ADI (Cell3d) against an unsplit
// implicit scheme (backward Euler start, then BDF2) whose linear systems are
// solved by hypre's structured multigrid (PCG + PFMG / SMG, or PFMG / SMG
// alone), on the same 7-point operator and the same grid (issue 12, item 2;
// docs/hypre-vs-adi.md). A measurement, not a solver mnsim ships.
//
// The cell is make_bench_cell's (dx 2 um; SC 16 um, VE 64 um, dermis to
// nz * 2 um; one channel of radius 30 um to 0.6 of the depth, open, f = 1)
// with an infinite donor. The operator is rebuilt from the Medium, the depth
// grid and Cell3d::channel_fraction with Cell3d's definitions (u = c/K,
// capacity h K per column area, harmonic face conductances of D K, clearance
// h K k, donor 2 D K / h_0 on the top row, perfect sink 2 D K / h below,
// periodic x and y).
//
// Modes (one MPI rank except `implicit`, which splits the grid in z):
//   check                      operator agreement: Cell3d's tendency
//                              (one theta = 1 step of tiny dt) vs hypre's matvec
//   ref --out F [--dt H]       reference at the horizon: ADI at H and H/2,
//                              Richardson-extrapolated (at H = 2 s 5.6e-5 off;
//                              the docs' reference is `implicit --dts 8 --out F`)
//   adi --ref F --dts a,b,..   ADI (damped start: 4 theta = 1 substeps, then
//                              theta = 1/2) at fixed steps, errors vs F
//   implicit --ref F --dts ..  BE start (4 substeps) + BDF2, hypre solves
//          [--solver pcg-pfmg|pcg-smg|pfmg|smg] [--tol T] [--out F2: the last
//          run written as a reference] [--start graded --h0 H]
//   (--ref none: timing only)
// Common: --n 64 --nz 100 --hours 2. The check mode sets the state with
// Cell3d::set_u.
// Example: OMP_NUM_THREADS=1 build/default/bench/mnsim_bench_hypre adi --ref /tmp/r.bin --dts 4,16
//          mpirun --allow-run-as-root -np 2 build/default/bench/mnsim_bench_hypre implicit ...
#include <HYPRE_struct_ls.h>
#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mnsim/core/units.hpp"
#include "mnsim/transport/cell3d.hpp"
#include "mnsim/transport/medium.hpp"

namespace {

using mnsim::transport::Cell3d;
using mnsim::transport::ChannelLayout;
using mnsim::transport::DepthGrid;
using mnsim::transport::Medium;
namespace units = mnsim::units;
using Sz = std::size_t;

Sz zu(int i) {
  return static_cast<Sz>(i);
}

constexpr int kLayers = 3;
constexpr double kOpenDk = 5e-10;   // D K of the open channel [m^2/s] (make_bench_cell)
constexpr double kDonorConc = 1e7;  // [ug/m^3]

struct Options {
  std::string mode;
  int n = 64;
  int nz = 100;
  double hours = 2;
  std::string ref;
  std::string out;
  double ref_dt = 0.5;
  std::vector<double> dts;
  std::string solver = "pcg-pfmg";
  double tol = 1e-11;
  int substeps = 4;
  int relax = 2;
  std::string start = "substeps";  // or "graded"
  double h0 = 1.0;                 // graded start: first step at most h0 [s]
};

// make_bench_cell's medium, with an infinite donor.
Medium bench_medium(int nz, double dx) {
  Medium m;
  const double total = nz * dx;
  m.layers.push_back({"stratum_corneum", 16 * units::kUm, 1e-14, 3.0, 0.0});
  m.layers.push_back({"viable_epidermis", 64 * units::kUm, 2e-10, 0.7, 0.0});
  m.layers.push_back({"dermis", total - 80 * units::kUm, 2e-10, 0.7, 1e-3});
  m.donor = {false, kDonorConc, 0.0};
  return m;
}

struct Setup {
  Medium m;
  DepthGrid g;
  ChannelLayout lay;
  double dx = 2 * units::kUm;
  std::unique_ptr<Cell3d> cell;
};

Setup make_setup(int n, int nz) {
  Setup s;
  s.m = bench_medium(nz, s.dx);
  s.g = mnsim::transport::make_depth_grid(s.m, s.dx);
  const double side = n * s.dx;
  const double total = nz * s.dx;
  s.lay = ChannelLayout{side, {{0.5 * side, 0.5 * side, 0.6 * total, 30 * units::kUm}}};
  s.cell = std::make_unique<Cell3d>(s.m, s.g, s.lay, s.dx, kOpenDk);
  s.cell->set_open_fraction(1.0);
  return s;
}

// The operator, as Cell3d::coefficients() defines it, per cell (x fastest).
struct Operator {
  int n = 0, nz = 0;
  double hx = 0;
  std::vector<double> h, cap, kclear;
  std::vector<int> layer;
  std::vector<double> gx, gy, gz;  // face to +x, +y, +z of each cell
  std::vector<double> gd, gs;      // per column: donor (top row), sink (bottom row)
  [[nodiscard]] Sz idx(int ix, int iy, int iz) const {
    return (zu(iz) * zu(n) + zu(iy)) * zu(n) + zu(ix);
  }
};

double harmonic_face(double area, double h1, double dk1, double h2, double dk2) {
  return area / (0.5 * h1 / dk1 + 0.5 * h2 / dk2);
}

Operator build_operator(const Setup& s, double f) {
  Operator op;
  const Cell3d& c = *s.cell;
  op.n = c.nx();
  op.nz = c.nz();
  op.hx = c.hx_m();
  const int n = op.n, nz = op.nz;
  std::vector<double> dkt(zu(nz));
  for (int iz = 0; iz < nz; ++iz) {
    const auto& l = s.m.layers[zu(s.g.layer[zu(iz)])];
    op.h.push_back(s.g.h_m[zu(iz)]);
    op.layer.push_back(s.g.layer[zu(iz)]);
    op.cap.push_back(s.g.h_m[zu(iz)] * l.partition);
    op.kclear.push_back(s.g.h_m[zu(iz)] * l.partition * l.clearance_per_s);
    dkt[zu(iz)] = l.diffusivity_m2_s * l.partition;
  }
  const Sz cells = zu(n) * zu(n) * zu(nz);
  std::vector<double> dk(cells);
  for (int iz = 0; iz < nz; ++iz)
    for (int iy = 0; iy < n; ++iy)
      for (int ix = 0; ix < n; ++ix) {
        const double t = dkt[zu(iz)];
        dk[op.idx(ix, iy, iz)] = t + c.channel_fraction(ix, iy, iz) * f * (kOpenDk - t);
      }
  op.gx.assign(cells, 0.0);
  op.gy.assign(cells, 0.0);
  op.gz.assign(cells, 0.0);
  const double hx = op.hx;
  for (int iz = 0; iz < nz; ++iz) {
    const double a = op.h[zu(iz)] / hx;
    for (int iy = 0; iy < n; ++iy)
      for (int ix = 0; ix < n; ++ix) {
        const Sz i = op.idx(ix, iy, iz);
        if (n > 1) {
          op.gx[i] = harmonic_face(a, hx, dk[i], hx, dk[op.idx((ix + 1) % n, iy, iz)]);
          op.gy[i] = harmonic_face(a, hx, dk[i], hx, dk[op.idx(ix, (iy + 1) % n, iz)]);
        }
        if (iz + 1 < nz)
          op.gz[i] =
              harmonic_face(1.0, op.h[zu(iz)], dk[i], op.h[zu(iz + 1)], dk[op.idx(ix, iy, iz + 1)]);
      }
  }
  op.gd.assign(zu(n) * zu(n), 0.0);
  op.gs.assign(zu(n) * zu(n), 0.0);
  for (Sz col = 0; col < zu(n) * zu(n); ++col) {
    op.gd[col] = 2.0 * dk[col] / op.h[0];
    op.gs[col] = 2.0 * dk[zu(nz - 1) * zu(n) * zu(n) + col] / op.h[zu(nz - 1)];
  }
  return op;
}

// Amount per reference area [ug/m^2] by layer, as Cell3d::amounts.
std::vector<double> layer_amounts(const Operator& op, const std::vector<double>& u) {
  std::vector<double> a(kLayers, 0.0);
  const Sz plane = zu(op.n) * zu(op.n);
  for (int iz = 0; iz < op.nz; ++iz) {
    double s = 0;
    for (Sz i = 0; i < plane; ++i)
      s += u[zu(iz) * plane + i];
    a[zu(op.layer[zu(iz)])] += s / static_cast<double>(plane) * op.cap[zu(iz)];
  }
  return a;
}

// ---------------------------------------------------------------------------
// Reference file: n, nz, horizon, dt; field; amounts per layer.

struct Reference {
  int n = 0, nz = 0;
  double horizon = 0, dt = 0;
  std::vector<double> u, amounts;
};

void write_reference(const std::string& path, const Reference& r) {
  std::ofstream f(path, std::ios::binary);
  const double hdr[4] = {static_cast<double>(r.n), static_cast<double>(r.nz), r.horizon, r.dt};
  f.write(reinterpret_cast<const char*>(hdr), sizeof hdr);
  f.write(reinterpret_cast<const char*>(r.u.data()), static_cast<long>(r.u.size() * 8));
  f.write(reinterpret_cast<const char*>(r.amounts.data()), static_cast<long>(r.amounts.size() * 8));
}

Reference read_reference(const std::string& path, const Options& o) {
  if (path == "none")
    return {};
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot read reference %s (make it with the ref mode)\n", path.c_str());
    std::exit(2);
  }
  double hdr[4];
  f.read(reinterpret_cast<char*>(hdr), sizeof hdr);
  Reference r;
  r.n = static_cast<int>(hdr[0]);
  r.nz = static_cast<int>(hdr[1]);
  r.horizon = hdr[2];
  r.dt = hdr[3];
  if (r.n != o.n || r.nz != o.nz || std::abs(r.horizon - o.hours * units::kHour) > 1e-9) {
    std::fprintf(stderr, "reference %s is for another grid or horizon\n", path.c_str());
    std::exit(2);
  }
  r.u.resize(zu(r.n) * zu(r.n) * zu(r.nz));
  r.amounts.resize(kLayers);
  f.read(reinterpret_cast<char*>(r.u.data()), static_cast<long>(r.u.size() * 8));
  f.read(reinterpret_cast<char*>(r.amounts.data()), static_cast<long>(r.amounts.size() * 8));
  return r;
}

struct Errors {
  double field = 0;   // relative L2 of u
  double amount = 0;  // max over layers of the relative amount error
  std::vector<double> per_layer;
};

Errors errors(const std::vector<double>& u, const std::vector<double>& amounts,
              const Reference& r) {
  Errors e;
  if (r.u.empty()) {  // no reference (--ref none): timing and iterations only
    e.field = e.amount = std::nan("");
    e.per_layer.assign(kLayers, std::nan(""));
    return e;
  }
  double num = 0, den = 0;
  for (Sz i = 0; i < u.size(); ++i) {
    num += (u[i] - r.u[i]) * (u[i] - r.u[i]);
    den += r.u[i] * r.u[i];
  }
  e.field = std::sqrt(num / den);
  for (int l = 0; l < kLayers; ++l) {
    const double el = std::abs(amounts[zu(l)] - r.amounts[zu(l)]) / std::abs(r.amounts[zu(l)]);
    e.per_layer.push_back(el);
    e.amount = std::max(e.amount, el);
  }
  return e;
}

// Peak resident set of this process [MB].
double max_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

double horizon_s(const Options& o) {
  return o.hours * units::kHour;
}

// Whole steps of dt that fit in the horizon; a shorter last step (see
// `schedule`) ends every run exactly at the horizon.
long steps_for(const Options& o, double dt) {
  return static_cast<long>(std::floor(horizon_s(o) / dt * (1 + 1e-12)));
}

// The steps covering the first interval [0, dt]: {dt} (start "substeps"),
// or graded: h0, h0, 2 h0, ..., dt / 2 with h0 = dt / 2^k <= the requested h0
// (start "graded"). The first entry is taken by `substeps` damped (backward
// Euler / theta = 1) substeps; the rest by the second-order scheme.
std::vector<double> first_interval(const Options& o, double dt) {
  if (o.start != "graded" || dt <= o.h0)
    return {dt};
  int k = 0;
  while (dt / std::ldexp(1.0, k) > o.h0 * (1 + 1e-12))
    ++k;
  const double h0 = dt / std::ldexp(1.0, k);
  std::vector<double> hs = {h0};
  for (int j = 0; j < k; ++j)
    hs.push_back(h0 * std::ldexp(1.0, j));
  return hs;
}

// Every step after the damped first one: the rest of the first interval,
// dt to the horizon, and the remainder (when dt does not divide it).
std::vector<double> schedule(const Options& o, double dt, const std::vector<double>& first) {
  std::vector<double> hs(first.begin() + 1, first.end());
  const long steps = steps_for(o, dt);
  for (long k = 1; k < steps; ++k)
    hs.push_back(dt);
  const double rest = horizon_s(o) - static_cast<double>(steps) * dt;
  if (rest > 1e-9 * dt)
    hs.push_back(rest);
  return hs;
}

// ---------------------------------------------------------------------------
// ADI.

struct AdiRun {
  std::vector<double> u, amounts;
  double wall = 0, cpu = 0, balance = 0;
  long steps = 0;  // Douglas steps taken
};

AdiRun run_adi(const Options& o, double dt) {
  Setup s = make_setup(o.n, o.nz);
  Cell3d& c = *s.cell;
  const std::clock_t c0 = std::clock();
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<double> first = first_interval(o, dt);
  const std::vector<double> hs = schedule(o, dt, first);
  c.cn_step(first[0], true, o.substeps);
  for (double h : hs)
    c.step(h, 0.5);
  const long taken = o.substeps + static_cast<long>(hs.size());
  const auto t1 = std::chrono::steady_clock::now();
  AdiRun r;
  r.wall = std::chrono::duration<double>(t1 - t0).count();
  r.cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  r.steps = taken;
  r.u = c.u();
  r.amounts = c.amounts(kLayers);
  const auto& b = c.balance();
  const double tissue = c.tissue_amount();
  r.balance = std::abs(tissue - (b.into_tissue - b.to_sink - b.cleared)) / tissue;
  return r;
}

void mode_ref(const Options& o) {
  const double h = o.ref_dt;
  std::printf("reference: ADI theta 1/2 at dt = %g s and %g s, Richardson (4 u_h/2 - u_h)/3\n", h,
              h / 2);
  const AdiRun a = run_adi(o, h);
  std::printf("  dt %g: %.1f s wall, balance %.2e\n", h, a.wall, a.balance);
  std::fflush(stdout);
  const AdiRun b = run_adi(o, h / 2);
  std::printf("  dt %g: %.1f s wall, balance %.2e\n", h / 2, b.wall, b.balance);
  Reference r;
  r.n = o.n;
  r.nz = o.nz;
  r.horizon = horizon_s(o);
  r.dt = h / 2;
  r.u.resize(a.u.size());
  for (Sz i = 0; i < a.u.size(); ++i)
    r.u[i] = (4 * b.u[i] - a.u[i]) / 3;
  for (int l = 0; l < kLayers; ++l)
    r.amounts.push_back((4 * b.amounts[zu(l)] - a.amounts[zu(l)]) / 3);
  // The reference's own error estimate: the half step's distance to it.
  const Errors eb = errors(b.u, b.amounts, r);
  const Errors ea = errors(a.u, a.amounts, r);
  std::printf("  dt %g vs reference: field %.2e, amounts %.2e; dt %g: field %.2e, amounts %.2e\n",
              h, ea.field, ea.amount, h / 2, eb.field, eb.amount);
  std::printf("  amounts [ug/cm^2]: SC %.6e VE %.6e dermis %.6e\n", r.amounts[0] * units::kCm2,
              r.amounts[1] * units::kCm2, r.amounts[2] * units::kCm2);
  write_reference(o.out, r);
}

void print_header(const char* method) {
  std::printf("%-10s %8s %7s %9s %9s %9s %9s %9s %9s %9s %9s\n", method, "dt_s", "steps", "wall_s",
              "cpu_s", "err_L2", "err_amt", "err_SC", "err_VE", "err_derm", "iter/slv");
}

void mode_adi(const Options& o) {
  const Reference ref = read_reference(o.ref, o);
  std::printf(
      "ADI (Douglas, start %s (h0 %g s), %d theta=1 substeps on the first, then theta=1/2), %d x "
      "%d x %d\n",
      o.start.c_str(), o.h0, o.substeps, o.n, o.n, o.nz);
  print_header("adi");
  for (double dt : o.dts) {
    const AdiRun a = run_adi(o, dt);
    const Errors e = errors(a.u, a.amounts, ref);
    std::printf(
        "%-10s %8g %7ld %9.3f %9.3f %9.2e %9.2e %9.2e %9.2e %9.2e %9s  balance %.1e, rss %.0f MB\n",
        "adi", dt, a.steps, a.wall, a.cpu, e.field, e.amount, e.per_layer[0], e.per_layer[1],
        e.per_layer[2], "-", a.balance, max_rss_mb());
    std::fflush(stdout);
  }
}

// ---------------------------------------------------------------------------
// hypre.

class StructSolver {
 public:
  StructSolver(MPI_Comm comm, const std::string& kind, double tol, int relax)
      : comm_(comm), kind_(kind), tol_(tol), relax_(relax) {}
  StructSolver(const StructSolver&) = delete;
  StructSolver& operator=(const StructSolver&) = delete;
  ~StructSolver() { destroy(); }

  void setup(HYPRE_StructMatrix A, HYPRE_StructVector b, HYPRE_StructVector x) {
    destroy();
    if (kind_ == "pcg-pfmg" || kind_ == "pcg-smg") {
      HYPRE_StructPCGCreate(comm_, &s_);
      HYPRE_StructPCGSetMaxIter(s_, 500);
      HYPRE_StructPCGSetTol(s_, tol_);
      HYPRE_StructPCGSetTwoNorm(s_, 1);
      HYPRE_StructPCGSetRelChange(s_, 0);
      if (kind_ == "pcg-pfmg") {
        HYPRE_StructPFMGCreate(comm_, &pre_);
        pfmg_options(pre_);
        HYPRE_StructPFMGSetMaxIter(pre_, 1);
        HYPRE_StructPFMGSetTol(pre_, 0.0);
        HYPRE_StructPFMGSetZeroGuess(pre_);
        HYPRE_StructPCGSetPrecond(s_, HYPRE_StructPFMGSolve, HYPRE_StructPFMGSetup, pre_);
      } else {
        HYPRE_StructSMGCreate(comm_, &pre_);
        HYPRE_StructSMGSetMemoryUse(pre_, 0);
        HYPRE_StructSMGSetMaxIter(pre_, 1);
        HYPRE_StructSMGSetTol(pre_, 0.0);
        HYPRE_StructSMGSetZeroGuess(pre_);
        HYPRE_StructSMGSetNumPreRelax(pre_, 1);
        HYPRE_StructSMGSetNumPostRelax(pre_, 1);
        HYPRE_StructPCGSetPrecond(s_, HYPRE_StructSMGSolve, HYPRE_StructSMGSetup, pre_);
      }
      HYPRE_StructPCGSetup(s_, A, b, x);
    } else if (kind_ == "pfmg") {
      HYPRE_StructPFMGCreate(comm_, &s_);
      pfmg_options(s_);
      HYPRE_StructPFMGSetMaxIter(s_, 500);
      HYPRE_StructPFMGSetTol(s_, tol_);
      HYPRE_StructPFMGSetRelChange(s_, 0);
      HYPRE_StructPFMGSetup(s_, A, b, x);
    } else if (kind_ == "smg") {
      HYPRE_StructSMGCreate(comm_, &s_);
      HYPRE_StructSMGSetMemoryUse(s_, 0);
      HYPRE_StructSMGSetMaxIter(s_, 500);
      HYPRE_StructSMGSetTol(s_, tol_);
      HYPRE_StructSMGSetRelChange(s_, 0);
      HYPRE_StructSMGSetNumPreRelax(s_, 1);
      HYPRE_StructSMGSetNumPostRelax(s_, 1);
      HYPRE_StructSMGSetup(s_, A, b, x);
    } else {
      std::fprintf(stderr, "unknown solver %s (pcg-pfmg, pcg-smg, pfmg, smg)\n", kind_.c_str());
      std::exit(2);
    }
  }

  // Returns the iterations.
  int solve(HYPRE_StructMatrix A, HYPRE_StructVector b, HYPRE_StructVector x) {
    HYPRE_Int it = 0;
    if (kind_ == "pcg-pfmg" || kind_ == "pcg-smg") {
      HYPRE_StructPCGSolve(s_, A, b, x);
      HYPRE_StructPCGGetNumIterations(s_, &it);
    } else if (kind_ == "pfmg") {
      HYPRE_StructPFMGSolve(s_, A, b, x);
      HYPRE_StructPFMGGetNumIterations(s_, &it);
    } else {
      HYPRE_StructSMGSolve(s_, A, b, x);
      HYPRE_StructSMGGetNumIterations(s_, &it);
    }
    return static_cast<int>(it);
  }

 private:
  void pfmg_options(HYPRE_StructSolver p) const {
    HYPRE_StructPFMGSetRelaxType(p, relax_);
    HYPRE_StructPFMGSetRAPType(p, 0);
    HYPRE_StructPFMGSetNumPreRelax(p, 1);
    HYPRE_StructPFMGSetNumPostRelax(p, 1);
  }
  void destroy() {
    if (s_ == nullptr)
      return;
    if (kind_ == "pcg-pfmg" || kind_ == "pcg-smg") {
      HYPRE_StructPCGDestroy(s_);
      if (kind_ == "pcg-pfmg")
        HYPRE_StructPFMGDestroy(pre_);
      else
        HYPRE_StructSMGDestroy(pre_);
    } else if (kind_ == "pfmg") {
      HYPRE_StructPFMGDestroy(s_);
    } else {
      HYPRE_StructSMGDestroy(s_);
    }
    s_ = nullptr;
    pre_ = nullptr;
  }

  MPI_Comm comm_;
  std::string kind_;
  double tol_;
  int relax_;
  HYPRE_StructSolver s_ = nullptr;
  HYPRE_StructSolver pre_ = nullptr;
};

// This rank's slab of planes [z0, z1) and the hypre grid, stencil, matrix and
// vectors on it.
class HypreSystem {
 public:
  HypreSystem(MPI_Comm comm, const Operator& op) : comm_(comm), op_(op) {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    z0_ = static_cast<int>(static_cast<long>(op.nz) * rank / size);
    z1_ = static_cast<int>(static_cast<long>(op.nz) * (rank + 1) / size);
    lo_[0] = 0;
    lo_[1] = 0;
    lo_[2] = z0_;
    hi_[0] = op.n - 1;
    hi_[1] = op.n - 1;
    hi_[2] = z1_ - 1;
    HYPRE_StructGridCreate(comm, 3, &grid_);
    HYPRE_StructGridSetExtents(grid_, lo_, hi_);
    HYPRE_Int periodic[3] = {op.n, op.n, 0};
    HYPRE_StructGridSetPeriodic(grid_, periodic);
    HYPRE_StructGridAssemble(grid_);
    // Symmetric storage: the centre and the lower half (-x, -y, -z).
    HYPRE_StructStencilCreate(3, 4, &stencil_);
    HYPRE_Int off[4][3] = {{0, 0, 0}, {-1, 0, 0}, {0, -1, 0}, {0, 0, -1}};
    for (int e = 0; e < 4; ++e)
      HYPRE_StructStencilSetElement(stencil_, e, off[e]);
    HYPRE_StructVectorCreate(comm, grid_, &b_);
    HYPRE_StructVectorInitialize(b_);
    HYPRE_StructVectorCreate(comm, grid_, &x_);
    HYPRE_StructVectorInitialize(x_);
  }
  HypreSystem(const HypreSystem&) = delete;
  HypreSystem& operator=(const HypreSystem&) = delete;
  ~HypreSystem() {
    if (A_ != nullptr)
      HYPRE_StructMatrixDestroy(A_);
    HYPRE_StructVectorDestroy(b_);
    HYPRE_StructVectorDestroy(x_);
    HYPRE_StructStencilDestroy(stencil_);
    HYPRE_StructGridDestroy(grid_);
  }

  [[nodiscard]] Sz local_size() const { return zu(op_.n) * zu(op_.n) * zu(z1_ - z0_); }
  [[nodiscard]] Sz offset() const { return zu(op_.n) * zu(op_.n) * zu(z0_); }
  [[nodiscard]] int z0() const { return z0_; }
  [[nodiscard]] int z1() const { return z1_; }

  // A = a C + dt L (L: conduction, clearance, donor and sink couplings).
  void assemble(double a, double dt) {
    if (A_ != nullptr)
      HYPRE_StructMatrixDestroy(A_);
    HYPRE_StructMatrixCreate(comm_, grid_, stencil_, &A_);
    HYPRE_StructMatrixSetSymmetric(A_, 1);
    HYPRE_StructMatrixInitialize(A_);
    const int n = op_.n, nz = op_.nz;
    std::vector<double> v(local_size() * 4);
    Sz k = 0;
    for (int iz = z0_; iz < z1_; ++iz)
      for (int iy = 0; iy < n; ++iy)
        for (int ix = 0; ix < n; ++ix, ++k) {
          const Sz i = op_.idx(ix, iy, iz);
          const double gw = op_.gx[op_.idx((ix + n - 1) % n, iy, iz)];
          const double ge = op_.gx[i];
          const double gsouth = op_.gy[op_.idx(ix, (iy + n - 1) % n, iz)];
          const double gn = op_.gy[i];
          const double gu = iz > 0 ? op_.gz[op_.idx(ix, iy, iz - 1)] : 0.0;
          const double gl = op_.gz[i];
          double diag = gw + ge + gsouth + gn + gu + gl + op_.kclear[zu(iz)];
          const Sz col = zu(iy) * zu(n) + zu(ix);
          if (iz == 0)
            diag += op_.gd[col];
          if (iz == nz - 1)
            diag += op_.gs[col];
          v[4 * k] = a * op_.cap[zu(iz)] + dt * diag;
          v[4 * k + 1] = -dt * gw;
          v[4 * k + 2] = -dt * gsouth;
          v[4 * k + 3] = -dt * gu;
        }
    HYPRE_Int entries[4] = {0, 1, 2, 3};
    HYPRE_StructMatrixSetBoxValues(A_, lo_, hi_, 4, entries, v.data());
    HYPRE_StructMatrixAssemble(A_);
  }

  void set_b(std::vector<double>& b) {
    HYPRE_StructVectorSetBoxValues(b_, lo_, hi_, b.data());
    HYPRE_StructVectorAssemble(b_);
  }
  void set_x(std::vector<double>& x) {
    HYPRE_StructVectorSetBoxValues(x_, lo_, hi_, x.data());
    HYPRE_StructVectorAssemble(x_);
  }
  void get_x(std::vector<double>& x) {
    x.resize(local_size());
    HYPRE_StructVectorGetBoxValues(x_, lo_, hi_, x.data());
  }
  // y = A x.
  void matvec(std::vector<double>& x, std::vector<double>& y) {
    set_x(x);
    HYPRE_StructMatrixMatvec(1.0, A_, x_, 0.0, b_);
    y.resize(local_size());
    HYPRE_StructVectorGetBoxValues(b_, lo_, hi_, y.data());
  }
  [[nodiscard]] HYPRE_StructMatrix A() const { return A_; }
  [[nodiscard]] HYPRE_StructVector b() const { return b_; }
  [[nodiscard]] HYPRE_StructVector x() const { return x_; }

 private:
  MPI_Comm comm_;
  const Operator& op_;
  int z0_ = 0, z1_ = 0;
  HYPRE_Int lo_[3] = {0, 0, 0}, hi_[3] = {0, 0, 0};
  HYPRE_StructGrid grid_ = nullptr;
  HYPRE_StructStencil stencil_ = nullptr;
  HYPRE_StructMatrix A_ = nullptr;
  HYPRE_StructVector b_ = nullptr, x_ = nullptr;
};

// Global mass sum C u and flux F(u) = donor in - cleared - to sink, per
// reference area, for the local slab (summed over ranks).
struct MassFlux {
  double mass = 0, flux = 0;
};

MassFlux mass_flux(MPI_Comm comm, const Operator& op, const HypreSystem& sys,
                   const std::vector<double>& u) {
  const Sz plane = zu(op.n) * zu(op.n);
  double loc[2] = {0, 0};
  for (int iz = sys.z0(); iz < sys.z1(); ++iz) {
    const double* p = &u[zu(iz - sys.z0()) * plane];
    double s = 0;
    for (Sz i = 0; i < plane; ++i)
      s += p[i];
    loc[0] += op.cap[zu(iz)] * s;
    loc[1] -= op.kclear[zu(iz)] * s;
    if (iz == 0)
      for (Sz i = 0; i < plane; ++i)
        loc[1] += op.gd[i] * (kDonorConc - p[i]);
    if (iz == op.nz - 1)
      for (Sz i = 0; i < plane; ++i)
        loc[1] -= op.gs[i] * p[i];
  }
  double glob[2];
  MPI_Allreduce(loc, glob, 2, MPI_DOUBLE, MPI_SUM, comm);
  const double ncol = static_cast<double>(plane);
  return {glob[0] / ncol, glob[1] / ncol};
}

struct ImplicitRun {
  std::vector<double> u;  // on rank 0: the whole field
  long solves = 0;
  double wall = 0, cpu = 0, balance = 0, iters = 0, rss = 0;  // rss: all ranks [MB]
  int max_iters = 0;
};

ImplicitRun run_implicit(MPI_Comm comm, const Options& o, const Operator& op, double dt) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  const std::clock_t c0 = std::clock();
  HypreSystem sys(comm, op);
  StructSolver solver(comm, o.solver, o.tol, o.relax);
  const Sz nloc = sys.local_size();
  const Sz plane = zu(op.n) * zu(op.n);
  std::vector<double> u_prev(nloc, 0.0), u(nloc, 0.0), b(nloc), x(nloc);
  // Capacity and the donor source per local cell.
  std::vector<double> cap(nloc), src(nloc, 0.0);
  for (int iz = sys.z0(); iz < sys.z1(); ++iz)
    for (Sz i = 0; i < plane; ++i) {
      const Sz k = zu(iz - sys.z0()) * plane + i;
      cap[k] = op.cap[zu(iz)];
      if (iz == 0)
        src[k] = op.gd[i] * kDonorConc;
    }
  long solves = 0, iters = 0;
  int max_it = 0;
  double defect = 0;  // stored change minus the integrated flux, per reference area
  // The step list: `substeps` backward Euler substeps over first[0], then
  // variable-step BDF2 over the rest of the first interval and at dt to the
  // horizon. BDF2 of step h after a step hp (w = h / hp):
  //   a0 u+ + a1 u + a2 u- = h C^-1 (-L u+ + s),
  //   a0 = (1 + 2w) / (1 + w), a1 = -(1 + w), a2 = w^2 / (1 + w).
  const std::vector<double> first = first_interval(o, dt);
  const std::vector<double> hs = schedule(o, dt, first);
  double a_set = -1, h_set = -1;
  auto prepare = [&](double a, double hh) {
    if (a == a_set && hh == h_set)
      return;
    sys.assemble(a, hh);
    sys.set_b(b);
    sys.set_x(u);
    solver.setup(sys.A(), sys.b(), sys.x());
    a_set = a;
    h_set = hh;
  };
  auto solve = [&]() {
    sys.set_b(b);
    sys.set_x(x);
    const int it = solver.solve(sys.A(), sys.b(), sys.x());
    iters += it;
    max_it = std::max(max_it, it);
    ++solves;
  };
  // Per step, the scheme's own mass identity a0 M+ + a1 M + a2 M- = h F+;
  // `defect` sums its failure (the residuals of the linear solves).
  double m_prev = mass_flux(comm, op, sys, u).mass, m_cur = m_prev;
  const double h1 = first[0] / o.substeps;
  for (int j = 0; j < o.substeps; ++j) {
    prepare(1.0, h1);
    for (Sz i = 0; i < nloc; ++i) {
      b[i] = cap[i] * u[i] + h1 * src[i];
      x[i] = u[i];
    }
    solve();
    sys.get_x(u);
    const MassFlux mf = mass_flux(comm, op, sys, u);
    defect += (mf.mass - m_cur) - h1 * mf.flux;
    m_cur = mf.mass;
  }
  // The BDF2 history: u(t - hp) with hp = first[0] (u(0) = 0).
  std::fill(u_prev.begin(), u_prev.end(), 0.0);
  double hp = first[0];
  for (double hh : hs) {
    const double w = hh / hp;
    const double a0 = (1 + 2 * w) / (1 + w), a1 = -(1 + w), a2 = w * w / (1 + w);
    prepare(a0, hh);
    for (Sz i = 0; i < nloc; ++i) {
      b[i] = cap[i] * (-a1 * u[i] - a2 * u_prev[i]) + hh * src[i];
      x[i] = u[i] + w * (u[i] - u_prev[i]);
    }
    solve();
    u_prev.swap(u);
    sys.get_x(u);
    const MassFlux mf = mass_flux(comm, op, sys, u);
    defect += a0 * mf.mass + a1 * m_cur + a2 * m_prev - hh * mf.flux;
    m_prev = m_cur;
    m_cur = mf.mass;
    hp = hh;
  }
  const double m_end = m_cur;
  MPI_Barrier(comm);
  ImplicitRun r;
  r.wall = MPI_Wtime() - t0;
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  MPI_Reduce(&cpu, &r.cpu, 1, MPI_DOUBLE, MPI_SUM, 0, comm);
  const double rss = max_rss_mb();
  MPI_Reduce(&rss, &r.rss, 1, MPI_DOUBLE, MPI_SUM, 0, comm);
  r.balance = std::abs(defect) / m_end;
  r.iters = static_cast<double>(iters) / static_cast<double>(solves);
  r.solves = solves;
  r.max_iters = max_it;
  // Gather the field on rank 0 (slabs in z order).
  std::vector<int> counts(zu(size)), displs(zu(size));
  const int mine = static_cast<int>(nloc);
  MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  for (int p = 1; p < size; ++p)
    displs[zu(p)] = displs[zu(p - 1)] + counts[zu(p - 1)];
  if (rank == 0)
    r.u.resize(plane * zu(op.nz));
  MPI_Gatherv(u.data(), mine, MPI_DOUBLE, r.u.data(), counts.data(), displs.data(), MPI_DOUBLE, 0,
              comm);
  return r;
}

void mode_implicit(MPI_Comm comm, const Options& o) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const Setup s = make_setup(o.n, o.nz);
  const Operator op = build_operator(s, 1.0);
  Reference ref;
  if (rank == 0) {
    ref = read_reference(o.ref, o);
    std::printf(
        "implicit: start %s (h0 %g s), %d backward Euler substeps, then BDF2; hypre %s (tol %.0e, "
        "relax %d), %d MPI "
        "rank(s), %d x %d x %d\n",
        o.start.c_str(), o.h0, o.substeps, o.solver.c_str(), o.tol, o.relax, size, o.n, o.n, o.nz);
    print_header("implicit");
  }
  for (double dt : o.dts) {
    const ImplicitRun r = run_implicit(comm, o, op, dt);
    if (rank == 0) {
      const Errors e = errors(r.u, layer_amounts(op, r.u), ref);
      std::printf(
          "%-10s %8g %7ld %9.3f %9.3f %9.2e %9.2e %9.2e %9.2e %9.2e %9.1f  max %d, balance %.1e, "
          "rss %.0f MB\n",
          o.solver.c_str(), dt, r.solves, r.wall, r.cpu, e.field, e.amount, e.per_layer[0],
          e.per_layer[1], e.per_layer[2], r.iters, r.max_iters, r.balance, r.rss);
      std::fflush(stdout);
      if (!o.out.empty()) {  // this run as a reference (the last dt listed wins)
        Reference out;
        out.n = o.n;
        out.nz = o.nz;
        out.horizon = horizon_s(o);
        out.dt = dt;
        out.u = r.u;
        out.amounts = layer_amounts(op, r.u);
        write_reference(o.out, out);
      }
    }
  }
}

// Operator agreement: from a random state u0, Cell3d's increment of one
// theta = 1 step of tiny dt, divided by dt, against C^-1 (-L u0 + s) from the
// hypre matrix (a = 0, dt = 1: A = L). The two differ by O(dt).
void mode_check(MPI_Comm comm, const Options& o) {
  Setup s = make_setup(o.n, o.nz);
  const Operator op = build_operator(s, 1.0);
  HypreSystem sys(comm, op);
  sys.assemble(0.0, 1.0);
  const Sz n = sys.local_size();
  const Sz plane = zu(op.n) * zu(op.n);
  std::vector<double> u0(n);
  unsigned long long state = 12345;
  for (double& v : u0) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    v = kDonorConc * static_cast<double>(state >> 11) / 9007199254740992.0;
  }
  std::vector<double> lu;
  std::vector<double> u0c = u0;
  sys.matvec(u0c, lu);
  std::vector<double> th(n);
  for (Sz k = 0; k < n; ++k) {
    const Sz iz = k / plane;
    const double src = iz == 0 ? op.gd[k % plane] * kDonorConc : 0.0;
    th[k] = (-lu[k] + src) / op.cap[iz];
  }
  std::printf("operator check, %d x %d x %d: tendency of Cell3d::step(dt, 1) vs hypre matvec\n",
              op.n, op.n, op.nz);
  std::printf("%10s %12s %12s\n", "dt_s", "rel_L2_diff", "max_rel_diff");
  for (double dt : {1e-6, 1e-7, 1e-8, 1e-9}) {
    s.cell->set_u(u0);
    s.cell->step(dt, 1.0);
    const auto& u1 = s.cell->u();
    double num = 0, den = 0, mx = 0, scale = 0;
    for (Sz k = 0; k < n; ++k)
      scale = std::max(scale, std::abs(th[k]));
    for (Sz k = 0; k < n; ++k) {
      const double ta = (u1[k] - u0[k]) / dt;
      num += (ta - th[k]) * (ta - th[k]);
      den += th[k] * th[k];
      mx = std::max(mx, std::abs(ta - th[k]) / scale);
    }
    std::printf("%10.0e %12.3e %12.3e\n", dt, std::sqrt(num / den), mx);
  }
}

std::vector<double> parse_list(const std::string& s) {
  std::vector<double> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    v.push_back(std::stod(item));
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  if (argc < 2) {
    std::fprintf(stderr, "usage: mnsim_bench_hypre check|ref|adi|implicit [options]\n");
    std::exit(2);
  }
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--n")
      o.n = std::stoi(v);
    else if (k == "--nz")
      o.nz = std::stoi(v);
    else if (k == "--hours")
      o.hours = std::stod(v);
    else if (k == "--ref")
      o.ref = v;
    else if (k == "--out")
      o.out = v;
    else if (k == "--dt")
      o.ref_dt = std::stod(v);
    else if (k == "--dts")
      o.dts = parse_list(v);
    else if (k == "--solver")
      o.solver = v;
    else if (k == "--tol")
      o.tol = std::stod(v);
    else if (k == "--substeps")
      o.substeps = std::stoi(v);
    else if (k == "--relax")
      o.relax = std::stoi(v);
    else if (k == "--start")
      o.start = v;
    else if (k == "--h0")
      o.h0 = std::stod(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const Options o = parse(argc, argv);
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (o.mode != "implicit" && size != 1) {
    std::fprintf(stderr, "mode %s runs on one MPI rank\n", o.mode.c_str());
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  if (o.mode == "check")
    mode_check(MPI_COMM_WORLD, o);
  else if (o.mode == "ref")
    mode_ref(o);
  else if (o.mode == "adi")
    mode_adi(o);
  else if (o.mode == "implicit")
    mode_implicit(MPI_COMM_WORLD, o);
  else
    std::fprintf(stderr, "unknown mode %s\n", o.mode.c_str());
  MPI_Finalize();
  return 0;
}
