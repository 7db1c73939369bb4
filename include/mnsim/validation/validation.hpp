// Validation: models against published data, one row per datum.
//
// Each row says whether the datum was used to build or fit the model
// (then it is a consistency check) or held out (then it is validation).
// Data: data/validation/*.toml, each row citing data/sources/*.toml.
#pragma once

#include <string>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/healing/observations.hpp"

namespace mnsim::validation {

struct Row {
  std::string id;
  std::string stage;     // anatomy, puncture, ...
  std::string source;    // a data/sources/*.toml id
  std::string quantity;  // what is compared, e.g. "dermis_um"
  std::string unit;
  std::string condition;  // site, sex, age...: where the datum applies
  double observed = 0;
  double predicted = 0;
  double tolerance = 0;  // pass if |predicted - observed| <= tolerance
  bool pass = false;
  bool used_for_fitting = false;
  std::string note;
};

// Rows of the anatomy stage (data/validation/anatomy.toml against the atlas).
std::vector<Row> anatomy_rows(const anatomy::Atlas& atlas);
// Rows of the puncture stage (data/validation/puncture.toml).
std::vector<Row> puncture_rows(const anatomy::Atlas& atlas);

// The response/healing observations (data/validation/healing.toml), each
// protocol row's case text parsed and turned into the healing stage's inputs
// (pipeline::healing_protocol), as the validation rows and the calibration
// tool (tools/calibrate_healing.cpp) need them. DataError on a bad protocol.
std::vector<healing::Observation> healing_observations(const anatomy::Atlas& atlas);

// Rows of the response and healing stages (data/validation/healing.toml).
std::vector<Row> healing_rows();
// Rows of the transport stage (data/validation/transport.toml).
std::vector<Row> transport_rows();

// Every stage's rows, in pipeline order.
std::vector<Row> all_rows();

struct Summary {
  int rows = 0;
  int passed = 0;
  int held_out = 0;  // rows not used for fitting
  int held_out_passed = 0;
};
Summary summarize(const std::vector<Row>& rows);

}  // namespace mnsim::validation
