#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the benign picture corpus bench/false-alarms measures false alarms on: wallpapers,
# sample photographs and documentation figures shipped in Debian 12 packages. The packages are
# fetched with `apt-get download` (never installed), pinned by version and SHA-256 in
# bench/data/benign-corpus.lock, and unpacked with dpkg-deb into a temporary folder.
#
#   tools/fetch-benign-corpus.sh [--accept-changed] DIR
#
# DIR receives PACKAGE/PATH-IN-PACKAGE for every picture Veil reads (JPEG, PNG, WebP, GIF,
# TIFF; not SVG, which Veil refuses), each content once (the first name in sorted order
# keeps it), plus:
#   manifest.tsv    name, sha256, bytes of every picture kept
#   duplicates.tsv  name of a dropped copy, name of the picture it duplicates
#   .debs/          the verified packages, reused on the next run without the network
#
# A .deb whose hash differs from the pin stops the script; --accept-changed takes it anyway
# and prints the lock line to put in bench/data/benign-corpus.lock.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
lock="$here/bench/data/benign-corpus.lock"
accept_changed=0

usage() {
  echo "usage: $0 [--accept-changed] DIR" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case $1 in
    --accept-changed) accept_changed=1; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || usage
out=$1

for tool in apt-get dpkg-deb sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch-benign-corpus: $tool is needed (a Debian system)" >&2; exit 1; }
done

# Only a corpus this script made (or an empty folder) is replaced.
if [ -d "$out" ] && [ ! -f "$out/manifest.tsv" ] &&
   [ -n "$(find "$out" -mindepth 1 -maxdepth 1 ! -name .debs -print -quit)" ]; then
  echo "fetch-benign-corpus: $out is not empty and holds no manifest.tsv; choose an empty folder" >&2
  exit 1
fi
mkdir -p "$out/.debs"
out=$(cd "$out" && pwd)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Prints the path of the verified .deb of $1 = $2 (sha256 $3), downloading it when the
# cached copy is missing or differs.
fetch_deb() {
  local package=$1 version=$2 sha=$3 cached got
  cached="$out/.debs/${package}_${version//:/%3a}.deb"
  if [ -f "$cached" ] && [ "$(sha256sum "$cached" | cut -d' ' -f1)" = "$sha" ]; then
    echo "$cached"
    return
  fi
  mkdir -p "$scratch/dl"
  rm -f "$scratch/dl"/*.deb
  if ! (cd "$scratch/dl" && apt-get download -q "$package=$version" >&2); then
    echo "fetch-benign-corpus: apt-get could not download $package $version (is the bookworm archive in the apt sources, and did apt-get update run?)" >&2
    exit 1
  fi
  got=$(sha256sum "$scratch"/dl/*.deb | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    echo "fetch-benign-corpus: WARNING: $package $version has sha256 $got, the lock pins $sha" >&2
    if [ $accept_changed -eq 0 ]; then
      echo "fetch-benign-corpus: stopping; check the package, then rerun with --accept-changed and update $lock" >&2
      exit 1
    fi
    echo "fetch-benign-corpus: accepted; the lock line would be:" >&2
    printf '%s\t%s\t%s\t%s\n' "$package" "$version" "$got" "$4" >&2
  fi
  mv -f "$scratch"/dl/*.deb "$cached"
  echo "$cached"
}

# Lists the pictures to take from an unpacked package under the given folders (minus those
# matching an excluded glob), one relative path a line, sorted. Plasma ships each wallpaper in a dozen sizes named WIDTHxHEIGHT.ext:
# only the largest of a folder is the picture, the others are copies at other sizes.
list_pictures() {
  local root=$1 folders=$2 excluded=$3 folder glob
  local -a skip=()
  IFS=, read -r -a dirs <<< "$folders"
  IFS=, read -r -a globs <<< "$excluded"
  for glob in "${globs[@]}"; do
    skip+=(-not -path "$glob")
  done
  for folder in "${dirs[@]}"; do
    [ -d "$root/$folder" ] || { echo "fetch-benign-corpus: $folder is missing from the package" >&2; exit 1; }
    (cd "$root" && find "$folder" -type f "${skip[@]}" \
       \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.webp' \
          -o -iname '*.gif' -o -iname '*.tif' -o -iname '*.tiff' \))
  done | LC_ALL=C sort | awk '
    {
      n = split($0, part, "/"); dir = substr($0, 1, length($0) - length(part[n]))
      if (part[n] ~ /^[0-9]+x[0-9]+\.[A-Za-z]+$/) {
        split(part[n], wh, /[x.]/); area = wh[1] * wh[2]
        if (!(dir in best) || area > best_area[dir]) { best[dir] = $0; best_area[dir] = area }
      } else print
    }
    END { for (d in best) print best[d] }' | LC_ALL=C sort
}

# Replace what an earlier run made.
if [ -f "$out/manifest.tsv" ]; then
  while IFS=$'\t' read -r package _; do
    case $package in ''|\#*) continue ;; esac
    rm -rf "${out:?}/$package"
  done < "$lock"
fi
: > "$scratch/manifest"
: > "$scratch/duplicates"
declare -A seen=()
total=0

while IFS=$'\t' read -r package version sha folders excluded; do
  case $package in ''|\#*) continue ;; esac
  deb=$(fetch_deb "$package" "$version" "$sha" "$folders${excluded:+	$excluded}")
  rm -rf "$scratch/x"
  dpkg-deb -x "$deb" "$scratch/x"
  kept=0
  while IFS= read -r rel; do
    file="$scratch/x/$rel"
    name="$package/$rel"
    hash=$(sha256sum "$file" | cut -d' ' -f1)
    if [ -n "${seen[$hash]:-}" ]; then
      printf '%s\t%s\n' "$name" "${seen[$hash]}" >> "$scratch/duplicates"
      continue
    fi
    seen[$hash]=$name
    mkdir -p "$out/$(dirname "$name")"
    cp "$file" "$out/$name"
    printf '%s\t%s\t%s\n' "$name" "$hash" "$(stat -c %s "$file")" >> "$scratch/manifest"
    kept=$((kept + 1))
  done < <(list_pictures "$scratch/x" "$folders" "${excluded:-}")
  echo "fetch-benign-corpus: $package $version: $kept pictures"
  total=$((total + kept))
done < "$lock"

{ printf '# name\tsha256\tbytes\n'; cat "$scratch/manifest"; } > "$out/manifest.tsv"
{ printf '# dropped\tsame-content-as\n'; cat "$scratch/duplicates"; } > "$out/duplicates.tsv"
echo "fetch-benign-corpus: $total distinct pictures in $out ($(($(wc -l < "$scratch/duplicates"))) duplicates dropped)"
