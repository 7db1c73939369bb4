#!/usr/bin/env python3
"""Layering test: every include between mnsim modules follows the module graph.

Usage: check_layering.py [--root DIR] [--graph]

Reads every `#include "mnsim/<module>/..."` (or <...>, or a relative
`"../<module>/..."`) in include/mnsim/<module>/ and src/<module>/ and fails,
naming file:line and the edge, on any edge the graph below does not allow.
tools/, bench/ and tests/ are consumers and may include anything; they are not
read. The graph is documented in docs/architecture.md; change both together.
"""

import argparse
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
import checker  # noqa: E402

# The module graph, left to right. A module may include itself and any module
# in an earlier tier. Modules in the same tier are peers: they may not include
# each other, except for the edges listed in PEER_EDGES.
TIERS = [
    ["core"],
    ["anatomy"],
    ["case"],  # folder `case`, namespace mnsim::cases: the input vocabulary
    ["device"],
    ["puncture"],
    ["transport"],
    ["response"],
    ["healing"],
    ["planner"],
    ["pipeline"],
    ["io", "validation", "report", "cohort", "records"],
    ["cli", "python"],
]

# Allowed includes between peers of one tier: (from, to).
# io reads and writes files; the other modules of its tier may use it to read
# a case or write a result. They do not use each other.
PEER_EDGES = {
    ("validation", "io"),
    ("report", "io"),
    ("cohort", "io"),
    ("records", "io"),
}

RANK = {m: i for i, tier in enumerate(TIERS) for m in tier}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def allowed(src, dst):
    if src == dst:
        return True
    if RANK[dst] < RANK[src]:
        return True
    return (src, dst) in PEER_EDGES


def module_of_path(root, path):
    """The module a file under include/mnsim/<m>/ or src/<m>/ belongs to (python/:
    the Python bindings, module `python`), or None."""
    rel = os.path.relpath(os.path.normpath(path), root).split(os.sep)
    if len(rel) >= 3 and rel[0] == "include" and rel[1] == "mnsim":
        return rel[2]
    if len(rel) >= 2 and rel[0] == "src":
        return rel[1]
    if len(rel) >= 2 and rel[0] == "python":
        return "python"
    return None


def included_module(root, including_file, delim, target):
    """The module an include names, or None if it is not an mnsim header."""
    m = re.match(r"mnsim/([A-Za-z0-9_]+)/", target)
    if m:
        return m.group(1)
    if delim == '"':
        # A path relative to the including file (e.g. "../core/data_toml.hpp").
        candidate = os.path.join(os.path.dirname(including_file), target)
        if os.path.exists(candidate):
            return module_of_path(root, candidate)
    return None


def check(root):
    problems = []
    files = 0
    edges = 0
    for path in checker.source_files(root, [os.path.join("include", "mnsim"), "src", "python"]):
        files += 1
        src = module_of_path(root, path)
        rel = os.path.relpath(path, root)
        if src is None:
            continue
        if src not in RANK:
            problems.append(f"{rel}: folder '{src}' is not a module of the layering graph")
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                dst = included_module(root, path, m.group(1), m.group(2))
                if dst is None:
                    continue
                edges += 1
                if dst not in RANK:
                    problems.append(
                        f"{rel}:{lineno}: {src} -> {dst}: '{dst}' is not a module of the layering graph")
                elif not allowed(src, dst):
                    problems.append(f"{rel}:{lineno}: {src} -> {dst} is not allowed ({m.group(2)})")
    return files, edges, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=checker.DEFAULT_ROOT)
    parser.add_argument("--graph", action="store_true", help="print the graph and exit")
    args = parser.parse_args()
    if args.graph:
        print(" -> ".join("{" + ", ".join(t) + "}" if len(t) > 1 else t[0] for t in TIERS))
        print("peer edges: " + ", ".join(f"{a} -> {b}" for a, b in sorted(PEER_EDGES)))
        return 0
    root = os.path.abspath(args.root)
    files, edges, problems = check(root)
    return checker.report("layering", root, files, problems,
                          f"include(s) outside the module graph, {edges} module includes",
                          "see docs/architecture.md")


if __name__ == "__main__":
    sys.exit(main())
