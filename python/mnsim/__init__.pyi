# Type stubs of the mnsim Python module (docs/python.md).
import os
from typing import Any, Iterable, Mapping

import numpy as np
import numpy.typing as npt
import pandas

__version__: str
schema_version: int

class InputError(ValueError):
    """Bad input: every problem found, each {"file", "field", "value", "problem"}."""

    issues: list[dict[str, str]]

class NumericalError(RuntimeError):
    """The computation failed (NaN, negative concentration, grid too large)."""

_PathLike = str | os.PathLike[str]

def to_toml(d: Mapping[str, Any], source: str = "<dict>") -> str: ...

class Case:
    @classmethod
    def from_file(cls, path: _PathLike) -> Case: ...
    @classmethod
    def from_toml(cls, text: str, source: str = "<string>") -> Case: ...
    @classmethod
    def from_dict(cls, d: Mapping[str, Any], source: str = "<dict>") -> Case: ...
    @classmethod
    def default(cls) -> Case: ...
    @property
    def name(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def source(self) -> str: ...
    @property
    def toml(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def input_dict(self) -> dict[str, Any]: ...
    def with_changes(self, changes: Mapping[str, Any], source: str | None = None) -> Case: ...

class Zone:
    """A zones[] entry: its JSON keys as attributes (series as numpy arrays)."""

    # Common keys
    site: str
    indication: str | None
    # heal
    days: npt.NDArray[np.float64]
    erythema: npt.NDArray[np.float64]
    oedema: npt.NDArray[np.float64]
    inflammation: npt.NDArray[np.float64]
    collagen_rel: npt.NDArray[np.float64]
    collagen1_rel: npt.NDArray[np.float64]
    collagen3_rel: npt.NDArray[np.float64]
    elastin_rel: npt.NDArray[np.float64]
    dermal_thickness_rel: npt.NDArray[np.float64]
    epidermal_thickness_rel: npt.NDArray[np.float64]
    session_days: npt.NDArray[np.float64]
    erythema_resolved_day: float
    acute: dict[str, Any]
    # deliver
    time_s: npt.NDArray[np.float64]
    amount_ug_per_cm2: dict[str, npt.NDArray[np.float64]]
    flux_out_ug_per_cm2_h: npt.NDArray[np.float64]
    lag_time_s: float
    steady_flux_ug_per_cm2_h: float
    enhancement_ratio: float | None
    kp_intact_cm_h: float
    delivered_past_sc_ug_per_cm2: float
    needled: dict[str, Any]
    intact: dict[str, Any] | None
    anaesthetic: dict[str, Any]
    # pattern
    punctures_per_cm2: float
    coverage_fraction: float
    depth_um: dict[str, float]
    surface_opening_um: dict[str, float]
    unpunctured_fraction: float
    sc_breached_fraction: float
    channels_total: int
    channels_per_s: float
    depth_histogram: dict[str, Any]
    depth_bin_edges_um: npt.NDArray[np.float64]
    patch: dict[str, Any]
    patch_channels: dict[str, npt.NDArray[np.float64]]
    def __getattr__(self, name: str) -> Any: ...
    def __getitem__(self, name: str) -> Any: ...
    def keys(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

class _Result:
    def to_dict(self) -> dict[str, Any]: ...
    @property
    def provenance(self) -> dict[str, Any]: ...

class _ZonesResult(_Result):
    zones: list[Zone]
    def zone(self, site: str) -> Zone: ...

class AtlasResult(_Result):
    @property
    def sites(self) -> list[dict[str, Any]]: ...
    def to_frame(self) -> pandas.DataFrame: ...

class PatternResult(_ZonesResult):
    def to_frame(self) -> pandas.DataFrame: ...

class DeliverResult(_ZonesResult):
    def to_frame(self) -> pandas.DataFrame: ...

class HealResult(_ZonesResult):
    def to_frame(self) -> pandas.DataFrame: ...

class PlanResult(_ZonesResult):
    @property
    def eligible(self) -> bool: ...
    @property
    def contraindications(self) -> list[dict[str, Any]]: ...

class RunResult(_ZonesResult):
    pattern_zones: list[Zone]
    heal_zones: list[Zone]
    deliver_zones: list[Zone]
    @property
    def plan(self) -> dict[str, Any] | None: ...

def atlas(site: str | None = None, age_years: float = 45, sex: str = "female") -> AtlasResult: ...
def pattern(case: Case | _PathLike) -> PatternResult: ...
def deliver(case: Case | _PathLike) -> DeliverResult: ...
def heal(case: Case | _PathLike, hypotheses: Iterable[str] = ()) -> HealResult: ...
def plan(case: Case | _PathLike) -> PlanResult: ...
def run(case: Case | _PathLike) -> RunResult: ...
