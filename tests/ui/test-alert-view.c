/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

/* The child's alert view in the real application window under Xvfb, on a real store and
 * keyring, for message alerts recorded through VeilStore with real pictures: the blurred
 * picture, the words, the five choices and what each does (audit entries, the second
 * confirmation, the guardian PIN for younger children, help requests and reports in the store,
 * help links opened only on a click), and the stored thumbnail once the file is gone. The
 * dialogs are closed as people close them: with their buttons and with Escape. */

#define PIN "482916"

typedef struct {
  char   *dir;           /* where the pictures arrive */
  char   *picture;       /* the warned picture */
  gint64  alert_id;
} Alerted;

static void
alerted_clear (Alerted *a)
{
  if (a->dir != NULL)
    veil_test_rm_rf (a->dir);
  g_clear_pointer (&a->dir, g_free);
  g_clear_pointer (&a->picture, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Alerted, alerted_clear)

static VeilProfile *
save_profile (VeilAppFixture *fixture,
              const char     *name,
              ...)
{
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);
  g_autoptr(VeilProfile) p = NULL;
  g_autoptr(GError) error = NULL;
  VeilProfile *saved;
  va_list ap;

  if (!veil_guardian_get_unlocked (guardian))
    {
      gboolean has_pin = FALSE;

      g_assert_true (veil_guardian_has_pin (guardian, &has_pin, NULL, &error));
      if (!has_pin)
        g_assert_true (veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error));
      else
        g_assert_true (veil_guardian_unlock (guardian, PIN, NULL, &error));
      g_assert_no_error (error);
    }

  veil_profile_builder_set_unix_user (b, g_get_user_name ());
  va_start (ap, name);
  for (const char *key = va_arg (ap, const char *); key != NULL; key = va_arg (ap, const char *))
    g_assert_true (veil_profile_builder_set_from_string (b, key, va_arg (ap, const char *), NULL));
  va_end (ap);
  p = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_guardian_save_profile (guardian, p, &error);
  g_assert_no_error (error);
  veil_guardian_lock (guardian);
  return saved;
}

