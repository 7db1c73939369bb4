#include "mnsim/core/text.hpp"

#include <gtest/gtest.h>

namespace mnsim::core {
namespace {

TEST(Text, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("abc", ""), 3U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
  EXPECT_EQ(edit_distance("age_years", "age_yaers"), 2U);
}

TEST(Text, ClosestMatchSuggestsTyposOnly) {
  const std::vector<std::string> keys = {"age_years", "sex", "fitzpatrick", "history"};
  EXPECT_EQ(closest_match("age_yeras", keys), "age_years");
  EXPECT_EQ(closest_match("fitzpatric", keys), "fitzpatrick");
  EXPECT_EQ(closest_match("completely_unrelated", keys), "");
}

TEST(Text, FormatNumberRoundTrips) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(45), "45");
  EXPECT_EQ(format_number(1e-11), "1e-11");
  EXPECT_EQ(std::stod(format_number(1.0 / 3.0)), 1.0 / 3.0);
}

}  // namespace
}  // namespace mnsim::core
