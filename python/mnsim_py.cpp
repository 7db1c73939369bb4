// The C++ half of the Python module: mnsim._mnsim (pybind11). It reads cases
// with the library's own reader (io::parse_case: the CLI's checks and
// messages), runs the stages with the GIL released, and hands back each
// command's JSON (the same library functions the CLI prints: stages.hpp,
// planner::plan_json, pipeline::run_json) as Python objects, plus the series
// the JSON does not carry as numpy arrays. python/mnsim/__init__.py wraps it
// in the documented API (docs/python.md); nothing here is public.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mnsim/anatomy/atlas.hpp"
#include "mnsim/case/json.hpp"
#include "mnsim/core/error.hpp"
#include "mnsim/core/json.hpp"
#include "mnsim/core/units.hpp"
#include "mnsim/healing/report.hpp"
#include "mnsim/io/case_reader.hpp"
#include "mnsim/pipeline/device.hpp"
#include "mnsim/pipeline/predictor.hpp"
#include "mnsim/pipeline/report.hpp"
#include "mnsim/pipeline/stages.hpp"
#include "mnsim/planner/planner.hpp"
#include "mnsim/planner/report.hpp"
#include "mnsim/puncture/report.hpp"

namespace py = pybind11;

namespace {

using namespace mnsim;

// A parsed case with the text it was parsed from (its provenance hashes
// these bytes, as the CLI hashes a case file's bytes).
struct PyCase {
  cases::Case c;
  std::string text;
  pipeline::Provenance provenance;
};

PyCase case_from_text(std::string text, const std::string& source) {
  cases::Case c = io::parse_case(text, source);
  auto p = pipeline::provenance_of(c, text);
  return {std::move(c), std::move(text), std::move(p)};
}

// nlohmann::json -> the Python value json.loads would give for its dump.
py::object to_py(const nlohmann::json& j) {
  using T = nlohmann::json::value_t;
  switch (j.type()) {
    case T::null:
      return py::none();
    case T::boolean:
      return py::bool_(j.get<bool>());
    case T::number_integer:
      return py::int_(j.get<std::int64_t>());
    case T::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case T::number_float:
      return py::float_(j.get<double>());
    case T::string:
      return py::str(j.get_ref<const std::string&>());
    case T::array: {
      py::list l;
      for (const auto& e : j)
        l.append(to_py(e));
      return l;
    }
    case T::object: {
      py::dict d;
      for (const auto& [k, v] : j.items())
        d[py::str(k)] = to_py(v);
      return d;
    }
    default:
      throw std::runtime_error("mnsim: unexpected JSON value type");
  }
}

template <typename T>
py::array_t<T> array(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

// A series in metres as a numpy array in µm.
py::array_t<double> um_array(const std::vector<double>& m) {
  std::vector<double> um(m.size());
  for (std::size_t i = 0; i < m.size(); ++i)
    um[i] = units::to_um(m[i]);
  return array(um);
}

// --- extras: the series each stage computes beyond its JSON ---

py::dict pattern_extras(const puncture::ZonePattern& z) {
  py::dict d;
  std::vector<double> edges(z.depth_histogram.size() + 1);
  for (std::size_t i = 0; i < edges.size(); ++i)
    edges[i] = units::to_um(static_cast<double>(i) * z.depth_bin_m);
  d["depth_bin_edges_um"] = array(edges);
  const std::size_t n = z.patch_channels.size();
  std::vector<double> x(n), y(n), depth(n), major(n), minor(n), angle(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& ch = z.patch_channels[i];
    x[i] = units::to_um(ch.x_m);
    y[i] = units::to_um(ch.y_m);
    depth[i] = units::to_um(ch.depth_m);
    major[i] = units::to_um(ch.opening_major_radius_m);
    minor[i] = units::to_um(ch.opening_minor_radius_m);
    angle[i] = ch.angle_rad;
  }
  py::dict ch;
  ch["x_um"] = array(x);
  ch["y_um"] = array(y);
  ch["depth_um"] = array(depth);
  ch["opening_major_radius_um"] = array(major);
  ch["opening_minor_radius_um"] = array(minor);
  ch["angle_rad"] = array(angle);
  d["patch_channels"] = ch;
  return d;
}

// One run's series (needled or intact) and its final concentration field.
py::dict run_extras(const transport::Run& r) {
  py::dict d;
  d["time_s"] = array(r.time_s);
  py::dict amounts;
  for (std::size_t l = 0; l < r.layers.size() && l < r.amount_ug_per_cm2.size(); ++l)
    amounts[py::str(r.layers[l])] = array(r.amount_ug_per_cm2[l]);
  d["amount_ug_per_cm2"] = amounts;
  d["flux_out_ug_per_cm2_h"] = array(r.flux_out_ug_per_cm2_h);
  d["past_sc_ug_per_cm2"] = array(r.past_sc_ug_per_cm2);
  d["z_faces_um"] = um_array(r.z_faces_m);
  d["r_faces_um"] = um_array(r.r_faces_m);
  d["y_faces_um"] = um_array(r.y_faces_m);
  // The field: nz x nr (r-z; 1D: nr = 1) or nz x ny x nx (3D).
  py::array_t<double> field = array(r.field_ug_per_ml);
  const auto nz = r.z_faces_m.size() > 1 ? r.z_faces_m.size() - 1 : 0;
  if (nz > 0 && !r.field_ug_per_ml.empty() && r.field_ug_per_ml.size() % nz == 0) {
    const auto per_z = static_cast<py::ssize_t>(r.field_ug_per_ml.size() / nz);
    const auto ny = r.y_faces_m.size() > 1 ? static_cast<py::ssize_t>(r.y_faces_m.size() - 1) : 0;
    if (ny > 0 && per_z % ny == 0)
      field = field.reshape({static_cast<py::ssize_t>(nz), ny, per_z / ny});
    else
      field = field.reshape({static_cast<py::ssize_t>(nz), per_z});
  }
  d["field_ug_per_ml"] = field;
  return d;
}

py::dict deliver_extras(const transport::ZoneDelivery& z) {
  py::dict d;
  if (z.delivery) {
    d["needled"] = run_extras(z.delivery->needled);
    d["intact"] = z.delivery->intact ? py::object(run_extras(*z.delivery->intact)) : py::none();
  }
  return d;
}

py::dict heal_extras(const healing::Course& c) {
  py::dict d;
  d["inflammation"] = array(c.inflammation);
  d["collagen1_rel"] = array(c.collagen1_rel);
  d["collagen3_rel"] = array(c.collagen3_rel);
  d["elastin_rel"] = array(c.elastin_rel);
  const auto& a = c.first_session;
  py::dict acute;
  acute["time_h"] = array(a.time_h);
  acute["erythema"] = array(a.erythema);
  acute["oedema"] = array(a.oedema);
  acute["water_loss_rel"] = array(a.water_loss_rel);
  d["acute"] = acute;
  return d;
}

// --- the stages ---

py::dict atlas(const std::optional<std::string>& site, double age_years, const std::string& sex) {
  std::vector<InputIssue> issues;
  if (!std::isfinite(age_years) || age_years < 18 || age_years > 100) {
    issues.push_back({"<argument>", "age_years", nlohmann::json(age_years).dump(),
                      "must be in [18, 100] years"});
  }
  if (sex != "female" && sex != "male")
    issues.push_back({"<argument>", "sex", sex, "one of: female, male"});
  if (!issues.empty())
    throw InputError(std::move(issues));
  const auto& a = anatomy::Atlas::builtin();
  const anatomy::Subject subject{age_years,
                                 sex == "male" ? anatomy::Sex::Male : anatomy::Sex::Female, 3};
  const auto sites = pipeline::select_sites(a, site.value_or(""), "<argument>", "site");
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    j = pipeline::atlas_json(a, sites, subject);
  }
  py::dict out;
  out["json"] = to_py(j);
  return out;
}

py::dict pattern(const PyCase& pc) {
  pipeline::PatternResult r;
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    r = pipeline::pattern_case(pc.c, anatomy::Atlas::builtin());
    j = pipeline::pattern_json(r, pc.provenance);
  }
  py::list zones;
  for (const auto& z : r.zones)
    zones.append(pattern_extras(z));
  py::dict out;
  out["json"] = to_py(j);
  out["zones"] = zones;
  return out;
}

