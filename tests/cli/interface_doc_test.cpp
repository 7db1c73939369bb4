// docs/interface.md is the contract: every `keys` block names a command and
// the JSON paths it answers. Each command runs on the built-in default case;
// every listed path must exist, and every top-level key the command emits
// must be listed.
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../support/cli_harness.hpp"

namespace {

struct KeysBlock {
  std::string args;                // the command line after `mnsim`
  std::vector<std::string> paths;  // "zones[].acute.pain_nrs"
};

std::vector<KeysBlock> keys_blocks(const std::string& doc_path) {
  std::ifstream in(doc_path);
  std::vector<KeysBlock> blocks;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line.rfind("```keys ", 0) == 0) {
      blocks.push_back({line.substr(8), {}});
      inside = true;
    } else if (inside && line.rfind("```", 0) == 0) {
      inside = false;
    } else if (inside && !line.empty()) {
      blocks.back().paths.push_back(line.substr(0, line.find(' ')));
    }
  }
  return blocks;
}

// Whether `path` (segments separated by '.', "name[]" = every element of an
// array) exists in `j`; `where` names the first place it is missing.
bool has_path(const nlohmann::json& j, const std::string& path, std::string& where) {
  const auto dot = path.find('.');
  std::string head = path.substr(0, dot);
  const std::string rest = dot == std::string::npos ? "" : path.substr(dot + 1);
  const bool each = head.size() > 2 && head.compare(head.size() - 2, 2, "[]") == 0;
  if (each)
    head.resize(head.size() - 2);
  if (!j.is_object() || !j.contains(head)) {
    where = head;
    return false;
  }
  const auto& v = j[head];
  if (each) {
    if (!v.is_array() || v.empty()) {
      where = head + " (not a non-empty array)";
      return false;
    }
    for (const auto& e : v) {
      if (!rest.empty() && !has_path(e, rest, where))
        return false;
    }
    return true;
  }
  return rest.empty() || has_path(v, rest, where);
}

class InterfaceDoc : public mnsim::testing::CliTest {};

TEST_F(InterfaceDoc, EveryCommandAnswersTheDocumentedKeysAndNoUndocumentedOnes) {
  const auto blocks = keys_blocks(std::string(MNSIM_SOURCE_DIR) + "/docs/interface.md");
  ASSERT_GE(blocks.size(), 9U) << "docs/interface.md lost its keys blocks";
  for (const auto& b : blocks) {
    std::string args;
    std::istringstream words(b.args);
    for (std::string w; words >> w;) {
      args.push_back(' ');
      if (w.rfind("cases/", 0) == 0)
        args.append(MNSIM_SOURCE_DIR).push_back('/');
      args.append(w);
    }
    const auto r = mnsim(args);
    ASSERT_EQ(r.status, 0) << b.args << ": " << r.err;
    const auto j = nlohmann::json::parse(r.out);
    std::set<std::string> documented;
    for (const auto& p : b.paths) {
      std::string where;
      EXPECT_TRUE(has_path(j, p, where))
          << b.args << ": documented " << p << " missing at " << where;
      documented.insert(p.substr(0, p.find_first_of(".[")));  // its top-level key
    }
    for (const auto& [key, value] : j.items()) {
      EXPECT_TRUE(documented.count(key) == 1)
          << b.args << ": emits top-level key '" << key << "' not in docs/interface.md";
    }
  }
}

TEST_F(InterfaceDoc, ProvenanceHashesTheCaseBytesAndIsNullWithoutACase) {
  const auto path = write("c.toml", "[case]\nseed = 7\n[[zones]]\nsite = \"cheek\"\n");
  const auto with_case =
      nlohmann::json::parse(mnsim("case check " + path.string() + " --json").out);
  // SHA-256 of those exact bytes (sha256sum).
  EXPECT_EQ(with_case["case_sha256"],
            "27272b26e9c504d46d654bcd31a683d247c6d91e1f522230e46c823792446772");
  EXPECT_EQ(with_case["seed"], 7);
  EXPECT_EQ(with_case["schema_version"], 2);
  const auto without = nlohmann::json::parse(mnsim("validate --json").out);
  EXPECT_TRUE(without["case_sha256"].is_null());
  EXPECT_TRUE(without["seed"].is_null());
  EXPECT_EQ(without["mnsim_version"], with_case["mnsim_version"]);
}

}  // namespace
