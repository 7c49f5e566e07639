/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-alerts.h"
#include "veil-test-utils.h"

/* Where a child turns from a warning in the real application window: Tell a Trusted Adult
 * (each contact copied, called, texted or written to, only on the child's click; a help
 * request only when the child agrees) and Get Help (a page of its own with the worldwide
 * line built in, left with Back or Escape). Also in German at 360 px, in a subprocess that
 * is German throughout. */

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

static void
test_tell_trusted_adult (VeilAppFixture *fixture,
                         gconstpointer   data)
{
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on",
                                              "trusted-adult", "Aunt Sam:555-0100",
                                              "trusted-adult", "Coach Lee:lee@example.org",
                                              "trusted-adult", "Grandpa:at the bakery", NULL);
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_free);
  g_auto(VeilTestAlerted) alerted = { 0 };
  g_autoptr(GPtrArray) reports = NULL;
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;
  VeilReportEntry *entry;
  VeilAlertView *view;

  veil_test_alerts_record (fixture, teen, FALSE, 10, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);

  /* The adults and how to reach them; "Not now" places nothing. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.tell", NULL);
  dialog = veil_test_wait_for_dialog ();
  text = veil_test_dialog_text (dialog);
  g_assert_nonnull (strstr (text, "Aunt Sam"));
  g_assert_nonnull (strstr (text, "555-0100"));
  veil_test_screenshot_window (GTK_WIDGET (dialog), "alert-view-tell");

  /* Each contact can be copied; a phone number can be called or texted and an email address
   * written to, opened only by the child's click. */
  g_signal_connect (view, "open-link", G_CALLBACK (veil_test_alerts_open_link_cb), opened);
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
    /* The button says so. */
    g_assert_cmpstr (gtk_button_get_icon_name (buttons->pdata[4]), ==, "object-select-symbolic");
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
  g_assert_null (veil_test_find_dialog ());
  veil_test_assert_finalized (dialog);
  reports = veil_store_list_reports (store, veil_profile_get_id (teen), NULL);
  g_assert_cmpuint (reports->len, ==, 0);
  g_clear_pointer (&reports, g_ptr_array_unref);

  /* Only when the child agrees is a help request placed in the guardian's queue. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.tell", NULL);
  veil_test_respond (veil_test_wait_for_dialog (), "ask");
  reports = veil_store_list_reports (store, veil_profile_get_id (teen), NULL);
  g_assert_cmpuint (reports->len, ==, 1);
  entry = reports->pdata[0];
  g_assert_cmpint (veil_report_get_kind (entry->report), ==, VEIL_REPORT_KIND_HELP_REQUEST);
  g_assert_cmpint (veil_report_get_reporter (entry->report), ==, VEIL_REPORTER_CHILD);
  g_assert_cmpstr (veil_report_get_source_name (entry->report), ==, "Downloads");
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
  g_assert_null (veil_test_find_dialog ());
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
  g_autoptr(VeilProfile) teen = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on", NULL);
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  GtkWidget *page;
  VeilAlertView *view;
  const char *url;

  veil_test_alerts_record (fixture, teen, FALSE, 12, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  g_signal_connect (view, "open-link", G_CALLBACK (veil_test_alerts_open_link_cb), opened);

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
  g_autoptr(VeilProfile) young = veil_test_alerts_save_profile (fixture, "Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("VEIL_HELP_RESOURCES"));
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  GtkWidget *page;
  VeilAlertView *view;

  g_setenv ("VEIL_HELP_RESOURCES", "/nonexistent/help-resources.xml", TRUE);
  veil_test_alerts_record (fixture, young, FALSE, 29, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  page = open_help (view);
  collect_buttons (page, buttons);
  veil_test_collect_labels (page, text);
  g_assert_null (strstr (text->str, "Reinstall"));
  g_assert_cmpuint (count_in (text->str, "Child Helpline International"), ==, 1);
  g_assert_cmpuint (buttons->len, >, 0);
  g_setenv ("VEIL_HELP_RESOURCES", saved, TRUE);
  press_escape_on_help (view, page);
}

/* German, narrow and dark: the warning, its help page and the trusted adults fit 360 px. */
static void
test_german_narrow_child (VeilAppFixture *fixture,
                          gconstpointer   data)
{
  g_autoptr(VeilProfile) young = veil_test_alerts_save_profile (fixture, "Mia", "age-band", "under-13",
                                                                "message-warnings", "on",
                                                                "trusted-adult", "Tante Sam:+49 30 123456", NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  VeilAlertView *view;
  GtkWidget *page;
  int min_width = 0;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  veil_test_alerts_record (fixture, young, FALSE, 31, &alerted);
  view = veil_test_alerts_open (fixture, alerted.alert_id);
  veil_test_collect_labels (GTK_WIDGET (view), text);
  g_assert_nonnull (strstr (text->str, "Hilfe holen"));
  gtk_widget_measure (GTK_WIDGET (fixture->window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_app_screenshot (fixture, "alert-view-de-narrow");

  page = open_help (view);
  gtk_widget_measure (GTK_WIDGET (fixture->window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  veil_test_screenshot_of (page, "alert-view-help-de-narrow");
  press_escape_on_help (view, page);

  gtk_widget_activate_action (GTK_WIDGET (view), "alert.tell", NULL);
  veil_test_screenshot_window (GTK_WIDGET (veil_test_wait_for_dialog ()), "alert-view-tell-de-narrow");
  veil_test_respond (veil_test_find_dialog (), "close");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.get-help", NULL);
  veil_test_screenshot_of (page, "alert-view-help-de-narrow-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_german_narrow (void)
{
  g_test_trap_subprocess ("/veil/alert-help/german-narrow/subprocess", 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_ui (&argc, &argv);
  /* The German case runs in a subprocess. */
  veil_test_use_built_translations (g_test_subprocess ());
  if (!veil_test_app_start (TRUE))
    return 1;

#define ADD VEIL_TEST_APP_ADD
  ADD ("/veil/alert-help/tell-trusted-adult", test_tell_trusted_adult);
  ADD ("/veil/alert-help/get-help", test_get_help);
  ADD ("/veil/alert-help/get-help-missing", test_get_help_missing);
  ADD ("/veil/alert-help/german-narrow/subprocess", test_german_narrow_child);
#undef ADD
  g_test_add_func ("/veil/alert-help/german-narrow", test_german_narrow);

  return veil_test_app_run ();
}
