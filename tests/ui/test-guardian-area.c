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

/* The guardian area, the profile page and the transparency page in the real application
 * window under Xvfb, on a store filled through the core API and a real gnome-keyring on a
 * private bus: the PIN lock with back-off, editing a profile with instant apply, navigation,
 * a profile changed outside Veil, and a transparency page that shows words only, never
 * pictures. Locking itself is tested in test-guardian-lock.c. */

/* The profile list may be rebuilt while the test waits (the store noticed a write): each
 * look finds the row again. */
static gboolean
both_checked (gpointer data)
{
  GtkWidget *area = data;
  const char *names[] = { "Mia", "Noah" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *row = veil_test_find_row (area, names[i]);

      if (row == NULL ||
          g_str_equal (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Checking whether it works…"))
        return FALSE;
    }
  return TRUE;
}

static void
test_unlock (VeilAppFixture     *fixture,
             gconstpointer  data)
{
  GtkWidget *lock = veil_window_get_page (fixture->window, "lock");
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  GtkWidget *pin_row = veil_test_find_descendant (lock, ADW_TYPE_PASSWORD_ENTRY_ROW, "pin_row");
  GtkWidget *error_label = veil_test_find_descendant (lock, GTK_TYPE_LABEL, "error_label");
  GtkWidget *mia_row, *noah_row;

  veil_test_guardian_fill_store (fixture);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");

  /* A wrong PIN keeps the area closed and says so. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-guardian", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "lock");
  gtk_editable_set_text (GTK_EDITABLE (pin_row), "111222");
  gtk_widget_activate_action (lock, "lock.unlock", NULL);
  veil_test_wait_until (veil_test_label_shown, error_label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "not the guardian PIN"));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "lock");
  /* The typed PIN does not linger in the entry. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pin_row)), ==, "");

  gtk_editable_set_text (GTK_EDITABLE (pin_row), VEIL_TEST_PIN);
  gtk_widget_activate_action (lock, "lock.unlock", NULL);
  veil_test_wait_for_page (fixture, "guardian");

  /* Counted once the health check in the background is done. */
  veil_test_wait_until (both_checked, area);
  mia_row = veil_test_find_row (area, "Mia");
  noah_row = veil_test_find_row (area, "Noah");
  g_assert_nonnull (mia_row);
  g_assert_nonnull (noah_row);
  /* Noah's warnings wait for his acknowledgment; Mia's alerts to the guardian need none. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (noah_row)), ==, "0 active, 1 turned on");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (mia_row)), ==, "1 active, 3 turned on");

  /* Back to the main page locks guardian settings. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_false (veil_guardian_get_unlocked (veil_context_get_guardian (veil_test_app_get_context (fixture))));
}

static void
test_edit_profile (VeilAppFixture     *fixture,
                   gconstpointer  data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  g_autoptr(VeilProfile) noah = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  GtkWidget *page, *alerts_row, *scan_row;
  const char *name, *contact;
  VeilProtectionStatus status;
  guint version;

  veil_test_guardian_fill_store (fixture);
  noah = veil_test_app_lookup (fixture, "Noah");
  veil_test_unlock_through_ui (fixture);

  g_assert_true (gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (noah)));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  g_assert_true (VEIL_IS_PROFILE_PAGE (page));

  /* Next to the settings, the child's folder checks and the guardian's alert queue. */
  g_assert_nonnull (veil_test_find_descendant (area, VEIL_TYPE_SCAN_PAGE, NULL));
  g_assert_nonnull (veil_test_find_descendant (area, VEIL_TYPE_REVIEW_QUEUE, NULL));
  g_assert_true (veil_scan_page_get_profile (VEIL_SCAN_PAGE (veil_test_find_descendant (area, VEIL_TYPE_SCAN_PAGE, NULL))) != NULL);
  veil_test_app_screenshot (fixture, "guardian-1-profile");

  /* Each protection has a one-line explanation and a preview of what the child will see. */
  alerts_row = veil_test_find_descendant (page, ADW_TYPE_EXPANDER_ROW, "alerts_row");
  scan_row = veil_test_find_descendant (page, ADW_TYPE_EXPANDER_ROW, "scan_row");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (alerts_row)), ==, "Telling the guardian");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (alerts_row)), ==, "Tells the guardian when Veil blurs a picture.");
  g_assert_nonnull (veil_test_find_row (page, "What the Child Will See"));

  /* For a teen, pictures Veil couldn't check are shown, and the page says so. */
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (veil_test_find_descendant (page, GTK_TYPE_SWITCH, "unchecked_switch"))));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (veil_test_find_descendant (page, ADW_TYPE_ACTION_ROW, "unchecked_row"))),
                   ==, "Pictures Veil couldn’t check are shown normally and listed for review (the default from 13)");

  /* Each change applies at once, as a new version, with Undo. */
  gtk_switch_set_active (GTK_SWITCH (veil_test_find_descendant (page, GTK_TYPE_SWITCH, "unchecked_switch")), TRUE);
  saved = veil_test_app_lookup (fixture, "Noah");
  g_assert_cmpuint (veil_profile_get_version (saved), ==, 2);
  g_assert_cmpint (veil_profile_get_unchecked_rule (saved), ==, VEIL_UNCHECKED_RULE_BLUR);
  g_clear_pointer (&saved, veil_profile_unref);
  g_assert_true (gtk_widget_activate_action (page, "profile.undo", NULL));
  saved = veil_test_app_lookup (fixture, "Noah");
  g_assert_cmpuint (veil_profile_get_version (saved), ==, 3);
  g_assert_cmpint (veil_profile_get_effective_unchecked_rule (saved), ==, VEIL_UNCHECKED_RULE_ALLOW);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (veil_test_find_descendant (page, GTK_TYPE_SWITCH, "unchecked_switch"))));
  g_clear_pointer (&saved, veil_profile_unref);
  /* Only the last change can be undone, once. */
  gtk_widget_activate_action (page, "profile.undo", NULL);
  saved = veil_test_app_lookup (fixture, "Noah");
  g_assert_cmpuint (veil_profile_get_version (saved), ==, 3);
  g_clear_pointer (&saved, veil_profile_unref);

  gtk_switch_set_active (GTK_SWITCH (veil_test_find_descendant (page, GTK_TYPE_SWITCH, "unchecked_switch")), TRUE);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (alerts_row), TRUE);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (scan_row), TRUE);
  gtk_widget_activate_action (page, "profile.add-folder", "s", "/home/noah/Pictures");
  adw_combo_row_set_selected (ADW_COMBO_ROW (veil_test_find_descendant (page, ADW_TYPE_COMBO_ROW, "sensitivity_row")), VEIL_SENSITIVITY_STRICT);
  /* A number applies once it rests (or when the guardian leaves the page). */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (veil_test_find_descendant (page, GTK_TYPE_SPIN_BUTTON, "retention_spin")), 7);
  g_assert_true (veil_profile_page_has_changes (VEIL_PROFILE_PAGE (page)));
  while (veil_profile_page_has_changes (VEIL_PROFILE_PAGE (page)))
    g_main_context_iteration (NULL, TRUE);
  saved = veil_test_app_lookup (fixture, "Noah");
  version = veil_profile_get_version (saved);
  g_assert_cmpuint (veil_profile_get_retention_days (saved), ==, 7);
  g_clear_pointer (&saved, veil_profile_unref);
  /* A birth year that cannot be a child's is refused with a reason, and nothing is saved. */
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "birth_year_row")), "1950");
  g_signal_emit_by_name (veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "birth_year_row"), "apply");
  g_assert_true (gtk_widget_get_visible (veil_test_find_descendant (page, GTK_TYPE_LABEL, "error_label")));
  {
    g_autoptr(VeilProfile) unchanged = veil_test_app_lookup (fixture, "Noah");
    g_assert_cmpuint (veil_profile_get_version (unchanged), ==, version);
  }
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "birth_year_row")), "");
  g_signal_emit_by_name (veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "birth_year_row"), "apply");
  g_assert_false (gtk_widget_get_visible (veil_test_find_descendant (page, GTK_TYPE_LABEL, "error_label")));
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "adult_name_row")), "Aunt Jo");
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "adult_contact_row")), "+49 30 1234");
  g_signal_emit_by_name (veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "adult_contact_row"), "apply");
  g_assert_nonnull (veil_test_find_row (page, "Aunt Jo"));
  g_assert_false (veil_profile_page_has_changes (VEIL_PROFILE_PAGE (page)));
  /* No Save button: nothing waits for one. */
  g_assert_null (veil_test_find_action_widget (page, "profile.save", TRUE));
  veil_test_app_screenshot (fixture, "guardian-profile-instant-apply");

  saved = veil_test_app_lookup (fixture, "Noah");
  g_assert_cmpuint (veil_profile_get_version (saved), >, version);
  g_assert_true (veil_profile_get_protection_enabled (saved, VEIL_PROTECTION_GUARDIAN_ALERTS));
  g_assert_true (veil_profile_get_protection_enabled (saved, VEIL_PROTECTION_LIBRARY_SCAN));
  g_assert_cmpstrv (veil_profile_get_folders (saved), ((const char *[]) { "/home/noah/Pictures", NULL }));
  g_assert_cmpint (veil_profile_get_sensitivity (saved), ==, VEIL_SENSITIVITY_STRICT);
  g_assert_cmpint (veil_profile_get_unchecked_rule (saved), ==, VEIL_UNCHECKED_RULE_BLUR);
  g_assert_cmpuint (veil_profile_get_retention_days (saved), ==, 7);
  g_assert_cmpuint (veil_profile_get_n_trusted_adults (saved), ==, 1);
  veil_profile_get_trusted_adult (saved, 0, &name, &contact);
  g_assert_cmpstr (name, ==, "Aunt Jo");
  g_assert_cmpstr (contact, ==, "+49 30 1234");
  g_assert_cmpint (veil_profile_get_integrity (saved), ==, VEIL_PROFILE_INTEGRITY_OK);

  /* Turned on by the guardian, but a teen's alerts reach the guardian only after he agreed. */
  g_assert_true (veil_store_get_protection_status (veil_context_get_store (veil_test_app_get_context (fixture)), saved,
                                                   VEIL_PROTECTION_GUARDIAN_ALERTS, &status, NULL));
  g_assert_true (status.enabled);
  g_assert_false (status.active);
  g_assert_nonnull (veil_test_find_row (page, "Now"));
}

