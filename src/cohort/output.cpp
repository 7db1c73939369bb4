// The cohort's JSON and text views.
#include <algorithm>

#include <fmt/format.h>

#include "mnsim/cohort/cohort.hpp"
#include "mnsim/core/disclaimer.hpp"

namespace mnsim::cohort {

namespace {

// A 95 % interval wider than this says the Saltelli rows are too few.
constexpr double kUnresolvedCiWidth = 0.2;

nlohmann::json percentiles_json(const Percentiles& p) {
  return {{"p5", p.p5}, {"p25", p.p25}, {"p50", p.p50}, {"p75", p.p75}, {"p95", p.p95}};
}

// The outcomes reported as distributions (kReachTarget is a probability).
constexpr std::array kDistributions{kRealDepthUm, kScBreachedFraction, kErythemaResolvedDay,
                                    kPainNrs,     kCollagenGainRel,    kPihProbability};

}  // namespace

nlohmann::json to_json(const Result& r) {
  nlohmann::json j;
  j["n"] = r.n;
  j["ranks"] = r.ranks;
  j["seed"] = r.seed;
  j["sobol_n"] = r.sobol_n;
  j["chain"] = r.delivery || r.numbed
                   ? "pattern (1 cm^2 patch) + delivery (1D transport of the product and the "
                     "anaesthetic) + response + course"
                   : "pattern (1 cm^2 patch) + response + course; no delivery";
  j["zones"] = nlohmann::json::array();
  for (const auto& z : r.zones) {
    nlohmann::json zj{{"site", z.site}, {"indication", z.indication}};
    for (const Outcome o : kDistributions)
      zj[std::string(kOutcomeNames[o])] = percentiles_json(z.outcomes[o]);
    if (r.delivery)  // --full with a product only
      zj[std::string(kOutcomeNames[kDeliveredUgPerCm2])] =
          percentiles_json(z.outcomes[kDeliveredUgPerCm2]);
    if (r.numbed)  // --full with an anaesthetic only
      zj[std::string(kOutcomeNames[kPainNrsNumbed])] = percentiles_json(z.outcomes[kPainNrsNumbed]);
    zj["p_reach_target"] = z.p_reach_target;
    zj["p_downtime_exceeds"] = z.p_downtime_exceeds;
    zj["max_downtime_days"] = r.max_downtime_days;
    zj["pih_by_phototype"] = nlohmann::json::array();
    for (const auto& ph : z.pih_by_phototype) {
      zj["pih_by_phototype"].push_back(
          {{"fitzpatrick", ph.fitzpatrick},
           {"people", ph.people},
           {"pih_probability_mean",
            ph.people > 0 ? nlohmann::json(ph.pih_probability_mean) : nlohmann::json(nullptr)}});
    }
    j["zones"].push_back(std::move(zj));
  }
  j["sensitivity"] = nlohmann::json::array();
  for (const auto& s : r.sensitivity) {
    j["sensitivity"].push_back({{"site", s.site},
                                {"output", s.output},
                                {"input", s.input},
                                {"first_order", s.index.first_order},
                                {"total_order", s.index.total_order},
                                {"first_order_ci", s.index.first_order_ci},
                                {"total_order_ci", s.index.total_order_ci}});
  }
  j["disclaimer"] = std::string(kDisclaimer);
  return j;
}

std::string to_text(const Result& r) {
  std::string t = fmt::format(
      "mnsim cohort: {} virtual people (seed {}, {} rank(s)); chain per zone: pattern on a "
      "1 cm^2 patch, {}response, course; {}\n",
      r.n, r.seed, r.ranks, r.delivery || r.numbed ? "delivery (1D transport), " : "(no delivery) ",
      r.numbed ? "pain without and with the anaesthetic" : "pain without anaesthetic");
  for (const auto& z : r.zones) {
    t += fmt::format("\n{} ({})\n", z.site, z.indication);
    t += fmt::format("  {:<28} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "", "p5", "p25", "p50", "p75",
                     "p95");
    for (const Outcome o : kDistributions) {
      const auto& p = z.outcomes[o];
      t += fmt::format("  {:<28} {:>9.4g} {:>9.4g} {:>9.4g} {:>9.4g} {:>9.4g}\n", kOutcomeNames[o],
                       p.p5, p.p25, p.p50, p.p75, p.p95);
    }
    for (const Outcome o : {kDeliveredUgPerCm2, kPainNrsNumbed}) {
      if ((o == kDeliveredUgPerCm2 && !r.delivery) || (o == kPainNrsNumbed && !r.numbed))
        continue;
      const auto& p = z.outcomes[o];
      t += fmt::format("  {:<28} {:>9.4g} {:>9.4g} {:>9.4g} {:>9.4g} {:>9.4g}\n", kOutcomeNames[o],
                       p.p5, p.p25, p.p50, p.p75, p.p95);
    }
    t += fmt::format("  P(real depth reaches the indication's goal depth) = {:.3f}\n",
                     z.p_reach_target);
    t += fmt::format("  P(redness beyond the accepted {:g} days)          = {:.3f}\n",
                     r.max_downtime_days, z.p_downtime_exceeds);
    t += "  PIH risk by phototype (mean probability; people):";
    for (const auto& ph : z.pih_by_phototype) {
      if (ph.people > 0)
        t += fmt::format("  {}: {:.3f} ({})", ph.fitzpatrick, ph.pih_probability_mean, ph.people);
    }
    t += "\n";
  }
  if (!r.sensitivity.empty()) {
    t += fmt::format(
        "\nSensitivity (Sobol indices from {} Saltelli rows; 95 % bootstrap intervals), "
        "largest total order first:\n",
        r.sobol_n);
    t += fmt::format("  {:<10} {:<22} {:<20} {:>22} {:>22}\n", "site", "output", "input",
                     "first order", "total order");
    for (const auto& s : r.sensitivity) {
      t += fmt::format(
          "  {:<10} {:<22} {:<20} {:>6.3f} [{:>6.3f},{:>6.3f}] {:>6.3f} [{:>6.3f},{:>6.3f}]\n",
          s.site, s.output, s.input, s.index.first_order, s.index.first_order_ci[0],
          s.index.first_order_ci[1], s.index.total_order, s.index.total_order_ci[0],
          s.index.total_order_ci[1]);
    }
    // Too few rows show as indices far outside [0, 1] and wide intervals:
    // say so rather than let a ranking of noise be read as a finding.
    double widest = 0;
    for (const auto& s : r.sensitivity) {
      widest = std::max({widest, s.index.first_order_ci[1] - s.index.first_order_ci[0],
                         s.index.total_order_ci[1] - s.index.total_order_ci[0]});
    }
    if (widest > kUnresolvedCiWidth) {
      t += fmt::format(
          "  Not resolved: {} rows leave a 95 % interval {:.2g} wide (indices live in [0, 1]); "
          "read no ranking from this table and rerun with a larger --sobol-n (docs/cohorts.md).\n",
          r.sobol_n, widest);
    }
  } else {
    t += "\nSensitivity: not computed (--sobol-n 0).\n";
  }
  t += "\n" + std::string(kDisclaimer) + "\n";
  return t;
}

}  // namespace mnsim::cohort
