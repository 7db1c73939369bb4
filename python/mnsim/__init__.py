"""mnsim: the micro-needling simulator from Python.

Load a case, run a stage, get numbers::

    import mnsim
    case = mnsim.Case.from_file("cases/default.toml")   # or from_toml / from_dict
    healed = mnsim.heal(case)
    healed.zones[0].collagen_rel      # numpy array, one value a day (1.0 = baseline)
    healed.to_dict()                  # == `mnsim heal cases/default.toml --json`

The functions follow the library's stages: ``atlas``, ``pattern`` (devices
and punctures), ``deliver`` (product transport), ``heal`` (response and
remodelling), ``plan`` (screening and a plan) and ``run`` (all of them, then
the plan). Each returns a result whose ``to_dict()`` is the JSON of the CLI
command of the same name, key for key, and whose ``zones`` hold the series
as numpy arrays. Units are in the names (``_um``, ``_s``, ``_ug_per_cm2``).

Bad input raises :class:`InputError` (a ``ValueError``) whose ``issues`` list
every problem found, as dicts with ``file``, ``field``, ``value`` and
``problem`` (what is wrong and what is allowed) -- the same checks and
messages as the command line. Computations release the GIL.

mnsim informs decisions; it does not make them. See docs/python.md.
"""

from __future__ import annotations

import copy
import math
import numbers
import os
import re
from typing import Any, Iterable, Mapping

import numpy as np

from . import _mnsim
from ._mnsim import InputError, NumericalError

InputError.__module__ = "mnsim"
NumericalError.__module__ = "mnsim"
InputError.__doc__ = (
    "Bad input (a ValueError): .issues lists every problem found, each a dict with "
    "'file', 'field', 'value' and 'problem' (what is wrong and what is allowed).")
NumericalError.__doc__ = (
    "The computation failed (a RuntimeError): a NaN, a negative concentration, a grid "
    "too large. No result is returned.")

__version__: str = _mnsim.__version__
#: The version of the JSON layout (the ``schema_version`` key of every result).
schema_version: int = _mnsim.schema_version

__all__ = [
    "Case",
    "InputError",
    "NumericalError",
    "AtlasResult",
    "PatternResult",
    "DeliverResult",
    "HealResult",
    "PlanResult",
    "RunResult",
    "Zone",
    "atlas",
    "pattern",
    "deliver",
    "heal",
    "plan",
    "run",
    "to_toml",
]


# --------------------------------------------------------------------------
# dict -> TOML (Case.from_dict): the dict is written as TOML and read by the
# library's own case reader, so a dict is checked exactly like a file.
# --------------------------------------------------------------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _input_error(issues: list[dict[str, str]]) -> InputError:
    def describe(i: dict[str, str]) -> str:
        where = i["file"] + (": " + i["field"] if i["field"] else "")
        return where + (" = " + i["value"] if i["value"] else "") + ": " + i["problem"]

    e = InputError("\n".join(describe(i) for i in issues))
    e.issues = issues
    return e


def _toml_key(k: str) -> str:
    return k if _BARE_KEY.match(k) else _toml_string(k)


