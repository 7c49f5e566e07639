/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-autostart"

#include "config.h"

#include <gio/gdesktopappinfo.h>
#include <glib/gstdio.h>

#include "veil.h"
#include "veil-autostart.h"
#include "veil-test-utils.h"

#define APP_ID "io.github.veilapp.Veil"

/* GDesktopAppInfo refuses entries whose program does not exist: use one that does. */
static const char * const service_argv[] = { "/bin/true", "--gapplication-service", NULL };

static void
remove_entry (void)
{
  g_autofree char *path = veil_autostart_get_entry_path (APP_ID);

  g_remove (path);
}

static void
test_entry_written_and_removed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = veil_autostart_get_entry_path (APP_ID);
  g_autofree char *expected_dir = g_build_filename (g_get_user_config_dir (), "autostart", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GDesktopAppInfo) info = NULL;
  g_autofree char *exec = NULL;

  remove_entry ();
  g_assert_cmpstr (dir, ==, expected_dir);
  g_assert_false (veil_autostart_is_enabled (APP_ID));

  g_assert_true (veil_autostart_set_enabled (APP_ID, service_argv, "Checks pictures", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (veil_autostart_is_enabled (APP_ID));

  /* A session reads it as a hidden application that runs the service command. */
  info = g_desktop_app_info_new_from_filename (path);
  g_assert_nonnull (info);
  g_assert_cmpstr (g_app_info_get_commandline (G_APP_INFO (info)), ==, "/bin/true --gapplication-service");
  g_assert_true (g_desktop_app_info_get_nodisplay (info));
  g_assert_true (g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, &error));
  g_assert_true (g_key_file_get_boolean (keys, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", NULL));
  exec = g_key_file_get_string (keys, G_KEY_FILE_DESKTOP_GROUP, "Comment", NULL);
  g_assert_cmpstr (exec, ==, "Checks pictures");

  /* Idempotent both ways. */
  g_assert_true (veil_autostart_set_enabled (APP_ID, service_argv, NULL, TRUE, &error));
  g_assert_true (veil_autostart_set_enabled (APP_ID, NULL, NULL, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (veil_autostart_is_enabled (APP_ID));
  g_assert_true (veil_autostart_set_enabled (APP_ID, NULL, NULL, FALSE, &error));
  g_assert_no_error (error);
}

static void
test_program_path_with_spaces (void)
{
  static const char * const argv[] = { "/opt/My Apps/veil", "--gapplication-service", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = veil_autostart_get_entry_path (APP_ID);
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *exec = NULL;
  g_auto(GStrv) parsed = NULL;

  remove_entry ();
  g_assert_true (veil_autostart_set_enabled (APP_ID, argv, NULL, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, &error));
  exec = g_key_file_get_string (keys, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
  g_assert_no_error (error);
  g_assert_true (g_shell_parse_argv (exec, NULL, &parsed, &error));
  g_assert_cmpstrv (parsed, argv);
  remove_entry ();
}

static void
test_foreign_entry_left_alone (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = veil_autostart_get_entry_path (APP_ID);
  g_autofree char *dir = g_path_get_dirname (path);
  const char *foreign = "[Desktop Entry]\nType=Application\nName=Someone else's\nExec=true\n";
  g_autofree char *after = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, foreign, -1, &error));
  g_assert_false (veil_autostart_is_enabled (APP_ID));

  g_assert_false (veil_autostart_set_enabled (APP_ID, service_argv, NULL, TRUE, &error));
  g_assert_error (error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_NOT_OURS);
  g_clear_error (&error);
  g_assert_false (veil_autostart_set_enabled (APP_ID, NULL, NULL, FALSE, &error));
  g_assert_error (error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_NOT_OURS);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (path, &after, NULL, &error));
  g_assert_cmpstr (after, ==, foreign);
  remove_entry ();
}

static void
test_unwritable_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = veil_autostart_get_entry_path (APP_ID);
  g_autofree char *dir = g_path_get_dirname (path);

  if (geteuid () == 0)
    {
      g_test_skip ("root can write anywhere: cannot make the folder unwritable");
      return;
    }
  remove_entry ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  g_assert_false (veil_autostart_set_enabled (APP_ID, service_argv, NULL, TRUE, &error));
  g_assert_error (error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_WRITE);
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
}

/* --- The Background portal, as xdg-desktop-portal would answer on a private bus ------------- */

typedef struct {
  guint32   answer;          /* 0 granted, 1 refused */
  GVariant *last_options;    /* what the request asked for */
  char     *last_handle;
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Portal;

static const char portal_xml[] =
  "<node><interface name='org.freedesktop.portal.Background'>"
  "  <method name='RequestBackground'>"
  "    <arg type='s' name='parent_window' direction='in'/>"
  "    <arg type='a{sv}' name='options' direction='in'/>"
  "    <arg type='o' name='handle' direction='out'/>"
  "  </method>"
  "</interface></node>";

static void
portal_method_cb (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  Portal *portal = user_data;
  g_autoptr(GVariant) options = NULL;
  g_autofree char *escaped = g_strdup (sender + 1);
  const char *token = NULL;
  GVariantBuilder results;

  g_variant_get (parameters, "(&s@a{sv})", NULL, &options);
  g_assert_true (g_variant_lookup (options, "handle_token", "&s", &token));
  g_strdelimit (escaped, ".", '_');
  g_free (portal->last_handle);
  portal->last_handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", escaped, token);
  g_clear_pointer (&portal->last_options, g_variant_unref);
  portal->last_options = g_variant_ref (options);

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", portal->last_handle));
  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (portal->answer == 0));
  g_dbus_connection_emit_signal (connection, sender, portal->last_handle, "org.freedesktop.portal.Request",
                                 "Response", g_variant_new ("(ua{sv})", portal->answer, &results), NULL);
}

static void
requested_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Portal *portal = user_data;

  portal->ok = veil_autostart_request_background_finish (result, &portal->error);
  portal->done = TRUE;
}

static GDBusConnection *
connect_to (GTestDBus *bus)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
test_portal (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GDBusConnection) portal_connection = NULL;
  g_autoptr(GDBusConnection) app_connection = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **commandline = NULL;
  Portal portal = { 0 };
  GDBusInterfaceVTable vtable = { portal_method_cb, NULL, NULL, { 0 } };
  gboolean autostart = FALSE;
  guint registration;

  g_test_dbus_up (bus);
  portal_connection = connect_to (bus);
  app_connection = connect_to (bus);
  node = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_assert_no_error (error);
  registration = g_dbus_connection_register_object (portal_connection, "/org/freedesktop/portal/desktop",
                                                    node->interfaces[0], &vtable, &portal, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (portal_connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.portal.Desktop", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  /* Granted: the request carries the command and the autostart wish. */
  portal.answer = 0;
  veil_autostart_request_background_async (app_connection, service_argv, "Checks pictures", TRUE, NULL,
                                           requested_cb, &portal);
  veil_test_wait_for (&portal.done, 10);
  g_assert_no_error (portal.error);
  g_assert_true (portal.ok);
  g_assert_true (g_variant_lookup (portal.last_options, "autostart", "b", &autostart));
  g_assert_true (autostart);
  g_assert_true (g_variant_lookup (portal.last_options, "commandline", "^a&s", &commandline));
  g_assert_cmpstrv (commandline, service_argv);

  /* Refused: a clear error, not silence. */
  portal.answer = 1;
  portal.done = FALSE;
  veil_autostart_request_background_async (app_connection, service_argv, NULL, FALSE, NULL,
                                           requested_cb, &portal);
  veil_test_wait_for (&portal.done, 10);
  g_assert_false (portal.ok);
  g_assert_error (portal.error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_PORTAL);
  g_clear_error (&portal.error);
  g_assert_true (g_variant_lookup (portal.last_options, "autostart", "b", &autostart));
  g_assert_false (autostart);

  /* No portal on the bus at all. */
  g_dbus_connection_unregister_object (portal_connection, registration);
  g_clear_object (&portal_connection);
  portal.done = FALSE;
  veil_autostart_request_background_async (app_connection, service_argv, NULL, TRUE, NULL,
                                           requested_cb, &portal);
  veil_test_wait_for (&portal.done, 10);
  g_assert_false (portal.ok);
  g_assert_error (portal.error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_PORTAL);
  g_clear_error (&portal.error);

  g_clear_pointer (&portal.last_options, g_variant_unref);
  g_free (portal.last_handle);
  g_clear_object (&app_connection);
  g_test_dbus_down (bus);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/autostart/entry", test_entry_written_and_removed);
  g_test_add_func ("/autostart/program-path-with-spaces", test_program_path_with_spaces);
  g_test_add_func ("/autostart/foreign-entry", test_foreign_entry_left_alone);
  g_test_add_func ("/autostart/unwritable", test_unwritable_config);
  g_test_add_func ("/autostart/portal", test_portal);

  return g_test_run ();
}
