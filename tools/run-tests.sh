#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs Veil's whole test suite from a clean checkout: installs what is missing, fetches and
# converts the classifier model, builds with -Werror, builds and installs Veil's Flatpak
# against the Debian-made test runtime (both cached), and runs every suite (core, data, ui,
# slow, flatpak, system) inside a private D-Bus session with an unlocked keyring and Xvfb.
#
#   tools/run-tests.sh              the normal configuration
#   tools/run-tests.sh --sanitize   again, built with AddressSanitizer + UndefinedBehaviorSanitizer
#                                   (the flatpak suite tests the installed app, not this build:
#                                   it runs in the normal configuration only)
#   tools/run-tests.sh --no-flatpak without building the Flatpak; its suite then skips
#   extra arguments after -- go to `meson test` (e.g. -- --suite core)
# The system suite (veil-system) brings its own system bus, polkitd and test accounts
# (tools/system-test-session.sh) and needs root; without root it skips.
set -euo pipefail

cd "$(dirname "$0")/.."

sanitize=0
flatpak=1
builddir=build
test_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) sanitize=1; flatpak=0; builddir=build-sanitize ;;
    --no-flatpak) flatpak=0 ;;
    --) shift; test_args=("$@"); break ;;
    *) echo "usage: $0 [--sanitize] [--no-flatpak] [-- MESON-TEST-ARGS...]" >&2; exit 2 ;;
  esac
  shift
done

tools/setup-deps.sh
[ -x tools/fetch-model.sh ] && tools/fetch-model.sh

# -Dsystem=true makes polkit required, so that veil-system and its suite are never left out.
setup_args=(--werror -Dbuildtype=debugoptimized -Dsystem=true)
if [ "$sanitize" = 1 ]; then
  setup_args+=(-Db_sanitize=address,undefined -Db_lundef=false)
  # Sanitizer findings must fail the run, not scroll past. Full (slow) unwinding on malloc,
  # because system libraries lack frame pointers and truncated stacks would defeat the
  # suppressions of their one-time allocations.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:fast_unwind_on_malloc=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}"
fi

if [ -f "$builddir/build.ninja" ]; then
  meson setup --reconfigure "$builddir" "${setup_args[@]}"
else
  meson setup "$builddir" "${setup_args[@]}"
fi
meson compile -C "$builddir"

if [ "$flatpak" = 1 ]; then
  echo "=== Veil's Flatpak (test runtime from the cache or debootstrap, then flatpak-builder) ==="
  started=$(date +%s)
  flatpak_status=0
  tools/flatpak-build.sh || flatpak_status=$?
  case "$flatpak_status" in
    0) export VEIL_FLATPAK_REQUIRED=1 ;;
    # Flatpak cannot run on this machine at all: the flatpak suite says so and skips.
    77) export VEIL_FLATPAK_REQUIRED=0 ;;
    *) echo "The Flatpak did not build (exit $flatpak_status); see the lines above." >&2
       exit "$flatpak_status" ;;
  esac
  echo "=== Flatpak built and installed in $(( $(date +%s) - started )) s ==="
elif [ "$sanitize" = 1 ]; then
  test_args=(--no-suite flatpak "${test_args[@]}")
fi

status=0
dbus-run-session -- tools/test-session.sh \
  meson test -C "$builddir" --print-errorlogs --num-processes 2 "${test_args[@]}" || status=$?

# One closing line a person (or CI) can read at a glance, counted from meson's own log.
python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(sys.argv[1]):
    result = json.loads(line).get("result", "")
    key = "OK" if result in ("OK", "EXPECTEDFAIL") else "SKIP" if result == "SKIP" else "FAIL"
    counts[key] += 1
print("tests: %d passed, %d failed, %d skipped" % (counts["OK"], counts["FAIL"], counts["SKIP"]))
PY
exit "$status"