static void
test_tampered (VeilAppFixture     *fixture,
               gconstpointer  data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  g_autofree char *db_path = g_build_filename (fixture->data_dir, "veil.db", NULL);
  g_autoptr(VeilProfile) noah = NULL;
  g_autoptr(VeilProfile) resaved = NULL;
  GtkWidget *page, *row;
  sqlite3 *db = NULL;

  veil_test_guardian_fill_store (fixture);
  /* Someone switches Noah's warnings off with the sqlite3 tool. */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE profiles SET data = replace(data, '\"message-warnings\":true', "
                                     "'\"message-warnings\":false') WHERE name = 'Noah'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  veil_test_unlock_through_ui (fixture);
  row = veil_test_find_row (area, "Noah");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Changed outside Veil"));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (veil_test_find_row (area, "Mia"))), "Changed outside Veil"));

  noah = veil_test_app_lookup (fixture, "Noah");
  gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (noah));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  g_assert_true (gtk_widget_get_visible (veil_test_find_descendant (page, ADW_TYPE_PREFERENCES_GROUP, "tampered_group")));

  /* The guardian checks and saves: signed again. */
  gtk_widget_activate_action (page, "profile.save", NULL);
  resaved = veil_test_app_lookup (fixture, "Noah");
  g_assert_cmpint (veil_profile_get_integrity (resaved), ==, VEIL_PROFILE_INTEGRITY_OK);
}

