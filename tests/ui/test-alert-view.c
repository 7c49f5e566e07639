/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-utils.h"
#include "veil-test-alerts.h"

/* The child's alert view in the real application window under Xvfb, on a real store and
 * keyring, for message alerts recorded through VeilStore with real pictures: the blurred
 * picture, the words, the five choices and what each does (audit entries, the second
 * confirmation, the guardian PIN for younger children, help requests and reports in the store,
 * help links opened only on a click), and the stored thumbnail once the file is gone. The
 * dialogs are closed as people close them: with their buttons and with Escape. */

#define PIN VEIL_TEST_ALERTS_PIN

static void
test_shows_choices (VeilAppFixture *fixture,
                    gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  const char *actions[] = { "alert.dont-view", "alert.view", "alert.tell", "alert.report", "alert.get-help" };
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *picture;
  VeilAlertView *view;

  veil_test_alerts_record (fixture, teen, FALSE, 7, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  g_assert_cmpint (veil_alert_view_get_picture (view), ==, VEIL_ALERT_VIEW_PICTURE_FILE);

  /* Blurred, strongly, with a label for screen readers. */
  picture = veil_test_find_descendant (GTK_WIDGET (view), VEIL_TYPE_BLURRED_PICTURE, "picture");
  g_assert_nonnull (picture);
  g_assert_false (veil_blurred_picture_get_revealed (VEIL_BLURRED_PICTURE (picture)));
  g_assert_cmpfloat (veil_blurred_picture_get_blur_radius (VEIL_BLURRED_PICTURE (picture)), >=, 30.0);
  g_assert_nonnull (veil_blurred_picture_get_paintable (VEIL_BLURRED_PICTURE (picture)));
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_ROLE_IMG));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL));

  /* Kind words, the reason in one line, where it came from, who knows. */
  veil_test_collect_labels (GTK_WIDGET (view), text);
  g_assert_nonnull (strstr (text->str, "not your fault"));
  g_assert_nonnull (strstr (text->str, "You’re not alone"));
  g_assert_nonnull (strstr (text->str, "Veil’s picture checker thinks it may show nudity."));
  g_assert_nonnull (strstr (text->str, "Downloads"));
  g_assert_nonnull (strstr (text->str, "Nobody else sees this warning"));
  /* Plain words first: the figures wait behind "Why?". */
  g_assert_null (strstr (text->str, "%"));
  {
    GtkWidget *why = veil_test_find_descendant (GTK_WIDGET (view), GTK_TYPE_EXPANDER, "why_expander");
    g_autoptr(GString) opened = g_string_new (NULL);

    g_assert_true (gtk_widget_get_visible (why));
    g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (why)));
    gtk_expander_set_expanded (GTK_EXPANDER (why), TRUE);
    veil_test_collect_labels (GTK_WIDGET (view), opened);
    g_assert_nonnull (strstr (opened->str, "97% sure; it warns from 80%"));
    veil_test_app_screenshot (fixture, "alert-view-why");
    gtk_expander_set_expanded (GTK_EXPANDER (why), FALSE);
  }
  /* Help and a trusted adult come before the choices about the picture. */
  {
    graphene_point_t help_at, view_at;

    g_assert_true (gtk_widget_compute_point (veil_test_find_action_button (GTK_WIDGET (view), "alert.get-help"),
                                             GTK_WIDGET (view), &GRAPHENE_POINT_INIT (0, 0), &help_at));
    g_assert_true (gtk_widget_compute_point (veil_test_find_action_button (GTK_WIDGET (view), "alert.view"),
                                             GTK_WIDGET (view), &GRAPHENE_POINT_INIT (0, 0), &view_at));
    g_assert_cmpfloat (help_at.y, <, view_at.y);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = veil_test_find_action_button (GTK_WIDGET (view), actions[i]);

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_is_sensitive (button));
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
  /* "Don't view" is the default. */
  g_assert_true (gtk_widget_has_css_class (veil_test_find_action_button (GTK_WIDGET (view), "alert.dont-view"), "suggested-action"));
  veil_test_app_screenshot (fixture, "alert-view");

  /* "Don't view" leaves the page and says so in the audit log. */
  g_assert_false (veil_test_alerts_has_audit (fixture, veil_profile_get_id (teen), "warning-not-viewed"));
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  g_assert_null (veil_window_get_page (fixture->window, "alert"));
  g_assert_true (veil_test_alerts_has_audit (fixture, veil_profile_get_id (teen), "warning-not-viewed"));
  g_assert_false (veil_test_alerts_has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));
}

