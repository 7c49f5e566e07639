#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes the screenshots the AppStream metainfo shows (data/screenshots/*.png) again from the
# real application window, in the private session the tests use (Xvfb, a scratch keyring),
# and replaces the committed ones. Look at them before committing.
#
#   tools/update-screenshots.sh [BUILDDIR]     default build/
#
# The `screenshots` data test takes them the same way and fails when the committed ones no
# longer look like the app.
set -euo pipefail

cd "$(dirname "$0")/.."
builddir=${1:-build}

[ -f "$builddir/build.ninja" ] || meson setup "$builddir" --werror -Dbuildtype=debugoptimized
meson compile -C "$builddir"
VEIL_UPDATE_SCREENSHOTS=1 dbus-run-session -- tools/test-session.sh \
  meson test -C "$builddir" --print-errorlogs screenshots
git status --short data/screenshots
