/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-models"

#include "config.h"

#include "veil.h"
#include "veil-test-utils.h"

/* The context's list models on a real store file: they read in the background, follow writes
 * made here and by another connection (as veilctl makes them), and splice only what changed;
 * and the pipelines the UI and veilctl share. */

typedef struct {
  char        *dir;
  char        *db;
  VeilContext *context;
  VeilStore   *store;
  VeilProfile *profile;
} ModelsFixture;

static void
models_setup (ModelsFixture *fixture,
              gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Mia");

  fixture->dir = veil_test_make_tmpdir ();
  fixture->db = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->context = veil_test_load_context (fixture->db);
  fixture->store = veil_context_get_store (fixture->context);
  fixture->profile = veil_test_save_profile (fixture->store, builder, FALSE);
}

static void
models_teardown (ModelsFixture *fixture,
                 gconstpointer  data)
{
  g_clear_pointer (&fixture->profile, veil_profile_unref);
  g_assert_finalize_object (fixture->context);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->db);
  g_free (fixture->dir);
}

/* Waits on the main context, as the application does, until the model holds @n items. */
static void
wait_for_n_items (GListModel *model,
                  guint       n)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((g_list_model_get_n_items (model) != n ||
          !veil_record_model_get_loaded (VEIL_RECORD_MODEL (model))) &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
}

typedef struct {
  guint position;
  guint removed;
  guint added;
  guint n_signals;
} Splice;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Splice     *splice)
{
  splice->position = position;
  splice->removed = removed;
  splice->added = added;
  splice->n_signals++;
}