static gboolean
choice_shown (gpointer data)
{
  return veil_test_find_choice_dialog () != NULL;
}

/* Leaving a profile applies what is still pending (a number resting, a text not applied);
 * an edit that cannot be saved asks: Escape stays, Discard drops it; the destructive
 * actions sit apart at the bottom. */
static void
test_unsaved (VeilAppFixture *fixture,
              gconstpointer   data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  g_autoptr(VeilProfile) noah = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *page, *year;

  veil_test_guardian_fill_store (fixture);
  noah = veil_test_app_lookup (fixture, "Noah");
  veil_test_unlock_through_ui (fixture);

  /* Nothing changed: no question. */
  gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (noah));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  g_assert_false (veil_profile_page_has_changes (VEIL_PROFILE_PAGE (page)));
  /* Delete is a row of its own at the very bottom, not a button beside another. */
  {
    GtkWidget *button = veil_test_find_action_widget (page, "profile.delete", TRUE);
    GtkWidget *group = gtk_widget_get_ancestor (button, ADW_TYPE_PREFERENCES_GROUP);

    g_assert_nonnull (gtk_widget_get_ancestor (button, ADW_TYPE_ACTION_ROW));
    g_assert_null (veil_test_find_action_widget (group, "profile.save", FALSE));
    g_assert_true (gtk_widget_has_css_class (button, "destructive-action"));
    g_assert_false (gtk_widget_has_css_class (button, "pill"));
  }
  gtk_widget_activate_action (area, "guardian.show-list", NULL);
  g_assert_null (veil_test_find_dialog ());
  g_assert_null (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)));

  /* A number still resting, and a name typed: leaving applies both, without a question. */
  gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (noah));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (veil_test_find_descendant (page, GTK_TYPE_SPIN_BUTTON, "retention_spin")), 9);
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "name_row")), "Noah B.");
  g_assert_true (veil_profile_page_has_changes (VEIL_PROFILE_PAGE (page)));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_null (veil_test_find_dialog ());
  g_assert_null (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "guardian");
  saved = veil_test_app_lookup (fixture, "Noah B.");
  g_assert_nonnull (saved);
  g_assert_cmpuint (veil_profile_get_retention_days (saved), ==, 9);

  /* A year that cannot be saved: Escape on the question stays with the edit. */
  gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (noah));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  year = veil_test_find_descendant (page, ADW_TYPE_ENTRY_ROW, "birth_year_row");
  gtk_editable_set_text (GTK_EDITABLE (year), "1950");
  gtk_widget_activate_action (area, "guardian.show-list", NULL);
  dialog = g_object_ref (veil_test_find_dialog ());
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (veil_test_find_dialog ());
  veil_test_assert_finalized (dialog);
  g_assert_true (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)) == page);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (year)), ==, "1950");

  /* The header's Back asks too, instead of leaving for home with the edit. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "guardian");
  dialog = g_object_ref (veil_test_find_dialog ());
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  veil_test_assert_finalized (dialog);
  g_assert_true (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)) == page);

  /* Discard drops it. */
  gtk_widget_activate_action (area, "guardian.show-list", NULL);
  dialog = g_object_ref (veil_test_find_dialog ());
  adw_message_dialog_response (dialog, "discard");
  gtk_window_destroy (GTK_WINDOW (dialog));
  veil_test_assert_finalized (dialog);
  g_assert_null (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)));
  g_clear_pointer (&saved, veil_profile_unref);
  saved = veil_test_app_lookup (fixture, "Noah B.");
  g_assert_cmpint (veil_profile_get_birth_year (saved), ==, 0);
  g_assert_cmpuint (veil_profile_get_retention_days (saved), ==, 9);
}

