#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the benign corpus' data files without the network: every pin in
bench/data/benign-corpus.lock is well formed (package, version, SHA-256, folders), every line
of bench/data/benign-corpus.tsv names a valid group, and the fetch script parses.

    check-benign-corpus.py SOURCE_ROOT [MANIFEST]

With MANIFEST (a fetched corpus' manifest.tsv), also checks that every picture has a group,
with the bench's rule: the last matching pattern wins, '*' also crosses '/'."""

import fnmatch
import os
import re
import subprocess
import sys

GROUPS = {"photograph", "photograph-with-people", "texture", "drawing", "figure"}
PACKAGE = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")
VERSION = re.compile(r"^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
errors = []


def data_lines(path):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield number, line


def check_lock(path):
    seen = set()
    for number, line in data_lines(path):
        fields = line.split("\t")
        where = "%s:%d" % (path, number)
        if len(fields) not in (4, 5):
            errors.append("%s: expected 4 or 5 tab-separated fields, got %d" % (where, len(fields)))
            continue
        package, version, sha, folders = fields[:4]
        if not PACKAGE.match(package):
            errors.append("%s: %r is not a Debian package name" % (where, package))
        if package in seen:
            errors.append("%s: %s is pinned twice" % (where, package))
        seen.add(package)
        if not VERSION.match(version):
            errors.append("%s: %r is not a Debian version" % (where, version))
        if not SHA256.match(sha):
            errors.append("%s: %r is not a lower-case SHA-256" % (where, sha))
        globs = folders.split(",") + (fields[4].split(",") if len(fields) == 5 else [])
        for folder in globs:
            if not folder or folder.startswith("/") or ".." in folder.split("/"):
                errors.append("%s: %r is not a path inside the package" % (where, folder))
    if not seen:
        errors.append("%s: no package pinned" % path)
    return seen


def check_groups(path, packages):
    rules = []
    for number, line in data_lines(path):
        fields = line.split("\t")
        where = "%s:%d" % (path, number)
        if len(fields) not in (2, 3) or not fields[0]:
            errors.append("%s: expected PATTERN<TAB>GROUP[<TAB>NOTE]" % where)
            continue
        if fields[1] not in GROUPS:
            errors.append("%s: %r is not a group (%s)" % (where, fields[1], ", ".join(sorted(GROUPS))))
        if fields[0].split("/")[0] not in packages:
            errors.append("%s: %s does not start with a pinned package" % (where, fields[0]))
        if fields[0] in (r[0] for r in rules):
            errors.append("%s: %s is listed twice" % (where, fields[0]))
        rules.append((fields[0], fields[1]))
    return rules


def group_for(rules, name):
    for pattern, group in reversed(rules):
        # g_pattern_match_simple() knows only '*' and '?', and '*' crosses '/'.
        if fnmatch.fnmatchcase(name, pattern.replace("[", "[[]")):
            return group
    return None


def main():
    root = sys.argv[1]
    lock = os.path.join(root, "bench", "data", "benign-corpus.lock")
    groups = os.path.join(root, "bench", "data", "benign-corpus.tsv")
    script = os.path.join(root, "tools", "fetch-benign-corpus.sh")

    packages = check_lock(lock)
    rules = check_groups(groups, packages)
    if not os.access(script, os.X_OK):
        errors.append("%s is not executable" % script)
    parsed = subprocess.run(["bash", "-n", script], capture_output=True, text=True)
    if parsed.returncode != 0:
        errors.append("%s does not parse: %s" % (script, parsed.stderr.strip()))
    if len(sys.argv) > 2:
        for _, line in data_lines(sys.argv[2]):
            name = line.split("\t")[0]
            if group_for(rules, name) is None:
                errors.append("%s has no group" % name)

    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        sys.exit(1)
    print("%d pinned packages, %d group lines: well formed" % (len(packages), len(rules)))


main()