static void
done_cb (VeilAlertView *view,
         gboolean      *done)
{
  *done = TRUE;
}

static void
test_view_teen (VeilAppFixture *fixture,
                gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "16-17", "message-warnings", "on",
                                              "notify", "guardian", NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  VeilAlertView *view;
  gboolean done = FALSE;

  veil_test_alerts_record (fixture, teen, TRUE, 8, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  g_signal_connect (view, "done", G_CALLBACK (done_cb), &done);
  {
    g_autoptr(GString) text = g_string_new (NULL);
    veil_test_collect_labels (GTK_WIDGET (view), text);
    g_assert_nonnull (strstr (text->str, "Your guardian can see this warning"));
  }

  /* A second confirmation first; saying no keeps it blurred. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = veil_test_wait_for_dialog ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-confirm");
  veil_test_respond (dialog, "cancel");
  g_assert_false (veil_alert_view_get_revealed (view));
  g_assert_false (veil_test_alerts_has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));

  /* Escape on the second step is "don't view" too. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  veil_test_respond (veil_test_wait_for_dialog (), "next");
  dialog = g_object_ref (veil_test_wait_for_dialog ());
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (dialog), "Message Someone"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (veil_test_find_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_false (veil_alert_view_get_revealed (view));

  /* The second step offers someone to message before anything is shown. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  veil_test_respond (veil_test_wait_for_dialog (), "next");
  dialog = veil_test_wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "message");
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-message-someone");
  veil_test_respond (dialog, "message");
  dialog = veil_test_wait_for_dialog ();
  g_assert_true (VEIL_IS_TRUSTED_ADULTS_DIALOG (dialog));
  g_assert_false (veil_alert_view_get_revealed (view));
  veil_test_respond (dialog, "close");
  g_assert_false (veil_test_alerts_has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  veil_test_respond (veil_test_wait_for_dialog (), "next");
  veil_test_respond (veil_test_wait_for_dialog (), "view");
  g_assert_true (veil_alert_view_get_revealed (view));
  g_assert_true (veil_test_alerts_has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));
  veil_test_app_screenshot (fixture, "alert-view-revealed");

  /* Blurring again needs no question; leaving does not count as "not viewed". */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  g_assert_false (veil_alert_view_get_revealed (view));
  g_assert_null (veil_test_find_dialog ());
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_true (done);
}

static gboolean
pin_problem_shown (gpointer data)
{
  AdwMessageDialog *dialog = veil_test_find_dialog ();

  return dialog != NULL && strstr (adw_message_dialog_get_body (dialog), "not the guardian PIN") != NULL;
}

static gboolean
revealed (gpointer data)
{
  return veil_alert_view_get_revealed (data);
}

static void
test_view_young_pin (VeilAppFixture *fixture,
                     gconstpointer   data)
{
  g_autoptr(VeilProfile) young = veil_test_alerts_save_profile (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  g_auto(VeilTestAlerted) alerted = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  VeilAlertView *view;

  g_assert_true (veil_profile_get_view_needs_pin (young));
  veil_test_alerts_record (fixture, young, FALSE, 9, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);

  /* Simpler words for a younger child, and no numbers at all: no figures, no "Why?". */
  veil_test_collect_labels (GTK_WIDGET (view), text);
  g_assert_nonnull (strstr (text->str, "You did nothing wrong"));
  g_assert_nonnull (strstr (text->str, "You’re not alone"));
  for (const char *c = text->str; *c != '\0'; c++)
    g_assert_false (g_ascii_isdigit (*c) || *c == '%');
  g_assert_false (gtk_widget_get_visible (veil_test_find_descendant (GTK_WIDGET (view), GTK_TYPE_EXPANDER,
                                                                     "why_expander")));

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = veil_test_wait_for_dialog ();
  entry = veil_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  g_assert_nonnull (entry);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL));
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-pin");

  /* A wrong PIN keeps it blurred and asks again. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "111222");
  veil_test_respond (dialog, "unlock");
  veil_test_wait_until (pin_problem_shown, NULL);
  g_assert_false (veil_alert_view_get_revealed (view));
  g_assert_false (veil_test_alerts_has_audit (fixture, veil_profile_get_id (young), "warning-viewed"));

  /* The right PIN shows it, and leaves guardian settings locked. */
  dialog = veil_test_find_dialog ();
  entry = veil_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), PIN);
  veil_test_respond (dialog, "unlock");
  veil_test_wait_until (revealed, view);
  g_assert_false (veil_guardian_get_unlocked (guardian));
  g_assert_true (veil_test_alerts_has_audit (fixture, veil_profile_get_id (young), "warning-viewed"));
}

