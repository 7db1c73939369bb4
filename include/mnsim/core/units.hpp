// Units: mnsim computes in SI (m, s, kg, mol, Pa, N) and converts only at its
// boundaries (case files, data tables, JSON, text), where every quantity
// carries its unit in its name (`depth_um`, `horizon_h`). This header is the
// one place the conversion factors live: stage code writes `depth_um * units::kUm`
// or `units::to_um(depth_m)`, never a bare `1e-6`.
//
// Naming: `kX` is the size of one X in SI, so `value_x * kX` is SI and
// `value_si / kX` is in X; `to_x(si)` and `from_x(x)` are the same, spelled out.
#pragma once

namespace mnsim::units {

// Length [m]
inline constexpr double kM = 1.0;
inline constexpr double kCm = 1e-2;
inline constexpr double kMm = 1e-3;
inline constexpr double kUm = 1e-6;
inline constexpr double kNm = 1e-9;

// Area [m^2]
inline constexpr double kCm2 = kCm * kCm;
inline constexpr double kMm2 = kMm * kMm;
inline constexpr double kUm2 = kUm * kUm;

// Volume [m^3]
inline constexpr double kCm3 = kCm * kCm * kCm;
inline constexpr double kMl = kCm3;
inline constexpr double kUl = kMm * kMm * kMm;
inline constexpr double kL = 1e-3;

// Time [s]
inline constexpr double kS = 1.0;
inline constexpr double kMin = 60.0;
inline constexpr double kHour = 3600.0;
inline constexpr double kDay = 86400.0;

// Mass [kg]
inline constexpr double kKg = 1.0;
inline constexpr double kG = 1e-3;
inline constexpr double kMg = 1e-6;
inline constexpr double kUg = 1e-9;

// Pressure and force
inline constexpr double kPa = 1.0;
inline constexpr double kKPa = 1e3;
inline constexpr double kMPa = 1e6;
inline constexpr double kN = 1.0;
inline constexpr double kMN = 1e-3;  // millinewton

// Frequently used at boundaries.
constexpr double to_um(double m) {
  return m / kUm;
}
constexpr double from_um(double um) {
  return um * kUm;
}
constexpr double to_mm(double m) {
  return m / kMm;
}
constexpr double from_mm(double mm) {
  return mm * kMm;
}
constexpr double to_cm(double m) {
  return m / kCm;
}
constexpr double to_cm2(double m2) {
  return m2 / kCm2;
}
constexpr double from_cm2(double cm2) {
  return cm2 * kCm2;
}
constexpr double to_hours(double s) {
  return s / kHour;
}
constexpr double from_hours(double h) {
  return h * kHour;
}
constexpr double to_days(double s) {
  return s / kDay;
}
constexpr double from_days(double d) {
  return d * kDay;
}
constexpr double to_minutes(double s) {
  return s / kMin;
}
constexpr double from_minutes(double min) {
  return min * kMin;
}

// Concentrations and doses: ug/ml = mg/l = g/m^3 ... kept as named factors.
inline constexpr double kUgPerMl = kUg / kMl;    // [kg/m^3]
inline constexpr double kUgPerCm2 = kUg / kCm2;  // [kg/m^2]
inline constexpr double kMgPerMl = kMg / kMl;    // [kg/m^3]
inline constexpr double kUlPerCm2 = kUl / kCm2;  // [m]
inline constexpr double kCmPerH = kCm / kHour;   // [m/s] permeability

}  // namespace mnsim::units
