/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-alert-card.h"
#include "veil-review-queue.h"
#include "veil-scan-page.h"
#include "veil-test-keyring.h"
#include "veil-test-app.h"
#include "veil-test-alerts.h"
#include "veil-test-utils.h"

/* The scan page, the review queue and the alert card under Xvfb, on a real store, a real
 * keyring (for the PIN) and generated pictures, one of them on an imported hash list: a
 * guardian scans from the page, finds the alert behind the PIN and acts on it. */

#define PIN "582914"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

typedef struct {
  char          *dir;
  char          *library;
  VeilContext   *context;
  VeilStore     *store;
  VeilProfile   *profile;
  GtkWidget     *window;
} PageFixture;

static VeilProfile *
save_profile (PageFixture *fixture,
              const char  *name,
              guint        threshold)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);
  const char *folders[] = { fixture->library, NULL };

  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE);
  veil_profile_builder_set_match_threshold (b, threshold);
  return veil_test_save_profile (veil_context_get_store (fixture->context), b, TRUE);
}

static void
fixture_setup (PageFixture   *fixture,
               gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autofree char *listed = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Family list");
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(GError) error = NULL;
  VeilImageLimits limits;

  fixture->dir = veil_test_make_tmpdir ();
  fixture->library = g_build_filename (fixture->dir, "Pictures", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->library, 0700), ==, 0);
  db = g_build_filename (fixture->dir, "veil.db", NULL);

  fixture->context = veil_test_load_context (db);
  fixture->store = g_object_ref (veil_context_get_store (fixture->context));
  fixture->profile = save_profile (fixture, "Sam", 1);

  listed = veil_test_write_picture (fixture->library, "listed.png", 320, 240, 1);
  g_free (veil_test_write_picture (fixture->library, "other.png", 320, 240, 2));
  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (listed, VEIL_PDQ_MODE_FAST, FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), "entry-1");
  veil_store_import_hash_list (fixture->store, 0, list, "tests", &error);
  g_assert_no_error (error);

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 600, 700);
}

static void
fixture_teardown (PageFixture   *fixture,
                  gconstpointer  data)
{
  veil_test_destroy_window (fixture->window);
  g_clear_pointer (&fixture->profile, veil_profile_unref);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->context);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->library);
}

