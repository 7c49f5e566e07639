/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "veil-application.h"
#include "veil-ui.h"
#include "veil-test-app.h"
#include "veil-test-alerts.h"
#include "veil-test-classifier.h"
#include "veil-test-utils.h"

/* What the child is shown, checked against what then happens, in the real window. For each
 * age band and each answer to "who is told", the child reads the acknowledgment (the very
 * words tests/core/test-promises.c checks against the message guard), a warning arrives
 * with its notification, and every sentence of the warning's view is looked up in a table of what it promises and
 * checked: who can see the warning, whether the guardian is asked before the picture shows,
 * whether the guardian can reveal the picture. A sentence about who sees what that is not
 * in the table fails the test. For folder checks, the child's page says what a check found
 * is held, and the held pictures are checked to be so, before and after the guardian's
 * number is reached. */

typedef enum {
  FACT_PRIVATE,          /* only the child sees the warning */
  FACT_TOLD_AS_AGREED,   /* the guardian sees it, and the child's acknowledgment said so */
  FACT_CLOSED_BY_GUARDIAN,
  FACT_NO_REVEAL,        /* the guardian cannot see the picture */
  FACT_MOVED,            /* the picture is in Veil's folder */
} Fact;

static const struct {
  const char *sentence;
  Fact        fact;
} promises[] = {
  { "Nobody else sees this warning.", FACT_PRIVATE },
  { "Your guardian can see this warning, as you were told when this protection was turned on.", FACT_TOLD_AS_AGREED },
  { "Your guardian saw this warning and has closed it.", FACT_CLOSED_BY_GUARDIAN },
  { "Your guardian never sees the picture.", FACT_NO_REVEAL },
  { "Veil moved it into its own folder, as your guardian chose; your guardian can put it back.", FACT_MOVED },
};

/* Sentences of the view that speak of who sees what: each must be in the table. */
static const char * const about_others[] = { "guardian", "Nobody", "anyone", NULL };

typedef struct {
  VeilAgeBand band;
  gboolean    tell;
} Case;

static VeilAlert *
stored_alert (VeilAppFixture *fixture,
              gint64          id)
{
  g_autoptr(GError) error = NULL;
  VeilAlert *alert = veil_store_get_alert (veil_context_get_store (veil_test_app_get_context (fixture)), id, &error);

  g_assert_no_error (error);
  return alert;
}

/* The guardian's card for this warning offers no way to see the picture. */
static void
assert_no_reveal (VeilAppFixture *fixture,
                  VeilProfile    *profile,
                  VeilAlert      *alert)
{
  GtkWidget *card = veil_test_own_widget (veil_alert_card_new (veil_test_app_get_context (fixture), profile, alert, NULL));
  GtkWidget *reveal = veil_test_find_action_button (card, "card.reveal");

  g_assert_true (reveal == NULL || !gtk_widget_get_visible (reveal) || !gtk_widget_is_sensitive (reveal));
  g_object_unref (card);
}

