#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Flathub's rules that matter for Veil, checked offline.

Flathub runs flatpak-builder-lint on every submission; it is not packaged in Debian 12, so
this applies the rules of its manifest, MetaInfo, desktop file and icon checks that Veil could
break, under the linter's own names, and asks the tools it asks (flatpak-builder,
appstreamcli, desktop-file-validate) where they are installed.

  check-flathub.py MANIFEST --share DIR            the files as installed (DIR/metainfo, ...),
                                                   and the catalog composed from them
  check-flathub.py MANIFEST --metainfo FILE --desktop FILE --icons DIR
  check-flathub.py --self-test MANIFEST --metainfo FILE --desktop FILE --icons DIR
      breaks copies of the good files in a scratch folder, one rule at a time, and fails
      unless every rule catches its break (so a check that can no longer fail is noticed)
"""

import argparse
import configparser
import copy
import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# File system access Flathub refuses for an app like Veil, and what Veil promises anyway:
# folders come through the portal, Downloads is the one granted outright.
BLANKET_FILESYSTEMS = {"home", "host", "host-os", "host-etc", "xdg-data", "xdg-config", "xdg-cache"}
RESERVED_DIRS = {".flatpak-info", "app", "dev", "etc", "lib", "lib32", "lib64", "proc", "root",
                 "run/flatpak", "run/host", "sbin", "usr"}
LOW_QUALITY_CATEGORIES = {"KDE", "GTK", "Qt", "Application", "GNOME"}
# appstreamcli --pedantic objects to the capital letters of reverse-DNS IDs, which Flatpak
# and Flathub use throughout (io.github.veilapp.Veil): the one pedantic hint let through.
ALLOWED_PEDANTIC = {"cid-contains-uppercase-letter"}
APP_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*){2,}$")
CODE_HOSTS = {"github", "gitlab", "codeberg", "sourceforge"}


def check_manifest(path, manifest):
    """Findings (rule, message) of the manifest rules."""
    found = []
    app_id = manifest.get("id", manifest.get("app-id"))
    if not app_id:
        return [("appid-not-defined", "the manifest has no id")]
    if not APP_ID.match(app_id):
        found.append(("appid-invalid", "%s is not a valid application ID" % app_id))
    parts = app_id.split(".")
    if len(parts) > 1 and parts[1] in CODE_HOSTS and len(parts) < 4:
        found.append(("appid-code-hosting-too-few-components", "%s needs four components" % app_id))
    if os.path.splitext(os.path.basename(path))[0] != app_id:
        found.append(("appid-filename-mismatch", "%s is not named after %s" % (os.path.basename(path), app_id)))
    if not manifest.get("command"):
        found.append(("toplevel-no-command", "the manifest has no command"))
    if not manifest.get("modules"):
        found.append(("toplevel-no-modules", "the manifest has no modules"))
    if "/lib/debug" in manifest.get("cleanup", []):
        found.append(("toplevel-cleanup-debug", "cleanup removes /lib/debug"))
    found += check_finish_args(app_id, manifest.get("finish-args"))
    return found


def check_finish_args(app_id, args):
    if not args:
        return [("finish-args-not-defined", "a graphical app needs finish-args")]
    found = []
    sockets = {a.split("=", 1)[1] for a in args if a.startswith("--socket=")}

    def bad(rule, arg, why):
        found.append((rule, "%s: %s" % (arg, why)))

    for arg in args:
        option, _, value = arg.partition("=")
        if option == "--filesystem":
            place = value.rsplit(":", 1)[0] if value.endswith((":ro", ":rw", ":create")) else value
            if place in BLANKET_FILESYSTEMS:
                bad("finish-args-arbitrary-filesystem-access", arg, "no blanket access to the home or host files")
            elif place.startswith(("/home", "/var/home")):
                bad("finish-args-absolute-home-path", arg, "a path under /home works for one user only")
            elif place.strip("/") in RESERVED_DIRS:
                bad("finish-args-reserved-dir", arg, "reserved by Flatpak, it does nothing")
            elif re.match(r"xdg-(data|config|cache)/", place):
                bad("finish-args-unnecessary-xdg-dir-access", arg, "the app has its own under ~/.var/app")
        elif arg == "--share=network":
            bad("finish-args-network-access", arg, "Veil promises no network")
        elif option == "--socket" and value in ("session-bus", "system-bus"):
            bad("finish-args-arbitrary-dbus-access", arg, "name the bus names it talks to instead")
        elif option in ("--talk-name", "--own-name", "--system-talk-name", "--system-own-name"):
            kind = "own-name" if "own" in option else "talk-name"
            if value == "org.freedesktop.Flatpak":
                bad("finish-args-flatpak-spawn-access", arg, "it runs any command on the host")
            elif value.startswith("org.freedesktop.portal."):
                bad("finish-args-portal-" + kind, arg, "portals are allowed by default")
            elif re.fullmatch(r"org\.(freedesktop|gnome|kde)\.\*", value):
                bad("finish-args-wildcard-name-" + kind, arg, "a wildcard over a well-known namespace")
            elif option == "--own-name" and (value == app_id or value.startswith(app_id + ".")):
                bad("finish-args-unnecessary-appid-own-name", arg, "Flatpak grants the app its own names")
        elif arg == "--device=shm":
            bad("finish-args-deprecated-shm", arg, "deprecated")
    if "wayland" in sockets and "fallback-x11" not in sockets:
        found.append(("finish-args-fallback-x11-without-wayland", "--socket=wayland needs --socket=fallback-x11"))
    if "wayland" in sockets and "x11" in sockets:
        found.append(("finish-args-contains-both-x11-and-wayland", "use fallback-x11 with wayland"))
    if sockets & {"x11", "fallback-x11"} and "--share=ipc" not in args:
        found.append(("finish-args-x11-without-ipc", "X11 needs --share=ipc"))
    return found


def args_of_metadata(path):
    """The permissions an installed app was built with (its `metadata`), as finish-args."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path)
    context = parser["Context"] if parser.has_section("Context") else {}
    args = []
    for key, option in (("shared", "--share"), ("sockets", "--socket"), ("devices", "--device"),
                        ("filesystems", "--filesystem")):
        values = [v for v in context.get(key, "").split(";") if v]
        # build-finish writes fallback-x11 as "x11;fallback-x11": X11 only without Wayland.
        if key == "sockets" and "fallback-x11" in values:
            values.remove("x11")
        args += ["%s=%s" % (option, v) for v in values]
    for section, prefix in (("Session Bus Policy", "--"), ("System Bus Policy", "--system-")):
        if parser.has_section(section):
            for name, policy in parser[section].items():
                args.append("%s%s-name=%s" % (prefix, "own" if policy == "own" else "talk", name))
    return args


