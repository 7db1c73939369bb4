// Stage 6, healing: remodelling over a course of sessions (weeks to months).
//
// Inflammation -> fibroblast activation -> collagen III deposition ->
// conversion to collagen I (and elastin, epidermal thickening), each session
// adding injury; solved with a stiff integrator (SUNDIALS CVODE). Model,
// equations, parameters: docs/models/healing.md; fitted parameters:
// data/healing/calibrated.toml (tools/calibrate_healing.cpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mnsim/anatomy/subject.hpp"
#include "mnsim/response/response.hpp"

namespace mnsim::cases {
struct Case;
}

namespace mnsim::healing {

struct Params {
  double inflammation_removal_per_day = 0;      // k_I   (Jin 2011: macrophage removal)
  double fibroblast_activation_per_day = 0;     // k_FA  (Jin 2011: fibroblast growth)
  double fibroblast_deactivation_per_day = 0;   // d_F   (Jin 2011: fibroblast apoptosis)
  double stimulus_half_load_um = 0;             // I50
  double collagen_production_per_day = 0;       // p_c   (fitted: Kenkel 2021)
  double matrix_maturation_per_day = 0;         // k_m   new matrix -> collagen fibres (fitted)
  double collagen_capacity_rel = 0;             // C_max excess over baseline (saturation)
  double collagen3_to_1_per_day = 0;            // k_31
  double collagen1_removal_per_day = 0;         // k_1   excess mature collagen removal
  double inflammatory_degradation_per_day = 0;  // k_mmp at full stimulus
  double elastin_production_ratio = 0;          // p_e / p_c
  double elastin_removal_per_day = 0;
  double epidermis_production_per_day = 0;  // p_ep  (fitted: Lotfi 2013)
  double epidermis_capacity_rel = 0;        // Ep_max
  double epidermis_regression_per_day = 0;  // k_ep
  double collagen_volume_share = 0;         // v_c: dermal thickness per relative collagen
  double elastin_volume_share = 0;          // v_e
  // Labelled hypotheses (default off): multipliers and their basis.
  double prp_activation_factor = 1;
  double vitamin_c_production_factor = 1;

  static const Params& builtin();
  static Params load(std::string_view model_path, std::string_view calibrated_path);
};

// Optional product effects, each a documented hypothesis (docs/models/healing.md).
struct Hypotheses {
  bool prp = false;        // growth factors in platelet-rich plasma raise fibroblast activation
  bool vitamin_c = false;  // cofactor of collagen hydroxylation raises collagen production
  [[nodiscard]] std::vector<std::string> names() const;
};

struct Session {
  double day = 0;
  response::InjuryDose dose;
};

struct CourseOptions {
  double horizon_days = 365;
  int steps_per_day = 24;               // output/interpolation resolution inside the integrator
  double anaesthetic_depth_um = 0;      // for the first session's pain figure
  puncture::ClosureConditions closure;  // channel closure (puncture::ResealingLaw)
  Hypotheses hypotheses;
  double rel_tol = 1e-8;
  // false: skip the first session's acute model (Course::first_session stays
  // empty) -- for callers that already have it (it depends on the dose, not
  // on the course).
  bool first_session_response = true;
};

// Number of ODE states (acute states first, then these) and their order.
enum RemodelState : std::size_t {
  kInflammation = response::kAcuteStates,
  kFibroblasts,
  kCollagen3,
  kCollagen1,
  kElastin,
  kEpidermis,
  kNewMatrix,  // secreted, not yet organised into collagen fibres (k_m)
  kStateCount
};

// The remodelling right-hand side (per day) for states y (kStateCount).
void course_rhs(const response::Params& rp, const Params& hp, const Hypotheses& hyp,
                double barrier_per_day, double pore_close_per_day, std::span<const double> y,
                std::span<double> dydt);

struct Course {
  std::vector<double> days;           // 0, 1, ..., horizon
  std::vector<double> erythema;       // worst grade (0..4) during each day
  std::vector<double> oedema;         // worst grade during each day
  std::vector<double> inflammation;   // stimulus share I/(I+I50) at the start of each day
  std::vector<double> collagen_rel;   // total dermal collagen / baseline, start of each day
  std::vector<double> collagen3_rel;  // excess type III over baseline total
  std::vector<double> collagen1_rel;  // excess type I over baseline total
  std::vector<double> elastin_rel;
  std::vector<double> dermal_thickness_rel;
  std::vector<double> epidermal_thickness_rel;
  std::vector<double> session_days;
  double erythema_resolved_day = 0;  // after the first session
  double collagen_rel_peak = 1;
  double collagen_rel_end = 1;  // at the horizon
  response::AcuteResponse first_session;
  std::vector<std::string> hypotheses;  // names of the hypotheses switched on
};

// Simulates the course. Sessions must be in increasing day order within
// [0, horizon]. Deterministic. Throws InputError on bad options,
// NumericalError on a solver failure or a negative state.
Course simulate_course(const std::vector<Session>& sessions, const anatomy::Subject& subject,
                       const CourseOptions& options = {},
                       const response::Params& rp = response::Params::builtin(),
                       const Params& hp = Params::builtin());

// Sessions every interval_days from day 0, all with the same dose.
std::vector<Session> regular_sessions(int count, double interval_days,
                                      const response::InjuryDose& dose);

// The courses of regular sessions with one dose and one interval that differ
// only in the number of sessions (and so in the horizon). They share
// everything before their last session: the family integrates that prefix
// once, keeps the state after each session, and runs only each course's
// follow-up. collagen_rel_end(s, h) is bit-identical to
// simulate_course(regular_sessions(s, interval, dose), subject, options with
// horizon h).collagen_rel.back() (the same integrator calls in the same order;
// tested), at a fraction of the cost when several counts are asked for (the
// planner's course search). Not thread-safe: one family per thread at a time.
// rp and hp must outlive the family.
class CourseFamily {
 public:
  CourseFamily(const response::InjuryDose& dose, double interval_days,
               const anatomy::Subject& subject, const CourseOptions& options,
               const response::Params& rp = response::Params::builtin(),
               const Params& hp = Params::builtin());
  ~CourseFamily();
  CourseFamily(const CourseFamily&) = delete;
  CourseFamily& operator=(const CourseFamily&) = delete;

  // Total dermal collagen / baseline at the last whole day of a course of
  // `sessions` (>= 1) sessions followed up to horizon_days (at or after the
  // last session). Throws InputError on bad arguments, NumericalError as
  // simulate_course does.
  double collagen_rel_end(int sessions, double horizon_days);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mnsim::healing
