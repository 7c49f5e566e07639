#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Tests of the installed Flatpak (tools/flatpak-build.sh installs it), one case per run:
#
#   flatpak-test.sh CASE OUTDIR ANALYZE-CLIENT
#
# window | veilctl | resources | dbus-api | dbus-activation | flathub | network | files | secrets |
# uninstall
#
# Run inside tools/test-session.sh (a private session bus with an unlocked keyring, Xvfb).
# Each case gets a scratch home with Downloads and Documents. Exit 77 (skip) only when Flatpak
# cannot run here at all, or when the app is not installed and VEIL_FLATPAK_REQUIRED is not 1
# (.ci/run sets it: there a missing app fails).
set -euo pipefail

case_name=$1
outdir=$2
analyze_client=$3
app=io.github.veilapp.Veil

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

command -v flatpak >/dev/null || skip "flatpak is not installed (tools/flatpak-build.sh installs it)"
bwrap --unshare-all --ro-bind / / true 2>/dev/null ||
  skip "bwrap cannot create namespaces on this machine, so no Flatpak can run here"
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || fail "no session bus: run under tools/test-session.sh"

# The installation the app was built into, fixed before the scratch home replaces HOME.
export FLATPAK_USER_DIR=${FLATPAK_USER_DIR:-$HOME/.local/share/flatpak}
if ! flatpak --user info "$app" >/dev/null 2>&1; then
  [ "${VEIL_FLATPAK_REQUIRED:-0}" = 1 ] && fail "$app is not installed in $FLATPAK_USER_DIR"
  skip "$app is not installed: build it with tools/flatpak-build.sh"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/veil-flatpak-test-XXXXXX")
cleanup() {
  flatpak kill "$app" >/dev/null 2>&1 || true
  [ -n "${listener_pid:-}" ] && kill "$listener_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

export HOME=$scratch/home
unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_STATE_HOME
mkdir -p "$HOME/Downloads" "$HOME/Documents" "$HOME/.config"
echo 'XDG_DOWNLOAD_DIR="$HOME/Downloads"' > "$HOME/.config/user-dirs.dirs"
echo 'XDG_DOCUMENTS_DIR="$HOME/Documents"' >> "$HOME/.config/user-dirs.dirs"
export LC_ALL=C.UTF-8

pin=582914
ctl() { flatpak run --command=veilctl "$app" "$@"; }
inside() { flatpak run --command=sh "$app" -c "$1"; }

# Test pictures, made on the host where they land: a photo-like gradient and a flat tile.
make_pictures() {
  local dir=$1
  convert -size 320x240 plasma:fractal -seed 7 "$dir/plasma.png" 2>/dev/null ||
    convert -size 320x240 gradient:orange-navy "$dir/plasma.png"
  convert -size 200x200 xc:'#3a7bd5' "$dir/tile.jpg"
}

# A guardian, a child profile linked to this account, and the child's acknowledgement.
make_profile() {
  printf '%s\n' "$pin" | ctl guardian set-pin
  printf '%s\n' "$pin" | ctl profile create Sam --age-band under-13 --pin-stdin
  printf '%s\n' "$pin" | ctl profile set Sam "$@" --pin-stdin
}

# Run by the dbus-activation case on a bus of its own: a call to the Analyzer, with nothing
# owning Veil's name, starts the app in its sandbox, which answers.
activate_on_this_bus() {
  set -euo pipefail
  local owner policy=
  make_profile message-warnings=on "unix-user=$(id -un)"
  ctl consent ack Sam message-warnings
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner "$app" | grep -q false ||
    fail "$app already has an owner before the call"
  # Starting a sandbox on a busy machine may take a while.
  policy=$(gdbus call --session --timeout 60 --dest "$app" --object-path /io/github/veilapp/Veil \
             --method org.freedesktop.DBus.Properties.Get io.github.veilapp.Veil.Analyzer1 Policy) ||
    fail "the call did not start Veil"
  note "the first call started Veil, which answered: Policy $policy"
  owner=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
            --method org.freedesktop.DBus.GetConnectionUnixProcessID "$app" | tr -dc '0-9 ' | awk '{print $NF}')
  # What owns the name is in the app's sandbox (the app, or flatpak's bus proxy for it): its
  # root holds the app's .flatpak-info, as portals check.
  grep -qs "^name=$app\$" "/proc/$owner/root/.flatpak-info" ||
    fail "$app is owned by process $owner, which is not in the app's sandbox"
  note "$app is owned by process $owner, in the app's sandbox"
  # The first call waited for the linked profile to be read: its answer is already true
  # (an under-13 with message warnings on and acknowledged gets simple interventions).
  case "$policy" in
    *simple*) ;;
    *) fail "the first call was answered before the profile was read: Policy $policy" ;;
  esac
  make_pictures "$scratch"
  "$analyze_client" "$scratch/plasma.png" || fail "the activated Veil did not check the picture"
}

