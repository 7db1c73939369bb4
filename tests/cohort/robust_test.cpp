// Robust planning's population (cohort::RobustPredictor): people like the
// patient (age band, sex, phototype) drawn through the cohort's person draws,
// each run at the setting; reproducible and thread-safe by construction.
#include <algorithm>

#include <gtest/gtest.h>

#include "mnsim/cohort/cohort.hpp"
#include "mnsim/cohort/robust.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/predictor.hpp"

namespace {

using namespace mnsim;

TEST(RobustPopulation, IsThePatientsAgeBandSexAndPhototype) {
  cases::Patient patient;
  patient.age_years = 45;
  patient.sex = cases::Sex::Male;
  patient.fitzpatrick = 5;
  const cases::Population p = cohort::population_like(patient);
  EXPECT_DOUBLE_EQ(p.age_years_min, 40);
  EXPECT_DOUBLE_EQ(p.age_years_max, 50);
  for (std::size_t row = 0; row < 50; ++row) {
    const cohort::Person q = cohort::person_of(p, cohort::draw_inputs(3, 'A', row));
    EXPECT_EQ(q.sex, cases::Sex::Male);
    EXPECT_EQ(q.fitzpatrick, 5);
    EXPECT_GE(q.age_years, 40);
    EXPECT_LE(q.age_years, 50);
  }
  patient.age_years = 19;  // the band stays adult
  EXPECT_DOUBLE_EQ(cohort::population_like(patient).age_years_min, 18);
}

TEST(RobustPopulation, DrawsAreReproducibleAndVaryBetweenPeople) {
  const cases::Case c = io::default_case();
  const pipeline::PipelinePredictor inner(anatomy::Atlas::builtin());
  const cohort::RobustPredictor a(inner, anatomy::Atlas::builtin(), 12);
  const cohort::RobustPredictor b(inner, anatomy::Atlas::builtin(), 12);
  const planner::ZoneSetting s{1.0, 1};
  const auto da = a.predict_population(c, 1, s);
  const auto db = b.predict_population(c, 1, s);
  ASSERT_TRUE(da && db);
  ASSERT_EQ(da->real_depth_um.size(), 12U);
  ASSERT_EQ(da->downtime_days.size(), 12U);
  EXPECT_EQ(da->real_depth_um, db->real_depth_um);
  EXPECT_EQ(da->downtime_days, db->downtime_days);
  const auto [lo, hi] = std::minmax_element(da->real_depth_um.begin(), da->real_depth_um.end());
  EXPECT_GT(*lo, 0.0);
  EXPECT_LT(*lo, *hi);  // between-person variability
  EXPECT_NE(da->population.find("12 people"), std::string::npos);
  // A deeper setting reaches deeper in the same people.
  const auto deeper = a.predict_population(c, 1, planner::ZoneSetting{1.5, 1});
  for (std::size_t k = 0; k < 12; ++k)
    EXPECT_GE(deeper->real_depth_um[k], da->real_depth_um[k]);
}

}  // namespace
