// Products and the layer transport properties they get in skin.
//
// The catalogue is data/transport/products.toml; the property model (Potts-Guy
// or its 2023 refit for the stratum corneum, viable-tissue diffusivity from
// MW, partition, dermal clearance) is data/transport/properties.toml; the
// channel resealing law is puncture::ResealingLaw (data/puncture/resealing.toml). Equations and
// sources: docs/models/transport.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/puncture/resealing.hpp"
#include "mnsim/transport/medium.hpp"

namespace mnsim::transport {

struct ProductSpec {
  std::string id;  // "inline" for a product defined in the case
  std::string name;
  double mw_da = 0;
  double log_kow = 0;
  double concentration_mg_per_ml = 0;
  double dose_ul_per_cm2 = 0;
  double diffusivity_water_m2_s = 0;  // 0: estimated from MW
  bool anaesthetic = false;
  // Ionisation (Henderson-Hasselbalch): absent pKa = no such group.
  std::optional<double> pka_acid;  // acidic group (ionised above it)
  std::optional<double> pka_base;  // basic group (conjugate acid; ionised below it)
  double formulation_ph = 7.0;     // the vehicle's pH
  std::vector<std::string> sources;
};

// Share of the drug un-ionised at the formulation pH:
// 1 / (1 + 10^(pH - pKa_acid) + 10^(pKa_base - pH)) (absent groups: no term).
double unionised_fraction(const ProductSpec& p);

class ProductCatalogue {
 public:
  static ProductCatalogue load(std::string_view path);
  static const ProductCatalogue& builtin();  // data/transport/products.toml
  [[nodiscard]] const ProductSpec* find(std::string_view id) const;
  [[nodiscard]] std::vector<std::string> ids() const;
  [[nodiscard]] const std::vector<ProductSpec>& products() const { return products_; }

 private:
  std::vector<ProductSpec> products_;
};

enum class KpModel { PottsGuy, Refit2023 };

// The property correlations (data/transport/properties.toml).
struct PropertyModel {
  KpModel kp_model = KpModel::PottsGuy;
  double pg_a = 0, pg_b = 0, pg_c = 0;  // Potts-Guy, log10 kp[cm/h]
  double refit_a = 0, refit_b = 0, refit_c = 0;
  double log10_kp_floor_cm_h = -8;
  double sc_reference_thickness_m = 15e-6;
  double ksc_p0 = 0, ksc_p1 = 0, ksc_p2 = 0, ksc_p3 = 0, ksc_p4 = 0;
  double dfree_d0 = 0, dfree_d1 = 0;
  double clearance_q_per_s = 0;
  double clearance_mw_cutoff_da = 0;
  double channel_hindrance = 1;
  // Stratum-corneum permeability of the ionised species relative to the
  // un-ionised one (fitted to lidocaine's pH dependence).
  double ionised_sc_ratio = 0;

  static PropertyModel load(std::string_view path);
  static const PropertyModel& builtin();

  // SC permeability of the correlation in use (floored), cm/h.
  [[nodiscard]] double kp_sc_cm_h(double mw_da, double log_kow, KpModel model) const;
  [[nodiscard]] double kp_sc_cm_h(double mw_da, double log_kow) const {
    return kp_sc_cm_h(mw_da, log_kow, kp_model);
  }
  [[nodiscard]] double k_sc(double log_kow) const;       // SC / water partition
  [[nodiscard]] double d_free_m2_s(double mw_da) const;  // viable tissue / water
  [[nodiscard]] double dermal_clearance_per_s(double mw_da) const;
  [[nodiscard]] double d_water_m2_s(const ProductSpec& p) const;
  // Factor on the SC partition (hence kp) for the product's ionisation:
  // f_u + ionised_sc_ratio (1 - f_u). The channels (aqueous) carry both species.
  [[nodiscard]] double sc_ionisation_factor(const ProductSpec& p) const;
};

// The channel resealing law is the puncture stage's (one law for transport
// and response): include/mnsim/puncture/resealing.hpp.
using ResealingLaw = puncture::ResealingLaw;

// The layer names of an atlas transport medium (docs/interface.md keys).
inline constexpr std::string_view kStratumCorneum = "stratum_corneum";
inline constexpr std::string_view kViableEpidermis = "viable_epidermis";
inline constexpr std::string_view kDermis = "dermis";
inline constexpr std::string_view kSubcutis = "subcutis";

// The transport medium of a site for a product: stratum corneum, viable
// epidermis, dermis (papillary + reticular merged; clearance in it) and, when
// `with_subcutis`, the subcutis (no clearance, zero flux below); otherwise a
// perfect sink at the bottom of the dermis. Donor: the product's dose as a
// finite donor (infinite when `infinite_dose`).
Medium skin_medium(const anatomy::LayerStack& stack, const anatomy::Atlas& atlas,
                   const ProductSpec& p, const PropertyModel& model, bool with_subcutis,
                   bool infinite_dose);

// Steady-state permeability of a medium's layers in series (infinite dose,
// perfect sink), relative to the vehicle: 1 / sum(L_i / (D_i K_i)) [m/s].
double steady_permeability_m_s(const Medium& m);

}  // namespace mnsim::transport
