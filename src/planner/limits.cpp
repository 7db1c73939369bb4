#include "mnsim/planner/limits.hpp"

#include <algorithm>
#include <cmath>

#include "../core/data_toml.hpp"
#include "mnsim/core/sources.hpp"
#include "mnsim/core/units.hpp"

namespace mnsim::planner {

namespace data = core::data;

namespace {

std::array<double, 3> by_kind(const toml::table& t, std::string_view key, const data::Where& w) {
  const auto& sub = data::table(t, key, w);
  const data::Where ws{w.text + ": " + std::string(key)};
  return {data::positive(sub, "pen", ws), data::positive(sub, "roller", ws),
          data::positive(sub, "stamp", ws)};
}

anatomy::Layer layer_of(const std::string& name, std::string_view key, const data::Where& w) {
  for (const auto layer : anatomy::kAllLayers) {
    if (anatomy::layer_id(layer) == name)
      return layer;
  }
  w.fail(key, "unknown layer '" + name + "'");
}

cases::Indication indication_of(const std::string& id, const data::Where& w) {
  for (const auto v :
       {cases::Indication::FineLines, cases::Indication::Wrinkles, cases::Indication::AcneScars,
        cases::Indication::StretchMarks, cases::Indication::Texture}) {
    if (cases::to_string(v) == id)
      return v;
  }
  w.fail("id", "unknown indication '" + id + "'");
}

void require_sources(const toml::table& t, std::string_view key, const data::Where& w) {
  const auto ids = data::strings(t, key, w);
  if (ids.empty())
    w.fail(key, "needs at least one source id");
  core::Bibliography::builtin().require(ids, w.text + ": " + std::string(key));
}

int whole(const toml::table& t, std::string_view key, const data::Where& w) {
  const double v = data::real(t, key, w);
  if (v != std::floor(v) || v < 0)
    w.fail(key, "must be a whole number >= 0");
  return static_cast<int>(v);
}

std::size_t kind_index(cases::DeviceKind k) {
  return static_cast<std::size_t>(k);
}

}  // namespace

std::string_view to_string(Cap v) {
  switch (v) {
    case Cap::DeviceRange:
      return "device_range";
    case Cap::SiteCap:
      return "site_cap";
    case Cap::SensitiveSite:
      return "sensitive_site_cap";
    case Cap::HomeCap:
      return "home_cap";
    case Cap::SkinFraction:
      return "skin_fraction";
    case Cap::IndicationLayer:
      return "indication_layer";
  }
  return "?";
}

Limits Limits::load(std::string_view path, const anatomy::Atlas& atlas) {
  const toml::table root = data::parse(path);
  const std::string p(path);
  Limits l;
  {
    const data::Where w{p + ": [depth]"};
    const auto& t = data::table(root, "depth", {p});
    l.skin_fraction = data::positive(t, "skin_fraction", w);
    if (l.skin_fraction > 1)
      w.fail("skin_fraction", "must be <= 1");
    require_sources(t, "skin_fraction_source", w);
    l.clinic_max_setting_mm = data::positive(t, "clinic_max_setting_mm", w);
    require_sources(t, "clinic_max_setting_source", w);
    l.evaluated_max_setting_mm = data::positive(t, "evaluated_max_setting_mm", w);
    require_sources(t, "evaluated_max_setting_source", w);
    l.min_setting_mm = by_kind(t, "min_setting_mm", w);
    l.step_mm = by_kind(t, "step_mm", w);
    require_sources(t, "min_setting_source", w);
    for (std::size_t k = 0; k < 3; ++k) {
      if (l.min_setting_mm[k] >= l.clinic_max_setting_mm)
        w.fail("min_setting_mm", "must be below clinic_max_setting_mm");
    }
  }
  {
    const data::Where w{p + ": [phototype]"};
    const auto& t = data::table(root, "phototype", {p});
    l.phototype_reduced_from = whole(t, "reduced_from", w);
    l.phototype_depth_factor = data::positive(t, "depth_factor", w);
    if (l.phototype_depth_factor > 1)
      w.fail("depth_factor", "must be <= 1 (less aggressive)");
    require_sources(t, "source", w);
  }
  {
    const data::Where w{p + ": [passes]"};
    const auto& t = data::table(root, "passes", {p});
    l.min_passes = whole(t, "min", w);
    l.max_passes = whole(t, "max", w);
    if (l.min_passes < 1 || l.max_passes < l.min_passes)
      w.fail("max", "need 1 <= min <= max");
    require_sources(t, "source", w);
  }
  {
    const data::Where w{p + ": [course]"};
    const auto& t = data::table(root, "course", {p});
    l.min_sessions = whole(t, "min_sessions", w);
    l.max_sessions = whole(t, "max_sessions", w);
    if (l.min_sessions < 1 || l.max_sessions < l.min_sessions)
      w.fail("max_sessions", "need 1 <= min_sessions <= max_sessions");
    l.min_interval_days = data::positive(t, "min_interval_days", w);
    l.max_interval_days = data::positive(t, "max_interval_days", w);
    l.interval_step_days = data::positive(t, "interval_step_days", w);
    if (l.max_interval_days < l.min_interval_days)
      w.fail("max_interval_days", "must be >= min_interval_days");
    require_sources(t, "source", w);
  }
  {
    const data::Where w{p + ": [home]"};
    const auto& t = data::table(root, "home", {p});
    l.home_max_setting_mm = data::positive(t, "max_setting_mm", w);
    require_sources(t, "max_setting_source", w);
    l.roller_replace_after_uses = whole(t, "roller_replace_after_uses", w);
    require_sources(t, "replace_source", w);
  }
  {
    const data::Where w{p + ": [anaesthetic]"};
    const auto& t = data::table(root, "anaesthetic", {p});
    l.painless_real_depth_um = data::positive(t, "painless_real_depth_um", w);
    require_sources(t, "painless_source", w);
    l.default_anaesthetic = data::string(t, "default_product", w);
    l.round_minutes_to = data::positive(t, "round_minutes_to", w);
  }
  for (const auto& node : data::array_of_tables(root, "site", {p})) {
    const auto& t = *node.as_table();
    SiteCap s;
    s.site = data::string(t, "id", {p + ": a [[site]]"});
    const data::Where w{p + ": site '" + s.site + "'"};
    const auto* rec = atlas.find(s.site);
    if (rec == nullptr)
      w.fail("id", "not an atlas site");
    s.max_setting_mm = data::positive(t, "max_setting_mm", w);
    s.sensitive = data::boolean(t, "sensitive", w);
    if (s.sensitive != rec->sensitive)
      w.fail("sensitive", "must agree with the atlas's sensitive flag");
    s.basis = data::string(t, "basis", w);
    require_sources(t, "source", w);
    for (const auto& other : l.sites) {
      if (other.site == s.site)
        w.fail("id", "duplicate site");
    }
    l.sites.push_back(std::move(s));
  }
  for (const auto& rec : atlas.sites()) {
    if (std::none_of(l.sites.begin(), l.sites.end(),
                     [&](const SiteCap& s) { return s.site == rec.id; })) {
      throw DataError(p + ": no [[site]] cap for atlas site '" + rec.id + "'");
    }
  }
  for (const auto& node : data::array_of_tables(root, "indication", {p})) {
    const auto& t = *node.as_table();
    const std::string id = data::string(t, "id", {p + ": an [[indication]]"});
    const data::Where w{p + ": indication '" + id + "'"};
    IndicationLimits il;
    il.indication = indication_of(id, w);
    il.goal_layer = layer_of(data::string(t, "goal_layer", w), "goal_layer", w);
    il.goal_fraction = data::real(t, "goal_fraction", w);
    il.max_layer = layer_of(data::string(t, "max_layer", w), "max_layer", w);
    il.max_fraction = data::real(t, "max_fraction", w);
    for (const double f : {il.goal_fraction, il.max_fraction}) {
      if (f < 0 || f > 1)
        w.fail("goal_fraction/max_fraction", "must be in [0, 1]");
    }
    il.target_collagen_gain_rel = data::real(t, "target_collagen_gain_rel", w);
    if (il.target_collagen_gain_rel < 1)
      w.fail("target_collagen_gain_rel", "must be >= 1");
    require_sources(t, "source", w);
    l.indications.push_back(il);
  }
  for (const auto v :
       {cases::Indication::FineLines, cases::Indication::Wrinkles, cases::Indication::AcneScars,
        cases::Indication::StretchMarks, cases::Indication::Texture}) {
    if (std::none_of(l.indications.begin(), l.indications.end(),
                     [&](const IndicationLimits& i) { return i.indication == v; })) {
      throw DataError(p + ": no [[indication]] for '" + std::string(cases::to_string(v)) + "'");
    }
  }
  return l;
}

const Limits& Limits::builtin() {
  static const Limits l = load("data/planner/limits.toml", anatomy::Atlas::builtin());
  return l;
}

const SiteCap& Limits::site(std::string_view id) const {
  for (const auto& s : sites) {
    if (s.site == id)
      return s;
  }
  throw DataError("data/planner/limits.toml: no cap for site '" + std::string(id) + "'");
}

const IndicationLimits& Limits::indication(cases::Indication v) const {
  for (const auto& i : indications) {
    if (i.indication == v)
      return i;
  }
  throw DataError("data/planner/limits.toml: no limits for indication '" +
                  std::string(cases::to_string(v)) + "'");
}

std::vector<double> Limits::interval_candidates() const {
  std::vector<double> out;
  for (double d = min_interval_days; d <= max_interval_days + 1e-9; d += interval_step_days)
    out.push_back(d);
  return out;
}

ZoneLimits zone_limits(const cases::Case& c, std::size_t zone, const device::Device& device,
                       const Limits& limits, const anatomy::Atlas& atlas) {
  const cases::Zone& z = c.zones.at(zone);
  const anatomy::Subject subject{c.patient.age_years, c.patient.sex, c.patient.fitzpatrick};
  const anatomy::LayerStack stack = atlas.stack(z.site, subject);
  ZoneLimits zl;
  zl.epidermis_um = stack.epidermis_m() * units::kUmPerM;
  zl.skin_um = (stack.epidermis_m() + stack.dermis_m()) * units::kUmPerM;
  zl.phototype_reduced = c.patient.fitzpatrick >= limits.phototype_reduced_from;
  const double factor = zl.phototype_reduced ? limits.phototype_depth_factor : 1.0;

  // Setting caps: the tightest wins; on a tie the earlier (more specific) one.
  const SiteCap& site = limits.site(z.site);
  zl.max_setting_mm = site.max_setting_mm;
  zl.setting_cap = site.sensitive ? Cap::SensitiveSite : Cap::SiteCap;
  if (c.procedure.setting == cases::Setting::Home &&
      limits.home_max_setting_mm < zl.max_setting_mm) {
    zl.max_setting_mm = limits.home_max_setting_mm;
    zl.setting_cap = Cap::HomeCap;
  }
  if (limits.clinic_max_setting_mm < zl.max_setting_mm) {
    zl.max_setting_mm = limits.clinic_max_setting_mm;
    zl.setting_cap = Cap::DeviceRange;
  }
  zl.max_setting_mm *= factor;
  zl.min_setting_mm = limits.min_setting_mm[kind_index(device.kind)];
  zl.step_mm = limits.step_mm[kind_index(device.kind)];

  // Real-depth caps.
  const auto& ind = limits.indication(z.indication);
  const auto& max_slab = stack.slab(ind.max_layer);
  const double indication_um =
      (max_slab.top_m + ind.max_fraction * max_slab.thickness_m) * units::kUmPerM;
  zl.max_real_depth_um = limits.skin_fraction * zl.skin_um * factor;
  zl.real_depth_cap = Cap::SkinFraction;
  if (indication_um < zl.max_real_depth_um) {
    zl.max_real_depth_um = indication_um;
    zl.real_depth_cap = Cap::IndicationLayer;
  }
  const auto& goal_slab = stack.slab(ind.goal_layer);
  zl.goal_real_depth_um =
      (goal_slab.top_m + ind.goal_fraction * goal_slab.thickness_m) * units::kUmPerM;
  zl.goal_layer = std::string(anatomy::layer_id(ind.goal_layer));
  zl.min_passes = limits.min_passes;
  zl.max_passes = limits.max_passes;
  zl.max_downtime_days = c.patient.max_downtime_days;
  return zl;
}

}  // namespace mnsim::planner
