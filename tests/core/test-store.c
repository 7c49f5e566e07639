/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>

#include "veil.h"
#include "veil-store-private.h"
#include "veil-test-utils.h"

/* Real SQLite files in a private temporary folder per case. */

typedef struct {
  char *dir;
  char *path;
} StoreFixture;

static void
fixture_setup (StoreFixture  *fixture,
               gconstpointer  data)
{
  fixture->dir = veil_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "veil.db", NULL);
}

static void
fixture_teardown (StoreFixture  *fixture,
                  gconstpointer  data)
{
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static VeilStore *
open_store (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  VeilStore *store = veil_store_new (fixture->path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static VeilProfile *
make_profile (const char *name,
              ...)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);
  g_autoptr(GError) error = NULL;
  VeilProfile *profile;
  va_list ap;

  va_start (ap, name);
  for (const char *key = va_arg (ap, const char *); key != NULL; key = va_arg (ap, const char *))
    {
      const char *value = va_arg (ap, const char *);
      g_assert_true (veil_profile_builder_set_from_string (b, key, value, &error));
      g_assert_no_error (error);
    }
  va_end (ap);

  profile = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  return profile;
}

static VeilProfile *
save (VeilStore   *store,
      VeilProfile *profile)
{
  g_autoptr(GError) error = NULL;
  VeilProfile *saved = veil_store_save_profile (store, profile, VEIL_ACTOR_GUARDIAN, &error);

  g_assert_no_error (error);
  g_assert_nonnull (saved);
  return saved;
}

/* A message alert as the message guard records it: reasons with a score, and a thumbnail. */
static void
record_alert (VeilStore   *store,
              VeilProfile *profile,
              GBytes      *thumbnail)
{
  g_autoptr(VeilVerdictBuilder) b = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_classifier ("porn", 0.97, 0.70, "test-model", "1", "0000",
                                                             NULL, 0, 0);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  veil_verdict_builder_add_reason (b, reason);
  verdict = veil_verdict_builder_build (b);
  g_assert_cmpint (veil_store_record_message_alert (store, profile, "/home/mia/Downloads/a.jpg", "Downloads",
                                                    verdict, thumbnail, FALSE, &error), >, 0);
  g_assert_no_error (error);
}

/* Counts rows with plain SQLite, behind the store's back. */
static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static char *
find_backup (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".damaged-") != NULL && !g_str_has_suffix (name, "-wal"))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

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
            "INSERT INTO consent (profile_id, protection, action, actor, text_version, time) VALUES (1, 'message-warnings', 'granted', 'guardian', 1, 150);"
            "INSERT INTO consent (profile_id, protection, action, actor, text_version, time) VALUES (1, 'message-warnings', 'acknowledged', 'child', 1, 160);"
            "INSERT INTO audit (profile_id, time, actor, kind, detail) VALUES (1, 150, 'guardian', 'profile-created', 'Mia');",
            legacy_profile_json);
          exec_sql (fixture->path, sql);
        }
      if (from >= 2)
        exec_sql (fixture->path,
                  "INSERT INTO alerts (profile_id, time, source, reasons) VALUES (1, 170, 'message', 'classifier 0.93');"
                  /* Versions 2 to 6 had a scans table nothing read; version 7 drops it. */
                  "INSERT INTO scans (profile_id, time, folder, files, matches) VALUES (1, 175, '/home/mia/Pictures', 120, 0);"
                  /* Before version 5 a reports row had no report in it: it must not break listing. */
                  "INSERT INTO reports (profile_id, time, note) VALUES (1, 180, 'old');");
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

/* --- Crashes ------------------------------------------------------------------------------ */

