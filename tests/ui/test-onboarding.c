/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <libsecret/secret.h>
#include <unistd.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

/* The first run in the real application window under Xvfb, with a real gnome-keyring on a
 * private bus: the guardian sets a PIN, creates two children with different settings by
 * confirming age-band proposals one by one, and a child reads and acknowledges what is on.
 * Also: without a keyring, set-up refuses to start. */

#define PIN "482916"

typedef struct {
  VeilOnboarding *onboarding;
  const char     *step;
} StepWait;

static gboolean
step_reached (gpointer data)
{
  StepWait *w = data;
  return g_strcmp0 (veil_onboarding_get_step (w->onboarding), w->step) == 0;
}

static void
wait_for_step (VeilOnboarding *onboarding,
               const char     *step)
{
  StepWait w = { onboarding, step };
  veil_test_wait_until (step_reached, &w);
}

static gboolean
is_active (VeilAppFixture      *fixture,
           VeilProfile    *profile,
           VeilProtection  protection)
{
  VeilProtectionStatus status;

  g_assert_true (veil_store_get_protection_status (veil_context_get_store (veil_test_app_get_context (fixture)),
                                                   profile, protection, &status, NULL));
  return status.active;
}

/* Leaves on exactly the proposal rows for @keys; returns how many proposals were offered. */
static guint
confirm_proposals (GtkWidget           *onboarding,
                   const char * const  *keys)
{
  GtkWidget *group = veil_test_find_descendant (onboarding, ADW_TYPE_PREFERENCES_GROUP, "proposals_group");
  GtkWidget *list;
  guint n_rows = 0;

  g_assert_nonnull (group);
  list = veil_test_find_descendant (group, GTK_TYPE_LIST_BOX, NULL);
  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
      {
        const VeilProposal *p;

        if (!VEIL_IS_PROPOSAL_ROW (row))
          continue;
        p = veil_proposal_row_get_proposal (VEIL_PROPOSAL_ROW (row));
        n_rows++;
        /* The suggested ones start on, and say they are suggested. */
        g_assert_cmpint (veil_proposal_row_get_active (VEIL_PROPOSAL_ROW (row)), ==, p->suggested);
        g_assert_cmpint (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Suggested for this age") == 0,
                         ==, p->suggested);
        veil_proposal_row_set_active (VEIL_PROPOSAL_ROW (row), g_strv_contains (keys, p->key));
      }
  return n_rows;
}

/* The guardian names trusted adults (one added, one removed, one left typed in the fields)
 * and chooses a folder for messages and one to check, as the folder chooser would. */
static void
add_people_and_folders (GtkWidget  *onboarding,
                        const char *folder)
{
  GtkWidget *setup = veil_test_find_descendant (onboarding, VEIL_TYPE_CHILD_SETUP, "child_setup");
  GtkWidget *name = veil_test_find_descendant (setup, ADW_TYPE_ENTRY_ROW, "adult_name_row");
  GtkWidget *contact = veil_test_find_descendant (setup, ADW_TYPE_ENTRY_ROW, "adult_contact_row");
  GtkWidget *add = veil_test_find_descendant (setup, GTK_TYPE_BUTTON, "add_adult_button");
  GtkWidget *list, *remove = NULL;

  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL));
  gtk_editable_set_text (GTK_EDITABLE (name), "Aunt Sam");
  gtk_editable_set_text (GTK_EDITABLE (contact), "555-0100");
  g_signal_emit_by_name (add, "clicked");
  gtk_editable_set_text (GTK_EDITABLE (name), "Uncle Tom");
  g_signal_emit_by_name (add, "clicked");
  g_assert_cmpuint (veil_child_setup_get_n_adults (VEIL_CHILD_SETUP (setup)), ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "");

  /* Each added adult can be removed again; its button says whom it removes. */
  list = veil_test_find_descendant (setup, GTK_TYPE_LIST_BOX, NULL);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Uncle Tom") == 0)
      remove = veil_test_find_descendant (row, GTK_TYPE_BUTTON, NULL);
  g_assert_true (GTK_IS_BUTTON (remove));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_signal_emit_by_name (remove, "clicked");
  g_assert_cmpuint (veil_child_setup_get_n_adults (VEIL_CHILD_SETUP (setup)), ==, 1);

  gtk_editable_set_text (GTK_EDITABLE (name), "Coach Lee");
  gtk_editable_set_text (GTK_EDITABLE (contact), "lee@example.org");
  veil_child_setup_add_folder (VEIL_CHILD_SETUP (setup), "messages", folder);
  veil_child_setup_add_folder (VEIL_CHILD_SETUP (setup), "pictures", folder);
}

