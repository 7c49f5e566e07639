/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include "veil.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

/* Drives the built veilctl as a guardian's script would: real processes, the PIN on standard
 * input, a private data folder (VEIL_DATA_DIR) and a real gnome-keyring on a private bus. */

#define PIN "482916"

typedef struct {
  VeilTestVeilctl ctl;
} CtlFixture;

static void
fixture_setup (CtlFixture    *fixture,
               gconstpointer  data)
{
  veil_test_veilctl_init (&fixture->ctl);
}

static void
fixture_teardown (CtlFixture    *fixture,
                  gconstpointer  data)
{
  veil_test_veilctl_clear (&fixture->ctl);
}

/* Runs veilctl with @input on standard input; returns its exit status. */
#define run(fixture, input, out_stdout, out_stderr, ...) \
  veil_test_veilctl_run (&(fixture)->ctl, input, out_stdout, out_stderr, __VA_ARGS__)

#define PIN_IN PIN "\n"

static JsonObject *
protection_of (JsonNode   *profile,
               const char *protection)
{
  JsonObject *protections = json_object_get_object_member (json_node_get_object (profile), "protections");
  return json_object_get_object_member (protections, protection);
}

static JsonNode *
show_json (CtlFixture *fixture,
           const char *name)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_cmpint (run (fixture, NULL, &out, NULL, "profile", "show", name, "--json", NULL), ==, 0);
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  return node;
}

static void
test_veilctl_scripted_setup (CtlFixture    *fixture,
                             gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) mia = NULL;
  g_autoptr(JsonNode) noah = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  /* A guardian sets the PIN and creates two children with different settings. */
  g_assert_cmpint (run (fixture, PIN_IN, &out, &err, "guardian", "set-pin", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture, PIN_IN, &out, &err, "profile", "create", "Mia", "--age-band", "under-13", "--pin-stdin", NULL), ==, 0);
  /* Age-band defaults are proposed, not applied. */
  g_assert_nonnull (strstr (out, "veilctl profile set 'Mia' message-warnings=on"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "create", "Noah", "--age-band", "13-15", "--pin-stdin", NULL), ==, 0);

  mia = show_json (fixture, "Mia");
  g_assert_false (json_object_get_boolean_member (protection_of (mia, "message-warnings"), "enabled"));
  g_clear_pointer (&mia, json_node_unref);

  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "set", "Mia", "message-warnings=on", "library-scan=on",
                        "folders=/home/mia/Pictures", "notify=guardian", "sensitivity=strict", "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "set", "Noah", "message-warnings=on", "notify=guardian",
                        "retention-days=7", "trusted-adult=Aunt Jo:+49 30 1234", "--pin-stdin", NULL), ==, 0);

  /* Enabled, not yet acknowledged: inactive. */
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "profile", "list", "--json", NULL), ==, 0);
  list = json_from_string (out, &error);
  g_assert_no_error (error);
  array = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *p = json_array_get_element (array, i);
      JsonObject *mw = protection_of (p, "message-warnings");

      g_assert_true (json_object_get_boolean_member (mw, "enabled"));
      g_assert_false (json_object_get_boolean_member (mw, "acknowledged"));
      g_assert_false (json_object_get_boolean_member (mw, "consented"));
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (p), "integrity"), ==, "ok");
    }
  g_clear_pointer (&out, g_free);

  /* The children read and acknowledge; no PIN. */
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "consent", "ack", "Mia", "message-warnings", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No picture ever leaves this computer"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "consent", "ack", "Noah", "message-warnings", NULL), ==, 0);

  mia = show_json (fixture, "Mia");
  noah = show_json (fixture, "Noah");
  g_assert_true (json_object_get_boolean_member (protection_of (mia, "message-warnings"), "consented"));
  /* Consented is not protecting: no background service runs for Mia here. */
  g_assert_false (json_object_get_boolean_member (protection_of (mia, "message-warnings"), "active"));
  g_assert_cmpstr (json_object_get_string_member (protection_of (mia, "message-warnings"), "state"), ==, "not-working");
  g_assert_false (json_object_get_boolean_member (protection_of (mia, "library-scan"), "consented"));
  /* Under 13: telling the guardian needs no acknowledgment. 13-15: it does. */
  g_assert_true (json_object_get_boolean_member (protection_of (mia, "guardian-alerts"), "consented"));
  g_assert_false (json_object_get_boolean_member (protection_of (noah, "guardian-alerts"), "consented"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (mia), "settings"),
                                                  "sensitivity"), ==, "strict");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (noah), "settings"),
                                               "retention-days"), ==, 7);

  /* The audit log tells the story in plain words. */
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "audit", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "The child read and acknowledged: Message warnings."));
  g_assert_nonnull (strstr (out, "The guardian created the profile “Mia”."));
  g_clear_pointer (&out, g_free);

  /* The teen asks for a review; that is on record too. */
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "consent", "review", "Noah", "guardian-alerts", NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "audit", "Noah", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"review-requested\""));
}

