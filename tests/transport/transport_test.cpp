// Transport stage: products, property correlations, resealing law, the
// deliver() entry point, bad input and the memory guard.
#include <gtest/gtest.h>

#include <cmath>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/transport/anaesthetic.hpp"
#include "mnsim/transport/case_delivery.hpp"
#include "mnsim/transport/deliver.hpp"
#include "mnsim/transport/product.hpp"

namespace mnsim::transport {
namespace {

TEST(Products, CatalogueHasTheRequiredIdsWithSources) {
  const auto& cat = ProductCatalogue::builtin();
  EXPECT_GE(cat.products().size(), 10u);
  for (const char* id :
       {"hyaluronic_acid_serum", "hyaluronic_acid_low_mw", "niacinamide_serum",
        "l_ascorbic_acid_15pct", "acetyl_hexapeptide_8", "lidocaine_4pct", "emla_5pct",
        "prp_pdgf_bb", "prp_tgf_beta1", "prp_vegf", "caffeine_reference"}) {
    const auto* p = cat.find(id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_FALSE(p->sources.empty()) << id;
  }
  EXPECT_TRUE(cat.find("emla_5pct")->anaesthetic);
  EXPECT_FALSE(cat.find("niacinamide_serum")->anaesthetic);
}

TEST(Properties, PottsGuyAndRefit) {
  const auto& m = PropertyModel::builtin();
  // Caffeine: log kp = -2.72 + 0.71 (-0.07) - 0.0061 * 194.19.
  const double lg = -2.72 + 0.71 * -0.07 - 0.0061 * 194.19;
  EXPECT_NEAR(std::log10(m.kp_sc_cm_h(194.19, -0.07, KpModel::PottsGuy)), lg, 1e-12);
  EXPECT_NEAR(std::log10(m.kp_sc_cm_h(194.19, -0.07, KpModel::Refit2023)),
              -2.55 + 0.65 * -0.07 - 0.0085 * 194.19, 1e-12);
  // Floored for macromolecules.
  EXPECT_NEAR(std::log10(m.kp_sc_cm_h(1e6, -4)), m.log10_kp_floor_cm_h, 1e-12);
  // Viable diffusivity falls with MW; clearance falls for proteins.
  EXPECT_GT(m.d_free_m2_s(200), m.d_free_m2_s(20000));
  EXPECT_GT(m.dermal_clearance_per_s(200), 5 * m.dermal_clearance_per_s(200000));
  EXPECT_GT(m.k_sc(3), m.k_sc(-1));
}

TEST(SkinMedium, IntactKpMatchesPottsGuyForThinViableResistance) {
  // For a lipophilic-enough small solute the SC dominates: kp(stack) ~ kp_PG * L_ref / L_sc.
  const auto& atlas = anatomy::Atlas::builtin();
  const auto stack = atlas.stack("cheek", anatomy::Subject{45, anatomy::Sex::Female, 3});
  const auto* p = ProductCatalogue::builtin().find("caffeine_reference");
  const auto& model = PropertyModel::builtin();
  const Medium m = skin_medium(stack, atlas, *p, model, false, true);
  const double kp = steady_permeability_m_s(m) * 3.6e5;
  const double expect = model.kp_sc_cm_h(p->mw_da, p->log_kow) * model.sc_reference_thickness_m /
                        stack.thickness_m(anatomy::Layer::StratumCorneum);
  EXPECT_NEAR(kp / expect, 1.0, 0.05);
  EXPECT_LT(kp, expect);
}

Medium membrane() {
  Medium m;
  m.layers.push_back({"membrane", 100e-6, 1e-12, 1.0, 0.0});
  m.donor.concentration = 1e9;
  return m;
}

TEST(Deliver, MembraneLagAndFluxThroughTheEntryPoint) {
  Options o;
  o.fidelity = Fidelity::OneD;
  o.horizon_s = 20 * 1e-8 / (6e-12);  // 20 lag times
  o.dx_m = 2e-6;
  const transport::Run r = run_medium(membrane(), nullptr, 0.0, o);
  EXPECT_NEAR(r.lag_time_s / (1e-8 / 6e-12), 1.0, 2e-3);
  EXPECT_NEAR(r.steady_flux_ug_per_cm2_h / (1e-12 * 1e9 / 100e-6 * 1e-4 * 3600), 1.0, 1e-6);
  EXPECT_LT(r.mass_balance_rel_error, 1e-10);
}

bool names(const InputError& e, const std::string& field) {
  for (const auto& i : e.issues()) {
    if (i.field == field)
      return true;
  }
  return false;
}

TEST(Deliver, BadInputNamesTheField) {
  Options o;
  o.fidelity = Fidelity::OneD;
  Medium m = membrane();
  m.layers[0].diffusivity_m2_s = -1e-12;
  m.layers.push_back({"b", 2e-6, 1e-11, 0.0, 0.0});
  o.horizon_s = 0;
  try {
    (void)run_medium(m, nullptr, 0.0, o);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_TRUE(names(e, "medium.layers[0].diffusivity_m2_s"));
    EXPECT_TRUE(names(e, "medium.layers[1].partition"));
    EXPECT_TRUE(names(e, "simulation.horizon_h"));
    EXPECT_TRUE(names(e, "simulation.dx_um"));  // 5 um > the 2 um layer
  }
}

TEST(Deliver, HugeGridRefusedBeforeAllocation) {
  Options o;
  o.fidelity = Fidelity::Axisymmetric;
  o.dx_m = 1e-7;
  o.memory_limit_bytes = 1e8;
  Medium m = membrane();
  m.layers[0].thickness_m = 2e-3;
  ChannelSpec ch{1e6, 1e-3, 50e-6, {1e-3, false, 25, ""}};
  try {
    (void)run_medium(m, &ch, 1e-9, o);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.issues().at(0).field, "simulation.max_memory_mb");
  }
}

TEST(Deliver, NeedlingEnhancesAndOcclusionKeepsChannelsOpenLonger) {
  const auto& atlas = anatomy::Atlas::builtin();
  const auto stack = atlas.stack("cheek", anatomy::Subject{45, anatomy::Sex::Female, 3});
  const auto* p = ProductCatalogue::builtin().find("niacinamide_serum");
  const Medium m = skin_medium(stack, atlas, *p, PropertyModel::builtin(), false, false);
  Options o;
  o.fidelity = Fidelity::Axisymmetric;
  o.horizon_s = 6 * 3600;
  o.dx_m = 10e-6;
  o.steps = 240;
  ChannelSpec ch{2e6, 500e-6, 30e-6, {1e-3, false, 25, ""}};
  const Delivery open = deliver(m, *p, ch, o);
  ASSERT_TRUE(open.enhancement_ratio.has_value());
  EXPECT_GT(*open.enhancement_ratio, 2.0);
  EXPECT_LT(open.needled.mass_balance_rel_error, 1e-10);
  ch.closure.occluded = true;
  const Delivery occ = deliver(m, *p, ch, o);
  EXPECT_GT(occ.needled.past_sc_ug_per_cm2.back(), open.needled.past_sc_ug_per_cm2.back());
  // 1D homogenised channels give the same order of magnitude as r-z.
  o.fidelity = Fidelity::OneD;
  ch.closure.occluded = false;
  const Delivery one = deliver(m, *p, ch, o);
  const double ratio =
      one.needled.past_sc_ug_per_cm2.back() / open.needled.past_sc_ug_per_cm2.back();
  EXPECT_GT(ratio, 0.3);
  EXPECT_LT(ratio, 3.0);
}

TEST(Ionisation, CatalogueIonisableProductsLowerTheirIntactKp) {
  // The catalogue's ionisable products carry a pKa and a formulation pH, and
  // the ionised share lowers the stratum-corneum permeability by the SC
  // factor f_u + rho (1 - f_u) (docs/models/transport.md, "Ionisation").
  const auto& cat = ProductCatalogue::builtin();
  const auto& model = PropertyModel::builtin();
  const auto& atlas = anatomy::Atlas::builtin();
  const auto stack = atlas.stack("cheek", {45, anatomy::Sex::Female, 3});
  int ionisable = 0;
  for (const auto& p : cat.products()) {
    if (!p.pka_acid && !p.pka_base)
      continue;
    ++ionisable;
    EXPECT_GE(p.formulation_ph, 0.0) << p.id;
    EXPECT_LE(p.formulation_ph, 14.0) << p.id;
    const double fu = unionised_fraction(p);
    EXPECT_GT(fu, 0.0) << p.id;
    EXPECT_LT(fu, 1.0) << p.id;
    ProductSpec neutral = p;
    neutral.pka_acid.reset();
    neutral.pka_base.reset();
    const double kp = steady_permeability_m_s(skin_medium(stack, atlas, p, model, false, true));
    const double kp0 =
        steady_permeability_m_s(skin_medium(stack, atlas, neutral, model, false, true));
    EXPECT_LT(kp, kp0) << p.id;
    // Not more than the SC factor: the viable tissue in series is unchanged.
    EXPECT_GE(kp / kp0, model.sc_ionisation_factor(p) - 1e-12) << p.id;
  }
  EXPECT_GE(ionisable, 3);
  for (const char* id : {"l_ascorbic_acid_15pct", "emla_5pct"}) {
    const auto* p = cat.find(id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_TRUE(p->pka_acid || p->pka_base) << id << " should carry its pKa";
  }
  // L-ascorbic acid (hydrophilic) is SC-limited: its kp falls by the SC factor.
  const auto* vc = cat.find("l_ascorbic_acid_15pct");
  ProductSpec vc0 = *vc;
  vc0.pka_acid.reset();
  const double r = steady_permeability_m_s(skin_medium(stack, atlas, *vc, model, false, true)) /
                   steady_permeability_m_s(skin_medium(stack, atlas, vc0, model, false, true));
  EXPECT_NEAR(r, model.sc_ionisation_factor(*vc), 1e-3);
}

TEST(Anaesthetic, StoredThresholdReproducesTheCalibrationFigure) {
  const auto& a = AnaestheticModel::builtin();
  const auto* p = ProductCatalogue::builtin().find("emla_5pct");
  const double t = numbing_peak_time_s(*p, a.calibration_site, a.calibration_application_s,
                                       a.threshold_ug_per_ml);
  // Peak time resolved to the sampling interval (one sample ~ 1.5 min here).
  EXPECT_NEAR(t, a.calibration_peak_s, 5 * 60.0);
  const double fit = fit_numbing_threshold(*p, a.calibration_site, a.calibration_application_s,
                                           a.calibration_peak_s);
  EXPECT_NEAR(std::log10(fit), std::log10(a.threshold_ug_per_ml), 0.1) << "re-fit gives " << fit;
}

TEST(Anaesthetic, NeedlingNumbsFaster) {
  // Pen-like channels 300 um deep, 1e6 per m^2 (100 per cm^2), 60 um radius.
  ChannelSpec ch;
  ch.density_per_m2 = 1e6;
  ch.depth_m = 300e-6;
  ch.surface_radius_m = 60e-6;
  ch.closure.needle_length_m = 0.5e-3;
  const auto stack = anatomy::Atlas::builtin().stack("forehead", {45, anatomy::Sex::Female, 3});
  Options o;
  o.fidelity = Fidelity::OneD;
  const auto* emla = ProductCatalogue::builtin().find("emla_5pct");
  const AnaestheticDelivery an =
      deliver_anaesthetic(ZoneSkin{stack, ch, std::nullopt}, *emla, 60, o, 0.5e-3);
  ASSERT_TRUE(an.numbing_onset_s.has_value());
  ASSERT_TRUE(an.numbing_onset_intact_s.has_value());
  EXPECT_LT(*an.numbing_onset_s, *an.numbing_onset_intact_s);
  // The numbed depth when needling starts is read from the intact run.
  const auto at = an.numbed_depth_intact_um_at(60 * 60.0);
  ASSERT_TRUE(at.has_value());
  EXPECT_GT(*at, 0.0);
}

TEST(CaseProducts, UnknownProductIdSuggestsTheClosest) {
  std::string text(io::default_case_text());
  const auto pos = text.find("hyaluronic_acid_serum");
  text.replace(pos, std::string("hyaluronic_acid_serum").size(), "hyaluronic_acid_serun");
  try {
    (void)io::parse_case(text, "x.toml");
    FAIL();
  } catch (const InputError& e) {
    ASSERT_TRUE(names(e, "product.id"));
    bool said = false;
    for (const auto& i : e.issues())
      said = said || i.problem.find("hyaluronic_acid_serum") != std::string::npos;
    EXPECT_TRUE(said);
  }
}

}  // namespace
}  // namespace mnsim::transport

namespace mnsim::transport {
namespace {

TEST(Deliver3d, ThreeDFidelityRunsWithARegularOrAGivenLayout) {
  const auto& atlas = anatomy::Atlas::builtin();
  const auto stack = atlas.stack("cheek", anatomy::Subject{45, anatomy::Sex::Female, 3});
  const auto* p = ProductCatalogue::builtin().find("niacinamide_serum");
  Medium m = skin_medium(stack, atlas, *p, PropertyModel::builtin(), false, false);
  // A thin dermis keeps the 3D grid small for the test.
  m.layers.back().thickness_m = 200e-6;
  Options o;
  o.fidelity = Fidelity::ThreeD;
  o.horizon_s = 1800;
  o.dx_m = 10e-6;
  o.steps = 30;
  o.tolerance_3d = 1e-3;
  ChannelSpec ch{2e7, 150e-6, 20e-6, {1e-3, false, 25, ""}};
  const Delivery d = deliver(m, *p, ch, o);
  EXPECT_LT(d.needled.mass_balance_rel_error, 1e-10);
  EXPECT_GT(d.needled.douglas_steps, 0);
  ASSERT_TRUE(d.enhancement_ratio.has_value());
  EXPECT_GT(*d.enhancement_ratio, 1.0);
  EXPECT_EQ(d.needled.y_faces_m.size(), d.needled.r_faces_m.size());
  EXPECT_NE(to_vtk(d.needled, "t").find("DIMENSIONS"), std::string::npos);
  // The same cell given explicitly (as the puncture stage will) gives the same.
  const double side = 1.0 / std::sqrt(2e7);
  ChannelLayout lay{side, {{0.5 * side, 0.5 * side, 150e-6, 20e-6}}};
  const Delivery g = deliver(m, *p, ch, lay, o);
  EXPECT_DOUBLE_EQ(g.needled.past_sc_ug_per_cm2.back(), d.needled.past_sc_ug_per_cm2.back());
  // Two channels at other positions deliver more than one.
  lay.channels.push_back({0.1 * side, 0.2 * side, 150e-6, 20e-6});
  const Delivery two = deliver(m, *p, ch, lay, o);
  EXPECT_GT(two.needled.past_sc_ug_per_cm2.back(), d.needled.past_sc_ug_per_cm2.back());
}

TEST(Deliver3d, HugeGridRefusedBeforeAllocation) {
  Options o;
  o.fidelity = Fidelity::ThreeD;
  o.dx_m = 0.5e-6;
  o.memory_limit_bytes = 1e8;
  Medium m;
  m.layers.push_back({"a", 1e-3, 1e-10, 1.0, 0.0});
  m.donor.concentration = 1e6;
  ChannelSpec ch{1e6, 5e-4, 50e-6, {1e-3, false, 25, ""}};
  try {
    (void)run_medium(m, &ch, 1e-9, o);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("MB"), std::string::npos);
    EXPECT_EQ(e.issues().at(0).field, "simulation.max_memory_mb");
  }
}

}  // namespace
}  // namespace mnsim::transport