/* After the guardian dismisses a told warning, the child's view does not say it is private. */
static void
test_dismissed_told (VeilAppFixture *fixture,
                     gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Sam", "age-band", "13-15", "message-warnings", "on",
                                              "notify", "guardian", NULL);
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(VeilTestAlerted) alerted = { 0 };
  VeilAlertView *view;

  veil_test_alerts_record (fixture, teen, TRUE, 23, &alerted);
  g_assert_true (veil_store_dismiss_alert (store, alerted.alert_id, &error));
  g_assert_no_error (error);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  veil_test_collect_labels (GTK_WIDGET (view), text);
  g_assert_null (strstr (text->str, "Nobody else sees this warning"));
  g_assert_nonnull (strstr (text->str, "Your guardian saw this warning"));
}

/* Escape on the PIN dialog (what the key does: close the window) is "don't view": the dialog
 * and its PIN row are finalised, and the next change of the keyboard's state, which every key
 * press and click brings, reaches nothing that is gone; the buttons keep working. */
static void
test_pin_escape (VeilAppFixture *fixture,
                 gconstpointer   data)
{
  g_autoptr(VeilProfile) young = veil_test_alerts_save_profile (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  GdkSeat *seat = gdk_display_get_default_seat (gdk_display_get_default ());
  g_auto(VeilTestAlerted) alerted = { 0 };
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  GtkEditable *text;
  VeilAlertView *view;

  veil_test_alerts_record (fixture, young, FALSE, 17, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = g_object_ref (veil_test_wait_for_dialog ());
  g_assert_true (VEIL_IS_PIN_DIALOG (dialog));
  entry = veil_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  g_assert_true (gtk_widget_get_realized (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), "1");
  g_object_add_weak_pointer (G_OBJECT (entry), (gpointer *) &entry);
  /* GTK's event handling may hold the row's text a little longer than the row. */
  text = g_object_ref (gtk_editable_get_delegate (GTK_EDITABLE (entry)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (veil_test_find_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_null (entry);
  g_object_notify (G_OBJECT (text), "has-focus");
  g_object_notify (G_OBJECT (text), "visibility");
  g_object_notify (G_OBJECT (gdk_seat_get_keyboard (seat)), "caps-lock-state");
  g_assert_false (veil_alert_view_get_revealed (view));
  g_assert_false (veil_test_alerts_has_audit (fixture, veil_profile_get_id (young), "warning-viewed"));

  g_signal_emit_by_name (veil_test_find_action_button (GTK_WIDGET (view), "alert.view"), "clicked");
  dialog = veil_test_wait_for_dialog ();
  g_assert_true (VEIL_IS_PIN_DIALOG (dialog));
  g_object_notify (G_OBJECT (gdk_seat_get_keyboard (seat)), "caps-lock-state");
  veil_test_respond (dialog, "cancel");
  g_assert_null (veil_test_find_dialog ());
  g_signal_emit_by_name (veil_test_find_action_button (GTK_WIDGET (view), "alert.dont-view"), "clicked");
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  g_assert_finalize_object (text);
}

/* Leaving the warning while the PIN is asked for withdraws the question: the dialog closes and
 * is finalised with the view, and nothing is shown or logged as viewed. */
static void
test_pin_withdrawn (VeilAppFixture *fixture,
                    gconstpointer   data)
{
  g_autoptr(VeilProfile) young = veil_test_alerts_save_profile (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  AdwMessageDialog *dialog;
  VeilAlertView *view;

  veil_test_alerts_record (fixture, young, FALSE, 18, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &view);

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = g_object_ref (veil_test_wait_for_dialog ());
  g_assert_true (VEIL_IS_PIN_DIALOG (dialog));

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  g_assert_null (veil_test_find_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_null (view);
  g_assert_true (veil_test_alerts_has_audit (fixture, veil_profile_get_id (young), "warning-not-viewed"));
  g_assert_false (veil_test_alerts_has_audit (fixture, veil_profile_get_id (young), "warning-viewed"));
}

static gboolean
has_reports (gpointer data)
{
  void **args = data;
  g_autoptr(GPtrArray) reports = veil_store_list_reports (args[0], GPOINTER_TO_INT (args[1]), NULL);

  return reports != NULL && reports->len > 0;
}

static void
test_report (VeilAppFixture *fixture,
             gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_auto(VeilTestAlerted) alerted = { 0 };
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *bytes = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  gsize n_bytes = 0;
  AdwMessageDialog *dialog;
  GtkWidget *words;
  JsonObject *root;
  VeilReport *report;
  VeilAlertView *view;
  void *args[2];

  veil_test_alerts_record (fixture, teen, FALSE, 11, &alerted);
  g_assert_true (g_file_get_contents (alerted.picture, &bytes, &n_bytes, NULL));
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, n_bytes);
  view = veil_test_alerts_open (fixture, alerted.alert_id);

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.report", NULL);
  dialog = veil_test_wait_for_dialog ();
  text = veil_test_dialog_text (dialog);
  /* Nothing leaves the computer, and forwarding is warned against. */
  g_assert_nonnull (strstr (text, "Nothing is sent anywhere"));
  g_assert_nonnull (strstr (text, "against the law"));
  words = veil_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW, NULL);
  g_assert_nonnull (words);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (words), GTK_ACCESSIBLE_PROPERTY_LABEL));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (words)), "Someone I don't know sent this.", -1);
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-report");
  veil_test_respond (dialog, "report");

  args[0] = store;
  args[1] = GINT_TO_POINTER ((int) veil_profile_get_id (teen));
  veil_test_wait_until (has_reports, args);
  reports = veil_store_list_reports (store, veil_profile_get_id (teen), NULL);
  g_assert_cmpuint (reports->len, ==, 1);
  report = ((VeilReportEntry *) reports->pdata[0])->report;
  g_assert_cmpint (veil_report_get_kind (report), ==, VEIL_REPORT_KIND_REPORT);

  /* The report has the picture's fingerprint and the child's words, never its pixels. */
  json = veil_report_to_json (report);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "image"), "sha256"), ==, sha256);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "image"), "file"), ==,
                   strrchr (alerted.picture, '/') + 1);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (root, "image"), "included"));
  g_assert_cmpstr (json_object_get_string_member (root, "words"), ==, "Someone I don't know sent this.");
  g_assert_cmpuint (strlen (json), <, n_bytes / 2);
  {
    g_autofree char *base64_head = g_base64_encode ((const guchar *) bytes, 48);
    base64_head[32] = '\0';
    g_assert_null (strstr (json, base64_head));
  }

  /* The picture was read in place, never changed or copied next to it. */
  {
    g_autofree char *again = NULL;
    g_autoptr(GDir) listing = g_dir_open (alerted.dir, 0, NULL);
    gsize n_again = 0;
    guint n = 0;

    g_assert_true (g_file_get_contents (alerted.picture, &again, &n_again, NULL));
    after = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) again, n_again);
    while (g_dir_read_name (listing) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
  g_assert_cmpstr (after, ==, sha256);
}

