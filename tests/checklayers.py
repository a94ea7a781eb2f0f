#!/usr/bin/env python3
"""Checks that includes follow the layers in core/README.md (like Chromium's checkdeps).

A file in a core/ folder may include its own folder's files and those of the folders its row
lists under "May include"; no core/ file includes Qt Widgets or Qt Gui; ui/ includes no app/
file. Prints each include that breaks this, as FILE:LINE, and exits 1; exits 0 when none does.

Usage: tests/checklayers.py [SOURCE_ROOT]"""

import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ROW = re.compile(r"^\|\s*`([a-z]+)/`\s*\|[^|]*\|([^|]*)\|\s*$")


def read_layers(readme):
    """{folder: set of folders it may include}, from the table in core/README.md."""
    layers = {}
    with open(readme, encoding="utf-8") as text:
        for line in text:
            match = ROW.match(line.strip())
            if match:
                allowed = {name.strip() for name in match.group(2).split(",") if name.strip()}
                layers[match.group(1)] = allowed
    return layers


def qt_headers(module):
    """The class headers of a Qt module as installed, e.g. {"QWidget", …} for QtWidgets."""
    for root in ("/usr/include/x86_64-linux-gnu/qt6", "/usr/include/aarch64-linux-gnu/qt6",
                 "/usr/include/qt6"):
        folder = os.path.join(root, module)
        if os.path.isdir(folder):
            return {name for name in os.listdir(folder) if name.startswith("Q") and "." not in name}
    return set()


def sources(folder):
    for directory, _, names in os.walk(folder):
        for name in sorted(names):
            if name.endswith((".h", ".cpp")):
                yield os.path.join(directory, name)


def main():
    top = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                          os.path.join(os.path.dirname(__file__), ".."))
    core = os.path.join(top, "core")
    layers = read_layers(os.path.join(core, "README.md"))
    if not layers:
        print("core/README.md: no layer table found (| `folder/` | holds | may include |)")
        return 1
    gui_headers = qt_headers("QtWidgets") | qt_headers("QtGui")
    problems = []
    below = []
    for folder, allowed in layers.items():  # the table's order, bottom layer first
        for higher in sorted(allowed - set(below)):
            problems.append(f"core/README.md: core/{folder}/ may include core/{higher}/, which is "
                            "not in a row above it: the layers must point one way")
        below.append(folder)

    for path in sources(core):
        relative = os.path.relpath(path, top)
        folder = relative.split(os.sep)[1]
        if folder not in layers:
            problems.append(f"{relative}:1: the folder core/{folder}/ is not in the table in "
                            "core/README.md: add a row for it (what it holds, what it may include)")
            continue
        with open(path, encoding="utf-8") as text:
            for number, line in enumerate(text, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                bracket, name = match.groups()
                if bracket == "<":
                    module = name.split("/")[0] if "/" in name else None
                    if name in gui_headers or module in ("QtWidgets", "QtGui"):
                        problems.append(f"{relative}:{number}: core/ includes <{name}> from Qt "
                                        "Widgets or Qt Gui; keep it in ui/")
                    continue
                if "/" not in name:
                    continue  # a file of its own folder
                target = name.split("/")[0]
                if target == folder:
                    continue
                if target not in layers:
                    problems.append(f"{relative}:{number}: includes \"{name}\", which is not in a "
                                    "core/ folder")
                elif target not in layers[folder]:
                    problems.append(f"{relative}:{number}: core/{folder}/ includes \"{name}\" from "
                                    f"core/{target}/, which core/README.md does not allow (it may "
                                    f"include: {', '.join(sorted(layers[folder])) or 'nothing'})")

    for path in sources(os.path.join(top, "ui")):
        relative = os.path.relpath(path, top)
        with open(path, encoding="utf-8") as text:
            for number, line in enumerate(text, 1):
                match = INCLUDE.match(line)
                if match and match.group(2).startswith("app/"):
                    problems.append(f"{relative}:{number}: ui/ includes \"{match.group(2)}\" from "
                                    "app/, which sits above it")

    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} include(s) break the layers in core/README.md")
        return 1
    print(f"includes follow the layers in core/README.md ({len(layers)} core folders)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