def check_show_manifest(path):
    """flatpak-builder reads the manifest as it would build it: an error or a property it
    cannot read (which it only warns about) is a finding."""
    builder = shutil.which("flatpak-builder")
    if builder is None:
        return []
    result = subprocess.run([builder, "--show-manifest", path], capture_output=True, text=True)
    complaints = [l for l in result.stderr.splitlines() if re.search(r"WARNING|CRITICAL|[Ee]rror", l)]
    if result.returncode != 0 or complaints:
        return [("flatpak-builder-show-manifest", "flatpak-builder --show-manifest rejects it: %s"
                 % (result.stderr.strip() or "exit %d" % result.returncode))]
    return []


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def text_of(root, tag):
    """The text of @tag in English: the element without xml:lang (merged files add the
    translations next to it)."""
    for node in root.findall(tag):
        if node.get(XML_LANG) is None:
            return (node.text or "").strip()
    return ""


def check_metainfo(path, app_id):
    found = []
    # The older name is what Debian 12's flatpak-builder renames the file to when it installs.
    if os.path.basename(path) not in (app_id + ".metainfo.xml", app_id + ".appdata.xml"):
        found.append(("appstream-metainfo-missing", "the MetaInfo file must be %s.metainfo.xml" % app_id))
    root = ET.parse(path).getroot()
    if root.tag != "component" or root.get("type") != "desktop-application":
        found.append(("appstream-unsupported-component-type", "the component must be a desktop-application"))
    if text_of(root, "id") != app_id:
        found.append(("appstream-id-mismatch", "<id> must be %s" % app_id))
    launchables = [l.text for l in root.findall("launchable") if l.get("type") == "desktop-id"]
    if launchables != [app_id + ".desktop"]:
        found.append(("appstream-missing-appinfo", "<launchable type=\"desktop-id\"> must be %s.desktop" % app_id))
    if not text_of(root, "developer_name") and not text_of(root, "developer/name"):
        found.append(("appstream-missing-developer-name", "no <developer_name> or <developer><name>"))
    if not text_of(root, "project_license"):
        found.append(("appstream-missing-project-license", "no <project_license>"))
    if len(text_of(root, "name")) > 20:
        found.append(("appstream-name-too-long", "<name> is longer than 20 characters"))
    if len(text_of(root, "summary")) > 35:
        found.append(("appstream-summary-too-long", "<summary> is longer than 35 characters"))
    screenshots = root.findall("screenshots/screenshot")
    if not any(s.find("image") is not None for s in screenshots):
        found.append(("appstream-missing-screenshots", "no screenshots"))
    for s in screenshots:
        if not text_of(s, "caption"):
            found.append(("appstream-screenshot-missing-caption", "a screenshot has no caption"))
        for image in s.findall("image"):
            if image.get("type", "source") == "source" and not (image.text or "").strip().startswith("https://"):
                found.append(("appstream-screenshot-url", "screenshot URLs must be absolute https URLs"))
    rating = root.find("content_rating")
    if rating is None or rating.get("type") != "oars-1.1":
        found.append(("appstream-missing-content-rating", "no <content_rating type=\"oars-1.1\">"))
    releases = root.findall("releases/release")
    if not releases or releases[0].find("description") is None:
        found.append(("appstream-missing-release-notes", "the newest release has no <description>"))
    found += validate_metainfo(path)
    return found