static void
test_file_gone (VeilAppFixture *fixture,
                gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *picture;
  VeilAlertView *view;

  veil_test_alerts_record (fixture, teen, FALSE, 13, &alerted);
  g_assert_cmpint (g_unlink (alerted.picture), ==, 0);
  view = veil_test_alerts_open (fixture, alerted.alert_id);

  g_assert_cmpint (veil_alert_view_get_picture (view), ==, VEIL_ALERT_VIEW_PICTURE_THUMBNAIL);
  picture = veil_test_find_descendant (GTK_WIDGET (view), VEIL_TYPE_BLURRED_PICTURE, "picture");
  /* The stored 64x48 thumbnail, still under the blur; nothing left to view. */
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (veil_blurred_picture_get_paintable (VEIL_BLURRED_PICTURE (picture))), ==, 64);
  g_assert_false (veil_blurred_picture_get_revealed (VEIL_BLURRED_PICTURE (picture)));
  g_assert_false (gtk_widget_is_sensitive (veil_test_find_action_button (GTK_WIDGET (view), "alert.view")));
  g_assert_true (gtk_widget_is_sensitive (veil_test_find_action_button (GTK_WIDGET (view), "alert.report")));
  veil_test_collect_labels (GTK_WIDGET (view), text);
  g_assert_nonnull (strstr (text->str, "no longer there"));
}

