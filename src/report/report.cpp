#include "mnsim/report/report.hpp"

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "mnsim/core/disclaimer.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/resources.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/puncture/report.hpp"
#include "mnsim/transport/case_delivery.hpp"

namespace mnsim::report {

namespace detail {
// Generated at build time (CMakeLists.txt): the Vega bundles and the page's
// own files (src/report/assets/).
const std::vector<core::EmbeddedFile>& vega_table();
const std::vector<core::EmbeddedFile>& page_table();
}  // namespace detail

namespace {

using nlohmann::json;

constexpr std::size_t kMaxPoints = 400;  // per plotted series

std::string_view asset(const std::vector<core::EmbeddedFile>& table, std::string_view path) {
  for (const auto& f : table) {
    if (f.path == path)
      return f.content;
  }
  throw DataError("the report asset '" + std::string(path) + "' is not embedded in this build");
}

// Indices of at most kMaxPoints samples of n, first and last included.
std::vector<std::size_t> thin(std::size_t n) {
  std::vector<std::size_t> idx;
  if (n == 0)
    return idx;
  const std::size_t stride = std::max<std::size_t>(1, (n + kMaxPoints - 1) / kMaxPoints);
  for (std::size_t i = 0; i < n; i += stride)
    idx.push_back(i);
  if (idx.back() != n - 1)
    idx.push_back(n - 1);
  return idx;
}

json pick(const json& values, const std::vector<std::size_t>& idx) {
  json out = json::array();
  for (const auto i : idx)
    out.push_back(values.at(i));
  return out;
}

json pick(const std::vector<double>& values, const std::vector<std::size_t>& idx) {
  json out = json::array();
  for (const auto i : idx)
    out.push_back(values.at(i));
  return out;
}

// The delivery over time of one zone, from the case-level delivery result
// in the `deliver --json` layout (transport::to_json).
json delivery_series(const json& z) {
  json out = json::object();
  if (z.contains("time_s") && z.contains("amount_ug_per_cm2")) {
    const auto idx = thin(z["time_s"].size());
    out["product"] = z.value("product", "");
    out["time_h"] = json::array();
    for (const auto i : idx)
      out["time_h"].push_back(z["time_s"][i].get<double>() / units::kHour);
    out["amount_ug_per_cm2"] = json::object();
    for (const auto& [layer, values] : z["amount_ug_per_cm2"].items())
      out["amount_ug_per_cm2"][layer] = pick(values, idx);
    if (z.contains("flux_out_ug_per_cm2_h"))
      out["flux_out_ug_per_cm2_h"] = pick(z["flux_out_ug_per_cm2_h"], idx);
  }
  if (z.contains("anaesthetic") && z["anaesthetic"].contains("numbing_depth_um")) {
    const auto& an = z["anaesthetic"];
    const auto idx = thin(an["time_s"].size());
    json a;
    a["product"] = an.value("product", "");
    a["minutes"] = an.value("minutes", 0.0);
    a["time_min"] = json::array();
    for (const auto i : idx)
      a["time_min"].push_back(an["time_s"][i].get<double>() / units::kMin);
    a["numbing_depth_um"] = pick(an["numbing_depth_um"], idx);
    if (an.contains("numbing_depth_intact_um"))
      a["numbing_depth_intact_um"] = pick(an["numbing_depth_intact_um"], idx);
    a["numbing_onset_s"] = an.value("numbing_onset_s", json(nullptr));
    out["anaesthetic"] = std::move(a);
  }
  return out;
}

json zone_series(const pipeline::ZoneResult& zr, const json* delivery) {
  json z;
  z["site"] = zr.zone.site;
  const auto& acute = zr.course.first_session;
  {
    const auto idx = thin(acute.time_h.size());
    z["acute"] = {{"time_h", pick(acute.time_h, idx)},
                  {"erythema", pick(acute.erythema, idx)},
                  {"oedema", pick(acute.oedema, idx)},
                  {"water_loss_rel", pick(acute.water_loss_rel, idx)},
                  {"pain_nrs", acute.pain_nrs},
                  {"erythema_resolved_day", acute.erythema_resolved_day}};
  }
  const auto& c = zr.course;
  const auto idx = thin(c.days.size());
  z["course"] = {{"days", pick(c.days, idx)},
                 {"erythema", pick(c.erythema, idx)},
                 {"oedema", pick(c.oedema, idx)},
                 {"collagen_rel", pick(c.collagen_rel, idx)},
                 {"collagen1_rel", pick(c.collagen1_rel, idx)},
                 {"collagen3_rel", pick(c.collagen3_rel, idx)},
                 {"elastin_rel", pick(c.elastin_rel, idx)},
                 {"dermal_thickness_rel", pick(c.dermal_thickness_rel, idx)},
                 {"session_days", c.session_days}};
  z["delivery"] = delivery != nullptr ? delivery_series(*delivery) : json::object();
  z["pattern_svg"] = puncture::patch_svg(zr.pattern, {.size_px = 300});
  return z;
}

// `page` with each `{{KEY}}` of the template replaced by its value (the
// values are not scanned again). Every key must occur.
std::string fill(std::string_view page,
                 const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string out;
  std::size_t used = 0;
  std::size_t pos = 0;
  while (true) {
    const auto open = page.find("{{", pos);
    if (open == std::string_view::npos)
      break;
    const auto close = page.find("}}", open);
    if (close == std::string_view::npos)
      break;
    const std::string_view key = page.substr(open + 2, close - open - 2);
    const auto it =
        std::find_if(kv.begin(), kv.end(), [&](const auto& p) { return p.first == key; });
    if (it == kv.end()) {
      out += page.substr(pos, close + 2 - pos);
    } else {
      out += page.substr(pos, open - pos);
      out += it->second;
      ++used;
    }
    pos = close + 2;
  }
  out += page.substr(pos);
  if (used != kv.size())
    throw DataError("the report template lacks one of its {{KEY}} marks");
  return out;
}

std::string escape_html(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

// JSON safe inside <script>: "</" cannot close the element.
std::string script_json(const json& j) {
  std::string s = j.dump();
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& limitations() {
  static const std::vector<std::string> kList = {
      "Figures are model estimates for one simulated person of this age, sex and phototype "
      "(skin drawn from the population with the case seed); a real patient's skin differs, "
      "and the dermis range shown spans the central 80 % of people.",
      "Needle depths come from a mechanical model of insertion; device wear, technique and "
      "skin tension in the room change them.",
      "Delivery is computed for the product as described by its physical properties; it says "
      "where a product can go, not that it is safe or approved for intradermal use.",
      "Redness, swelling and pain are grades from a model fitted to a few published studies; "
      "the collagen course is fitted to fewer. See the validation summary: rows marked "
      "'held out' are the validation proper.",
      "Screening covers only the codes written in the case's patient history; it does not "
      "replace a consultation.",
  };
  return kList;
}

json report_data(const Inputs& in) {
  if (in.run == nullptr)
    throw DataError("report_data needs a run result");
  const auto& r = *in.run;
  json j;
  pipeline::add_provenance(j, in.provenance);
  j["run"] = pipeline::run_json(r, in.plan, in.provenance);
  j["generated_utc"] = in.generated_utc;
  json stages = json::array();
  ValidationStage total{"all"};
  for (const auto& s : in.validation) {
    stages.push_back({{"stage", s.stage},
                      {"rows", s.rows},
                      {"passed", s.passed},
                      {"held_out", s.held_out},
                      {"held_out_passed", s.held_out_passed}});
    total.rows += s.rows;
    total.passed += s.passed;
    total.held_out += s.held_out;
    total.held_out_passed += s.held_out_passed;
  }
  j["validation"] = {{"stages", stages},
                     {"total",
                      {{"rows", total.rows},
                       {"passed", total.passed},
                       {"held_out", total.held_out},
                       {"held_out_passed", total.held_out_passed}}}};
  j["limitations"] = limitations();
  j["disclaimer"] = std::string(kDisclaimer);
  j["zones"] = json::array();
  // The delivery over time in the `deliver --json` layout.
  const json delivery = r.delivery ? transport::to_json(*r.delivery) : json(nullptr);
  for (std::size_t i = 0; i < r.zones.size(); ++i) {
    const json* d = nullptr;
    if (!delivery.is_null() && i < delivery["zones"].size())
      d = &delivery["zones"][i];
    j["zones"].push_back(zone_series(r.zones[i], d));
  }
  if (!in.history.is_null())
    j["history"] = in.history;
  core::require_finite(j);
  return j;
}

std::string report_html(const nlohmann::json& data) {
  const auto& vega = detail::vega_table();
  const auto& page = detail::page_table();
  std::string scripts;
  for (const char* name : {"vega/vega.min.js", "vega/vega-lite.min.js", "vega/vega-embed.min.js"}) {
    scripts += "<script>";
    scripts += asset(vega, name);
    scripts += "</script>\n";
  }
  const std::string title =
      "mnsim report: " + data.at("run").at("case").value("name", std::string("case"));
  return fill(asset(page, "page/report.html"),
              {{"TITLE", escape_html(title)},
               {"CSS", std::string(asset(page, "page/report.css"))},
               {"VEGA", scripts},
               {"DATA", script_json(data)},
               {"JS", std::string(asset(page, "page/report.js"))}});
}

}  // namespace mnsim::report