static void
test_veilctl_pin_required (CtlFixture    *fixture,
                           gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) mia = NULL;

  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "create", "Mia", "--pin-stdin", NULL), ==, 0);

  /* Without --pin-stdin: a usage error that says what to do. */
  g_assert_cmpint (run (fixture, PIN_IN, NULL, &err, "profile", "set", "Mia", "message-warnings=on", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--pin-stdin"));
  g_clear_pointer (&err, g_free);

  /* A wrong PIN: denied, clearly, and nothing changed. */
  g_assert_cmpint (run (fixture, "999111\n", NULL, &err, "profile", "set", "Mia", "message-warnings=on", "--pin-stdin", NULL), ==, 4);
  g_assert_nonnull (strstr (err, "not the guardian PIN"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, "999111\n", NULL, &err, "profile", "delete", "Mia", "--pin-stdin", NULL), ==, 4);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, "", NULL, &err, "export", fixture->ctl.dir, "--pin-stdin", NULL), ==, 4);
  g_clear_pointer (&err, g_free);
  mia = show_json (fixture, "Mia");
  g_assert_false (json_object_get_boolean_member (protection_of (mia, "message-warnings"), "enabled"));

  /* The third wrong PIN starts the back-off, which holds across processes. */
  g_assert_cmpint (run (fixture, "999111\n", NULL, &err, "erase", "--pin-stdin", NULL), ==, 4);
  g_assert_nonnull (strstr (err, "Try again in 30 seconds"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, &err, "profile", "set", "Mia", "message-warnings=on", "--pin-stdin", NULL), ==, 4);
  g_assert_nonnull (strstr (err, "Too many wrong PINs"));
  g_clear_pointer (&err, g_free);

  /* Changing the PIN needs the old one. */
  g_assert_cmpint (run (fixture, "739154\n", NULL, &err, "guardian", "set-pin", NULL), !=, 0);
  g_clear_pointer (&err, g_free);

  /* Bad settings are refused before any PIN is tried. */
  g_assert_cmpint (run (fixture, PIN_IN, NULL, &err, "profile", "set", "Mia", "colour=blue", "--pin-stdin", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "colour"));
}

static void
test_veilctl_tampered (CtlFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *db_path = g_build_filename (fixture->ctl.dir, "veil.db", NULL);
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) mia = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "create", "Mia", "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "set", "Mia", "message-warnings=on", "--pin-stdin", NULL), ==, 0);

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE profiles SET data = replace(data, '\"message-warnings\":true', "
                                     "'\"message-warnings\":false')", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  mia = show_json (fixture, "Mia");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (mia), "integrity"), ==, "changed-outside-veil");
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "profile", "show", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "changed outside Veil"));
}