/* The first row of the "Warned pictures" group that opens a warning. */
static GtkWidget *
find_warned_row (GtkWidget *group)
{
  for (GtkWidget *w = veil_test_find_descendant (group, ADW_TYPE_ACTION_ROW, NULL); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)) != NULL)
      return w;
  return NULL;
}

/* The child's own "Warned pictures" list on the transparency page: time and folder, newest
 * first, each row reopening its warning. */
static void
test_transparency_list (VeilAppFixture *fixture,
                        gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  g_auto(VeilTestAlerted) first = { 0 };
  g_auto(VeilTestAlerted) second = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *page, *group, *row = NULL;

  veil_test_alerts_record (fixture, teen, FALSE, 14, &first);
  veil_test_alerts_record (fixture, teen, FALSE, 15, &second);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-transparency", NULL);
  page = veil_window_get_page (fixture->window, "transparency");
  /* The list is read in the background. */
  veil_test_sync_model (veil_context_get_alert_model (veil_test_app_get_context (fixture), veil_profile_get_id (teen)));
  group = veil_test_find_descendant (page, ADW_TYPE_PREFERENCES_GROUP, "warned_group");
  g_assert_true (gtk_widget_get_visible (group));
  veil_test_collect_labels (group, text);
  g_assert_nonnull (strstr (text->str, "In Downloads"));
  g_assert_null (strstr (text->str, "photo-"));
  /* No line of the page starts with a space (a one-digit day padded by %e). */
  {
    g_autoptr(GString) all = g_string_new ("\n");

    veil_test_collect_labels (page, all);
    g_assert_null (strstr (all->str, "\n "));
  }

  /* Newest first. */
  row = find_warned_row (group);
  g_assert_nonnull (row);
  g_assert_cmpint (g_variant_get_int64 (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row))), ==, second.alert_id);
  veil_test_app_screenshot (fixture, "transparency-warned");
  /* Drawing the window runs the main loop, in which the page may refill its rows. */
  row = find_warned_row (group);
  g_assert_cmpint (g_variant_get_int64 (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row))), ==, second.alert_id);
  g_signal_emit_by_name (row, "activate");
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "alert");
  g_assert_cmpint (veil_alert_view_get_alert_id (veil_test_alerts_get_view (fixture)), ==, second.alert_id);
  veil_test_wait_until (veil_test_alerts_picture_loaded, veil_test_alerts_get_view (fixture));

  /* Done goes back where the child came from. */
  gtk_widget_activate_action (GTK_WIDGET (veil_test_alerts_get_view (fixture)), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "transparency");
}

/* A picture Veil could not check arrives: its alert has no thumbnail, as the guard records it. */
static void
record_unchecked_alert (VeilAppFixture *fixture,
                        VeilProfile    *profile,
                        VeilTestAlerted        *out)
{
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(VeilVerdict) verdict = veil_verdict_new_unchecked (VEIL_UNCHECKED_TOO_LARGE, "The picture has too many pixels.");
  g_autoptr(GError) error = NULL;

  out->dir = veil_test_make_tmpdir ();
  out->picture = veil_test_write_picture (out->dir, "huge.png", 640, 480, 21);
  out->alert_id = veil_store_record_message_alert (store, profile, out->picture, "Downloads", verdict,
                                                   NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->alert_id, >, 0);
}