static GtkWidget *
find_labelled_button (GtkWidget  *root,
                      const char *label)
{
  if (GTK_IS_BUTTON (root) && gtk_button_get_label (GTK_BUTTON (root)) != NULL &&
      g_str_equal (gtk_button_get_label (GTK_BUTTON (root)), label))
    return root;
  if (ADW_IS_BUTTON_CONTENT (root) && g_strcmp0 (adw_button_content_get_label (ADW_BUTTON_CONTENT (root)), label) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_labelled_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
header_title (VeilAppFixture *fixture)
{
  GtkWidget *header = veil_test_find_descendant (GTK_WIDGET (fixture->window), ADW_TYPE_HEADER_BAR, NULL);

  return adw_header_bar_get_title_widget (ADW_HEADER_BAR (header));
}

/* One way back: the header's Back goes up one level at a time (help page, profile, list,
 * home), the profile's views switch in the header, and no other back button is stacked on
 * the pages. */
static void
test_navigation (VeilAppFixture *fixture,
                 gconstpointer   data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  g_autoptr(VeilProfile) mia = NULL;
  GtkWidget *title, *bar;

  veil_test_guardian_fill_store (fixture);
  mia = veil_test_app_lookup (fixture, "Mia");
  veil_test_unlock_through_ui (fixture);
  g_assert_true (ADW_IS_WINDOW_TITLE (header_title (fixture)));
  g_assert_null (veil_guardian_area_get_title_widget (VEIL_GUARDIAN_AREA (area)));

  gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (mia));
  title = header_title (fixture);
  g_assert_true (ADW_IS_VIEW_SWITCHER_TITLE (title));
  g_assert_true (title == veil_guardian_area_get_title_widget (VEIL_GUARDIAN_AREA (area)));
  g_assert_cmpstr (adw_view_switcher_title_get_title (ADW_VIEW_SWITCHER_TITLE (title)), ==, "Mia");
  g_assert_nonnull (adw_view_switcher_title_get_stack (ADW_VIEW_SWITCHER_TITLE (title)));
  bar = veil_test_find_descendant (area, ADW_TYPE_VIEW_SWITCHER_BAR, NULL);
  g_assert_nonnull (bar);
  g_assert_null (find_labelled_button (area, "All _Children"));
  g_assert_null (find_labelled_button (area, "_Back to Alerts"));
  veil_test_app_screenshot (fixture, "guardian-navigation-profile");

  /* The guide on talking with the child, and back to the profile. */
  g_assert_true (gtk_widget_activate_action (area, "guardian.talking-help", NULL));
  g_assert_nonnull (veil_test_find_descendant (area, VEIL_TYPE_TALKING_HELP, NULL));
  g_assert_true (gtk_widget_get_mapped (veil_test_find_descendant (area, VEIL_TYPE_TALKING_HELP, NULL)));
  /* The profile's switcher leaves the header with the profile's views, and comes back with them. */
  g_assert_true (ADW_IS_WINDOW_TITLE (header_title (fixture)));
  veil_test_app_screenshot (fixture, "guardian-talking-help");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_nonnull (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "guardian");
  g_assert_true (header_title (fixture) == title);

  /* Back: to the list, and the window's own title returns. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "guardian");
  g_assert_null (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)));
  g_assert_true (ADW_IS_WINDOW_TITLE (header_title (fixture)));
  g_assert_null (adw_view_switcher_title_get_stack (ADW_VIEW_SWITCHER_TITLE (title)));

  /* Back again: home, locked. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  g_assert_false (veil_guardian_get_unlocked (veil_context_get_guardian (veil_test_app_get_context (fixture))));
}

static gboolean
queue_has_alert (gpointer data)
{
  return veil_review_queue_get_n_shown (data) > 0;
}

/* From an alert's card: the guide on talking with the child, then Back, one level at a time,
 * to the card, the alerts, the list of children. */
static void
test_card_help (VeilAppFixture *fixture,
                gconstpointer   data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(VeilVerdictBuilder) vb = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_classifier ("porn", 0.97, 0.70, "test-model", "1", "0000",
                                                             NULL, 0, 0);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page, *queue, *card, *button;
  AdwViewStack *views;

  veil_test_guardian_fill_store (fixture);
  mia = veil_test_app_lookup (fixture, "Mia");
  veil_verdict_builder_add_reason (vb, reason);
  verdict = veil_verdict_builder_build (vb);
  g_assert_cmpint (veil_store_record_message_alert (store, mia, "/home/mia/Downloads/sent.jpg", "Downloads", verdict,
                                                    NULL, TRUE, &error), >, 0);
  g_assert_no_error (error);
  veil_test_unlock_through_ui (fixture);

  gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (mia));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  views = ADW_VIEW_STACK (gtk_widget_get_parent (page));
  adw_view_stack_set_visible_child_name (views, "alerts");
  queue = adw_view_stack_get_child_by_name (views, "alerts");
  veil_test_wait_until (queue_has_alert, queue);
  g_assert_true (veil_review_queue_open_alert (VEIL_REVIEW_QUEUE (queue), 0));
  card = veil_test_find_descendant (queue, VEIL_TYPE_ALERT_CARD, NULL);
  g_assert_nonnull (card);
  veil_test_app_screenshot (fixture, "guardian-alert-card-in-area");

  button = veil_test_find_descendant (card, GTK_TYPE_BUTTON, "talking_button");
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  {
    GtkWidget *help = veil_test_find_descendant (area, VEIL_TYPE_TALKING_HELP, NULL);

    g_assert_true (gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (help))) == help);
  }

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_true (veil_test_find_descendant (queue, VEIL_TYPE_ALERT_CARD, NULL) == card);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_null (veil_test_find_descendant (queue, VEIL_TYPE_ALERT_CARD, NULL));
  g_assert_nonnull (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_null (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area)));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "guardian");
}

