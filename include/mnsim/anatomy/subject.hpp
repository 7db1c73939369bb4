// Who is being treated, as far as the anatomy stage is concerned.
#pragma once

namespace mnsim::anatomy {

enum class Sex { Female, Male };

struct Subject {
  double age_years = 45;
  Sex sex = Sex::Female;
  int fitzpatrick = 3;  // carried for later stages (pigmentation risk); not used for thickness
};

}  // namespace mnsim::anatomy
