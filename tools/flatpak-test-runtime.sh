#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the Flatpak runtime and SDK that Veil's Flatpak is tested against where the GNOME
# runtime cannot be downloaded: io.github.veilapp.TestPlatform and io.github.veilapp.TestSdk,
# branch bookworm, made from Debian 12 packages (debootstrap --variant=minbase plus what Veil
# needs), exported with `flatpak build-export --runtime` into a local OSTree repository and
# installed from there. The repository is cached outside the clone, keyed by a hash of this
# script (which holds the package lists), so a machine builds it once.
#
#   tools/flatpak-test-runtime.sh            build (or reuse) and install per-user
#   tools/flatpak-test-runtime.sh --system   install system-wide instead
#
# VEIL_FLATPAK_CACHE overrides the cache folder (default /var/cache/veil-flatpak as root,
# otherwise ~/.cache/veil-flatpak). FLATPAK_USER_DIR, as for flatpak itself, chooses which
# per-user installation receives the runtime. Needs root (debootstrap, chroot) for a build;
# reusing a cached repository does not.
set -euo pipefail

installation=--user
case "${1:-}" in
  --system) installation=--system ;;
  "") ;;
  *) echo "usage: $0 [--system]" >&2; exit 2 ;;
esac

branch=bookworm
arch=$(flatpak --default-arch)
mirror=http://deb.debian.org/debian
# Debian's meson installs libraries under /app/lib/<multiarch> (autotools under /app/lib):
# the runtime looks in both.
multiarch=$arch-linux-gnu
platform_id=io.github.veilapp.TestPlatform
sdk_id=io.github.veilapp.TestSdk
remote=veil-test-runtime

# What Veil and the libraries its manifest builds (libvips, libsodium) load at run time, as
# the GNOME runtime provides them; no libvips or libsodium here, the manifest builds both.
platform_packages=(
  libglib2.0-0 libglib2.0-bin libgtk-4-1 libgtk-4-bin libadwaita-1-0 libsecret-1-0
  libjson-glib-1.0-0 libsqlite3-0 libseccomp2
  libjpeg62-turbo libpng16-16 libwebp7 libwebpmux3 libwebpdemux2 libtiff6 libexif12
  liblcms2-2 libheif1 libexpat1 zlib1g
  libgstreamer1.0-0 libgstreamer-plugins-base1.0-0 gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good gstreamer1.0-libav
  gsettings-desktop-schemas shared-mime-info librsvg2-common adwaita-icon-theme
  hicolor-icon-theme fonts-cantarell fonts-dejavu-core fontconfig
)
# The SDK adds the compilers, build systems and headers the manifest's modules use.
sdk_packages=(
  gcc libc6-dev make meson ninja-build pkg-config gettext python3
  autoconf automake libtool
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsecret-1-dev libjson-glib-dev
  libsqlite3-dev libseccomp-dev
  libjpeg-dev libpng-dev libwebp-dev libtiff-dev libexif-dev liblcms2-dev libheif-dev
  libexpat1-dev zlib1g-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  desktop-file-utils appstream appstream-util elfutils
)

if [ "$(id -u)" -eq 0 ]; then
  cache=${VEIL_FLATPAK_CACHE:-/var/cache/veil-flatpak}
else
  cache=${VEIL_FLATPAK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veil-flatpak}
fi
# The key: this very script (package lists, layout, metadata), so any change rebuilds.
key=$(sha256sum "$0" | cut -c1-16)
repo=$cache/runtime-$key/repo

say() { echo "flatpak-test-runtime: $*"; }