def _toml_string(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


class _Writer:
    def __init__(self, source: str):
        self.source = source
        self.issues: list[dict[str, str]] = []

    def bad(self, path: str, value: Any, problem: str) -> str:
        self.issues.append(
            {"file": self.source, "field": path, "value": repr(value), "problem": problem})
        return '""'

    def value(self, v: Any, path: str) -> str:
        if isinstance(v, (bool, np.bool_)):
            return "true" if v else "false"
        if isinstance(v, numbers.Integral):
            return str(int(v))
        if isinstance(v, numbers.Real):
            f = float(v)
            if math.isnan(f):
                return "nan"  # the case reader refuses it, naming the field
            if math.isinf(f):
                return "inf" if f > 0 else "-inf"
            return repr(f)
        if isinstance(v, str):
            return _toml_string(v)
        if isinstance(v, np.ndarray):
            v = v.tolist()
        if isinstance(v, Mapping):
            return "{ " + ", ".join(
                f"{self.key(k, path)} = {self.value(x, f'{path}.{k}')}" for k, x in v.items()) + " }"
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(self.value(x, f"{path}[{i}]") for i, x in enumerate(v)) + "]"
        if v is None:
            return self.bad(path, v, "None has no TOML form; leave the key out for its default")
        return self.bad(path, v, f"a {type(v).__name__} has no TOML form; use a number, "
                        "string, bool, list or dict")

    def key(self, k: Any, path: str) -> str:
        if not isinstance(k, str):
            self.bad(path, k, "keys must be strings")
            return '"?"'
        return _toml_key(k)

    def table(self, d: Mapping, header: list[str], lines: list[str], path: str) -> None:
        # Scalars and inline values first, then sub-tables, then arrays of tables.
        subtables, arrays = [], []
        for k, v in d.items():
            p = f"{path}.{k}" if path else str(k)
            if isinstance(v, Mapping):
                subtables.append((k, v, p))
            elif isinstance(v, (list, tuple)) and v and all(isinstance(x, Mapping) for x in v):
                arrays.append((k, v, p))
            else:
                lines.append(f"{self.key(k, p)} = {self.value(v, p)}")
        for k, v, p in subtables:
            h = header + [self.key(k, p)]
            lines.append("")
            lines.append("[" + ".".join(h) + "]")
            self.table(v, h, lines, p)
        for k, v, p in arrays:
            h = header + [self.key(k, p)]
            for i, item in enumerate(v):
                lines.append("")
                lines.append("[[" + ".".join(h) + "]]")
                self.table(item, h, lines, f"{p}[{i}]")


def to_toml(d: Mapping[str, Any], source: str = "<dict>") -> str:
    """The TOML text of a case given as a dict (the layout of a case file).

    Tables are dicts (``{"device": {"needle_length_mm": 1.0}}``), arrays of
    tables are lists of dicts (``{"zones": [{"site": "cheek", ...}]}``);
    values are numbers, strings, bools, lists and dicts (numpy scalars and
    arrays too). ``tomllib.loads(to_toml(d)) == d`` for such dicts. A value
    with no TOML form (None, an object) raises :class:`InputError` naming its
    field; everything else is checked by the case reader
    (:meth:`Case.from_dict`).
    """
    if not isinstance(d, Mapping):
        raise _input_error([{"file": source, "field": "", "value": repr(d),
                             "problem": "a case is a dict of tables"}])
    w = _Writer(source)
    lines: list[str] = []
    w.table(d, [], lines, "")
    if w.issues:
        raise _input_error(w.issues)
    return "\n".join(lines).lstrip("\n") + "\n"


def _merge(base: dict, changes: Mapping) -> dict:
    out = dict(base)
    for k, v in changes.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


# --------------------------------------------------------------------------
# Case
# --------------------------------------------------------------------------


class Case:
    """A checked case (the TOML case file of docs/case-file.md, parsed).

    Make one with :meth:`from_file`, :meth:`from_toml`, :meth:`from_dict` or
    :meth:`default`; all four use the library's case reader, so a problem is
    reported exactly as ``mnsim case check`` reports it (an
    :class:`InputError` listing every problem). A Case is immutable;
    :meth:`with_changes` makes a changed copy (for sweeps).
    """

    __slots__ = ("_data",)

    def __init__(self, _data: Any) -> None:
        if not isinstance(_data, _mnsim.CaseData):
            raise TypeError("use Case.from_file, Case.from_toml, Case.from_dict or Case.default")
        self._data = _data

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> "Case":
        """Reads and checks a case file (TOML). Results carry the SHA-256 of
        its bytes as ``case_sha256``, as the CLI does."""
        return cls(_mnsim.CaseData.from_file(os.fspath(path)))

    @classmethod
    def from_toml(cls, text: str, source: str = "<string>") -> "Case":
        """Checks a case given as TOML text; ``source`` names it in messages.
        ``case_sha256`` is the SHA-256 of ``text`` (UTF-8)."""
        return cls(_mnsim.CaseData.from_toml(text, source))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], source: str = "<dict>") -> "Case":
        """Checks a case given as a dict laid out like the TOML file::

            mnsim.Case.from_dict({
                "patient": {"age_years": 45, "fitzpatrick": 3},
                "device": {"kind": "pen", "needle_length_mm": 1.0},
                "zones": [{"site": "cheek", "indication": "acne_scars"}],
            })

        The dict is written as TOML (:func:`to_toml`) and read by the same
        reader as a file, so the checks, defaults and messages are the
        file's. ``case_sha256`` is the SHA-256 of that TOML text."""
        return cls.from_toml(to_toml(d, source), source)

    @classmethod
    def default(cls) -> "Case":
        """The built-in default case (what ``mnsim run`` with no case runs)."""
        return cls(_mnsim.CaseData.default())

    @property
    def name(self) -> str:
        """[case] name."""
        return self._data.name

    @property
    def seed(self) -> int:
        """[case] seed."""
        return self._data.seed

    @property
    def source(self) -> str:
        """The file name, or "<string>", "<dict>", "<default>"."""
        return self._data.source

    @property
    def toml(self) -> str:
        """The TOML text the case was read from."""
        return self._data.toml

    @property
    def sha256(self) -> str:
        """SHA-256 of the TOML text (``case_sha256`` in every result)."""
        return self._data.sha256

    def to_dict(self) -> dict[str, Any]:
        """The parsed case with every default filled in, as ``mnsim case
        check FILE --json`` prints it (with the provenance keys)."""
        return self._data.to_json()

    def input_dict(self) -> dict[str, Any]:
        """The case as written (no defaults filled in): ``tomllib.loads`` of
        :attr:`toml`. ``Case.from_dict(c.input_dict())`` is the same case."""
        import tomllib

        return tomllib.loads(self.toml)

    def with_changes(self, changes: Mapping[str, Any], source: str | None = None) -> "Case":
        """A copy with ``changes`` merged into the case as written: dicts
        merge key by key, None removes the key (back to its default), anything
        else (a number, a list such as ``zones``) replaces. For sweeps::

            for mm in (0.25, 0.5, 1.0):
                c = case.with_changes({"device": {"needle_length_mm": mm}})
        """
        return Case.from_dict(_merge(self.input_dict(), changes),
                              source if source is not None else f"{self.source} (changed)")

    def __repr__(self) -> str:
        return f"<mnsim.Case {self.name!r} from {self.source}>"


