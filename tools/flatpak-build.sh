#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds Veil's Flatpak with flatpak-builder and installs it, against the Debian-made test
# runtime (the manifest flatpak/io.github.veilapp.Veil.test.json, which is the user manifest
# with only its runtime lines swapped) or, with --gnome, against GNOME 47 as users get it.
#
#   tools/flatpak-build.sh            test runtime: builds it first (cached), then Veil
#   tools/flatpak-build.sh --gnome    the user manifest (needs org.gnome.Sdk//47 installed)
#
# Installs per-user (FLATPAK_USER_DIR, as for flatpak itself, picks another installation).
# flatpak-builder's state (downloaded sources, built modules) and the app's OSTree repository
# stay in the cache folder outside the clone (see tools/flatpak-test-runtime.sh), so a second
# build rebuilds only Veil. Exits 77 when this machine cannot run Flatpak sandboxes at all.
set -euo pipefail

cd "$(dirname "$0")/.."

manifest=flatpak/io.github.veilapp.Veil.test.json
case "${1:-}" in
  --gnome) manifest=flatpak/io.github.veilapp.Veil.json ;;
  "") ;;
  *) echo "usage: $0 [--gnome]" >&2; exit 2 ;;
esac

say() { echo "flatpak-build: $*"; }

missing=()
# flatpak-builder strips and splits debug information with eu-strip on the host.
for tool in flatpak:flatpak flatpak-builder:flatpak-builder debootstrap:debootstrap ostree:ostree eu-strip:elfutils; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { say "please install: ${missing[*]}" >&2; exit 1; }
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# Flatpak needs namespaces for its sandbox; where bwrap cannot make them, nothing can run.
if ! bwrap --unshare-all --ro-bind / / true 2>/dev/null; then
  say "bwrap cannot create namespaces on this machine, so no Flatpak can run here: skipped" >&2
  exit 77
fi

if [ "$(id -u)" -eq 0 ]; then
  cache=${VEIL_FLATPAK_CACHE:-/var/cache/veil-flatpak}
else
  cache=${VEIL_FLATPAK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veil-flatpak}
fi
export VEIL_FLATPAK_CACHE=$cache

tools/fetch-model.sh
[ "$manifest" = flatpak/io.github.veilapp.Veil.json ] || tools/flatpak-test-runtime.sh
tools/flatpak-test-manifest.py --check >/dev/null ||
  { say "the test manifest is out of step: run tools/flatpak-test-manifest.py" >&2; exit 1; }

mkdir -p "$cache"
say "building $manifest"
# No FUSE in CI containers: rofiles-fuse is only an optimisation of the module cache.
# --disable-tests: the manifest's build-time tests need a session bus with a keyring, which
# flatpak-builder's build sandbox does not have (the suites run outside, tools/run-tests.sh,
# and the flatpak suite tests this very build once installed).
flatpak-builder --user --install --force-clean --disable-rofiles-fuse --disable-tests \
  --state-dir="$cache/builder" --repo="$cache/app-repo" \
  "$cache/app-build" "$manifest"
say "io.github.veilapp.Veil is installed: flatpak run io.github.veilapp.Veil"
