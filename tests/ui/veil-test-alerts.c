/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil-test-alerts.h"
#include "veil-test-utils.h"

/* Warnings for the child's alert view in UI tests: a profile saved through the guardian, a
 * real picture in a Downloads folder and its message alert in the store, the view opened in
 * the window, and the dialogs it opens, answered with their buttons. */

void
veil_test_alerted_clear (VeilTestAlerted *a)
{
  if (a->dir != NULL)
    veil_test_rm_rf (a->dir);
  g_clear_pointer (&a->dir, g_free);
  g_clear_pointer (&a->picture, g_free);
}

/* Builds profile @name for @unix_user (none when %NULL) from the key, value pairs in @ap and
 * saves it through @guardian, which must be unlocked. */
static VeilProfile *
save_profile_valist (VeilGuardian *guardian,
                     const char   *name,
                     const char   *unix_user,
                     va_list       ap)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);
  g_autoptr(VeilProfile) p = NULL;
  g_autoptr(GError) error = NULL;
  VeilProfile *saved;

  if (unix_user != NULL)
    veil_profile_builder_set_unix_user (b, unix_user);
  for (const char *key = va_arg (ap, const char *); key != NULL; key = va_arg (ap, const char *))
    g_assert_true (veil_profile_builder_set_from_string (b, key, va_arg (ap, const char *), NULL));
  p = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_guardian_save_profile (guardian, p, &error);
  g_assert_no_error (error);
  return saved;
}

/* A child's profile on this account, saved through the guardian (given the PIN first, set if
 * there is none yet); the guardian area is locked again afterwards. */
VeilProfile *
veil_test_alerts_save_profile (VeilAppFixture *fixture,
                               const char     *name,
                               ...)
{
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  g_autoptr(GError) error = NULL;
  VeilProfile *saved;
  va_list ap;

  if (!veil_guardian_get_unlocked (guardian))
    {
      gboolean has_pin = FALSE;

      g_assert_true (veil_guardian_has_pin (guardian, &has_pin, NULL, &error));
      if (!has_pin)
        g_assert_true (veil_guardian_set_pin (guardian, NULL, VEIL_TEST_ALERTS_PIN, NULL, &error));
      else
        g_assert_true (veil_guardian_unlock (guardian, VEIL_TEST_ALERTS_PIN, NULL, &error));
      g_assert_no_error (error);
    }

  va_start (ap, name);
  saved = save_profile_valist (guardian, name, g_get_user_name (), ap);
  va_end (ap);
  veil_guardian_lock (guardian);
  return saved;
}

/* A child's profile on no account, saved through the guardian as it is (already unlocked). */
VeilProfile *
veil_test_alerts_save_unlocked (VeilAppFixture *fixture,
                                const char     *name,
                                ...)
{
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  VeilProfile *saved;
  va_list ap;

  va_start (ap, name);
  saved = save_profile_valist (guardian, name, NULL, ap);
  va_end (ap);
  return saved;
}

/* A classifier's verdict on a picture it is sure is pornographic. */
VeilVerdict *
veil_test_make_verdict (void)
{
  g_autoptr(VeilVerdictBuilder) b = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_classifier ("porn", 0.97, 0.8, "nsfwjs-mobilenet-v2", "4.4.0",
                                                             "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                                             NULL, 0, 0);

  veil_verdict_builder_add_reason (b, reason);
  return veil_verdict_builder_build (b);
}

/* A picture arrives in a Downloads folder and A's message guard API records its alert. */
void
veil_test_alerts_record (VeilAppFixture  *fixture,
                         VeilProfile     *profile,
                         gboolean         tell_guardian,
                         guint32          seed,
                         VeilTestAlerted *out)
{
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(VeilVerdict) verdict = veil_test_make_verdict ();
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

VeilAlertView *
veil_test_alerts_get_view (VeilAppFixture *fixture)
{
  GtkWidget *page = veil_window_get_page (fixture->window, "alert");

  g_assert_true (VEIL_IS_ALERT_VIEW (page));
  return VEIL_ALERT_VIEW (page);
}

/* Whether the view shows a picture (or its placeholder) yet. */
gboolean
veil_test_alerts_picture_loaded (gpointer data)
{
  return veil_alert_view_get_picture (data) != VEIL_ALERT_VIEW_PICTURE_NONE;
}

VeilAlertView *
veil_test_alerts_open (VeilAppFixture *fixture,
                       gint64          alert_id)
{
  VeilAlertView *view;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-alert", "x", alert_id);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "alert");
  view = veil_test_alerts_get_view (fixture);
  g_assert_cmpint (veil_alert_view_get_alert_id (view), ==, alert_id);
  veil_test_wait_until (veil_test_alerts_picture_loaded, view);
  return view;
}

gboolean
veil_test_alerts_has_audit (VeilAppFixture *fixture,
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

/* The first widget of @type (a GtkActionable) under @root, in depth-first order, that
 * activates @action; with @visible, hidden branches are passed over. */
static GtkWidget *
find_with_action (GtkWidget  *root,
                  GType       type,
                  const char *action,
                  gboolean    visible)
{
  if (visible && !gtk_widget_get_visible (root))
    return NULL;
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_with_action (c, type, action, visible);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The button under @root that activates @action, if any. */
GtkWidget *
veil_test_find_action_button (GtkWidget  *root,
                              const char *action)
{
  return find_with_action (root, GTK_TYPE_BUTTON, action, FALSE);
}

/**
 * veil_test_find_action_widget:
 * @visible: only a widget shown with all its parents under @root
 *
 * Returns: (nullable): any widget under @root (rows and switches too) that activates @action
 */
GtkWidget *
veil_test_find_action_widget (GtkWidget  *root,
                              const char *action,
                              gboolean    visible)
{
  return find_with_action (root, GTK_TYPE_ACTIONABLE, action, visible);
}

/* The message dialog open now, if any; with @not_pin, one that is not the PIN's. */
static AdwMessageDialog *
find_dialog (gboolean not_pin)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && !(not_pin && VEIL_IS_PIN_DIALOG (w)) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* The message dialog open now, if any. */
AdwMessageDialog *
veil_test_find_dialog (void)
{
  return find_dialog (FALSE);
}

/* The message dialog open now that is not the PIN's (a choice asked of the guardian). */
AdwMessageDialog *
veil_test_find_choice_dialog (void)
{
  return find_dialog (TRUE);
}

static gboolean
dialog_shown (gpointer data)
{
  return veil_test_find_dialog () != NULL;
}

AdwMessageDialog *
veil_test_wait_for_dialog (void)
{
  veil_test_wait_until (dialog_shown, NULL);
  return veil_test_find_dialog ();
}

void
veil_test_respond (AdwMessageDialog *dialog,
                   const char       *response)
{
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  veil_test_assert_finalized (dialog);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

char *
veil_test_dialog_text (AdwMessageDialog *dialog)
{
  GString *text = g_string_new (adw_message_dialog_get_body (dialog));

  g_string_append_c (text, '\n');
  veil_test_collect_labels (GTK_WIDGET (dialog), text);
  return g_string_free (text, FALSE);
}


/* Keeps a help link from starting a browser and adds its address to @opened. */
void
veil_test_alerts_open_link_cb (VeilAlertView *view,
                               const char    *url,
                               GPtrArray     *opened)
{
  g_ptr_array_add (opened, g_strdup (url));
  /* Keep the test from starting a browser. */
  g_signal_stop_emission_by_name (view, "open-link");
}