py::dict deliver(const PyCase& pc) {
  std::optional<transport::CaseDelivery> d;
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    d = pipeline::deliver_case(pc.c, anatomy::Atlas::builtin());
    const auto u = pipeline::deliver_uncertainty(pc.c, anatomy::Atlas::builtin());
    j = pipeline::deliver_json(*d, pc.provenance, &u);
  }
  py::list zones;
  for (const auto& z : d->zones)
    zones.append(deliver_extras(z));
  py::dict out;
  out["json"] = to_py(j);
  out["zones"] = zones;
  return out;
}

py::dict heal(const PyCase& pc, const std::vector<std::string>& hypotheses) {
  healing::Hypotheses hyp;
  std::vector<InputIssue> issues;
  for (const auto& h : hypotheses) {
    if (h == "prp")
      hyp.prp = true;
    else if (h == "vitamin_c")
      hyp.vitamin_c = true;
    else
      issues.push_back({"<argument>", "hypotheses", h, "one of: prp, vitamin_c"});
  }
  if (!issues.empty())
    throw InputError(std::move(issues));
  std::optional<pipeline::RunResult> r;
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    r = pipeline::heal_case(pc.c, anatomy::Atlas::builtin(), hyp);
    j = pipeline::heal_json(*r, pc.provenance);
  }
  py::list zones;
  for (const auto& z : r->zones)
    zones.append(heal_extras(z.course));
  py::dict out;
  out["json"] = to_py(j);
  out["zones"] = zones;
  return out;
}

