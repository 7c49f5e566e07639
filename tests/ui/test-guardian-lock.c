/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <sqlite3.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-alerts.h"
#include "veil-test-guardian.h"
#include "veil-test-utils.h"

/* Locking the guardian area in the real application window under Xvfb, with a real
 * gnome-keyring on a private bus: after inactivity, when the window hides, closing the
 * guardian's open questions, Preferences behind the lock, changing the PIN and erasing. */

static void
test_auto_lock (VeilAppFixture     *fixture,
                gconstpointer  data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));

  veil_test_guardian_fill_store (fixture);
  veil_test_unlock_through_ui (fixture);
  g_assert_true (veil_guardian_get_unlocked (guardian));

  /* Nobody touches anything: the area locks itself and the window leaves it. */
  veil_guardian_area_set_lock_timeout (VEIL_GUARDIAN_AREA (area), 1);
  veil_test_wait_for_page (fixture, "home");
  g_assert_false (veil_guardian_get_unlocked (guardian));
}

/* Hiding the window (as closing it to the background does) locks the area at once. */
static void
test_lock_when_hidden (VeilAppFixture *fixture,
                       gconstpointer   data)
{
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));

  veil_test_guardian_fill_store (fixture);
  veil_test_unlock_through_ui (fixture);
  g_assert_true (veil_guardian_get_unlocked (guardian));

  gtk_widget_set_visible (GTK_WIDGET (fixture->window), FALSE);
  g_assert_false (veil_guardian_get_unlocked (guardian));
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
}

/* A confirmation left open must not outlive the lock: locking answers it with Cancel, so
 * nobody can confirm it later without the PIN. */
static void
test_lock_closes_dialogs (VeilAppFixture *fixture,
                          gconstpointer   data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  g_autoptr(VeilProfile) noah = NULL;
  g_autoptr(VeilProfile) still = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *page, *pin_dialog;

  veil_test_guardian_fill_store (fixture);
  noah = veil_test_app_lookup (fixture, "Noah");
  veil_test_unlock_through_ui (fixture);
  gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (noah));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  g_assert_true (gtk_widget_activate_action (page, "profile.delete", NULL));
  veil_test_wait_until (veil_test_dialog_shown, NULL);
  dialog = veil_test_find_choice_dialog ();
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  veil_guardian_lock (guardian);
  g_assert_false (veil_guardian_get_unlocked (guardian));
  g_assert_null (veil_test_find_choice_dialog ());
  still = veil_test_app_lookup (fixture, "Noah");
  g_assert_nonnull (still);
  while (dialog != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");

  /* The Change PIN dialog too. */
  veil_test_unlock_through_ui (fixture);
  g_assert_true (gtk_widget_activate_action (area, "guardian.change-pin", NULL));
  pin_dialog = veil_test_find_change_pin_dialog ();
  g_assert_nonnull (pin_dialog);
  g_object_ref (pin_dialog);
  veil_guardian_lock (guardian);
  g_assert_null (veil_test_find_change_pin_dialog ());
  veil_test_assert_finalized (pin_dialog);
}

static GtkWidget *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (VEIL_IS_PREFERENCES_WINDOW (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
    }
  return NULL;
}

static gboolean
preferences_open (gpointer data)
{
  GtkWidget *prefs = find_preferences ();

  return prefs != NULL && gtk_widget_get_visible (veil_test_find_descendant (prefs, ADW_TYPE_PREFERENCES_GROUP,
                                                                             "settings_group"));
}

/* Preferences are behind the lock: locked, they offer only the VEIL_TEST_PIN; unlocked, the settings;
 * and locking closes them. */
static void
test_preferences_locked (VeilAppFixture *fixture,
                         gconstpointer   data)
{
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  AdwMessageDialog *dialog;
  GtkWidget *prefs, *entry;

  veil_test_guardian_fill_store (fixture);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  prefs = g_object_ref (find_preferences ());
  g_assert_nonnull (prefs);
  g_assert_true (gtk_widget_get_visible (veil_test_find_descendant (prefs, ADW_TYPE_PREFERENCES_GROUP, "locked_group")));
  g_assert_false (gtk_widget_get_visible (veil_test_find_descendant (prefs, ADW_TYPE_PREFERENCES_GROUP, "settings_group")));
  veil_test_screenshot_window (prefs, "preferences-locked");

  /* Escape on the PIN question leaves them locked. */
  g_assert_true (gtk_widget_activate_action (prefs, "prefs.unlock", NULL));
  veil_test_wait_until (veil_test_dialog_shown, NULL);
  dialog = g_object_ref (veil_test_find_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  veil_test_assert_finalized (dialog);
  g_assert_false (preferences_open (NULL));
  g_assert_false (veil_guardian_get_unlocked (guardian));

  /* The PIN opens them. */
  g_assert_true (gtk_widget_activate_action (prefs, "prefs.unlock", NULL));
  veil_test_wait_until (veil_test_dialog_shown, NULL);
  dialog = veil_test_find_dialog ();
  entry = veil_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), VEIL_TEST_PIN);
  adw_message_dialog_response (dialog, "unlock");
  veil_test_wait_until (preferences_open, NULL);
  g_assert_true (veil_guardian_get_unlocked (guardian));

  /* Locking closes them. */
  veil_guardian_lock (guardian);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_preferences ());
  veil_test_assert_finalized (prefs);

  /* Opened from an unlocked guardian area, they show at once; closing them keeps it open. */
  veil_test_unlock_through_ui (fixture);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  g_assert_true (preferences_open (NULL));
  veil_test_destroy_window (find_preferences ());
  g_assert_true (veil_guardian_get_unlocked (guardian));
}