def _case_data(case: Any) -> Any:
    if isinstance(case, Case):
        return case._data
    if isinstance(case, (str, os.PathLike)):
        return Case.from_file(case)._data
    raise TypeError(f"expected an mnsim.Case or a case file path, not {type(case).__name__}")


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


def _as_arrays(v: Any) -> Any:
    """JSON lists of numbers -> numpy arrays (recursively through dicts)."""
    if isinstance(v, list):
        if v and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            if all(isinstance(x, int) for x in v):
                return np.asarray(v, dtype=np.int64)
            return np.asarray(v, dtype=np.float64)
        if not v:
            return np.zeros(0)
        return [_as_arrays(x) for x in v]
    if isinstance(v, dict):
        return {k: _as_arrays(x) for k, x in v.items()}
    return v


class Zone:
    """One ``zones[]`` entry of a result: every key of that entry of the
    command's JSON is an attribute (lists of numbers as numpy arrays, dicts
    with their lists as arrays), plus the series the JSON leaves out (see
    each result's documentation). ``zone.to_dict()`` is the JSON entry;
    ``zone.keys()`` lists the attributes."""

    __slots__ = ("_json", "_values")

    def __init__(self, json: dict[str, Any], extras: Mapping[str, Any] | None = None) -> None:
        self._json = json
        values = {k: _as_arrays(v) for k, v in json.items()}
        for k, v in (extras or {}).items():
            if isinstance(values.get(k), dict) and isinstance(v, Mapping):
                values[k] = {**values[k], **v}
            else:
                values[k] = v
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # (copy and pickle probe before __init__ ran)
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(
                f"zone has no {name!r}; it has: {', '.join(sorted(self._values))}") from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __dir__(self) -> list[str]:
        return sorted(set(self._values) | {"to_dict", "keys"})

    def keys(self) -> list[str]:
        return sorted(self._values)

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self._json)

    def __repr__(self) -> str:
        label = self._json.get("site", "?")
        ind = self._json.get("indication")
        return f"<mnsim.Zone {label}{' (' + ind + ')' if ind else ''}>"


