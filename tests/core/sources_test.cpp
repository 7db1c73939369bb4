#include "mnsim/core/sources.hpp"

#include <set>

#include <gtest/gtest.h>

#include "mnsim/core/error.hpp"

namespace mnsim::core {
namespace {

TEST(Bibliography, LoadsWithUniqueIdsAndCitations) {
  const auto& bib = Bibliography::builtin();
  ASSERT_FALSE(bib.all().empty());
  std::set<std::string> ids;
  for (const auto& s : bib.all()) {
    EXPECT_TRUE(ids.insert(s.id).second) << s.id;
    EXPECT_FALSE(s.citation.empty()) << s.id;
    EXPECT_TRUE(s.confidence == "H" || s.confidence == "M" || s.confidence == "L") << s.id;
  }
}

TEST(Bibliography, RequireRejectsUnknownIds) {
  const auto& bib = Bibliography::builtin();
  EXPECT_THROW(bib.require({"no_such_source_xyz"}, "test"), DataError);
  EXPECT_NO_THROW(bib.require({bib.all().front().id}, "test"));
}

}  // namespace
}  // namespace mnsim::core
