/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-alerts.h"
#include "veil-test-utils.h"

/* The home page and the child's transparency page in the real window say a protection works
 * only when it does: an unlinked profile reads "Not working" with the reason and its fix. */

#define NOT_LINKED "Not working: This profile is not linked to an account, so Veil does not know whose messages to " \
                   "check. Link it to the child’s account in the profile’s settings."

/* Mia with message warnings on and read, watching a folder that exists; the background
 * service beats. */
static void
set_up_mia (VeilAppFixture *fixture,
            gboolean        linked)
{
  VeilContext *context = veil_test_app_get_context (fixture);
  VeilStore *store = veil_context_get_store (context);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *messages = g_build_filename (fixture->data_dir, "Messages", NULL);
  const char *folders[] = { messages, NULL };

  g_assert_cmpint (g_mkdir_with_parents (messages, 0700), ==, 0);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  veil_profile_builder_set_message_folders (b, folders);
  if (linked)
    veil_profile_builder_set_unix_user (b, g_get_user_name ());
  mia = veil_test_save_profile (store, b, TRUE);
  g_assert_true (veil_health_record_heartbeat (store, g_get_user_name (), veil_profile_get_id (mia),
                                               g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  veil_context_notify_profiles_changed (context);
}

static gboolean
label_shown (gpointer data)
{
  return veil_test_label_visible (data);
}

static gboolean
checked (gpointer data)
{
  g_autoptr(GString) text = g_string_new (NULL);

  veil_test_collect_labels (data, text);
  return strstr (text->str, "Checking whether it works…") == NULL && strstr (text->str, "Message warnings") != NULL;
}

static char *
page_text (GtkWidget *page)
{
  GString *text = g_string_new (NULL);

  veil_test_collect_labels (page, text);
  return g_string_free (text, FALSE);
}

/* Returns: (nullable): the first warning sign under @root */
static GtkWidget *
find_warning (GtkWidget *root)
{
  if (GTK_IS_IMAGE (root) && gtk_widget_has_css_class (root, "warning"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_warning (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_unlinked (VeilAppFixture *fixture,
               gconstpointer   data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *health_label = veil_test_find_descendant (window, GTK_TYPE_LABEL, "health_label");
  GtkWidget *transparency = veil_window_get_page (fixture->window, "transparency");
  g_autofree char *text = NULL;
  GtkWidget *warning;

  set_up_mia (fixture, FALSE);

  /* Home names the protection, what is wrong and what fixes it. */
  gtk_widget_activate_action (window, "win.go-home", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  veil_test_wait_until (label_shown, health_label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (health_label)), ==, "Mia, Message warnings: " NOT_LINKED);

  /* So does the child's page, with a warning sign that says so to screen readers. */
  gtk_widget_activate_action (window, "win.show-transparency", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "transparency");
  veil_test_wait_until (checked, transparency);
  text = page_text (transparency);
  g_assert_nonnull (strstr (text, NOT_LINKED));
  warning = find_warning (transparency);
  g_assert_nonnull (warning);
  g_assert_true (gtk_widget_get_mapped (warning));
}

/* Home's status list: each row's line, and the action and target of its button. */
static GPtrArray *
status_rows (GtkWidget *window)
{
  GtkWidget *list = veil_test_find_descendant (window, GTK_TYPE_LIST_BOX, "status_list");
  GPtrArray *rows = g_ptr_array_new ();

  g_assert_nonnull (list);
  if (!gtk_widget_get_visible (list))
    return rows;
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      g_ptr_array_add (rows, row);
  return rows;
}

static GtkWidget *
row_button (GtkWidget *row)
{
  GtkWidget *button = veil_test_find_descendant (row, GTK_TYPE_BUTTON, NULL);

  g_assert_nonnull (button);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
  return button;
}

static void
record_told_alert (VeilAppFixture *fixture,
                   VeilProfile    *profile,
                   guint32         seed)
{
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(VeilVerdict) verdict = veil_test_make_verdict ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("photo-%u.png", seed);
  g_autofree char *picture = veil_test_write_picture (fixture->data_dir, name, 64, 48, seed);

  g_assert_cmpint (veil_store_record_message_alert (store, profile, picture, "Downloads", verdict, NULL, TRUE, &error), >, 0);
  g_assert_no_error (error);
}

/* Home does not say Veil is set up while nothing works: for each child it says what is
 * waiting, with the button that deals with it. */
static void
test_waiting (VeilAppFixture *fixture,
              gconstpointer   data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *home = veil_test_find_descendant (window, ADW_TYPE_STATUS_PAGE, "home_page");
  VeilContext *context = veil_test_app_get_context (fixture);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *button;

  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  veil_profile_builder_set_unix_user (b, g_get_user_name ());
  mia = veil_test_save_profile (veil_context_get_store (context), b, FALSE);
  veil_context_notify_profiles_changed (context);

  gtk_widget_activate_action (window, "win.go-home", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (home)), !=, "Veil Is Set Up");
  rows = status_rows (window);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[0]), ==, "Waiting for Mia to read 2 protections");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Alerts that reached the guardian are counted too. */
  record_told_alert (fixture, mia, 1);
  record_told_alert (fixture, mia, 2);
  gtk_widget_activate_action (window, "win.go-home", NULL);
  rows = status_rows (window);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[1]), ==, "2 alerts about Mia to review");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (row_button (rows->pdata[1]))), ==, "win.show-guardian");
  veil_test_app_screenshot (fixture, "home-status");
  /* Narrow and dark, every line and button still fits. */
  {
    AdwStyleManager *style = adw_style_manager_get_default ();
    int min_width = 0;

    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
    gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    g_assert_cmpint (min_width, <=, 360);
    veil_test_app_screenshot (fixture, "home-status-narrow-dark");
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  }

  /* "Read Now" hands over to Mia's reading. */
  button = row_button (rows->pdata[0]);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.acknowledge");
  g_assert_cmpint (g_variant_get_int64 (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button))), ==,
                   veil_profile_get_id (mia));
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "acknowledgment");
  g_assert_cmpint (veil_profile_get_id (veil_acknowledgment_get_profile (
                     VEIL_ACKNOWLEDGMENT (veil_window_get_page (fixture->window, "acknowledgment")))), ==,
                   veil_profile_get_id (mia));
}