static void
test_erase (VeilAppFixture     *fixture,
            gconstpointer  data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  g_autoptr(GPtrArray) profiles = NULL;
  gboolean has_pin = TRUE;
  gboolean answered = FALSE;

  veil_test_guardian_fill_store (fixture);
  veil_test_unlock_through_ui (fixture);

  gtk_widget_activate_action (area, "guardian.erase", NULL);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_MESSAGE_DIALOG (l->data) && !answered)
      {
        answered = TRUE;
        adw_message_dialog_response (l->data, "erase");
        veil_test_destroy_window (l->data);
      }
  g_assert_true (answered);

  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "welcome");
  profiles = veil_store_list_profiles (veil_context_get_store (veil_test_app_get_context (fixture)), NULL);
  g_assert_cmpuint (profiles->len, ==, 0);
  g_assert_true (veil_guardian_has_pin (guardian, &has_pin, NULL, NULL));
  g_assert_false (has_pin);
}

static void
message_cb (GtkWidget  *area,
            const char *message,
            char      **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

static gboolean
has_message (gpointer data)
{
  return *(char **) data != NULL;
}

/* Presses Escape on @widget: runs the shortcut its class binds to that key. */
static gboolean
press_escape (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == GDK_KEY_Escape)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget, NULL);
        }
    }
  return FALSE;
}

/* "Change PIN…" opens a dialog: a wrong current PIN keeps it open with the reason, Escape
 * closes it without a change, and the right PIN changes it and closes it. */
static void
test_change_pin (VeilAppFixture     *fixture,
                 gconstpointer  data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  GtkWidget *dialog, *current, *new_pin, *repeat, *error_label;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  veil_test_guardian_fill_store (fixture);
  veil_test_unlock_through_ui (fixture);
  g_signal_connect (area, "show-message", G_CALLBACK (message_cb), &message);

  /* No PIN form on the page itself any more. */
  g_assert_null (veil_test_find_descendant (area, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL));

  /* Escape closes the dialog and changes nothing. */
  g_assert_true (gtk_widget_activate_action (area, "guardian.change-pin", NULL));
  dialog = veil_test_find_change_pin_dialog ();
  g_assert_nonnull (dialog);
  g_object_ref (dialog);
  g_assert_true (press_escape (dialog));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (veil_test_find_change_pin_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_null (message);

  g_assert_true (gtk_widget_activate_action (area, "guardian.change-pin", NULL));
  dialog = veil_test_find_change_pin_dialog ();
  current = veil_test_find_descendant (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "current_pin_row");
  new_pin = veil_test_find_descendant (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "new_pin_row");
  repeat = veil_test_find_descendant (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "repeat_pin_row");
  error_label = veil_test_find_descendant (dialog, GTK_TYPE_LABEL, "error_label");
  veil_test_screenshot_window (dialog, "guardian-change-pin");

  /* Two different new PINs are caught before anything is checked. */
  gtk_editable_set_text (GTK_EDITABLE (current), VEIL_TEST_PIN);
  gtk_editable_set_text (GTK_EDITABLE (new_pin), "739154");
  gtk_editable_set_text (GTK_EDITABLE (repeat), "739155");
  gtk_widget_activate_action (dialog, "pin.change", NULL);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "not the same"));

  /* The current PIN must be right; the dialog stays with the reason. */
  gtk_editable_set_text (GTK_EDITABLE (current), "111222");
  gtk_editable_set_text (GTK_EDITABLE (repeat), "739154");
  gtk_widget_activate_action (dialog, "pin.change", NULL);
  veil_test_wait_until (veil_test_label_shown, error_label);
  veil_test_wait_until ((VeilTestPredicate) gtk_widget_is_sensitive, veil_test_find_descendant (dialog, GTK_TYPE_BUTTON, "change_button"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "not the guardian PIN"));
  g_assert_true (veil_test_find_change_pin_dialog () == dialog);
  g_assert_null (message);

  g_object_ref (dialog);
  gtk_editable_set_text (GTK_EDITABLE (current), VEIL_TEST_PIN);
  gtk_widget_activate_action (dialog, "pin.change", NULL);
  veil_test_wait_until (has_message, &message);
  g_assert_cmpstr (message, ==, "The guardian PIN was changed");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (veil_test_find_change_pin_dialog ());
  veil_test_assert_finalized (dialog);
  g_signal_handlers_disconnect_by_func (area, message_cb, &message);

  /* The old PIN no longer opens anything; the new one does. */
  veil_guardian_lock (guardian);
  g_assert_false (veil_guardian_unlock (guardian, VEIL_TEST_PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_true (veil_guardian_unlock (guardian, "739154", NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_ui (&argc, &argv);
  veil_test_use_built_translations (FALSE);
  if (!veil_test_app_start (FALSE))
    return 1;

#define ADD VEIL_TEST_APP_ADD
  ADD ("/veil/guardian-area/auto-lock", test_auto_lock);
  ADD ("/veil/guardian-area/lock-when-hidden", test_lock_when_hidden);
  ADD ("/veil/guardian-area/lock-closes-dialogs", test_lock_closes_dialogs);
  ADD ("/veil/guardian-area/preferences-locked", test_preferences_locked);
  ADD ("/veil/guardian-area/erase", test_erase);
  ADD ("/veil/guardian-area/change-pin", test_change_pin);
#undef ADD

  return veil_test_app_run ();
}
