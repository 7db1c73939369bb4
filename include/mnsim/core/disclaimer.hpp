#pragma once

#include <string_view>

namespace mnsim {

// Carried by every report and plan, in text and JSON.
inline constexpr std::string_view kDisclaimer =
    "mnsim informs decisions; it does not make them. Its figures are model estimates with "
    "stated uncertainty, not a diagnosis or a prescription: the treating professional decides.";

}  // namespace mnsim
