/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-alerts.h"
#include "veil-test-guardian.h"
#include "veil-test-utils.h"

/* The preferences row titled @title below @root, or %NULL. */
GtkWidget *
veil_test_find_row (GtkWidget  *root,
                    const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = veil_test_find_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Two children, set up through the core API; guardian settings locked afterwards. */
void
veil_test_guardian_fill_store (VeilAppFixture *fixture)
{
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilProfile) noah = NULL;
  gboolean ok;

  ok = veil_guardian_set_pin (guardian, NULL, VEIL_TEST_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  mia = veil_test_alerts_save_unlocked (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", "library-scan", "on",
                                         "folders", "/home/mia/Pictures", "notify", "guardian", NULL);
  noah = veil_test_alerts_save_unlocked (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  veil_guardian_lock (guardian);
}

static gboolean
page_is (gpointer data)
{
  void **args = data;
  return g_strcmp0 (veil_window_get_visible_page (args[0]), args[1]) == 0;
}

void
veil_test_wait_for_page (VeilAppFixture *fixture,
                         const char     *name)
{
  void *args[] = { fixture->window, (void *) name };
  veil_test_wait_until (page_is, args);
}

/* As a guardian does: the lock page, the PIN typed, Unlock. */
void
veil_test_unlock_through_ui (VeilAppFixture *fixture)
{
  GtkWidget *lock = veil_window_get_page (fixture->window, "lock");
  GtkWidget *pin_row = veil_test_find_descendant (lock, ADW_TYPE_PASSWORD_ENTRY_ROW, "pin_row");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-guardian", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "lock");
  gtk_editable_set_text (GTK_EDITABLE (pin_row), VEIL_TEST_PIN);
  gtk_widget_activate_action (lock, "lock.unlock", NULL);
  veil_test_wait_for_page (fixture, "guardian");
}

/* A veil_test_wait_until() predicate: a message dialog is shown. */
gboolean
veil_test_dialog_shown (gpointer data)
{
  return veil_test_find_dialog () != NULL;
}

/* A veil_test_wait_until() predicate: @label is shown. */
gboolean
veil_test_label_shown (gpointer label)
{
  return veil_test_label_visible (label);
}

/* The change-PIN dialog open now, if any. */
GtkWidget *
veil_test_find_change_pin_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (VEIL_IS_CHANGE_PIN_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
    }
  return NULL;
}