static void
test_veilctl_export_erase (CtlFixture    *fixture,
                           gconstpointer  data)
{
  g_autofree char *export_dir = g_build_filename (fixture->ctl.dir, "export", NULL);
  g_autofree char *export_file = g_build_filename (export_dir, "veil-export.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (g_mkdir (export_dir, 0700), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "create", "Mia", "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "export", export_dir, "--pin-stdin", NULL), ==, 0);
  g_assert_true (g_file_get_contents (export_file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"Mia\""));

  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "erase", "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "profile", "list", "--json", NULL), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, "[]");
  g_clear_pointer (&out, g_free);
  /* The PIN went too: the next guardian starts afresh. */
  g_assert_cmpint (run (fixture, NULL, &out, &err, "guardian", "status", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No guardian PIN is set yet."));
}

/* In a child process: GTestDBus must not replace a bus this process already uses. */
static void
keyring_missing_child (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  CtlFixture fixture = { 0 };
  g_autofree char *err = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;

  fixture_setup (&fixture, NULL);

  /* A session bus without a Secret Service, for veilctl only. */
  g_test_dbus_up (bus);
  fixture.ctl.bus_address = g_strdup (g_test_dbus_get_bus_address (bus));

  g_assert_cmpint (run (&fixture, PIN_IN, NULL, &err, "guardian", "set-pin", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "cannot reach the keyring"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&fixture, PIN_IN, NULL, &err, "profile", "create", "Mia", "--pin-stdin", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "cannot reach the keyring"));
  g_printerr ("%s", err);

  /* Nothing fell back to a file. */
  d = g_dir_open (fixture.ctl.dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    g_assert_true (g_str_has_prefix (name, "veil.db"));

  g_test_dbus_stop (bus);
  /* The test's own session bus is gone with GTestDBus, so there is no keyring to tidy. */
  veil_test_rm_rf (fixture.ctl.dir);
  g_free (fixture.ctl.dir);
  g_free (fixture.ctl.veilctl);
  g_free (fixture.ctl.bus_address);
}

static void
test_veilctl_keyring_missing (void)
{
  g_test_trap_subprocess ("/veil/veilctl/keyring-missing/subprocess", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*cannot reach the keyring*");
}

/* The data folder wiped behind Veil's back: veilctl keeps the verified settings (warnings
 * still active), says so in "guardian status", and the guardian's answer needs the PIN. */
static void
test_veilctl_records_removed (CtlFixture    *fixture,
                              gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db = g_build_filename (fixture->ctl.dir, "veil.db", NULL);
  g_autoptr(JsonNode) mia = NULL;
  g_autoptr(GPtrArray) audit = NULL;

  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "create", "Mia", "--age-band", "under-13", "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "set", "Mia", "message-warnings=on", "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "consent", "ack", "Mia", "message-warnings", NULL), ==, 0);

  veil_test_rm_rf (fixture->ctl.dir);

  g_assert_cmpint (run (fixture, NULL, &out, &err, "guardian", "status", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Veil’s records were removed on"));
  g_assert_nonnull (strstr (out, "veilctl guardian confirm-records"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  mia = show_json (fixture, "Mia");
  g_assert_true (json_object_get_boolean_member (protection_of (mia, "message-warnings"), "consented"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (mia), "integrity"), ==, "ok");

  /* Without the PIN nothing changes. */
  g_assert_cmpint (run (fixture, "000000\n", NULL, &err, "guardian", "confirm-records", NULL), ==, 4);  /* VEILCTL_EXIT_DENIED */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture, PIN_IN, &out, NULL, "guardian", "confirm-records", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "kept as they are now"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "guardian", "status", NULL), ==, 0);
  g_assert_null (strstr (out, "records were"));
  g_clear_pointer (&out, g_free);

  {
    g_autoptr(VeilStore) store = veil_store_new (db, NULL, NULL);
    gboolean removed = FALSE, confirmed = FALSE;

    audit = veil_store_list_audit (store, -1, 1000, NULL);
    g_assert_nonnull (audit);
    for (guint i = 0; i < audit->len; i++)
      {
        VeilAuditEntry *e = g_ptr_array_index (audit, i);

        removed |= g_str_equal (e->kind, "records-removed");
        confirmed |= g_str_equal (e->kind, "records-confirmed");
      }
    g_assert_true (removed);
    g_assert_true (confirmed);
  }
}

/* A data folder that cannot be written: its own message, not a damaged database. */
static void
test_veilctl_read_only (CtlFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "profile", "list", NULL), ==, 0);
  if (geteuid () != 0)
    {
      g_test_skip ("A read-only bind mount needs root; chmod cannot stop root from writing");
      return;
    }
  if (mount (fixture->ctl.dir, fixture->ctl.dir, NULL, MS_BIND, NULL) != 0 ||
      mount (NULL, fixture->ctl.dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
    {
      g_autofree char *msg = g_strdup_printf ("Cannot bind-mount the data folder read-only (%s)", g_strerror (errno));
      umount (fixture->ctl.dir);
      g_test_skip (msg);
      return;
    }
  g_assert_cmpint (run (fixture, NULL, NULL, &err, "profile", "list", NULL), !=, 0);
  g_assert_cmpint (umount (fixture->ctl.dir), ==, 0);
  g_assert_nonnull (strstr (err, "cannot be written"));
  g_assert_null (strstr (err, "damaged"));
  g_assert_null (strstr (err, "Close other Veil windows"));
}

/* A full disk: its own message, not a damaged database. */
static void
test_veilctl_disk_full (CtlFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *filler = g_build_filename (fixture->ctl.dir, "filler", NULL);
  g_autofree char *zeros = g_malloc0 (4 * 1024 * 1024);
  int status;

  if (geteuid () != 0)
    {
      g_test_skip ("Mounting a small tmpfs needs root");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (fixture->ctl.dir, 0700), ==, 0);
  if (mount ("tmpfs", fixture->ctl.dir, "tmpfs", 0, "size=1m,mode=0700") != 0)
    {
      g_autofree char *msg = g_strdup_printf ("Cannot mount a tmpfs here (%s)", g_strerror (errno));
      g_test_skip (msg);
      return;
    }
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "create", "Mia", "--age-band", "under-13", "--pin-stdin", NULL), ==, 0);
  /* Whatever space is left goes to another file (not written atomically: it must stay). */
  {
    FILE *f = fopen (filler, "w");

    g_assert_nonnull (f);
    while (fwrite (zeros, 1, 4096, f) == 4096 && fflush (f) == 0)
      ;
    fclose (f);
  }

  /* The write-ahead log reuses its space: save until a write needs more than is left. */
  status = 0;
  for (guint i = 0; status == 0 && i < 100; i++)
    {
      g_autofree char *folders = g_strdup_printf ("folders=/home/mia/%u/%0800u", i, i);

      g_clear_pointer (&err, g_free);
      status = run (fixture, PIN_IN, NULL, &err, "profile", "set", "Mia", folders, "--pin-stdin", NULL);
    }
  g_assert_cmpint (umount (fixture->ctl.dir), ==, 0);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "The disk is full"));
  g_assert_null (strstr (err, "damaged"));
  g_assert_null (strstr (err, "Close other Veil windows"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  veil_test_init (&argc, &argv);
  if (!g_test_subprocess ())
    veil_test_keyring_start ();

#define ADD(path, func) \
  g_test_add (path, CtlFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/veilctl/scripted-setup", test_veilctl_scripted_setup);
  ADD ("/veil/veilctl/pin-required", test_veilctl_pin_required);
  ADD ("/veil/veilctl/tampered", test_veilctl_tampered);
  ADD ("/veil/veilctl/export-erase", test_veilctl_export_erase);
  ADD ("/veil/veilctl/records-removed", test_veilctl_records_removed);
  ADD ("/veil/veilctl/read-only", test_veilctl_read_only);
  ADD ("/veil/veilctl/disk-full", test_veilctl_disk_full);
#undef ADD
  g_test_add_func ("/veil/veilctl/keyring-missing", test_veilctl_keyring_missing);
  g_test_add_func ("/veil/veilctl/keyring-missing/subprocess", keyring_missing_child);

  ret = g_test_run ();
  veil_test_keyring_stop ();
  return ret;
}
