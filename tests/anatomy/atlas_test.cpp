#include "mnsim/anatomy/atlas.hpp"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "mnsim/core/sources.hpp"

namespace mnsim::anatomy {
namespace {

const std::vector<std::string> kInterfaceSites = {
    "forehead",    "glabella",  "temple",   "upper_eyelid", "lower_eyelid", "nose",
    "cheek",       "upper_lip", "perioral", "chin",         "jawline",      "neck",
    "decolletage", "upper_arm", "abdomen",  "thigh",        "back"};

const Subject kWoman45{45, Sex::Female, 3};

TEST(Atlas, HasExactlyTheInterfaceSites) {
  const auto& atlas = Atlas::builtin();
  const auto ids = atlas.site_ids();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            std::set<std::string>(kInterfaceSites.begin(), kInterfaceSites.end()));
}

TEST(Atlas, StacksArePhysicalAtEverySiteSexAndAge) {
  const auto& atlas = Atlas::builtin();
  for (const auto& id : atlas.site_ids()) {
    for (const Sex sex : {Sex::Female, Sex::Male}) {
      for (const double age : {18.0, 30.0, 45.0, 70.0, 100.0}) {
        const auto st = atlas.stack(id, Subject{age, sex, 3});
        double top = 0;
        for (const auto& s : st.layers) {
          EXPECT_GT(s.thickness_m, 0) << id;
          EXPECT_DOUBLE_EQ(s.top_m, top) << id;
          EXPECT_GT(s.youngs_modulus_pa, 0) << id;
          EXPECT_GT(s.water_fraction, 0) << id;
          EXPECT_LT(s.water_fraction, 1) << id;
          top = s.bottom_m();
        }
        // Human skin: epidermis 20-300 um, dermis 0.3-4 mm (LITERATURE.md A ranges).
        EXPECT_GT(st.epidermis_m(), 20e-6) << id;
        EXPECT_LT(st.epidermis_m(), 300e-6) << id;
        EXPECT_GT(st.dermis_m(), 300e-6) << id;
        EXPECT_LT(st.dermis_m(), 4000e-6) << id;
        EXPECT_LT(st.thickness_m(Layer::StratumCorneum), st.epidermis_m() / 2) << id;
        EXPECT_LT(st.thickness_m(Layer::PapillaryDermis), st.dermis_m()) << id;
      }
    }
  }
}

TEST(Atlas, EyelidIsThinnestFacialSkinAndBackThickest) {
  const auto& atlas = Atlas::builtin();
  auto skin = [&](const std::string& s) {
    const auto st = atlas.stack(s, kWoman45);
    return st.epidermis_m() + st.dermis_m();
  };
  for (const auto& id : atlas.site_ids()) {
    if (id != "upper_eyelid" && id != "lower_eyelid") {
      EXPECT_LT(skin("upper_eyelid"), skin(id)) << id;
    }
    if (id != "back") {
      EXPECT_GT(skin("back"), skin(id)) << id;
    }
  }
}

TEST(Atlas, SensitiveSitesFlagged) {
  const auto& atlas = Atlas::builtin();
  for (const char* id : {"upper_eyelid", "lower_eyelid", "nose", "upper_lip", "neck"}) {
    EXPECT_TRUE(atlas.at(id).sensitive) << id;
  }
  EXPECT_FALSE(atlas.at("cheek").sensitive);
  EXPECT_FALSE(atlas.at("back").sensitive);
}

TEST(Atlas, EveryRowCitesKnownSourcesAndExplainsItself) {
  const auto& atlas = Atlas::builtin();
  const auto& bib = core::Bibliography::builtin();
  for (const auto& s : atlas.sites()) {
    EXPECT_FALSE(s.derivation.empty()) << s.id;
    for (const auto& src : s.sources())
      EXPECT_NE(bib.find(src), nullptr) << s.id << " " << src;
  }
}

TEST(Aging, ThicknessFallsAfterAdulthoodAndIsFlatBefore) {
  const auto& atlas = Atlas::builtin();
  const auto& m = atlas.aging();
  // Women's dermis thins with age (Meng 2022 reports a negative correlation).
  EXPECT_LT(m.dermis_per_year.female, 0);
  EXPECT_LT(atlas.stack("forehead", Subject{70, Sex::Female, 3}).dermis_m(),
            atlas.stack("forehead", Subject{30, Sex::Female, 3}).dermis_m());
  // Before adulthood the model holds the adult value (no extrapolation).
  EXPECT_DOUBLE_EQ(m.dermis_factor(Sex::Female, 10),
                   m.dermis_factor(Sex::Female, m.adult_from_years));
  EXPECT_DOUBLE_EQ(m.dermis_factor(Sex::Female, m.reference_age_years), 1.0);
  EXPECT_GE(m.dermis_factor(Sex::Female, 1000), AgingModel::kMinFactor);
}

TEST(Aging, StratumCorneumNotAgeAdjusted) {
  const auto& atlas = Atlas::builtin();
  EXPECT_DOUBLE_EQ(
      atlas.stack("cheek", Subject{25, Sex::Female, 3}).thickness_m(Layer::StratumCorneum),
      atlas.stack("cheek", Subject{75, Sex::Female, 3}).thickness_m(Layer::StratumCorneum));
}

TEST(Sampling, SameSeedSameSubjects) {
  const auto& atlas = Atlas::builtin();
  core::Rng a(42, "anatomy.test");
  core::Rng b(42, "anatomy.test");
  for (int i = 0; i < 50; ++i) {
    const auto sa = atlas.sample("cheek", kWoman45, a);
    const auto sb = atlas.sample("cheek", kWoman45, b);
    for (std::size_t l = 0; l < kLayerCount; ++l) {
      EXPECT_EQ(sa.layers[l].thickness_m, sb.layers[l].thickness_m);
    }
  }
}

TEST(Sampling, PopulationMatchesMeanAndSpread) {
  const auto& atlas = Atlas::builtin();
  const auto& rec = atlas.at("forehead");
  const auto mean = atlas.stack("forehead", kWoman45);
  core::Rng rng(7, "anatomy.population");
  constexpr int n = 20000;
  double sum = 0, sum2 = 0, pap_share = 0;
  for (int i = 0; i < n; ++i) {
    const auto st = atlas.sample("forehead", kWoman45, rng);
    sum += st.dermis_m();
    sum2 += st.dermis_m() * st.dermis_m();
    pap_share += st.thickness_m(Layer::PapillaryDermis) / st.dermis_m();
  }
  const double m = sum / n;
  const double sd = std::sqrt(sum2 / n - m * m);
  const double cv = rec.dermis_sd_um.female / rec.dermis_um.female;
  EXPECT_NEAR(m, mean.dermis_m(), 5 * cv * mean.dermis_m() / std::sqrt(n));
  EXPECT_NEAR(sd / m, cv, 0.1 * cv);
  EXPECT_NEAR(pap_share / n, mean.thickness_m(Layer::PapillaryDermis) / mean.dermis_m(), 1e-12);
}

TEST(Sampling, DermisRangeBracketsMean) {
  const auto& atlas = Atlas::builtin();
  const auto [lo, hi] = atlas.dermis_range_um("cheek", kWoman45, 0.8);
  const double mean = atlas.stack("cheek", kWoman45).dermis_m() * 1e6;
  EXPECT_LT(lo, mean);
  EXPECT_GT(hi, mean);
  // The 80 % range of a log-normal with the site's CV, checked by sampling.
  core::Rng rng(9, "anatomy.range");
  int inside = 0;
  constexpr int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double d = atlas.sample("cheek", kWoman45, rng).dermis_m() * 1e6;
    inside += (d >= lo && d <= hi) ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(inside) / n, 0.8, 0.015);
}

TEST(Atlas, LayerAtDepth) {
  const auto st = Atlas::builtin().stack("cheek", kWoman45);
  EXPECT_EQ(st.layer_at(0), Layer::StratumCorneum);
  EXPECT_EQ(st.layer_at(st.epidermis_m() - 1e-9), Layer::ViableEpidermis);
  EXPECT_EQ(st.layer_at(st.epidermis_m() + 1e-9), Layer::PapillaryDermis);
  EXPECT_EQ(st.layer_at(st.epidermis_m() + st.dermis_m() - 1e-9), Layer::ReticularDermis);
  EXPECT_EQ(st.layer_at(1.0), Layer::Subcutis);
}

}  // namespace
}  // namespace mnsim::anatomy
