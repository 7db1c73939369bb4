#!/usr/bin/env python3
"""Self-test of check_layering.py and check_units.py on scratch trees.

Each checker must pass a clean tree and fail, naming file:line, once one bad
line is added; removing the line (or marking it) makes it pass again.
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(script, root):
    p = subprocess.run([sys.executable, os.path.join(HERE, script), "--root", root],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def expect(name, script, root, code, needles=()):
    rc, out = run(script, root)
    ok = rc == code and all(n in out for n in needles)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {rc}")
    if not ok:
        failures.append(f"{name}: expected exit {code} and {list(needles)}, got exit {rc}:\n{out}")


def layering_cases():
    with tempfile.TemporaryDirectory() as root:
        write(root, "include/mnsim/core/units.hpp", "#pragma once\n")
        write(root, "include/mnsim/transport/deliver.hpp",
              '#pragma once\n#include "mnsim/core/units.hpp"\n#include "mnsim/anatomy/atlas.hpp"\n')
        write(root, "src/core/data_toml.hpp", "#pragma once\n")
        write(root, "src/transport/deliver.cpp",
              '#include "mnsim/transport/deliver.hpp"\n#include "../core/data_toml.hpp"\n#include <vector>\n')
        write(root, "src/io/case_reader.cpp", '#include "mnsim/io/json.hpp"\n#include "mnsim/pipeline/x.hpp"\n')
        write(root, "src/validation/rows.cpp", '#include "mnsim/io/case_reader.hpp"\n')
        expect("layering: clean tree passes", "check_layering.py", root, 0, ["layering: ok"])

        # A stage reaching right (transport -> io), through the public path.
        bad = '#include "mnsim/transport/deliver.hpp"\n#include "../core/data_toml.hpp"\n#include "mnsim/io/json.hpp"\n'
        write(root, "src/transport/deliver.cpp", bad)
        expect("layering: transport -> io fails", "check_layering.py", root, 1,
               ["src/transport/deliver.cpp:3: transport -> io is not allowed"])
        write(root, "src/transport/deliver.cpp", '#include "mnsim/transport/deliver.hpp"\n')
        expect("layering: removing it passes again", "check_layering.py", root, 0, ["layering: ok"])

        # Through a relative path into another module's private header.
        write(root, "src/io/private.hpp", "#pragma once\n")
        write(root, "src/core/x.cpp", '#include "../io/private.hpp"\n')
        expect("layering: relative core -> io fails", "check_layering.py", root, 1,
               ["src/core/x.cpp:1: core -> io is not allowed"])
        os.remove(os.path.join(root, "src/core/x.cpp"))

        # Peers: io may not use validation; validation may use io.
        write(root, "include/mnsim/io/json.hpp", '#pragma once\n#include "mnsim/validation/validation.hpp"\n')
        expect("layering: io -> validation fails", "check_layering.py", root, 1,
               ["include/mnsim/io/json.hpp:2: io -> validation is not allowed"])
        write(root, "include/mnsim/io/json.hpp", "#pragma once\n")

        # A folder that is not in the graph.
        write(root, "src/gui/window.cpp", '#include "mnsim/core/units.hpp"\n')
        expect("layering: unknown module fails", "check_layering.py", root, 1,
               ["folder 'gui' is not a module"])


def units_cases():
    with tempfile.TemporaryDirectory() as root:
        write(root, "include/mnsim/core/units.hpp", "inline constexpr double kUm = 1e-6;\n")
        clean = ("double f(double depth_m, double t_s) {\n"
                 "  // depth_m * 1e6 in a comment is not code\n"
                 "  const char* s = \"x / 3600.0\";\n"
                 "  const double tol = 1e-9 * depth_m;\n"
                 "  const int n = 60 * 2;\n"
                 "  return depth_m / kUm + t_s + tol + n + (s != nullptr) + 2.1e6 * 0;\n"
                 "}\n")
        write(root, "src/transport/a.cpp", clean)
        expect("units: clean tree passes", "check_units.py", root, 0, ["units: ok"])

        for bad, shown in [("  return depth_m * 1e6;\n", "1e6"), ("  return t_s / 3600.0;\n", "3600.0"),
                           ("  return 1e-3 * depth_m;\n", "1e-3"), ("  return t_s / (60.0);\n", "60.0"),
                           ("  return depth_m *= 1.0e+06;\n", "1.0e+06"), ("  return t_s / 86400;\n", "86400"),
                           ("  return 1e6 * 1e-6;\n", "1e6, 1e-6"), ("  return depth_m *\n 1e6;\n", "1e6: 1e6;")]:
            write(root, "src/transport/a.cpp", clean.replace("}\n", bad + "}\n"))
            expect(f"units: `{bad.strip()}` fails", "check_units.py", root, 1,
                   [f"src/transport/a.cpp:{7 + bad.count(chr(10)) - 1}: bare conversion factor {shown}"])
        write(root, "src/transport/a.cpp",
              clean.replace("}\n", "  return depth_m * 1e3;  // units-ok: a dimensionless step ratio\n}\n"))
        expect("units: units-ok marks an exemption", "check_units.py", root, 0, ["units: ok"])


layering_cases()
units_cases()
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("selftest: ok")
