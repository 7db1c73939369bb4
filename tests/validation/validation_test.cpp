#include "mnsim/validation/validation.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

namespace mnsim::validation {
namespace {

TEST(Validation, AnatomyRowsAreWellFormed) {
  const auto rows = anatomy_rows(anatomy::Atlas::builtin());
  ASSERT_GE(rows.size(), 10U);
  std::set<std::string> ids;
  int held_out = 0;
  for (const auto& r : rows) {
    EXPECT_TRUE(ids.insert(r.id).second) << "duplicate id " << r.id;
    EXPECT_TRUE(std::isfinite(r.predicted)) << r.id;
    EXPECT_GE(r.tolerance, 0) << r.id;
    EXPECT_EQ(r.pass, std::abs(r.predicted - r.observed) <= r.tolerance) << r.id;
    held_out += r.used_for_fitting ? 0 : 1;
  }
  // Validation proper needs data the atlas was not built from.
  EXPECT_GE(held_out, 5);
}

TEST(Validation, FittedRowsReproduceTheirData) {
  // A datum used to build the atlas must come back (nearly) as published at
  // the reference age: otherwise the table and the model disagree.
  for (const auto& r : anatomy_rows(anatomy::Atlas::builtin())) {
    if (r.used_for_fitting) {
      EXPECT_TRUE(r.pass) << r.id;
    }
  }
}

TEST(Validation, DocsValidationIsUpToDate) {
  std::ifstream in(std::string(MNSIM_SOURCE_DIR) + "/docs/validation.md");
  ASSERT_TRUE(in) << "docs/validation.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  // The markdown generator lives in the CLI; compare the row ids and verdicts.
  for (const auto& r : all_rows()) {
    EXPECT_NE(ss.str().find("| " + r.id + " |"), std::string::npos)
        << r.id << " missing from docs/validation.md: regenerate with\n"
        << "  build/default/mnsim validate --markdown > docs/validation.md";
  }
}

}  // namespace
}  // namespace mnsim::validation
