#include "mnsim/io/fields.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "mnsim/io/case_reader.hpp"

namespace mnsim::io {
using namespace mnsim::cases;
namespace {

TEST(Fields, PathsUniqueAndTablesKnown) {
  std::set<std::string_view> seen;
  for (const auto& f : case_fields()) {
    EXPECT_TRUE(seen.insert(f.path).second) << f.path;
    std::string table(f.path.substr(0, f.path.rfind('.')));
    if (table.ends_with("[]"))
      table.resize(table.size() - 2);
    EXPECT_NE(find_table(table), nullptr) << f.path;
    EXPECT_FALSE(f.help.empty()) << f.path;
  }
}

TEST(Fields, EveryDefaultIsWithinItsOwnRange) {
  // A case that spells out every default explicitly must parse: the table's
  // defaults obey the table's ranges and choices.
  std::string text;
  std::string current;
  for (const auto& f : case_fields()) {
    if (f.presence != Presence::Default)
      continue;
    if (f.path.find("[]") != std::string_view::npos)
      continue;
    // Optional tables whose presence means something (an anaesthetic, a product).
    if (f.path.starts_with("procedure.anaesthetic") || f.path.starts_with("product."))
      continue;
    if (f.path.starts_with("medium") || f.path.starts_with("donor") || f.path.starts_with("sink")) {
      continue;
    }
    const std::string table(f.path.substr(0, f.path.rfind('.')));
    if (table != current) {
      text += "[" + table + "]\n";
      current = table;
    }
    text += std::string(f.path.substr(f.path.rfind('.') + 1)) + " = " +
            std::string(f.default_value) + "\n";
  }
  text += "[[zones]]\nsite = \"cheek\"\nindication = \"texture\"\n";
  EXPECT_NO_THROW(parse_case(text, "defaults.toml")) << text;
}

TEST(Fields, DocsCaseFileIsUpToDate) {
  std::ifstream in(std::string(MNSIM_SOURCE_DIR) + "/docs/case-file.md");
  ASSERT_TRUE(in) << "docs/case-file.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), fields_markdown())
      << "docs/case-file.md is stale: regenerate with\n"
         "  build/default/mnsim case fields --markdown > docs/case-file.md";
}

TEST(Fields, AllowedTextNamesRangeAndUnit) {
  const auto* f = find_field("patient.age_years");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(allowed_text(*f), "a number in [18, 100] years");
  const auto* k = find_field("device.kind");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(allowed_text(*k), "one of pen, roller, stamp");
}

}  // namespace
}  // namespace mnsim::io
