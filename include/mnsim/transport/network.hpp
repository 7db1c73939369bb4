// The transport operator and its time integrator, kept apart (MFEM style).
//
// Every transport solver of mnsim (1D layers, r-z cell, 3D cell) is a
// finite-volume discretisation of
//     d(K c')/dt = div(D K grad c') - k K c',      c' = c/K
// written on the "vehicle-equivalent" concentration u = c/K, which is
// continuous across a layer interface with a partition jump (the partition K
// is layer/vehicle). A control volume i holds the amount capacity_i * u_i per
// reference area; two volumes i, j exchange g_ij (u_i - u_j) per unit time,
// with g_ij = A_f / (h_i/(2 D_i K_i) + h_j/(2 D_j K_j)) (harmonic mean of the
// two half-cell resistances: flux continuity and c/K continuity at the face).
// So the semi-discrete system is C du/dt = -L u + s, with C diagonal and L
// symmetric positive semi-definite: a `Network`.
//
// `ThetaIntegrator` advances any Network with the theta scheme
//     (C + theta dt L) u1 = (C - (1-theta) dt L) u0 + dt s,
// Crank-Nicolson (theta = 1/2) after a damped start of backward-Euler
// substeps (Rannacher), and accumulates every boundary flux with the same
// weights, so the mass balance closes to round-off.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace mnsim::transport {

// One control-volume network. All quantities are per reference area A_ref
// (the cell's surface area), so amounts come out per m^2 of skin.
struct Network {
  struct Edge {
    int i = 0;
    int j = 0;
    double g = 0;  // conductance per reference area [m/s]
  };
  std::vector<double> capacity;   // V_i K_i / A_ref [m]
  std::vector<double> clearance;  // k_i V_i K_i / A_ref [m/s]
  std::vector<double> to_donor;   // conductance to the donor [m/s]
  std::vector<double> to_sink;    // conductance to the perfect sink (u = 0) [m/s]
  std::vector<int> group;         // reporting group of each node (layer index)
  std::vector<Edge> edges;

  [[nodiscard]] std::size_t size() const { return capacity.size(); }
  // Adds a node; returns its index.
  int add_node(double cap, double clear, int grp);
  void connect(int i, int j, double g) { edges.push_back({i, j, g}); }
  // Structural checks (sizes, signs, finite); throws NumericalError.
  void check() const;
};

// Conductance between two half cells of lengths h1, h2 with D*K products
// dk1, dk2 across a face of area a (per reference area).
double face_conductance(double a, double h1, double dk1, double h2, double dk2);

struct Donor {
  bool finite = false;       // false: constant concentration (infinite dose)
  double concentration = 0;  // vehicle concentration at t = 0 [ug/m^3]
  double capacity = 0;       // finite donor: applied volume per area [m]
};

// Running totals per reference area [ug/m^2], integrated with the scheme's
// own weights.
struct Balance {
  double into_tissue = 0;  // donor -> tissue
  double to_sink = 0;      // through the perfect-sink boundary
  double cleared = 0;      // by first-order clearance
  double supplied = 0;     // infinite donor: what the reservoir gave
};

// Advances u of one Network in time. Owns its workspace and the factorised
// system matrix; the network may be replaced between steps (channel closing,
// donor removal): the matrix is refactorised only when needed.
class ThetaIntegrator {
 public:
  ThetaIntegrator(const Network& network, const Donor& donor);
  ~ThetaIntegrator();
  ThetaIntegrator(const ThetaIntegrator&) = delete;
  ThetaIntegrator& operator=(const ThetaIntegrator&) = delete;

  // Replaces the operator (same node count). Keeps the state.
  void set_network(const Network& network);
  // Detaches the donor (the product is wiped off); a finite donor keeps what
  // is left in it. Irreversible.
  void remove_donor();

  // One step of length dt with the given theta in [1/2, 1]. In: the state at
  // t; out: the state at t + dt and the updated balance.
  void step(double dt, double theta);
  // A Crank-Nicolson step of dt; when `damped` it is replaced by `substeps`
  // backward-Euler steps of dt/substeps (use after t = 0 and after any jump
  // of the data, to damp the non-smooth modes CN would keep).
  void cn_step(double dt, bool damped, int substeps = 4);
  // `cn_step` with a positivity guard: when the step leaves any node (or the
  // finite donor) below -neg_tol, it is undone and redone as `substeps`
  // backward-Euler steps of dt/substeps. Backward Euler keeps u >= 0: its
  // matrix C + dt L is an M-matrix (positive diagonal, non-positive
  // off-diagonals, diagonally dominant), so its inverse is non-negative and
  // so is its right-hand side C u0 + dt s. Returns true when it fell back.
  bool cn_step_positive(double dt, bool damped, int substeps, double neg_tol);

  [[nodiscard]] const std::vector<double>& u() const { return u_; }
  [[nodiscard]] double donor_u() const { return donor_u_; }
  [[nodiscard]] bool donor_attached() const { return donor_attached_; }
  [[nodiscard]] const Balance& balance() const { return balance_; }
  [[nodiscard]] const Network& network() const { return net_; }
  // Amount held in the tissue per group [ug/m^2], groups 0..n_groups-1.
  [[nodiscard]] std::vector<double> amounts(int n_groups) const;
  [[nodiscard]] double tissue_amount() const;
  [[nodiscard]] double donor_amount() const;
  // Instantaneous rate leaving through the sink and by clearance [ug/m^2/s].
  [[nodiscard]] double out_rate() const;
  // Factorisations computed so far (numeric; the symbolic analysis is done
  // once per sparsity pattern), and steps redone by the positivity guard.
  [[nodiscard]] long factorisations() const { return factorisations_; }
  [[nodiscard]] long positivity_fallbacks() const { return positivity_fallbacks_; }
  // Sets the tissue state (for tests and exact initial conditions).
  void set_u(std::vector<double> u) { u_ = std::move(u); }

 private:
  struct Factor;
  // The factor for (dt, theta) on the current network: one of two cached
  // slots (the Crank-Nicolson step and the damped substep), refactorised
  // numerically when the network changed; the symbolic analysis (ordering,
  // elimination tree) is shared while the sparsity pattern stays the same.
  Factor& factor_for(double dt, double theta);
  void assemble(Factor& f, double dt, double theta);

  Network net_;
  Donor donor_;
  bool donor_attached_ = true;
  double donor_u_ = 0;
  std::vector<double> u_;
  std::vector<double> rhs_;
  Balance balance_;
  std::unique_ptr<Factor> factor_[2];
  int next_slot_ = 0;
  long network_version_ = 0;  // bumped by set_network / remove_donor
  long factorisations_ = 0;
  long positivity_fallbacks_ = 0;
};

}  // namespace mnsim::transport