static void
expand_all (GtkWidget *root)
{
  if (ADW_IS_EXPANDER_ROW (root))
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (root), TRUE);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    expand_all (c);
}

/* The page is laid out no wider than the window it is in. */
static gboolean
allocated_narrow (gpointer data)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (data));

  return gtk_widget_get_width (data) > 0 && gtk_widget_get_width (window) <= 380 &&
         gtk_widget_get_width (data) <= gtk_widget_get_width (window);
}

/* In German, the longest of the translations, the profile's page fits a 360 px phone: no
 * part of it is wider than the window, with every expander open. Runs in a subprocess whose
 * language is German from the start (see main()). */
static void
test_german_narrow_child (VeilAppFixture *fixture,
                    gconstpointer   data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  g_autoptr(VeilProfile) noah = NULL;
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (fixture->window));
  GtkWidget *page;
  int min_width = 0;

  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Settings"), ==, "Einstellungen");
  veil_test_guardian_fill_store (fixture);
  noah = veil_test_app_lookup (fixture, "Noah");
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  veil_test_unlock_through_ui (fixture);
  gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (noah));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  expand_all (page);

  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_wait_until (allocated_narrow, page);
  veil_test_app_screenshot (fixture, "guardian-profile-de-360");

  /* So do the profile's other views. */
  for (const char * const *view = (const char * const[]) { "scan", "alerts", NULL }; *view != NULL; view++)
    {
      AdwViewStack *views = ADW_VIEW_STACK (gtk_widget_get_parent (page));

      adw_view_stack_set_visible_child_name (views, *view);
      expand_all (GTK_WIDGET (views));
      gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      g_assert_cmpint (min_width, <=, 360);
    }

  /* So do the guide on talking with the child and the Change PIN dialog. */
  g_assert_true (gtk_widget_activate_action (area, "guardian.talking-help", NULL));
  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_app_screenshot (fixture, "guardian-talking-help-de-360");
  g_assert_true (veil_guardian_area_go_back (VEIL_GUARDIAN_AREA (area)));
  g_assert_true (veil_guardian_area_go_back (VEIL_GUARDIAN_AREA (area)));
  g_assert_true (gtk_widget_activate_action (area, "guardian.change-pin", NULL));
  {
    GtkWidget *dialog = veil_test_find_change_pin_dialog ();

    g_assert_nonnull (dialog);
    gtk_widget_measure (dialog, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    g_assert_cmpint (min_width, <=, 360);
    veil_test_screenshot_window (dialog, "guardian-change-pin-de");
    veil_test_destroy_window (dialog);
  }
}

