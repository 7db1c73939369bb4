#!/usr/bin/env python3
"""mnsim cohort under mpirun: the JSON is identical for K = 1, 2, 3 ranks and
for a plain run without MPI (docs/cohorts.md), apart from "ranks" itself.

Usage: mpi_ranks_test.py MNSIM_EXE CASE_FILE MPIEXEC
"""

import json
import subprocess
import sys

sys.dont_write_bytecode = True


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {r.returncode}\n{r.stderr}")
    return json.loads(r.stdout)


def main():
    exe, case, mpiexec = sys.argv[1:4]
    # 5 people + 2 x 10 Saltelli rows = 25 evaluations in chunks of 3: the
    # ranks' blocks do not line up with the people.
    args = [exe, "cohort", case, "--n", "5", "--sobol-n", "2", "--chunk", "3", "--json"]
    plain = run(args)
    if plain["ranks"] != 1:
        sys.exit(f"FAIL: a run without mpirun reports ranks = {plain['ranks']}")
    for k in (1, 2, 3):
        j = run([mpiexec, "-np", str(k), "--oversubscribe", "--allow-run-as-root"] + args)
        if j["ranks"] != k:
            sys.exit(f"FAIL: under mpirun -np {k} the result says ranks = {j['ranks']}")
        j["ranks"] = 1
        if j != plain:
            sys.exit(f"FAIL: mpirun -np {k} differs from the plain run")
        print(f"ok: {k} rank(s), identical result")


if __name__ == "__main__":
    main()
