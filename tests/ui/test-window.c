/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <sys/mount.h>
#include <unistd.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-utils.h"

/* Runs the real VeilApplication and its main window under a real display (Xvfb in CI). */

typedef struct {
  VeilApplication *app;
  VeilWindow      *window;
} WindowFixture;

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  WindowFixture *fixture = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (VEIL_IS_WINDOW (l->data))
      fixture->window = l->data;

  /* Keep the application alive after activate returns; the tests release it. */
  g_application_hold (app);
}

/* A GApplication registers once per process, so all cases share one; each case gets a
 * fresh main window. */
static VeilApplication *shared_app;

static void
fixture_setup (WindowFixture *fixture,
               gconstpointer  data)
{
  gulong id;

  fixture->app = shared_app;
  id = g_signal_connect_after (fixture->app, "activate", G_CALLBACK (activate_cb), fixture);
  g_application_activate (G_APPLICATION (fixture->app));
  g_signal_handler_disconnect (fixture->app, id);

  g_assert_nonnull (fixture->window);
}

static void
fixture_teardown (WindowFixture *fixture,
                  gconstpointer  data)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (fixture->app))) != NULL)
    veil_test_destroy_window (windows->data);

  g_application_release (G_APPLICATION (fixture->app));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
find_descendant (GtkWidget *root,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_window_title (WindowFixture *fixture,
                   gconstpointer  data)
{
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Veil");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
}

static void
test_window_empty_state (WindowFixture *fixture,
                         gconstpointer  data)
{
  GtkWidget *page = find_descendant (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE);
  GtkWidget *button;

  g_assert_nonnull (page);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page)), ==, "Welcome to Veil");
  g_assert_true (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), "on this computer") != NULL);

  button = adw_status_page_get_child (ADW_STATUS_PAGE (page));
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Set Up Veil");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.setup");

  /* The button does something a person can see: the toast tells what comes next. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.setup", NULL));
}

static gboolean
menu_has_action (GMenuModel *model,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      GMenuModel *section;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;

      section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      if (section != NULL)
        {
          gboolean found = menu_has_action (section, action);
          g_object_unref (section);
          if (found)
            return TRUE;
        }
    }

  return FALSE;
}

static void
test_window_primary_menu (WindowFixture *fixture,
                          gconstpointer  data)
{
  GtkWidget *button = find_descendant (GTK_WIDGET (fixture->window), GTK_TYPE_MENU_BUTTON);
  GMenuModel *menu;

  g_assert_nonnull (button);
  g_assert_true (gtk_menu_button_get_primary (GTK_MENU_BUTTON (button)));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);

  g_assert_true (menu_has_action (menu, "app.preferences"));
  g_assert_true (menu_has_action (menu, "win.show-help-overlay"));
  g_assert_true (menu_has_action (menu, "app.about"));

  /* The actions behind the menu exist and are enabled. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->app), "preferences"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->app), "quit"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "show-help-overlay"));
}

static void
test_window_preferences_and_about (WindowFixture *fixture,
                                   gconstpointer  data)
{
  GSettings *settings = veil_application_get_settings (fixture->app);
  gboolean found_prefs = FALSE, found_about = FALSE;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);

  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    {
      if (VEIL_IS_PREFERENCES_WINDOW (l->data))
        {
          GtkWidget *sw = find_descendant (l->data, GTK_TYPE_SWITCH);

          found_prefs = TRUE;
          /* The switch is bound to the setting both ways. */
          g_assert_nonnull (sw);
          g_settings_set_boolean (settings, "show-notifications", FALSE);
          g_assert_false (gtk_switch_get_active (GTK_SWITCH (sw)));
          gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
          g_assert_true (g_settings_get_boolean (settings, "show-notifications"));
          veil_test_destroy_window (l->data);
        }
      else if (ADW_IS_ABOUT_WINDOW (l->data))
        {
          found_about = TRUE;
          g_assert_cmpstr (adw_about_window_get_application_name (l->data), ==, "Veil");
          g_assert_cmpstr (adw_about_window_get_version (l->data), ==, PACKAGE_VERSION);
          veil_test_destroy_window (l->data);
        }
    }

  g_assert_true (found_prefs);
  g_assert_true (found_about);
}

static void
test_window_narrow (WindowFixture *fixture,
                    gconstpointer  data)
{
  int min_width = 0;

  /* The HIG's smallest phone-sized width: the window must be able to go down to 360 px. */
  gtk_widget_measure (GTK_WIDGET (fixture->window), GTK_ORIENTATION_HORIZONTAL, -1,
                      &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
}

static void
store_failed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (veil_context_load_finish (VEIL_CONTEXT (source), result, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_READ_ONLY);
  *(gboolean *) user_data = TRUE;
}

/* A data folder on a disk mounted read-only: the window says so, and never calls the data
 * damaged or blames other Veil windows. */
static void
test_window_read_only (WindowFixture *fixture,
                       gconstpointer  data)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "veil.db", NULL);
  g_autoptr(VeilContext) context = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *page;
  gboolean loaded = FALSE;

  if (geteuid () != 0)
    {
      g_test_skip ("A read-only mount needs root; chmod cannot stop root from writing");
      veil_test_rm_rf (dir);
      return;
    }
  if (mount ("tmpfs", dir, "tmpfs", 0, "size=4m,mode=0700") != 0)
    {
      g_autofree char *msg = g_strdup_printf ("Cannot mount a tmpfs here (%s)", g_strerror (errno));
      g_test_skip (msg);
      veil_test_rm_rf (dir);
      return;
    }
  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (mount (NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);

  context = veil_context_new (NULL);
  veil_context_load_async (context, db, NULL, store_failed_cb, &loaded);
  veil_test_wait_for (&loaded, 30);
  window = GTK_WIDGET (veil_window_new (GTK_APPLICATION (fixture->app), context));
  gtk_window_present (GTK_WINDOW (window));

  g_assert_cmpstr (veil_window_get_visible_page (VEIL_WINDOW (window)), ==, "error");
  page = veil_window_get_page (VEIL_WINDOW (window), "error");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page)), ==, "Veil Cannot Write Its Data");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), "cannot be written"));
  g_assert_null (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), "damaged"));
  g_assert_null (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), "Close other Veil windows"));

  veil_test_destroy_window (window);
  g_assert_cmpint (umount (dir), ==, 0);
  veil_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_ui (&argc, &argv);

  if (!gtk_init_check ())
    {
      /* A UI test that cannot open a display has not tested anything: fail, loudly. */
      g_printerr ("No display: run the ui suite under Xvfb (tools/run-tests.sh does this)\n");
      return 1;
    }
  adw_init ();

  shared_app = veil_application_new ();
  /* No well-known name: the tests must not meet a running Veil. */
  g_application_set_flags (G_APPLICATION (shared_app), G_APPLICATION_NON_UNIQUE);
  {
    g_autoptr(GError) error = NULL;
    g_assert_true (g_application_register (G_APPLICATION (shared_app), NULL, &error));
    g_assert_no_error (error);
  }

#define ADD(path, func) \
  g_test_add (path, WindowFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/window/title", test_window_title);
  ADD ("/veil/window/empty-state", test_window_empty_state);
  ADD ("/veil/window/primary-menu", test_window_primary_menu);
  ADD ("/veil/window/preferences-and-about", test_window_preferences_and_about);
  ADD ("/veil/window/narrow", test_window_narrow);
  ADD ("/veil/window/read-only", test_window_read_only);
#undef ADD

  {
    int ret = g_test_run ();
    g_clear_object (&shared_app);
    return ret;
  }
}
