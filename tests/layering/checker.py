"""What check_layering.py and check_units.py share: the files they read and
how they report (one problem a line, a summary, exit 1 on any problem)."""

import os
import sys

SOURCE_ENDINGS = (".hpp", ".cpp", ".h", ".cc", ".ipp", ".inl")
DEFAULT_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def source_files(root, tops):
    """Every C++ source below root/<top> for each top, in a stable order."""
    for top in tops:
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(SOURCE_ENDINGS):
                    yield os.path.join(dirpath, name)


def report(name, root, files, problems, what, hint):
    """Prints the problems and a summary; returns the exit status."""
    if files == 0:
        print(f"{name}: no source files under {root}", file=sys.stderr)
        return 1
    for p in problems:
        print(p)
    if problems:
        print(f"{name}: {len(problems)} {what} ({files} files read); {hint}")
        return 1
    print(f"{name}: ok ({files} files read)")
    return 0
