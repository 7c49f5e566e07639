/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-alerts.h"
#include "veil-test-utils.h"

/* The guardian's review queue with message alerts, reports and help requests, on a real store and keyring: message
 * warnings the guardian was told about shown with the library alerts (private ones never),
 * and the child's reports and help requests listed next to them, each opening the full
 * report, which exports without the picture and can be deleted. */

#define PIN "482916"

typedef struct {
  VeilProfile *profile;
  char        *dir;
  char        *picture;
  char        *picture_sha256;
  gint64       told_id;
  gint64       private_id;
} Queue;

static void
queue_clear (Queue *q)
{
  g_clear_pointer (&q->profile, veil_profile_unref);
  if (q->dir != NULL)
    veil_test_rm_rf (q->dir);
  g_clear_pointer (&q->dir, g_free);
  g_clear_pointer (&q->picture, g_free);
  g_clear_pointer (&q->picture_sha256, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Queue, queue_clear)

static void
add_report (VeilStore      *store,
            Queue          *q,
            VeilReportKind  kind,
            const char     *words)
{
  g_autoptr(VeilReportBuilder) b = veil_report_builder_new ();
  g_autoptr(VeilVerdict) verdict = veil_test_make_verdict ();
  g_autoptr(VeilReport) report = NULL;
  g_autoptr(GError) error = NULL;

  veil_report_builder_set_kind (b, kind);
  veil_report_builder_set_source (b, VEIL_REPORT_SOURCE_FOLDER, "Downloads");
  veil_report_builder_set_verdict (b, verdict);
  veil_report_builder_set_words (b, words);
  if (kind == VEIL_REPORT_KIND_REPORT)
    {
      g_autoptr(GFile) file = g_file_new_for_path (q->picture);
      g_assert_true (veil_report_builder_checksum_file (b, file, NULL, &error));
    }
  report = veil_report_builder_build (b, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_store_add_report (store, q->profile, report, VEIL_ACTOR_CHILD, &error), >, 0);
  g_assert_no_error (error);
}

/* A child whose guardian is told about message warnings, one told and one private warning,
 * a report and a help request. */
static void
fill (VeilAppFixture *fixture,
      Queue          *q)
{
  VeilContext *context = veil_test_app_get_context (fixture);
  VeilGuardian *guardian = veil_context_get_guardian (context);
  VeilStore *store = veil_context_get_store (context);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) p = NULL;
  g_autoptr(VeilVerdict) verdict = veil_test_make_verdict ();
  g_autoptr(GError) error = NULL;
  g_autofree char *other = NULL;
  g_autofree char *bytes = NULL;
  gsize n_bytes = 0;

  g_assert_true (veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error));
  g_assert_true (veil_profile_builder_set_from_string (b, "age-band", "13-15", NULL));
  g_assert_true (veil_profile_builder_set_from_string (b, "message-warnings", "on", NULL));
  g_assert_true (veil_profile_builder_set_from_string (b, "notify", "guardian", NULL));
  p = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  q->profile = veil_guardian_save_profile (guardian, p, &error);
  g_assert_no_error (error);

  q->dir = veil_test_make_tmpdir ();
  q->picture = veil_test_write_picture (q->dir, "sent.jpg", 320, 240, 21);
  other = veil_test_write_picture (q->dir, "private.jpg", 320, 240, 22);
  g_assert_true (g_file_get_contents (q->picture, &bytes, &n_bytes, NULL));
  q->picture_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, n_bytes);

  q->told_id = veil_store_record_message_alert (store, q->profile, q->picture, "Downloads", verdict, NULL, TRUE, &error);
  g_assert_no_error (error);
  q->private_id = veil_store_record_message_alert (store, q->profile, other, "Downloads", verdict, NULL, FALSE, &error);
  g_assert_no_error (error);

  add_report (store, q, VEIL_REPORT_KIND_REPORT,
              "A person I met in a game sent this and asked me to send one back. I did not answer them.");
  add_report (store, q, VEIL_REPORT_KIND_HELP_REQUEST, NULL);
}

static GtkWidget *
show_queue (VeilAppFixture *fixture,
            Queue          *q)
{
  GtkWidget *queue = veil_review_queue_new (veil_test_app_get_context (fixture), q->profile);
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (fixture->window));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_window_set_child (GTK_WINDOW (window), queue);
  gtk_window_present (GTK_WINDOW (window));
  return queue;
}

/* The queue reads in the background: waits until its alerts and reports are those stored. */
static void
sync_queue (VeilContext *context,
            VeilProfile *profile)
{
  veil_test_sync_model (veil_context_get_alert_model (context, veil_profile_get_id (profile)));
  veil_test_sync_model (veil_context_get_report_model (context, veil_profile_get_id (profile)));
}