static VeilVerdict *
make_verdict (void)
{
  g_autoptr(VeilVerdictBuilder) b = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_classifier ("porn", 0.97, 0.8, "nsfwjs-mobilenet-v2", "4.4.0",
                                                             "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                                             NULL, 0, 0);

  veil_verdict_builder_add_reason (b, reason);
  return veil_verdict_builder_build (b);
}

/* A picture arrives in a Downloads folder and A's message guard API records its alert. */
static void
record_alert (VeilAppFixture *fixture,
              VeilProfile    *profile,
              gboolean        tell_guardian,
              guint32         seed,
              Alerted        *out)
{
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(VeilVerdict) verdict = make_verdict ();
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thumb_dir = veil_test_make_tmpdir ();
  g_autofree char *thumb_path = NULL;
  g_autofree char *name = g_strdup_printf ("photo-%u.jpg", seed);
  char *thumb_data = NULL;
  gsize thumb_len = 0;

  out->dir = veil_test_make_tmpdir ();
  out->picture = veil_test_write_picture (out->dir, name, 640, 480, seed);
  /* A small PNG stands in for the blurred thumbnail the guard stores. */
  thumb_path = veil_test_write_picture (thumb_dir, "thumb.png", 64, 48, seed + 100);
  g_assert_true (g_file_get_contents (thumb_path, &thumb_data, &thumb_len, NULL));
  thumbnail = g_bytes_new_take (thumb_data, thumb_len);
  veil_test_rm_rf (thumb_dir);

  out->alert_id = veil_store_record_message_alert (store, profile, out->picture, "Downloads", verdict,
                                                   thumbnail, tell_guardian, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->alert_id, >, 0);
}

static VeilAlertView *
get_view (VeilAppFixture *fixture)
{
  GtkWidget *page = veil_window_get_page (fixture->window, "alert");

  g_assert_true (VEIL_IS_ALERT_VIEW (page));
  return VEIL_ALERT_VIEW (page);
}

static gboolean
picture_loaded (gpointer data)
{
  return veil_alert_view_get_picture (data) != VEIL_ALERT_VIEW_PICTURE_NONE;
}

static VeilAlertView *
open_alert (VeilAppFixture *fixture,
            gint64          alert_id)
{
  VeilAlertView *view;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-alert", "x", alert_id);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "alert");
  view = get_view (fixture);
  g_assert_cmpint (veil_alert_view_get_alert_id (view), ==, alert_id);
  veil_test_wait_until (picture_loaded, view);
  return view;
}

static gboolean
has_audit (VeilAppFixture *fixture,
           gint64          profile_id,
           const char     *kind)
{
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(GPtrArray) entries = veil_store_list_audit (store, profile_id, 0, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      VeilAuditEntry *e = entries->pdata[i];
      if (g_str_equal (e->kind, kind))
        {
          g_assert_cmpstr (e->actor, ==, VEIL_ACTOR_CHILD);
          return TRUE;
        }
    }
  return FALSE;
}

static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_action_button (c, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_buttons (GtkWidget *root,
                 GPtrArray *out)
{
  const char *action = GTK_IS_BUTTON (root) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (root)) : NULL;

  if (g_strcmp0 (action, "help-list.open") == 0 || g_strcmp0 (action, "help-page.open") == 0)
    g_ptr_array_add (out, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_buttons (c, out);
}

/* The message dialog open now, if any. */
static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static AdwMessageDialog *
wait_for_dialog (void)
{
  veil_test_wait_until (dialog_shown, NULL);
  return find_dialog ();
}

static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  veil_test_assert_finalized (dialog);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}


static char *
dialog_text (AdwMessageDialog *dialog)
{
  GString *text = g_string_new (adw_message_dialog_get_body (dialog));

  g_string_append_c (text, '\n');
  veil_test_collect_labels (GTK_WIDGET (dialog), text);
  return g_string_free (text, FALSE);
}

static void
test_shows_choices (VeilAppFixture *fixture,
                    gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  g_auto(Alerted) alerted = { 0 };
  const char *actions[] = { "alert.dont-view", "alert.view", "alert.tell", "alert.report", "alert.get-help" };
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *picture;
  VeilAlertView *view;

  record_alert (fixture, teen, FALSE, 7, &alerted);
  view = open_alert (fixture, alerted.alert_id);
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

    g_assert_true (gtk_widget_compute_point (find_action_button (GTK_WIDGET (view), "alert.get-help"),
                                             GTK_WIDGET (view), &GRAPHENE_POINT_INIT (0, 0), &help_at));
    g_assert_true (gtk_widget_compute_point (find_action_button (GTK_WIDGET (view), "alert.view"),
                                             GTK_WIDGET (view), &GRAPHENE_POINT_INIT (0, 0), &view_at));
    g_assert_cmpfloat (help_at.y, <, view_at.y);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = find_action_button (GTK_WIDGET (view), actions[i]);

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_is_sensitive (button));
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
  /* "Don't view" is the default. */
  g_assert_true (gtk_widget_has_css_class (find_action_button (GTK_WIDGET (view), "alert.dont-view"), "suggested-action"));
  veil_test_app_screenshot (fixture, "alert-view");

  /* "Don't view" leaves the page and says so in the audit log. */
  g_assert_false (has_audit (fixture, veil_profile_get_id (teen), "warning-not-viewed"));
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  g_assert_null (veil_window_get_page (fixture->window, "alert"));
  g_assert_true (has_audit (fixture, veil_profile_get_id (teen), "warning-not-viewed"));
  g_assert_false (has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));
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
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "16-17", "message-warnings", "on",
                                              "notify", "guardian", NULL);
  g_auto(Alerted) alerted = { 0 };
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  VeilAlertView *view;
  gboolean done = FALSE;

  record_alert (fixture, teen, TRUE, 8, &alerted);
  view = open_alert (fixture, alerted.alert_id);
  g_signal_connect (view, "done", G_CALLBACK (done_cb), &done);
  {
    g_autoptr(GString) text = g_string_new (NULL);
    veil_test_collect_labels (GTK_WIDGET (view), text);
    g_assert_nonnull (strstr (text->str, "Your guardian can see this warning"));
  }

  /* A second confirmation first; saying no keeps it blurred. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = wait_for_dialog ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-confirm");
  respond (dialog, "cancel");
  g_assert_false (veil_alert_view_get_revealed (view));
  g_assert_false (has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));

  /* Escape on the second step is "don't view" too. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  respond (wait_for_dialog (), "next");
  dialog = g_object_ref (wait_for_dialog ());
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (dialog), "Message Someone"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_false (veil_alert_view_get_revealed (view));

  /* The second step offers someone to message before anything is shown. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  respond (wait_for_dialog (), "next");
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "message");
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-message-someone");
  respond (dialog, "message");
  dialog = wait_for_dialog ();
  g_assert_true (VEIL_IS_TRUSTED_ADULTS_DIALOG (dialog));
  g_assert_false (veil_alert_view_get_revealed (view));
  respond (dialog, "close");
  g_assert_false (has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  respond (wait_for_dialog (), "next");
  respond (wait_for_dialog (), "view");
  g_assert_true (veil_alert_view_get_revealed (view));
  g_assert_true (has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));
  veil_test_app_screenshot (fixture, "alert-view-revealed");

  /* Blurring again needs no question; leaving does not count as "not viewed". */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  g_assert_false (veil_alert_view_get_revealed (view));
  g_assert_null (find_dialog ());
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_true (done);
}