static void
test_first_run (VeilAppFixture     *fixture,
                gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *onboarding = veil_window_get_page (fixture->window, "onboarding");
  GtkWidget *pin_row = veil_test_find_descendant (onboarding, ADW_TYPE_PASSWORD_ENTRY_ROW, "pin_row");
  GtkWidget *confirm_row = veil_test_find_descendant (onboarding, ADW_TYPE_PASSWORD_ENTRY_ROW, "confirm_row");
  GtkWidget *pin_error = veil_test_find_descendant (onboarding, GTK_TYPE_LABEL, "pin_error");
  GtkWidget *name_row = veil_test_find_descendant (onboarding, ADW_TYPE_ENTRY_ROW, "name_row");
  GtkWidget *age_row = veil_test_find_descendant (onboarding, ADW_TYPE_COMBO_ROW, "age_row");
  GtkWidget *account_row = veil_test_find_descendant (onboarding, ADW_TYPE_COMBO_ROW, "account_row");
  GtkWidget *ack = veil_window_get_page (fixture->window, "acknowledgment");
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilProfile) noah = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *folder = veil_test_make_tmpdir ();
  gboolean has_pin = TRUE;
  VeilProtection protection;

  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "welcome");

  /* "Set Up Veil" opens the onboarding, which starts by explaining Veil. */
  g_assert_true (gtk_widget_activate_action (window, "win.setup", NULL));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "onboarding");
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "intro");
  veil_test_app_screenshot (fixture, "onboarding-1-intro");
  {
    g_autoptr(GString) text = g_string_new (NULL);

    /* "Hide warned pictures" moves files: the intro must not promise otherwise. */
    veil_test_collect_labels (onboarding, text);
    g_assert_null (strstr (text->str, "never changes or deletes files"));
    g_assert_nonnull (strstr (text->str, "Hide warned pictures"));
  }
  g_assert_true (gtk_widget_activate_action (onboarding, "onboarding.start", NULL));
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "pin");
  veil_test_app_screenshot (fixture, "onboarding-2-pin");

  /* A PIN that is too short, or typed differently twice, is refused with a reason. */
  gtk_editable_set_text (GTK_EDITABLE (pin_row), "1234");
  gtk_editable_set_text (GTK_EDITABLE (confirm_row), "1234");
  gtk_widget_activate_action (onboarding, "onboarding.set-pin", NULL);
  g_assert_true (veil_test_label_visible (pin_error));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (pin_error)), "too short"));
  gtk_editable_set_text (GTK_EDITABLE (pin_row), PIN);
  gtk_editable_set_text (GTK_EDITABLE (confirm_row), "482917");
  gtk_widget_activate_action (onboarding, "onboarding.set-pin", NULL);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (pin_error)), "not the same"));
  g_assert_true (veil_guardian_has_pin (guardian, &has_pin, NULL, NULL));
  g_assert_false (has_pin);

  gtk_editable_set_text (GTK_EDITABLE (confirm_row), PIN);
  gtk_widget_activate_action (onboarding, "onboarding.set-pin", NULL);
  wait_for_step (VEIL_ONBOARDING (onboarding), "profile");
  g_assert_true (veil_guardian_has_pin (guardian, &has_pin, NULL, NULL));
  g_assert_true (has_pin);

  /* First child: Mia, under 13. Two of the proposals are confirmed, the rest stay off. */
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Mia");
  adw_combo_row_set_selected (ADW_COMBO_ROW (age_row), 0);
  gtk_widget_activate_action (onboarding, "onboarding.create-profile", NULL);
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "defaults");
  g_assert_cmpuint (confirm_proposals (onboarding, (const char *[]) { "message-warnings", "library-scan", NULL }), ==, 6);
  veil_test_app_screenshot (fixture, "onboarding-3-defaults");
  add_people_and_folders (onboarding, folder);
  veil_test_screenshot_of (veil_test_find_descendant (onboarding, VEIL_TYPE_CHILD_SETUP, "child_setup"),
                           "onboarding-3b-people-and-folders");
  {
    AdwStyleManager *style = adw_style_manager_get_default ();
    int min_width = 0;

    /* Narrow and dark, the new step still fits. */
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    g_assert_cmpint (min_width, <=, 360);
    veil_test_app_screenshot (fixture, "onboarding-3b-people-and-folders-dark");
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  }
  gtk_widget_activate_action (onboarding, "onboarding.save-profile", NULL);
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "done");
  {
    GtkWidget *done = veil_test_find_descendant (onboarding, ADW_TYPE_STATUS_PAGE, "done_page");

    /* Not "ready": Mia has still to read both protections. */
    g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (done)), !=, "Mia Is Ready");
    g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (done)),
                              "Waiting for Mia to read 2 protections"));
  }
  veil_test_app_screenshot (fixture, "onboarding-4-done");

  /* Second child: Noah, 13 to 15, with different choices. */
  gtk_widget_activate_action (onboarding, "onboarding.add-another", NULL);
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "profile");
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Noah");
  adw_combo_row_set_selected (ADW_COMBO_ROW (age_row), 1);
  gtk_widget_activate_action (onboarding, "onboarding.create-profile", NULL);
  g_assert_cmpuint (confirm_proposals (onboarding, (const char *[]) { "message-warnings", "sensitivity", "notify", NULL }), ==, 4);
  gtk_widget_activate_action (onboarding, "onboarding.save-profile", NULL);
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "done");

  profiles = veil_store_list_profiles (veil_context_get_store (veil_test_app_get_context (fixture)), NULL);
  g_assert_cmpuint (profiles->len, ==, 2);
  mia = veil_test_app_lookup (fixture, "Mia");
  noah = veil_test_app_lookup (fixture, "Noah");
  g_assert_true (veil_profile_get_protection_enabled (mia, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_assert_true (veil_profile_get_protection_enabled (mia, VEIL_PROTECTION_LIBRARY_SCAN));
  g_assert_false (veil_profile_get_protection_enabled (mia, VEIL_PROTECTION_GUARDIAN_ALERTS)); /* not confirmed */
  g_assert_cmpint (veil_profile_get_sensitivity (mia), ==, VEIL_SENSITIVITY_STANDARD);            /* not confirmed */
  /* Switches left off turn things off. */
  g_assert_false (veil_profile_get_view_needs_pin (mia));
  g_assert_cmpint (veil_profile_get_notify (mia), ==, VEIL_NOTIFY_NOBODY);
  g_assert_cmpint (veil_profile_get_unchecked_rule (mia), ==, VEIL_UNCHECKED_RULE_ALLOW);
  /* The trusted adults and folders asked for, the removed adult gone. */
  {
    const char *name = NULL, *contact = NULL;

    g_assert_cmpuint (veil_profile_get_n_trusted_adults (mia), ==, 2);
    veil_profile_get_trusted_adult (mia, 0, &name, &contact);
    g_assert_cmpstr (name, ==, "Aunt Sam");
    g_assert_cmpstr (contact, ==, "555-0100");
    veil_profile_get_trusted_adult (mia, 1, &name, &contact);
    g_assert_cmpstr (name, ==, "Coach Lee");
    g_assert_cmpstr (contact, ==, "lee@example.org");
    g_assert_cmpstr (veil_profile_get_message_folders (mia)[0], ==, folder);
    g_assert_null (veil_profile_get_message_folders (mia)[1]);
    g_assert_cmpstr (veil_profile_get_folders (mia)[0], ==, folder);
  }
  /* The next child starts with nobody and the usual folders. */
  g_assert_cmpuint (veil_profile_get_n_trusted_adults (noah), ==, 0);
  g_assert_cmpint (veil_profile_get_age_band (noah), ==, VEIL_AGE_BAND_13_15);
  g_assert_false (veil_profile_get_protection_enabled (noah, VEIL_PROTECTION_LIBRARY_SCAN));
  g_assert_cmpint (veil_profile_get_sensitivity (noah), ==, VEIL_SENSITIVITY_STRICT);
  g_assert_cmpint (veil_profile_get_notify (noah), ==, VEIL_NOTIFY_NOBODY);
  g_assert_false (veil_profile_get_view_needs_pin (noah));                                       /* not offered: off */
  g_assert_cmpint (veil_profile_get_integrity (noah), ==, VEIL_PROFILE_INTEGRITY_OK);
  /* Message warnings need a linked account: this one for the first child, by default... */
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (ADW_COMBO_ROW (account_row))), 0),
                   ==, g_get_user_name ());
  g_assert_cmpstr (veil_profile_get_unix_user (mia), ==, g_get_user_name ());
  /* ...and for the next, another account if there is one, since one account serves one child. */
  if (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (account_row))) > 1)
    g_assert_cmpstr (veil_profile_get_unix_user (noah), !=, g_get_user_name ());
  else
    g_assert_cmpstr (veil_profile_get_unix_user (noah), ==, g_get_user_name ());
  /* Turned on, but nothing is active before the child has read it. */
  g_assert_false (is_active (fixture, noah, VEIL_PROTECTION_MESSAGE_WARNINGS));

  /* Hand over to Noah: guardian settings lock, and Noah reads what is on. */
  g_assert_true (veil_guardian_get_unlocked (guardian));
  gtk_widget_activate_action (onboarding, "onboarding.show-child", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "acknowledgment");
  g_assert_false (veil_guardian_get_unlocked (guardian));
  g_assert_true (veil_acknowledgment_get_protection (VEIL_ACKNOWLEDGMENT (ack), &protection));
  g_assert_cmpint (protection, ==, VEIL_PROTECTION_MESSAGE_WARNINGS);
  {
    g_autoptr(GString) text = g_string_new (NULL);
    veil_test_collect_labels (ack, text);
    g_assert_nonnull (strstr (text->str, "Hi Noah"));
    g_assert_nonnull (strstr (text->str, "No picture ever leaves this computer"));
    g_assert_nonnull (strstr (text->str, "Nobody is told"));
  }
  veil_test_app_screenshot (fixture, "onboarding-5-acknowledgment");
  /* A teen may ask for a review; that is logged and turns nothing on. */
  gtk_widget_activate_action (ack, "ack.review", NULL);
  g_assert_false (is_active (fixture, noah, VEIL_PROTECTION_MESSAGE_WARNINGS));

  gtk_widget_activate_action (ack, "ack.accept", NULL);
  g_assert_false (veil_acknowledgment_get_protection (VEIL_ACKNOWLEDGMENT (ack), NULL));
  g_assert_true (is_active (fixture, noah, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_assert_false (is_active (fixture, mia, VEIL_PROTECTION_MESSAGE_WARNINGS));

  /* Done: the child lands on the transparency page, which shows the protection as on. */
  gtk_widget_activate_action (ack, "ack.done", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "transparency");
  /* ...showing Noah's own page, not the first profile's. */
  g_assert_cmpstr (veil_profile_get_name (veil_transparency_page_get_profile (
                     VEIL_TRANSPARENCY_PAGE (veil_window_get_page (fixture->window, "transparency")))), ==, "Noah");
  veil_test_app_screenshot (fixture, "onboarding-6-transparency");
}

static void
test_back_locks (VeilAppFixture     *fixture,
                 gconstpointer  data)
{
  GtkWidget *onboarding = veil_window_get_page (fixture->window, "onboarding");
  GtkWidget *pin_row = veil_test_find_descendant (onboarding, ADW_TYPE_PASSWORD_ENTRY_ROW, "pin_row");
  GtkWidget *confirm_row = veil_test_find_descendant (onboarding, ADW_TYPE_PASSWORD_ENTRY_ROW, "confirm_row");
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.setup", NULL);
  gtk_widget_activate_action (onboarding, "onboarding.start", NULL);
  gtk_editable_set_text (GTK_EDITABLE (pin_row), PIN);
  gtk_editable_set_text (GTK_EDITABLE (confirm_row), PIN);
  gtk_widget_activate_action (onboarding, "onboarding.set-pin", NULL);
  wait_for_step (VEIL_ONBOARDING (onboarding), "profile");
  g_assert_true (veil_guardian_get_unlocked (guardian));

  /* Leaving set-up half-way locks guardian settings; no profile exists, so home is welcome. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  g_assert_false (veil_guardian_get_unlocked (guardian));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "welcome");

  /* Set up again: the PIN exists, so Veil asks for it instead of a new one. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.setup", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "lock");
}

/* A teen with every switch left off: the guardian is told, nothing else is on. */
static void
test_switches_off (VeilAppFixture *fixture,
                   gconstpointer   data)
{
  GtkWidget *onboarding = veil_window_get_page (fixture->window, "onboarding");
  GtkWidget *pin_row = veil_test_find_descendant (onboarding, ADW_TYPE_PASSWORD_ENTRY_ROW, "pin_row");
  GtkWidget *confirm_row = veil_test_find_descendant (onboarding, ADW_TYPE_PASSWORD_ENTRY_ROW, "confirm_row");
  GtkWidget *name_row = veil_test_find_descendant (onboarding, ADW_TYPE_ENTRY_ROW, "name_row");
  GtkWidget *age_row = veil_test_find_descendant (onboarding, ADW_TYPE_COMBO_ROW, "age_row");
  g_autoptr(VeilProfile) lea = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.setup", NULL);
  gtk_widget_activate_action (onboarding, "onboarding.start", NULL);
  gtk_editable_set_text (GTK_EDITABLE (pin_row), PIN);
  gtk_editable_set_text (GTK_EDITABLE (confirm_row), PIN);
  gtk_widget_activate_action (onboarding, "onboarding.set-pin", NULL);
  wait_for_step (VEIL_ONBOARDING (onboarding), "profile");

  gtk_editable_set_text (GTK_EDITABLE (name_row), "Lea");
  adw_combo_row_set_selected (ADW_COMBO_ROW (age_row), 1);
  gtk_widget_activate_action (onboarding, "onboarding.create-profile", NULL);
  veil_test_collect_labels (onboarding, text);
  g_assert_null (strstr (text->str, "everything else stays off"));
  g_assert_cmpuint (confirm_proposals (onboarding, (const char *[]) { NULL }), ==, 4);
  gtk_widget_activate_action (onboarding, "onboarding.save-profile", NULL);
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "done");

  lea = veil_test_app_lookup (fixture, "Lea");
  g_assert_cmpint (veil_profile_get_notify (lea), ==, VEIL_NOTIFY_GUARDIAN);
  g_assert_false (veil_profile_get_protection_enabled (lea, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_assert_false (veil_profile_get_protection_enabled (lea, VEIL_PROTECTION_LIBRARY_SCAN));
  g_assert_false (veil_profile_get_view_needs_pin (lea));
  g_assert_cmpint (veil_profile_get_sensitivity (lea), ==, VEIL_SENSITIVITY_STANDARD);
  g_assert_cmpint (veil_profile_get_unchecked_rule (lea), ==, VEIL_UNCHECKED_RULE_BLUR);
}

/* German and 360 px wide, in a child process that is German throughout (see main()): the
 * new step of the onboarding, its done page and home's status line, from the window. */
static void
test_german_narrow_child (VeilAppFixture *fixture,
                          gconstpointer   data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *onboarding = veil_window_get_page (fixture->window, "onboarding");
  GtkWidget *setup = veil_test_find_descendant (onboarding, VEIL_TYPE_CHILD_SETUP, "child_setup");
  int min_width = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_widget_activate_action (window, "win.setup", NULL);
  gtk_widget_activate_action (onboarding, "onboarding.start", NULL);
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (onboarding, ADW_TYPE_PASSWORD_ENTRY_ROW, "pin_row")), PIN);
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (onboarding, ADW_TYPE_PASSWORD_ENTRY_ROW, "confirm_row")), PIN);
  gtk_widget_activate_action (onboarding, "onboarding.set-pin", NULL);
  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  wait_for_step (VEIL_ONBOARDING (onboarding), "profile");
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (onboarding, ADW_TYPE_ENTRY_ROW, "name_row")), "Mia");
  gtk_widget_activate_action (onboarding, "onboarding.create-profile", NULL);
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "defaults");

  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (setup, ADW_TYPE_ENTRY_ROW, "adult_name_row")), "Tante Sam");
  gtk_editable_set_text (GTK_EDITABLE (veil_test_find_descendant (setup, ADW_TYPE_ENTRY_ROW, "adult_contact_row")),
                         "sam@example.org");
  gtk_widget_activate_action (setup, "child-setup.add-adult", NULL);
  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_screenshot_of (setup, "onboarding-3b-people-and-folders-de-narrow");

  gtk_widget_activate_action (onboarding, "onboarding.save-profile", NULL);
  g_assert_cmpstr (veil_onboarding_get_step (VEIL_ONBOARDING (onboarding)), ==, "done");
  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_app_screenshot (fixture, "onboarding-4-done-de-narrow");
  gtk_widget_activate_action (onboarding, "onboarding.finish", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_app_screenshot (fixture, "home-status-de-narrow");
}

