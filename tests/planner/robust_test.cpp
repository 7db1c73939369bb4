// Robust planning (`plan --robust`, docs/safety.md): with a population, a
// setting whose point and p90 figures fit the limits but whose share of
// people beyond the accepted downtime (or a depth cap) is above the level is
// rejected; the plan reports the shares it holds.
#include <gtest/gtest.h>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/planner/limits.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/report.hpp"
#include "mnsim/planner/screening.hpp"
#include "test_util.hpp"

namespace mnsim::planner {
namespace {

using cases::Indication;

// LinearPredictor's figures for the patient; its population: 100 people
// whose downtime is the patient's x m_k, m_k evenly from 0.5 to 2.0, and
// whose real depth is the patient's x (1 + depth_spread (k / 99 - 0.5)).
class PopulationPredictor final : public Predictor {
 public:
  test::LinearPredictor base;
  double depth_spread = 0;

  [[nodiscard]] ZonePrediction predict_zone(const cases::Case& c, std::size_t zone,
                                            const ZoneSetting& s,
                                            const CourseSetting& course) const override {
    return base.predict_zone(c, zone, s, course);
  }
  [[nodiscard]] std::optional<PopulationDraws> predict_population(
      const cases::Case& c, std::size_t zone, const ZoneSetting& s) const override {
    const ZonePrediction p = base.predict_zone(c, zone, s, CourseSetting{});
    PopulationDraws d;
    d.population = "100 test people";
    for (int k = 0; k < 100; ++k) {
      const double u = k / 99.0;
      d.downtime_days.push_back(p.downtime_days * (0.5 + 1.5 * u));
      d.real_depth_um.push_back(p.real_depth_um * (1 + depth_spread * (u - 0.5)));
    }
    return d;
  }
  [[nodiscard]] std::optional<double> anaesthetic_onset_min(
      const cases::Case& c, std::string_view product) const override {
    return base.anaesthetic_onset_min(c, product);
  }
  [[nodiscard]] std::string name() const override { return "population-test"; }
};

cases::Case robust_case() {
  cases::Case c = test::case_with({{"cheek", Indication::StretchMarks}});  // deep cap
  c.patient.fitzpatrick = 2;
  c.patient.max_downtime_days = 3;
  c.device.kind = cases::DeviceKind::Stamp;  // 0.05 mm steps
  return c;
}

Plan robust_plan(const cases::Case& c, const Predictor& p, std::optional<double> level) {
  PlannerOptions o;
  o.robust_level = level;
  return make_plan(c, test::device_of(c), p, Limits::builtin(), Screening::builtin(),
                   anatomy::Atlas::builtin(), o);
}

TEST(RobustPlanning, RejectsASettingTooManyOfThePopulationExceed) {
  const cases::Case c = robust_case();
  PopulationPredictor pred;
  pred.base.fraction = 0.3;
  pred.base.downtime_per_mm = 2;
  const Plan ordinary = robust_plan(c, pred, std::nullopt);
  const Plan robust = robust_plan(c, pred, 0.10);
  ASSERT_TRUE(ordinary.zones[0].setting && robust.zones[0].setting);
  const auto& s0 = *ordinary.zones[0].setting;
  const auto& s1 = *robust.zones[0].setting;
  // The ordinary plan's setting fits the accepted 3 days at the point figure
  // (no intervals here) ...
  const double t0 = 2 * s0.depth_mm * s0.passes;
  ASSERT_LE(t0, 3 + 1e-9);
  // ... but more than 10 % of the population exceed it there,
  const auto d0 = pred.predict_population(c, 0, s0);
  int over = 0;
  for (const double t : d0->downtime_days)
    over += t > 3 + 1e-9 ? 1 : 0;
  ASSERT_GT(over, 10);
  // so the robust plan is gentler, and holds the level.
  EXPECT_LT(s1.depth_mm * s1.passes, s0.depth_mm * s0.passes);
  ASSERT_TRUE(robust.zones[0].population);
  const PopulationRisk& r = *robust.zones[0].population;
  EXPECT_EQ(r.people, 100);
  EXPECT_LE(r.p_exceeds, 0.10);
  EXPECT_GT(r.p_downtime_exceeds, 0.0);  // the level binds: some still exceed
  EXPECT_EQ(r.p_depth_cap_exceeds, 0.0);
  EXPECT_EQ(robust.zones[0].binding_constraint, "population_risk");
  EXPECT_EQ(robust.robust_level, 0.10);
  EXPECT_EQ(robust.robust_population, "100 test people");
  EXPECT_FALSE(ordinary.zones[0].population);
  // The JSON carries the shares only under the robust rule.
  const auto j = plan_json(robust);
  EXPECT_DOUBLE_EQ(j["zones"][0]["p_exceeds"].get<double>(), r.p_exceeds);
  EXPECT_DOUBLE_EQ(j["robust"]["level"].get<double>(), 0.10);
  EXPECT_FALSE(plan_json(ordinary).contains("robust"));
  EXPECT_FALSE(plan_json(ordinary)["zones"][0].contains("p_exceeds"));
  // limit_violations says the same of the ordinary setting under the level.
  Plan bad = robust;
  bad.zones[0].setting = s0;
  bad.zones[0].prediction = pred.predict_zone(c, 0, s0, *bad.course);
  bad.zones[0].population->p_exceeds = static_cast<double>(over) / 100.0;
  const auto v =
      limit_violations(bad, c, test::device_of(c), Limits::builtin(), anatomy::Atlas::builtin());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("population exceedance"), std::string::npos);
}

TEST(RobustPlanning, CountsTheDepthCapToo) {
  cases::Case c = robust_case();
  c.zones[0].indication = Indication::FineLines;  // shallow cap: the depth binds
  c.patient.max_downtime_days = 30;
  PopulationPredictor pred;
  pred.base.fraction = 0.9;
  pred.depth_spread = 0.6;  // the deepest person reaches 1.3 x the patient's depth
  const Plan ordinary = robust_plan(c, pred, std::nullopt);
  const Plan robust = robust_plan(c, pred, 0.05);
  ASSERT_TRUE(ordinary.zones[0].setting && robust.zones[0].setting);
  EXPECT_LT(robust.zones[0].setting->depth_mm, ordinary.zones[0].setting->depth_mm);
  ASSERT_TRUE(robust.zones[0].population);
  EXPECT_LE(robust.zones[0].population->p_depth_cap_exceeds, 0.05);
  EXPECT_EQ(robust.zones[0].population->p_downtime_exceeds, 0.0);
}

TEST(RobustPlanning, APredictorWithoutAPopulationIsRefused) {
  const cases::Case c = robust_case();
  test::LinearPredictor pred;
  EXPECT_THROW(robust_plan(c, pred, 0.10), InputError);
}

}  // namespace
}  // namespace mnsim::planner
