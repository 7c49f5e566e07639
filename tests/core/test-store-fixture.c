/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-store-fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>

#include "veil-test-utils.h"

/* What the store tests share: a private temporary folder per case with a real SQLite file in
 * it, profiles and alerts to fill it with, and plain SQLite to look behind the store's back. */

void
fixture_setup (StoreFixture  *fixture,
               gconstpointer  data)
{
  fixture->dir = veil_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "veil.db", NULL);
}

void
fixture_teardown (StoreFixture  *fixture,
                  gconstpointer  data)
{
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

VeilStore *
open_store (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  VeilStore *store = veil_store_new (fixture->path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

VeilProfile *
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

VeilProfile *
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
void
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
gint64
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

void
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

char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

char *
find_backup (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".damaged-") != NULL && !g_str_has_suffix (name, "-wal"))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

/* A write hook that kills the process at the named point (see _veil_store_set_write_hook()). */
void
kill_at_point (VeilStore  *store,
               const char *point,
               gpointer    user_data)
{
  if (g_str_equal (point, user_data))
    raise (SIGKILL);
}