static void
kill_at_point (VeilStore  *store,
               const char *point,
               gpointer    user_data)
{
  if (g_str_equal (point, user_data))
    raise (SIGKILL);
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

/* --- Profiles ----------------------------------------------------------------------------- */

static void
test_store_profiles (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) mia = make_profile ("Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) noah = make_profile ("Noah", "age-band", "13-15", "library-scan", "on",
                                              "folders", "/home/noah/Pictures", NULL);
  g_autoptr(VeilProfile) saved_mia = NULL;
  g_autoptr(VeilProfile) saved_noah = NULL;
  g_autoptr(VeilProfile) dup = make_profile ("Mia", NULL);
  g_autoptr(VeilProfile) found = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  saved_mia = save (store, mia);
  saved_noah = save (store, noah);
  g_assert_cmpint (veil_profile_get_id (saved_mia), >, 0);
  g_assert_cmpint (veil_profile_get_id (saved_noah), !=, veil_profile_get_id (saved_mia));
  g_assert_cmpuint (veil_profile_get_version (saved_mia), ==, 1);
  /* Without a key nothing is signed or checked. */
  g_assert_cmpint (veil_profile_get_integrity (saved_mia), ==, VEIL_PROFILE_INTEGRITY_UNCHECKED);

  /* Names are unique; the failed save changes nothing. */
  g_assert_null (veil_store_save_profile (store, dup, VEIL_ACTOR_GUARDIAN, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 2);
  g_assert_cmpstr (veil_profile_get_name (profiles->pdata[0]), ==, "Mia");
  g_assert_cmpstr (veil_profile_get_name (profiles->pdata[1]), ==, "Noah");
  g_assert_true (veil_profile_equal_settings (profiles->pdata[1], noah));

  found = veil_store_get_profile (store, veil_profile_get_id (saved_noah), &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (veil_profile_get_folders (found), ((const char *[]) { "/home/noah/Pictures", NULL }));
  g_clear_pointer (&found, veil_profile_unref);

  found = veil_store_lookup_profile (store, "Nobody", &error);
  g_assert_null (found);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting takes everything about the profile with it, and leaves one note. */
  g_assert_true (veil_store_delete_profile (store, veil_profile_get_id (saved_noah), VEIL_ACTOR_GUARDIAN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profiles"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profile_versions"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM audit WHERE kind = 'profile-deleted' AND detail = 'Noah'"), ==, 1);
  g_assert_false (veil_store_delete_profile (store, veil_profile_get_id (saved_noah), VEIL_ACTOR_GUARDIAN, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
}

static void
test_store_versions (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) p1 = make_profile ("Mia", "retention-days", "10", NULL);
  g_autoptr(VeilProfile) s1 = save (store, p1);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (s1);
  g_autoptr(VeilProfile) p2 = NULL;
  g_autoptr(VeilProfile) s2 = NULL;
  g_autoptr(VeilProfile) old = NULL;
  g_autoptr(VeilProfile) stale = NULL;
  g_autoptr(GError) error = NULL;

  veil_profile_builder_set_retention_days (b, 20);
  p2 = veil_profile_builder_build (b, NULL);
  s2 = save (store, p2);
  g_assert_cmpuint (veil_profile_get_version (s2), ==, 2);
  g_assert_cmpint (veil_profile_get_id (s2), ==, veil_profile_get_id (s1));

  old = veil_store_get_profile_version (store, veil_profile_get_id (s1), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (veil_profile_get_retention_days (old), ==, 10);

  /* Saving from a stale copy (another window saved meanwhile) is refused, not merged. */
  stale = veil_store_save_profile (store, p2, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_null (stale);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CONFLICT);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profile_versions"), ==, 2);
}

/* --- Consent ------------------------------------------------------------------------------ */

static void
assert_status (VeilStore      *store,
               VeilProfile    *profile,
               VeilProtection  protection,
               gboolean        enabled,
               gboolean        acknowledged,
               gboolean        active)
{
  g_autoptr(GError) error = NULL;
  VeilProtectionStatus status;

  g_assert_true (veil_store_get_protection_status (store, profile, protection, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status.enabled, ==, enabled);
  g_assert_cmpint (status.acknowledged, ==, acknowledged);
  g_assert_cmpint (status.active, ==, active);
}

static VeilProfile *
with_protection (VeilStore      *store,
                 VeilProfile    *profile,
                 VeilProtection  protection,
                 gboolean        enabled)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (profile);
  g_autoptr(VeilProfile) changed = NULL;

  veil_profile_builder_set_protection_enabled (b, protection, enabled);
  changed = veil_profile_builder_build (b, NULL);
  return save (store, changed);
}

static void
test_store_consent_gating (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "age-band", "under-13", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autoptr(VeilProfile) on = NULL;
  g_autoptr(VeilProfile) off = NULL;
  g_autoptr(VeilProfile) on_again = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  guint text = veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS);

  /* Off by default, and an acknowledgment alone turns nothing on. */
  assert_status (store, mia, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE, FALSE, FALSE);

  /* Enabled by the guardian but not yet acknowledged: inactive. */
  on = with_protection (store, mia, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  assert_status (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE, FALSE, FALSE);

  /* An acknowledgment of an older explanation does not count. */
  g_assert_true (veil_store_acknowledge (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, text - 1, &error));
  g_assert_no_error (error);
  assert_status (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE, FALSE, FALSE);

  g_assert_true (veil_store_acknowledge (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, text, &error));
  g_assert_no_error (error);
  assert_status (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE, TRUE, TRUE);
  /* Other protections are untouched. */
  assert_status (store, on, VEIL_PROTECTION_LIBRARY_SCAN, FALSE, FALSE, FALSE);

  /* The guardian can always turn it off... */
  off = with_protection (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE);
  assert_status (store, off, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE, TRUE, FALSE);
  /* ...and turning it on again asks the child again. */
  on_again = with_protection (store, off, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  assert_status (store, on_again, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE, FALSE, FALSE);

  /* Every step is on record, with who and which text. */
  records = veil_store_list_consent (store, veil_profile_get_id (mia), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 5);
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[0])->action, ==, "granted");
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[0])->actor, ==, "guardian");
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[2])->action, ==, "acknowledged");
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[2])->actor, ==, "child");
  g_assert_cmpuint (((VeilConsentRecord *) records->pdata[2])->text_version, ==, text);
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[3])->action, ==, "withdrawn");
  g_assert_cmpint (((VeilConsentRecord *) records->pdata[3])->time, >, 0);
}