static gboolean
has_audit (VeilStore  *store,
           gint64      profile_id,
           const char *kind)
{
  g_autoptr(GPtrArray) entries = veil_store_list_audit (store, profile_id, 0, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    if (g_str_equal (((VeilAuditEntry *) entries->pdata[i])->kind, kind))
      return TRUE;
  return FALSE;
}

static void
test_queue (VeilAppFixture *fixture,
            gconstpointer   data)
{
  VeilContext *context = veil_test_app_get_context (fixture);
  VeilGuardian *guardian = veil_context_get_guardian (context);
  VeilStore *store = veil_context_get_store (context);
  g_auto(Queue) q = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *out = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_path = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  VeilReviewQueue *queue;
  JsonObject *image;
  guint report_index = G_MAXUINT, n_files = 0;

  fill (fixture, &q);
  queue = VEIL_REVIEW_QUEUE (show_queue (fixture, &q));

  /* Locked: nothing shows. */
  veil_guardian_lock (guardian);
  veil_review_queue_reload (queue);
  g_assert_cmpuint (veil_review_queue_get_n_shown (queue), ==, 0);
  g_assert_cmpuint (veil_review_queue_get_n_reports (queue), ==, 0);

  g_assert_true (veil_guardian_unlock (guardian, PIN, NULL, &error));
  g_assert_no_error (error);
  veil_review_queue_reload (queue);
  sync_queue (context, q.profile);

  /* The told message warning is in the grid, saying where it arrived; the private one is not. */
  g_assert_cmpuint (veil_review_queue_get_n_shown (queue), ==, 1);
  veil_test_collect_labels (GTK_WIDGET (queue), text);
  g_assert_nonnull (strstr (text->str, "Arrived in Downloads"));
  g_assert_nonnull (strstr (text->str, "sent.jpg"));
  g_assert_null (strstr (text->str, "private.jpg"));

  /* Both of the child's requests, with kind, source and the words shortened. */
  g_assert_cmpuint (veil_review_queue_get_n_reports (queue), ==, 2);
  g_assert_nonnull (strstr (text->str, "Help request"));
  g_assert_nonnull (strstr (text->str, "A person I met in a game"));
  g_assert_null (strstr (text->str, "I did not answer them."));
  g_assert_nonnull (strstr (text->str, "…”"));
  veil_test_screenshot_of (GTK_WIDGET (queue), "review-queue-reports");

  reports = veil_store_list_reports (store, veil_profile_get_id (q.profile), NULL);
  for (guint i = 0; i < reports->len; i++)
    if (veil_report_get_kind (((VeilReportEntry *) reports->pdata[i])->report) == VEIL_REPORT_KIND_REPORT)
      report_index = i;
  g_assert_cmpuint (report_index, <, 2);

  /* The whole report, with the legal warning. */
  g_assert_true (veil_review_queue_open_report (queue, report_index));
  g_string_truncate (text, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  veil_test_collect_labels (GTK_WIDGET (queue), text);
  g_assert_nonnull (strstr (text->str, q.picture_sha256));
  g_assert_nonnull (strstr (text->str, "I did not answer them."));
  g_assert_nonnull (strstr (text->str, "can be a crime"));

  /* Export writes a bundle without a single byte of the picture. */
  out = veil_test_make_tmpdir ();
  bundle = veil_review_queue_export_report (queue, out, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bundle);
  listing = g_dir_open (bundle, 0, NULL);
  for (const char *name; (name = g_dir_read_name (listing)) != NULL; n_files++)
    g_assert_true (g_str_equal (name, "report.json") || g_str_equal (name, "README.txt"));
  g_assert_cmpuint (n_files, ==, 2);
  json_path = g_build_filename (bundle, "report.json", NULL);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  image = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "image");
  g_assert_cmpstr (json_object_get_string_member (image, "sha256"), ==, q.picture_sha256);
  g_assert_false (json_object_get_boolean_member (image, "included"));
  g_assert_true (has_audit (store, veil_profile_get_id (q.profile), "report-exported"));
  g_string_truncate (text, 0);
  veil_test_collect_labels (GTK_WIDGET (queue), text);
  g_assert_nonnull (strstr (text->str, "does not contain the picture"));

  /* Delete removes it from the store and the list. */
  gtk_widget_activate_action (GTK_WIDGET (queue), "queue.delete-report", NULL);
  g_assert_cmpuint (veil_review_queue_get_n_reports (queue), ==, 1);
  g_clear_pointer (&reports, g_ptr_array_unref);
  reports = veil_store_list_reports (store, veil_profile_get_id (q.profile), NULL);
  g_assert_cmpuint (reports->len, ==, 1);
  g_assert_cmpint (veil_report_get_kind (((VeilReportEntry *) reports->pdata[0])->report), ==, VEIL_REPORT_KIND_HELP_REQUEST);

  veil_test_rm_rf (out);
  veil_guardian_lock (guardian);
  veil_test_destroy_window (gtk_widget_get_root (GTK_WIDGET (queue)));
}

/* A picture a library scan could not check is in the guardian's queue as "Not checked", with
 * no preview; its card gives the cause and offers no reveal or "wrong". */
static void
test_unchecked (VeilAppFixture *fixture,
                gconstpointer   data)
{
  VeilContext *context = veil_test_app_get_context (fixture);
  VeilGuardian *guardian = veil_context_get_guardian (context);
  VeilStore *store = veil_context_get_store (context);
  g_autoptr(VeilVerdict) verdict = veil_verdict_new_unchecked (VEIL_UNCHECKED_DAMAGED, "Premature end of JPEG file");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *damaged = NULL;
  g_auto(Queue) q = { 0 };
  VeilFileStamp stamp = { 1, 2, 3, 4 };
  VeilReviewQueue *queue;
  gboolean new_alert = FALSE;
  guint index = G_MAXUINT;

  fill (fixture, &q);
  damaged = g_build_filename (q.dir, "damaged.jpg", NULL);
  g_assert_true (veil_store_record_file (store, damaged, &stamp, "test", verdict, NULL, NULL, q.profile, NULL,
                                         &new_alert, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (new_alert);

  queue = VEIL_REVIEW_QUEUE (show_queue (fixture, &q));
  g_assert_true (veil_guardian_unlock (guardian, PIN, NULL, &error));
  g_assert_no_error (error);
  veil_review_queue_reload (queue);
  sync_queue (context, q.profile);

  /* Next to the told warning, shown to the guardian at once, as "Not checked". */
  g_assert_cmpuint (veil_review_queue_get_n_shown (queue), ==, 2);
  veil_test_collect_labels (GTK_WIDGET (queue), text);
  g_assert_nonnull (strstr (text->str, "damaged.jpg"));
  g_assert_nonnull (strstr (text->str, "Not checked"));
  veil_test_screenshot_of (GTK_WIDGET (queue), "review-queue-unchecked");

  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (veil_review_queue_open_alert (queue, i));
      g_string_truncate (text, 0);
      veil_test_collect_labels (GTK_WIDGET (queue), text);
      if (strstr (text->str, "damaged.jpg") != NULL)
        index = i;
      /* Back to the grid, as the header's Back does, before the next card. */
      g_assert_true (veil_review_queue_go_back (queue));
    }
  g_assert_cmpuint (index, <, 2);
  g_assert_true (veil_review_queue_open_alert (queue, index));
  g_string_truncate (text, 0);
  veil_test_collect_labels (GTK_WIDGET (queue), text);
  g_assert_nonnull (strstr (text->str, "Veil couldn’t check this picture because it is damaged"));
  {
    GtkWidget *card = veil_test_find_descendant (GTK_WIDGET (queue), VEIL_TYPE_ALERT_CARD, NULL);

    g_assert_nonnull (card);
    for (const char * const *action = (const char * const[]) { "card.reveal", "card.wrong", NULL }; *action != NULL; action++)
      {
        GtkWidget *button = veil_test_find_action_widget (card, *action, FALSE);

        g_assert_nonnull (button);
        g_assert_false (gtk_widget_is_sensitive (button));
      }
    g_assert_false (veil_alert_card_get_revealed (VEIL_ALERT_CARD (card)));
  }
  /* The told message warning: the child was told the guardian never sees its picture, so
   * its card offers no reveal at all. */
  g_assert_true (veil_review_queue_go_back (queue));
  g_assert_true (veil_review_queue_open_alert (queue, 1 - index));
  {
    GtkWidget *card = veil_test_find_descendant (GTK_WIDGET (queue), VEIL_TYPE_ALERT_CARD, NULL);
    GtkWidget *button = veil_test_find_action_widget (card, "card.reveal", FALSE);

    g_assert_nonnull (button);
    g_assert_false (gtk_widget_get_visible (button));
    g_assert_false (gtk_widget_activate_action (card, "card.reveal", NULL) && veil_test_find_dialog () != NULL);
    g_assert_false (veil_alert_card_get_revealed (VEIL_ALERT_CARD (card)));
    /* It says what happened in words first; the model's figures are folded away. */
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (veil_test_find_descendant (card, GTK_TYPE_LABEL, "sentence_label"))),
                     ==, "Veil’s picture checker found this picture may show nudity.");
    g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (veil_test_find_descendant (card, GTK_TYPE_EXPANDER, NULL))));
    g_assert_nonnull (veil_test_find_action_widget (card, "guardian.talking-help", FALSE));
  }

  /* Back (the header's, through the queue) closes the card; once more, nothing is left. */
  g_assert_true (veil_review_queue_go_back (queue));
  g_assert_null (veil_test_find_descendant (GTK_WIDGET (queue), VEIL_TYPE_ALERT_CARD, NULL));
  g_assert_false (veil_review_queue_go_back (queue));

  veil_guardian_lock (guardian);
  veil_test_destroy_window (gtk_widget_get_root (GTK_WIDGET (queue)));
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_ui (&argc, &argv);
  if (!veil_test_app_start (FALSE))
    return 1;

  VEIL_TEST_APP_ADD ("/veil/review-queue/reports", test_queue);
  VEIL_TEST_APP_ADD ("/veil/review-queue/unchecked", test_unchecked);

  return veil_test_app_run ();
}