class _Result:
    __slots__ = ("_json",)
    _command = ""

    def __init__(self, json: dict[str, Any]) -> None:
        self._json = json

    def to_dict(self) -> dict[str, Any]:
        """The JSON of the CLI command, key for key (a fresh copy)."""
        return copy.deepcopy(self._json)

    @property
    def provenance(self) -> dict[str, Any]:
        """mnsim_version, schema_version, case_sha256, seed."""
        return {k: self._json.get(k) for k in
                ("mnsim_version", "schema_version", "case_sha256", "seed")}

    def __repr__(self) -> str:
        return f"<mnsim.{type(self).__name__} ({self._command} --json)>"


class _ZonesResult(_Result):
    __slots__ = ("zones",)

    def __init__(self, json: dict[str, Any], extras: Iterable[Mapping[str, Any]] = ()) -> None:
        super().__init__(json)
        extras = list(extras)
        self.zones: list[Zone] = [
            Zone(z, extras[i] if i < len(extras) else None)
            for i, z in enumerate(json.get("zones", []))]

    def zone(self, site: str) -> Zone:
        """The first zone on ``site``."""
        for z in self.zones:
            if z.site == site:
                return z
        raise KeyError(f"no zone on {site!r}; sites: {[z.site for z in self.zones]}")


class AtlasResult(_Result):
    """``mnsim atlas --json``: ``sites`` (a list of dicts: id, layer
    thicknesses in µm, sources) for a subject of ``age_years`` and ``sex``."""

    __slots__ = ()
    _command = "atlas"

    @property
    def sites(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._json["sites"])

    def to_frame(self):  # -> pandas.DataFrame
        """One row per site with its scalar figures (needs pandas)."""
        import pandas as pd

        return pd.DataFrame([{k: v for k, v in s.items() if not isinstance(v, (list, dict))}
                             for s in self._json["sites"]])


class PatternResult(_ZonesResult):
    """``mnsim pattern --json`` (devices and punctures), per zone.

    Each zone has the JSON keys (``punctures_per_cm2``, ``coverage_fraction``,
    ``depth_um`` {mean, p10, p50, p90}, ``depth_histogram`` {bin_um, counts
    (array)}, ``channels_total``, ...) and:

    - ``depth_bin_edges_um``: edges of ``depth_histogram["counts"]`` (µm, one
      more than the counts);
    - ``patch_channels``: the representative patch's channels as arrays
      ``x_um``, ``y_um``, ``depth_um``, ``opening_major_radius_um``,
      ``opening_minor_radius_um``, ``angle_rad``.
    """

    __slots__ = ()
    _command = "pattern"

    def to_frame(self):  # -> pandas.DataFrame
        """One row per zone with its scalar figures (needs pandas)."""
        import pandas as pd

        return pd.DataFrame([{k: v for k, v in z.items() if not isinstance(v, (list, dict))}
                             for z in self._json["zones"]])