static gboolean
pin_problem_shown (gpointer data)
{
  AdwMessageDialog *dialog = find_dialog ();

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
  g_autoptr(VeilProfile) young = save_profile (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  g_auto(Alerted) alerted = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  VeilAlertView *view;

  g_assert_true (veil_profile_get_view_needs_pin (young));
  record_alert (fixture, young, FALSE, 9, &alerted);
  view = open_alert (fixture, alerted.alert_id);

  /* Simpler words for a younger child, and no numbers at all: no figures, no "Why?". */
  veil_test_collect_labels (GTK_WIDGET (view), text);
  g_assert_nonnull (strstr (text->str, "You did nothing wrong"));
  g_assert_nonnull (strstr (text->str, "You’re not alone"));
  for (const char *c = text->str; *c != '\0'; c++)
    g_assert_false (g_ascii_isdigit (*c) || *c == '%');
  g_assert_false (gtk_widget_get_visible (veil_test_find_descendant (GTK_WIDGET (view), GTK_TYPE_EXPANDER,
                                                                     "why_expander")));

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = wait_for_dialog ();
  entry = veil_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  g_assert_nonnull (entry);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL));
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-pin");

  /* A wrong PIN keeps it blurred and asks again. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "111222");
  respond (dialog, "unlock");
  veil_test_wait_until (pin_problem_shown, NULL);
  g_assert_false (veil_alert_view_get_revealed (view));
  g_assert_false (has_audit (fixture, veil_profile_get_id (young), "warning-viewed"));

  /* The right PIN shows it, and leaves guardian settings locked. */
  dialog = find_dialog ();
  entry = veil_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), PIN);
  respond (dialog, "unlock");
  veil_test_wait_until (revealed, view);
  g_assert_false (veil_guardian_get_unlocked (guardian));
  g_assert_true (has_audit (fixture, veil_profile_get_id (young), "warning-viewed"));
}

