#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes, or checks, the test manifest: Veil's Flatpak manifest with only its runtime lines
swapped for the Debian-made test runtime (tools/flatpak-test-runtime.sh), so CI builds and runs
the very modules and permissions users get, where the GNOME runtime cannot be downloaded.

  tools/flatpak-test-manifest.py            rewrite flatpak/io.github.veilapp.Veil.test.json
  tools/flatpak-test-manifest.py --check    fail if it differs from what would be written
"""

import json
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
USER_MANIFEST = os.path.join(ROOT, "flatpak", "io.github.veilapp.Veil.json")
# Next to the user manifest: the relative source paths ("..") mean the same in both.
TEST_MANIFEST = os.path.join(ROOT, "flatpak", "io.github.veilapp.Veil.test.json")

RUNTIME_LINES = {
    "runtime": "io.github.veilapp.TestPlatform",
    "runtime-version": "bookworm",
    "sdk": "io.github.veilapp.TestSdk",
}


def generated(user):
    test = {}
    for key, value in user.items():
        test[key] = RUNTIME_LINES.get(key, value)
    return json.dumps(test, indent=2, ensure_ascii=False) + "\n"


def main(argv):
    user_path = argv[2] if len(argv) > 2 else USER_MANIFEST
    test_path = argv[3] if len(argv) > 3 else TEST_MANIFEST
    with open(user_path) as f:
        user = json.load(f)
    missing = [key for key in RUNTIME_LINES if key not in user]
    if missing:
        print("flatpak-test-manifest: %s lacks %s" % (user_path, ", ".join(missing)), file=sys.stderr)
        return 1
    text = generated(user)

    if len(argv) > 1 and argv[1] == "--check":
        try:
            with open(test_path) as f:
                current = f.read()
        except OSError as e:
            print("flatpak-test-manifest: %s" % e, file=sys.stderr)
            return 1
        if current != text:
            print("flatpak-test-manifest: %s differs from %s in more than the runtime lines; "
                  "run tools/flatpak-test-manifest.py to regenerate it"
                  % (os.path.basename(test_path), os.path.basename(user_path)), file=sys.stderr)
            return 1
        print("flatpak-test-manifest: only the runtime lines differ")
        return 0

    with open(test_path, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
