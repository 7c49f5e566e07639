/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <libsecret/secret.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>
#include <utime.h>

#include "veil.h"
#include "veil-analyzer-service.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

/* A store removed, emptied, damaged or edited outside Veil, against a real SQLite file and a
 * real keyring: Veil must keep protecting with the settings last verified, leave a dated
 * notice, and let the guardian confirm or restore, both audited. */

#define PIN "482916"

typedef struct {
  char *dir;
  char *path;
} RecordsFixture;

static void
fixture_setup (RecordsFixture *fixture,
               gconstpointer   data)
{
  fixture->dir = veil_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "veil.db", NULL);
}

static void
fixture_teardown (RecordsFixture *fixture,
                  gconstpointer   data)
{
  g_autoptr(GError) error = NULL;

  secret_password_clear_sync (veil_test_keyring_item_schema (), NULL, &error, "data-dir", fixture->dir, NULL);
  g_assert_no_error (error);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static VeilGuardian *
open_guardian (RecordsFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  VeilGuardian *guardian = veil_guardian_open (fixture->path, NULL, &keyring_error, &error);

  g_assert_no_error (error);
  g_assert_no_error (keyring_error);
  g_assert_nonnull (guardian);
  return guardian;
}

/* Veil as a guardian set it up: a PIN, and Mia's message warnings on and acknowledged. */
static void
set_up_veil (RecordsFixture *fixture)
{
  g_autoptr(VeilGuardian) guardian = open_guardian (fixture);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  VeilStore *store = veil_guardian_get_store (guardian);
  g_autofree char *sealed = g_build_filename (fixture->dir, "veil-settings.signed", NULL);
  GStatBuf st;

  g_assert_true (veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error));
  g_assert_no_error (error);
  veil_profile_builder_set_unix_user (b, g_get_user_name ());
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  built = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_guardian_save_profile (guardian, built, &error);
  g_assert_no_error (error);
  g_assert_true (veil_store_acknowledge (store, saved, VEIL_PROTECTION_MESSAGE_WARNINGS,
                                         veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS), &error));
  g_assert_no_error (error);
  /* The application looks again after every write; the acknowledgment is kept then. */
  g_assert_cmpint (veil_guardian_check_records (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);

  g_assert_cmpint (g_stat (sealed, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* What the service and the guard would do: the policy for Mia's account. */
static void
assert_protecting (VeilStore *store)
{
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autoptr(VeilAnalyzerService) service = veil_analyzer_service_new (analyzer, store);
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(GError) error = NULL;
  VeilProtectionStatus status = { 0 };

  mia = veil_store_lookup_profile (store, "Mia", &error);
  g_assert_no_error (error);
  g_assert_true (veil_profile_get_protection_enabled (mia, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_assert_true (veil_store_get_protection_status (store, mia, VEIL_PROTECTION_MESSAGE_WARNINGS, &status, &error));
  g_assert_true (status.active);

  g_assert_true (veil_analyzer_service_reload_policy (service, &error));
  g_assert_no_error (error);
  g_assert_cmpint (veil_analyzer_service_get_policy (service), !=, VEIL_ANALYZER_POLICY_DISABLED);
}

static gboolean
audit_has (VeilStore  *store,
           const char *kind)
{
  g_autoptr(GPtrArray) entries = veil_store_list_audit (store, -1, 1000, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      VeilAuditEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *text = veil_audit_entry_describe (e);

      g_assert_nonnull (text);
      if (g_str_equal (e->kind, kind))
        return TRUE;
    }
  return FALSE;
}

static void
assert_notice (VeilGuardian     *guardian,
               VeilRecordsState  expected,
               gint64            earliest,
               gint64            latest)
{
  gint64 time = 0;
  g_autofree char *text = NULL;

  g_assert_cmpint (veil_guardian_get_records_state (guardian, &time), ==, expected);
  g_assert_cmpint (time, >=, earliest);
  g_assert_cmpint (time, <=, latest);
  text = veil_records_state_describe (expected, time);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "Veil’s records were "));
}

static void
unlock (VeilGuardian *guardian)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_guardian_unlock (guardian, PIN, NULL, &error));
  g_assert_no_error (error);
}

static void
remove_store_files (RecordsFixture *fixture)
{
  const char * const suffixes[] = { "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (fixture->path, suffixes[i], NULL);
      g_unlink (p);
    }
}

static void
test_records_wiped (RecordsFixture *fixture,
                    gconstpointer   data)
{
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;

  set_up_veil (fixture);
  veil_test_rm_rf (fixture->dir);   /* rm -rf ~/.local/share/veil */
  before = g_get_real_time () / G_USEC_PER_SEC;

  guardian = open_guardian (fixture);
  assert_notice (guardian, VEIL_RECORDS_REMOVED, before, before + 60);
  assert_protecting (veil_guardian_get_store (guardian));
  g_assert_true (audit_has (veil_guardian_get_store (guardian), "records-removed"));

  /* Confirming needs the PIN, and the notice goes with an audit entry. */
  g_assert_false (veil_guardian_confirm_records (guardian, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED);
  g_clear_error (&error);
  unlock (guardian);
  g_assert_true (veil_guardian_confirm_records (guardian, &error));
  g_assert_no_error (error);
  g_assert_cmpint (veil_guardian_get_records_state (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);
  g_assert_true (audit_has (veil_guardian_get_store (guardian), "records-confirmed"));
  assert_protecting (veil_guardian_get_store (guardian));
}

static void
test_records_emptied (RecordsFixture *fixture,
                      gconstpointer   data)
{
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GError) error = NULL;
  gint64 truncated = 1700000000;

  set_up_veil (fixture);
  remove_store_files (fixture);
  g_assert_true (g_file_set_contents (fixture->path, "", 0, &error));
  g_assert_no_error (error);
  /* The notice carries the date the store was emptied, when its file says so. */
  g_assert_cmpint (g_utime (fixture->path, &(struct utimbuf) { truncated, truncated }), ==, 0);

  guardian = open_guardian (fixture);
  assert_notice (guardian, VEIL_RECORDS_REMOVED, truncated, truncated);
  assert_protecting (veil_guardian_get_store (guardian));

  unlock (guardian);
  g_assert_true (veil_guardian_restore_records (guardian, &error));
  g_assert_no_error (error);
  g_assert_cmpint (veil_guardian_get_records_state (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);
  g_assert_true (audit_has (veil_guardian_get_store (guardian), "records-restored"));
  assert_protecting (veil_guardian_get_store (guardian));
}

static void
test_records_damaged (RecordsFixture *fixture,
                      gconstpointer   data)
{
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  char garbage[8192];
  gboolean set_aside = FALSE;
  const char *name;
  gint64 before;

  set_up_veil (fixture);
  remove_store_files (fixture);
  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) g_random_int ();
  g_assert_true (g_file_set_contents (fixture->path, garbage, sizeof garbage, &error));
  g_assert_no_error (error);
  before = g_get_real_time () / G_USEC_PER_SEC - 5;

  guardian = open_guardian (fixture);
  assert_notice (guardian, VEIL_RECORDS_DAMAGED, before, before + 60);
  assert_protecting (veil_guardian_get_store (guardian));
  g_assert_true (audit_has (veil_guardian_get_store (guardian), "records-damaged"));

  /* The damaged file is kept for whoever wants to look at it. */
  dir = g_dir_open (fixture->dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    set_aside |= g_str_has_prefix (name, "veil.db.set-aside-");
  g_assert_true (set_aside);

  unlock (guardian);
  g_assert_true (veil_guardian_confirm_records (guardian, &error));
  g_assert_no_error (error);
  g_assert_cmpint (veil_guardian_get_records_state (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);
}

static void
edit_row (RecordsFixture *fixture)
{
  sqlite3 *db = NULL;

  /* Warnings switched off with the sqlite3 tool. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE profiles SET data = replace(data, '\"message-warnings\":true', "
                                     "'\"message-warnings\":false')", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);
}

static void
test_records_edited (RecordsFixture *fixture,
                     gconstpointer   data)
{
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(GError) error = NULL;
  gboolean restore = GPOINTER_TO_INT (data);
  gint64 before;

  set_up_veil (fixture);
  edit_row (fixture);
  before = g_get_real_time () / G_USEC_PER_SEC - 5;

  guardian = open_guardian (fixture);
  assert_notice (guardian, VEIL_RECORDS_CHANGED, before, before + 60);
  mia = veil_store_lookup_profile (veil_guardian_get_store (guardian), "Mia", &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_integrity (mia), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);
  assert_protecting (veil_guardian_get_store (guardian));
  g_assert_true (audit_has (veil_guardian_get_store (guardian), "records-changed"));
  g_clear_pointer (&mia, veil_profile_unref);

  unlock (guardian);
  if (restore)
    g_assert_true (veil_guardian_restore_records (guardian, &error));
  else
    g_assert_true (veil_guardian_confirm_records (guardian, &error));
  g_assert_no_error (error);
  g_assert_cmpint (veil_guardian_get_records_state (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);
  g_assert_true (audit_has (veil_guardian_get_store (guardian), restore ? "records-restored" : "records-confirmed"));

  /* Restored: as last verified. Confirmed: the guardian keeps the change, signed now. */
  mia = veil_store_lookup_profile (veil_guardian_get_store (guardian), "Mia", &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_integrity (mia), ==, VEIL_PROFILE_INTEGRITY_OK);
  g_assert_cmpint (veil_profile_get_protection_enabled (mia, VEIL_PROTECTION_MESSAGE_WARNINGS), ==, restore);
}

/* A profile added with the sqlite3 tool for the child's account, warnings off, sorted before
 * the real one: the service never chooses it, and restoring removes it. */
static void
test_records_added_row (RecordsFixture *fixture,
                        gconstpointer   data)
{
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(VeilProfile) aaron = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  set_up_veil (fixture);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO profiles (name, version, data, created, updated) "
                                     "SELECT 'Aaron', 1, replace(replace(data, '\"message-warnings\":true', "
                                     "'\"message-warnings\":false'), '\"Mia\"', '\"Aaron\"'), 0, 0 "
                                     "FROM profiles WHERE name = 'Mia'", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  guardian = open_guardian (fixture);
  g_assert_cmpint (veil_guardian_get_records_state (guardian, NULL), ==, VEIL_RECORDS_CHANGED);
  profiles = veil_store_list_profiles (veil_guardian_get_store (guardian), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
  assert_protecting (veil_guardian_get_store (guardian));

  unlock (guardian);
  g_assert_true (veil_guardian_restore_records (guardian, &error));
  g_assert_no_error (error);
  g_assert_cmpint (veil_guardian_check_records (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);
  aaron = veil_store_lookup_profile (veil_guardian_get_store (guardian), "Aaron", &error);
  g_assert_null (aaron);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  assert_protecting (veil_guardian_get_store (guardian));
}

/* An edit while Veil runs: the next look (after every write) finds it. */
static void
test_records_edited_while_open (RecordsFixture *fixture,
                                gconstpointer   data)
{
  g_autoptr(VeilGuardian) guardian = NULL;

  set_up_veil (fixture);
  guardian = open_guardian (fixture);
  g_assert_cmpint (veil_guardian_get_records_state (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);
  edit_row (fixture);
  assert_protecting (veil_guardian_get_store (guardian));
  g_assert_cmpint (veil_guardian_check_records (guardian, NULL), ==, VEIL_RECORDS_CHANGED);
}

/* A first start, and a start without a keyring item: nothing to report. */
static void
test_records_fresh (RecordsFixture *fixture,
                    gconstpointer   data)
{
  g_autoptr(VeilGuardian) guardian = open_guardian (fixture);

  g_assert_cmpint (veil_guardian_get_records_state (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);
  g_clear_object (&guardian);
  veil_test_rm_rf (fixture->dir);
  guardian = open_guardian (fixture);
  g_assert_cmpint (veil_guardian_get_records_state (guardian, NULL), ==, VEIL_RECORDS_VERIFIED);
}

/* --- Read-only data folders and a full disk: their own errors, never "damaged" ----------- */

static gboolean
mount_tmpfs (const char *dir,
             const char *options)
{
  if (geteuid () != 0)
    {
      g_test_skip ("Mounting a small tmpfs needs root (CI runs as root); chmod cannot make a folder read-only for root");
      return FALSE;
    }
  if (mount ("tmpfs", dir, "tmpfs", 0, options) != 0)
    {
      g_autofree char *msg = g_strdup_printf ("Cannot mount a tmpfs here (%s)", g_strerror (errno));
      g_test_skip (msg);
      return FALSE;
    }
  return TRUE;
}

static void
test_records_read_only (RecordsFixture *fixture,
                        gconstpointer   data)
{
  g_autofree char *mnt = g_build_filename (fixture->dir, "ro", NULL);
  g_autofree char *db = g_build_filename (mnt, "veil.db", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  if (!mount_tmpfs (mnt, "size=4m,mode=0700"))
    return;
  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (mount (NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);

  store = veil_store_new (db, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "cannot be written"));
  g_assert_cmpint (umount (mnt), ==, 0);
}

static void
test_records_disk_full (RecordsFixture *fixture,
                        gconstpointer   data)
{
  g_autofree char *mnt = g_build_filename (fixture->dir, "full", NULL);
  g_autofree char *db = g_build_filename (mnt, "veil.db", NULL);
  g_autofree char *filler = g_build_filename (mnt, "filler", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = NULL;
  gboolean ok = TRUE;

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  if (!mount_tmpfs (mnt, "size=1m,mode=0700"))
    return;
  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);

  /* Fill what is left, then write until the store needs a page it cannot have. */
  big = g_malloc0 (2 * 1024 * 1024);
  g_file_set_contents (filler, big, 2 * 1024 * 1024, NULL);
  for (guint i = 0; ok && i < 10000; i++)
    {
      g_autofree char *key = g_strdup_printf ("filler-%u", i);

      ok = veil_store_set_meta (store, key, big + 1024 * 1024 - 4000, &error) && error == NULL;
      if (!ok)
        break;
      g_clear_error (&error);
      memset (big + 1024 * 1024 - 4000, 'a' + (i % 26), 3999);
    }
  g_assert_false (ok);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_DISK_FULL);
  g_clear_object (&store);
  g_assert_cmpint (umount (mnt), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  veil_test_init (&argc, &argv);
  veil_test_keyring_start ();

#define ADD(path, data, func) \
  g_test_add (path, RecordsFixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/veil/records/wiped", NULL, test_records_wiped);
  ADD ("/veil/records/emptied", NULL, test_records_emptied);
  ADD ("/veil/records/damaged", NULL, test_records_damaged);
  ADD ("/veil/records/edited/confirm", GINT_TO_POINTER (FALSE), test_records_edited);
  ADD ("/veil/records/edited/restore", GINT_TO_POINTER (TRUE), test_records_edited);
  ADD ("/veil/records/edited-while-open", NULL, test_records_edited_while_open);
  ADD ("/veil/records/added-row", NULL, test_records_added_row);
  ADD ("/veil/records/fresh", NULL, test_records_fresh);
  ADD ("/veil/records/read-only", NULL, test_records_read_only);
  ADD ("/veil/records/disk-full", NULL, test_records_disk_full);
#undef ADD

  ret = g_test_run ();
  veil_test_keyring_stop ();
  return ret;
}
