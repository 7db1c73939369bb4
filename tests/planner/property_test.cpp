// Property: over thousands of random cases and predictors, the plan never
// leaves the safety limits. RapidCheck with a FIXED seed (deterministic), and
// with shrinking, so a failure is reported as a small case.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/planner/atlas_predictor.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/screening.hpp"
#include "test_util.hpp"

namespace mnsim::planner {
namespace {

using cases::Indication;

constexpr std::uint64_t kSeed = 20240611;
constexpr int kCases = 2000;

// A deliberately awkward predictor: random scales, non-linear and (for the
// real depth) non-monotone, so the clamps and the step-down are exercised.
class WildPredictor final : public Predictor {
 public:
  double fraction = 0.5, wiggle = 0.0, downtime_scale = 2.0, gain_scale = 0.2, exponent = 1.0;
  [[nodiscard]] ZonePrediction predict_zone(const cases::Case& /*c*/, std::size_t zone,
                                            const ZoneSetting& s,
                                            const CourseSetting& course) const override {
    ZonePrediction p;
    p.real_depth_um = fraction * s.depth_mm * 1000.0 *
                      (1.0 + wiggle * std::sin(17.0 * s.depth_mm + static_cast<double>(zone)));
    p.downtime_days = downtime_scale * std::pow(s.depth_mm, exponent) * s.passes;
    p.collagen_gain_rel = 1.0 + gain_scale * std::sqrt(s.depth_mm) * course.sessions *
                                    std::log1p(s.passes) / std::log1p(4.0);
    return p;
  }
  [[nodiscard]] std::optional<double> anaesthetic_onset_min(const cases::Case&,
                                                            std::string_view) const override {
    return 37.0;
  }
  [[nodiscard]] std::string name() const override { return "wild-test"; }
};

struct Generated {
  cases::Case c;
  bool use_atlas_predictor = true;
  WildPredictor wild;
};

rc::Gen<Generated> gen_case() {
  const auto& atlas = anatomy::Atlas::builtin();
  const auto sites = atlas.site_ids();
  const auto codes = Screening::builtin().history_codes();
  return rc::gen::exec([sites, codes] {
    Generated g;
    cases::Case& c = g.c;
    c = io::default_case();
    c.zones.clear();
    c.patient.age_years = *rc::gen::inRange(18, 101);
    c.patient.sex = *rc::gen::element(cases::Sex::Female, cases::Sex::Male);
    c.patient.fitzpatrick = *rc::gen::inRange(1, 7);
    c.patient.max_downtime_days = *rc::gen::inRange(0, 301) / 10.0;
    c.procedure.setting = *rc::gen::element(cases::Setting::Clinic, cases::Setting::Home);
    c.device.kind = *rc::gen::element(cases::DeviceKind::Pen, cases::DeviceKind::Roller,
                                      cases::DeviceKind::Stamp);
    c.device.needle_length_mm = *rc::gen::inRange(5, 301) / 100.0;
    c.device.uses = *rc::gen::inRange(0, 30);
    c.course.interval_days = *rc::gen::inRange(1, 366);
    c.patient.history.clear();
    const int n_hist = *rc::gen::inRange(0, 3);
    for (int i = 0; i < n_hist; ++i)
      c.patient.history.push_back(codes[*rc::gen::inRange<std::size_t>(0, codes.size())]);
    if (*rc::gen::inRange(0, 2) == 0)
      c.product.reset();
    if (*rc::gen::inRange(0, 2) == 0)
      c.procedure.anaesthetic.reset();
    const int n_zones = *rc::gen::inRange(1, 4);
    for (int i = 0; i < n_zones; ++i) {
      cases::Zone z;
      z.site = sites[*rc::gen::inRange<std::size_t>(0, sites.size())];
      z.indication =
          *rc::gen::element(Indication::FineLines, Indication::Wrinkles, Indication::AcneScars,
                            Indication::StretchMarks, Indication::Texture);
      if (*rc::gen::inRange(0, 2) == 0)
        z.depth_mm = *rc::gen::inRange(5, 301) / 100.0;
      c.zones.push_back(z);
    }
    g.use_atlas_predictor = *rc::gen::inRange(0, 2) == 0;
    g.wild.fraction = *rc::gen::inRange(5, 101) / 100.0;
    g.wild.wiggle = *rc::gen::inRange(0, 51) / 100.0;
    g.wild.downtime_scale = *rc::gen::inRange(0, 200) / 10.0;
    g.wild.gain_scale = *rc::gen::inRange(0, 100) / 100.0;
    g.wild.exponent = *rc::gen::inRange(3, 30) / 10.0;
    return g;
  });
}

// The limits restated from the data, independently of zone_limits().
void check_plan(const Generated& g, const Plan& plan) {
  const cases::Case& c = g.c;
  const Limits& l = Limits::builtin();
  const auto& atlas = anatomy::Atlas::builtin();
  const bool absolute =
      std::any_of(c.patient.history.begin(), c.patient.history.end(), [](const std::string& code) {
        for (const auto& r : Screening::builtin().rules()) {
          if (r.code == code && r.severity == Severity::Absolute && r.affects == Affects::Needling)
            return true;
        }
        return false;
      });
  RC_ASSERT(plan.eligible == !absolute);
  RC_ASSERT(plan.zones.size() == c.zones.size());
  const double factor = c.patient.fitzpatrick >= 4 ? l.phototype_depth_factor : 1.0;
  const std::size_t kind = static_cast<std::size_t>(c.device.kind);
  for (std::size_t i = 0; i < plan.zones.size(); ++i) {
    const auto& z = plan.zones[i];
    if (!plan.eligible) {
      RC_ASSERT(!z.setting);
      continue;
    }
    if (!z.setting)
      continue;
    const double d = z.setting->depth_mm;
    RC_ASSERT(d >= l.min_setting_mm[kind] - 1e-12);
    RC_ASSERT(d <= l.clinic_max_setting_mm * factor + 1e-12);
    RC_ASSERT(d <= l.site(c.zones[i].site).max_setting_mm * factor + 1e-12);
    if (c.procedure.setting == cases::Setting::Home)
      RC_ASSERT(d <= l.home_max_setting_mm * factor + 1e-12);
    // On the device's step grid.
    RC_ASSERT(std::abs(d / l.step_mm[kind] - std::round(d / l.step_mm[kind])) < 1e-6);
    RC_ASSERT(z.setting->passes >= l.min_passes && z.setting->passes <= l.max_passes);
    RC_ASSERT(z.prediction.has_value());
    RC_ASSERT(z.prediction->downtime_days <= c.patient.max_downtime_days + 1e-9);
    const auto st =
        atlas.stack(c.zones[i].site, {c.patient.age_years, c.patient.sex, c.patient.fitzpatrick});
    const double skin_um = (st.epidermis_m() + st.dermis_m()) * 1e6;
    RC_ASSERT(z.prediction->real_depth_um <= l.skin_fraction * skin_um * factor + 1e-9);
  }
  if (plan.course) {
    RC_ASSERT(plan.eligible);
    RC_ASSERT(plan.course->sessions >= l.min_sessions && plan.course->sessions <= l.max_sessions);
    RC_ASSERT(plan.course->interval_days >= l.min_interval_days &&
              plan.course->interval_days <= l.max_interval_days);
  }
  if (plan.anaesthetic) {
    RC_ASSERT(plan.eligible);
    RC_ASSERT(!any(plan.contraindications, Severity::Absolute, Affects::Anaesthetic));
  }
  RC_ASSERT(limit_violations(plan, c, test::device_of(c), l, atlas).empty());
}

TEST(PlannerProperty, NeverLeavesTheLimits) {
  rc::detail::TestParams params;
  params.seed = kSeed;
  params.maxSuccess = kCases;
  params.maxSize = 100;
  const auto result = rc::detail::checkTestable(
      [] {
        const Generated g = *gen_case();
        const AtlasPredictor atlas_predictor(anatomy::Atlas::builtin(), g.c.device.kind);
        const Predictor& p =
            g.use_atlas_predictor ? static_cast<const Predictor&>(atlas_predictor) : g.wild;
        const Plan plan = test::plan(g.c, p);  // throws if it ever leaves the limits
        check_plan(g, plan);
      },
      rc::detail::TestMetadata{}, params);
  if (!result.is<rc::detail::SuccessResult>()) {
    std::ostringstream os;
    rc::detail::printResultMessage(result, os);
    FAIL() << os.str();
  }
  EXPECT_EQ(result.get<rc::detail::SuccessResult>().numSuccess, kCases);
}

}  // namespace
}  // namespace mnsim::planner
