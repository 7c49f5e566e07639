#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the screenshots the AppStream metainfo shows against the real app.

    check-screenshots.py PROGRAM OUTDIR COMMITTED-DIR METAINFO

Runs PROGRAM (tests/data/veil-screenshots.c), which draws the real windows into OUTDIR, then
checks that every screenshot the metainfo names is committed in COMMITTED-DIR as a PNG, that
no other file lies there, and that each committed one still matches the UI: the same size as
the one just taken and close to it (the root-mean-square difference of small copies, so that
a clock, a font hint or an antialiased edge does not fail it, but a changed page does). With
VEIL_UPDATE_SCREENSHOTS=1 (tools/update-screenshots.sh), the new ones replace the committed
ones first."""

import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Normalised RMSE of 100x70 copies: the same page with another clock time scores below 0.01,
# the most alike two of these pages 0.045.
MAX_DIFFERENCE = 0.025
# The repository's raw files, as the metainfo's homepage names the repository.
RAW_PREFIX = "https://raw.githubusercontent.com/veilapp/veil/main/data/screenshots/"


def png_size(path):
    """(width, height) from the IHDR chunk, or None when @path is not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def difference(a, b):
    """Normalised RMSE of small copies of two pictures (0 same, 1 opposite)."""
    result = subprocess.run(["compare", "-metric", "RMSE", "-resize", "100x70!", a, b, "null:"],
                            capture_output=True, text=True)
    # compare prints "ABSOLUTE (NORMALISED)" on stderr; exit 1 only means "they differ".
    if result.returncode > 1:
        raise RuntimeError("compare failed: " + result.stderr.strip())
    return float(result.stderr.split("(")[1].split(")")[0])


def screenshots_of(metainfo):
    """The file names the metainfo's screenshots point at (each checked to be a raw URL with
    a caption), and the sizes it gives them."""
    names, sizes, errors = [], {}, []
    for screenshot in ET.parse(metainfo).getroot().iter("screenshot"):
        image = screenshot.find("image")
        url = image.text.strip() if image is not None and image.text else ""
        if not url.startswith(RAW_PREFIX):
            errors.append("screenshot URL %r is not under %s" % (url, RAW_PREFIX))
            continue
        names.append(url[len(RAW_PREFIX):])
        sizes[names[-1]] = (int(image.get("width", 0)), int(image.get("height", 0)))
        if screenshot.find("caption") is None:
            errors.append("screenshot %s has no caption" % names[-1])
    if not names:
        errors.append("the metainfo shows no screenshots")
    return names, sizes, errors


def main():
    program, outdir, committed_dir, metainfo = sys.argv[1:5]
    shutil.rmtree(outdir, ignore_errors=True)
    env = dict(os.environ, VEIL_TEST_SCREENSHOTS=outdir)
    status = subprocess.run([program], env=env).returncode
    if status != 0:
        print("%s exited with %d" % (program, status), file=sys.stderr)
        return status

    names, sizes, errors = screenshots_of(metainfo)
    if os.environ.get("VEIL_UPDATE_SCREENSHOTS") == "1":
        for name in names:
            shutil.copyfile(os.path.join(outdir, name), os.path.join(committed_dir, name))
            print("updated %s" % os.path.join(committed_dir, name))

    for name in sorted(set(os.listdir(committed_dir)) - set(names)):
        errors.append("%s is not shown by the metainfo: remove it or add it" % name)
    for name in names:
        committed, taken = os.path.join(committed_dir, name), os.path.join(outdir, name)
        if not os.path.exists(taken):
            errors.append("%s was not taken: %s draws no such screenshot" % (name, program))
            continue
        if not os.path.exists(committed):
            errors.append("%s is not committed: run tools/update-screenshots.sh" % name)
            continue
        size, taken_size = png_size(committed), png_size(taken)
        if size is None:
            errors.append("%s is not a PNG" % committed)
        elif size != taken_size:
            errors.append("%s is %dx%d but the window now draws %dx%d: run tools/update-screenshots.sh"
                          % ((name,) + size + taken_size))
        elif size != sizes[name]:
            errors.append("the metainfo says %s is %dx%d, but it is %dx%d" % ((name,) + sizes[name] + size))
        else:
            diff = difference(committed, taken)
            print("%s: %dx%d, difference %.3f" % ((name,) + size + (diff,)))
            if diff > MAX_DIFFERENCE:
                errors.append("%s no longer looks like the app (difference %.3f > %.3f): "
                              "run tools/update-screenshots.sh and look at it" % (name, diff, MAX_DIFFERENCE))
    for e in errors:
        print("screenshots: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
