#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs bench/classify with the reference framework measured in the same run: installs the
# pinned TF.js oracle (../shared/tools/nsfw-oracle, read-only) into the git-ignored
# .model-cache/nsfw-oracle once, then starts bench-classify, which runs
# `nsfw-bench.mjs --backend wasm` itself and prints Veil's figures as ratios against it.
#
#   bench/classify-with-reference.sh [BUILDDIR] [-- BENCH-ARGS...]
set -euo pipefail

cd "$(dirname "$0")/.."

builddir=build
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  builddir=$1
  shift
fi
[ "${1:-}" = "--" ] && shift

source_dir=${NSFW_ORACLE_SRC:-../shared/tools/nsfw-oracle}
oracle=.model-cache/nsfw-oracle

if [ ! -d "$oracle/node_modules/nsfwjs" ]; then
  [ -f "$source_dir/nsfw-bench.mjs" ] || { echo "classify-with-reference: no oracle at $source_dir (set NSFW_ORACLE_SRC)" >&2; exit 1; }
  mkdir -p "$oracle"
  cp "$source_dir"/package.json "$source_dir"/package-lock.json "$source_dir"/*.mjs "$oracle"/
  (cd "$oracle" && npm ci --no-audit --no-fund --silent)
fi

model=$builddir/core/classify/veil-nsfw.vmodel
[ -f "$model" ] || { echo "classify-with-reference: build first (no $model)" >&2; exit 1; }

NSFW_ORACLE_DIR=$PWD/$oracle VEIL_MODEL_PATH=$PWD/$model exec "$builddir/bench/bench-classify" "$@"