static void
test_store_consent_guardian_alerts (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) young = make_profile ("Mia", "age-band", "under-13", "notify", "guardian", NULL);
  g_autoptr(VeilProfile) teen = make_profile ("Noah", "age-band", "13-15", "notify", "guardian", NULL);
  g_autoptr(VeilProfile) s_young = save (store, young);
  g_autoptr(VeilProfile) s_teen = save (store, teen);
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;

  /* Under 13: telling the guardian is the guardian's choice. 13 and over: also the teen's. */
  assert_status (store, s_young, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE, FALSE, TRUE);
  assert_status (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE, FALSE, FALSE);
  g_assert_true (veil_store_acknowledge (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS,
                                         veil_protection_get_text_version (VEIL_PROTECTION_GUARDIAN_ALERTS), &error));
  assert_status (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE, TRUE, TRUE);

  /* A teen can ask for a review; it is logged and changes nothing by itself. */
  g_assert_true (veil_store_request_review (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS, &error));
  g_assert_no_error (error);
  assert_status (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE, TRUE, TRUE);
  audit = veil_store_list_audit (store, veil_profile_get_id (s_teen), 1, &error);
  g_assert_cmpuint (audit->len, ==, 1);
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[0])->kind, ==, "review-requested");
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[0])->actor, ==, "child");
}

/* --- Audit, alerts, retention ------------------------------------------------------------- */