static void
test_german_narrow (void)
{
  g_test_trap_subprocess ("/veil/guardian-area/german-narrow/subprocess", 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static gboolean
notice_shown (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
notice_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static gboolean
has_audit (VeilStore  *store,
           const char *kind)
{
  g_autoptr(GPtrArray) entries = veil_store_list_audit (store, -1, 1000, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    if (g_str_equal (((VeilAuditEntry *) g_ptr_array_index (entries, i))->kind, kind))
      return TRUE;
  return FALSE;
}

/* A profile edited outside Veil while the application runs: the child and the guardian see
 * the dated notice on the home and transparency pages, protection stays as last verified,
 * and the guardian restores it after the VEIL_TEST_PIN, audited. */
static void
test_records_notice (VeilAppFixture *fixture,
                     gconstpointer   data)
{
  VeilContext *context = veil_test_app_get_context (fixture);
  VeilStore *store = veil_context_get_store (context);
  g_autofree char *db_path = g_build_filename (fixture->data_dir, "veil.db", NULL);
  g_autoptr(VeilProfile) noah = NULL;
  GtkWidget *home_notice, *page_notice, *entry;
  AdwMessageDialog *dialog;
  sqlite3 *db = NULL;

  veil_test_guardian_fill_store (fixture);
  home_notice = veil_test_find_descendant (GTK_WIDGET (fixture->window), VEIL_TYPE_RECORDS_NOTICE, "home_notice");
  page_notice = veil_test_find_descendant (veil_window_get_page (fixture->window, "transparency"),
                                           VEIL_TYPE_RECORDS_NOTICE, "records_notice");
  g_assert_nonnull (home_notice);
  g_assert_nonnull (page_notice);
  g_assert_false (gtk_widget_get_visible (home_notice));

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE profiles SET data = replace(data, '\"message-warnings\":true', "
                                     "'\"message-warnings\":false') WHERE name = 'Noah'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  /* Found by the application's own watch on the store, with nobody opening a profile. */
  veil_test_wait_until (notice_shown, home_notice);
  veil_test_wait_until (notice_shown, page_notice);
  {
    GtkWidget *label = veil_test_find_descendant (home_notice, GTK_TYPE_LABEL, "notice_label");
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "changed outside Veil on"));
  }
  noah = veil_test_app_lookup (fixture, "Noah");
  g_assert_true (veil_profile_get_protection_enabled (noah, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_clear_pointer (&noah, veil_profile_unref);

  /* The guardian answers: the PIN first, then restore. */
  g_assert_true (gtk_widget_activate_action (home_notice, "records.answer", NULL));
  veil_test_wait_until (veil_test_dialog_shown, NULL);
  dialog = veil_test_find_dialog ();
  g_assert_true (VEIL_IS_PIN_DIALOG (dialog));
  entry = veil_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), VEIL_TEST_PIN);
  adw_message_dialog_response (dialog, "unlock");
  veil_test_wait_until (choice_shown, NULL);
  dialog = veil_test_find_choice_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "changed outside Veil on"));
  adw_message_dialog_response (dialog, "restore");
  veil_test_wait_until (notice_hidden, home_notice);

  g_assert_false (gtk_widget_get_visible (page_notice));
  g_assert_false (veil_guardian_get_unlocked (veil_context_get_guardian (context)));
  g_assert_true (has_audit (store, "records-changed"));
  g_assert_true (has_audit (store, "records-restored"));
  noah = veil_test_app_lookup (fixture, "Noah");
  g_assert_cmpint (veil_profile_get_integrity (noah), ==, VEIL_PROFILE_INTEGRITY_OK);
  g_assert_true (veil_profile_get_protection_enabled (noah, VEIL_PROTECTION_MESSAGE_WARNINGS));
}

static void
assert_no_pixels (GtkWidget *root)
{
  /* Icons are fine; a picture of any kind is not. */
  g_assert_false (GTK_IS_PICTURE (root));
  g_assert_false (GTK_IS_DRAWING_AREA (root));
  if (GTK_IS_IMAGE (root))
    g_assert_true (gtk_image_get_storage_type (GTK_IMAGE (root)) == GTK_IMAGE_EMPTY ||
                   gtk_image_get_storage_type (GTK_IMAGE (root)) == GTK_IMAGE_ICON_NAME);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_no_pixels (child);
}

static void
test_transparency (VeilAppFixture     *fixture,
                   gconstpointer  data)
{
  GtkWidget *page = veil_window_get_page (fixture->window, "transparency");
  GtkWidget *ack = veil_window_get_page (fixture->window, "acknowledgment");
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(GBytes) thumbnail = g_bytes_new_static ("\x89PNG-BLURRED-THUMBNAIL", 22);
  g_autoptr(VeilVerdictBuilder) vb = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_classifier ("porn", 0.97, 0.70, "test-model", "1", "0000",
                                                             NULL, 0, 0);
  g_autoptr(VeilVerdict) verdict = NULL;
  VeilPdqHash hash = { { 1, 2, 3, 4 } };
  VeilFileStamp stamp = { 1, 2, 3, 4 };
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  VeilProtection protection;

  veil_test_guardian_fill_store (fixture);
  mia = veil_test_app_lookup (fixture, "Mia");
  g_assert_true (veil_store_acknowledge (store, mia, VEIL_PROTECTION_MESSAGE_WARNINGS,
                                         veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS), NULL));
  /* An alert as a folder check records it, and the check itself as the scanner notes it. */
  veil_verdict_builder_add_reason (vb, reason);
  veil_verdict_builder_set_hash (vb, &hash, 100);
  verdict = veil_verdict_builder_build (vb);
  g_assert_true (veil_store_record_file (store, "/home/mia/Pictures/a.jpg", &stamp, "test-model", verdict, NULL, NULL,
                                         mia, thumbnail, NULL, NULL, NULL));
  g_assert_true (veil_store_add_audit (store, veil_profile_get_id (mia), VEIL_ACTOR_VEIL, "scan",
                                       "/home/mia/Pictures, 120 pictures looked at", NULL));
  /* The guardian looked at the folder check's picture without the blur, as the card logs it. */
  g_assert_true (veil_store_add_audit (store, veil_profile_get_id (mia), VEIL_ACTOR_GUARDIAN, "alert-revealed", "", NULL));

  /* No PIN needed. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-transparency", NULL));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "transparency");
  g_assert_cmpstr (veil_profile_get_name (veil_transparency_page_get_profile (VEIL_TRANSPARENCY_PAGE (page))), ==, "Mia");
  while (g_main_context_iteration (NULL, FALSE))
    ;

  veil_test_collect_labels (page, text);
  g_test_message ("%s", text->str);
  g_assert_nonnull (strstr (text->str, "Message warnings"));
  g_assert_nonnull (strstr (text->str, "Telling the guardian"));
  g_assert_nonnull (strstr (text->str, "Not active yet"));           /* library scan, not yet read */
  g_assert_nonnull (strstr (text->str, "/home/mia/Pictures"));
  g_assert_nonnull (strstr (text->str, "A picture was blurred (library)."));
  g_assert_nonnull (strstr (text->str, "A picture folder check ran"));
  g_assert_nonnull (strstr (text->str, "The guardian created the profile “Mia”."));
  g_assert_nonnull (strstr (text->str, "The guardian looked at a blurred picture without the blur."));
  /* Words only: no scores, no reasons, no pictures. */
  g_assert_null (strstr (text->str, "0.97"));
  g_assert_null (strstr (text->str, "PNG"));
  assert_no_pixels (page);

  /* The child can read what is still waiting, from here. */
  gtk_widget_activate_action (page, "transparency.acknowledge", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "acknowledgment");
  g_assert_true (veil_acknowledgment_get_protection (VEIL_ACKNOWLEDGMENT (ack), &protection));
  g_assert_cmpint (protection, ==, VEIL_PROTECTION_LIBRARY_SCAN);
  assert_no_pixels (ack);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_ui (&argc, &argv);
  /* The German case runs in a subprocess. */
  veil_test_use_built_translations (g_test_subprocess ());
  if (!veil_test_app_start (FALSE))
    return 1;

#define ADD VEIL_TEST_APP_ADD
  ADD ("/veil/guardian-area/unlock", test_unlock);
  ADD ("/veil/guardian-area/edit-profile", test_edit_profile);
  ADD ("/veil/guardian-area/unsaved", test_unsaved);
  ADD ("/veil/guardian-area/german-narrow/subprocess", test_german_narrow_child);
  ADD ("/veil/guardian-area/tampered", test_tampered);
  ADD ("/veil/guardian-area/navigation", test_navigation);
  ADD ("/veil/guardian-area/card-help", test_card_help);
  ADD ("/veil/transparency/no-image-data", test_transparency);
  ADD ("/veil/records/notice", test_records_notice);
#undef ADD
  g_test_add_func ("/veil/guardian-area/german-narrow", test_german_narrow);

  return veil_test_app_run ();
}
