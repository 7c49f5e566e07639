/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-alerts.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

/* A child clicks Veil's notification while Veil is not running: the click starts Veil, and the
 * warning is asked for before the store is open. The request must wait for the store, not be
 * dropped with "Veil is still starting". This process is that start: its store is prepared
 * before the application registers, and the click comes before the main loop first runs. */

#define PIN "482916"

static gint64 alert_id;

/* A teen's profile on this account and one warning, in the store Veil opens when it starts. */
static void
prepare_store (void)
{
  g_autoptr(VeilContext) context = veil_context_new (NULL);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Noah");
  g_autoptr(VeilProfile) p = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(VeilVerdict) verdict = veil_test_make_verdict ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *picture = veil_test_write_picture (dir, "photo.jpg", 640, 480, 3);
  VeilGuardian *guardian;

  veil_test_load_default_context (context);
  guardian = veil_context_get_guardian (context);
  g_assert_true (veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error));
  g_assert_no_error (error);

  veil_profile_builder_set_unix_user (b, g_get_user_name ());
  g_assert_true (veil_profile_builder_set_from_string (b, "age-band", "13-15", NULL));
  g_assert_true (veil_profile_builder_set_from_string (b, "message-warnings", "on", NULL));
  p = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_guardian_save_profile (guardian, p, &error);
  g_assert_no_error (error);
  veil_guardian_lock (guardian);

  alert_id = veil_store_record_message_alert (veil_context_get_store (context), saved, picture, "Downloads",
                                              verdict, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alert_id, >, 0);
}

static VeilWindow *
find_window (GApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (VEIL_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
alert_shown (gpointer data)
{
  VeilWindow *window = find_window (data);

  return window != NULL && g_strcmp0 (veil_window_get_visible_page (window), "alert") == 0;
}

static void
test_click_while_starting (void)
{
  GApplication *app = g_application_get_default ();
  VeilContext *context = veil_application_get_context (VEIL_APPLICATION (app));
  GtkWidget *page;

  /* The store is still opening: this is the case being tested. */
  g_assert_false (veil_context_get_ready (context));
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-alert", g_variant_new_int64 (alert_id));
  g_assert_nonnull (find_window (app));

  veil_test_wait_until (alert_shown, app);
  page = veil_window_get_page (find_window (app), "alert");
  g_assert_true (VEIL_IS_ALERT_VIEW (page));
  g_assert_cmpint (veil_alert_view_get_alert_id (VEIL_ALERT_VIEW (page)), ==, alert_id);
  veil_test_screenshot_of (page, "notification-started");

  /* Once, not again on a later change of the context. */
  gtk_widget_activate_action (page, "alert.dont-view", NULL);
  g_object_notify (G_OBJECT (context), "ready");
  g_assert_cmpstr (veil_window_get_visible_page (find_window (app)), ==, "home");

  while (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
    veil_test_destroy_window (gtk_application_get_windows (GTK_APPLICATION (app))->data);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  veil_test_init_ui (&argc, &argv);
  veil_test_keyring_start ();
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run the ui suite under Xvfb (tools/run-tests.sh does this)\n");
      return 1;
    }
  prepare_store ();
  if (!veil_test_app_init ())
    return 1;

  g_test_add_func ("/veil/notification/click-while-starting", test_click_while_starting);

  ret = g_test_run ();
  veil_test_app_shutdown ();
  veil_test_keyring_stop ();
  return ret;
}
