// Cyclic (periodic) tridiagonal systems
//   a_i x_{i-1} + b_i x_i + c_i x_{i+1} = d_i,  indices mod n,
// factored once and solved many times (the periodic x and y lines of the 3D
// cell, transport/cell3d.hpp). Sherman-Morrison on T + u v^T: T with
// b'_0 = b_0 - gamma, b'_{n-1} = b_{n-1} - a_0 c_{n-1} / gamma, gamma = -b_0;
// u = (gamma, 0.., c_{n-1}), v = (1, 0.., a_0 / gamma). Stable for diagonally
// dominant systems (no pivoting).
#pragma once

namespace mnsim::transport {

// The factors of one system of size n, in caller-owned arrays of n: the
// Thomas factors of T (m = 1/pivot, am = a m, cp = c m), z = T^-1 u, and the
// scalars alpha = a_0 / gamma, beta = 1 / (1 + v.z). n == 1: x = d / b.
struct CyclicFactorsView {
  double* m;
  double* am;
  double* cp;
  double* zc;
};

void factor_cyclic(int n, const double* a, const double* b, const double* c,
                   const CyclicFactorsView& f, double& alpha, double& beta);

// Solves in place: x holds d on entry and the solution on return.
void solve_cyclic(int n, const double* m, const double* am, const double* cp, const double* zc,
                  double alpha, double beta, double* x);

}  // namespace mnsim::transport