static void
check_sentence (VeilAppFixture *fixture,
                VeilProfile    *profile,
                gint64          alert_id,
                Fact            fact,
                const char     *sentence)
{
  g_autoptr(VeilAlert) alert = stored_alert (fixture, alert_id);
  VeilProtectionStatus told;

  g_test_message ("Shown: %s", sentence);
  g_assert_true (veil_store_get_protection_status (veil_context_get_store (veil_test_app_get_context (fixture)),
                                                   profile, VEIL_PROTECTION_GUARDIAN_ALERTS, &told, NULL));
  switch (fact)
    {
    case FACT_PRIVATE:
      g_assert_cmpstr (alert->state, ==, VEIL_ALERT_STATE_PRIVATE);
      break;
    case FACT_TOLD_AS_AGREED:
      g_assert_cmpstr (alert->state, ==, VEIL_ALERT_STATE_TOLD);
      g_assert_cmpint (veil_profile_get_notify (profile), ==, VEIL_NOTIFY_GUARDIAN);
      /* Read in the acknowledgment ("Your guardian is told…"), so telling is active. */
      g_assert_true (told.active);
      break;
    case FACT_CLOSED_BY_GUARDIAN:
      g_assert_true (g_strcmp0 (alert->state, VEIL_ALERT_STATE_DISMISSED) == 0 ||
                     g_strcmp0 (alert->state, VEIL_ALERT_STATE_WRONG) == 0);
      break;
    case FACT_NO_REVEAL:
      assert_no_reveal (fixture, profile, alert);
      break;
    case FACT_MOVED:
      g_assert_nonnull (alert->hidden_path);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Every line of the view that speaks of others is a promise of the table, and holds. */
static void
check_view (VeilAppFixture *fixture,
            VeilProfile    *profile,
            VeilAlertView  *view,
            gint64          alert_id)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  guint n_checked = 0;

  veil_test_collect_labels (GTK_WIDGET (view), text);
  lines = g_strsplit (text->str, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean about = FALSE, found = FALSE;

      for (guint k = 0; about_others[k] != NULL; k++)
        about |= strstr (lines[i], about_others[k]) != NULL;
      for (gsize p = 0; p < G_N_ELEMENTS (promises); p++)
        if (strstr (lines[i], promises[p].sentence) != NULL)
          {
            check_sentence (fixture, profile, alert_id, promises[p].fact, promises[p].sentence);
            found = TRUE;
            n_checked++;
          }
      if (about && !found)
        g_error ("The child reads “%s” about who sees what, and no test checks it. Add it to the table.", lines[i]);
    }
  /* The view always says who sees the warning. */
  g_assert_cmpuint (n_checked, >, 0);
}

/* The notification's words: its title names where the picture arrived and nothing of what it
 * shows; "Open it to choose what to do" opens the warning with its choices; "Nothing was sent
 * anywhere" holds as no report exists (and the no-network test keeps Veil off the network). */
static VeilAlertView *
open_from_notification (VeilAppFixture *fixture,
                        VeilProfile    *profile,
                        gint64          alert_id)
{
  g_autoptr(VeilAlert) alert = stored_alert (fixture, alert_id);
  g_autoptr(GPtrArray) reports = NULL;
  const char *body = NULL;
  g_autofree char *title = veil_application_describe_warning (alert->folder, &body);
  g_autofree char *words = g_strconcat (title, "\n", body, NULL);
  VeilAlertView *view;

  g_test_message ("Notification: %s", words);
  g_assert_nonnull (strstr (title, alert->folder));
  for (const char * const *w = (const char * const[]) { "nud", "naked", "sex", "private", NULL }; *w != NULL; w++)
    g_assert_null (strstr (words, *w));
  g_assert_cmpstr (body, ==, "Open it to choose what to do. Nothing was sent anywhere.");

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "show-alert", g_variant_new_int64 (alert_id));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "alert");
  view = veil_test_alerts_get_view (fixture);
  g_assert_cmpint (veil_alert_view_get_alert_id (view), ==, alert_id);
  veil_test_wait_until (veil_test_alerts_picture_loaded, view);
  g_assert_true (gtk_widget_is_sensitive (veil_test_find_action_button (GTK_WIDGET (view), "alert.dont-view")));
  g_assert_true (gtk_widget_is_sensitive (veil_test_find_action_button (GTK_WIDGET (view), "alert.view")));

  reports = veil_store_list_reports (veil_context_get_store (veil_test_app_get_context (fixture)),
                                     veil_profile_get_id (profile), NULL);
  g_assert_cmpuint (reports->len, ==, 0);
  return view;
}

/* The child reads each protection through home's "Read Now", as on the computer. */
static void
read_and_accept (VeilAppFixture *fixture,
                 VeilProfile    *profile)
{
  GtkWidget *ack = veil_window_get_page (fixture->window, "acknowledgment");
  VeilProtection protection;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.acknowledge", "x", veil_profile_get_id (profile));
  g_assert_cmpstr (veil_window_get_visible_page (fixture->window), ==, "acknowledgment");
  while (veil_acknowledgment_get_protection (VEIL_ACKNOWLEDGMENT (ack), &protection))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      VeilExplanation e;

      /* The words on screen are those the core promise test checks against the guard. */
      veil_protection_get_explanation (protection, veil_profile_get_notify (profile), &e);
      veil_test_collect_labels (ack, text);
      g_assert_nonnull (strstr (text->str, e.what_it_does));
      g_assert_nonnull (strstr (text->str, e.what_it_never_does));
      g_assert_nonnull (strstr (text->str, e.who_is_told));
      gtk_widget_activate_action (ack, "ack.accept", NULL);
    }
  gtk_widget_activate_action (ack, "ack.done", NULL);
}

