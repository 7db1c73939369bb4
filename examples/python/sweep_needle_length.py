#!/usr/bin/env python3
"""Needle length versus delivered amount and real depth, with mnsim from Python.

A pen on the cheek with a low-molecular-weight hyaluronic acid serum
applied after needling: for each
needle length (the pen's depth setting) the puncture stage gives the real
channel depth (mean and 10th-90th percentile, µm) and the transport stage the
amount that went past the stratum corneum by the horizon (µg/cm²), needled
and intact. Plotted with matplotlib to a PNG; the numbers are printed as a
table too.

    PYTHONPATH=build/default/python /usr/bin/python3 \\
        examples/python/sweep_needle_length.py --out sweep.png

The transport runs in 1D over a 6-hour horizon so that the sweep takes a few
seconds; use "axisymmetric" (the default fidelity) for channel-resolved
amounts, which take seconds per point. mnsim informs decisions; it does not
make them.
"""

import argparse
import sys

import matplotlib

matplotlib.use("Agg")  # headless: write a file, open no window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import mnsim  # noqa: E402

BASE_CASE = {
    "case": {"name": "needle-length-sweep", "seed": 42},
    "patient": {"age_years": 40, "sex": "female", "fitzpatrick": 2},
    "device": {"kind": "pen", "needle_count": 16, "stroke_hz": 120},
    "procedure": {"passes": 2, "glide_speed_mm_s": 10},
    "product": {"id": "hyaluronic_acid_low_mw", "applied": "after"},
    "zones": [{"site": "cheek", "indication": "texture"}],
    "simulation": {"fidelity": "1d", "horizon_h": 6, "dx_um": 5},
}


def sweep(lengths_mm):
    """One row per needle length: real depth (pattern) and delivery (deliver)."""
    base = mnsim.Case.from_dict(BASE_CASE)
    rows = []
    for mm in lengths_mm:
        case = base.with_changes({"device": {"needle_length_mm": float(mm)}})
        punctured = mnsim.pattern(case).zones[0]
        delivered = mnsim.deliver(case).zones[0]
        rows.append({
            "needle_length_mm": float(mm),
            "depth_um_mean": punctured.depth_um["mean"],
            "depth_um_p10": punctured.depth_um["p10"],
            "depth_um_p90": punctured.depth_um["p90"],
            "past_sc_ug_per_cm2": float(delivered.needled["past_sc_ug_per_cm2"][-1]),
            "past_sc_intact_ug_per_cm2": float(delivered.intact["past_sc_ug_per_cm2"][-1]),
            "dermis_ug_per_cm2": float(delivered.amount_ug_per_cm2["dermis"][-1]),
        })
    return rows


def plot(rows, path, horizon_h):
    mm = np.array([r["needle_length_mm"] for r in rows])
    depth = np.array([r["depth_um_mean"] for r in rows])
    p10 = np.array([r["depth_um_p10"] for r in rows])
    p90 = np.array([r["depth_um_p90"] for r in rows])
    past = np.array([r["past_sc_ug_per_cm2"] for r in rows])
    intact = np.array([r["past_sc_intact_ug_per_cm2"] for r in rows])

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    ax1.plot(mm, mm * 1000, ":", color="grey", label="needle length")
    ax1.fill_between(mm, p10, p90, alpha=0.3, label="p10-p90")
    ax1.plot(mm, depth, "o-", label="mean real depth")
    ax1.set_xlabel("needle length (mm)")
    ax1.set_ylabel("channel depth (µm)")
    ax1.set_title("Real channel depth (pen: the depth setting)")
    ax1.legend()
    ax2.plot(mm, past, "o-", label=f"needled (intact skin: {intact.max():.2g})")
    ax2.set_xlabel("needle length (mm)")
    ax2.set_ylabel(f"past the stratum corneum at {horizon_h:g} h (µg/cm²)")
    ax2.set_title("Delivered amount (low-MW hyaluronic acid, cheek)")
    ax2.set_ylim(bottom=0)
    ax2.legend()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="sweep_needle_length.png", help="PNG to write")
    ap.add_argument("--lengths-mm", type=float, nargs="+",
                    default=[0.25, 0.5, 0.75, 1.0, 1.5, 2.0],
                    help="needle lengths to run (mm)")
    args = ap.parse_args(argv)
    try:
        rows = sweep(args.lengths_mm)
    except mnsim.InputError as e:
        for issue in e.issues:
            print(f"error: {issue['field']} = {issue['value']}: {issue['problem']}",
                  file=sys.stderr)
        return 2
    print(f"{'length_mm':>9} {'depth_um':>9} {'p10':>7} {'p90':>7} {'past_SC_ug/cm2':>15}")
    for r in rows:
        print(f"{r['needle_length_mm']:9.2f} {r['depth_um_mean']:9.1f} {r['depth_um_p10']:7.1f} "
              f"{r['depth_um_p90']:7.1f} {r['past_sc_ug_per_cm2']:15.4g}")
    plot(rows, args.out, BASE_CASE["simulation"]["horizon_h"])
    print(f"Written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
