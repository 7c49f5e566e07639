#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fetches the classifier models at set-up: the nsfwjs 4.4.0 npm tarball (MIT), pinned by hash,
# into the git-ignored .model-cache/ folder. The tarball holds both of Veil's models, the
# classifier (MobileNetV2) and the second opinion (MobileNetV2Mid); the build converts each into
# Veil's own model file (core/classify/meson.build, tools/veil-convert-model.py). Nothing at run
# time touches a network.
#
#   tools/fetch-model.sh                download once; a cached tarball that verifies is reused
#   tools/fetch-model.sh --convert DIR  also write DIR/veil-nsfw.vmodel and
#                                       DIR/veil-nsfw-mid.vmodel from the verified tarball
set -euo pipefail

cd "$(dirname "$0")/.."

package=nsfwjs
version=4.4.0
tarball="$package-$version.tgz"
# The registry's integrity field for nsfwjs@4.4.0 (sha512-krC1fgeTLXtZ…, written here in hex so
# coreutils can check it) and the file's sha256.
sha512_hex="92b0b57e07932d7b59c20769289d239bb86abf481349141044bf8584e6b1689f568fddade3604eddcb0eda87708130206607f646f9303eda7447c01aedd73e30"
sha256_hex="585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382"

cache=.model-cache
target="$cache/$tarball"

convert_dir=
case "${1:-}" in
  --convert) convert_dir=${2:?"fetch-model: --convert needs a folder"} ;;
  "") ;;
  *) echo "usage: tools/fetch-model.sh [--convert DIR]" >&2; exit 2 ;;
esac

# Both model files from the one verified tarball (the converter checks its sha256 again).
convert_models() {
  [ -n "$convert_dir" ] || return 0
  mkdir -p "$convert_dir"
  python3 tools/veil-convert-model.py --sha256 "$sha256_hex" --model mobilenet_v2 \
    "$target" "$convert_dir/veil-nsfw.vmodel"
  python3 tools/veil-convert-model.py --sha256 "$sha256_hex" --model mobilenet_v2_mid \
    "$target" "$convert_dir/veil-nsfw-mid.vmodel"
}

verify() {
  local file=$1 got512 got256
  got512=$(sha512sum "$file" | cut -d' ' -f1)
  got256=$(sha256sum "$file" | cut -d' ' -f1)
  [ "$got512" = "$sha512_hex" ] && [ "$got256" = "$sha256_hex" ]
}

if [ -f "$target" ] && verify "$target"; then
  echo "fetch-model: $target is present and verified"
  convert_models
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "fetch-model: npm is needed (tools/setup-deps.sh installs it)" >&2; exit 1; }

mkdir -p "$cache"
scratch=$(mktemp -d "$cache/download-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

echo "fetch-model: downloading $package@$version from the npm registry"
npm pack "$package@$version" --pack-destination "$scratch" --silent >/dev/null

if ! verify "$scratch/$tarball"; then
  echo "fetch-model: $tarball does not match the pinned hash; refusing to use it" >&2
  exit 1
fi

mv -f "$scratch/$tarball" "$target"
echo "fetch-model: $target verified"
convert_models
