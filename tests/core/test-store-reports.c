/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"


#include "test-store-fixture.h"
#include "veil-test-utils.h"

/* The reports table: adding, listing, deleting, and a crash between a report and its audit entry. */

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

  ADD_STORE_TEST ("/veil/store/reports", test_store_reports);
  ADD_STORE_TEST ("/veil/store/crash-mid-report", test_store_crash_mid_report);

  g_test_add_func ("/veil/store/crash-mid-report/subprocess", report_crash_subprocess);

  return g_test_run ();
}
