/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-background"

#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>

#include "veil.h"
#include "veil-autostart.h"
#include "veil-test-utils.h"

/* The background service end to end: the built `veil --gapplication-service` in its own
 * process, a profile linked to this account with message warnings active, a hash list holding
 * the PDQ hashes of some generated pictures, and this test standing in for the desktop's
 * notification server (org.gtk.Notifications) on the private session bus. Dropping a listed
 * picture into the watched folder must raise a notification that opens its alert; other
 * pictures, partial downloads and restarts must not raise any. */

#define APP_ID "io.github.veilapp.Veil"
#define WAIT_S 20

typedef struct {
  char      *dir;
  char      *downloads;
  char      *veil;
  GPtrArray *notifications;     /* of GVariant (ssa{sv}): app id, id, notification */
  guint      owner_id;
  guint      registration;
  GSubprocess *service;
  VeilStore *store;
  VeilProfile *profile;
  VeilPdqHash listed[4];        /* hashes of match-0.jpg .. match-3.jpg */
} Fixture;

static const char notifications_xml[] =
  "<node><interface name='org.gtk.Notifications'>"
  "  <method name='AddNotification'>"
  "    <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "  </method>"
  "  <method name='RemoveNotification'>"
  "    <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "  </method>"
  "</interface></node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  Fixture *fixture = user_data;

  if (g_str_equal (method_name, "AddNotification"))
    g_ptr_array_add (fixture->notifications, g_variant_ref (parameters));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
name_has_owner (const char *name)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
wait_until (gboolean (*check) (Fixture *), Fixture *fixture, guint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!check (fixture))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  return TRUE;
}

/* Lets the main loop run for a while, for checks that something does *not* happen. */
static void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static gboolean
service_on_bus (Fixture *fixture)
{
  return name_has_owner (APP_ID);
}

static gboolean
autostart_written (Fixture *fixture)
{
  return veil_autostart_is_enabled (APP_ID);
}

static gboolean
autostart_removed (Fixture *fixture)
{
  return !veil_autostart_is_enabled (APP_ID);
}

static void
start_service (Fixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "GNOTIFICATION_BACKEND", "gtk", TRUE);
  fixture->service = g_subprocess_launcher_spawn (launcher, &error, fixture->veil, "--gapplication-service", NULL);
  g_assert_no_error (error);
  g_assert_true (wait_until (service_on_bus, fixture, WAIT_S));
}

static void
stop_service (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (fixture->service, SIGTERM);
  g_subprocess_wait (fixture->service, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->service);
}

static void
add_listed_picture (Fixture *fixture, VeilHashList *list, guint i)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("match-%u.jpg", i);
  g_autofree char *path = veil_test_write_picture (fixture->dir, name, 640, 480, 7000 + i);
  g_autoptr(VeilPdq) pdq = veil_pdq_hash_file (path, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, &error);

  g_assert_no_error (error);
  fixture->listed[i] = *veil_pdq_get_hash (pdq);
  g_assert_true (veil_hash_list_add (list, &fixture->listed[i], name));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Test list");
  g_autofree char *db = NULL;
  g_autofree char *data_dir = NULL;
  const char *folders[2] = { NULL, NULL };
  GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };

  /* The service is a GTK application: tools/test-session.sh gives it an X server. */
  g_assert_nonnull (g_getenv ("DISPLAY"));

  fixture->veil = g_strdup (VEIL_TEST_VEIL);
  g_assert_true (g_file_test (fixture->veil, G_FILE_TEST_IS_EXECUTABLE));
  fixture->dir = veil_test_make_tmpdir ();
  /* A store of its own for each test; the service inherits the variable. */
  {
    g_autofree char *veil_dir = g_build_filename (fixture->dir, "veil-data", NULL);

    g_setenv ("VEIL_DATA_DIR", veil_dir, TRUE);
  }
  fixture->downloads = g_build_filename (fixture->dir, "Downloads", NULL);
  g_assert_cmpint (g_mkdir (fixture->downloads, 0700), ==, 0);
  fixture->notifications = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);

  /* Stand in for the desktop's notification server. */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  node = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  fixture->registration = g_dbus_connection_register_object (bus, "/org/gtk/Notifications", node->interfaces[0],
                                                             &vtable, fixture, NULL, &error);
  g_assert_no_error (error);
  fixture->owner_id = g_bus_own_name_on_connection (bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                                    NULL, NULL, NULL, NULL);
  g_assert_false (name_has_owner (APP_ID));

  /* The child's profile, as a guardian would set it up and the child acknowledge it. */
  db = veil_paths_get_database_path ();
  data_dir = veil_paths_get_data_dir ();
  g_assert_true (veil_paths_ensure_private_dir (data_dir, &error));
  fixture->store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  folders[0] = fixture->downloads;
  builder = veil_profile_builder_new ("Sam");
  veil_profile_builder_set_unix_user (builder, g_get_user_name ());
  veil_profile_builder_set_age_band (builder, VEIL_AGE_BAND_13_15);
  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  veil_profile_builder_set_message_folders (builder, folders);
  fixture->profile = veil_test_save_profile (fixture->store, builder, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->listed); i++)
    add_listed_picture (fixture, list, i);
  g_assert_true (veil_store_import_hash_list (fixture->store, veil_profile_get_id (fixture->profile),
                                              list, "test", &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  if (fixture->service != NULL)
    stop_service (fixture);
  veil_autostart_set_enabled (APP_ID, NULL, NULL, FALSE, NULL);
  g_unsetenv ("VEIL_DATA_DIR");
  g_bus_unown_name (fixture->owner_id);
  g_dbus_connection_unregister_object (bus, fixture->registration);
  g_clear_pointer (&fixture->profile, veil_profile_unref);
  g_clear_object (&fixture->store);
  g_ptr_array_unref (fixture->notifications);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->downloads);
  g_free (fixture->veil);
}