def validate_metainfo(path):
    """appstreamcli, pedantic: every finding but the allowed one fails."""
    appstreamcli = shutil.which("appstreamcli")
    if appstreamcli is None:
        return []
    result = subprocess.run([appstreamcli, "validate", "--no-net", "--pedantic", "--explain", path],
                            capture_output=True, text=True)
    issues = re.findall(r"^([EWIP]): [^:]+:(?:\d+:)? ([a-z0-9-]+)", result.stdout, re.M)
    bad = [tag for _, tag in issues if tag not in ALLOWED_PEDANTIC]
    if bad or result.returncode != 0:
        return [("appstream-failed-validation", "appstreamcli validate --pedantic: %s\n%s"
                 % (", ".join(bad) or "exit %d" % result.returncode, result.stdout.strip()))]
    return []


def check_desktop(path, app_id):
    found = []
    if os.path.basename(path) != app_id + ".desktop":
        return [("desktop-file-not-installed", "the desktop file must be %s.desktop" % app_id)]
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"] if parser.has_section("Desktop Entry") else {}
    icon = entry.get("Icon")
    if icon is None:
        found.append(("desktop-file-icon-key-absent", "no Icon key"))
    elif not re.fullmatch(re.escape(app_id) + r"([.-][^/]+)?(\.(svg|png|xpm))?", icon):
        found.append(("desktop-file-icon-key-wrong-value", "Icon=%s is not named after %s" % (icon, app_id)))
    exec_line = entry.get("Exec")
    if exec_line is None:
        found.append(("desktop-file-exec-key-absent", "no Exec key"))
    elif "flatpak run" in exec_line:
        found.append(("desktop-file-exec-has-flatpak-run", "flatpak writes the flatpak run itself"))
    if entry.get("Hidden") == "true" or entry.get("NoDisplay") == "true":
        found.append(("desktop-file-is-hidden", "the app's own desktop file is hidden"))
    categories = {c for c in entry.get("Categories", "").split(";") if c}
    if not categories - LOW_QUALITY_CATEGORIES:
        found.append(("desktop-file-low-quality-category", "no proper category besides %s" % ", ".join(sorted(categories))))
    validate = shutil.which("desktop-file-validate")
    if validate is not None:
        result = subprocess.run([validate, path], capture_output=True, text=True)
        if result.returncode != 0 or result.stdout.strip() or result.stderr.strip():
            found.append(("desktop-file-failed-validation", (result.stdout + result.stderr).strip()))
    return found


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def check_icons(icons, app_id):
    """An icon Flathub can export and show: a scalable SVG, or a PNG of at least 128 px."""
    svg = os.path.join(icons, "hicolor", "scalable", "apps", app_id + ".svg")
    if os.path.isfile(svg):
        with open(svg, "rb") as f:
            if b"<svg" in f.read():
                return []
        return [("no-exportable-icon-installed", "%s is not an SVG" % svg)]
    for size in (128, 256, 512):
        png = os.path.join(icons, "hicolor", "%dx%d" % (size, size), "apps", app_id + ".png")
        if os.path.isfile(png) and png_size(png) == (size, size):
            return []
    return [("no-exportable-icon-installed", "no %s.svg (scalable) or 128 px PNG under %s" % (app_id, icons))]


