#include "mnsim/transport/cyclic_tridiagonal.hpp"

namespace mnsim::transport {

void factor_cyclic(int n, const double* a, const double* b, const double* c,
                   const CyclicFactorsView& f, double& alpha, double& beta) {
  double* m = f.m;
  double* am = f.am;
  double* cp = f.cp;
  double* zc = f.zc;
  if (n == 1) {
    m[0] = 1.0 / b[0];
    am[0] = cp[0] = zc[0] = 0;
    alpha = beta = 0;
    return;
  }
  const double gamma = -b[0];
  auto bb = [&](int i) {
    double v = b[i];
    if (i == 0)
      v -= gamma;
    if (i == n - 1)
      v -= a[0] * c[n - 1] / gamma;
    return v;
  };
  m[0] = 1.0 / bb(0);
  am[0] = 0;
  cp[0] = c[0] * m[0];
  for (int i = 1; i < n; ++i) {
    m[i] = 1.0 / (bb(i) - a[i] * cp[i - 1]);
    am[i] = a[i] * m[i];
    cp[i] = c[i] * m[i];
  }
  // z = T^-1 u.
  zc[0] = gamma * m[0];
  for (int i = 1; i < n; ++i)
    zc[i] = (i == n - 1 ? c[n - 1] * m[i] : 0.0) - am[i] * zc[i - 1];
  for (int i = n - 2; i >= 0; --i)
    zc[i] -= cp[i] * zc[i + 1];
  alpha = a[0] / gamma;
  beta = 1.0 / (1.0 + zc[0] + alpha * zc[n - 1]);
}

void solve_cyclic(int n, const double* m, const double* am, const double* cp, const double* zc,
                  double alpha, double beta, double* x) {
  // T y = d (Thomas), then x = y - (v.y / (1 + v.z)) z.
  x[0] *= m[0];
  for (int i = 1; i < n; ++i)
    x[i] = x[i] * m[i] - am[i] * x[i - 1];
  for (int i = n - 2; i >= 0; --i)
    x[i] -= cp[i] * x[i + 1];
  const double s = (x[0] + alpha * x[n - 1]) * beta;
  for (int i = 0; i < n; ++i)
    x[i] -= s * zc[i];
}

}  // namespace mnsim::transport
