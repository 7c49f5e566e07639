#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the D-Bus activation file: the bus name is the application ID (so D-Bus
activation and the desktop file's DBusActivatable agree) and it starts the installed veil."""

import configparser
import os
import sys


def main():
    path, app_id = sys.argv[1], sys.argv[2]
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path)
    errors = []
    if not parser.has_section("D-BUS Service"):
        errors.append("missing [D-BUS Service] group")
    else:
        section = parser["D-BUS Service"]
        if section.get("Name") != app_id:
            errors.append("Name must be %s" % app_id)
        exec_line = section.get("Exec", "").split()
        if not exec_line or not os.path.isabs(exec_line[0]) or os.path.basename(exec_line[0]) != "veil":
            errors.append("Exec must start the installed veil by absolute path")
        if "--gapplication-service" not in exec_line:
            errors.append("Exec must pass --gapplication-service")
    if os.path.basename(path) != app_id + ".service":
        errors.append("the file must be named %s.service" % app_id)
    for e in errors:
        print("%s: %s" % (path, e), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
