/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include "veil.h"
#include "veil-test-utils.h"

/* Message alerts and the message guard's memory in a real store file: what engineer B's alert
 * view and the guard read back, and that library alerts stay apart from them. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef struct {
  char          *dir;
  char          *path;
  VeilStore     *store;
  VeilProfile   *profile;
} MessagesFixture;

static void
fixture_setup (MessagesFixture *fixture,
               gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) built = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->store = veil_store_new (fixture->path, NULL, &error);
  g_assert_no_error (error);
  built = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  fixture->profile = veil_store_save_profile (fixture->store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (MessagesFixture *fixture,
                  gconstpointer    data)
{
  g_clear_pointer (&fixture->profile, veil_profile_unref);
  g_clear_object (&fixture->store);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static gint64
count_rows (const char *db_path,
            const char *sql)
{
  sqlite3 *db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  return n;
}

static VeilVerdict *
sensitive_verdict (guint64 word)
{
  g_autoptr(VeilVerdictBuilder) b = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_classifier ("porn", 0.93, 0.8, "test-model", "1", "0000",
                                                             NULL, 0, 0);
  VeilPdqHash hash = { { word, ~word, word ^ 0x5555, 42 } };

  veil_verdict_builder_add_reason (b, reason);
  veil_verdict_builder_set_hash (b, &hash, 100);
  return veil_verdict_builder_build (b);
}

static void
test_record_and_read_back (MessagesFixture *fixture,
                           gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilVerdict) verdict = sensitive_verdict (1);
  g_autoptr(GBytes) thumb = g_bytes_new_static ("PNGTHUMB", 8);
  g_autoptr(GBytes) got_thumb = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) library = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(VeilAlert) alert = NULL;
  g_autoptr(VeilAlert) copy = NULL;
  gint64 id_private, id_told;
  gint64 profile_id = veil_profile_get_id (fixture->profile);
  gboolean found_audit = FALSE;

  id_private = veil_store_record_message_alert (fixture->store, fixture->profile,
                                                "/home/mia/Downloads/a.jpg", "Downloads",
                                                verdict, thumb, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id_private, >, 0);
  id_told = veil_store_record_message_alert (fixture->store, fixture->profile,
                                             "/home/mia/Downloads/Telegram Desktop/b.jpg",
                                             "Telegram Desktop", verdict, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id_told, >, id_private);

  /* Newest first, each with its own state, folder and path. */
  messages = veil_store_list_message_alerts (fixture->store, profile_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);
  {
    VeilAlert *first = messages->pdata[0];
    VeilAlert *second = messages->pdata[1];

    g_assert_cmpint (first->id, ==, id_told);
    g_assert_cmpstr (first->state, ==, VEIL_ALERT_STATE_TOLD);
    g_assert_cmpstr (first->source, ==, VEIL_ALERT_SOURCE_MESSAGE);
    g_assert_cmpstr (first->folder, ==, "Telegram Desktop");
    g_assert_cmpstr (first->path, ==, "/home/mia/Downloads/Telegram Desktop/b.jpg");
    g_assert_null (first->hidden_path);
    g_assert_cmpint (second->id, ==, id_private);
    g_assert_cmpstr (second->state, ==, VEIL_ALERT_STATE_PRIVATE);
    g_assert_cmpstr (second->folder, ==, "Downloads");
    g_assert_true (veil_verdict_get_sensitive (second->verdict));
    g_assert_cmpint (second->profile_id, ==, profile_id);
  }

  /* Library alerts do not include them. */
  library = veil_store_list_alerts (fixture->store, profile_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (library->len, ==, 0);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, profile_id, NULL), ==, 0);

  /* The thumbnail is there for the alert view; the one recorded without has none. */
  got_thumb = veil_store_get_thumbnail (fixture->store, id_private, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got_thumb, thumb));
  g_assert_null (veil_store_get_thumbnail (fixture->store, id_told, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Hidden and back. */
  g_assert_true (veil_store_set_hidden_path (fixture->store, id_private, "/veil/hidden/1/a.jpg", &error));
  g_assert_no_error (error);
  alert = veil_store_get_alert (fixture->store, id_private, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alert->hidden_path, ==, "/veil/hidden/1/a.jpg");
  g_assert_cmpstr (alert->path, ==, "/home/mia/Downloads/a.jpg");
  copy = veil_alert_copy (alert);
  g_assert_cmpstr (copy->hidden_path, ==, alert->hidden_path);
  g_assert_cmpstr (copy->folder, ==, "Downloads");
  g_assert_cmpstr (copy->source, ==, VEIL_ALERT_SOURCE_MESSAGE);
  g_assert_true (copy->folder != alert->folder);
  g_clear_pointer (&alert, veil_alert_free);
  g_assert_true (veil_store_set_hidden_path (fixture->store, id_private, NULL, &error));
  alert = veil_store_get_alert (fixture->store, id_private, &error);
  g_assert_no_error (error);
  g_assert_null (alert->hidden_path);

  /* Unknown alerts say so. */
  g_assert_null (veil_store_get_alert (fixture->store, 9999, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (veil_store_set_hidden_path (fixture->store, 9999, "/x", &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The audit names the folder only: no reasons, no path. */
  audit = veil_store_list_audit (fixture->store, profile_id, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      VeilAuditEntry *e = audit->pdata[i];

      if (g_strcmp0 (e->kind, "message-warning") != 0)
        continue;
      found_audit = TRUE;
      g_assert_true (g_str_equal (e->detail, "Downloads") || g_str_equal (e->detail, "Telegram Desktop"));
      g_assert_null (strstr (e->detail, "porn"));
      g_assert_null (strstr (e->detail, "a.jpg"));
    }
  g_assert_true (found_audit);
}

static void
test_library_alerts_carry_source (MessagesFixture *fixture,
                                  gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilVerdict) verdict = sensitive_verdict (7);
  g_autoptr(GPtrArray) library = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(VeilAlert) alert = NULL;
  VeilFileStamp stamp = { 1, 2, 3, 4 };
  gboolean new_alert = FALSE;

  /* The child was warned about this picture in a message first: the library scan still
   * raises its own alert, which its threshold may pass on to the guardian. */
  g_assert_cmpint (veil_store_record_message_alert (fixture->store, fixture->profile, "/home/mia/Downloads/x.jpg",
                                                    "Downloads", verdict, NULL, FALSE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_false (veil_store_has_alert (fixture->store, veil_profile_get_id (fixture->profile),
                                        veil_verdict_get_hash (verdict)));
  g_assert_true (veil_store_record_file (fixture->store, "/home/mia/Pictures/x.jpg", &stamp, "test",
                                         verdict, NULL, NULL, fixture->profile, NULL, &new_alert, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (new_alert);
  library = veil_store_list_alerts (fixture->store, veil_profile_get_id (fixture->profile), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (library->len, ==, 1);
  g_assert_cmpstr (((VeilAlert *) library->pdata[0])->source, ==, VEIL_ALERT_SOURCE_LIBRARY);
  g_assert_null (((VeilAlert *) library->pdata[0])->hidden_path);
  g_assert_true (veil_store_has_alert (fixture->store, veil_profile_get_id (fixture->profile),
                                       veil_verdict_get_hash (verdict)));
  messages = veil_store_list_message_alerts (fixture->store, veil_profile_get_id (fixture->profile), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (((VeilAlert *) messages->pdata[0])->path, ==, "/home/mia/Downloads/x.jpg");

  /* get_alert reads any source. */
  alert = veil_store_get_alert (fixture->store, ((VeilAlert *) library->pdata[0])->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alert->source, ==, VEIL_ALERT_SOURCE_LIBRARY);
  g_assert_cmpstr (alert->path, ==, "/home/mia/Pictures/x.jpg");
}

static void
test_message_files (MessagesFixture *fixture,
                    gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = veil_profile_get_id (fixture->profile);
  VeilFileStamp stamp = { 10, 20, 30, 40 };
  VeilFileStamp changed = { 10, 20, 31, 41 };
  gint64 since, again;

  /* The first activation is remembered, later ones keep it. */
  since = veil_store_begin_message_watch (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (since, >, 0);
  g_assert_cmpint (since, <=, g_get_real_time ());
  g_usleep (2000);
  again = veil_store_begin_message_watch (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, since);

  g_assert_false (veil_store_lookup_message_file (fixture->store, id, "/d/a.jpg", &stamp));
  g_assert_true (veil_store_record_message_file (fixture->store, id, "/d/a.jpg", &stamp, &error));
  g_assert_no_error (error);
  g_assert_true (veil_store_lookup_message_file (fixture->store, id, "/d/a.jpg", &stamp));
  /* A new version of the file is a new picture to analyze. */
  g_assert_false (veil_store_lookup_message_file (fixture->store, id, "/d/a.jpg", &changed));
  /* Another profile has not seen it. */
  g_assert_false (veil_store_lookup_message_file (fixture->store, id + 1, "/d/a.jpg", &stamp));

  /* Deleting the profile forgets both. */
  g_assert_true (veil_store_delete_profile (fixture->store, id, VEIL_ACTOR_GUARDIAN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM message_files"), ==, 0);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM message_watch"), ==, 0);
}

static void
test_erase_all (MessagesFixture *fixture,
                gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilVerdict) verdict = sensitive_verdict (3);
  gint64 id = veil_profile_get_id (fixture->profile);
  VeilFileStamp stamp = { 1, 1, 1, 1 };

  g_assert_cmpint (veil_store_record_message_alert (fixture->store, fixture->profile, "/d/SECRETNAME.jpg",
                                                    "Downloads", verdict, NULL, FALSE, &error), >, 0);
  g_assert_true (veil_store_record_message_file (fixture->store, id, "/d/SECRETNAME.jpg", &stamp, &error));
  g_assert_cmpint (veil_store_begin_message_watch (fixture->store, id, &error), >, 0);
  g_assert_no_error (error);

  g_assert_true (veil_store_erase_all (fixture->store, &error));
  g_assert_no_error (error);
  for (const char * const *t = (const char *[]) { "alerts", "alert_files", "message_files", "message_watch", NULL }; *t; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", *t);
      g_assert_cmpint (count_rows (fixture->path, sql), ==, 0);
    }
}

int
main (int    argc,
      char **argv)
{
  veil_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, MessagesFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/store-alerts/record-and-read-back", test_record_and_read_back);
  ADD ("/veil/store-alerts/library-alerts-carry-source", test_library_alerts_carry_source);
  ADD ("/veil/store-alerts/message-files", test_message_files);
  ADD ("/veil/store-alerts/erase-all", test_erase_all);
#undef ADD

  return g_test_run ();
}