/* After the guardian dismisses a told warning, the child's view does not say it is private. */
static void
test_dismissed_told (VeilAppFixture *fixture,
                     gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Sam", "age-band", "13-15", "message-warnings", "on",
                                              "notify", "guardian", NULL);
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(Alerted) alerted = { 0 };
  VeilAlertView *view;

  record_alert (fixture, teen, TRUE, 23, &alerted);
  g_assert_true (veil_store_dismiss_alert (store, alerted.alert_id, &error));
  g_assert_no_error (error);
  view = open_alert (fixture, alerted.alert_id);
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
  g_autoptr(VeilProfile) young = save_profile (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  GdkSeat *seat = gdk_display_get_default_seat (gdk_display_get_default ());
  g_auto(Alerted) alerted = { 0 };
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  GtkEditable *text;
  VeilAlertView *view;

  record_alert (fixture, young, FALSE, 17, &alerted);
  view = open_alert (fixture, alerted.alert_id);

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = g_object_ref (wait_for_dialog ());
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
  g_assert_null (find_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_null (entry);
  g_object_notify (G_OBJECT (text), "has-focus");
  g_object_notify (G_OBJECT (text), "visibility");
  g_object_notify (G_OBJECT (gdk_seat_get_keyboard (seat)), "caps-lock-state");
  g_assert_false (veil_alert_view_get_revealed (view));
  g_assert_false (has_audit (fixture, veil_profile_get_id (young), "warning-viewed"));

  g_signal_emit_by_name (find_action_button (GTK_WIDGET (view), "alert.view"), "clicked");
  dialog = wait_for_dialog ();
  g_assert_true (VEIL_IS_PIN_DIALOG (dialog));
  g_object_notify (G_OBJECT (gdk_seat_get_keyboard (seat)), "caps-lock-state");
  respond (dialog, "cancel");
  g_assert_null (find_dialog ());
  g_signal_emit_by_name (find_action_button (GTK_WIDGET (view), "alert.dont-view"), "clicked");
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  g_assert_finalize_object (text);
}

/* Leaving the warning while the PIN is asked for withdraws the question: the dialog closes and
 * is finalised with the view, and nothing is shown or logged as viewed. */
static void
test_pin_withdrawn (VeilAppFixture *fixture,
                    gconstpointer   data)
{
  g_autoptr(VeilProfile) young = save_profile (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  g_auto(Alerted) alerted = { 0 };
  AdwMessageDialog *dialog;
  VeilAlertView *view;

  record_alert (fixture, young, FALSE, 18, &alerted);
  view = open_alert (fixture, alerted.alert_id);
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &view);

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = g_object_ref (wait_for_dialog ());
  g_assert_true (VEIL_IS_PIN_DIALOG (dialog));

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  g_assert_null (find_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_null (view);
  g_assert_true (has_audit (fixture, veil_profile_get_id (young), "warning-not-viewed"));
  g_assert_false (has_audit (fixture, veil_profile_get_id (young), "warning-viewed"));
}

static void
collect_contact_buttons (GtkWidget *root,
                         GPtrArray *out)
{
  const char *action = GTK_IS_BUTTON (root) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (root)) : NULL;

  if (action != NULL && g_str_has_prefix (action, "adults."))
    g_ptr_array_add (out, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_contact_buttons (c, out);
}

static void open_link_cb (VeilAlertView *view, const char *url, GPtrArray *opened);

static void
test_tell_trusted_adult (VeilAppFixture *fixture,
                         gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on",
                                              "trusted-adult", "Aunt Sam:555-0100",
                                              "trusted-adult", "Coach Lee:lee@example.org",
                                              "trusted-adult", "Grandpa:at the bakery", NULL);
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_free);
  g_auto(Alerted) alerted = { 0 };
  g_autoptr(GPtrArray) reports = NULL;
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;
  VeilReportEntry *entry;
  VeilAlertView *view;

  record_alert (fixture, teen, FALSE, 10, &alerted);
  view = open_alert (fixture, alerted.alert_id);

  /* The adults and how to reach them; "Not now" places nothing. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.tell", NULL);
  dialog = wait_for_dialog ();
  text = dialog_text (dialog);
  g_assert_nonnull (strstr (text, "Aunt Sam"));
  g_assert_nonnull (strstr (text, "555-0100"));
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-tell");

  /* Each contact can be copied; a phone number can be called or texted and an email address
   * written to, opened only by the child's click. */
  g_signal_connect (view, "open-link", G_CALLBACK (open_link_cb), opened);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (opened->len, ==, 0);
  {
    struct { const char *action, *target; } expected[] = {
      { "adults.open", "tel:5550100" }, { "adults.open", "sms:5550100" }, { "adults.copy", "555-0100" },
      { "adults.open", "mailto:lee@example.org" }, { "adults.copy", "lee@example.org" },
      { "adults.copy", "at the bakery" },
    };
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (dialog));
    g_auto(GValue) value = G_VALUE_INIT;

    collect_contact_buttons (GTK_WIDGET (dialog), buttons);
    g_assert_cmpuint (buttons->len, ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < buttons->len; i++)
      {
        GtkActionable *button = buttons->pdata[i];

        g_assert_cmpstr (gtk_actionable_get_action_name (button), ==, expected[i].action);
        g_assert_cmpstr (g_variant_get_string (gtk_actionable_get_action_target_value (button), NULL), ==,
                         expected[i].target);
        g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
      }
    g_signal_emit_by_name (buttons->pdata[0], "clicked");
    g_assert_cmpuint (opened->len, ==, 1);
    g_assert_cmpstr (opened->pdata[0], ==, "tel:5550100");
    g_signal_emit_by_name (buttons->pdata[4], "clicked");
    g_value_init (&value, G_TYPE_STRING);
    g_assert_true (gdk_content_provider_get_value (gdk_clipboard_get_content (clipboard), &value, NULL));
    g_assert_cmpstr (g_value_get_string (&value), ==, "lee@example.org");
  }
  g_assert_cmpint (veil_trusted_adults_contact_kind ("+49 (30) 123-456"), ==, VEIL_CONTACT_PHONE);
  g_assert_cmpint (veil_trusted_adults_contact_kind ("room 12"), ==, VEIL_CONTACT_OTHER);
  g_assert_cmpint (veil_trusted_adults_contact_kind ("a@b"), ==, VEIL_CONTACT_OTHER);
  {
    g_autofree char *tel = veil_trusted_adults_contact_uri ("+49 (30) 123-456", "tel");
    g_assert_cmpstr (tel, ==, "tel:+4930123456");
  }

  /* Escape is "not now": nothing is placed and the dialog is gone. */
  g_object_ref (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_dialog ());
  veil_test_assert_finalized (dialog);
  reports = veil_store_list_reports (store, veil_profile_get_id (teen), NULL);
  g_assert_cmpuint (reports->len, ==, 0);
  g_clear_pointer (&reports, g_ptr_array_unref);

  /* Only when the child agrees is a help request placed in the guardian's queue. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.tell", NULL);
  respond (wait_for_dialog (), "ask");
  reports = veil_store_list_reports (store, veil_profile_get_id (teen), NULL);
  g_assert_cmpuint (reports->len, ==, 1);
  entry = reports->pdata[0];
  g_assert_cmpint (veil_report_get_kind (entry->report), ==, VEIL_REPORT_KIND_HELP_REQUEST);
  g_assert_cmpint (veil_report_get_reporter (entry->report), ==, VEIL_REPORTER_CHILD);
  g_assert_cmpstr (veil_report_get_source_name (entry->report), ==, "Downloads");
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
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_auto(Alerted) alerted = { 0 };
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

  record_alert (fixture, teen, FALSE, 11, &alerted);
  g_assert_true (g_file_get_contents (alerted.picture, &bytes, &n_bytes, NULL));
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, n_bytes);
  view = open_alert (fixture, alerted.alert_id);

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.report", NULL);
  dialog = wait_for_dialog ();
  text = dialog_text (dialog);
  /* Nothing leaves the computer, and forwarding is warned against. */
  g_assert_nonnull (strstr (text, "Nothing is sent anywhere"));
  g_assert_nonnull (strstr (text, "against the law"));
  words = veil_test_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW, NULL);
  g_assert_nonnull (words);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (words), GTK_ACCESSIBLE_PROPERTY_LABEL));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (words)), "Someone I don't know sent this.", -1);
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-report");
  respond (dialog, "report");

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
open_link_cb (VeilAlertView *view,
              const char    *url,
              GPtrArray     *opened)
{
  g_ptr_array_add (opened, g_strdup (url));
  /* Keep the test from starting a browser. */
  g_signal_stop_emission_by_name (view, "open-link");
}

