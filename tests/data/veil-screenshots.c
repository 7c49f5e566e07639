/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-utils.h"
#include "veil-test-alerts.h"
#include "veil-test-guardian.h"

/* The screenshots the AppStream metainfo shows (data/screenshots/), taken from the real
 * application window under Xvfb with VEIL_TEST_SCREENSHOTS naming the folder they go to:
 * the child's "what is active" page, a warning with its blurred picture, and the guardian's
 * page for one child. Light style, the window at the size Flathub asks for. The warned
 * picture is one of the abstract adversarial classifier fixtures (pastel rings the model
 * scores as nudity), so no screenshot holds anything explicit, blurred or not. */

#define SCREENSHOT_WIDTH 1000
#define SCREENSHOT_HEIGHT 700
#define FIXTURE "pos_porn_circles.png"

static char *
fixture_path (void)
{
  const char *testdata = g_getenv ("VEIL_TESTDATA");

  return g_build_filename (testdata != NULL ? testdata : VEIL_TESTDATA_DIR, "clf", "fixtures", FIXTURE, NULL);
}

static gboolean
window_sized (gpointer window)
{
  return gtk_widget_get_width (window) > 0;
}

/* Light style, and the window's content (what the screenshot shows) at the wanted size: the
 * default size also counts the frame around it, so the difference is added once measured. */
static void
prepare_window (VeilAppFixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  int width = 0, height = 0;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), SCREENSHOT_WIDTH, SCREENSHOT_HEIGHT);
  veil_test_wait_until (window_sized, window);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (window), 2 * width - gtk_widget_get_width (window),
                               2 * height - gtk_widget_get_height (window));
}

static gboolean
transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (transition_running (child))
      return TRUE;
  return FALSE;
}

static gboolean
window_settled (gpointer window)
{
  return gtk_widget_get_width (window) == SCREENSHOT_WIDTH && gtk_widget_get_height (window) == SCREENSHOT_HEIGHT &&
         !transition_running (window);
}

/* Pages slide and fade in: the screenshot waits until they are in place. */
static void
screenshot (VeilAppFixture *fixture,
            const char     *name)
{
  veil_test_wait_until (window_settled, fixture->window);
  veil_test_app_screenshot (fixture, name);
}

/* A message alert for @profile about a copy of the fixture arriving in @dir, its stored
 * thumbnail the fixture itself. */
static gint64
record_fixture_alert (VeilAppFixture *fixture,
                      VeilProfile    *profile,
                      const char     *dir)
{
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(VeilVerdict) verdict = veil_test_make_verdict ();
  g_autofree char *source = fixture_path ();
  g_autofree char *picture = g_build_filename (dir, "received.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  char *contents = NULL;
  gsize length = 0;
  gint64 alert_id;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_no_error (error);
  thumbnail = g_bytes_new_take (contents, length);
  g_assert_true (g_file_set_contents (picture, contents, length, &error));
  g_assert_no_error (error);
  alert_id = veil_store_record_message_alert (store, profile, picture, "Downloads", verdict, thumbnail, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alert_id, >, 0);
  return alert_id;
}

/* Noah, 14, with message warnings on for @dir and read, and one warned picture there. */
static VeilProfile *
make_child (VeilAppFixture *fixture,
            const char     *dir,
            gint64         *alert_id)
{
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autofree char *watched = g_build_filename (dir, "Downloads", NULL);
  g_autoptr(GError) error = NULL;
  VeilProfile *noah;

  /* A folder of its own, so that the guard, watching it, does not warn about the picture
   * again (nor notify, which this session has nobody to show) while the alert is recorded. */
  g_assert_cmpint (g_mkdir (watched, 0700), ==, 0);
  noah = veil_test_alerts_save_profile (fixture, "Noah", "age-band", "13-15", "message-warnings", "on",
                                        "message-folders", watched, NULL);

  g_assert_true (veil_store_acknowledge (store, noah, VEIL_PROTECTION_MESSAGE_WARNINGS,
                                         veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS), &error));
  g_assert_no_error (error);
  *alert_id = record_fixture_alert (fixture, noah, dir);
  return noah;
}

static void
test_transparency (VeilAppFixture *fixture,
                   gconstpointer   data)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autoptr(VeilProfile) noah = NULL;
  gint64 alert_id;

  prepare_window (fixture);
  noah = make_child (fixture, dir, &alert_id);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-transparency", NULL);
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "transparency");
  veil_test_sync_model (veil_context_get_alert_model (veil_test_app_get_context (fixture), veil_profile_get_id (noah)));
  screenshot (fixture, "transparency");
  veil_test_rm_rf (dir);
}

static void
test_alert (VeilAppFixture *fixture,
            gconstpointer   data)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autoptr(VeilProfile) noah = NULL;
  VeilAlertView *view;
  gint64 alert_id;

  prepare_window (fixture);
  noah = make_child (fixture, dir, &alert_id);
  view = veil_test_alerts_open (fixture, alert_id);
  /* The picture itself, blurred, not the stored thumbnail. */
  g_assert_cmpint (veil_alert_view_get_picture (view), ==, VEIL_ALERT_VIEW_PICTURE_FILE);
  screenshot (fixture, "alert");
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
  veil_test_rm_rf (dir);
}

static void
test_guardian_profile (VeilAppFixture *fixture,
                       gconstpointer   data)
{
  GtkWidget *area = veil_window_get_page (fixture->window, "guardian");
  g_autoptr(VeilProfile) mia = NULL;

  prepare_window (fixture);
  veil_test_guardian_fill_store (fixture);
  mia = veil_test_app_lookup (fixture, "Mia");
  veil_test_unlock_through_ui (fixture);
  g_assert_true (gtk_widget_activate_action (area, "guardian.open-profile", "x", veil_profile_get_id (mia)));
  g_assert_true (VEIL_IS_PROFILE_PAGE (veil_guardian_area_get_profile_page (VEIL_GUARDIAN_AREA (area))));
  screenshot (fixture, "guardian-profile");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *fixture = NULL;

  veil_test_init_ui (&argc, &argv);
  fixture = fixture_path ();
  if (!g_file_test (fixture, G_FILE_TEST_EXISTS))
    {
      g_printerr ("the classifier fixtures are not here (%s): the screenshots need them\n", fixture);
      return 77;
    }
  if (!veil_test_app_start (FALSE))
    return 1;

  VEIL_TEST_APP_ADD ("/veil/screenshots/transparency", test_transparency);
  VEIL_TEST_APP_ADD ("/veil/screenshots/alert", test_alert);
  VEIL_TEST_APP_ADD ("/veil/screenshots/guardian-profile", test_guardian_profile);

  return veil_test_app_run ();
}
