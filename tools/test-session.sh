#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a command inside the private environment the tests need: called by run-tests.sh
# through dbus-run-session, it starts an unlocked gnome-keyring (Secret Service) on this
# private bus and gives the command an X display with xvfb-run. Nothing touches the user's
# own session or keyring.
set -euo pipefail

[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || { echo "test-session: run me under dbus-run-session" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/veil-test-session-XXXXXX")
cleanup() {
  [ -n "${keyring_pid:-}" ] && kill "$keyring_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# The keyring keeps its files under this private home; the runtime dir holds its control socket.
export XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -m 0700 -p "$XDG_RUNTIME_DIR" "$scratch/home"
keyring_env=$(HOME="$scratch/home" gnome-keyring-daemon --unlock --components=secrets --daemonize <<< "veil-test-keyring")
eval "$(printf '%s\n' "$keyring_env" | sed -n 's/^\(GNOME_KEYRING_[A-Z_]*\)=\(.*\)$/export \1="\2"/p')"

# Wait until our daemon owns the Secret Service name. Only ask the bus *whether* the name has
# an owner: calling the service itself would D-Bus-activate a second, locked keyring.
owner_pid=
for _ in $(seq 100); do
  if gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
       --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null | grep -q true; then
    owner_pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
                  --method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets |
                tr -dc '0-9 ' | awk '{print $NF}')
    break
  fi
  sleep 0.1
done
[ -n "$owner_pid" ] || { echo "test-session: gnome-keyring did not start" >&2; exit 1; }
keyring_pid=$owner_pid

# Not exec: the trap above must still stop the keyring and remove the scratch folder.
status=0
xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" "$@" || status=$?
exit "$status"
