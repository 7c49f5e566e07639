/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "test-store-fixture.h"
#include "veil-test-utils.h"

/* Retention, export and erase: what leaves the store and what is deleted for good. */

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

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  ADD_STORE_TEST ("/veil/store/expire", test_store_expire);
  ADD_STORE_TEST ("/veil/store/export-and-erase", test_store_export_and_erase);


  return g_test_run ();
}
