// Case-file names of the case vocabulary's enums: one table per enum, read in
// both directions.
#include <array>
#include <utility>

#include "mnsim/case/case.hpp"

namespace mnsim::cases {

namespace {

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<std::string_view, E>, N>;

constexpr NameTable<Sex, 2> kSex{{{"female", Sex::Female}, {"male", Sex::Male}}};
constexpr NameTable<DeviceKind, 3> kDeviceKind{
    {{"pen", DeviceKind::Pen}, {"roller", DeviceKind::Roller}, {"stamp", DeviceKind::Stamp}}};
constexpr NameTable<Setting, 2> kSetting{{{"clinic", Setting::Clinic}, {"home", Setting::Home}}};
constexpr NameTable<Indication, 5> kIndication{{{"fine_lines", Indication::FineLines},
                                                {"wrinkles", Indication::Wrinkles},
                                                {"acne_scars", Indication::AcneScars},
                                                {"stretch_marks", Indication::StretchMarks},
                                                {"texture", Indication::Texture}}};
constexpr NameTable<Fidelity, 3> kFidelity{
    {{"1d", Fidelity::OneD}, {"axisymmetric", Fidelity::Axisymmetric}, {"3d", Fidelity::ThreeD}}};
constexpr NameTable<Applied, 2> kApplied{{{"before", Applied::Before}, {"after", Applied::After}}};
constexpr NameTable<DonorKind, 2> kDonor{
    {{"infinite", DonorKind::Infinite}, {"finite", DonorKind::Finite}}};
constexpr NameTable<SinkKind, 2> kSink{
    {{"perfect", SinkKind::Perfect}, {"clearance", SinkKind::Clearance}}};

template <typename E, std::size_t N>
std::string_view name_of(E v, const NameTable<E, N>& table) {
  for (const auto& [name, value] : table) {
    if (value == v)
      return name;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> value_of(std::string_view text, const NameTable<E, N>& table) {
  for (const auto& [name, value] : table) {
    if (name == text)
      return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Sex v) {
  return name_of(v, kSex);
}
std::string_view to_string(DeviceKind v) {
  return name_of(v, kDeviceKind);
}
std::string_view to_string(Setting v) {
  return name_of(v, kSetting);
}
std::string_view to_string(Indication v) {
  return name_of(v, kIndication);
}
std::string_view to_string(Fidelity v) {
  return name_of(v, kFidelity);
}
std::string_view to_string(Applied v) {
  return name_of(v, kApplied);
}
std::string_view to_string(DonorKind v) {
  return name_of(v, kDonor);
}
std::string_view to_string(SinkKind v) {
  return name_of(v, kSink);
}

template <>
std::optional<Sex> from_string<Sex>(std::string_view s) {
  return value_of(s, kSex);
}
template <>
std::optional<DeviceKind> from_string<DeviceKind>(std::string_view s) {
  return value_of(s, kDeviceKind);
}
template <>
std::optional<Setting> from_string<Setting>(std::string_view s) {
  return value_of(s, kSetting);
}
template <>
std::optional<Indication> from_string<Indication>(std::string_view s) {
  return value_of(s, kIndication);
}
template <>
std::optional<Fidelity> from_string<Fidelity>(std::string_view s) {
  return value_of(s, kFidelity);
}
template <>
std::optional<Applied> from_string<Applied>(std::string_view s) {
  return value_of(s, kApplied);
}
template <>
std::optional<DonorKind> from_string<DonorKind>(std::string_view s) {
  return value_of(s, kDonor);
}
template <>
std::optional<SinkKind> from_string<SinkKind>(std::string_view s) {
  return value_of(s, kSink);
}

}  // namespace mnsim::cases