static gboolean
help_loaded (gpointer data)
{
  return !veil_help_page_get_loading (data);
}

/* Get Help pushes the help page within the view; it is read in the background. */
static GtkWidget *
open_help (VeilAlertView *view)
{
  GtkWidget *page = veil_test_find_descendant (GTK_WIDGET (view), VEIL_TYPE_HELP_PAGE, "help_page");

  g_assert_nonnull (page);
  g_assert_cmpstr (veil_alert_view_get_page (view), ==, "warning");
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.get-help", NULL);
  g_assert_cmpstr (veil_alert_view_get_page (view), ==, "help");
  g_assert_null (find_dialog ());
  veil_test_wait_until (help_loaded, page);
  return page;
}

/* Escape on the help page goes back to the warning, as its Back button does. */
static void
press_escape_on_help (VeilAlertView *view,
                      GtkWidget     *page)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (page);
  gboolean bound = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !bound; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == GDK_KEY_Escape &&
              GTK_IS_NAMED_ACTION (action))
            {
              g_assert_cmpstr (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), ==, "help-page.back");
              bound = TRUE;
            }
        }
    }
  g_assert_true (bound);
  g_assert_true (gtk_widget_activate_action (page, "help-page.back", NULL));
  g_assert_cmpstr (veil_alert_view_get_page (view), ==, "warning");
}