static VeilHashList *
new_list (const char *name,
          guint64     word)
{
  VeilHashList *list = veil_hash_list_new (name);
  VeilPdqHash hash = { { word, ~word, word ^ 0x5555, 7 } };

  veil_hash_list_add (list, &hash, "entry");
  return list;
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
test_hash_lists (ModelsFixture *fixture,
                 gconstpointer  data)
{
  gint64 profile_id = veil_profile_get_id (fixture->profile);
  GListModel *model = veil_context_get_hash_list_model (fixture->context, profile_id);
  g_autoptr(VeilHashList) mine = new_list ("Mine", 1);
  g_autoptr(VeilHashList) everyone = new_list ("Everyone", 2);
  g_autoptr(VeilStore) other = NULL;
  g_autoptr(VeilHashListItem) item = NULL;
  g_autoptr(GError) error = NULL;
  Splice splice = { 0 };

  g_assert_nonnull (model);
  g_assert_true (model == veil_context_get_hash_list_model (fixture->context, profile_id));
  g_assert_true (g_list_model_get_item_type (model) == VEIL_TYPE_HASH_LIST_ITEM);
  wait_for_n_items (model, 0);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &splice);

  /* Written here: the log tells the context, which reloads the model. */
  g_assert_true (veil_store_import_hash_list (fixture->store, profile_id, mine, "hotline.txt", &error));
  g_assert_no_error (error);
  wait_for_n_items (model, 1);
  item = g_list_model_get_item (model, 0);
  g_assert_cmpstr (veil_hash_list_item_get_list (item)->name, ==, "Mine");
  g_assert_cmpstr (veil_hash_list_item_get_list (item)->source, ==, "hotline.txt");
  g_assert_cmpuint (splice.position, ==, 0);
  g_assert_cmpuint (splice.removed, ==, 0);
  g_assert_cmpuint (splice.added, ==, 1);

  /* Written by another connection on the same file, as veilctl does. */
  other = veil_store_new (fixture->db, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_store_import_hash_list (other, 0, everyone, "everyone.txt", &error));
  wait_for_n_items (model, 2);
  /* Only the new row is spliced in; the one before is the same object. */
  g_assert_cmpuint (splice.removed, ==, 0);
  g_assert_cmpuint (splice.added, ==, 1);
  {
    g_autoptr(VeilHashListItem) again = g_list_model_get_item (model, splice.position == 0 ? 1 : 0);

    g_assert_true (again == item);
  }

  /* Removing through the model shows at once. */
  g_assert_true (veil_hash_list_model_remove (VEIL_HASH_LIST_MODEL (model),
                                              veil_hash_list_item_get_list (item)->id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_false (veil_hash_list_model_remove (VEIL_HASH_LIST_MODEL (model),
                                               veil_hash_list_item_get_list (item)->id, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
}

static void
test_alerts_and_reports (ModelsFixture *fixture,
                         gconstpointer  data)
{
  gint64 profile_id = veil_profile_get_id (fixture->profile);
  GListModel *alerts = veil_context_get_alert_model (fixture->context, profile_id);
  GListModel *reports = veil_context_get_report_model (fixture->context, profile_id);
  GListModel *other_profile = veil_context_get_alert_model (fixture->context, profile_id + 1);
  g_autoptr(VeilVerdict) verdict = sensitive_verdict (1);
  g_autoptr(GBytes) thumbnail = g_bytes_new_static ("PNGTHUMB", 8);
  g_autoptr(VeilReportBuilder) builder = veil_report_builder_new ();
  g_autoptr(VeilReport) report = NULL;
  g_autoptr(VeilAlertItem) alert = NULL;
  g_autoptr(VeilReportItem) entry = NULL;
  g_autoptr(VeilStore) other = NULL;
  g_autoptr(GError) error = NULL;
  gint64 alert_id;

  g_assert_true (other_profile != alerts);
  wait_for_n_items (alerts, 0);
  wait_for_n_items (reports, 0);

  alert_id = veil_store_record_message_alert (fixture->store, fixture->profile, "/home/mia/Downloads/a.jpg",
                                              "Downloads", verdict, thumbnail, FALSE, &error);
  g_assert_no_error (error);
  wait_for_n_items (alerts, 1);
  alert = g_list_model_get_item (alerts, 0);
  g_assert_cmpint (veil_alert_item_get_alert (alert)->id, ==, alert_id);
  g_assert_cmpstr (veil_alert_item_get_alert (alert)->state, ==, VEIL_ALERT_STATE_PRIVATE);
  /* The preview comes with the item: views need not ask the store. */
  g_assert_true (g_bytes_equal (veil_alert_item_get_thumbnail (alert), thumbnail));
  /* Counted as the store counts: folder-check alerts only, so a message warning is not. */
  g_assert_cmpuint (veil_alert_model_count_in_state (VEIL_ALERT_MODEL (alerts), NULL), ==,
                    veil_store_count_alerts_in_state (fixture->store, profile_id, NULL));
  g_assert_cmpuint (veil_alert_model_count_in_state (VEIL_ALERT_MODEL (alerts), NULL), ==, 0);

  /* A state changed elsewhere replaces the item. */
  other = veil_store_new (fixture->db, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_store_delete_alert (other, alert_id, &error));
  wait_for_n_items (alerts, 0);
  wait_for_n_items (other_profile, 0);

  veil_report_builder_set_reporter (builder, VEIL_REPORTER_CHILD);
  veil_report_builder_set_source (builder, VEIL_REPORT_SOURCE_FOLDER, "Downloads");
  veil_report_builder_set_file_name (builder, "a.jpg");
  veil_report_builder_set_verdict (builder, verdict);
  veil_report_builder_set_sha256 (builder, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  report = veil_report_builder_build (builder, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_store_add_report (other, fixture->profile, report, VEIL_ACTOR_CHILD, &error), >, 0);
  wait_for_n_items (reports, 1);
  entry = g_list_model_get_item (reports, 0);
  g_assert_cmpint (veil_report_item_get_entry (entry)->profile_id, ==, profile_id);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_import_file_finish (VEIL_STORE (source), result, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (veil_hash_list_get_name (list), ==, "Renamed");
  *(gboolean *) user_data = TRUE;
}

static void
protect_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  guint n_added = 0;

  g_assert_true (veil_protect_pictures_finish (VEIL_STORE (source), result, &n_added, &problem, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, ==, 1);
  g_assert_nonnull (strstr (problem, "missing.png"));
  *(gboolean *) user_data = TRUE;
}

static void
test_pipelines (ModelsFixture *fixture,
                gconstpointer  data)
{
  gint64 profile_id = veil_profile_get_id (fixture->profile);
  GListModel *lists = veil_context_get_hash_list_model (fixture->context, profile_id);
  GListModel *images = veil_context_get_protected_image_model (fixture->context, profile_id);
  g_autoptr(VeilHashList) list = new_list ("In the file", 3);
  g_autofree char *path = g_build_filename (fixture->dir, "list.txt", NULL);
  g_autofree char *bad = g_build_filename (fixture->dir, "bad.txt", NULL);
  g_autofree char *picture = veil_test_write_picture (fixture->dir, "me.png", 128, 96, 5);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.png", NULL);
  const char *paths[] = { picture, missing, NULL };
  /* The pictures are hashed in an analysis worker, as the app does. */
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new_with_pool (pool, "none");
  g_autoptr(VeilHashList) imported = NULL;
  g_autoptr(VeilHashListItem) item = NULL;
  g_autoptr(VeilProtectedImageItem) image = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_assert_true (veil_hash_list_save_file (list, path, VEIL_HASH_LIST_FORMAT_VEIL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (bad, "not-a-hash\n", -1, &error));

  /* The sync form, as veilctl uses it: the source defaults to the file's name. */
  imported = veil_hash_list_import_file (fixture->store, profile_id, path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (veil_hash_list_get_name (imported), ==, "In the file");
  wait_for_n_items (lists, 1);
  item = g_list_model_get_item (lists, 0);
  g_assert_cmpstr (veil_hash_list_item_get_list (item)->source, ==, "list.txt");
  g_assert_null (veil_hash_list_import_file (fixture->store, profile_id, bad, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "bad.txt"));
  g_clear_error (&error);

  veil_hash_list_import_file_async (fixture->store, 0, path, "Renamed", "hotline", NULL, import_done_cb, &done);
  veil_test_wait_for (&done, 30);
  wait_for_n_items (lists, 2);

  /* Protecting pictures: one that cannot be read does not stop the others. */
  done = FALSE;
  veil_protect_pictures_async (fixture->store, analyzer, profile_id, paths, NULL, protect_done_cb, &done);
  veil_test_wait_for (&done, 30);
  wait_for_n_items (images, 1);
  image = g_list_model_get_item (images, 0);
  g_assert_cmpuint (strlen (veil_protected_image_item_get_image (image)->md5), ==, 32);
  g_assert_true (veil_protected_image_model_find (VEIL_PROTECTED_IMAGE_MODEL (images),
                                                  veil_protected_image_item_get_image (image)->md5) ==
                 veil_protected_image_item_get_image (image));
  g_assert_true (veil_protected_image_model_remove (VEIL_PROTECTED_IMAGE_MODEL (images),
                                                    veil_protected_image_item_get_image (image)->md5, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (images), ==, 0);
}

static void
preview_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static VeilWorkerResult *
load_preview (VeilAnalyzer        *analyzer,
              const char * const  *paths,
              guint                n_paths,
              GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  veil_analyzer_load_preview_async (analyzer, paths, n_paths, NULL, preview_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return veil_analyzer_load_preview_finish (analyzer, result, error);
}

static void
test_preview_and_checksum (ModelsFixture *fixture,
                           gconstpointer  data)
{
  g_autofree char *picture = veil_test_write_picture (fixture->dir, "seen.png", 640, 480, 9);
  g_autofree char *gone = g_build_filename (fixture->dir, "hidden.png", NULL);
  const char *paths[] = { gone, NULL, picture };
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new_with_pool (pool, "none");
  g_autoptr(VeilWorkerResult) preview = NULL;
  g_autoptr(VeilReportBuilder) builder = veil_report_builder_new ();
  g_autoptr(GError) error = NULL;
  guint width = 0, height = 0;

  /* Where Veil hides it is tried first; where it arrived comes next. Decoded in a worker. */
  preview = load_preview (analyzer, paths, G_N_ELEMENTS (paths), &error);
  g_assert_no_error (error);
  g_assert_nonnull (veil_worker_result_get_preview (preview, 0, &width, &height));
  g_assert_cmpuint (width, ==, VEIL_IMAGE_THUMBNAIL_SIZE);
  g_assert_cmpuint (height, ==, 192);
  /* The last failure says why; with nowhere to look, the picture is gone. */
  g_assert_null (load_preview (analyzer, paths, 2, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "hidden.png"));
  g_clear_error (&error);
  g_assert_null (load_preview (analyzer, paths + 1, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (veil_report_builder_checksum_first_file (builder, paths, G_N_ELEMENTS (paths),
                                                          "/home/mia/Downloads/seen.png", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (veil_report_builder_checksum_first_file (builder, paths, 2, NULL, NULL, &error));
  g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_UNREADABLE);
  g_clear_error (&error);
  g_assert_false (veil_report_builder_checksum_first_file (builder, paths + 1, 1, NULL, NULL, &error));
  g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_UNREADABLE);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add ("/veil/models/hash-lists", ModelsFixture, NULL, models_setup, test_hash_lists, models_teardown);
  g_test_add ("/veil/models/alerts-and-reports", ModelsFixture, NULL, models_setup, test_alerts_and_reports,
              models_teardown);
  g_test_add ("/veil/models/pipelines", ModelsFixture, NULL, models_setup, test_pipelines, models_teardown);
  g_test_add ("/veil/models/preview-and-checksum", ModelsFixture, NULL, models_setup, test_preview_and_checksum,
              models_teardown);

  return g_test_run ();
}
