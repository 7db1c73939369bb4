// Stage 3, puncture: how long the channels stay open.
//
// The one resealing law of mnsim. The transport stage (the channels' open
// fraction while a product permeates) and the response/healing stages (the
// open-pore state of the barrier) both call it, so `deliver` and `heal`
// report the same closure time for the same case. Parameters and their
// sources: data/puncture/resealing.toml; equations: docs/models/transport.md
// ("Channel resealing").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mnsim::cases {
struct Case;
}

namespace mnsim::puncture {

// What the closure time depends on.
struct ClosureConditions {
  double needle_length_m = 0;  // needle length / pen depth setting of the zone
  bool occluded = false;       // channels covered after treatment
  double age_years = 25;       // the person
  std::string site;            // atlas site id ("" = no site factor)
};

// The conditions of one zone of a case (needle length of the zone's device
// setting, procedure.occluded, patient age, zone site). The device is
// resolved against the built-in catalogue; throws InputError if it cannot be.
ClosureConditions closure_conditions(const cases::Case& c, std::size_t zone);

// t_reseal = t_ref * (L / L_ref)^a * O^occluded * A(age) * S(site),
// A(age) = aged_factor^clamp((age - young_age) / (aged_age - young_age), 0, 1);
// open fraction f(t) = exp(-t / tau), tau = t_reseal / ln(1 / residual).
struct ResealingLaw {
  double unoccluded_reseal_s = 7200;  // t_ref: young adult, reference site, L_ref, unoccluded
  double reference_length_m = 750e-6;
  double length_exponent = 0.553;
  double occlusion_factor = 30;
  double young_age_years = 25;
  double aged_age_years = 77.3;
  double aged_factor = 1;
  std::string reference_site = "upper_arm";
  struct SiteFactor {
    std::string site;
    double factor = 1;
  };
  std::vector<SiteFactor> site_factors;  // others: 1
  double residual_fraction = 0.05;

  // Read a table (data/puncture/resealing.toml layout); DataError on a defect.
  static ResealingLaw load(std::string_view path);
  static const ResealingLaw& builtin();

  // Time for the channels' excess conductance to fall to residual_fraction, s.
  [[nodiscard]] double reseal_time_s(const ClosureConditions& c) const;
  // First-order closure rate ln(1/residual) / t_reseal, 1/s.
  [[nodiscard]] double closure_rate_per_s(const ClosureConditions& c) const;
  // Open fraction exp(-t / tau), tau = reseal_s / ln(1 / residual).
  [[nodiscard]] double open_fraction(double t_s, double reseal_s) const;
  [[nodiscard]] double age_factor(double age_years) const;
  [[nodiscard]] double site_factor(std::string_view site) const;
};

}  // namespace mnsim::puncture