static guint
count_in (const char *haystack,
          const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_get_help (VeilAppFixture *fixture,
               gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(Alerted) alerted = { 0 };
  GtkWidget *page;
  VeilAlertView *view;
  const char *url;

  record_alert (fixture, teen, FALSE, 12, &alerted);
  view = open_alert (fixture, alerted.alert_id);
  g_signal_connect (view, "open-link", G_CALLBACK (open_link_cb), opened);

  page = open_help (view);
  collect_buttons (page, buttons);
  g_assert_cmpuint (buttons->len, >, 1);
  veil_test_collect_labels (page, text);
  g_assert_nonnull (strstr (text->str, "You’re not alone"));
  /* The worldwide line comes first, once. */
  g_assert_cmpuint (count_in (text->str, "Child Helpline International"), ==, 1);
  veil_test_screenshot_of (page, "alert-view-help");

  /* Showing the list opens nothing. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (opened->len, ==, 0);
  for (guint i = 0; i < buttons->len; i++)
    g_assert_true (gtk_test_accessible_has_property (buttons->pdata[i], GTK_ACCESSIBLE_PROPERTY_LABEL));

  /* A click opens exactly that link. */
  url = g_variant_get_string (gtk_actionable_get_action_target_value (buttons->pdata[0]), NULL);
  g_assert_cmpstr (url, ==, "https://childhelplineinternational.org/");
  g_signal_emit_by_name (buttons->pdata[0], "clicked");
  url = g_variant_get_string (gtk_actionable_get_action_target_value (buttons->pdata[1]), NULL);
  g_assert_true (g_str_has_prefix (url, "https://"));
  g_signal_emit_by_name (buttons->pdata[1], "clicked");
  g_assert_cmpuint (opened->len, ==, 2);
  g_assert_cmpstr (opened->pdata[0], ==, "https://childhelplineinternational.org/");
  g_assert_cmpstr (opened->pdata[1], ==, url);
  press_escape_on_help (view, page);

  /* Back on the warning, the choices still work. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
}

/* Without the list of helplines (an uninstalled or broken build), Get Help still offers a
 * line to call and never tells the child to reinstall anything: the worldwide line is part of
 * the page, compiled into Veil's resources. */
static void
test_get_help_missing (VeilAppFixture *fixture,
                       gconstpointer   data)
{
  g_autoptr(VeilProfile) young = save_profile (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("VEIL_HELP_RESOURCES"));
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(Alerted) alerted = { 0 };
  GtkWidget *page;
  VeilAlertView *view;

  g_setenv ("VEIL_HELP_RESOURCES", "/nonexistent/help-resources.xml", TRUE);
  record_alert (fixture, young, FALSE, 29, &alerted);
  view = open_alert (fixture, alerted.alert_id);
  page = open_help (view);
  collect_buttons (page, buttons);
  veil_test_collect_labels (page, text);
  g_assert_null (strstr (text->str, "Reinstall"));
  g_assert_cmpuint (count_in (text->str, "Child Helpline International"), ==, 1);
  g_assert_cmpuint (buttons->len, >, 0);
  g_setenv ("VEIL_HELP_RESOURCES", saved, TRUE);
  press_escape_on_help (view, page);
}

static void
test_file_gone (VeilAppFixture *fixture,
                gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  g_auto(Alerted) alerted = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *picture;
  VeilAlertView *view;

  record_alert (fixture, teen, FALSE, 13, &alerted);
  g_assert_cmpint (g_unlink (alerted.picture), ==, 0);
  view = open_alert (fixture, alerted.alert_id);

  g_assert_cmpint (veil_alert_view_get_picture (view), ==, VEIL_ALERT_VIEW_PICTURE_THUMBNAIL);
  picture = veil_test_find_descendant (GTK_WIDGET (view), VEIL_TYPE_BLURRED_PICTURE, "picture");
  /* The stored 64x48 thumbnail, still under the blur; nothing left to view. */
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (veil_blurred_picture_get_paintable (VEIL_BLURRED_PICTURE (picture))), ==, 64);
  g_assert_false (veil_blurred_picture_get_revealed (VEIL_BLURRED_PICTURE (picture)));
  g_assert_false (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (view), "alert.view")));
  g_assert_true (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (view), "alert.report")));
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
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  g_auto(Alerted) first = { 0 };
  g_auto(Alerted) second = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *page, *group, *row = NULL;

  record_alert (fixture, teen, FALSE, 14, &first);
  record_alert (fixture, teen, FALSE, 15, &second);
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
  g_assert_cmpint (veil_alert_view_get_alert_id (get_view (fixture)), ==, second.alert_id);
  veil_test_wait_until (picture_loaded, get_view (fixture));

  /* Done goes back where the child came from. */
  gtk_widget_activate_action (GTK_WIDGET (get_view (fixture)), "alert.dont-view", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "transparency");
}

