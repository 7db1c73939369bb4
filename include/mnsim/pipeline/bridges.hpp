// How one stage's result becomes the next stage's input. The stages know
// nothing of each other; these functions are the only place they meet.
#pragma once

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/healing/observations.hpp"
#include "mnsim/puncture/pattern.hpp"
#include "mnsim/puncture/resealing.hpp"
#include "mnsim/response/response.hpp"
#include "mnsim/transport/case_delivery.hpp"
#include "mnsim/transport/deliver.hpp"

namespace mnsim::pipeline {

// The puncture stage's input for zone `zone_index` of a case: the resolved
// device (resolved_device) and its wear condition, the zone's needle length,
// the person drawn with atlas.sample (seeded from the case seed and the zone
// index), the site's area (puncture::zone_area_m2).
puncture::PatternInput pattern_input(const cases::Case& c, std::size_t zone_index,
                                     const anatomy::Atlas& atlas);

// One zone punctured: the pattern and the skin it was made in (the person
// drawn for that zone from the case seed, pattern_input).
struct Punctured {
  puncture::ZonePattern pattern;
  anatomy::LayerStack skin;
};

// Runs the puncture stage on zone `zone` of the case. `area_m2` > 0 replaces
// the zone's area (the planner simulates a 1 cm^2 patch per trial setting:
// densities and depth distributions do not depend on the area).
Punctured puncture_zone(const cases::Case& c, std::size_t zone, const anatomy::Atlas& atlas,
                        double area_m2 = 0);

// Transport's channels from a pattern: the session's channel density, the
// mean channel depth, the equivalent-circle surface radius of the openings
// (sqrt of the mean major x minor axes / 2) and the needle length used.
// The closure conditions come from puncture::closure_conditions(case, zone),
// the same ones the response and healing stages get (one resealing law).
transport::ChannelSpec channel_spec(const puncture::ZonePattern& p,
                                    const puncture::ClosureConditions& closure);

// The 3D cell's channels from the pattern's representative patch: a square
// window at the patch centre holding on average `channels_wanted` channels
// (side sqrt(wanted / density)), with the channels' actual positions relative
// to the window, depths and equivalent-circle radii. The window is tiled
// periodically: a sample of the zone's real layout, not a periodic device
// pattern (pens stamp clusters, so a window may hold fewer or more). nullopt when the window would
// need more than `max_columns` columns per side at `dx_m` or holds no channel
// (the regular one-channel layout is then used).
std::optional<transport::ChannelLayout> channel_layout(const puncture::ZonePattern& p, double dx_m,
                                                       int channels_wanted = 16,
                                                       int max_columns = 100);

// The injury of one session: the pattern's depth distribution (its whole-zone
// histogram, resampled to at most ~2000 representative depths), its channel
// density and opening, in the skin the channels were made in.
response::InjuryDose injury_dose(const puncture::ZonePattern& p, const anatomy::LayerStack& skin);

// Convenience: puncture zone `zone` and return its dose.
response::InjuryDose session_dose(const cases::Case& c, std::size_t zone,
                                  const anatomy::Atlas& atlas, double area_m2 = 0);

// A healing observation's protocol (a case; zone 0 is used) as the healing
// stage's inputs: the subject, the injury dose of one session computed by the
// puncture stage, occlusion and the course.
healing::Protocol healing_protocol(const cases::Case& c, const anatomy::Atlas& atlas);

// Every zone punctured, as the transport stage's input (for `mnsim deliver`).
std::vector<transport::ZoneSkin> zone_skins(const cases::Case& c, const anatomy::Atlas& atlas);

}  // namespace mnsim::pipeline
