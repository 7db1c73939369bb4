#!/usr/bin/env python3
"""Export round-trip: `heal --csv` read with pandas, checked against `heal --json`.

Usage: exports_test.py MNSIM_EXE WORK_DIR   (Debian python3-pandas)

Runs the built-in default case once with --json and --csv together, then:
every zone has the first session hour by hour (14 days, so a resolution at
day 4.7 can be seen) and the course day by day; the daily columns equal the
JSON arrays; the hourly erythema peaks at the JSON's erythema_peak; the last
day's collagen is collagen_rel_end; the session rows are the session days.
"""

import json
import os
import subprocess
import sys

import pandas as pd

failures = []


def check(ok, msg):
    if not ok:
        print("FAIL: " + msg)
        failures.append(msg)


def close(a, b, rel=1e-8):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-12)


def main():
    exe, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    csv = os.path.join(work, "heal.csv")
    r = subprocess.run([exe, "heal", "--json", "--csv", csv], capture_output=True, text=True,
                       timeout=1500)
    if r.returncode != 0:
        print("FAIL: mnsim heal exited", r.returncode, r.stderr)
        return 1
    j = json.loads(r.stdout)
    df = pd.read_csv(csv)
    check(list(df["zone"].unique()) == list(range(len(j["zones"]))), "one block per zone, in order")
    for zi, z in enumerate(j["zones"]):
        rows = df[df["zone"] == zi]
        check(set(rows["site"]) == {z["site"]}, f"zone {zi}: site column {set(rows['site'])}")
        hourly = rows[rows["series"] == "first_session_hourly"]
        daily = rows[rows["series"] == "course_daily"]
        check(len(hourly) >= 14 * 24, f"{z['site']}: {len(hourly)} hourly rows, want 14 days")
        check(hourly["time_h"].diff().dropna().max() <= 1.0, f"{z['site']}: hourly rows more than 1 h apart")
        check(hourly[["erythema", "oedema", "water_loss_rel"]].notna().all().all(),
              f"{z['site']}: hourly rows miss a value")
        check(hourly["collagen_rel"].isna().all(), f"{z['site']}: hourly rows carry course columns")
        check(len(daily) == len(z["days"]), f"{z['site']}: {len(daily)} daily rows, JSON {len(z['days'])}")
        for col in ("erythema", "oedema", "collagen_rel", "dermal_thickness_rel", "epidermal_thickness_rel"):
            bad = [i for i, (a, b) in enumerate(zip(daily[col], z[col])) if not close(a, b)]
            check(not bad, f"{z['site']}: {col} differs from heal --json at day rows {bad[:5]}")
        check(list(daily["day"]) == z["days"], f"{z['site']}: day column differs")
        for col in ("inflammation", "collagen1_rel", "collagen3_rel", "elastin_rel"):
            check(daily[col].notna().all(), f"{z['site']}: daily {col} has gaps")
        check(close(daily["collagen_rel"].iloc[-1], z["collagen_rel_end"]),
              f"{z['site']}: last collagen_rel {daily['collagen_rel'].iloc[-1]} vs end {z['collagen_rel_end']}")
        peak = z["acute"]["erythema_peak"]
        check(abs(hourly["erythema"].max() - peak) <= 0.02 * max(peak, 1e-3),
              f"{z['site']}: hourly erythema peaks at {hourly['erythema'].max()}, JSON {peak}")
        sessions = list(daily[daily["session"] == 1]["day"])
        check(sessions == [float(d) for d in z["session_days"]],
              f"{z['site']}: session rows {sessions} vs {z['session_days']}")
    print(f"heal --csv: {len(df)} rows, {len(j['zones'])} zones checked against heal --json")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
