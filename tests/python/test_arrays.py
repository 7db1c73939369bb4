"""Results expose their series as numpy arrays with the units their names
say; the stages release the GIL."""

import copy
import threading
import time
import tomllib

import numpy as np
import pytest

import mnsim
from conftest import CASES


@pytest.fixture(scope="module")
def stretch():
    return mnsim.Case.from_file(CASES / "stretch-marks.toml")


@pytest.fixture(scope="module")
def membrane():
    return mnsim.Case.from_file(CASES / "membrane.toml")


def test_heal_series(stretch):
    h = mnsim.heal(stretch)
    course = tomllib.loads(stretch.toml)["course"]
    for z, zj in zip(h.zones, h.to_dict()["zones"]):
        n = int(course["horizon_days"]) + 1  # day 0 .. horizon
        for name in ("days", "erythema", "oedema", "collagen_rel", "dermal_thickness_rel",
                     "epidermal_thickness_rel", "inflammation", "collagen1_rel",
                     "collagen3_rel", "elastin_rel"):
            a = getattr(z, name)
            assert isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == (n,), name
        np.testing.assert_array_equal(z.days, np.arange(n))
        np.testing.assert_array_equal(z.collagen_rel, zj["collagen_rel"])  # the JSON's values
        assert z.collagen_rel[0] == pytest.approx(1.0)  # *_rel: 1.0 at baseline
        assert len(z.session_days) == course["sessions"]
        np.testing.assert_allclose(np.diff(z.session_days), course["interval_days"])
        acute = z.acute
        assert acute["time_h"].shape == acute["erythema"].shape == acute["water_loss_rel"].shape
        assert acute["time_h"][0] == 0 and np.all(np.diff(acute["time_h"]) > 0)
        assert acute["erythema_peak"] == pytest.approx(acute["erythema"].max(), rel=0.05)
    assert copy.deepcopy(h.zones[0]).site == h.zones[0].site
    frame = h.to_frame()
    assert len(frame) == sum(len(z.days) for z in h.zones)
    assert list(frame["collagen_rel"][: len(h.zones[0].days)]) == list(h.zones[0].collagen_rel)


def test_deliver_series_and_field(membrane):
    d = mnsim.deliver(membrane)
    (z,) = d.zones
    medium = tomllib.loads(membrane.toml)["medium"]
    names = [layer["name"] for layer in medium["layers"]]
    assert list(z.amount_ug_per_cm2) == sorted(names) or set(z.amount_ug_per_cm2) == set(names)
    n = z.time_s.shape[0]
    assert z.time_s.dtype == np.float64 and np.all(np.diff(z.time_s) > 0)
    assert all(a.shape == (n,) for a in z.amount_ug_per_cm2.values())
    assert z.flux_out_ug_per_cm2_h.shape == (n,)
    assert z.time_s[-1] == pytest.approx(tomllib.loads(membrane.toml)["simulation"]["horizon_h"] * 3600)
    run = z.needled
    np.testing.assert_array_equal(run["time_s"], z.time_s)
    field, zf = run["field_ug_per_ml"], run["z_faces_um"]
    assert field.ndim == 2 and field.shape[0] == zf.shape[0] - 1 and field.shape[1] == 1  # 1D
    # Faces in µm: from the surface to the medium's total thickness.
    assert zf[0] == pytest.approx(0) and zf[-1] == pytest.approx(
        sum(layer["thickness_um"] for layer in medium["layers"]))
    assert np.all(field >= 0)
    assert z.intact is None  # no channels: no intact comparison
    assert len(d.to_frame()) == n


def test_pattern_histogram_and_channels(stretch):
    p = mnsim.pattern(stretch)
    for z in p.zones:
        counts, edges = z.depth_histogram["counts"], z.depth_bin_edges_um
        assert counts.dtype == np.int64 and edges.shape == (counts.shape[0] + 1,)
        np.testing.assert_allclose(np.diff(edges), z.depth_histogram["bin_um"])
        assert counts.sum() == z.channels_total
        # Mean depth from the histogram agrees with depth_um.mean to half a bin.
        centres = 0.5 * (edges[:-1] + edges[1:])
        assert abs((counts * centres).sum() / counts.sum() - z.depth_um["mean"]) <= \
            0.5 * z.depth_histogram["bin_um"]
        ch = z.patch_channels
        assert ch["x_um"].shape == (z.patch["channels"],)
        side_um = z.patch["side_mm"] * 1000
        assert np.all((ch["x_um"] >= 0) & (ch["x_um"] <= side_um))
        assert np.all((ch["depth_um"] >= edges[0]) & (ch["depth_um"] <= edges[-1]))
    assert len(p.to_frame()) == len(p.zones)


def test_run_sub_views(membrane):
    r = mnsim.run(membrane)
    assert r.plan is None and r.heal_zones == [] and len(r.deliver_zones) == 1
    np.testing.assert_array_equal(r.deliver_zones[0].time_s, mnsim.deliver(membrane).zones[0].time_s)


def test_atlas_frame():
    a = mnsim.atlas()
    f = a.to_frame()
    assert list(f["id"]) == [s["id"] for s in a.sites]
    assert (f["dermis_um"] > f["epidermis_um"]).all()


def test_gil_released_during_computation():
    # While one thread is inside mnsim.heal (about a second), this thread keeps
    # running Python. With the GIL held for the whole call, this loop would
    # stall for the length of the call: its longest gap between two
    # iterations is compared with the call's duration.
    case = mnsim.Case.from_file(CASES / "default.toml").with_changes(
        {"simulation": {"fidelity": "1d"}})
    span = {}

    def work():
        span["start"] = time.perf_counter()
        mnsim.heal(case)
        span["end"] = time.perf_counter()

    t = threading.Thread(target=work)
    last = time.perf_counter()  # (t.start() itself waits for the GIL when it is held)
    t.start()
    longest_gap = 0.0
    while t.is_alive():
        now = time.perf_counter()
        longest_gap = max(longest_gap, now - last)
        last = now
    t.join()
    duration = span["end"] - span["start"]
    assert duration > 0.2
    assert longest_gap < 0.5 * duration, f"stalled {longest_gap:.2f} s of a {duration:.2f} s call"