static void
test_message_warning (VeilAppFixture *fixture,
                      gconstpointer   data)
{
  const Case *c = data;
  g_autoptr(VeilProfile) saved = veil_test_alerts_save_profile (fixture, "Mia", "age-band", veil_age_band_to_string (c->band),
                                                                "message-warnings", "on",
                                                                "notify", c->tell ? "guardian" : "nobody", NULL);
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));
  g_autoptr(VeilProfile) profile = veil_store_get_profile (store, veil_profile_get_id (saved), NULL);
  g_auto(VeilTestAlerted) alerted = { 0 };
  g_autoptr(GError) error = NULL;
  VeilProtectionStatus told;
  AdwMessageDialog *dialog;
  VeilAlertView *view;

  read_and_accept (fixture, profile);
  /* The guardian is told only when the child read that the guardian is told. */
  g_assert_true (veil_store_get_protection_status (store, profile, VEIL_PROTECTION_GUARDIAN_ALERTS, &told, NULL));
  g_assert_cmpint (told.active, ==, c->tell);
  veil_test_alerts_record (fixture, profile, told.active, 40 + c->band, &alerted);

  view = open_from_notification (fixture, profile, alerted.alert_id);
  check_view (fixture, profile, view, alerted.alert_id);
  /* The acknowledgment said the guardian sees that it happened, "not the picture itself". */
  {
    g_autoptr(VeilAlert) alert = stored_alert (fixture, alerted.alert_id);
    assert_no_reveal (fixture, profile, alert);
  }

  /* A younger child's picture waits for the guardian's PIN, as the view says; an older
   * child decides alone, in two steps. */
  gtk_widget_activate_action (GTK_WIDGET (view), "alert.view", NULL);
  dialog = veil_test_wait_for_dialog ();
  g_assert_cmpint (VEIL_IS_PIN_DIALOG (dialog), ==, c->band == VEIL_AGE_BAND_UNDER_13);
  veil_test_respond (dialog, "cancel");
  g_assert_false (veil_alert_view_get_revealed (view));

  /* Once the guardian closed it, the view says so, and the promises still hold. */
  if (c->tell)
    {
      gtk_widget_activate_action (GTK_WIDGET (view), "alert.dont-view", NULL);
      g_assert_true (veil_store_dismiss_alert (store, alerted.alert_id, &error));
      g_assert_no_error (error);
      view = veil_test_alerts_open (fixture, alerted.alert_id);
      check_view (fixture, profile, view, alerted.alert_id);
    }
}

/* --- Folder checks ---------------------------------------------------------------------- */

#define HELD_PROMISE "Nobody is told about them unless more are found."
#define NUMBER_ONLY_PROMISE "Only this number is shown here."

/* A folder check as the service runs it, with the test classifier (it flags red pictures). */
static void
scan (VeilAppFixture *fixture,
      VeilProfile    *profile)
{
  g_autoptr(VeilTestClassifier) classifier = veil_test_classifier_new (0);
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (VEIL_CLASSIFIER (classifier));
  g_autoptr(VeilScanner) scanner = veil_scanner_new (analyzer, veil_context_get_store (veil_test_app_get_context (fixture)),
                                                     profile);
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = veil_scanner_scan_sync (scanner, NULL, NULL, &error);
  g_assert_no_error (error);
}

static guint
count_in_state (VeilAppFixture *fixture,
                VeilProfile    *profile,
                const char     *state)
{
  return veil_store_count_alerts_in_state (veil_context_get_store (veil_test_app_get_context (fixture)),
                                           veil_profile_get_id (profile), state);
}