/* Moves a generated picture into Downloads, as a messenger finishing a download would. */
static char *
arrive (Fixture *fixture, const char *name, const char *as_name)
{
  g_autofree char *from = g_build_filename (fixture->dir, name, NULL);
  char *to = g_build_filename (fixture->downloads, as_name != NULL ? as_name : name, NULL);
  g_autofree char *bytes = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  /* Written in place (not renamed into the folder): the watcher must wait for the write to end. */
  g_assert_true (g_file_get_contents (from, &bytes, &length, &error));
  g_assert_true (g_file_set_contents_full (to, bytes, length, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  return to;
}

static guint n_expected;

static gboolean
have_expected (Fixture *fixture)
{
  return fixture->notifications->len >= n_expected;
}

/* Checks notification @index: from Veil, about the Downloads folder, opening an alert in the
 * store about @path. */
static void
check_notification (Fixture *fixture, guint index, const char *path)
{
  GVariant *call = g_ptr_array_index (fixture->notifications, index);
  g_autoptr(GVariant) notification = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilAlert) alert = NULL;
  g_autofree char *expected_id = NULL;
  const char *app_id, *id, *title, *action;

  g_variant_get (call, "(&s&s@a{sv})", &app_id, &id, &notification);
  g_assert_cmpstr (app_id, ==, APP_ID);
  g_assert_true (g_variant_lookup (notification, "title", "&s", &title));
  g_assert_cmpstr (title, ==, "Veil blurred an image in Downloads");
  g_assert_true (g_variant_lookup (notification, "default-action", "&s", &action));
  g_assert_cmpstr (action, ==, "app.show-alert");
  target = g_variant_lookup_value (notification, "default-action-target", G_VARIANT_TYPE_INT64);
  g_assert_nonnull (target);
  expected_id = g_strdup_printf ("warning-%" G_GINT64_FORMAT, g_variant_get_int64 (target));
  g_assert_cmpstr (id, ==, expected_id);

  alert = veil_store_get_alert (fixture->store, g_variant_get_int64 (target), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alert->path, ==, path);
  g_assert_cmpstr (alert->source, ==, VEIL_ALERT_SOURCE_MESSAGE);
  /* Nobody else is told unless the profile says so. */
  g_assert_cmpstr (alert->state, ==, VEIL_ALERT_STATE_PRIVATE);
}

static void
test_warns_once_per_picture (Fixture *fixture, gconstpointer data)
{
  g_autofree char *harmless = veil_test_write_picture (fixture->dir, "harmless.jpg", 640, 480, 42);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *third = NULL;
  g_autofree char *note = g_build_filename (fixture->downloads, "notes.txt", NULL);

  start_service (fixture);
  /* A protection is active: the service stays and will start at login. */
  g_assert_true (wait_until (autostart_written, fixture, WAIT_S));

  /* Not pictures, or not listed: nothing to tell. Then a listed one: one notification. */
  g_assert_true (g_file_set_contents (note, "not a picture", -1, NULL));
  g_free (arrive (fixture, "harmless.jpg", NULL));
  first = arrive (fixture, "match-0.jpg", NULL);
  n_expected = 1;
  g_assert_true (wait_until (have_expected, fixture, WAIT_S));
  check_notification (fixture, 0, first);
  spin (1500);
  g_assert_cmpuint (fixture->notifications->len, ==, 1);

  /* A restart misses nothing that arrived meanwhile and repeats nothing. */
  stop_service (fixture);
  second = arrive (fixture, "match-1.jpg", NULL);
  start_service (fixture);
  n_expected = 2;
  g_assert_true (wait_until (have_expected, fixture, WAIT_S));
  check_notification (fixture, 1, second);
  spin (1500);
  g_assert_cmpuint (fixture->notifications->len, ==, 2);

  /* A partial download is left alone until the browser renames it. */
  partial = arrive (fixture, "match-2.jpg", "match-2.jpg.part");
  spin (1500);
  g_assert_cmpuint (fixture->notifications->len, ==, 2);
  third = g_build_filename (fixture->downloads, "match-2.jpg", NULL);
  g_assert_cmpint (g_rename (partial, third), ==, 0);
  n_expected = 3;
  g_assert_true (wait_until (have_expected, fixture, WAIT_S));
  check_notification (fixture, 2, third);

  /* Veil never moved, renamed or deleted anything (hiding is off for this profile). */
  g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (second, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (third, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (note, G_FILE_TEST_EXISTS));
}

static void
withdraw_message_warnings (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new_from_profile (fixture->profile);
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) saved = NULL;

  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE);
  draft = veil_profile_builder_build (builder, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (fixture->store, draft, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
}

static void
test_follows_the_guardian (Fixture *fixture, gconstpointer data)
{
  /* The guardian turns message warnings off (here from another process, as veilctl would)
   * while the service runs: it stops watching and no longer starts at login. */
  start_service (fixture);
  g_assert_true (wait_until (autostart_written, fixture, WAIT_S));
  withdraw_message_warnings (fixture);
  g_assert_true (wait_until (autostart_removed, fixture, WAIT_S));
  g_free (arrive (fixture, "match-3.jpg", NULL));
  spin (2000);
  g_assert_cmpuint (fixture->notifications->len, ==, 0);
}

static void
test_nothing_active (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  static const char * const argv[] = { "/usr/bin/veil", "--gapplication-service", NULL };

  /* Started at login with nothing active any more: an old autostart entry goes away and
   * pictures arriving are not looked at. */
  withdraw_message_warnings (fixture);
  g_assert_true (veil_autostart_set_enabled (APP_ID, argv, NULL, TRUE, &error));
  g_assert_no_error (error);
  start_service (fixture);
  g_assert_true (wait_until (autostart_removed, fixture, WAIT_S));
  g_free (arrive (fixture, "match-3.jpg", NULL));
  spin (2000);
  g_assert_cmpuint (fixture->notifications->len, ==, 0);
}

static gint64 watched_profile;

static gboolean
swept_once (Fixture *fixture)
{
  return veil_store_get_last_check (fixture->store, watched_profile, VEIL_PROTECTION_LIBRARY_SCAN) > 0;
}

static gboolean
has_library_alert (Fixture *fixture)
{
  g_autoptr(GPtrArray) alerts = veil_store_list_alerts (fixture->store, watched_profile, NULL);

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    if (g_strcmp0 (((VeilAlert *) alerts->pdata[i])->source, VEIL_ALERT_SOURCE_LIBRARY) == 0)
      return TRUE;
  return FALSE;
}

/* Folder checks on: the service checks the folders by itself, and a picture copied into one
 * while it runs becomes an alert within seconds, without anyone pressing Scan Now. */
static void
test_checks_folders (Fixture *fixture, gconstpointer data)
{
  g_autofree char *pictures = g_build_filename (fixture->dir, "Pictures", NULL);
  g_autofree char *positive = NULL;
  g_autofree char *to = NULL;
  g_autofree char *bytes = NULL;
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new_from_profile (fixture->profile);
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  const char *folders[2] = { pictures, NULL };
  gsize length;

  if (!veil_test_require_testdata ("clf/fixtures/pos_porn_flat.png"))
    return;
  positive = veil_test_build_testdata ("clf", "fixtures", "pos_porn_flat.png", NULL);
  g_assert_cmpint (g_mkdir (pictures, 0700), ==, 0);
  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  veil_profile_builder_set_folders (builder, folders);
  saved = veil_test_save_profile (fixture->store, builder, TRUE);
  watched_profile = veil_profile_get_id (saved);

  /* Never checked: the first scheduled check runs at once (nothing here tells idle from busy). */
  start_service (fixture);
  g_assert_true (wait_until (swept_once, fixture, WAIT_S));
  g_assert_false (has_library_alert (fixture));

  to = g_build_filename (pictures, "holiday.png", NULL);
  g_assert_true (g_file_get_contents (positive, &bytes, &length, &error));
  g_assert_true (g_file_set_contents_full (to, bytes, length, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (has_library_alert, fixture, 10));
  /* A folder check's alert, never a message warning: no notification on the child's screen. */
  g_assert_cmpuint (fixture->notifications->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add ("/background/warns-once-per-picture", Fixture, NULL, fixture_set_up,
              test_warns_once_per_picture, fixture_tear_down);
  g_test_add ("/background/follows-the-guardian", Fixture, NULL, fixture_set_up,
              test_follows_the_guardian, fixture_tear_down);
  g_test_add ("/background/nothing-active", Fixture, NULL, fixture_set_up,
              test_nothing_active, fixture_tear_down);
  g_test_add ("/background/checks-folders", Fixture, NULL, fixture_set_up,
              test_checks_folders, fixture_tear_down);

  return g_test_run ();
}
