#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keeps translations complete: every file with translatable strings is in POTFILES.in,
and every language in LINGUAS translates every current string (none missing, none fuzzy)."""

import os
import re
import subprocess
import sys
import tempfile

# The same keywords as meson's i18n.gettext(preset: 'glib').
KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dcgettext:2", "g_dngettext:2,3",
            "g_dpgettext2:2c,3"]
SOURCE_DIRS = ("core", "ui", "app", "data")
TRANSLATABLE = re.compile(r'(\b_\(\s*"|\bN_\(\s*"|\bC_\(\s*"|translatable="yes"|<_?p>|<summary>)')


def listed_files(root):
    with open(os.path.join(root, "po", "POTFILES.in")) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def main():
    root = sys.argv[1]
    errors = []
    listed = listed_files(root)

    if listed != sorted(listed):
        errors.append("POTFILES.in is not sorted")
    for path in listed:
        if not os.path.exists(os.path.join(root, path)):
            errors.append("POTFILES.in lists %s, which does not exist" % path)

    # Every source or data file with translatable strings must be listed.
    for top in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith((".c", ".ui", ".desktop.in", ".xml.in", ".gschema.xml")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as f:
                    if TRANSLATABLE.search(f.read()) and rel not in listed:
                        errors.append("%s has translatable strings but is not in po/POTFILES.in" % rel)

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "veil.pot")
        cmd = ["xgettext", "--from-code=UTF-8", "--add-comments", "-D", root,
               "-f", os.path.join(root, "po", "POTFILES.in"), "-o", pot]
        cmd += ["--keyword=" + k for k in KEYWORDS]
        # ITS rules for the help-resources file live in data/its.
        env = dict(os.environ, GETTEXTDATADIRS=os.path.join(root, "data"))
        subprocess.run(cmd, check=True, env=env)
        with open(os.path.join(root, "po", "LINGUAS")) as f:
            languages = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        if not languages:
            errors.append("LINGUAS lists no language")
        for lang in languages:
            po = os.path.join(root, "po", lang + ".po")
            merged = os.path.join(tmp, lang + ".po")
            subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, po, pot], check=True)
            result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, merged],
                                    capture_output=True, text=True)
            stats = result.stderr.strip()
            if result.returncode != 0:
                errors.append("%s: msgfmt --check failed: %s" % (lang, stats))
            elif "untranslated" in stats or "fuzzy" in stats:
                errors.append("%s is incomplete: %s" % (lang, stats))
            else:
                print("%s: %s" % (lang, stats))
            untranslated = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", merged],
                                          capture_output=True, text=True).stdout
            for m in re.finditer(r'^msgid "(.+)"$', untranslated, re.M):
                errors.append("%s: untranslated: %s" % (lang, m.group(1)))

    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
