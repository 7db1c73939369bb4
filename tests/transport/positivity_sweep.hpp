// The positivity sweep (issue 11): random valid (product, site, subject,
// channels, horizon, application) cases through transport::deliver, seeded,
// checked for a non-negative field and amounts and a mass balance within 1e-8.
// Shared by positivity_sweep_test.cpp (fast) and positivity_sweep_slow.cpp.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/transport/deliver.hpp"
#include "mnsim/transport/product.hpp"

namespace mnsim::transport::sweep {

struct SweepCase {
  std::string product, site;
  anatomy::Subject subject;
  ChannelSpec ch;
  Options opt;
};

inline SweepCase random_case(std::mt19937_64& rng, Fidelity fid, double dx_m) {
  auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  auto logu = [&](double a, double b) { return std::exp(uni(std::log(a), std::log(b))); };
  const auto ids = ProductCatalogue::builtin().ids();
  const auto sites = anatomy::Atlas::builtin().site_ids();
  SweepCase c;
  c.product = ids[std::uniform_int_distribution<std::size_t>(0, ids.size() - 1)(rng)];
  c.site = sites[std::uniform_int_distribution<std::size_t>(0, sites.size() - 1)(rng)];
  c.subject.age_years = uni(18, 90);
  c.subject.sex = uni(0, 1) < 0.5 ? anatomy::Sex::Female : anatomy::Sex::Male;
  if (uni(0, 1) > 0.1) {  // 10 %: no channels (intact skin only)
    c.ch.density_per_m2 = logu(1e5, 5e7);
    c.ch.depth_m = uni(20e-6, 2000e-6);
    c.ch.surface_radius_m = uni(5e-6, 200e-6);
    c.ch.closure.needle_length_m = uni(0.1e-3, 3e-3);
    c.ch.closure.occluded = uni(0, 1) < 0.3;
  }
  c.opt.fidelity = fid;
  c.opt.dx_m = dx_m;
  c.opt.horizon_s = logu(0.1, 72) * 3600;
  if (uni(0, 1) < 0.3)
    c.opt.application_s = uni(0.05, 0.9) * c.opt.horizon_s;
  return c;
}

// Runs one case; records failures with the case in the message.
inline void run_case(const SweepCase& c, int k) {
  const auto& atlas = anatomy::Atlas::builtin();
  const auto* p = ProductCatalogue::builtin().find(c.product);
  ASSERT_NE(p, nullptr);
  const auto stack = atlas.stack(c.site, c.subject);
  const Medium m = skin_medium(stack, atlas, *p, PropertyModel::builtin(), false, false);
  Options o = c.opt;
  double thinnest = 1;
  for (const auto& l : m.layers)
    thinnest = std::min(thinnest, l.thickness_m);
  o.dx_m = std::min(o.dx_m, thinnest);
  const std::string what = "case " + std::to_string(k) + ": " + c.product + " on " + c.site +
                           ", horizon " + std::to_string(o.horizon_s) + " s, density " +
                           std::to_string(c.ch.density_per_m2) + ", radius " +
                           std::to_string(c.ch.surface_radius_m);
  Delivery d;
  try {
    d = deliver(m, *p, c.ch, o);
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": " << e.what();
    return;
  }
  for (const Run* r : {&d.needled, d.intact ? &*d.intact : nullptr}) {
    if (r == nullptr)
      continue;
    EXPECT_LE(r->mass_balance_rel_error, 1e-8) << what;
    double top = 0;
    for (const auto& a : r->amount_ug_per_cm2)
      for (double v : a)
        top = std::max(top, v);
    for (const auto& a : r->amount_ug_per_cm2)
      for (double v : a)
        EXPECT_GE(v, -1e-9 * top) << what;
    const double cmax = m.donor.concentration * 1e-6 * 1e3;  // ug/mL, generous upper bound x K
    for (double v : r->field_ug_per_ml)
      EXPECT_GE(v, -1e-9 * cmax) << what;
  }
}

}  // namespace mnsim::transport::sweep