def check_catalog(app_info, app_id):
    """What flatpak-builder composed from the MetaInfo at the end of the build (share/app-info):
    the catalog Flathub publishes, with one component, its screenshots and a 128 px icon."""
    catalog = os.path.join(app_info, "xmls", app_id + ".xml.gz")
    if not os.path.isfile(catalog):
        return [("appstream-missing-appinfo-file", "flatpak-builder composed no catalog: %s" % catalog)]
    found = []
    with gzip.open(catalog) as f:
        components = ET.parse(f).getroot().findall("component")
    if len(components) != 1:
        found.append(("appstream-multiple-components", "the catalog has %d components" % len(components)))
    elif components[0].find("screenshots/screenshot/image") is None:
        found.append(("appstream-missing-screenshots", "the composed catalog lost the screenshots"))
    icon = os.path.join(app_info, "icons", "flatpak", "128x128", app_id + ".png")
    if not os.path.isfile(icon) or png_size(icon) != (128, 128):
        found.append(("appstream-missing-icon-file", "no 128 px icon in the catalog: %s" % icon))
    return found


def check_all(manifest_path, metainfo, desktop, icons):
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
    except ValueError as e:
        return [("jsonschema-validation-error", "%s: %s" % (manifest_path, e))] + check_show_manifest(manifest_path)
    app_id = manifest.get("id", manifest.get("app-id", ""))
    return (check_manifest(manifest_path, manifest) + check_show_manifest(manifest_path) +
            check_metainfo(metainfo, app_id) + check_desktop(desktop, app_id) + check_icons(icons, app_id))


def add_args(*extra):
    return lambda m: dict(m, **{"finish-args": m["finish-args"] + list(extra)})


MANIFEST_BREAKS = [
    ("finish-args-arbitrary-filesystem-access", add_args("--filesystem=home")),
    ("finish-args-arbitrary-filesystem-access", add_args("--filesystem=host:ro")),
    ("finish-args-arbitrary-filesystem-access", add_args("--filesystem=host-os")),
    ("finish-args-network-access", add_args("--share=network")),
    ("finish-args-flatpak-spawn-access", add_args("--talk-name=org.freedesktop.Flatpak")),
    ("finish-args-arbitrary-dbus-access", add_args("--socket=session-bus")),
    ("finish-args-arbitrary-dbus-access", add_args("--socket=system-bus")),
    ("finish-args-unnecessary-appid-own-name", lambda m: add_args("--own-name=" + m["id"])(m)),
    ("finish-args-wildcard-name-talk-name", add_args("--talk-name=org.gnome.*")),
    ("finish-args-fallback-x11-without-wayland",
     lambda m: dict(m, **{"finish-args": [a for a in m["finish-args"] if a != "--socket=fallback-x11"]})),
    ("appid-filename-mismatch", lambda m: dict(m, id="io.github.veilapp.Other")),
    ("toplevel-cleanup-debug", lambda m: dict(m, cleanup=m.get("cleanup", []) + ["/lib/debug"])),
]
METAINFO_BREAKS = [
    ("appstream-missing-screenshots", r"(?s)<screenshots>.*</screenshots>", ""),
    ("appstream-screenshot-missing-caption", r"(?s)<caption>.*?</caption>", ""),
    ("appstream-missing-content-rating", r"(?s)<content_rating.*?</content_rating>", ""),
    ("appstream-id-mismatch", r"<id>[^<]*</id>", "<id>io.github.veilapp.Other</id>"),
    ("appstream-missing-appinfo", r"<launchable[^>]*>[^<]*</launchable>", ""),
    ("appstream-missing-release-notes", r"(?s)(<release [^>]*>)\s*<description>.*?</description>", r"\1"),
    ("appstream-summary-too-long", r"<summary>", "<summary>Far too long a summary for a software centre: "),
    ("appstream-failed-validation", r"</component>", "<unknown-tag/></component>"),
]
DESKTOP_BREAKS = [
    ("desktop-file-icon-key-wrong-value", r"(?m)^Icon=.*$", "Icon=veil"),
    ("desktop-file-exec-has-flatpak-run", r"(?m)^Exec=", "Exec=flatpak run "),
    ("desktop-file-is-hidden", r"(?m)^Type=", "NoDisplay=true\nType="),
    ("desktop-file-low-quality-category", r"(?m)^Categories=.*$", "Categories=GTK;GNOME;"),
    ("desktop-file-failed-validation", r"(?m)^Type=", "NotAKey=1\nType="),
]