static void
test_store_audit_no_pixels (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autoptr(GBytes) thumb = g_bytes_new_static ("\x89PNG-THUMBNAIL-BYTES", 20);
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GError) error = NULL;

  record_alert (store, mia, thumb);
  /* What the scanner writes when a folder check ends. */
  g_assert_true (veil_store_add_audit (store, veil_profile_get_id (mia), VEIL_ACTOR_VEIL, "scan",
                                       "/home/mia/Pictures, 120 pictures looked at", &error));
  g_assert_true (veil_store_add_audit (store, 0, VEIL_ACTOR_GUARDIAN, "pin-set", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (veil_store_count_alerts (store, veil_profile_get_id (mia), NULL), ==, 1);

  audit = veil_store_list_audit (store, veil_profile_get_id (mia), 0, &error);
  g_assert_no_error (error);
  /* newest first: scan, message-warning, protection-enabled, profile-created */
  g_assert_cmpuint (audit->len, ==, 4);
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[0])->kind, ==, "scan");
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[1])->kind, ==, "message-warning");
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[3])->kind, ==, "profile-created");
  for (guint i = 0; i < audit->len; i++)
    {
      VeilAuditEntry *e = audit->pdata[i];
      g_autofree char *sentence = veil_audit_entry_describe (e);

      g_assert_null (strstr (e->detail, "PNG"));
      g_assert_null (strstr (e->detail, "0.97"));
      g_assert_nonnull (sentence);
      g_assert_cmpuint (strlen (sentence), >, 0);
    }

  /* Entries about no profile are kept apart. */
  others = veil_store_list_audit (store, 0, 0, &error);
  g_assert_cmpuint (others->len, ==, 1);
  g_assert_cmpstr (((VeilAuditEntry *) others->pdata[0])->kind, ==, "pin-set");
}

