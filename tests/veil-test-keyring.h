/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "veil-test-utils.h"

/* A real gnome-keyring, unlocked, on a private session bus of the test's own.
 *
 * Why not just the bus tools/test-session.sh prepares: it starts gnome-keyring with
 * --daemonize and then pings org.freedesktop.secrets. When the ping comes before the daemon
 * owns the name, D-Bus *activates* a second gnome-keyring (HOME=/root, nothing unlocked) and
 * that one wins: writes then fail with "Object does not exist at path …/collection/login".
 * Here the bus has no service files, so nothing can be activated behind the test's back, and
 * the test waits until the keyring's default collection really exists.
 *
 * Header-only so that each keyring test can use it without a new library. */

typedef struct {
  GTestDBus   *bus;
  char        *home;
  GSubprocess *daemon;
} VeilTestKeyring;

/* Kept reachable for the process lifetime: GTestDBus cannot be torn down while libsecret
 * still holds its connection, and an unreachable object would be reported as a leak. */
static VeilTestKeyring *veil_test_keyring_instance G_GNUC_UNUSED;

/* Matches Veil's items by attribute only, as a guardian's own tools (secret-tool) would. */
G_GNUC_UNUSED static const SecretSchema *
veil_test_keyring_item_schema (void)
{
  static const SecretSchema schema = {
    "io.github.veilapp.Veil.Guardian", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "data-dir", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  return &schema;
}

static gboolean G_GNUC_UNUSED
veil_test_keyring_call_ok (GDBusConnection *connection,
                           const char      *dest,
                           const char      *path,
                           const char      *iface,
                           const char      *method,
                           GVariant        *args,
                           GVariant       **out_reply)
{
  g_autoptr(GVariant) reply = NULL;

  /* NO_AUTO_START: asking must never start anything. */
  reply = g_dbus_connection_call_sync (connection, dest, path, iface, method, args, NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 2000, NULL, NULL);
  if (reply != NULL && out_reply != NULL)
    *out_reply = g_variant_ref (reply);
  return reply != NULL;
}

/* Ready once the keyring owns its name and has an unlocked default collection. */
static gboolean G_GNUC_UNUSED
veil_test_keyring_ready (const char *address)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GVariant) owner = NULL;
  g_autoptr(GVariant) alias = NULL;
  const char *path = NULL;
  gboolean has_owner = FALSE;

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, NULL);
  if (connection == NULL)
    return FALSE;

  if (veil_test_keyring_call_ok (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                 "org.freedesktop.DBus", "NameHasOwner",
                                 g_variant_new ("(s)", "org.freedesktop.secrets"), &owner))
    g_variant_get (owner, "(b)", &has_owner);

  if (has_owner &&
      veil_test_keyring_call_ok (connection, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                 "org.freedesktop.Secret.Service", "ReadAlias",
                                 g_variant_new ("(s)", "default"), &alias))
    g_variant_get (alias, "(&o)", &path);

  /* The collection must also be unlocked: --unlock finishes creating it after the name is taken. */
  if (path != NULL && !g_str_equal (path, "/"))
    {
      g_autoptr(GVariant) locked = NULL;
      g_autoptr(GVariant) value = NULL;

      if (!veil_test_keyring_call_ok (connection, "org.freedesktop.secrets", path,
                                      "org.freedesktop.DBus.Properties", "Get",
                                      g_variant_new ("(ss)", "org.freedesktop.Secret.Collection", "Locked"), &locked))
        path = NULL;
      else
        {
          g_variant_get (locked, "(v)", &value);
          if (g_variant_get_boolean (value))
            path = NULL;
        }
    }

  g_dbus_connection_close_sync (connection, NULL, NULL);
  return path != NULL && !g_str_equal (path, "/");
}

/* The keyring ends with the test process, even when a failed assertion aborts it. */
static void G_GNUC_UNUSED
veil_test_keyring_child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/**
 * veil_test_keyring_start:
 *
 * Starts a private bus with an unlocked gnome-keyring and points this process (and the
 * processes it spawns) at it. Call once, first thing in main(), before anything uses D-Bus.
 */
static void G_GNUC_UNUSED
veil_test_keyring_start (void)
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GOutputStream *input;
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *data = NULL;
  VeilTestKeyring *k;
  gint64 deadline;

  g_assert_null (veil_test_keyring_instance);
  k = g_new0 (VeilTestKeyring, 1);
  veil_test_keyring_instance = k;

  k->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (k->bus);
  /* GTestDBus hides the X display (against D-Bus autolaunch); UI tests need it back. */
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  k->home = g_dir_make_tmp ("veil-test-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  runtime = g_build_filename (k->home, "runtime", NULL);
  data = g_build_filename (k->home, "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (data, 0700), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, veil_test_keyring_child_setup, NULL, NULL);
  /* The tests' G_DEBUG=fatal-warnings would make any warning of the daemon's fatal. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_setenv (launcher, "HOME", k->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  /* --foreground: the daemon stays this process's child, so it can be ended for sure. */
  k->daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--unlock",
                                           "--components=secrets", "--foreground", NULL);
  g_assert_no_error (error);
  input = g_subprocess_get_stdin_pipe (k->daemon);
  g_assert_true (g_output_stream_write_all (input, "veil-test-keyring\n", 18, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (input, NULL, &error));
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!veil_test_keyring_ready (g_test_dbus_get_bus_address (k->bus)))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the test keyring did not come up on %s", g_test_dbus_get_bus_address (k->bus));
      g_usleep (50 * 1000);
    }
}

/**
 * veil_test_keyring_stop:
 *
 * Ends the keyring and its bus. The process should exit soon after: libsecret keeps its
 * connection to the (now gone) bus.
 */
static void G_GNUC_UNUSED
veil_test_keyring_stop (void)
{
  VeilTestKeyring *k = veil_test_keyring_instance;

  if (k == NULL)
    return;
  g_subprocess_send_signal (k->daemon, SIGTERM);
  g_subprocess_wait (k->daemon, NULL, NULL);
  g_test_dbus_stop (k->bus);
  veil_test_rm_rf (k->home);
}
