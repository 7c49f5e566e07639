/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil.h"
#include "veil-test-utils.h"

/* Hash lists kept per profile, and the guardian's exceptions, straight through the store. */

typedef struct {
  char        *dir;
  VeilStore   *store;
  gint64       profile_id;
} ListsFixture;

static void
fixture_setup (ListsFixture  *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->store = veil_store_new (path, NULL, &error);
  g_assert_no_error (error);
  built = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (fixture->store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  fixture->profile_id = veil_profile_get_id (saved);
}

static void
fixture_teardown (ListsFixture  *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->store);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
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

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, ListsFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/store-hash-lists/import-load-remove", test_import_load_remove);
  ADD ("/veil/store-hash-lists/no-exceptions", test_no_exceptions);
#undef ADD

  return g_test_run ();
}
