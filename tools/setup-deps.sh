#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs every Debian 12 package Veil's build, tests and benchmarks need. Idempotent: it
# asks apt only for what is missing. Works as root or through sudo.
set -euo pipefail

packages=(
  # build
  gcc meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libgtk-4-bin libadwaita-1-dev
  libvips-dev libsqlite3-dev libsecret-1-dev libjson-glib-dev libsodium-dev
  # sandboxing the analysis workers
  libseccomp-dev
  # veil-system: polkit checks, and its tests (the real polkitd; systemd-analyze for the unit)
  libpolkit-gobject-1-dev polkitd systemd
  # videos, decoded in the analysis worker (the tests also encode clips with these)
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good gstreamer1.0-libav
  # runtime look and feel
  adwaita-icon-theme fonts-cantarell librsvg2-common shared-mime-info
  # validators used by the data suite
  desktop-file-utils appstream
  # a display, a session bus and a keyring for the UI and keyring tests
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core
  # valgrind test setup, test-image generation
  valgrind imagemagick
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

# npm fetches the classifier model at set-up. Any npm will do; Debian's is installed only
# when there is none (some machines carry Node.js from elsewhere, which conflicts with it).
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all build and test dependencies are installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
