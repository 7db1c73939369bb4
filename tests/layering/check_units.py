#!/usr/bin/env python3
"""Units test: no bare unit-conversion literals outside include/mnsim/core/units.hpp.

Usage: check_units.py [--root DIR]

Reads every source file under src/ and include/ (the CLI too: it converts at
the boundary, and does so through units.hpp like everyone else) and fails,
naming file:line, where one of the conversion factors

    1e6 1e-6 1e3 1e-3 1e4 1e-4 3600 86400 60.0   (any spelling: 1.0e6, 3600.0, 1E+06)

stands as a multiplication or division factor (`x * 1e6`, `1e-6 * x`,
`t / 3600.0`, `x *= 1e3`). Write `units::kUm`, `units::to_hours(t)` ... instead.
Comments and string literals are not read. A line that is not a unit
conversion (a dimensionless constant that happens to be 1e3, say) is exempted
by a comment on the same line: `// units-ok: <reason>`.
"""

import argparse
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
import checker  # noqa: E402

EXEMPT_FILES = {os.path.join("include", "mnsim", "core", "units.hpp")}
ALLOW_TAG = "units-ok:"

# The literals, by value; a number token is a conversion factor if its value is
# one of these (so 1.0e6, 1e+06 and 1000000.0 all count as 1e6).
FACTORS = {1e6, 1e-6, 1e3, 1e-3, 1e4, 1e-4, 3600.0, 86400.0}
# 60 counts only when written as a floating literal (60.0, 60.): an integer 60
# is as often a count as a conversion.
FLOAT_ONLY = {60.0}

NUMBER = r"(?<![\w.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFlL]?(?![\w.])"
NUMBER_RE = re.compile(NUMBER)
# A number is a factor if * or / (or *=, /=) stands next to it, possibly across
# a parenthesis or a line break: `x * 1e6`, `1e6 * x`, `x / (3600.0)`.
BEFORE_RE = re.compile(r"[*/]=?\s*\(?\s*$")
AFTER_RE = re.compile(r"^\s*\)?\s*[*/](?![/*])")


def strip_code(text):
    """Replace comments and string/char literals by spaces, keeping line breaks."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if m:
                end = text.find(")" + m.group(1) + '"', i)
                j = n if end < 0 else end + len(m.group(1)) + 2
                out.append(re.sub(r"[^\n]", " ", text[i:j]))
                i = j
            else:
                out.append(c)
                i += 1
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():
                out.append(" ")  # digit separator (1'000), not a char literal
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def is_conversion(token):
    core = token.rstrip("fFlL")
    try:
        value = float(core)
    except ValueError:
        return False
    if value in FACTORS:
        return True
    is_float = "." in core or "e" in core.lower()
    return value in FLOAT_ONLY and is_float


def check(root):
    problems = []
    files = 0
    for path in checker.source_files(root, ["src", "include"]):
        if os.path.relpath(path, root) in EXEMPT_FILES:
            continue
        files += 1
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read()
        raw_lines = raw.split("\n")
        code = strip_code(raw)
        found = {}  # line number -> the factors on it
        for m in NUMBER_RE.finditer(code):
            if not is_conversion(m.group()):
                continue
            if BEFORE_RE.search(code[max(0, m.start() - 40):m.start()]) or AFTER_RE.match(code[m.end():m.end() + 40]):
                found.setdefault(code.count("\n", 0, m.start()) + 1, []).append(m.group())
        for lineno, factors in sorted(found.items()):
            if ALLOW_TAG not in raw_lines[lineno - 1]:
                problems.append(f"{rel}:{lineno}: bare conversion factor {', '.join(factors)}: "
                                f"{raw_lines[lineno - 1].strip()}")
    return files, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=checker.DEFAULT_ROOT)
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    files, problems = check(root)
    return checker.report("units", root, files, problems, "line(s) with a bare conversion literal",
                          f"use include/mnsim/core/units.hpp or mark a non-conversion `// {ALLOW_TAG} <reason>`")


if __name__ == "__main__":
    sys.exit(main())
