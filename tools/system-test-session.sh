#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a command inside the world veil-system's tests need, built from real parts and taken
# down afterwards whatever happens:
#   - three test accounts made with useradd (veil-test-guardian, veil-test-child,
#     veil-test-other), marked as Veil's in their comment field;
#   - a private system-like bus (dbus-daemon, <type>system</type>) with Veil's bus policy,
#     on a socket in a scratch folder the test accounts can reach; DBUS_SYSTEM_BUS_ADDRESS
#     points at it;
#   - Veil's polkit actions in /usr/share/polkit-1/actions (the only place polkitd reads
#     them) and a rule in /etc/polkit-1/rules.d granting Veil's actions to the test guardian
#     alone;
#   - the real polkitd on that bus.
# Needs root (CI runs as root); otherwise it says so and exits 77, which meson counts as a
# skip. One run at a time (a lock), since accounts and polkit files are machine-wide.
#
#   tools/system-test-session.sh POLICY-FILE COMMAND [ARGS...]
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "system-test-session: the system tests make accounts and start polkitd, so they need root; skipped" >&2
  exit 77
fi
[ $# -ge 2 ] || { echo "usage: $0 POLICY-FILE COMMAND [ARGS...]" >&2; exit 2; }
policy_file=$1
shift

srcdir=$(cd "$(dirname "$0")/.." && pwd)
polkitd=/usr/lib/polkit-1/polkitd
for tool in dbus-daemon useradd userdel setpriv gdbus "$polkitd"; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "system-test-session: $tool is missing; tools/setup-deps.sh installs it" >&2
    exit 1
  }
done

accounts=(veil-test-guardian veil-test-child veil-test-other)
marker="Veil test account (removed after the tests)"
actions_dir=/usr/share/polkit-1/actions
installed_action="$actions_dir/io.github.veilapp.VeilSystem1.policy"
rules_file=/etc/polkit-1/rules.d/49-veil-system-test.rules

exec 9>/run/lock/veil-system-test.lock 2>/dev/null || exec 9>/tmp/veil-system-test.lock
flock 9

scratch=$(mktemp -d /tmp/veil-system-test-XXXXXX)
created_accounts=()
pids=()
action_backup=

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -f "$rules_file"
  if [ -n "$action_backup" ]; then
    cp -p "$action_backup" "$installed_action"
  else
    rm -f "$installed_action"
  fi
  for account in "${created_accounts[@]}"; do
    userdel "$account" 2>/dev/null || true
    getent group "$account" >/dev/null && groupdel "$account" 2>/dev/null || true
  done
  rm -rf "$scratch"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The bus socket lives here: the test accounts must reach it. The tests' own temporary
# files (the service's state folder) go in a root-only folder inside, removed with it.
chmod 0755 "$scratch"
mkdir -m 0700 "$scratch/tmp"
export TMPDIR="$scratch/tmp"

for account in "${accounts[@]}"; do
  if entry=$(getent passwd "$account"); then
    # Left by an interrupted run: ours by its comment; anything else is not ours to touch.
    if [ "$(echo "$entry" | cut -d: -f5)" != "$marker" ]; then
      echo "system-test-session: an account $account exists and is not a Veil test account; not touching it" >&2
      exit 1
    fi
    userdel "$account"
  fi
  useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
          --user-group --comment "$marker" "$account"
  created_accounts+=("$account")
done

if [ -e "$installed_action" ]; then
  action_backup="$scratch/installed-action.policy"
  cp -p "$installed_action" "$action_backup"
fi
install -m 0644 "$policy_file" "$installed_action"
cat > "$rules_file" <<'RULES'
// Written by Veil's system tests and removed after them: Veil's actions, for the test
// guardian only.
polkit.addRule(function(action, subject) {
    if (action.id.indexOf("io.github.veilapp.VeilSystem1.") == 0 &&
        subject.user == "veil-test-guardian")
        return polkit.Result.YES;
});
RULES
chmod 0644 "$rules_file"

cat > "$scratch/system-bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$scratch/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <include>/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf</include>
  <include>$srcdir/data/dbus-1/system.d/io.github.veilapp.VeilSystem1.conf</include>
</busconfig>
CONF

dbus-daemon --config-file="$scratch/system-bus.conf" --nofork --nopidfile &
pids+=($!)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$scratch/system_bus_socket"
for _ in $(seq 100); do
  [ -S "$scratch/system_bus_socket" ] && break
  sleep 0.1
done

"$polkitd" --no-debug &
pids+=($!)
for _ in $(seq 100); do
  if gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
       --method org.freedesktop.DBus.NameHasOwner org.freedesktop.PolicyKit1 2>/dev/null | grep -q true; then
    break
  fi
  sleep 0.1
done
gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.NameHasOwner org.freedesktop.PolicyKit1 | grep -q true || {
  echo "system-test-session: polkitd did not start on the private bus" >&2
  exit 1
}

export VEIL_SYSTEM_TEST_SESSION=1
# Not exec: the trap must still take everything down.
status=0
"$@" || status=$?
exit "$status"