py::dict plan(const PyCase& pc) {
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    const pipeline::PipelinePredictor predictor(anatomy::Atlas::builtin());
    const planner::Plan p = planner::make_plan(pc.c, pipeline::resolved_device(pc.c), predictor);
    j = planner::plan_json(p);
    pipeline::add_provenance(j, pc.provenance);
    core::require_finite(j);
  }
  py::dict out;
  out["json"] = to_py(j);
  return out;
}

py::dict run(const PyCase& pc) {
  std::optional<pipeline::RunResult> r;
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    const auto& a = anatomy::Atlas::builtin();
    pipeline::Options options;
    options.uncertainty = true;  // as `mnsim run`
    r = pipeline::run(pc.c, a, options);
    std::optional<planner::Plan> p;
    if (!pc.c.medium) {
      const pipeline::PipelinePredictor predictor(a);
      p = planner::make_plan(pc.c, pipeline::resolved_device(pc.c), predictor);
    }
    j = pipeline::run_json(*r, p ? &*p : nullptr, pc.provenance);
  }
  // Each zone's stage views in full (the JSON of `pattern`, `heal` and
  // `deliver` for that zone, series included), for RunResult's sub-views.
  py::list zones;
  for (const auto& zr : r->zones) {
    auto hj = healing::full_json(zr.course, zr.anaesthetic_depth_um);
    hj["site"] = zr.zone.site;
    hj["indication"] = cases::to_string(zr.zone.indication);
    py::dict z;
    z["pattern_json"] = to_py(puncture::zone_json(zr.pattern));
    z["pattern"] = pattern_extras(zr.pattern);
    z["heal_json"] = to_py(hj);
    z["heal"] = heal_extras(zr.course);
    zones.append(z);
  }
  py::list delivery;
  if (r->delivery) {
    for (const auto& z : r->delivery->zones) {
      py::dict d;
      d["json"] = to_py(transport::to_json(z));
      d["extras"] = deliver_extras(z);
      delivery.append(d);
    }
  }
  py::dict out;
  out["json"] = to_py(j);
  out["zones"] = zones;
  out["delivery"] = delivery;
  return out;
}

}  // namespace

PYBIND11_MODULE(_mnsim, m) {
  m.doc() = "mnsim's C++ core (private; use the `mnsim` package)";

  // mnsim.InputError: a ValueError whose .issues lists every problem found.
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<NumericalError> numerical_error(m, "NumericalError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::list issues;
      std::string message;
      for (const auto& issue : e.issues()) {
        py::dict d;
        d["file"] = issue.file;
        d["field"] = issue.field;
        d["value"] = issue.value;
        d["problem"] = issue.problem;
        issues.append(d);
        message += (message.empty() ? "" : "\n") + issue.describe();
      }
      py::object exc = py::handle(input_error.ptr())(py::str(message));
      exc.attr("issues") = issues;
      PyErr_SetObject(input_error.ptr(), exc.ptr());
    } catch (const NumericalError& e) {
      numerical_error(e.what());
    } catch (const DataError& e) {
      PyErr_SetString(PyExc_RuntimeError,
                      (std::string("mnsim internal data error: ") + e.what()).c_str());
    }
  });

  py::class_<PyCase>(m, "CaseData")
      .def_static(
          "from_file",
          [](const std::string& path) {
            std::string text = io::read_case_text(path);
            return case_from_text(std::move(text), path == "-" ? "<stdin>" : path);
          },
          py::arg("path"))
      .def_static("from_toml", &case_from_text, py::arg("text"), py::arg("source"))
      .def_static("default",
                  [] { return case_from_text(std::string(io::default_case_text()), "<default>"); })
      .def_property_readonly("name", [](const PyCase& pc) { return pc.c.info.name; })
      .def_property_readonly("seed", [](const PyCase& pc) { return pc.c.info.seed; })
      .def_property_readonly("source", [](const PyCase& pc) { return pc.c.source; })
      .def_property_readonly("toml", [](const PyCase& pc) { return pc.text; })
      .def_property_readonly("sha256", [](const PyCase& pc) { return pc.provenance.case_sha256; })
      .def_property_readonly("has_medium", [](const PyCase& pc) { return pc.c.medium.has_value(); })
      .def("to_json", [](const PyCase& pc) {
        auto j = cases::to_json(pc.c);
        pipeline::add_provenance(j, pc.provenance);
        return to_py(j);
      });

  m.def("atlas", &atlas, py::arg("site"), py::arg("age_years"), py::arg("sex"));
  m.def("pattern", &pattern, py::arg("case"));
  m.def("deliver", &deliver, py::arg("case"));
  m.def("heal", &heal, py::arg("case"), py::arg("hypotheses"));
  m.def("plan", &plan, py::arg("case"));
  m.def("run", &run, py::arg("case"));
  m.attr("__version__") = MNSIM_VERSION;
  m.attr("schema_version") = pipeline::kSchemaVersion;
}
