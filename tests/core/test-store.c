/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* unshare() */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-store-fixture.h"
#include "veil-test-utils.h"

/* The store's file: opening, migrations, integrity, the damaged copy, crash safety, Veil's
 * notes, and what a full disk or a read-only folder does. Each table has a test of its own
 * (test-store-profiles.c and the others). */

/* --- Opening ------------------------------------------------------------------------------ */

static void
test_store_open_new (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpuint (veil_store_get_schema_version (store), ==, VEIL_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (veil_store_get_path (store), ==, fixture->path);
  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 0);

  /* WAL mode, as the design asks. */
  g_assert_cmpint (sqlite3_prepare_v2 (_veil_store_get_db (store), "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);

  /* Every table the later issues fill exists now. */
  for (const char * const *t = (const char *[]) { "profiles", "profile_versions", "consent", "audit", "alerts",
                                                   "reports", "meta", "scan_files", "alert_files",
                                                   "alert_exceptions", "scan_runs", "profile_hash_lists",
                                                   "protected_images", NULL }; *t; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", *t);
      g_assert_cmpint (count_rows (fixture->path, sql), ==, 1);
    }
}

static void
test_store_open_default_path (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *data_dir = g_build_filename (dir, "nested", "veil", NULL);
  g_autofree char *expected = g_build_filename (data_dir, "veil.db", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_setenv ("VEIL_DATA_DIR", data_dir, TRUE);
  store = veil_store_new (NULL, NULL, &error);
  g_unsetenv ("VEIL_DATA_DIR");
  g_assert_no_error (error);

  g_assert_cmpstr (veil_store_get_path (store), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_EXISTS));
  /* The data folder is private to the account. */
  g_assert_cmpint (g_stat (data_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  g_clear_object (&store);
  veil_test_rm_rf (dir);
}

static void
open_async_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  VeilStore **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = veil_store_new_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_store_open_async (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(VeilStore) store = NULL;

  veil_store_new_async (fixture->path, NULL, open_async_cb, &store);
  while (store == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (veil_store_get_schema_version (store), ==, VEIL_STORE_SCHEMA_VERSION);
}

/* --- Migrations --------------------------------------------------------------------------- */

static const char *legacy_profile_json =
  "{\"name\":\"Mia\",\"age-band\":\"under-13\",\"birth-year\":0,\"unix-user\":null,\"message-warnings\":true,"
  "\"library-scan\":false,\"guardian-alerts\":true,\"folders\":[],\"sensitivity\":\"strict\","
  "\"view-needs-pin\":true,\"retention-days\":30,\"match-threshold\":3,\"trusted-adults\":[]}";

static void
test_store_migrations (StoreFixture  *fixture,
                       gconstpointer  data)
{
  /* From every earlier schema version, with the data that version could hold. */
  for (guint from = 0; from < VEIL_STORE_SCHEMA_VERSION; from++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilStore) store = NULL;
      g_autoptr(VeilProfile) mia = NULL;
      g_autoptr(VeilProfile) v1 = NULL;
      g_autoptr(GPtrArray) audit = NULL;
      VeilProtectionStatus status;

      veil_test_rm_rf (fixture->dir);
      g_assert_cmpint (g_mkdir (fixture->dir, 0700), ==, 0);

      g_assert_true (_veil_store_create_at_version (fixture->path, from, &error));
      g_assert_no_error (error);
      g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, from);

      if (from >= 1)
        {
          g_autofree char *sql = g_strdup_printf (
            "INSERT INTO profiles (id, name, version, data, created, updated) VALUES (1, 'Mia', 4, '%s', 100, 200);"
            /* Consent to the words of today: migrations keep it, new words would not. */
            "INSERT INTO consent (profile_id, protection, action, actor, text_version, time) VALUES (1, 'message-warnings', 'granted', 'guardian', %u, 150);"
            "INSERT INTO consent (profile_id, protection, action, actor, text_version, time) VALUES (1, 'message-warnings', 'acknowledged', 'child', %u, 160);"
            "INSERT INTO audit (profile_id, time, actor, kind, detail) VALUES (1, 150, 'guardian', 'profile-created', 'Mia');",
            legacy_profile_json, veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS),
            veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS));
          exec_sql (fixture->path, sql);
        }
      if (from >= 2)
        exec_sql (fixture->path,
                  "INSERT INTO alerts (profile_id, time, source, reasons) VALUES (1, 170, 'message', 'classifier 0.93');"
                  /* Before version 5 a reports row had no report in it: it must not break listing. */
                  "INSERT INTO reports (profile_id, time, note) VALUES (1, 180, 'old');");
      /* Versions 2 to 6 had a scans table nothing read; version 7 drops it. */
      if (from >= 2 && from <= 6)
        exec_sql (fixture->path,
                  "INSERT INTO scans (profile_id, time, folder, files, matches) VALUES (1, 175, '/home/mia/Pictures', 120, 0);");
      /* Lists imported before version 8 have no digest of their content. */
      if (from >= 4)
        exec_sql (fixture->path,
                  "INSERT INTO profile_hash_lists (profile_id, name, source, version, imported, entries, hashes, labels)"
                  " VALUES (NULL, 'Known', 'helpline', 1, 190, 1, zeroblob(32), X'6100');");
      if (from >= 3)
        {
          /* Version 3 keeps every saved version next to the current one. */
          g_autofree char *sql = g_strdup_printf (
            "INSERT INTO profile_versions (profile_id, version, data, saved) VALUES (1, 4, '%s', 200);",
            legacy_profile_json);
          exec_sql (fixture->path, sql);
        }

      store = veil_store_new (fixture->path, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (veil_store_get_schema_version (store), ==, VEIL_STORE_SCHEMA_VERSION);
      g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM sqlite_master WHERE name = 'scans'"), ==, 0);

      if (from == 0)
        continue;

      /* Nothing was lost on the way. */
      mia = veil_store_lookup_profile (store, "Mia", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (veil_profile_get_version (mia), ==, 4);
      g_assert_cmpint (veil_profile_get_sensitivity (mia), ==, VEIL_SENSITIVITY_STRICT);
      g_assert_true (veil_store_get_protection_status (store, mia, VEIL_PROTECTION_MESSAGE_WARNINGS, &status, &error));
      g_assert_true (status.active);
      audit = veil_store_list_audit (store, 1, 0, &error);
      g_assert_cmpuint (audit->len, ==, 1);
      g_assert_cmpuint (veil_store_count_alerts (store, 1, NULL), ==, from >= 2 ? 1 : 0);
      /* Version 6: an older message alert names no folder and nothing is hidden; the message
       * guard starts with nothing remembered. */
      g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM alerts WHERE source = 'message'"
                                                  " AND folder IS NULL AND hidden_path IS NULL"), ==, from >= 2 ? 1 : 0);
      g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM message_files"), ==, 0);
      g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM message_watch"), ==, 0);

      /* Reports can be kept from version 5 on; the old row was kept but holds no report. */
      {
        g_autoptr(GPtrArray) reports = veil_store_list_reports (store, 1, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (reports->len, ==, 0);
        g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM reports"), ==, from >= 2 ? 1 : 0);
      }

      /* A list from before version 8 loads, and is given the digest of what it holds. */
      {
        g_autoptr(GPtrArray) lists = veil_store_load_hash_lists (store, 0, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (lists->len, ==, from >= 4 ? 1 : 0);
        if (from >= 4)
          g_assert_cmpstr (veil_hash_list_get_label (lists->pdata[0], 0), ==, "a");
        g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profile_hash_lists WHERE digest IS NULL"), ==, 0);
      }

      /* Versions are kept (from version 3 on): the current one was carried over. */
      v1 = veil_store_get_profile_version (store, 1, 4, &error);
      g_assert_no_error (error);
      g_assert_true (veil_profile_equal_settings (v1, mia));
    }
}

static void
test_store_too_new (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_clear_object (&store);
  store = open_store (fixture);
  g_clear_object (&store);
  exec_sql (fixture->path, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;");
  before = file_checksum (fixture->path);

  store = veil_store_new (fixture->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of Veil"));

  after = file_checksum (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

/* --- Damaged files ------------------------------------------------------------------------ */

static void
check_damaged_is_kept (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autofree char *before = file_checksum (fixture->path);
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *backup_sum = NULL;

  store = veil_store_new (fixture->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT);

  /* A copy sits next to the original, the message says where, and the original is as it was. */
  backup = find_backup (fixture->dir);
  g_assert_nonnull (backup);
  g_assert_nonnull (strstr (error->message, backup));
  backup_sum = file_checksum (backup);
  after = file_checksum (fixture->path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (before, ==, backup_sum);
}

static void
test_store_corrupt_header (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guchar garbage[8192];

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = (guchar) (i * 131 + 7);
  g_assert_true (g_file_set_contents (fixture->path, (const char *) garbage, sizeof garbage, &error));

  check_damaged_is_kept (fixture);
}

static void
test_store_corrupt_page (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autofree char *contents = NULL;
  gsize len;
  gint64 root, page_size;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("Child %d", i);
      g_autoptr(VeilProfile) p = make_profile (name, "message-warnings", "on", NULL);
      g_autoptr(VeilProfile) saved = save (store, p);
    }
  g_clear_object (&store);  /* checkpoints the WAL into the main file */

  root = count_rows (fixture->path, "SELECT rootpage FROM sqlite_master WHERE name = 'profiles'");
  page_size = count_rows (fixture->path, "PRAGMA page_size");

  /* Overwrite the profiles table's root page with noise, as a bad disk or a stray write would. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &len, NULL));
  g_assert_cmpint ((gint64) len, >=, root * page_size);
  for (gint64 i = (root - 1) * page_size; i < root * page_size; i++)
    contents[i] = (char) (0x5a ^ (i & 0xff));
  g_assert_true (g_file_set_contents (fixture->path, contents, len, &error));
  g_assert_no_error (error);

  check_damaged_is_kept (fixture);
}

static void
crash_child (const char *path,
             const char *point)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = veil_store_new (path, NULL, &error);
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilProfile) noah = make_profile ("Noah", "message-warnings", "on", "library-scan", "on", NULL);

  g_assert_no_error (error);
  mia = veil_store_lookup_profile (store, "Mia", &error);
  g_assert_no_error (error);

  _veil_store_set_write_hook (store, kill_at_point, (gpointer) point);
  /* Either a new profile or a new version of an existing one, killed half-way. */
  if (g_str_equal (point, "consent"))
    {
      g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (mia);
      g_autoptr(VeilProfile) changed = NULL;

      veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
      veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE);
      changed = veil_profile_builder_build (b, NULL);
      veil_store_save_profile (store, changed, VEIL_ACTOR_GUARDIAN, NULL);
    }
  else
    {
      veil_store_save_profile (store, noah, VEIL_ACTOR_GUARDIAN, NULL);
    }

  g_error ("the write hook did not kill the process at %s", point);
}

static void
test_store_crash_mid_write (StoreFixture  *fixture,
                            gconstpointer  data)
{
  const char *points[] = { "profile-row", "profile-data", "profile-version", "consent" };

  for (gsize i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr(VeilStore) store = NULL;
      g_autoptr(VeilProfile) mia = make_profile ("Mia", "message-warnings", "on", NULL);
      g_autoptr(VeilProfile) saved = NULL;
      g_autoptr(VeilProfile) after = NULL;
      g_autoptr(GPtrArray) profiles = NULL;
      g_autoptr(GPtrArray) audit = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *subprocess = g_strdup_printf ("/veil/store/crash-mid-write/subprocess/%s", points[i]);

      veil_test_rm_rf (fixture->dir);
      g_assert_cmpint (g_mkdir (fixture->dir, 0700), ==, 0);
      store = open_store (fixture);
      saved = save (store, mia);
      g_clear_object (&store);

      g_setenv ("VEIL_TEST_STORE_PATH", fixture->path, TRUE);
      g_test_trap_subprocess (subprocess, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_assert_false (g_test_trap_has_passed ());

      /* Reopen: the file is sound and holds exactly what was committed before the kill. */
      store = open_store (fixture);
      profiles = veil_store_list_profiles (store, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (profiles->len, ==, 1);
      after = veil_store_lookup_profile (store, "Mia", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (veil_profile_get_version (after), ==, 1);
      g_assert_true (veil_profile_equal_settings (after, saved));
      g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profile_versions"), ==, 1);
      g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM consent"), ==, 1);
      audit = veil_store_list_audit (store, -1, 0, &error);
      g_assert_cmpuint (audit->len, ==, 2); /* created + protection-enabled */
    }
}

static void
crash_subprocess (gconstpointer data)
{
  crash_child (g_getenv ("VEIL_TEST_STORE_PATH"), data);
}

static void
busy_writer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = veil_store_new (g_getenv ("VEIL_TEST_STORE_PATH"), NULL, &error);

  g_assert_no_error (error);
  /* Writes until killed from outside. */
  for (guint i = 0; ; i++)
    {
      g_autofree char *name = g_strdup_printf ("Child %u", i);
      g_autoptr(VeilProfile) p = make_profile (name, "message-warnings", "on", "library-scan", "on", NULL);
      g_autoptr(VeilProfile) saved = veil_store_save_profile (store, p, VEIL_ACTOR_GUARDIAN, &error);
      g_autoptr(VeilProfileBuilder) b = NULL;
      g_autoptr(VeilProfile) changed = NULL;
      g_autoptr(VeilProfile) saved2 = NULL;

      g_assert_no_error (error);
      b = veil_profile_builder_new_from_profile (saved);
      veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, FALSE);
      changed = veil_profile_builder_build (b, NULL);
      saved2 = veil_store_save_profile (store, changed, VEIL_ACTOR_GUARDIAN, &error);
      g_assert_no_error (error);
    }
}

static void
test_store_crash_killed_from_outside (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&store);
  g_setenv ("VEIL_TEST_STORE_PATH", fixture->path, TRUE);
  /* The time-out kills the writer wherever it is. */
  g_test_trap_subprocess ("/veil/store/crash-killed-from-outside/subprocess", 3 * G_USEC_PER_SEC / 2,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_assert_false (g_test_trap_has_passed ());

  store = open_store (fixture);
  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_test_message ("the writer committed %u profiles before it was killed", profiles->len);
  g_assert_cmpuint (profiles->len, >, 0);

  /* Each profile is whole: its versions, consent records and audit entries all agree. */
  for (guint i = 0; i < profiles->len; i++)
    {
      VeilProfile *p = profiles->pdata[i];
      gint64 id = veil_profile_get_id (p);
      guint version = veil_profile_get_version (p);
      g_autofree char *q_versions = g_strdup_printf ("SELECT count(*) FROM profile_versions WHERE profile_id = %" G_GINT64_FORMAT, id);
      g_autofree char *q_consent = g_strdup_printf ("SELECT count(*) FROM consent WHERE profile_id = %" G_GINT64_FORMAT, id);
      g_autofree char *q_audit = g_strdup_printf ("SELECT count(*) FROM audit WHERE profile_id = %" G_GINT64_FORMAT, id);

      g_assert_cmpuint (version, >=, 1);
      g_assert_cmpuint (version, <=, 2);
      g_assert_cmpint (count_rows (fixture->path, q_versions), ==, version);
      /* v1: granted x2; v2: + withdrawn */
      g_assert_cmpint (count_rows (fixture->path, q_consent), ==, version == 1 ? 2 : 3);
      g_assert_cmpint (count_rows (fixture->path, q_audit), ==, version == 1 ? 3 : 5);
      g_assert_cmpint (veil_profile_get_protection_enabled (p, VEIL_PROTECTION_LIBRARY_SCAN), ==, version == 1);
    }
}

/* --- Meta ---------------------------------------------------------------------------------- */

static void
test_store_meta (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_null (veil_store_get_meta (store, "last-export"));
  g_assert_true (veil_store_set_meta (store, "last-export", "1700000000", &error));
  g_assert_no_error (error);
  value = veil_store_get_meta (store, "last-export");
  g_assert_cmpstr (value, ==, "1700000000");
  g_clear_pointer (&value, g_free);

  g_assert_true (veil_store_set_meta (store, "last-export", "1800000000", &error));
  value = veil_store_get_meta (store, "last-export");
  g_assert_cmpstr (value, ==, "1800000000");
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM meta"), ==, 1);

  g_assert_true (veil_store_set_meta (store, "last-export", NULL, &error));
  g_assert_no_error (error);
  g_assert_null (veil_store_get_meta (store, "last-export"));
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM meta"), ==, 0);
}

/* --- A full disk and a read-only folder ---------------------------------------------------- */

/* Neither is damage: the message says what to do, and never suggests erasing anything. */
static void
assert_not_damage (const GError *error)
{
  g_assert_null (strstr (error->message, "damaged"));
  g_assert_null (strstr (error->message, "erase"));
  g_assert_null (strstr (error->message, "Erase"));
}

static void
assert_disk_full (GError **error)
{
  g_assert_error (*error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_DISK_FULL);
  g_assert_nonnull (strstr ((*error)->message, "space"));
  assert_not_damage (*error);
  g_clear_error (error);
}

static void
test_store_disk_full (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (256 * 1024, 'x');
  g_autofree char *value = NULL;
  g_autofree char *backup = NULL;
  VeilFileStamp stamp = { 1, 2, 3, 4 };

  /* The file may not grow by a single page, as on a disk with no space left. */
  g_assert_true (_veil_store_set_page_limit (store, TRUE, &error));
  g_assert_no_error (error);

  g_assert_false (veil_store_set_meta (store, "big", big, &error));
  assert_disk_full (&error);
  /* The scan workers' connection says the same. */
  g_assert_false (veil_store_record_file (store, "/home/mia/Pictures/a.jpg", &stamp, "test-classifier",
                                          NULL, NULL, big, NULL, NULL, NULL, NULL, &error));
  assert_disk_full (&error);

  /* Nothing was half-written and the store still reads. */
  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
  g_assert_null (veil_store_get_meta (store, "big"));
  g_assert_cmpuint (veil_store_count_cache (store), ==, 0);

  /* Once there is space again, the same writes succeed. */
  g_assert_true (_veil_store_set_page_limit (store, FALSE, &error));
  g_assert_true (veil_store_set_meta (store, "big", big, &error));
  g_assert_no_error (error);
  g_assert_true (veil_store_record_file (store, "/home/mia/Pictures/a.jpg", &stamp, "test-classifier",
                                         NULL, NULL, "unreadable", NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  value = veil_store_get_meta (store, "big");
  g_assert_cmpstr (value, ==, big);
  g_assert_cmpuint (veil_store_count_cache (store), ==, 1);

  g_clear_object (&store);
  store = open_store (fixture);
  backup = find_backup (fixture->dir);
  g_assert_null (backup);
}

static gboolean
write_proc_file (const char *path,
                 const char *contents)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, contents, strlen (contents)) == (gssize) strlen (contents);
  close (fd);
  return ok;
}

/* Makes @dir read-only for this process alone: a private mount namespace with a read-only bind
 * mount over it. chmod is not enough, as root (which CI runs as) writes anyway. Without root,
 * a user namespace maps this user to root inside it. Async-signal-safe, for use after fork(). */
static gboolean
make_read_only (const char *dir)
{
  if (geteuid () != 0)
    {
      char map[64];
      unsigned uid = (unsigned) geteuid ();
      unsigned gid = (unsigned) getegid ();

      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) != 0 ||
          !write_proc_file ("/proc/self/setgroups", "deny"))
        return FALSE;
      snprintf (map, sizeof map, "0 %u 1", uid);
      if (!write_proc_file ("/proc/self/uid_map", map))
        return FALSE;
      snprintf (map, sizeof map, "0 %u 1", gid);
      if (!write_proc_file ("/proc/self/gid_map", map))
        return FALSE;
    }
  else if (unshare (CLONE_NEWNS) != 0)
    return FALSE;

  return mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
         mount (dir, dir, NULL, MS_BIND, NULL) == 0 &&
         mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0;
}

static gboolean
can_make_read_only (const char *dir)
{
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    _exit (make_read_only (dir) ? 0 : 1);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static void
read_only_subprocess (void)
{
  const char *path = g_getenv ("VEIL_TEST_STORE_PATH");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;

  g_assert_true (make_read_only (dir));
  /* Really read-only, for root too. */
  g_assert_false (g_file_set_contents (path, "", 0, NULL));

  store = veil_store_new (path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, dir));
  assert_not_damage (error);
  backup = find_backup (dir);
  g_assert_null (backup);
}

static void
test_store_read_only_folder (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_clear_object (&store);
  if (!can_make_read_only (fixture->dir))
    {
      g_test_skip ("Cannot mount the test folder read-only: this needs root or unprivileged user namespaces");
      return;
    }

  before = file_checksum (fixture->path);
  g_setenv ("VEIL_TEST_STORE_PATH", fixture->path, TRUE);
  g_test_trap_subprocess ("/veil/store/read-only-folder/subprocess", 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  /* No copy was kept, the file is untouched, and it opens as before once writable again. */
  backup = find_backup (fixture->dir);
  g_assert_null (backup);
  after = file_checksum (fixture->path);
  g_assert_cmpstr (before, ==, after);
  store = open_store (fixture);
  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  ADD_STORE_TEST ("/veil/store/open-new", test_store_open_new);
  g_test_add_func ("/veil/store/open-default-path", test_store_open_default_path);
  ADD_STORE_TEST ("/veil/store/open-async", test_store_open_async);
  ADD_STORE_TEST ("/veil/store/migrations", test_store_migrations);
  ADD_STORE_TEST ("/veil/store/too-new", test_store_too_new);
  ADD_STORE_TEST ("/veil/store/corrupt-header", test_store_corrupt_header);
  ADD_STORE_TEST ("/veil/store/corrupt-page", test_store_corrupt_page);
  ADD_STORE_TEST ("/veil/store/crash-mid-write", test_store_crash_mid_write);
  ADD_STORE_TEST ("/veil/store/crash-killed-from-outside", test_store_crash_killed_from_outside);
  ADD_STORE_TEST ("/veil/store/meta", test_store_meta);
  ADD_STORE_TEST ("/veil/store/disk-full", test_store_disk_full);
  ADD_STORE_TEST ("/veil/store/read-only-folder", test_store_read_only_folder);

  g_test_add_data_func ("/veil/store/crash-mid-write/subprocess/profile-row", "profile-row", crash_subprocess);
  g_test_add_data_func ("/veil/store/crash-mid-write/subprocess/profile-data", "profile-data", crash_subprocess);
  g_test_add_data_func ("/veil/store/crash-mid-write/subprocess/profile-version", "profile-version", crash_subprocess);
  g_test_add_data_func ("/veil/store/crash-mid-write/subprocess/consent", "consent", crash_subprocess);
  g_test_add_func ("/veil/store/crash-killed-from-outside/subprocess", busy_writer);
  g_test_add_func ("/veil/store/read-only-folder/subprocess", read_only_subprocess);

  return g_test_run ();
}