/* Once a protection works, home says so and names nobody as waiting. */
static void
test_set_up (VeilAppFixture *fixture,
             gconstpointer   data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *home = veil_test_find_descendant (window, ADW_TYPE_STATUS_PAGE, "home_page");
  g_autoptr(GPtrArray) rows = NULL;

  set_up_mia (fixture, TRUE);
  gtk_widget_activate_action (window, "win.go-home", NULL);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (home)), ==, "Veil Is Set Up");
  rows = status_rows (window);
  g_assert_cmpuint (rows->len, ==, 0);
}

static gboolean
label_hidden (gpointer data)
{
  return !veil_test_label_visible (data);
}

/* Linking the profile to this account makes it work: the warnings go away. */
static void
test_linked (VeilAppFixture *fixture,
             gconstpointer   data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *health_label = veil_test_find_descendant (window, GTK_TYPE_LABEL, "health_label");
  GtkWidget *transparency = veil_window_get_page (fixture->window, "transparency");
  VeilContext *context = veil_test_app_get_context (fixture);
  VeilStore *store = veil_context_get_store (context);
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilProfile) linked = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(VeilProfileBuilder) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  set_up_mia (fixture, FALSE);
  gtk_widget_activate_action (window, "win.go-home", NULL);
  veil_test_wait_until (label_shown, health_label);

  mia = veil_store_lookup_profile (store, "Mia", &error);
  g_assert_no_error (error);
  b = veil_profile_builder_new_from_profile (mia);
  veil_profile_builder_set_unix_user (b, g_get_user_name ());
  linked = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (store, linked, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  veil_context_notify_profiles_changed (context);

  gtk_widget_activate_action (window, "win.go-home", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "home");
  veil_test_wait_until (label_hidden, health_label);

  /* The guard checked a picture: the child's page says when. */
  {
    VeilFileStamp stamp = { 1, 2, 3, 4 };

    g_assert_true (veil_store_record_message_file (store, veil_profile_get_id (saved), "/m/a.png", &stamp, &error));
    g_assert_no_error (error);
  }
  gtk_widget_activate_action (window, "win.show-transparency", NULL);
  veil_test_wait_until (checked, transparency);
  text = page_text (transparency);
  g_assert_null (strstr (text, "Not working"));
  g_assert_nonnull (strstr (text, "Last checked a picture on "));
  g_assert_null (find_warning (transparency));
}