class DeliverResult(_ZonesResult):
    """``mnsim deliver --json`` (product transport), per zone.

    Each zone has the JSON keys: ``time_s`` (array), ``amount_ug_per_cm2``
    {LAYER: array}, ``flux_out_ug_per_cm2_h`` (array), ``lag_time_s``,
    ``steady_flux_ug_per_cm2_h``, ``enhancement_ratio``, ``kp_intact_cm_h``,
    ``delivered_past_sc_ug_per_cm2``, ``anaesthetic`` {time_s,
    numbing_depth_um, ...} when there is one; and

    - ``needled``, ``intact``: dicts of the needled and intact-skin runs'
      series -- ``time_s``, ``amount_ug_per_cm2`` {LAYER: array},
      ``flux_out_ug_per_cm2_h``, ``past_sc_ug_per_cm2`` (amount that went
      past the stratum corneum, µg/cm²), and the final concentration field
      ``field_ug_per_ml`` (nz x nr for axisymmetric and 1D runs, nz x ny x nx
      in 3D) on cells between ``z_faces_um`` (depth) and ``r_faces_um``
      (radius; 3D: x) / ``y_faces_um``. ``intact`` is None without channels.
    """

    __slots__ = ()
    _command = "deliver"

    def to_frame(self):  # -> pandas.DataFrame
        """Long table: one row per zone and sample time, a column per layer
        amount (µg/cm²) and the outflow (needs pandas)."""
        import pandas as pd

        frames = []
        for i, z in enumerate(self.zones):
            if "time_s" not in z.keys():
                continue
            cols = {"zone": i, "site": z.site, "time_s": z.time_s}
            for layer, a in z.amount_ug_per_cm2.items():
                cols[f"amount_{layer}_ug_per_cm2"] = a
            cols["flux_out_ug_per_cm2_h"] = z.flux_out_ug_per_cm2_h
            frames.append(pd.DataFrame(cols))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


class HealResult(_ZonesResult):
    """``mnsim heal --json`` (response and remodelling), per zone.

    Each zone has the JSON keys -- daily series ``days``, ``erythema`` (grade
    0..4), ``oedema``, ``collagen_rel``, ``dermal_thickness_rel``,
    ``epidermal_thickness_rel`` (1.0 = baseline), ``session_days``,
    ``erythema_resolved_day``, ``acute`` (the first session's figures) -- and
    the daily ``inflammation``, ``collagen1_rel``, ``collagen3_rel``,
    ``elastin_rel``; ``acute`` also holds the first session hour by hour:
    ``time_h``, ``erythema``, ``oedema``, ``water_loss_rel``.
    """

    __slots__ = ()
    _command = "heal"

    def to_frame(self):  # -> pandas.DataFrame
        """Long table: one row per zone and day (needs pandas)."""
        import pandas as pd

        frames = []
        for i, z in enumerate(self.zones):
            cols = {"zone": i, "site": z.site, "day": z.days}
            for k in ("erythema", "oedema", "inflammation", "collagen_rel", "collagen1_rel",
                      "collagen3_rel", "elastin_rel", "dermal_thickness_rel",
                      "epidermal_thickness_rel"):
                cols[k] = getattr(z, k)
            frames.append(pd.DataFrame(cols))
        return pd.concat(frames, ignore_index=True)


class PlanResult(_ZonesResult):
    """``mnsim plan --json``: ``eligible``, ``contraindications``, per-zone
    depth, passes, real depth and downtime (``zones``), ``sessions``,
    ``interval_days``, ``anaesthetic`` and the ``disclaimer``."""

    __slots__ = ()
    _command = "plan"

    @property
    def eligible(self) -> bool:
        return bool(self._json["eligible"])

    @property
    def contraindications(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._json.get("contraindications", []))


