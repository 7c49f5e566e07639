/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "test-message-guard-fixture.h"
#include "veil-test-utils.h"

static void
analyzed_cb (VeilMessageGuard *guard,
             const char       *path,
             gboolean          sensitive,
             GuardFixture     *fixture)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (fixture->analyzed, path));

  g_hash_table_replace (fixture->analyzed, g_strdup (path), GUINT_TO_POINTER (n + 1));
  fixture->n_analyzed++;
  fixture->n_sensitive += sensitive ? 1 : 0;
}

static void
failed_cb (VeilMessageGuard *guard,
           const char       *path,
           const char       *message,
           GuardFixture     *fixture)
{
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  g_test_message ("Not analyzed: %s: %s", path, message);
  g_hash_table_replace (fixture->failed, g_strdup (path), g_strdup (message));
}

static void
warned_cb (VeilMessageGuard *guard,
           gint64            alert_id,
           const char       *path,
           const char       *folder_name,
           GuardFixture     *fixture)
{
  g_assert_cmpint (alert_id, >, 0);
  g_assert_true (g_str_has_prefix (path, fixture->downloads));
  g_array_append_val (fixture->warned, alert_id);
  g_ptr_array_add (fixture->warned_folders, g_strdup (folder_name));
  g_hash_table_add (fixture->warned_paths, g_strdup (path));
}

void
new_guard (GuardFixture *fixture)
{
  g_assert_null (fixture->guard);
  fixture->guard = veil_message_guard_new (fixture->store, fixture->analyzer);
  veil_message_guard_set_settle_time (fixture->guard, 30);
  g_signal_connect (fixture->guard, "analyzed", G_CALLBACK (analyzed_cb), fixture);
  g_signal_connect (fixture->guard, "failed", G_CALLBACK (failed_cb), fixture);
  g_signal_connect (fixture->guard, "warned", G_CALLBACK (warned_cb), fixture);
}

void
fixture_setup (GuardFixture  *fixture,
               gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  fixture->downloads = g_build_filename (fixture->dir, "Downloads", NULL);
  fixture->staging = g_build_filename (fixture->dir, "staging", NULL);
  fixture->data_dir = g_build_filename (fixture->dir, "veil-data", NULL);
  g_assert_cmpint (g_mkdir (fixture->downloads, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fixture->staging, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fixture->data_dir, 0700), ==, 0);
  /* Where hidden pictures go. Set while no worker thread of this test runs. */
  g_setenv ("VEIL_DATA_DIR", fixture->data_dir, TRUE);

  db = g_build_filename (fixture->data_dir, "veil.db", NULL);
  fixture->store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  fixture->classifier = veil_test_classifier_new (2);
  fixture->analyzer = veil_analyzer_new (VEIL_CLASSIFIER (fixture->classifier));

  fixture->analyzed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fixture->warned = g_array_new (FALSE, FALSE, sizeof (gint64));
  fixture->warned_folders = g_ptr_array_new_with_free_func (g_free);
  fixture->warned_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  new_guard (fixture);
}

/* Spins the main context until the guard is idle and has stayed so for @quiet_ms, so that a
 * late duplicate would still be seen. */
void
wait_idle (GuardFixture *fixture,
           guint         quiet_ms)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gint64 idle_since = 0;

  while (TRUE)
    {
      gint64 now = g_get_monotonic_time ();

      g_assert_cmpint (now, <, deadline);
      if (veil_message_guard_get_n_busy (fixture->guard) == 0)
        {
          if (idle_since == 0)
            idle_since = now;
          else if (now - idle_since >= (gint64) quiet_ms * 1000)
            return;
        }
      else
        idle_since = 0;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

/* Waits for @n files to have been analyzed or failed in all. */
void
wait_for_results (GuardFixture *fixture,
                  guint         n)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (fixture->n_analyzed + g_hash_table_size (fixture->failed) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  wait_idle (fixture, 300);
}

void
dispose_guard (GuardFixture *fixture)
{
  if (fixture->guard != NULL)
    wait_idle (fixture, 0);
  g_clear_object (&fixture->guard);
}

void
fixture_teardown (GuardFixture  *fixture,
                  gconstpointer  data)
{
  dispose_guard (fixture);
  g_clear_object (&fixture->analyzer);
  g_clear_object (&fixture->classifier);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->analyzed, g_hash_table_unref);
  g_clear_pointer (&fixture->failed, g_hash_table_unref);
  g_clear_pointer (&fixture->warned, g_array_unref);
  g_clear_pointer (&fixture->warned_folders, g_ptr_array_unref);
  g_clear_pointer (&fixture->warned_paths, g_hash_table_unref);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->downloads);
  g_free (fixture->staging);
  g_free (fixture->data_dir);
}

/* A profile watching the fixture's Downloads, with message warnings on (and acknowledged
 * by the child when @acknowledged). */
VeilProfile *
save_profile (GuardFixture *fixture,
              const char   *name,
              VeilAgeBand   band,
              gboolean      hide,
              gboolean      guardian_alerts,
              gboolean      acknowledged)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);
  const char *folders[] = { fixture->downloads, NULL };

  veil_profile_builder_set_age_band (b, band);
  veil_profile_builder_set_message_folders (b, folders);
  veil_profile_builder_set_hide_warned (b, hide);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_GUARDIAN_ALERTS, guardian_alerts);
  return veil_test_save_profile (fixture->store, b, acknowledged);
}

void
guard (GuardFixture *fixture,
       VeilProfile  *profile)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_message_guard_set_profile (fixture->guard, profile, &error));
  g_assert_no_error (error);
  /* Let the catch-up finish before the test writes anything. */
  wait_idle (fixture, 0);
}

guint
analyzed_count (GuardFixture *fixture,
                const char   *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fixture->analyzed, path));
}

GBytes *
read_bytes (const char *path)
{
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (contents, length);
}