static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
subtitle_checked (GtkWidget *row)
{
  return !g_str_equal (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Checking whether it works…");
}

/* The list may be rebuilt while the test waits (the store noticed a write): each look finds
 * the row of @args[1] under @args[0] again. */
static gboolean
row_checked (gpointer data)
{
  void **args = data;
  GtkWidget *row = find_row (args[0], args[1]);

  return row != NULL && subtitle_checked (row);
}

/* The "Now" line of message warnings on the profile page, once checked. */
static gboolean
now_checked (gpointer data)
{
  GtkWidget *warnings = veil_test_find_descendant (data, ADW_TYPE_EXPANDER_ROW, "warnings_row");
  GtkWidget *now = find_row (warnings, "Now");

  return now != NULL && subtitle_checked (now);
}

static gboolean
now_lists_problems (gpointer data)
{
  GtkWidget *warnings = veil_test_find_descendant (data, ADW_TYPE_EXPANDER_ROW, "warnings_row");
  GtkWidget *now = find_row (warnings, "Now");

  return now != NULL && strchr (adw_action_row_get_subtitle (ADW_ACTION_ROW (now)), '\n') != NULL;
}

static gboolean
page_is (gpointer data)
{
  void **args = data;
  return g_strcmp0 (veil_window_get_visible_page (args[0]), args[1]) == 0;
}

/* The guardian's list counts what really runs and points at the profile; the profile page
 * says why and what fixes it. */
static void
test_guardian_area (VeilAppFixture *fixture,
                    gconstpointer   data)
{
  VeilGuardian *guardian = veil_context_get_guardian (veil_test_app_get_context (fixture));
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  GtkWidget *lock = veil_window_get_page (fixture->window, "lock");
  GtkWidget *pin_row = veil_test_find_descendant (lock, ADW_TYPE_PASSWORD_ENTRY_ROW, "pin_row");
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilProfile) noah = NULL;
  g_autoptr(GError) error = NULL;
  void *args[] = { fixture->window, (void *) "guardian" };
  void *rows[] = { area, NULL };
  GtkWidget *row, *page, *now;

  g_assert_true (veil_guardian_set_pin (guardian, NULL, "482916", NULL, &error));
  g_assert_no_error (error);
  veil_guardian_lock (guardian);
  set_up_mia (fixture, FALSE);
  mia = veil_test_app_lookup (fixture, "Mia");
  /* Noah has not read his yet, and his profile is not linked either. */
  {
    g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Noah");

    veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
    noah = veil_test_save_profile (veil_context_get_store (veil_test_app_get_context (fixture)), b, FALSE);
  }

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-guardian", NULL);
  gtk_editable_set_text (GTK_EDITABLE (pin_row), "482916");
  gtk_widget_activate_action (lock, "lock.unlock", NULL);
  veil_test_wait_until (page_is, args);

  rows[1] = (void *) "Mia";
  veil_test_wait_until (row_checked, rows);
  row = find_row (area, "Mia");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "0 active, 1 turned on, 1 not working: open it to see why");
  g_assert_nonnull (find_warning (row));

  g_assert_true (gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (mia)));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  veil_test_wait_until (now_checked, page);
  now = find_row (veil_test_find_descendant (page, ADW_TYPE_EXPANDER_ROW, "warnings_row"), "Now");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (now)), ==, NOT_LINKED);

  /* Waiting for the child: the guardian already sees what would stop it. */
  rows[1] = (void *) "Noah";
  veil_test_wait_until (row_checked, rows);
  row = find_row (area, "Noah");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "0 active, 1 turned on");
  g_assert_true (gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (noah)));
  page = veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area));
  /* Until the check is done, the line only says it waits. */
  veil_test_wait_until (now_lists_problems, page);
  now = find_row (veil_test_find_descendant (page, ADW_TYPE_EXPANDER_ROW, "warnings_row"), "Now");
  /* (Without a Downloads folder here, a line about the folders follows.) */
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (now)),
                                   "On, but waiting: the child has not read and acknowledged it yet.\n"
                                   "Even once read, it will not work yet:\n"
                                   "This profile is not linked to an account, so Veil does not know whose messages to check. "
                                   "Link it to the child’s account in the profile’s settings."));
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_ui (&argc, &argv);
  if (!veil_test_app_start (TRUE))
    return 1;

#define ADD VEIL_TEST_APP_ADD
  ADD ("/veil/health-pages/unlinked", test_unlinked);
  ADD ("/veil/health-pages/linked", test_linked);
  ADD ("/veil/health-pages/waiting", test_waiting);
  ADD ("/veil/health-pages/set-up", test_set_up);
  ADD ("/veil/health-pages/guardian-area", test_guardian_area);
#undef ADD

  return veil_test_app_run ();
}
