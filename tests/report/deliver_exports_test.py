#!/usr/bin/env python3
"""Export round-trip for `mnsim deliver`: the CSV read with pandas and the VTK
XML read with meshio, both checked against `deliver --json` of the same run.

Usage: deliver_exports_test.py MNSIM_EXE OUT_DIR [CASE]

Checks, for every zone with a product:
  * CSV: one block of rows per zone (zone, site columns), amounts per layer
    equal to the JSON series; past_sc_cumulative equal to the JSON's
    delivered_past_sc at the horizon; out_bottom_cumulative non-decreasing,
    zero at t = 0, and equal to the trapezoidal integral of flux_out.
  * VTK: deliver.pvd lists Run::kSnapshots files per zone with increasing
    times ending at the horizon; each .vtu reads with meshio; TIME field data
    equals the .pvd time; concentrations are finite and non-negative;
    layer_id indexes the layer names; the final field integrated over each
    layer (cell volumes from the grid, per cm^2 of skin) equals the JSON's
    final amount in that layer to 1e-6 relative; in_channel (r-z) marks cells
    only in the layers the channel crosses.
"""
import json
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import meshio
import numpy as np
import pandas as pd

UM_TO_CM = 1e-4


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def close(a, b, rel=1e-6, floor=1e-12):
    return abs(a - b) <= rel * max(abs(a), abs(b)) + floor


def layer_widths(m):
    """Per cell: volume per cm^2 of skin surface (cm), for line / quad / hexahedron cells."""
    pts = m.points
    block = m.cells[0]
    d = block.data
    if block.type == "line":
        return np.abs(pts[d[:, 1], 1] - pts[d[:, 0], 1]) * UM_TO_CM
    if block.type == "quad":
        r0 = pts[d[:, 0], 0] * UM_TO_CM
        r1 = pts[d[:, 1], 0] * UM_TO_CM
        dz = np.abs(pts[d[:, 2], 1] - pts[d[:, 1], 1]) * UM_TO_CM
        big_r = pts[:, 0].max() * UM_TO_CM
        return (r1**2 - r0**2) / big_r**2 * dz
    if block.type == "hexahedron":
        lo = pts[d[:, 0]]
        hi = pts[d[:, 6]]  # the opposite corner
        vol = np.prod(np.abs(hi - lo), axis=1) * UM_TO_CM**3
        side = (pts[:, 0].max() - pts[:, 0].min()) * (pts[:, 1].max() - pts[:, 1].min())
        return vol / (side * UM_TO_CM**2)
    fail(f"unexpected cell type {block.type}")


def main():
    exe, out = sys.argv[1], pathlib.Path(sys.argv[2])
    case = sys.argv[3:4]
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "deliver.csv"
    vtk_dir = out / "vtk"
    r = subprocess.run([exe, "deliver", *case, "--json", "--quiet", "--csv", str(csv),
                        "--vtk-dir", str(vtk_dir)], capture_output=True, text=True, timeout=1200)
    if r.returncode != 0:
        fail(f"deliver exited {r.returncode}: {r.stderr}")
    j = json.loads(r.stdout)
    df = pd.read_csv(csv)
    pvd = ET.parse(vtk_dir / "deliver.pvd").getroot()
    entries = [(float(d.get("timestep")), int(d.get("part")), d.get("file"))
               for d in pvd.iter("DataSet")]
    checked = 0
    for zi, z in enumerate(j["zones"]):
        if "amount_ug_per_cm2" not in z:
            continue
        # ---- CSV
        rows = df[df["zone"] == zi]
        if len(rows) != len(z["time_s"]) or set(rows["site"]) != {z["site"]}:
            fail(f"zone {zi}: {len(rows)} CSV rows for {len(z['time_s'])} samples")
        for layer, series in z["amount_ug_per_cm2"].items():
            col = rows[f"amount_{layer}_ug_per_cm2"].to_numpy()
            if not np.allclose(col, series, rtol=1e-7, atol=1e-12):
                fail(f"zone {zi}: CSV amounts of {layer} differ from the JSON")
        past = rows["past_sc_cumulative_ug_per_cm2"].to_numpy()
        if not close(past[-1], z["delivered_past_sc_ug_per_cm2"], 1e-7):
            fail(f"zone {zi}: past-SC {past[-1]} vs JSON {z['delivered_past_sc_ug_per_cm2']}")
        bottom = rows["out_bottom_cumulative_ug_per_cm2"].to_numpy()
        t_h = rows["time_s"].to_numpy() / 3600.0
        flux = rows["flux_out_ug_per_cm2_h"].to_numpy()
        trap = np.concatenate([[0.0], np.cumsum(0.5 * (flux[1:] + flux[:-1]) * np.diff(t_h))])
        if bottom[0] != 0 or np.any(np.diff(bottom) < -1e-12) or not np.allclose(bottom, trap,
                                                                                  rtol=1e-7,
                                                                                  atol=1e-12):
            fail(f"zone {zi}: out-through-the-bottom column is not the integral of flux_out")
        # ---- VTK
        mine = [e for e in entries if e[1] == zi]
        times = [e[0] for e in mine]
        if len(mine) != 12 or times != sorted(times) or not close(times[-1], z["time_s"][-1]):
            fail(f"zone {zi}: .pvd times {times}")
        for t, _, f in mine:
            m = meshio.read(vtk_dir / f)
            if not close(float(m.field_data["TIME"][0]), t):
                fail(f"{f}: TIME {m.field_data['TIME']} vs .pvd {t}")
            c = m.cell_data["concentration_ug_per_ml"][0]
            if not np.all(np.isfinite(c)) or c.min() < -1e-9 * max(1.0, c.max()):
                fail(f"{f}: concentration not finite or negative")
        m = meshio.read(vtk_dir / mine[-1][2])
        names = bytes(m.field_data["layer_names_ascii"]).decode().split(";")
        if bytes(m.field_data["site_ascii"]).decode() != z["site"]:
            fail(f"zone {zi}: site field data")
        if j.get("case_sha256") and bytes(m.field_data["case_sha256_ascii"]).decode() != j[
                "case_sha256"]:
            fail(f"zone {zi}: case hash field data")
        c = m.cell_data["concentration_ug_per_ml"][0]
        lay = m.cell_data["layer_id"][0]
        if lay.min() < 0 or lay.max() >= len(names):
            fail(f"zone {zi}: layer_id out of range")
        w = layer_widths(m)
        for k, name in enumerate(names):
            got = float((c * w)[lay == k].sum())
            want = z["amount_ug_per_cm2"][name][-1]
            if not close(got, want, 1e-6):
                fail(f"zone {zi}: {name}: field integrates to {got}, JSON amount {want}")
        if "in_channel" in m.cell_data:
            mask = m.cell_data["in_channel"][0].astype(bool)
            depth_um = z["channel"]["depth_um"]
            top = -m.points[m.cells[0].data[:, 0], 1]
            if mask.sum() == 0 or np.any(top[mask] > depth_um + 1e-6):
                fail(f"zone {zi}: channel mask below the channel depth")
        checked += 1
        print(f"zone {zi} ({z['site']}): CSV {len(rows)} rows, {len(mine)} VTK snapshots, "
              f"{m.cells[0].type} cells: {len(c)}; layer integrals match the JSON")
    if checked == 0:
        fail("no zone with a product")
    print(f"deliver exports: {checked} zones checked")


if __name__ == "__main__":
    main()