static void
test_store_expire (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "retention-days", "7", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  record_alert (store, mia, NULL);

  /* Six days later everything is still there; eight days later alerts and entries are gone. */
  g_assert_true (veil_store_expire (store, now + 6 * 86400, &error));
  g_assert_cmpuint (veil_store_count_alerts (store, veil_profile_get_id (mia), NULL), ==, 1);
  g_assert_true (veil_store_expire (store, now + 8 * 86400, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (veil_store_count_alerts (store, veil_profile_get_id (mia), NULL), ==, 0);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM audit WHERE profile_id IS NOT NULL"), ==, 0);
  /* The profile itself stays. */
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profiles"), ==, 1);
}

static void
test_store_export_and_erase (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autofree char *export_dir = g_build_filename (fixture->dir, "export", NULL);
  g_autofree char *export_file = g_build_filename (export_dir, "veil-export.json", NULL);
  g_autoptr(GBytes) thumb = g_bytes_new_static ("THUMBNAILDATA", 13);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  record_alert (store, mia, thumb);
  g_assert_false (veil_store_export (store, export_dir, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir (export_dir, 0700), ==, 0);
  g_assert_true (veil_store_export (store, export_dir, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (export_file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"Mia\""));
  g_assert_nonnull (strstr (contents, "\"granted\""));
  g_assert_null (strstr (contents, "THUMBNAILDATA"));

  /* A second export does not overwrite the first. */
  g_assert_false (veil_store_export (store, export_dir, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* What library scans keep, including hash lists for every profile and paths of the
   * child's pictures, goes too. */
  exec_sql (fixture->path,
            "INSERT INTO scan_files (path, device, inode, size, mtime, classifier, scanned)"
            "  VALUES ('/home/child/Pictures/PRIVATEPATH.jpg', 1, 2, 3, 4, 'model', 5);"
            "INSERT INTO profile_hash_lists (profile_id, name, source, version, imported, entries, hashes, labels)"
            "  VALUES (NULL, 'Family list', 'guardian', 1, 1, 0, x'', x'');"
            /* What the message guard remembers names files in the child's Downloads. */
            "INSERT INTO message_files (profile_id, path, device, inode, size, mtime, analyzed)"
            "  SELECT id, '/home/child/Downloads/PRIVATEPATH.jpg', 1, 2, 3, 4, 5 FROM profiles LIMIT 1;"
            "INSERT INTO message_watch (profile_id, since) SELECT id, 1 FROM profiles LIMIT 1;");

  g_assert_true (veil_store_erase_all (store, &error));
  g_assert_no_error (error);
  for (const char * const *t = (const char *[]) { "profiles", "profile_versions", "consent", "audit", "alerts", "meta",
                                                  "scan_files", "alert_files", "alert_exceptions", "scan_runs",
                                                  "profile_hash_lists", "protected_images", "message_files",
                                                  "message_watch", NULL }; *t; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", *t);
      g_assert_cmpint (count_rows (fixture->path, sql), ==, 0);
    }
  /* Erased rows are not left in the file either. */
  g_clear_object (&store);
  {
    g_autofree char *db = NULL;
    gsize len;
    g_assert_true (g_file_get_contents (fixture->path, &db, &len, NULL));
    for (gsize i = 0; i + 13 <= len; i++)
      {
        g_assert_false (memcmp (db + i, "THUMBNAILDATA", 13) == 0);
        g_assert_false (memcmp (db + i, "PRIVATEPATH", 11) == 0);
      }
  }
}

static void
test_store_tampered (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(GBytes) key = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
  g_autoptr(GBytes) other_key = g_bytes_new_static ("fedcba9876543210fedcba9876543210", 32);
  g_autoptr(VeilProfile) d1 = make_profile ("Mia", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) d2 = make_profile ("Noah", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilProfile) noah = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  veil_store_set_integrity_key (store, key);
  mia = save (store, d1);
  noah = save (store, d2);
  g_assert_cmpint (veil_profile_get_integrity (mia), ==, VEIL_PROFILE_INTEGRITY_OK);
  g_clear_object (&store);

  /* Someone turns Noah's warnings off with the sqlite3 tool. */
  exec_sql (fixture->path, "UPDATE profiles SET data = replace(data, '\"message-warnings\":true', '\"message-warnings\":false') WHERE name = 'Noah'");

  store = open_store (fixture);
  veil_store_set_integrity_key (store, key);
  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[0]), ==, VEIL_PROFILE_INTEGRITY_OK);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[1]), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);
  g_assert_false (veil_profile_get_protection_enabled (profiles->pdata[1], VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_clear_pointer (&profiles, g_ptr_array_unref);

  /* Removing the signature or copying another row's is caught too. */
  exec_sql (fixture->path, "UPDATE profiles SET signature = (SELECT signature FROM profiles WHERE name = 'Mia') WHERE name = 'Noah'");
  profiles = veil_store_list_profiles (store, &error);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[1]), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);
  g_clear_pointer (&profiles, g_ptr_array_unref);

  /* Under another key nothing verifies. */
  veil_store_set_integrity_key (store, other_key);
  profiles = veil_store_list_profiles (store, &error);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[0]), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);
}

/* --- Reports --- */

static VeilReport *
make_report (const char *words,
             gint64      unix_time)
{
  g_autoptr(VeilVerdictBuilder) vb = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_classifier ("porn", 0.91, 0.5, "model", "1", NULL, NULL, 0, 0);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilReportBuilder) rb = veil_report_builder_new ();
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GError) error = NULL;
  VeilReport *report;

  veil_verdict_builder_add_reason (vb, reason);
  verdict = veil_verdict_builder_build (vb);
  veil_report_builder_set_time (rb, time);
  veil_report_builder_set_reporter (rb, VEIL_REPORTER_CHILD);
  veil_report_builder_set_source (rb, VEIL_REPORT_SOURCE_FOLDER, "Downloads");
  veil_report_builder_set_file_name (rb, "SECRETNAME.jpg");
  veil_report_builder_set_verdict (rb, verdict);
  veil_report_builder_set_words (rb, words);
  veil_report_builder_set_sha256 (rb, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  report = veil_report_builder_build (rb, &error);
  g_assert_no_error (error);
  return report;
}

