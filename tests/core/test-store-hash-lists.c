/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "veil.h"
#include "veil-hash-list-private.h"
#include "veil-test-utils.h"

/* Hash lists kept per profile, and the guardian's exceptions, straight through the store;
 * and the lists' binary files next to the store, which only make loading fast. */

typedef struct {
  char        *dir;
  char        *path;
  VeilStore   *store;
  gint64       profile_id;
} ListsFixture;

static void
fixture_setup (ListsFixture  *fixture,
               gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->store = veil_store_new (fixture->path, NULL, &error);
  g_assert_no_error (error);
  built = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (fixture->store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  fixture->profile_id = veil_profile_get_id (saved);
}

static void
close_store (ListsFixture *fixture)
{
  if (fixture->store != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->store));
}

static void
fixture_teardown (ListsFixture  *fixture,
                  gconstpointer  data)
{
  close_store (fixture);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static VeilStoredHashList *
find_kind (GPtrArray  *lists,
           const char *kind)
{
  for (guint i = 0; i < lists->len; i++)
    {
      VeilStoredHashList *l = lists->pdata[i];

      if (g_str_equal (l->kind, kind))
        return l;
    }
  return NULL;
}

static void
test_import_load_remove (ListsFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Known pictures");
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  VeilPdqHash a = { { 1, 2, 3, 4 } };
  VeilPdqHash b = { { 5, 6, 7, 8 } };
  VeilStoredHashList *entry;
  VeilHashList *back;
  gint64 list_id;

  g_assert_true (veil_hash_list_add (list, &a, "first"));
  g_assert_true (veil_hash_list_add (list, &b, NULL));
  g_assert_true (veil_store_import_hash_list (fixture->store, fixture->profile_id, list, "helpline", &error));
  g_assert_no_error (error);

  stored = veil_store_list_hash_lists (fixture->store, fixture->profile_id, &error);
  g_assert_no_error (error);
  entry = find_kind (stored, "list");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->name, ==, "Known pictures");
  g_assert_cmpstr (entry->source, ==, "helpline");
  g_assert_cmpuint (entry->n_entries, ==, 2);
  list_id = entry->id;

  /* The hashes and labels come back as they went in. */
  loaded = veil_store_load_hash_lists (fixture->store, fixture->profile_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
  back = loaded->pdata[0];
  g_assert_cmpuint (veil_hash_list_get_n_entries (back), ==, 2);
  g_assert_true (memcmp (veil_hash_list_get_hash (back, 0), &a, sizeof a) == 0);
  g_assert_true (memcmp (veil_hash_list_get_hash (back, 1), &b, sizeof b) == 0);
  g_assert_cmpstr (veil_hash_list_get_label (back, 0), ==, "first");

  g_assert_true (veil_store_remove_hash_list (fixture->store, list_id, &error));
  g_assert_no_error (error);
  g_assert_false (veil_store_remove_hash_list (fixture->store, list_id, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = veil_store_load_hash_lists (fixture->store, fixture->profile_id, NULL);
  g_assert_cmpuint (loaded->len, ==, 0);
}

static void
test_no_exceptions (ListsFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) exceptions = veil_store_list_exceptions (fixture->store, fixture->profile_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (exceptions);
  g_assert_cmpuint (exceptions->len, ==, 0);
}

/* Imports a list of @n entries (every third without a label) and returns its row id. */
static gint64
import_list (ListsFixture *fixture,
             guint         n)
{
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Known pictures");
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  veil_hash_list_set_version (list, 3);
  for (guint i = 0; i < n; i++)
    {
      VeilPdqHash h = { { i, i * 7, ~i, 42 } };
      g_autofree char *label = g_strdup_printf ("picture %u", i);

      g_assert_true (veil_hash_list_add (list, &h, i % 3 == 0 ? NULL : label));
    }
  g_assert_true (veil_store_import_hash_list (fixture->store, 0, list, "helpline", &error));
  g_assert_no_error (error);
  stored = veil_store_list_hash_lists (fixture->store, 0, &error);
  g_assert_no_error (error);
  /* The newest row is the one just imported. */
  for (guint i = 0; i < stored->len; i++)
    id = MAX (id, ((VeilStoredHashList *) stored->pdata[i])->id);
  return id;
}

static char *
binary_path (ListsFixture *fixture,
             gint64        list_id)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".vhl", list_id);
  g_autofree char *dir = g_strconcat (fixture->path, "-lists", NULL);

  return g_build_filename (dir, name, NULL);
}

/* Loads the shared lists; checks there is one, holding what import_list() put in; says
 * whether it came from the binary file. */
static gboolean
load_and_check (ListsFixture *fixture,
                guint         n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = veil_store_load_hash_lists (fixture->store, 0, &error);
  VeilHashList *list;

  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
  list = loaded->pdata[0];
  g_assert_cmpstr (veil_hash_list_get_name (list), ==, "Known pictures");
  g_assert_cmpstr (veil_hash_list_get_source (list), ==, "helpline");
  g_assert_cmpuint (veil_hash_list_get_version (list), ==, 3);
  g_assert_cmpuint (veil_hash_list_get_n_entries (list), ==, n);
  for (guint i = 0; i < n; i++)
    {
      VeilPdqHash h = { { i, i * 7, ~i, 42 } };
      g_autofree char *label = g_strdup_printf ("picture %u", i);

      g_assert_true (memcmp (veil_hash_list_get_hash (list, i), &h, sizeof h) == 0);
      if (i % 3 != 0)
        g_assert_cmpstr (veil_hash_list_get_label (list, i), ==, label);
      else
        g_assert_true (veil_hash_list_get_label (list, i) == NULL ||
                       *veil_hash_list_get_label (list, i) == '\0');
    }
  return list->mapped != NULL;
}

static void
run_sql (ListsFixture *fixture,
         const char   *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Importing writes the binary file, and loading maps it: what comes back is the same. */
static void
test_binary_file_used (ListsFixture  *fixture,
                       gconstpointer  data)
{
  gint64 id = import_list (fixture, 1000);
  g_autofree char *path = binary_path (fixture, id);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (load_and_check (fixture, 1000));
}

/* A damaged, replaced or missing binary file is never used: the list comes back from its
 * row, whole, and the file is written again. */
static void
test_binary_file_rebuilt (ListsFixture  *fixture,
                          gconstpointer  data)
{
  gint64 id = import_list (fixture, 500);
  gint64 other_id = import_list (fixture, 20);
  g_autofree char *path = binary_path (fixture, id);
  g_autofree char *other_path = binary_path (fixture, other_id);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (veil_store_remove_hash_list (fixture->store, other_id, NULL));
  g_assert_false (g_file_test (other_path, G_FILE_TEST_EXISTS));

  /* Cut short. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length / 2, NULL));
  g_assert_false (load_and_check (fixture, 500));
  g_assert_true (load_and_check (fixture, 500));

  /* Another list's file in its place (a different digest). */
  {
    g_autoptr(VeilHashList) small = veil_hash_list_new ("Known pictures");
    VeilPdqHash h = { { 9 } };

    veil_hash_list_add (small, &h, NULL);
    g_assert_true (_veil_hash_list_save_binary (small, path, "0123", NULL));
  }
  g_assert_false (load_and_check (fixture, 500));

  /* Gone. */
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_false (load_and_check (fixture, 500));
  g_assert_true (load_and_check (fixture, 500));
}

/* A row stored before digests were kept: it loads, gets the digest of what it holds, and its
 * binary file is written. */
static void
test_binary_file_follows_row (ListsFixture  *fixture,
                              gconstpointer  data)
{
  gint64 id = import_list (fixture, 30);
  g_autofree char *path = binary_path (fixture, id);

  close_store (fixture);
  run_sql (fixture, "UPDATE profile_hash_lists SET digest = NULL");
  g_assert_cmpint (g_remove (path), ==, 0);
  fixture->store = veil_store_new (fixture->path, NULL, NULL);
  g_assert_false (load_and_check (fixture, 30));
  g_assert_true (load_and_check (fixture, 30));

  /* The row's entries cut by hand, its digest left as it was: the file named by the digest,
   * made from what the guardian imported, still answers for the list. */
  close_store (fixture);
  run_sql (fixture, "UPDATE profile_hash_lists SET entries = 29, hashes = substr(hashes, 1, 29 * 32)");
  fixture->store = veil_store_new (fixture->path, NULL, NULL);
  {
    g_autoptr(GPtrArray) loaded = veil_store_load_hash_lists (fixture->store, 0, NULL);

    g_assert_cmpuint (loaded->len, ==, 1);
    g_assert_cmpuint (veil_hash_list_get_n_entries (loaded->pdata[0]), ==, 30);
  }
}

/* Files of lists no longer stored go: with their profile, when everything is erased, and
 * leftovers when the store opens. */
static void
test_binary_files_removed (ListsFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(VeilHashList) own = veil_hash_list_new ("Mia's list");
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *dir = g_strconcat (fixture->path, "-lists", NULL);
  g_autofree char *stray = g_build_filename (dir, "999.vhl", NULL);
  g_autofree char *own_path = NULL;
  VeilPdqHash h = { { 1 } };
  gint64 shared_id = import_list (fixture, 10);
  g_autofree char *shared_path = binary_path (fixture, shared_id);

  veil_hash_list_add (own, &h, NULL);
  g_assert_true (veil_store_import_hash_list (fixture->store, fixture->profile_id, own, NULL, NULL));
  stored = veil_store_list_hash_lists (fixture->store, fixture->profile_id, NULL);
  for (guint i = 0; i < stored->len; i++)
    if (((VeilStoredHashList *) stored->pdata[i])->profile_id == fixture->profile_id)
      own_path = binary_path (fixture, ((VeilStoredHashList *) stored->pdata[i])->id);
  g_assert_nonnull (own_path);
  g_assert_true (g_file_test (own_path, G_FILE_TEST_IS_REGULAR));

  g_assert_true (veil_store_delete_profile (fixture->store, fixture->profile_id, VEIL_ACTOR_GUARDIAN, NULL));
  g_assert_true (g_file_set_contents (stray, "left over", -1, NULL));
  close_store (fixture);
  fixture->store = veil_store_new (fixture->path, NULL, NULL);
  g_assert_false (g_file_test (own_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stray, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shared_path, G_FILE_TEST_IS_REGULAR));

  g_assert_true (veil_store_erase_all (fixture->store, NULL));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, ListsFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/store-hash-lists/import-load-remove", test_import_load_remove);
  ADD ("/veil/store-hash-lists/no-exceptions", test_no_exceptions);
  ADD ("/veil/store-hash-lists/binary-file-used", test_binary_file_used);
  ADD ("/veil/store-hash-lists/binary-file-rebuilt", test_binary_file_rebuilt);
  ADD ("/veil/store-hash-lists/binary-file-follows-row", test_binary_file_follows_row);
  ADD ("/veil/store-hash-lists/binary-files-removed", test_binary_files_removed);
#undef ADD

  return g_test_run ();
}
