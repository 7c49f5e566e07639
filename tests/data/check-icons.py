#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the app icons: well-formed SVG of the sizes the icon theme spec expects; the
symbolic one uses a single grey so that GTK can recolour it for light and dark styles."""

import os
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
APP_ID = "io.github.veilapp.Veil"


def check(path, size, symbolic):
    errors = []
    root = ET.parse(path).getroot()
    if root.tag != SVG + "svg":
        return ["%s: not an SVG document" % path]
    if root.get("viewBox") != "0 0 %d %d" % (size, size):
        errors.append("%s: viewBox must be 0 0 %d %d" % (path, size, size))
    if symbolic:
        colours = set()
        for el in root.iter():
            for attr in ("fill", "stroke"):
                value = el.get(attr)
                if value and value != "none":
                    colours.add(value.lower())
            for m in re.finditer(r"(fill|stroke)\s*:\s*(#[0-9a-fA-F]{3,6})", el.get("style") or ""):
                colours.add(m.group(2).lower())
        if len(colours) != 1:
            errors.append("%s: a symbolic icon uses one colour, found %s" % (path, sorted(colours)))
    return errors


def main():
    base = sys.argv[1]
    errors = check(os.path.join(base, "hicolor/scalable/apps", APP_ID + ".svg"), 128, False)
    errors += check(os.path.join(base, "hicolor/symbolic/apps", APP_ID + "-symbolic.svg"), 16, True)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
