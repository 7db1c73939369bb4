// Stage 1, anatomy: the skin atlas.
//
// Per-site layer thicknesses (data/anatomy/sites.toml), adjusted for age and
// sex (data/anatomy/aging.toml), with between-person variability, and layer
// material properties (data/anatomy/layers.toml). Model: docs/models/anatomy.md.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mnsim/anatomy/subject.hpp"
#include "mnsim/core/random.hpp"

namespace mnsim::anatomy {

enum class Layer { StratumCorneum, ViableEpidermis, PapillaryDermis, ReticularDermis, Subcutis };
inline constexpr std::array kAllLayers = {Layer::StratumCorneum, Layer::ViableEpidermis,
                                          Layer::PapillaryDermis, Layer::ReticularDermis,
                                          Layer::Subcutis};
inline constexpr std::size_t kLayerCount = kAllLayers.size();

// "stratum_corneum", "viable_epidermis", "papillary_dermis", "reticular_dermis", "subcutis".
std::string_view layer_id(Layer layer);

struct BySex {
  double female = 0;
  double male = 0;
  [[nodiscard]] double of(Sex sex) const { return sex == Sex::Female ? female : male; }
};

// One row of data/anatomy/sites.toml: values at the reference age, in µm.
struct SiteRecord {
  std::string id;
  std::string name;
  std::string region;  // face | neck | body
  bool sensitive = false;
  BySex epidermis_um;  // histological epidermis including the stratum corneum
  double epidermis_cv = 0;
  double stratum_corneum_um = 0;
  BySex dermis_um;
  BySex dermis_sd_um;
  double papillary_dermis_um = 0;
  double subcutis_um = 0;
  std::vector<std::string> epidermis_source;
  std::vector<std::string> stratum_corneum_source;
  std::vector<std::string> dermis_source;
  std::vector<std::string> papillary_source;
  std::vector<std::string> subcutis_source;
  std::string derivation;

  // Every source id of the row, without repeats, in order of first use.
  [[nodiscard]] std::vector<std::string> sources() const;
};

// Age adjustment: T(a) = T_ref * max(0.5, 1 + beta * (max(a, a_adult) - a_ref)).
struct AgingModel {
  double reference_age_years = 40;
  double adult_from_years = 20;
  BySex dermis_per_year;
  BySex epidermis_per_year;
  static constexpr double kMinFactor = 0.5;

  [[nodiscard]] double dermis_factor(Sex sex, double age_years) const;
  [[nodiscard]] double epidermis_factor(Sex sex, double age_years) const;
};

struct LayerProperties {
  Layer layer = Layer::StratumCorneum;
  double youngs_modulus_pa = 0;
  std::string loading_mode;
  double water_fraction = 0;
  std::vector<std::string> sources;
};

// One layer of a stack, depths from the skin surface.
struct LayerSlab {
  Layer layer = Layer::StratumCorneum;
  double top_m = 0;
  double thickness_m = 0;
  double youngs_modulus_pa = 0;
  double water_fraction = 0;
  [[nodiscard]] double bottom_m() const { return top_m + thickness_m; }
};

// The layers under one site for one subject, top (stratum corneum) first.
struct LayerStack {
  std::string site;
  bool sensitive = false;
  std::array<LayerSlab, kLayerCount> layers{};

  [[nodiscard]] const LayerSlab& slab(Layer layer) const {
    return layers[static_cast<std::size_t>(layer)];
  }
  [[nodiscard]] double thickness_m(Layer layer) const { return slab(layer).thickness_m; }
  [[nodiscard]] double epidermis_m() const;  // stratum corneum + viable epidermis
  [[nodiscard]] double dermis_m() const;     // papillary + reticular
  [[nodiscard]] double total_m() const;      // down to the bottom of the subcutis
  // The layer at a depth below the surface (the subcutis below the last layer).
  [[nodiscard]] Layer layer_at(double depth_m) const;
};

class Atlas {
 public:
  // Loads and checks the three tables; throws DataError on any defect.
  static Atlas load(std::string_view sites_path, std::string_view aging_path,
                    std::string_view layers_path);
  // The built-in atlas (embedded data/anatomy/*.toml), loaded once; immutable.
  static const Atlas& builtin();

  [[nodiscard]] const SiteRecord* find(std::string_view id) const;
  [[nodiscard]] const SiteRecord& at(std::string_view id) const;  // throws std::out_of_range
  [[nodiscard]] const std::vector<SiteRecord>& sites() const { return sites_; }
  [[nodiscard]] std::vector<std::string> site_ids() const;
  [[nodiscard]] const AgingModel& aging() const { return aging_; }
  [[nodiscard]] const LayerProperties& properties(Layer layer) const {
    return properties_[static_cast<std::size_t>(layer)];
  }

  // The population-mean stack at a site for a subject's age and sex.
  [[nodiscard]] LayerStack stack(std::string_view site, const Subject& subject) const;

  // The range of dermal thickness (µm) holding the central `coverage` share of
  // people of that age and sex at the site (log-normal between-person model).
  [[nodiscard]] std::pair<double, double> dermis_range_um(std::string_view site,
                                                          const Subject& subject,
                                                          double coverage = 0.8) const;

  // One person's stack: each layer group drawn log-normally about the mean
  // (epidermis with the site's CV, dermis with sd/mean), from `rng`.
  [[nodiscard]] LayerStack sample(std::string_view site, const Subject& subject,
                                  core::Rng& rng) const;
  // The same person from the two standard normal numbers sample() draws
  // (epidermis first, then dermis): a stack as a function of its inputs, for
  // callers that set them (the cohort's sensitivity analysis).
  [[nodiscard]] LayerStack person(std::string_view site, const Subject& subject, double epidermis_z,
                                  double dermis_z) const;

 private:
  [[nodiscard]] LayerStack assemble(const SiteRecord& rec, Sex sex, double sc_um,
                                    double epidermis_um, double dermis_um) const;

  std::vector<SiteRecord> sites_;
  AgingModel aging_;
  std::array<LayerProperties, kLayerCount> properties_{};
};

}  // namespace mnsim::anatomy
