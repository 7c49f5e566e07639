#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest: it parses, it keeps Veil's privacy promise (no network),
and every -D option given to a meson module exists in that module's meson options."""

import glob
import json
import os
import re
import sys
import tarfile

# Meson's own options, valid for every project.
BUILTIN = re.compile(r"^(b_|backend|buildtype|debug|default_library|optimization|prefix|"
                     r"libdir|datadir|bindir|localedir|warning_level|werror|strip|"
                     r"unity|wrap_mode|auto_features|pkg_config_path|c_std|c_args|c_link_args)")


def options_from_meson_file(text):
    return set(re.findall(r"^\s*option\s*\(\s*'([^']+)'", text, re.M))


def options_of_archive(manifest_dir, name, source):
    """The module's options: from its archive when a flatpak-builder download cache holds it,
    otherwise from the recorded list next to the manifest (kept from that same archive)."""
    sha = source.get("sha256", "")
    for cache in (os.path.join(manifest_dir, ".flatpak-builder"),
                  os.path.join(manifest_dir, "..", ".flatpak-builder")):
        for path in glob.glob(os.path.join(cache, "downloads", sha, "*")):
            with tarfile.open(path) as tar:
                for member in tar.getmembers():
                    if member.name.count("/") == 1 and member.name.endswith(
                            ("/meson_options.txt", "/meson.options")):
                        return options_from_meson_file(tar.extractfile(member).read().decode())
    version = re.search(r"v?(\d+\.\d+\.\d+)", source["url"]).group(1)
    recorded = os.path.join(manifest_dir, "%s-%s.options" % (name, version))
    if not os.path.exists(recorded):
        return None
    with open(recorded) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def main():
    manifest_path, source_root = sys.argv[1], sys.argv[2]
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))
    errors = []

    with open(manifest_path) as f:
        manifest = json.load(f)

    def expect(cond, msg):
        if not cond:
            errors.append(msg)

    expect(manifest.get("id") == "io.github.veilapp.Veil", "app id must be io.github.veilapp.Veil")
    expect(manifest.get("runtime") == "org.gnome.Platform", "runtime must be org.gnome.Platform")
    expect(manifest.get("sdk") == "org.gnome.Sdk", "sdk must be org.gnome.Sdk")
    expect(manifest.get("runtime-version") == "47", "runtime-version must be 47")
    args = manifest.get("finish-args", [])
    expect("--share=network" not in args, "Veil must not have network access")
    for needed in ("--socket=wayland", "--socket=fallback-x11", "--device=dri"):
        expect(needed in args, "finish-args lack " + needed)
    expect(not any(a.startswith("--filesystem=host") or a == "--filesystem=home" for a in args),
           "no blanket file system access: folders come through the portal")
    # Message warnings watch the child's Downloads (where messengers save attachments) and,
    # for hiding a warned picture, move it out: that folder, and no other, is granted.
    expect("--filesystem=xdg-download" in args, "finish-args lack --filesystem=xdg-download (message warnings)")
    expect([a for a in args if a.startswith("--filesystem=")] == ["--filesystem=xdg-download"],
           "the only file system access is the Downloads folder")

    modules = manifest.get("modules", [])
    # The classifier model: the pinned npm tarball that tools/fetch-model.sh verified (the
    # build checks its hash again while converting it).
    app_sources = modules[-1].get("sources", []) if modules else []
    expect(any(s.get("type") == "file" and s.get("path", "").endswith("/.model-cache/nsfwjs-4.4.0.tgz")
               for s in app_sources), "veil: the model tarball from .model-cache must be a source")
    expect(modules and modules[-1].get("name") == "veil", "the last module must be veil")
    for module in modules:
        name = module.get("name", "?")
        for source in module.get("sources", []):
            if source.get("type") in ("archive", "file") and "url" in source:
                expect(re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")) or
                       re.fullmatch(r"[0-9a-f]{128}", source.get("sha512", "")),
                       "%s: every downloaded source needs a pinned sha256 or sha512" % name)
        if module.get("buildsystem") != "meson":
            continue
        given = [o[2:].split("=", 1)[0] for o in module.get("config-opts", []) if o.startswith("-D")]
        source = module["sources"][0]
        if source.get("type") == "dir":
            path = os.path.normpath(os.path.join(manifest_dir, source["path"]))
            expect(os.path.samefile(path, source_root), "%s: dir source must be the project root" % name)
            text = ""
            for fname in ("meson_options.txt", "meson.options"):
                if os.path.exists(os.path.join(path, fname)):
                    text += open(os.path.join(path, fname)).read()
            known = options_from_meson_file(text)
            expect(module.get("run-tests") is True, "veil: run-tests must be enabled")
        else:
            known = options_of_archive(manifest_dir, name, source)
            if known is None:
                errors.append("%s: cannot find the option list of the pinned archive" % name)
                continue
        for opt in given:
            if not BUILTIN.match(opt) and opt not in known:
                errors.append("%s: unknown meson option -D%s" % (name, opt))

    for e in errors:
        print("flatpak manifest: " + e, file=sys.stderr)
    if not errors:
        print("flatpak manifest: %d modules checked" % len(modules))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