static void
finished_cb (VeilScanPage *page,
             gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
scan_from_page (PageFixture *fixture,
                VeilProfile *profile)
{
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autoptr(VeilAnalyzer) used = NULL;
  GtkWidget *page;
  gboolean finished = FALSE;

  /* As the application does: the page scans with the context's analyzer (one model). */
  veil_context_set_analyzer (fixture->context, analyzer);
  page = veil_scan_page_new (fixture->context, profile);

  veil_test_replace_child (fixture->window, page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_signal_connect (page, "finished", G_CALLBACK (finished_cb), &finished);
  g_assert_true (gtk_widget_activate_action (page, "scan.start", NULL));
  g_assert_true (veil_scan_page_get_running (VEIL_SCAN_PAGE (page)));
  veil_test_wait_for (&finished, 60);
  g_assert_false (veil_scan_page_get_running (VEIL_SCAN_PAGE (page)));
  g_object_get (page, "analyzer", &used, NULL);
  g_assert_true (used == analyzer);
}

/* The queue reads in the background: waits until its alerts and reports are those stored. */
static void
sync_queue (VeilContext *context,
            VeilProfile *profile)
{
  veil_test_sync_model (veil_context_get_alert_model (context, veil_profile_get_id (profile)));
  veil_test_sync_model (veil_context_get_report_model (context, veil_profile_get_id (profile)));
}

static VeilAlertCard *
find_card (GtkWidget *widget)
{
  if (VEIL_IS_ALERT_CARD (widget))
    return VEIL_ALERT_CARD (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      VeilAlertCard *card = find_card (child);
      if (card != NULL)
        return card;
    }
  return NULL;
}

static gboolean
label_contains (GtkWidget  *widget,
                const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (label_contains (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
has_audit (PageFixture *fixture,
           const char  *kind)
{
  g_autoptr(GPtrArray) audit = veil_store_list_audit (veil_context_get_store (fixture->context),
                                                      veil_profile_get_id (fixture->profile), 0, NULL);

  for (guint i = 0; audit != NULL && i < audit->len; i++)
    if (g_str_equal (((VeilAuditEntry *) g_ptr_array_index (audit, i))->kind, kind))
      return TRUE;
  return FALSE;
}

static void
test_scan_and_review (PageFixture   *fixture,
                      gconstpointer  data)
{
  VeilGuardian *guardian = veil_context_get_guardian (fixture->context);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  GtkWidget *queue;
  VeilAlertCard *card;
  AdwMessageDialog *dialog;
  gboolean revealed_logged = FALSE;

  scan_from_page (fixture, fixture->profile);
  /* The last check's summary, in counts. */
  g_assert_true (label_contains (fixture->window, "2 pictures checked"));
  g_assert_true (label_contains (fixture->window, "1 matched a list"));
  /* When it ran, and when the background service checks next: a day later. */
  g_assert_true (label_contains (fixture->window, "Last check: "));
  g_assert_true (label_contains (fixture->window, ", once the computer is not in use."));

  /* Behind the PIN. */
  queue = veil_review_queue_new (fixture->context, fixture->profile);
  veil_test_replace_child (fixture->window, queue);
  g_assert_cmpuint (veil_review_queue_get_n_shown (VEIL_REVIEW_QUEUE (queue)), ==, 0);
  g_assert_true (label_contains (queue, "Unlock the guardian area"));

  veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error);
  g_assert_no_error (error);
  veil_guardian_unlock (guardian, PIN, NULL, &error);
  g_assert_no_error (error);
  sync_queue (fixture->context, fixture->profile);
  g_assert_cmpuint (veil_review_queue_get_n_shown (VEIL_REVIEW_QUEUE (queue)), ==, 1);

  /* The card explains with the exact figures and the location. */
  g_assert_true (veil_review_queue_open_alert (VEIL_REVIEW_QUEUE (queue), 0));
  card = find_card (queue);
  g_assert_nonnull (card);
  g_assert_true (label_contains (GTK_WIDGET (card), "This picture matched a known-image list you imported."));
  g_assert_true (label_contains (GTK_WIDGET (card), "listed.png"));
  /* The plain sentence leads; the figures wait, folded, under the details. */
  {
    GtkWidget *expander = veil_test_find_descendant (GTK_WIDGET (card), GTK_TYPE_EXPANDER, "details_expander");

    g_assert_nonnull (expander);
    g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (expander)));
    g_assert_false (label_contains (GTK_WIDGET (card), "distance 0"));
    gtk_expander_set_expanded (GTK_EXPANDER (expander), TRUE);
    g_assert_true (label_contains (expander, "distance 0 (match up to 31)"));
  }
  g_assert_true (gtk_widget_get_visible (veil_test_find_descendant (GTK_WIDGET (card), GTK_TYPE_BUTTON, "reveal_button")));
  veil_test_screenshot_of (GTK_WIDGET (card), "guardian-alert-card-library");

  /* Revealing asks first; Escape is "no": nothing shows and nothing is logged. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.reveal", NULL));
  dialog = g_object_ref (veil_test_find_dialog ());
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (veil_test_find_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_false (veil_alert_card_get_revealed (card));
  g_assert_false (has_audit (fixture, "alert-revealed"));

  /* Confirmed, it is logged before anything shows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.reveal", NULL));
  dialog = g_object_ref (veil_test_find_dialog ());
  adw_message_dialog_response (dialog, "reveal");
  gtk_window_destroy (GTK_WINDOW (dialog));
  veil_test_assert_finalized (dialog);
  while (!veil_alert_card_get_revealed (card))
    g_main_context_iteration (NULL, TRUE);
  audit = veil_store_list_audit (veil_context_get_store (fixture->context), veil_profile_get_id (fixture->profile), 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    if (g_str_equal (((VeilAuditEntry *) g_ptr_array_index (audit, i))->kind, "alert-revealed"))
      revealed_logged = TRUE;
  g_assert_true (revealed_logged);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.dismiss", NULL));
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, veil_profile_get_id (fixture->profile),
                                                      VEIL_ALERT_STATE_DISMISSED), ==, 1);
  /* The toast's Undo puts it back as it was, and is logged for the child's page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.undo-dismiss", NULL));
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, veil_profile_get_id (fixture->profile),
                                                      VEIL_ALERT_STATE_DISMISSED), ==, 0);
  g_assert_true (has_audit (fixture, "alert-dismiss-undone"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.dismiss", NULL));
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, veil_profile_get_id (fixture->profile),
                                                      VEIL_ALERT_STATE_DISMISSED), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.wrong", NULL));
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, veil_profile_get_id (fixture->profile),
                                                      VEIL_ALERT_STATE_WRONG), ==, 1);
  veil_guardian_lock (guardian);
}

/* Below the threshold the guardian sees a count, not the alert. */
static void
test_held (PageFixture   *fixture,
           gconstpointer  data)
{
  g_autoptr(VeilProfile) kim = save_profile (fixture, "Kim", 3);
  VeilGuardian *guardian = veil_context_get_guardian (fixture->context);
  g_autoptr(GError) error = NULL;
  GtkWidget *queue;

  scan_from_page (fixture, kim);
  veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error);
  g_assert_no_error (error);
  veil_guardian_unlock (guardian, PIN, NULL, &error);
  g_assert_no_error (error);

  queue = veil_review_queue_new (fixture->context, kim);
  veil_test_replace_child (fixture->window, queue);
  sync_queue (fixture->context, kim);
  g_assert_cmpuint (veil_review_queue_get_n_shown (VEIL_REVIEW_QUEUE (queue)), ==, 0);
  g_assert_true (label_contains (queue, "1 alert is held until 3 distinct matches are found."));
  g_assert_false (veil_review_queue_open_alert (VEIL_REVIEW_QUEUE (queue), 0));
  veil_guardian_lock (guardian);
}

static gboolean
has_alerts (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

/* The context's list of alerts, which the Alerts tab shows, has a check's new alert without
 * being asked; and a folder can be taken out of the check. */
static void
test_folders (PageFixture   *fixture,
                     gconstpointer  data)
{
  GListModel *alerts = veil_context_get_alert_model (fixture->context, veil_profile_get_id (fixture->profile));
  VeilGuardian *guardian = veil_context_get_guardian (fixture->context);
  g_autoptr(VeilProfile) after = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page;
  GtkWidget *add;

  veil_test_sync_model (alerts);
  g_assert_cmpuint (g_list_model_get_n_items (alerts), ==, 0);
  scan_from_page (fixture, fixture->profile);
  veil_test_wait_until (has_alerts, alerts);

  page = gtk_window_get_child (GTK_WINDOW (fixture->window));
  /* The icon-only "Add a Folder" button has a name for screen readers. */
  add = veil_test_find_action_widget (page, "scan.add-folder", FALSE);
  g_assert_nonnull (add);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL));

  /* Removing a folder needs the PIN, then takes it out of the profile. */
  veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error);
  g_assert_no_error (error);
  veil_guardian_unlock (guardian, PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (veil_test_find_action_widget (page, "scan.remove-folder", FALSE));
  g_assert_true (gtk_widget_activate_action (page, "scan.remove-folder", "s", fixture->library));
  after = veil_store_lookup_profile (fixture->store, "Sam", NULL);
  g_assert_cmpuint (g_strv_length ((char **) veil_profile_get_folders (after)), ==, 0);
  veil_guardian_lock (guardian);
}

/* Folders read as people name them. */
static void
test_display_path (void)
{
  g_autofree char *downloads = g_build_filename (g_get_home_dir (), "Downloads", NULL);
  g_autofree char *shown = veil_ui_display_path (downloads);
  g_autofree char *other = veil_ui_display_path ("/srv/photos");
  g_autofree char *sibling_path = g_strconcat (g_get_home_dir (), "x/Pictures", NULL);
  g_autofree char *sibling = veil_ui_display_path (sibling_path);

  g_assert_cmpstr (shown, ==, "~/Downloads");
  g_assert_cmpstr (other, ==, "/srv/photos");
  g_assert_cmpstr (sibling, ==, sibling_path);
}

/* The data suite builds every template class with no properties: so can the tests. */
static void
test_no_properties (void)
{
  GType types[] = { VEIL_TYPE_SCAN_PAGE, VEIL_TYPE_REVIEW_QUEUE, VEIL_TYPE_ALERT_CARD };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWidget *w = veil_test_own_widget (g_object_new (types[i], NULL));
      g_assert_finalize_object (w);
    }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  veil_test_init_ui (&argc, &argv);
  /* GTK's test accessibility backend keeps what screen readers would be told. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  veil_test_keyring_start ();
  adw_init ();
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips failed to start");

  g_test_add_func ("/veil/scan-page/no-properties", test_no_properties);
  g_test_add ("/veil/scan-page/scan-and-review", PageFixture, NULL, fixture_setup, test_scan_and_review, fixture_teardown);
  g_test_add ("/veil/scan-page/held", PageFixture, NULL, fixture_setup, test_held, fixture_teardown);
  g_test_add ("/veil/scan-page/folders", PageFixture, NULL, fixture_setup, test_folders, fixture_teardown);
  g_test_add_func ("/veil/scan-page/display-path", test_display_path);

  ret = g_test_run ();
  veil_test_keyring_stop ();
  return ret;
}
