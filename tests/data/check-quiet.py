#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs a validator and fails unless it succeeds *and* reports nothing: hints and infos are
findings too. Lines that only summarise success are allowed."""

import re
import subprocess
import sys

ALLOWED = re.compile(r"^(✔ Validation was successful.*|Validation was successful.*|\s*)$")

result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
output = (result.stdout + result.stderr).strip()
findings = [l for l in output.splitlines() if not ALLOWED.match(l)]
print(output)
if result.returncode != 0 or findings:
    print("%s reported %d finding(s), exit code %d" % (sys.argv[1], len(findings), result.returncode),
          file=sys.stderr)
    sys.exit(1)