def self_test(manifest_path, metainfo, desktop, icons):
    """Every rule above catches its break in a copy of the good files."""
    with open(manifest_path) as f:
        manifest = json.load(f)
    texts = {}
    for name in (metainfo, desktop):
        with open(name, encoding="utf-8") as f:
            texts[name] = f.read()
    app_id = manifest["id"]
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        good = {"manifest": os.path.join(scratch, os.path.basename(manifest_path)),
                "metainfo": os.path.join(scratch, os.path.basename(metainfo)),
                "desktop": os.path.join(scratch, os.path.basename(desktop)),
                "icons": os.path.join(scratch, "icons")}
        bad_dir = os.path.join(scratch, "bad")
        os.mkdir(bad_dir)

        def rules_of(paths):
            return {rule for rule, _ in check_all(paths["manifest"], paths["metainfo"], paths["desktop"], paths["icons"])}

        def run(expected, **broken):
            """The break must add the finding: one the good files have already proves nothing."""
            nonlocal failures
            rules = rules_of(dict(good, **broken))
            ok = expected in rules and expected not in baseline
            print("%s %s (%s)" % ("ok  " if ok else "MISS", expected, ", ".join(sorted(rules)) or "nothing found"))
            failures += not ok

        def write(name, text):
            path = os.path.join(bad_dir, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return path

        shutil.copyfile(manifest_path, good["manifest"])
        shutil.copyfile(metainfo, good["metainfo"])
        shutil.copyfile(desktop, good["desktop"])
        shutil.copytree(icons, good["icons"])
        baseline = rules_of(good)

        for expected, breaker in MANIFEST_BREAKS:
            run(expected, manifest=write(os.path.basename(manifest_path),
                                         json.dumps(breaker(copy.deepcopy(manifest)), indent=2)))
        run("jsonschema-validation-error", manifest=write(os.path.basename(manifest_path), "{ \"id\": "))
        if shutil.which("flatpak-builder"):
            run("flatpak-builder-show-manifest", manifest=write(os.path.basename(manifest_path),
                json.dumps(dict(manifest, **{"finish-args": "--share=ipc"}))))
        for breaks, key, source in ((METAINFO_BREAKS, "metainfo", metainfo), (DESKTOP_BREAKS, "desktop", desktop)):
            for expected, pattern, replacement in breaks:
                broken, count = re.subn(pattern, replacement, texts[source], count=1)
                assert count == 1, "the break for %s matches nothing in %s" % (expected, source)
                run(expected, **{key: write(os.path.basename(source), broken)})
        run("no-exportable-icon-installed", icons=bad_dir)
        # An installed app's metadata, read back as finish-args.
        metadata = write("metadata", "[Context]\nshared=network;ipc;\nsockets=x11;wayland;fallback-x11;session-bus;\n"
                                     "filesystems=xdg-download;home;\n[Session Bus Policy]\n%s=own\n" % app_id)
        rules = {rule for rule, _ in check_finish_args(app_id, args_of_metadata(metadata))}
        for expected in ("finish-args-network-access", "finish-args-arbitrary-dbus-access",
                         "finish-args-arbitrary-filesystem-access", "finish-args-unnecessary-appid-own-name"):
            print("%s %s (metadata: %s)" % ("ok  " if expected in rules else "MISS", expected, ", ".join(sorted(rules))))
            failures += expected not in rules
        if "finish-args-contains-both-x11-and-wayland" in rules:
            print("MISS metadata: fallback-x11 read as x11 and wayland both")
            failures += 1
        small = os.path.join(bad_dir, "hicolor", "128x128", "apps")
        os.makedirs(small)
        with open(os.path.join(small, app_id + ".png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sII", 13, b"IHDR", 64, 64))
        run("no-exportable-icon-installed", icons=bad_dir)
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("--share", help="an installed share/ folder (metainfo, applications, icons)")
    parser.add_argument("--metainfo")
    parser.add_argument("--desktop")
    parser.add_argument("--icons")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    with open(args.manifest) as f:
        app_id = json.load(f)["id"]
    if args.share:
        args.metainfo = os.path.join(args.share, "metainfo", app_id + ".metainfo.xml")
        if not os.path.exists(args.metainfo):
            args.metainfo = os.path.join(args.share, "appdata", app_id + ".appdata.xml")
        args.desktop = os.path.join(args.share, "applications", app_id + ".desktop")
        args.icons = os.path.join(args.share, "icons")
    if args.self_test:
        return self_test(args.manifest, args.metainfo, args.desktop, args.icons)
    found = check_all(args.manifest, args.metainfo, args.desktop, args.icons)
    if args.share:
        found += check_catalog(os.path.join(args.share, "app-info"), app_id)
        # What was built must keep the manifest's promises too.
        metadata = os.path.join(args.share, "..", "..", "metadata")
        found += [(rule, "installed metadata: " + message)
                  for rule, message in check_finish_args(app_id, args_of_metadata(metadata))]
    for rule, message in found:
        print("%s: %s" % (rule, message), file=sys.stderr)
    if not found:
        print("Flathub rules: the manifest, %s, %s and the icon pass" % (os.path.basename(args.metainfo),
                                                                         os.path.basename(args.desktop)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
