// The whole pipeline for one case: each zone through the stages in order,
// anatomy -> puncture -> transport -> response -> healing. The CLI, the
// reports and the planner compose this; the stages know nothing of it, and
// bridges.hpp holds the only code that turns one stage's result into the
// next one's input.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/case.hpp"
#include "mnsim/healing/healing.hpp"
#include "mnsim/pipeline/uncertainty.hpp"
#include "mnsim/puncture/pattern.hpp"
#include "mnsim/response/response.hpp"
#include "mnsim/transport/case_delivery.hpp"

namespace mnsim::pipeline {

struct Options {
  bool delivery = true;  // run the transport stage (the slowest)
  // The p10-p50-p90 intervals (uncertainty.hpp): simulation.samples draws,
  // the later stages rerun at three of them (transport when `delivery`).
  bool uncertainty = false;
  healing::Hypotheses hypotheses;  // labelled, unvalidated product effects (off)
  // Transport progress (pipeline::DeliveryProgress, transport_input.hpp); nullptr: none.
  std::function<void(std::size_t zone, std::size_t zones, const std::string& site, double t_s,
                     double horizon_s)>
      progress = nullptr;
};

// Everything computed for one [[zones]] entry, stage by stage.
struct ZoneResult {
  cases::Zone zone;
  anatomy::LayerStack mean_stack;              // stage 1: population mean for the patient
  std::pair<double, double> dermis_range_um;   // stage 1: central 80 % across people
  anatomy::LayerStack skin;                    // this run's person (seeded draw), used below
  puncture::ZonePattern pattern;               // stage 3
  response::InjuryDose dose;                   // stage 5 input, from the pattern
  std::optional<double> anaesthetic_depth_um;  // stage 4: numbed depth when needling starts
  healing::Course course;                      // stages 5-6 (course.first_session: acute)
};

struct RunResult {
  cases::Case case_;
  std::vector<ZoneResult> zones;                    // in case order
  std::optional<transport::CaseDelivery> delivery;  // stage 4 (needs a product or medium)
  std::optional<Uncertainty> uncertainty;           // Options::uncertainty, atlas zones only
};

// The anatomy subject of a case's patient.
anatomy::Subject subject_of(const cases::Case& c);

RunResult run(const cases::Case& c, const anatomy::Atlas& atlas, const Options& options = {});

// Stages 5-6 for one zone given its session dose: the course of c.course.
// `steps_per_day` (output resolution) and `rel_tol` (CVODE) default to the
// reporting accuracy; the planner's predictor uses coarser ones. `zone`: the
// case zone whose site and needle setting set the channel closure.
healing::Course course_of(const cases::Case& c, const response::InjuryDose& dose,
                          std::optional<double> anaesthetic_depth_um = std::nullopt,
                          const healing::Hypotheses& hypotheses = {}, int steps_per_day = 24,
                          double rel_tol = 1e-8, std::size_t zone = 0);

}  // namespace mnsim::pipeline
