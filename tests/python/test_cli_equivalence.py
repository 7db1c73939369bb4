"""mnsim.<stage>(case).to_dict() equals `mnsim <stage> CASE --json`, key for
key and value for value, for the example cases (cases/*.toml).

Which runs (the whole suite must stay under a minute on a 2-core machine;
times of the CLI alone, Release):
- pattern, heal: every example case with zones (each < 3 s);
- deliver: membrane and default as they are; home-roller as its 1D variant
  (axisymmetric: ~17 s); stretch-marks has no product (InputError, below);
- plan: membrane and home-roller (default and stretch-marks take 9-15 s,
  mostly the planner's search: left to the CLI's own tests);
- run: membrane, and home-roller as its 1D variant (2.5 s).
The cases a command refuses raise InputError with the CLI's messages.
case_sha256 is equal too: Case.from_file hashes the file's bytes, as the CLI.
"""

import json
import subprocess

import pytest

import mnsim
from conftest import cli, cli_json

SAME = [
    ("pattern", "default"), ("pattern", "home-roller"), ("pattern", "stretch-marks"),
    ("heal", "default-1d"), ("heal", "home-roller"), ("heal", "stretch-marks"),
    ("deliver", "membrane"), ("deliver", "default-1d"), ("deliver", "home-roller-1d"),
    ("plan", "membrane"), ("plan", "home-roller"),
    ("run", "membrane"), ("run", "home-roller-1d"),
]

STAGE = {"pattern": mnsim.pattern, "heal": mnsim.heal, "deliver": mnsim.deliver,
         "plan": mnsim.plan, "run": mnsim.run}


def first_difference(a, b, path="$"):
    """Where two JSON values differ (for a readable failure), or None."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(a.keys() ^ b.keys())} in one only"
        for k in a:
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


@pytest.mark.parametrize("command,case", SAME, ids=[f"{c}-{k}" for c, k in SAME])
def test_to_dict_equals_cli_json(command, case, variants, exe):
    path = variants[case]
    # The CLI runs in its own process while Python computes (GIL released).
    proc = subprocess.Popen([str(exe), command, str(path), "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    got = STAGE[command](mnsim.Case.from_file(path)).to_dict()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    expected = json.loads(out)
    assert first_difference(got, expected) is None
    assert got == expected
    assert got["case_sha256"] is not None


@pytest.mark.parametrize("command,case", [("pattern", "membrane"), ("heal", "membrane"),
                                          ("deliver", "stretch-marks")])
def test_refused_like_the_cli(command, case, variants, exe):
    path = variants[case]
    r = cli(command, path, "--json", check=False)
    assert r.returncode == 2
    with pytest.raises(mnsim.InputError) as err:
        STAGE[command](mnsim.Case.from_file(path))
    # The CLI prints "error: " + each issue; the exception's message is the
    # same lines.
    cli_lines = [l[len("error: "):] for l in r.stderr.splitlines() if l.startswith("error: ")]
    assert str(err.value).splitlines() == cli_lines
    assert len(err.value.issues) == len(cli_lines)


@pytest.mark.parametrize("args,kwargs", [((), {}), (("--site", "neck", "--age", "30", "--sex", "male"),
                                                    {"site": "neck", "age_years": 30, "sex": "male"})])
def test_atlas_equals_cli_json(args, kwargs, exe):
    assert mnsim.atlas(**kwargs).to_dict() == cli_json("atlas", *args)


def test_case_to_dict_equals_case_check(variants, exe):
    for name in ("default", "membrane"):
        path = variants[name]
        assert mnsim.Case.from_file(path).to_dict() == cli_json("case", "check", path)


def test_default_case_is_the_clis(exe):
    c = mnsim.Case.default()
    assert c.toml == cli("case", "show-default").stdout