static void
test_store_reports (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) d1 = make_profile ("Mia", NULL);
  g_autoptr(VeilProfile) d2 = make_profile ("Noah", NULL);
  g_autoptr(VeilProfile) mia = save (store, d1);
  g_autoptr(VeilProfile) noah = save (store, d2);
  g_autoptr(VeilReport) older = make_report ("SOMEONE SENT THIS", 1700000000);
  g_autoptr(VeilReport) newer = make_report (NULL, 1700000500);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(VeilReportEntry) got = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id1, id2, id3;

  id1 = veil_store_add_report (store, mia, older, VEIL_ACTOR_CHILD, &error);
  g_assert_no_error (error);
  id2 = veil_store_add_report (store, mia, newer, VEIL_ACTOR_CHILD, &error);
  g_assert_no_error (error);
  id3 = veil_store_add_report (store, noah, newer, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id1, >, 0);
  g_assert_cmpint (id2, >, id1);
  g_assert_cmpint (id3, >, id2);

  /* Newest first, only the profile's own. */
  list = veil_store_list_reports (store, veil_profile_get_id (mia), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((VeilReportEntry *) list->pdata[0])->id, ==, id2);
  g_assert_cmpint (((VeilReportEntry *) list->pdata[1])->id, ==, id1);
  g_assert_cmpint (((VeilReportEntry *) list->pdata[1])->time, ==, 1700000000);
  g_assert_cmpstr (((VeilReportEntry *) list->pdata[1])->state, ==, "new");
  g_assert_cmpstr (veil_report_get_words (((VeilReportEntry *) list->pdata[1])->report), ==, "SOMEONE SENT THIS");

  /* Get by id gives back the same report. */
  got = veil_store_get_report (store, id1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->profile_id, ==, veil_profile_get_id (mia));
  {
    g_autofree char *a = veil_report_to_json (older);
    g_autofree char *b = veil_report_to_json (got->report);
    g_assert_cmpstr (a, ==, b);
  }
  g_clear_pointer (&got, veil_report_entry_free);
  got = veil_store_get_report (store, 9999, &error);
  g_assert_null (got);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The audit log says a report was made, and nothing of what is in it. */
  audit = veil_store_list_audit (store, veil_profile_get_id (mia), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[0])->kind, ==, "report-made");
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[0])->actor, ==, VEIL_ACTOR_CHILD);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM audit WHERE kind = 'report-made'"), ==, 3);
  g_assert_cmpint (count_rows (fixture->path,
                               "SELECT count(*) FROM audit WHERE detail LIKE '%SOMEONE%' OR detail LIKE '%SECRETNAME%'"
                               " OR detail LIKE '%9f86d081%'"), ==, 0);

  /* A report for a profile that is not in the store is refused and leaves nothing behind. */
  {
    g_autoptr(VeilProfile) ghost = make_profile ("Ghost", NULL);
    g_assert_cmpint (veil_store_add_report (store, ghost, older, VEIL_ACTOR_CHILD, &error), ==, 0);
    g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM reports"), ==, 3);
  }

  /* Delete one: gone, with an audit entry; deleting again says it is not there. */
  g_assert_true (veil_store_delete_report (store, id1, VEIL_ACTOR_GUARDIAN, &error));
  g_assert_no_error (error);
  g_assert_false (veil_store_delete_report (store, id1, VEIL_ACTOR_GUARDIAN, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = veil_store_list_reports (store, veil_profile_get_id (mia), &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM audit WHERE kind = 'report-deleted'"), ==, 1);

  /* Deleting a profile takes its reports with it; the other profile's stay. */
  g_assert_true (veil_store_delete_profile (store, veil_profile_get_id (mia), VEIL_ACTOR_GUARDIAN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM reports"), ==, 1);

  /* A row damaged outside Veil is an error, not a crash. */
  exec_sql (fixture->path, "UPDATE reports SET data = '{not json'");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = veil_store_list_reports (store, veil_profile_get_id (noah), &error);
  g_assert_null (list);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Erasing everything erases reports too, and their words leave the file. */
  g_assert_true (veil_store_erase_all (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM reports"), ==, 0);
  g_clear_object (&store);
  {
    g_autofree char *db = NULL;
    gsize len;
    g_assert_true (g_file_get_contents (fixture->path, &db, &len, NULL));
    for (gsize i = 0; i + 17 <= len; i++)
      g_assert_false (memcmp (db + i, "SOMEONE SENT THIS", 17) == 0);
  }
}

/* Killed between the report's row and its audit entry: neither is left behind. */
static void
report_crash_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = veil_store_new (g_getenv ("VEIL_TEST_STORE_PATH"), NULL, &error);
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilReport) report = make_report ("words", 1700000000);

  g_assert_no_error (error);
  mia = veil_store_lookup_profile (store, "Mia", &error);
  g_assert_no_error (error);
  _veil_store_set_write_hook (store, kill_at_point, (gpointer) "report-row");
  veil_store_add_report (store, mia, report, VEIL_ACTOR_CHILD, NULL);
  g_error ("the write hook did not kill the process at report-row");
}

static void
test_store_crash_mid_report (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&store);
  g_setenv ("VEIL_TEST_STORE_PATH", fixture->path, TRUE);
  g_test_trap_subprocess ("/veil/store/crash-mid-report/subprocess", 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_assert_false (g_test_trap_has_passed ());
  g_test_trap_assert_stderr_unmatched ("*did not kill*");

  store = open_store (fixture);
  reports = veil_store_list_reports (store, veil_profile_get_id (mia), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reports->len, ==, 0);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM reports"), ==, 0);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM audit WHERE kind = 'report-made'"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/store/open-new", test_store_open_new);
  g_test_add_func ("/veil/store/open-default-path", test_store_open_default_path);
  ADD ("/veil/store/open-async", test_store_open_async);
  ADD ("/veil/store/migrations", test_store_migrations);
  ADD ("/veil/store/too-new", test_store_too_new);
  ADD ("/veil/store/corrupt-header", test_store_corrupt_header);
  ADD ("/veil/store/corrupt-page", test_store_corrupt_page);
  ADD ("/veil/store/crash-mid-write", test_store_crash_mid_write);
  ADD ("/veil/store/crash-killed-from-outside", test_store_crash_killed_from_outside);
  ADD ("/veil/store/profiles", test_store_profiles);
  ADD ("/veil/store/versions", test_store_versions);
  ADD ("/veil/store/consent-gating", test_store_consent_gating);
  ADD ("/veil/store/consent-guardian-alerts", test_store_consent_guardian_alerts);
  ADD ("/veil/store/audit-no-pixels", test_store_audit_no_pixels);
  ADD ("/veil/store/expire", test_store_expire);
  ADD ("/veil/store/export-and-erase", test_store_export_and_erase);
  ADD ("/veil/store/tampered", test_store_tampered);
  ADD ("/veil/store/reports", test_store_reports);
  ADD ("/veil/store/crash-mid-report", test_store_crash_mid_report);
#undef ADD

  g_test_add_data_func ("/veil/store/crash-mid-write/subprocess/profile-row", "profile-row", crash_subprocess);
  g_test_add_data_func ("/veil/store/crash-mid-write/subprocess/profile-data", "profile-data", crash_subprocess);
  g_test_add_data_func ("/veil/store/crash-mid-write/subprocess/profile-version", "profile-version", crash_subprocess);
  g_test_add_data_func ("/veil/store/crash-mid-write/subprocess/consent", "consent", crash_subprocess);
  g_test_add_func ("/veil/store/crash-killed-from-outside/subprocess", busy_writer);
  g_test_add_func ("/veil/store/crash-mid-report/subprocess", report_crash_subprocess);

  return g_test_run ();
}