class RunResult(_ZonesResult):
    """``mnsim run --json``: the whole pipeline, then the plan.

    ``zones`` are the run's per-zone summaries (anatomy, pattern, delivery,
    healing); the stages' full per-zone views, series included, are
    ``pattern_zones``, ``heal_zones`` and ``deliver_zones`` (the zones of
    :class:`PatternResult`, :class:`HealResult`, :class:`DeliverResult`);
    ``plan`` is the plan's dict (None for a case with an explicit medium).
    """

    __slots__ = ("pattern_zones", "heal_zones", "deliver_zones")
    _command = "run"

    def __init__(self, raw: dict[str, Any]) -> None:
        super().__init__(raw["json"])
        self.pattern_zones = [Zone(z["pattern_json"], z["pattern"]) for z in raw["zones"]]
        self.heal_zones = [Zone(z["heal_json"], z["heal"]) for z in raw["zones"]]
        self.deliver_zones = [Zone(d["json"], d["extras"]) for d in raw["delivery"]]

    @property
    def plan(self) -> dict[str, Any] | None:
        p = self._json.get("plan")
        return copy.deepcopy(p) if p is not None else None


# --------------------------------------------------------------------------
# The stages
# --------------------------------------------------------------------------


def atlas(site: str | None = None, age_years: float = 45, sex: str = "female") -> AtlasResult:
    """Skin layers per site (the anatomy stage): ``mnsim atlas --json``.

    site: one site id (e.g. "cheek"); None for every site.
    age_years: 18..100. sex: "female" or "male".
    An unknown site or a value out of range raises InputError.
    """
    return AtlasResult(_mnsim.atlas(site, float(age_years), sex)["json"])


def pattern(case: Case | str | os.PathLike[str]) -> PatternResult:
    """Devices and punctures per zone: ``mnsim pattern CASE --json``.

    case: a Case (or a case file path). Returns a PatternResult; its zones
    carry the depth histogram and the patch's channels as numpy arrays.
    A case with an explicit [medium] (no zones) raises InputError.
    """
    raw = _mnsim.pattern(_case_data(case))
    return PatternResult(raw["json"], raw["zones"])


def deliver(case: Case | str | os.PathLike[str]) -> DeliverResult:
    """Topical product transport per zone: ``mnsim deliver CASE --json``.

    case: a Case (or a case file path) with a [product], an anaesthetic or
    an explicit [medium]; otherwise InputError. Returns a DeliverResult:
    amounts per layer over time (µg/cm²), outflow, lag time, enhancement
    over intact skin, and each run's final concentration field, as numpy
    arrays. The run time depends on [simulation] fidelity ("1d" is fastest).
    """
    raw = _mnsim.deliver(_case_data(case))
    return DeliverResult(raw["json"], raw["zones"])


def heal(case: Case | str | os.PathLike[str],
         hypotheses: Iterable[str] = ()) -> HealResult:
    """Response (hours-days) and remodelling (weeks-months) per zone:
    ``mnsim heal CASE --json [--hypothesis H ...]``.

    case: a Case (or a case file path) with [[zones]]; its [course] sets the
    sessions. hypotheses: labelled, unvalidated product effects to switch on
    ("prp", "vitamin_c"). Returns a HealResult with daily series (erythema,
    oedema, collagen_rel, ...) as numpy arrays.
    """
    raw = _mnsim.heal(_case_data(case), list(hypotheses))
    return HealResult(raw["json"], raw["zones"])


def plan(case: Case | str | os.PathLike[str]) -> PlanResult:
    """Screening and a zone-by-zone plan within the safety limits:
    ``mnsim plan CASE --json``. Returns a PlanResult."""
    return PlanResult(_mnsim.plan(_case_data(case))["json"])


def run(case: Case | str | os.PathLike[str]) -> RunResult:
    """The whole pipeline on a case, then the plan: ``mnsim run CASE
    --json``. Returns a RunResult (its to_dict() is the CLI's JSON; the
    stages' series are in pattern_zones, heal_zones, deliver_zones)."""
    return RunResult(_mnsim.run(_case_data(case)))