wait_for_name() {
  for _ in $(seq 300); do
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true && return 0
    sleep 0.1
  done
  return 1
}

case "$case_name" in
  window)
    flatpak run "$app" >"$scratch/app.log" 2>&1 &
    wait_for_name "$app" || { cat "$scratch/app.log"; fail "the app did not take its bus name"; }
    sleep 4
    kill -0 $! 2>/dev/null || { cat "$scratch/app.log"; fail "the app quit"; }
    mkdir -p "$outdir"
    import -window root "$outdir/flatpak-window.png"
    # An empty Xvfb screen is one flat colour: a window makes it vary.
    spread=$(convert "$outdir/flatpak-window.png" -format '%[fx:standard_deviation]' info:)
    note "screenshot $outdir/flatpak-window.png, pixel spread $spread"
    awk -v s="$spread" 'BEGIN { exit !(s > 0.01) }' || fail "the screen is blank: no window was drawn"
    ;;

  veilctl)
    mkdir -p "$HOME/Downloads/Pictures"
    make_pictures "$HOME/Downloads/Pictures"
    ctl version
    ctl classify "$HOME/Downloads/Pictures/plasma.png" "$HOME/Downloads/Pictures/tile.jpg" | tee "$scratch/classify.txt"
    grep -q plasma.png "$scratch/classify.txt" || fail "classify printed nothing for plasma.png"
    make_profile library-scan=on "folders=$HOME/Downloads/Pictures"
    ctl consent ack Sam library-scan
    ctl scan Sam --json | tee "$scratch/scan.json"
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$scratch/scan.json" ||
      fail "scan did not print JSON"
    ;;

  resources)
    inside 'ls -l /app/share/veil/models/ /app/share/veil/'
    inside 'test -s /app/share/veil/models/veil-nsfw.vmodel' || fail "the model is not under /app"
    inside 'test -s /app/share/veil/io.github.veilapp.Veil.help-resources.xml' ||
      fail "the help resources are not under /app"
    # And the app itself finds them: classifying needs the model.
    make_pictures "$HOME/Downloads"
    ctl classify "$HOME/Downloads/tile.jpg" || fail "veilctl classify did not find the model"
    ;;

  dbus-api)
    make_pictures "$HOME/Downloads"
    make_profile message-warnings=on "unix-user=$(id -un)"
    ctl consent ack Sam message-warnings
    flatpak run "$app" --gapplication-service >"$scratch/service.log" 2>&1 &
    wait_for_name "$app" || { cat "$scratch/service.log"; fail "the service did not take its bus name"; }
    # The caller is outside the sandbox and hands over a file the app itself cannot see.
    make_pictures "$scratch"
    "$analyze_client" "$scratch/plasma.png" || { cat "$scratch/service.log"; fail "AnalyzeFile did not answer"; }
    ;;

  dbus-activation)
    # flatpak exports the app's D-Bus service file with its Exec rewritten to `flatpak run`,
    # so that a session bus that reads the exports folder starts the app in its sandbox.
    exported=$FLATPAK_USER_DIR/exports/share/dbus-1/services/$app.service
    [ -f "$exported" ] || fail "the Flatpak exports no D-Bus service file: $exported"
    cat "$exported"
    grep -qx "Name=$app" "$exported" || fail "the exported service file is not for $app"
    grep -Eq "^Exec=[^ ]*flatpak run .*--command=[^ ]*/veil $app --gapplication-service\$" "$exported" ||
      fail "the exported service file does not start Veil with flatpak run"
    # A session bus of its own, as a desktop session's, whose service folders include the
    # exports (flatpak's profile script adds them to XDG_DATA_DIRS at login), with a keyring.
    # xvfb-run is a POSIX shell script, which drops exported bash functions: they go in a file.
    { declare -p app pin analyze_client scratch
      declare -f ctl make_profile make_pictures fail note activate_on_this_bus
      echo activate_on_this_bus; } > "$scratch/activate.sh"
    XDG_DATA_DIRS="$FLATPAK_USER_DIR/exports/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
      dbus-run-session -- "$(dirname "$0")/../../tools/test-session.sh" bash "$scratch/activate.sh"
    ;;

  flathub)
    # The installed build as Flathub's linter checks one: its MetaInfo, desktop file and
    # icons as installed, the catalog flatpak-builder composed, and the permissions it has.
    python3 "$(dirname "$0")/../data/check-flathub.py" "$(dirname "$0")/../../flatpak/$app.json" \
      --share "$(flatpak --user info --show-location "$app")/files/share" ||
      fail "the installed Flatpak breaks Flathub's rules"
    ;;

  network)
    # /proc/net/dev lists the devices of the process's own network namespace (/sys inside is
    # the host's).
    interfaces=$(inside "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
    note "interfaces inside: $interfaces"
    [ "$interfaces" = lo ] || fail "the sandbox has network interfaces besides lo: $interfaces"
    # A listener on the host that the host itself reaches: the sandbox must not.
    python3 -c '
import socket, sys
s = socket.socket(); s.bind(("0.0.0.0", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
while True: s.accept()[0].close()' > "$scratch/port" &
    listener_pid=$!
    for _ in $(seq 50); do [ -s "$scratch/port" ] && break; sleep 0.1; done
    port=$(cat "$scratch/port")
    # The listener is IPv4: the host's IPv4 addresses and loopback.
    addresses="127.0.0.1 $(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v : || true)"
    for address in $addresses; do
      bash -c "exec 3<>/dev/tcp/$address/$port" || fail "the host cannot reach its own listener at $address"
      if inside "exec 3<>/dev/tcp/$address/$port" 2>/dev/null; then
        fail "the sandbox connected to $address:$port"
      fi
      note "$address:$port: reached from the host, not from the sandbox"
    done
    ;;

  files)
    echo private > "$HOME/Documents/private.txt"
    echo received > "$HOME/Downloads/received.txt"
    inside "test -f '$HOME/Downloads/received.txt'" || fail "Downloads is not visible inside"
    inside "test ! -e '$HOME/Documents/private.txt' && test ! -e '$HOME/Documents'" ||
      fail "Documents is visible inside"
    inside "test ! -e '$PWD/meson.build' && test ! -e /root/.bashrc" || fail "host files are visible inside"
    inside "ls -A '$HOME'"
    ;;

  secrets)
    # gnome-keyring owns both org.freedesktop.secrets and org.gnome.keyring on this bus.
    wait_for_name org.gnome.keyring || fail "the test keyring does not own org.gnome.keyring"
    names=$(inside 'gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.ListNames')
    note "names visible inside: $names"
    case "$names" in *"'org.gnome.keyring'"*) fail "org.gnome.keyring is visible inside" ;; esac
    inside 'gdbus introspect --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets >/dev/null' ||
      fail "the secrets portal name is not reachable inside"
    if inside 'gdbus introspect --session --dest org.gnome.keyring --object-path /org/freedesktop/secrets >/dev/null 2>&1'; then
      fail "the keyring's own name is reachable inside"
    fi
    # And Veil stores the guardian PIN through it.
    printf '%s\n' "$pin" | ctl guardian set-pin
    ctl guardian status | tee "$scratch/guardian.txt"
    ;;

  uninstall)
    # A scratch installation, so the one the other cases use stays.
    origin=$(flatpak --user info --show-origin "$app")
    url=$(flatpak --user remotes --columns=name,url | awk -v o="$origin" '$1 == o { print $2 }')
    runtime_url=$(flatpak --user remotes --columns=name,url | awk '$1 == "veil-test-runtime" { print $2 }')
    export FLATPAK_USER_DIR=$scratch/installation
    flatpak --user remote-add --no-gpg-verify veil-test-runtime "$runtime_url"
    flatpak --user remote-add --no-gpg-verify veil-app "$url"
    flatpak --user install -y --noninteractive veil-app "$app" >/dev/null
    find "$HOME" | sort > "$scratch/before"
    make_pictures "$HOME/Downloads"
    ctl classify "$HOME/Downloads/tile.jpg" >/dev/null
    test -d "$HOME/.var/app/$app" || fail "the app kept no data in ~/.var/app/$app"
    flatpak --user uninstall -y --noninteractive --delete-data "$app" >/dev/null
    rm -f "$HOME/Downloads/plasma.png" "$HOME/Downloads/tile.jpg"
    test ! -e "$HOME/.var/app/$app" || fail "the app's data outlived --delete-data"
    # flatpak keeps the (now empty) folder that holds every app's data.
    rmdir "$HOME/.var/app" "$HOME/.var"
    find "$HOME" | sort > "$scratch/after"
    diff -u "$scratch/before" "$scratch/after" || fail "uninstalling left files behind"
    ;;

  *) fail "unknown case $case_name" ;;
esac
echo "PASS: $case_name"