/* Under the "blur" rule the child sees that Veil couldn't check the picture, why, and the same
 * choices; a neutral placeholder stands where the picture would be, and the picture is never
 * decoded. Viewing it opens it in the child's usual viewer, after the second confirmation. A
 * report is not offered: it would tell a helpline what Veil found, and it found nothing. */
static void
test_unchecked (VeilAppFixture *fixture,
                gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on",
                                              "unchecked", "blur", "trusted-adult", "Aunt Sam:555-0100", NULL);
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  g_auto(VeilTestAlerted) alerted = { 0 };
  const char *actions[] = { "alert.dont-view", "alert.view", "alert.tell", "alert.get-help" };
  GtkWidget *picture, *placeholder;
  VeilAlertView *view;

  record_unchecked_alert (fixture, teen, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  g_signal_connect (view, "open-link", G_CALLBACK (veil_test_alerts_open_link_cb), opened);
  g_assert_cmpint (veil_alert_view_get_picture (view), ==, VEIL_ALERT_VIEW_PICTURE_PLACEHOLDER);

  /* Never the picture: no paintable at all, and a placeholder that says why. */
  picture = veil_test_find_descendant (GTK_WIDGET (view), VEIL_TYPE_BLURRED_PICTURE, "picture");
  g_assert_null (veil_blurred_picture_get_paintable (VEIL_BLURRED_PICTURE (picture)));
  g_assert_false (gtk_widget_get_visible (picture));
  placeholder = veil_test_find_descendant (GTK_WIDGET (view), GTK_TYPE_IMAGE, "placeholder");
  g_assert_nonnull (placeholder);
  g_assert_true (gtk_widget_get_visible (placeholder));
  g_assert_null (gtk_image_get_paintable (GTK_IMAGE (placeholder)));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (placeholder), GTK_ACCESSIBLE_PROPERTY_LABEL));

  /* The promise in words: what happened and why, kindly. */
  veil_test_collect_labels (GTK_WIDGET (view), text);
  g_assert_nonnull (strstr (text->str, "Veil Couldn’t Check This Picture"));
  g_assert_nonnull (strstr (text->str, "Veil couldn’t check this picture because it is too large."));
  g_assert_nonnull (strstr (text->str, "not your fault"));
  g_assert_nonnull (strstr (text->str, "Downloads"));
  g_assert_null (strstr (text->str, "nudity"));
  veil_test_app_screenshot (fixture, "alert-view-unchecked");

  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = veil_test_find_action_button (GTK_WIDGET (view), actions[i]);

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_is_sensitive (button));
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
  g_assert_false (gtk_widget_get_visible (veil_test_find_action_button (GTK_WIDGET (view), "alert.report")));
  g_assert_false (gtk_widget_is_sensitive (veil_test_find_action_button (GTK_WIDGET (view), "alert.report")));

  /* Tell a trusted adult works as for any warning. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.tell", NULL);
  {
    AdwMessageDialog *dialog = veil_test_wait_for_dialog ();
    g_autofree char *dialog_words = veil_test_dialog_text (dialog);

    g_assert_nonnull (strstr (dialog_words, "Aunt Sam"));
    veil_test_respond (dialog, "close");
  }

  /* View anyway: the second confirmation, then the file in the usual viewer, logged first. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  veil_test_respond (veil_test_wait_for_dialog (), "cancel");
  g_assert_cmpuint (opened->len, ==, 0);
  g_assert_false (veil_test_alerts_has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  veil_test_respond (veil_test_wait_for_dialog (), "next");
  veil_test_respond (veil_test_wait_for_dialog (), "view");
  file = g_file_new_for_path (alerted.picture);
  uri = g_file_get_uri (file);
  g_assert_cmpuint (opened->len, ==, 1);
  g_assert_cmpstr (opened->pdata[0], ==, uri);
  g_assert_true (veil_test_alerts_has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));
  /* Still not decoded by Veil. */
  g_assert_null (veil_blurred_picture_get_paintable (VEIL_BLURRED_PICTURE (picture)));

  /* Don't view leaves, as for any warning. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
}

/* Under the "allow" rule (the default from 13) the picture was not covered: it is listed on
 * the transparency page as not checked, and its view says it was not covered. */
