/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-context"

#include "config.h"

#include "veil.h"
#include "veil-test-utils.h"

/* VeilContext notices profile and consent changes made by another process (veilctl) through
 * the store's write-ahead log, without polling; after a reload, only the new store counts. */

static void
changed_cb (VeilContext *context,
            guint       *n_changes)
{
  (*n_changes)++;
}

/* Changes the store as veilctl would: through a connection of its own. */
static void
save_elsewhere (const char *db,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = veil_store_new (db, NULL, &error);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);
  g_autoptr(VeilProfile) saved = NULL;

  g_assert_no_error (error);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  saved = veil_test_save_profile (store, b, FALSE);
}

static void
reloaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_context_load_finish (VEIL_CONTEXT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
spin_until (guint   *n_changes,
            guint    expected,
            guint    milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (*n_changes < expected && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return *n_changes >= expected;
}

static void
test_changes_elsewhere (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *first = g_build_filename (dir, "first.db", NULL);
  g_autofree char *second = g_build_filename (dir, "second.db", NULL);
  g_autoptr(VeilContext) context = veil_test_load_context (first);
  guint n_changes = 0;
  gboolean loaded = FALSE;

  g_signal_connect (context, "profiles-changed", G_CALLBACK (changed_cb), &n_changes);

  save_elsewhere (first, "Mia");
  g_assert_true (spin_until (&n_changes, 1, 10000));

  /* Told by the writer in this process: no second notice from the log. */
  veil_context_notify_profiles_changed (context);
  g_assert_cmpuint (n_changes, ==, 2);
  spin_until (&n_changes, 3, 1000);
  g_assert_cmpuint (n_changes, ==, 2);

  /* Reloaded on another store: the first one's changes no longer count. */
  g_object_unref (veil_test_load_context (second));  /* creates the second file */
  veil_context_load_async (context, second, NULL, reloaded_cb, &loaded);
  veil_test_wait_for (&loaded, 30);
  g_assert_cmpstr (veil_store_get_path (veil_context_get_store (context)), ==, second);
  save_elsewhere (first, "Sam");
  spin_until (&n_changes, 3, 1000);
  g_assert_cmpuint (n_changes, ==, 2);
  save_elsewhere (second, "Sam");
  g_assert_true (spin_until (&n_changes, 3, 10000));

  g_clear_object (&context);
  veil_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/context/changes-elsewhere", test_changes_elsewhere);

  return g_test_run ();
}