/* The child's page, and each of its promises about held pictures checked. Returns whether
 * it says pictures are held. */
static gboolean
check_child_page (VeilAppFixture *fixture,
                  VeilProfile    *profile,
                  const char     *picture_name)
{
  GtkWidget *page;
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean held;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-transparency", NULL);
  page = veil_window_get_page (fixture->window, "transparency");
  veil_transparency_page_reload (VEIL_TRANSPARENCY_PAGE (page));
  g_assert_true (veil_transparency_page_select (VEIL_TRANSPARENCY_PAGE (page), veil_profile_get_id (profile)));
  veil_test_collect_labels (page, text);

  held = strstr (text->str, HELD_PROMISE) != NULL;
  if (held)
    {
      g_test_message ("Shown: %s", HELD_PROMISE);
      g_assert_cmpuint (count_in_state (fixture, profile, VEIL_ALERT_STATE_HELD), >, 0);
      g_assert_cmpuint (count_in_state (fixture, profile, VEIL_ALERT_STATE_TOLD), ==, 0);
    }
  if (strstr (text->str, NUMBER_ONLY_PROMISE) != NULL)
    {
      g_test_message ("Shown: %s", NUMBER_ONLY_PROMISE);
      g_assert_null (strstr (text->str, picture_name));
    }
  /* Whatever is held is said so. */
  g_assert_cmpint (held, ==, count_in_state (fixture, profile, VEIL_ALERT_STATE_HELD) > 0);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.go-home", NULL);
  return held;
}

static void
test_folder_checks (VeilAppFixture *fixture,
                    gconstpointer   data)
{
  const Case *c = data;
  g_autofree char *folder = g_build_filename (fixture->data_dir, "Pictures", NULL);
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  VeilStore *store = veil_context_get_store (veil_test_app_get_context (fixture));

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  saved = veil_test_alerts_save_profile (fixture, "Noah", "age-band", veil_age_band_to_string (c->band),
                                         "library-scan", "on", "folders", folder, "match-threshold", "2",
                                         "notify", c->tell ? "guardian" : "nobody", NULL);
  profile = veil_store_get_profile (store, veil_profile_get_id (saved), NULL);
  read_and_accept (fixture, profile);

  /* One picture found: held, whoever the profile tells. */
  g_free (veil_test_write_red_picture (folder, "beach-1.png", 128, 61));
  scan (fixture, profile);
  g_assert_true (check_child_page (fixture, profile, "beach-1"));

  /* The guardian's number is reached: told only if the child read that the guardian is. */
  g_free (veil_test_write_red_picture (folder, "beach-2.png", 128, 62));
  scan (fixture, profile);
  g_assert_cmpint (check_child_page (fixture, profile, "beach-"), ==, !c->tell);
  g_assert_cmpuint (count_in_state (fixture, profile, VEIL_ALERT_STATE_TOLD), ==, c->tell ? 2 : 0);
}

int
main (int   argc,
      char *argv[])
{
  static const Case cases[] = {
    { VEIL_AGE_BAND_UNDER_13, FALSE }, { VEIL_AGE_BAND_UNDER_13, TRUE },
    { VEIL_AGE_BAND_13_15, FALSE },    { VEIL_AGE_BAND_13_15, TRUE },
  };

  veil_test_init_ui (&argc, &argv);
  if (!veil_test_app_start (TRUE))
    return 1;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/veil/promises/message-warning/%s/%s",
                                               veil_age_band_to_string (cases[i].band),
                                               cases[i].tell ? "guardian-told" : "nobody-told");

      g_test_add (path, VeilAppFixture, &cases[i], veil_test_app_fixture_setup, test_message_warning,
                  veil_test_app_fixture_teardown);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/veil/promises/folder-checks/%s/%s",
                                               veil_age_band_to_string (cases[i].band),
                                               cases[i].tell ? "guardian-told" : "nobody-told");

      g_test_add (path, VeilAppFixture, &cases[i], veil_test_app_fixture_setup, test_folder_checks,
                  veil_test_app_fixture_teardown);
    }

  return veil_test_app_run ();
}