static void
test_unchecked_allowed (VeilAppFixture *fixture,
                        gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "16-17", "message-warnings", "on", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) view_text = g_string_new (NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  GtkWidget *page, *group, *row;
  VeilAlertView *view;

  g_assert_cmpint (veil_profile_get_effective_unchecked_rule (teen), ==, VEIL_UNCHECKED_RULE_ALLOW);
  record_unchecked_alert (fixture, teen, &alerted);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-transparency", NULL);
  page = veil_window_get_page (fixture->window, "transparency");
  veil_test_sync_model (veil_context_get_alert_model (veil_test_app_get_context (fixture), veil_profile_get_id (teen)));
  group = veil_test_find_descendant (page, ADW_TYPE_PREFERENCES_GROUP, "warned_group");
  g_assert_true (gtk_widget_get_visible (group));
  veil_test_collect_labels (group, text);
  g_assert_nonnull (strstr (text->str, "Not checked, in Downloads"));
  g_assert_null (strstr (text->str, "huge.png"));

  row = find_warned_row (group);
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activate");
  view = veil_test_alerts_get_view (fixture);
  veil_test_wait_until (veil_test_alerts_picture_loaded, view);
  g_assert_cmpint (veil_alert_view_get_picture (view), ==, VEIL_ALERT_VIEW_PICTURE_PLACEHOLDER);
  veil_test_collect_labels (GTK_WIDGET (view), view_text);
  g_assert_nonnull (strstr (view_text->str, "Veil couldn’t check this picture because it is too large."));
  g_assert_nonnull (strstr (view_text->str, "didn’t cover it"));
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "transparency");
}

/* Narrow and dark: everything fits 360 px. */
static void
test_narrow_dark (VeilAppFixture *fixture,
                  gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_auto(VeilTestAlerted) alerted = { 0 };
  VeilAlertView *view;
  int min_width = 0;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  veil_test_alerts_record (fixture, teen, FALSE, 16, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_app_screenshot (fixture, "alert-view-narrow-dark");
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.report", NULL);
  veil_test_screenshot_window (GTK_WIDGET (veil_test_wait_for_dialog ()), "alert-view-report-dark");
  veil_test_respond (veil_test_find_dialog (), "cancel");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* A checker 99.6% sure never reads as certain: the figure is rounded down. */
static void
test_figures (void)
{
  g_autofree char *almost = veil_alert_view_describe_figures (0.996, 0.7);
  g_autofree char *exact = veil_alert_view_describe_figures (0.7, 0.7);
  g_autofree char *sure = veil_alert_view_describe_figures (1.0, 0.8);

  g_assert_nonnull (strstr (almost, "99% sure; it warns from 70%"));
  g_assert_nonnull (strstr (exact, "70% sure; it warns from 70%"));
  g_assert_nonnull (strstr (sure, "100% sure"));
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_ui (&argc, &argv);
  if (!veil_test_app_start (TRUE))
    return 1;

#define ADD VEIL_TEST_APP_ADD
  ADD ("/veil/alert-view/shows-choices", test_shows_choices);
  ADD ("/veil/alert-view/view-teen", test_view_teen);
  ADD ("/veil/alert-view/view-young-pin", test_view_young_pin);
  ADD ("/veil/alert-view/pin-escape", test_pin_escape);
  ADD ("/veil/alert-view/dismissed-told", test_dismissed_told);
  ADD ("/veil/alert-view/pin-withdrawn", test_pin_withdrawn);
  ADD ("/veil/alert-view/report", test_report);
  ADD ("/veil/alert-view/file-gone", test_file_gone);
  ADD ("/veil/alert-view/transparency-list", test_transparency_list);
  ADD ("/veil/alert-view/narrow-dark", test_narrow_dark);
  ADD ("/veil/alert-view/unchecked", test_unchecked);
  ADD ("/veil/alert-view/unchecked-allowed", test_unchecked_allowed);
#undef ADD
  g_test_add_func ("/veil/alert-view/figures", test_figures);

  return veil_test_app_run ();
}