# Debian's root file system as a runtime: /usr becomes files/, /etc goes to files/etc (flatpak
# links the sandbox's /etc entries to it), the rest is dropped.
make_runtime_dir() {
  local root=$1 dir=$2 id=$3
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -a "$root/usr" "$dir/files"
  cp -a "$root/etc" "$dir/files/etc"
  rm -rf "$dir/files/etc/"{passwd,group,shadow,gshadow,hosts,resolv.conf,hostname,machine-id,localtime,mtab}
  rm -rf "$dir/files/share/doc" "$dir/files/share/man" "$dir/files/share/info" "$dir/files/share/lintian"
  # flatpak regenerates the sandbox's loader cache with `ldconfig` from the runtime, and the
  # app's own libraries live in /app/lib.
  [ -e "$dir/files/bin/ldconfig" ] || ln -s ../sbin/ldconfig "$dir/files/bin/ldconfig"
  cat > "$dir/files/etc/ld.so.conf" <<CONF
include /run/flatpak/ld.so.conf.d/app-*.conf
/app/lib
/app/lib/$multiarch
include /etc/ld.so.conf.d/*.conf
include /run/flatpak/ld.so.conf.d/runtime-*.conf
CONF
  cat > "$dir/metadata" <<META
[Runtime]
name=$id
runtime=$platform_id/$arch/$branch
sdk=$sdk_id/$arch/$branch

[Environment]
PKG_CONFIG_PATH=/app/lib/pkgconfig:/app/lib/$multiarch/pkgconfig:/app/share/pkgconfig
XDG_DATA_DIRS=/app/share:/usr/share
META
}

# apt-get install in a chroot, with /proc mounted for the packages' scripts.
apt_in() {
  local root=$1 status=0
  shift
  mount -t proc proc "$root/proc"
  # Downloaded packages stay in the cache: a changed package list fetches only what is new.
  mount --bind "$cache/debs" "$root/var/cache/apt/archives"
  chroot "$root" apt-get update -q >"$root.log" 2>&1 &&
    chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
      >>"$root.log" 2>&1 || status=$?
  umount "$root/var/cache/apt/archives" "$root/proc"
  [ "$status" -eq 0 ] || { tail -20 "$root.log" >&2; exit 1; }
}

build_repo() {
  # Global: the EXIT trap reads it after this function returns.
  [ "$(id -u)" -eq 0 ] || { say "building the runtime needs root (debootstrap); run me as root once" >&2; exit 1; }
  command -v debootstrap >/dev/null || { say "debootstrap is needed (apt-get install debootstrap)" >&2; exit 1; }
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/build-XXXXXX")
  trap 'umount "$work"/*/var/cache/apt/archives "$work"/*/proc 2>/dev/null; rm -rf "$work"' EXIT

  # Plain minbase, then apt inside it: apt resolves the dependencies of the platform's
  # packages (dbus, dconf) where debootstrap's --include does not.
  say "debootstrap --variant=minbase $branch"
  mkdir -p "$cache/debs/partial"
  debootstrap --variant=minbase --cache-dir="$cache/debs" "$branch" "$work/platform-root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  cp /etc/resolv.conf "$work/platform-root/etc/resolv.conf"
  # Packages must not start services in the chroot.
  printf '#!/bin/sh\nexit 101\n' > "$work/platform-root/usr/sbin/policy-rc.d"
  chmod +x "$work/platform-root/usr/sbin/policy-rc.d"
  say "the platform: ${#platform_packages[@]} packages and their dependencies"
  apt_in "$work/platform-root" "${platform_packages[@]}"

  say "the SDK: the platform plus ${#sdk_packages[@]} build packages"
  cp -a "$work/platform-root" "$work/sdk-root"
  apt_in "$work/sdk-root" "${sdk_packages[@]}"
  rm -f "$work/platform-root/usr/sbin/policy-rc.d" "$work/sdk-root/usr/sbin/policy-rc.d"

  make_runtime_dir "$work/platform-root" "$work/platform" "$platform_id"
  make_runtime_dir "$work/sdk-root" "$work/sdk" "$sdk_id"

  say "exporting into $repo"
  mkdir -p "$(dirname "$repo")"
  rm -rf "$repo.new"
  ostree init --repo="$repo.new" --mode=archive-z2
  flatpak build-export --runtime --files=files --no-update-summary "$repo.new" "$work/platform" "$branch" >/dev/null
  flatpak build-export --runtime --files=files --no-update-summary "$repo.new" "$work/sdk" "$branch" >/dev/null
  flatpak build-update-repo "$repo.new" >/dev/null
  rm -rf "$repo"
  mv "$repo.new" "$repo"
  rm -rf "$work"
  trap - EXIT
  # Older keys are older package lists: nothing will use them again.
  find "$cache" -maxdepth 1 -name 'runtime-*' ! -name "runtime-$key" -exec rm -rf {} +
}

if [ -f "$repo/summary" ]; then
  say "reusing the cached runtime $repo"
else
  build_repo
fi

flatpak "$installation" remote-add --if-not-exists --no-gpg-verify "$remote" "file://$repo"
flatpak "$installation" remote-modify --no-gpg-verify --url="file://$repo" "$remote"
for id in "$platform_id" "$sdk_id"; do
  ref="runtime/$id/$arch/$branch"
  if flatpak "$installation" info "$ref" >/dev/null 2>&1; then
    flatpak "$installation" update -y --noninteractive "$ref" >/dev/null
  else
    flatpak "$installation" install -y --noninteractive "$remote" "$ref" >/dev/null
  fi
done
say "$platform_id and $sdk_id ($branch) are installed ($installation)"
