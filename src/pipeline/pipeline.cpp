#include "mnsim/pipeline/pipeline.hpp"

namespace mnsim::pipeline {

anatomy::Subject subject_of(const io::Case& c) {
  return anatomy::Subject{c.patient.age_years, c.patient.sex, c.patient.fitzpatrick};
}

RunResult run(const io::Case& c, const anatomy::Atlas& atlas) {
  RunResult r;
  r.case_ = c;
  const auto subject = subject_of(c);
  for (const auto& z : c.zones) {
    ZoneResult zr;
    zr.zone = z;
    zr.stack = atlas.stack(z.site, subject);
    zr.dermis_range_um = atlas.dermis_range_um(z.site, subject);
    r.zones.push_back(std::move(zr));
  }
  return r;
}

}  // namespace mnsim::pipeline
