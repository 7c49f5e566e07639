#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what is missing, builds Veil and starts it from the build folder (uninstalled, with
# its settings schema and translations found through `meson devenv`).
set -euo pipefail

cd "$(dirname "$0")/.."

tools/setup-deps.sh
[ -x tools/fetch-model.sh ] && tools/fetch-model.sh

[ -f build/build.ninja ] || meson setup build
meson compile -C build
exec meson devenv -C build ./app/veil/veil "$@"