static void
test_german_narrow (void)
{
  /* The child process reads this to be German with a keyring, not the keyring-missing one. */
  g_setenv ("VEIL_TEST_GERMAN", "1", TRUE);
  g_test_trap_subprocess ("/veil/onboarding/german-narrow/subprocess", 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("VEIL_TEST_GERMAN");
  g_test_trap_assert_passed ();
}

/* Runs in a child process whose session bus has no Secret Service (see main()). */
static void
test_keyring_missing_child (VeilAppFixture     *fixture,
                            gconstpointer  data)
{
  GtkWidget *error_page = veil_test_find_descendant (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE, "error_page");

  g_assert_nonnull (veil_context_get_keyring_error (veil_test_app_get_context (fixture)));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.setup", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "error");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (error_page)), ==, "Guardian Settings Are Closed");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (error_page)), "cannot reach the keyring"));
  g_printerr ("%s\n", adw_status_page_get_description (ADW_STATUS_PAGE (error_page)));
}

static void
test_keyring_missing (void)
{
  g_test_trap_subprocess ("/veil/onboarding/keyring-missing/subprocess", 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*cannot reach the keyring*");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GTestDBus) bus = NULL;
  int ret;

  veil_test_init_ui (&argc, &argv);
  /* GTK's test accessibility backend keeps the labels screen readers would be told. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  /* The built translations; the German child process is German throughout, as GLib decides
   * once per process whether to translate. */
  veil_test_use_built_translations (g_test_subprocess () && g_getenv ("VEIL_TEST_GERMAN") != NULL);

  /* The keyring-missing child gets a session bus of its own, without a Secret Service,
   * before anything connects to the bus. */
  if (!g_test_subprocess () || g_getenv ("VEIL_TEST_GERMAN") != NULL)
    veil_test_keyring_start ();
  else
    {
      g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

      bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (bus);
      /* GTestDBus hides the X display (against D-Bus autolaunch); the UI needs it back. */
      if (display != NULL)
        g_setenv ("DISPLAY", display, TRUE);
    }

  if (!veil_test_app_init ())
    return 1;

#define ADD VEIL_TEST_APP_ADD
  ADD ("/veil/onboarding/first-run", test_first_run);
  ADD ("/veil/onboarding/back-locks", test_back_locks);
  ADD ("/veil/onboarding/switches-off", test_switches_off);
  ADD ("/veil/onboarding/keyring-missing/subprocess", test_keyring_missing_child);
  ADD ("/veil/onboarding/german-narrow/subprocess", test_german_narrow_child);
#undef ADD
  g_test_add_func ("/veil/onboarding/keyring-missing", test_keyring_missing);
  g_test_add_func ("/veil/onboarding/german-narrow", test_german_narrow);

  ret = g_test_run ();
  veil_test_app_shutdown ();
  veil_test_keyring_stop ();
  if (bus != NULL)
    {
      /* Tearing the bus down would wait for libsecret to drop its connection, which it keeps
       * for the whole process: stop the daemon and leave. */
      g_test_dbus_stop (bus);
      _exit (ret);
    }
  return ret;
}
