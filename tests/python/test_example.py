"""examples/python/sweep_needle_length.py runs headless and writes its PNG."""

import os
import subprocess
import sys

from conftest import SOURCE_DIR


def test_sweep_example(tmp_path):
    out = tmp_path / "sweep.png"
    env = dict(os.environ, MPLBACKEND="Agg")
    r = subprocess.run([sys.executable, str(SOURCE_DIR / "examples" / "python" /
                                            "sweep_needle_length.py"), "--out", str(out)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10000
    rows = [l.split() for l in r.stdout.splitlines()[1:] if l[:1] == " "]
    assert len(rows) == 6
    lengths = [float(x[0]) for x in rows]
    depths = [float(x[1]) for x in rows]
    amounts = [float(x[4]) for x in rows]
    # Longer needles: deeper channels, never below the previous ones.
    assert lengths == sorted(lengths) and depths == sorted(depths)
    assert all(0 < d <= 1000 * mm for d, mm in zip(depths, lengths))
    assert all(a > 0 for a in amounts)
