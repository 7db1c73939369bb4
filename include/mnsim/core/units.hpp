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

// Conversions at boundaries: `to_x(si)` is the value in X, `from_x(x)` the
// value in SI. A unit smaller than its SI unit converts by multiplying with
// its whole-number reciprocal (1 / kUm is exactly 1e6), a larger one by
// dividing (s / 3600), so a conversion gives the same bits as the literal
// factor it replaces (`m * 1e6`, `s / 3600.0`, `um * 1e-6`).
struct ToUnit {
  double k;
  constexpr double operator()(double si) const { return k < 1 ? si * (1.0 / k) : si / k; }
};
struct FromUnit {
  double k;
  constexpr double operator()(double x) const { return x * k; }
};

// clang-format off
inline constexpr ToUnit to_um{kUm},        to_mm{kMm},        to_cm{kCm},     to_cm2{kCm2};
inline constexpr FromUnit from_um{kUm},    from_mm{kMm},      from_cm2{kCm2};
inline constexpr ToUnit to_hours{kHour},   to_days{kDay},     to_minutes{kMin};
inline constexpr FromUnit from_hours{kHour}, from_days{kDay}, from_minutes{kMin};
inline constexpr ToUnit to_mn{kMN},        to_mpa{kMPa};
// clang-format on

// A count per cm^2 in SI [1/m^2] (exactly 1e4 per m^2).
inline constexpr double kPerCm2 = 1.0 / kCm2;

// Concentrations and doses: ug/ml = mg/l = g/m^3 ... kept as named factors.
inline constexpr double kUgPerMl = kUg / kMl;    // [kg/m^3]
inline constexpr double kUgPerCm2 = kUg / kCm2;  // [kg/m^2]
inline constexpr double kMgPerMl = kMg / kMl;    // [kg/m^3]
inline constexpr double kUlPerCm2 = kUl / kCm2;  // [m]
inline constexpr double kCmPerH = kCm / kHour;   // [m/s] permeability

// Ratios used where a figure crosses a boundary in one unit and is compared
// in another (exact in binary to the last bit they need).
inline constexpr double kUmPerM = 1.0 / kUm;           // exactly 1e6
inline constexpr double kUmPerMm = kMm * (1.0 / kUm);  // exactly 1000

// Memory: the budgets' megabytes are decimal (1 MB = 10^6 bytes).
inline constexpr double kBytesPerMb = 1e6;

}  // namespace mnsim::units
