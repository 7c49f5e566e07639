/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil.h"
#include "veil-test-utils.h"

/* The scan cache, library alerts and scan runs, straight through the store: what the scanner
 * relies on (test-scanner.c tests the scanner itself on real pictures). */

typedef struct {
  char        *dir;
  VeilStore   *store;
  VeilProfile *profile;
} ScansFixture;

static void
fixture_setup (ScansFixture  *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Noah");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->store = veil_store_new (path, NULL, &error);
  g_assert_no_error (error);
  built = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  fixture->profile = veil_store_save_profile (fixture->store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (ScansFixture  *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->profile, veil_profile_unref);
  g_assert_finalize_object (fixture->store);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static VeilVerdict *
sensitive_verdict (guint64 w0)
{
  g_autoptr(VeilVerdictBuilder) b = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_classifier ("porn", 0.97, 0.70, "test-model", "1", "0000",
                                                             NULL, 0, 0);
  VeilPdqHash hash = { { w0, 2, 3, 4 } };

  veil_verdict_builder_add_reason (b, reason);
  veil_verdict_builder_set_hash (b, &hash, 90);
  return veil_verdict_builder_build (b);
}

static void
test_cache_round_trip (ScansFixture  *fixture,
                       gconstpointer  data)
{
  VeilFileStamp stamp = { 1, 2, 300, 4000 };
  VeilFileStamp touched = { 1, 2, 300, 5000 };
  g_auto(VeilScanCacheEntry) entry = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (veil_store_lookup_file (fixture->store, "/p/a.jpg", &stamp, "model-1", &entry));
  g_assert_true (veil_store_record_file (fixture->store, "/p/a.jpg", &stamp, "model-1", NULL, NULL,
                                         "not a picture", NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (veil_store_count_cache (fixture->store), ==, 1);

  g_assert_true (veil_store_lookup_file (fixture->store, "/p/a.jpg", &stamp, "model-1", &entry));
  g_assert_false (entry.has_hash);
  g_assert_null (entry.scores);
  g_assert_cmpstr (entry.error, ==, "not a picture");
  veil_scan_cache_entry_clear (&entry);

  /* A changed file or another classifier is analysed again. */
  g_assert_false (veil_store_lookup_file (fixture->store, "/p/a.jpg", &touched, "model-1", &entry));
  g_assert_false (veil_store_lookup_file (fixture->store, "/p/a.jpg", &stamp, "model-2", &entry));

  /* Recording the file again replaces its row. */
  g_assert_true (veil_store_record_file (fixture->store, "/p/a.jpg", &touched, "model-1", NULL, NULL,
                                         NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (veil_store_count_cache (fixture->store), ==, 1);
  g_assert_true (veil_store_lookup_file (fixture->store, "/p/a.jpg", &touched, "model-1", &entry));
  g_assert_null (entry.error);
}

static void
test_one_alert_per_picture (ScansFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(VeilVerdict) verdict = sensitive_verdict (1);
  g_autoptr(VeilVerdict) other = sensitive_verdict (99);
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  VeilFileStamp stamp = { 1, 2, 3, 4 };
  gboolean new_alert = FALSE;
  guint told = 0;
  gint64 id = veil_profile_get_id (fixture->profile);

  g_assert_false (veil_store_has_alert (fixture->store, id, veil_verdict_get_hash (verdict)));
  g_assert_true (veil_store_record_file (fixture->store, "/p/a.jpg", &stamp, "m", verdict, NULL, NULL,
                                         fixture->profile, NULL, &new_alert, &told, &error));
  g_assert_no_error (error);
  g_assert_true (new_alert);
  g_assert_true (veil_store_has_alert (fixture->store, id, veil_verdict_get_hash (verdict)));

  /* A copy of the same picture elsewhere adds no alert; another picture does. */
  g_assert_true (veil_store_record_file (fixture->store, "/p/copy.jpg", &stamp, "m", verdict, NULL, NULL,
                                         fixture->profile, NULL, &new_alert, &told, &error));
  g_assert_false (new_alert);
  g_assert_true (veil_store_record_file (fixture->store, "/p/b.jpg", &stamp, "m", other, NULL, NULL,
                                         fixture->profile, NULL, &new_alert, &told, &error));
  g_assert_no_error (error);
  g_assert_true (new_alert);

  alerts = veil_store_list_alerts (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 2);
  g_assert_cmpuint (veil_store_count_cache (fixture->store), ==, 3);
}

/* A verdict Veil could not check is never cached (the next scan tries the file again), is
 * listed once per file, and is no match: it does not bring the threshold closer. */
static void
test_unchecked (ScansFixture  *fixture,
                gconstpointer  data)
{
  g_autoptr(VeilVerdict) unchecked = veil_verdict_new_unchecked (VEIL_UNCHECKED_TOO_SLOW, "Decoding took over 20 s");
  g_autoptr(VeilVerdict) sensitive = sensitive_verdict (7);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(VeilProfile) told_profile = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_auto(VeilScanCacheEntry) entry = { 0 };
  g_autoptr(GError) error = NULL;
  VeilFileStamp stamp = { 1, 2, 3, 4 };
  gboolean new_alert = FALSE;
  guint told = 0;

  /* Checked once, then no longer checkable: the old row goes, nothing says "checked". */
  g_assert_true (veil_store_record_file (fixture->store, "/p/slow.jpg", &stamp, "m", NULL, NULL, NULL,
                                         NULL, NULL, NULL, NULL, &error));
  g_assert_true (veil_store_lookup_file (fixture->store, "/p/slow.jpg", &stamp, "m", &entry));
  veil_scan_cache_entry_clear (&entry);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (veil_store_record_file (fixture->store, "/p/slow.jpg", &stamp, "m", unchecked, NULL, NULL,
                                             fixture->profile, NULL, &new_alert, &told, &error));
      g_assert_no_error (error);
      g_assert_cmpint (new_alert, ==, i == 0);
      g_assert_false (veil_store_lookup_file (fixture->store, "/p/slow.jpg", &stamp, "m", &entry));
      g_assert_cmpuint (veil_store_count_cache (fixture->store), ==, 0);
    }
  alerts = veil_store_list_alerts (fixture->store, veil_profile_get_id (fixture->profile), &error);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_true (veil_verdict_get_unchecked (((VeilAlert *) alerts->pdata[0])->verdict));
  g_assert_cmpstr (((VeilAlert *) alerts->pdata[0])->path, ==, "/p/slow.jpg");
  /* The guardian of this profile is not told: it waits with the held alerts. */
  g_assert_cmpstr (((VeilAlert *) alerts->pdata[0])->state, ==, VEIL_ALERT_STATE_HELD);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  /* Told at once where the guardian is told; with threshold 2, it and one match are not two. */
  g_assert_true (veil_profile_builder_set_from_string (b, "notify", "guardian", NULL));
  g_assert_true (veil_profile_builder_set_from_string (b, "match-threshold", "2", NULL));
  built = veil_profile_builder_build (b, &error);
  told_profile = veil_store_save_profile (fixture->store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (veil_store_record_file (fixture->store, "/p/slow.jpg", &stamp, "m", unchecked, NULL, NULL,
                                         told_profile, NULL, &new_alert, &told, &error));
  g_assert_true (new_alert);
  g_assert_true (veil_store_record_file (fixture->store, "/p/match.jpg", &stamp, "m", sensitive, NULL, NULL,
                                         told_profile, NULL, &new_alert, &told, &error));
  g_assert_true (new_alert);
  g_assert_cmpuint (told, ==, 0);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, veil_profile_get_id (told_profile),
                                                      VEIL_ALERT_STATE_TOLD), ==, 1);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, veil_profile_get_id (told_profile),
                                                      VEIL_ALERT_STATE_HELD), ==, 1);
}

static void
test_runs (ScansFixture  *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  gint64 id = veil_profile_get_id (fixture->profile);
  gboolean resumed = TRUE;
  gint64 run;

  g_assert_null (veil_store_get_last_summary (fixture->store, id));
  run = veil_store_begin_run (fixture->store, id, &resumed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run, >, 0);
  g_assert_false (resumed);

  /* Veil closed mid-scan: the next run says it resumes. */
  run = veil_store_begin_run (fixture->store, id, &resumed, &error);
  g_assert_no_error (error);
  g_assert_true (resumed);
  g_assert_true (veil_store_finish_run (fixture->store, run, "{\"files\":3}", &error));
  g_assert_no_error (error);
  summary = veil_store_get_last_summary (fixture->store, id);
  g_assert_cmpstr (summary, ==, "{\"files\":3}");

  run = veil_store_begin_run (fixture->store, id, &resumed, &error);
  g_assert_cmpint (run, >, 0);
  g_assert_false (resumed);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, ScansFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/store-scans/cache-round-trip", test_cache_round_trip);
  ADD ("/veil/store-scans/one-alert-per-picture", test_one_alert_per_picture);
  ADD ("/veil/store-scans/runs", test_runs);
  ADD ("/veil/store-scans/unchecked", test_unchecked);
#undef ADD

  return g_test_run ();
}
