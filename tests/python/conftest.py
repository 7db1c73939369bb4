"""Shared set-up of the Python tests (tests/python/, docs/python.md).

ctest runs them (label `python`) with PYTHONPATH=<build>/python, MNSIM_EXE
(the CLI) and MNSIM_SOURCE_DIR set; by hand, from the repository root:

    PYTHONPATH=build/default/python /usr/bin/python3 -m pytest -q tests/python

Comparisons with the CLI run the built `mnsim` on the same case file and
compare the parsed JSON with `to_dict()` exactly (==, floats included): both
call the same library functions on the same bytes.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("MNSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
EXE = Path(os.environ.get("MNSIM_EXE", SOURCE_DIR / "build" / "default" / "mnsim"))
CASES = SOURCE_DIR / "cases"


def cli(*args, check=True):
    """Runs the mnsim CLI; returns the CompletedProcess (text)."""
    r = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"mnsim {' '.join(map(str, args))} failed ({r.returncode}):\n{r.stderr}")
    return r


def cli_json(*args):
    return json.loads(cli(*args, "--json").stdout)


def one_d_variant(case_path: Path, out_dir: Path) -> Path:
    """A copy of an example case with [simulation] fidelity = "1d" (the
    transport in seconds instead of tens of seconds); the rest unchanged."""
    text = case_path.read_text()
    if re.search(r'^fidelity\s*=', text, flags=re.M):
        text = re.sub(r'^fidelity\s*=\s*"[^"]*"', 'fidelity = "1d"', text, flags=re.M)
    elif "[simulation]" in text:
        text = text.replace("[simulation]", '[simulation]\nfidelity = "1d"', 1)
    else:
        text += '\n[simulation]\nfidelity = "1d"\n'
    out = out_dir / f"{case_path.stem}-1d.toml"
    out.write_text(text)
    return out


@pytest.fixture(scope="session")
def variants(tmp_path_factory):
    """Example cases and their 1D variants by name ("default", "default-1d", ...)."""
    d = tmp_path_factory.mktemp("cases")
    out = {}
    for p in sorted(CASES.glob("*.toml")):
        out[p.stem] = p
        out[p.stem + "-1d"] = one_d_variant(p, d)
    return out


@pytest.fixture(scope="session")
def exe():
    if not EXE.exists():
        pytest.fail(f"the mnsim CLI is not built: {EXE} (set MNSIM_EXE)")
    return EXE