/* A picture Veil could not check arrives: its alert has no thumbnail, as the guard records it. */
static void
record_unchecked_alert (VeilAppFixture *fixture,
                        VeilProfile    *profile,
                        Alerted        *out)
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
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on",
                                              "unchecked", "blur", "trusted-adult", "Aunt Sam:555-0100", NULL);
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  g_auto(Alerted) alerted = { 0 };
  const char *actions[] = { "alert.dont-view", "alert.view", "alert.tell", "alert.get-help" };
  GtkWidget *picture, *placeholder;
  VeilAlertView *view;

  record_unchecked_alert (fixture, teen, &alerted);
  view = open_alert (fixture, alerted.alert_id);
  g_signal_connect (view, "open-link", G_CALLBACK (open_link_cb), opened);
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
      GtkWidget *button = find_action_button (GTK_WIDGET (view), actions[i]);

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_is_sensitive (button));
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
  g_assert_false (gtk_widget_get_visible (find_action_button (GTK_WIDGET (view), "alert.report")));
  g_assert_false (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (view), "alert.report")));

  /* Tell a trusted adult works as for any warning. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.tell", NULL);
  {
    AdwMessageDialog *dialog = wait_for_dialog ();
    g_autofree char *dialog_words = dialog_text (dialog);

    g_assert_nonnull (strstr (dialog_words, "Aunt Sam"));
    respond (dialog, "close");
  }

  /* View anyway: the second confirmation, then the file in the usual viewer, logged first. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  respond (wait_for_dialog (), "cancel");
  g_assert_cmpuint (opened->len, ==, 0);
  g_assert_false (has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  respond (wait_for_dialog (), "next");
  respond (wait_for_dialog (), "view");
  file = g_file_new_for_path (alerted.picture);
  uri = g_file_get_uri (file);
  g_assert_cmpuint (opened->len, ==, 1);
  g_assert_cmpstr (opened->pdata[0], ==, uri);
  g_assert_true (has_audit (fixture, veil_profile_get_id (teen), "warning-viewed"));
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
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "16-17", "message-warnings", "on", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) view_text = g_string_new (NULL);
  g_auto(Alerted) alerted = { 0 };
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
  view = get_view (fixture);
  veil_test_wait_until (picture_loaded, view);
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
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_auto(Alerted) alerted = { 0 };
  VeilAlertView *view;
  int min_width = 0;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  record_alert (fixture, teen, FALSE, 16, &alerted);
  view = open_alert (fixture, alerted.alert_id);
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_app_screenshot (fixture, "alert-view-narrow-dark");
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.report", NULL);
  veil_test_screenshot_window (GTK_WIDGET (wait_for_dialog ()), "alert-view-report-dark");
  respond (find_dialog (), "cancel");
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
  int ret;

  veil_test_init_ui (&argc, &argv);
  /* GTK's test accessibility backend keeps what screen readers would be told, so that the
   * labels can be checked; no accessibility bus is needed. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  veil_test_keyring_start ();

  if (!veil_test_app_init ())
    return 1;

#define ADD VEIL_TEST_APP_ADD
  ADD ("/veil/alert-view/shows-choices", test_shows_choices);
  ADD ("/veil/alert-view/view-teen", test_view_teen);
  ADD ("/veil/alert-view/view-young-pin", test_view_young_pin);
  ADD ("/veil/alert-view/pin-escape", test_pin_escape);
  ADD ("/veil/alert-view/dismissed-told", test_dismissed_told);
  ADD ("/veil/alert-view/pin-withdrawn", test_pin_withdrawn);
  ADD ("/veil/alert-view/tell-trusted-adult", test_tell_trusted_adult);
  ADD ("/veil/alert-view/report", test_report);
  ADD ("/veil/alert-view/get-help", test_get_help);
  ADD ("/veil/alert-view/get-help-missing", test_get_help_missing);
  ADD ("/veil/alert-view/file-gone", test_file_gone);
  ADD ("/veil/alert-view/transparency-list", test_transparency_list);
  ADD ("/veil/alert-view/narrow-dark", test_narrow_dark);
  ADD ("/veil/alert-view/unchecked", test_unchecked);
  ADD ("/veil/alert-view/unchecked-allowed", test_unchecked_allowed);
#undef ADD
  g_test_add_func ("/veil/alert-view/figures", test_figures);

  ret = g_test_run ();
  veil_test_app_shutdown ();
  veil_test_keyring_stop ();
  return ret;
}
