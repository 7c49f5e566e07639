/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pwd.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "veil.h"
#include "veil-test-classifier.h"
#include "veil-test-utils.h"

/* VeilHealth on a real store, real folders and the real model: "Active" only when a
 * protection is on, acknowledged and each part it needs is there; otherwise the problem
 * with its reason and its fix. */

typedef struct {
  char      *dir;
  char      *pictures;   /* a folder-check folder that exists */
  char      *messages;   /* a message folder that exists */
  VeilStore *store;
} HealthFixture;

static void
fixture_setup (HealthFixture *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  fixture->pictures = g_build_filename (fixture->dir, "Pictures", NULL);
  fixture->messages = g_build_filename (fixture->dir, "Messages", NULL);
  g_assert_cmpint (g_mkdir (fixture->pictures, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fixture->messages, 0700), ==, 0);
  path = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->store = veil_store_new (path, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (HealthFixture *fixture,
                  gconstpointer  data)
{
  /* An async check's worker thread lets go of its task (and the store's reference in it)
   * just after the answer is handed over. */
  for (guint i = 0; i < 5000 && G_OBJECT (fixture->store)->ref_count > 1; i++)
    g_usleep (1000);
  g_assert_finalize_object (fixture->store);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->pictures);
  g_free (fixture->messages);
  g_free (fixture->dir);
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
beat (HealthFixture *fixture,
      gint64         age)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_health_record_heartbeat (fixture->store, g_get_user_name (), 1, now () - age, &error));
  g_assert_no_error (error);
}

/* A profile with every protection on, linked to this account, its folders present. */
static VeilProfileBuilder *
healthy_builder (HealthFixture *fixture)
{
  VeilProfileBuilder *b = veil_profile_builder_new ("Mia");
  const char *folders[] = { fixture->pictures, NULL };
  const char *message_folders[] = { fixture->messages, NULL };

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    veil_profile_builder_set_protection_enabled (b, p, TRUE);
  veil_profile_builder_set_unix_user (b, g_get_user_name ());
  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_message_folders (b, message_folders);
  return b;
}

static VeilHealth *
check (HealthFixture      *fixture,
       VeilProfileBuilder *b,
       gboolean            acknowledge)
{
  g_autoptr(VeilProfile) profile = veil_test_save_profile (fixture->store, b, acknowledge);

  return veil_health_check (fixture->store, profile, NULL);
}

/* Asserts @protection is not working, first of all because of @kind, and says so. */
static void
assert_problem (VeilHealth            *health,
                VeilProtection         protection,
                VeilHealthProblemKind  kind,
                const char            *reason_part,
                const char            *action)
{
  GPtrArray *problems = veil_health_get_problems (health, protection);
  VeilHealthProblem *problem;
  g_autofree char *line = NULL;

  g_assert_cmpint (veil_health_get_state (health, protection), ==, VEIL_HEALTH_STATE_NOT_WORKING);
  g_assert_false (veil_health_is_working (health));
  g_assert_cmpuint (problems->len, >=, 1);
  problem = problems->pdata[0];
  g_assert_cmpint (problem->kind, ==, kind);
  g_assert_nonnull (strstr (problem->reason, reason_part));
  g_assert_cmpstr (problem->action, ==, action);
  line = veil_health_describe (health, protection);
  g_assert_true (g_str_has_prefix (line, "Not working: "));
  g_assert_nonnull (strstr (line, problem->reason));
  g_assert_nonnull (strstr (line, action));
}

static void
test_active (HealthFixture *fixture,
             gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;

  beat (fixture, 0);
  health = check (fixture, b, TRUE);
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      g_autofree char *line = veil_health_describe (health, p);

      g_assert_cmpint (veil_health_get_state (health, p), ==, VEIL_HEALTH_STATE_ACTIVE);
      g_assert_cmpuint (veil_health_get_problems (health, p)->len, ==, 0);
      g_assert_cmpstr (line, ==, "Active");
    }
  g_assert_true (veil_health_is_working (health));
  g_assert_cmpstr (veil_health_get_service_user (health), ==, g_get_user_name ());
  g_assert_cmpint (veil_health_get_heartbeat (health), >, 0);
  g_assert_true (veil_health_service_is_running (health));
  g_assert_cmpint (veil_health_get_last_check (health, VEIL_PROTECTION_MESSAGE_WARNINGS), ==, 0);
  g_assert_cmpint (veil_health_get_last_check (health, VEIL_PROTECTION_LIBRARY_SCAN), ==, 0);
}

static void
test_off_and_waiting (HealthFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *off = NULL;

  beat (fixture, 0);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_GUARDIAN_ALERTS, FALSE);
  /* Not linked too: a waiting protection stays "waiting", its problems already listed. */
  veil_profile_builder_set_unix_user (b, NULL);
  health = check (fixture, b, FALSE);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_MESSAGE_WARNINGS), ==, VEIL_HEALTH_STATE_WAITING);
  g_assert_cmpuint (veil_health_get_problems (health, VEIL_PROTECTION_MESSAGE_WARNINGS)->len, ==, 1);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_LIBRARY_SCAN), ==, VEIL_HEALTH_STATE_WAITING);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_GUARDIAN_ALERTS), ==, VEIL_HEALTH_STATE_OFF);
  g_assert_true (veil_health_is_working (health));
  waiting = veil_health_describe (health, VEIL_PROTECTION_LIBRARY_SCAN);
  off = veil_health_describe (health, VEIL_PROTECTION_GUARDIAN_ALERTS);
  g_assert_cmpstr (waiting, ==, "On, waiting for the child to read and acknowledge it");
  g_assert_cmpstr (off, ==, "Off");
  g_assert_cmpstr (veil_health_state_to_string (VEIL_HEALTH_STATE_NOT_WORKING), ==, "not-working");
}

static void
test_unlinked (HealthFixture *fixture,
               gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;

  beat (fixture, 0);
  veil_profile_builder_set_unix_user (b, NULL);
  health = check (fixture, b, TRUE);
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_NOT_LINKED,
                  "not linked to an account", "Link it to the child’s account in the profile’s settings.");
  /* Folder checks run from the guardian's window: no account needed. */
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_LIBRARY_SCAN), ==, VEIL_HEALTH_STATE_ACTIVE);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_GUARDIAN_ALERTS), ==, VEIL_HEALTH_STATE_ACTIVE);
}

static void
test_unknown_account (HealthFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;

  beat (fixture, 0);
  veil_profile_builder_set_unix_user (b, "veil-no-such-account");
  health = check (fixture, b, TRUE);
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_UNKNOWN_ACCOUNT,
                  "“veil-no-such-account”, which does not exist",
                  "Link it to the child’s account in the profile’s settings.");
}

/* Linked to an account that exists, but the service serves only the one it runs in. */
static void
test_other_account (HealthFixture *fixture,
                    gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;
  g_autofree char *reason = NULL;
  const char *other = g_str_equal (g_get_user_name (), "root") ? "nobody" : "root";

  if (getpwnam (other) == NULL)
    {
      g_test_skip ("no second account on this computer");
      return;
    }
  beat (fixture, 0);
  veil_profile_builder_set_unix_user (b, other);
  health = check (fixture, b, TRUE);
  reason = g_strdup_printf ("only in the account “%s”, and this profile is linked to “%s”", g_get_user_name (), other);
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_OTHER_ACCOUNT, reason,
                  "Link it to this account in the profile’s settings, or set Veil up in the child’s own account.");
}

/* Two profiles linked to one account: the service serves the first one only. */
static void
test_account_taken (HealthFixture *fixture,
                    gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) first = healthy_builder (fixture);
  g_autoptr(VeilProfileBuilder) second = healthy_builder (fixture);
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilHealth) first_health = NULL;
  g_autoptr(VeilHealth) second_health = NULL;

  beat (fixture, 0);
  mia = veil_test_save_profile (fixture->store, first, TRUE);
  veil_profile_builder_set_name (second, "Noah");
  second_health = check (fixture, second, TRUE);
  first_health = veil_health_check (fixture->store, mia, NULL);
  g_assert_cmpint (veil_health_get_state (first_health, VEIL_PROTECTION_MESSAGE_WARNINGS), ==, VEIL_HEALTH_STATE_ACTIVE);
  assert_problem (second_health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_ACCOUNT_TAKEN,
                  "The profile “Mia” is linked to the same account",
                  "Link each profile to the child’s own account in the profile’s settings.");
}

static void
test_missing_folders (HealthFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;

  beat (fixture, 0);
  veil_test_rm_rf (fixture->pictures);
  veil_test_rm_rf (fixture->messages);
  health = check (fixture, b, TRUE);
  assert_problem (health, VEIL_PROTECTION_LIBRARY_SCAN, VEIL_HEALTH_PROBLEM_FOLDER_MISSING,
                  "Pictures” is missing.", "Put it back, or choose another folder in the profile’s settings.");
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_FOLDER_MISSING,
                  "Messages” is missing.", "Put it back, or choose another folder in the profile’s settings.");
  /* With nothing checked, there is nothing to tell the guardian about. */
  assert_problem (health, VEIL_PROTECTION_GUARDIAN_ALERTS, VEIL_HEALTH_PROBLEM_NOTHING_CHECKED,
                  "Neither message warnings nor folder checks are active",
                  "Turn one of them on, or make it work again, in the profile’s settings.");
}

static void
test_no_folders (HealthFixture *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;
  const char *none[] = { NULL };
  g_autofree char *home = g_build_filename (fixture->dir, "home", NULL);

  beat (fixture, 0);
  veil_profile_builder_set_folders (b, none);
  veil_profile_builder_set_message_folders (b, none);
  /* A Downloads folder that does not exist: no default to fall back on. */
  g_setenv ("XDG_DOWNLOAD_DIR", home, TRUE);
  g_setenv ("HOME", home, TRUE);
  g_reload_user_special_dirs_cache ();
  health = check (fixture, b, TRUE);
  assert_problem (health, VEIL_PROTECTION_LIBRARY_SCAN, VEIL_HEALTH_PROBLEM_NO_FOLDERS,
                  "No folders are chosen for folder checks.",
                  "Choose the child’s picture folders in the profile’s settings.");
  if (veil_health_get_problems (health, VEIL_PROTECTION_MESSAGE_WARNINGS)->len == 0)
    {
      g_test_skip ("this system's Downloads folder exists");
      return;
    }
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_NO_FOLDERS,
                  "There is no folder where messages save pictures to watch.",
                  "Add a folder where messages save pictures in the profile’s settings.");
}

static void
test_unreadable_folder (HealthFixture *fixture,
                        gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root reads every folder");
      return;
    }
  beat (fixture, 0);
  g_assert_cmpint (g_chmod (fixture->pictures, 0), ==, 0);
  health = check (fixture, b, TRUE);
  g_assert_cmpint (g_chmod (fixture->pictures, 0700), ==, 0);
  assert_problem (health, VEIL_PROTECTION_LIBRARY_SCAN, VEIL_HEALTH_PROBLEM_FOLDER_UNREADABLE,
                  "Veil cannot read the folder", "Let this account read it, or choose another folder in the profile’s settings.");
}

static void
test_stale_heartbeat (HealthFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilProfile) profile = veil_test_save_profile (fixture->store, b, TRUE);
  g_autoptr(GError) error = NULL;
  const char *action = "Log out and back in, or open Veil.";
  VeilHealth *health;

  /* Never started. */
  health = veil_health_check (fixture->store, profile, NULL);
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_SERVICE_STOPPED,
                  "Background checks are not running.", action);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_LIBRARY_SCAN), ==, VEIL_HEALTH_STATE_ACTIVE);
  g_assert_finalize_object (health);

  /* Three missed heartbeats. */
  beat (fixture, VEIL_HEALTH_HEARTBEAT_INTERVAL * VEIL_HEALTH_HEARTBEAT_MISSED + 1);
  health = veil_health_check (fixture->store, profile, NULL);
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_SERVICE_STOPPED,
                  "Background checks are not running.", action);
  g_assert_false (veil_health_service_is_running (health));
  g_assert_finalize_object (health);

  /* Two missed: still running. */
  beat (fixture, VEIL_HEALTH_HEARTBEAT_INTERVAL * 2);
  health = veil_health_check (fixture->store, profile, NULL);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_MESSAGE_WARNINGS), ==, VEIL_HEALTH_STATE_ACTIVE);
  g_assert_finalize_object (health);

  /* Stopped on purpose. */
  g_assert_true (veil_health_clear_heartbeat (fixture->store, &error));
  g_assert_no_error (error);
  health = veil_health_check (fixture->store, profile, NULL);
  g_assert_cmpint (veil_health_get_heartbeat (health), ==, 0);
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_SERVICE_STOPPED,
                  "Background checks are not running.", action);
  g_assert_finalize_object (health);
}

/* The real service beats while it has a store and stops beating when it goes. */
static void
test_service_heartbeat (HealthFixture *fixture,
                        gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilProfile) profile = veil_test_save_profile (fixture->store, b, TRUE);
  g_autoptr(VeilTestClassifier) classifier = veil_test_classifier_new (0);
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (VEIL_CLASSIFIER (classifier));
  VeilAnalyzerService *service = veil_analyzer_service_new (analyzer, fixture->store);
  VeilHealth *health;

  health = veil_health_check (fixture->store, profile, NULL);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_MESSAGE_WARNINGS), ==, VEIL_HEALTH_STATE_ACTIVE);
  g_assert_cmpint (now () - veil_health_get_heartbeat (health), <=, 5);
  g_assert_finalize_object (health);

  g_assert_finalize_object (service);
  health = veil_health_check (fixture->store, profile, NULL);
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_SERVICE_STOPPED,
                  "Background checks are not running.", "Log out and back in, or open Veil.");
  g_assert_finalize_object (health);
}

static void
test_missing_model (HealthFixture *fixture,
                    gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("VEIL_MODEL_PATH"));
  g_autofree char *missing = g_build_filename (fixture->dir, "no-model.vmodel", NULL);

  beat (fixture, 0);
  g_setenv ("VEIL_MODEL_PATH", missing, TRUE);
  health = check (fixture, b, TRUE);
  if (saved != NULL)
    g_setenv ("VEIL_MODEL_PATH", saved, TRUE);
  else
    g_unsetenv ("VEIL_MODEL_PATH");
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_MODEL,
                  "Veil’s picture checker is missing or damaged.", "Reinstall Veil to repair it.");
  assert_problem (health, VEIL_PROTECTION_LIBRARY_SCAN, VEIL_HEALTH_PROBLEM_MODEL,
                  "Veil’s picture checker is missing or damaged.", "Reinstall Veil to repair it.");
}

static void
test_last_check (HealthFixture *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilProfile) profile = veil_test_save_profile (fixture->store, b, TRUE);
  g_autoptr(VeilHealth) health = NULL;
  g_autoptr(GError) error = NULL;
  VeilFileStamp stamp = { 1, 2, 3, 4 };
  gint64 run, before = now ();

  g_assert_true (veil_store_record_message_file (fixture->store, veil_profile_get_id (profile), "/m/a.png", &stamp, &error));
  g_assert_no_error (error);
  run = veil_store_begin_run (fixture->store, veil_profile_get_id (profile), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_store_finish_run (fixture->store, run, "{}", &error));
  g_assert_no_error (error);

  health = veil_health_check (fixture->store, profile, NULL);
  g_assert_cmpint (veil_health_get_last_check (health, VEIL_PROTECTION_MESSAGE_WARNINGS), >=, before);
  g_assert_cmpint (veil_health_get_last_check (health, VEIL_PROTECTION_LIBRARY_SCAN), >=, before);
  g_assert_cmpint (veil_health_get_last_check (health, VEIL_PROTECTION_LIBRARY_SCAN), <=, now ());
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VeilHealth **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = veil_health_check_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (HealthFixture *fixture,
            gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilProfile) profile = NULL;
  VeilHealth *health = NULL;

  veil_profile_builder_set_unix_user (b, NULL);
  profile = veil_test_save_profile (fixture->store, b, TRUE);
  beat (fixture, 0);
  veil_health_check_async (fixture->store, profile, NULL, checked_cb, &health);
  while (health == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (veil_health_get_profile (health) == profile);
  assert_problem (health, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_NOT_LINKED,
                  "not linked to an account", "Link it to the child’s account in the profile’s settings.");
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_LIBRARY_SCAN), ==, VEIL_HEALTH_STATE_ACTIVE);
  g_assert_finalize_object (health);
}

static void
checked_all_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = veil_health_check_all_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async_all (HealthFixture *fixture,
                gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) linked = healthy_builder (fixture);
  g_autoptr(VeilProfileBuilder) unlinked = veil_profile_builder_new ("Noah");
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_profile_unref);
  g_autoptr(GPtrArray) healths = NULL;

  veil_profile_builder_set_protection_enabled (unlinked, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  g_ptr_array_add (profiles, veil_test_save_profile (fixture->store, linked, TRUE));
  g_ptr_array_add (profiles, veil_test_save_profile (fixture->store, unlinked, TRUE));
  beat (fixture, 0);
  veil_health_check_all_async (fixture->store, profiles, NULL, checked_all_cb, &healths);
  while (healths == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (healths->len, ==, 2);
  g_assert_true (veil_health_get_profile (healths->pdata[0]) == profiles->pdata[0]);
  g_assert_true (veil_health_is_working (healths->pdata[0]));
  assert_problem (healths->pdata[1], VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_NOT_LINKED,
                  "not linked to an account", "Link it to the child’s account in the profile’s settings.");
}

/* Guardian alerts need no acknowledgment: they work once another protection does. */
static void
test_alerts_wait_for_others (HealthFixture *fixture,
                             gconstpointer  data)
{
  g_autoptr(VeilProfileBuilder) b = healthy_builder (fixture);
  g_autoptr(VeilHealth) health = NULL;

  beat (fixture, 0);
  health = check (fixture, b, FALSE);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_MESSAGE_WARNINGS), ==, VEIL_HEALTH_STATE_WAITING);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_GUARDIAN_ALERTS), ==, VEIL_HEALTH_STATE_ACTIVE);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/veil/health/" path, HealthFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("active", test_active);
  ADD ("off-and-waiting", test_off_and_waiting);
  ADD ("unlinked", test_unlinked);
  ADD ("unknown-account", test_unknown_account);
  ADD ("other-account", test_other_account);
  ADD ("account-taken", test_account_taken);
  ADD ("missing-folders", test_missing_folders);
  ADD ("no-folders", test_no_folders);
  ADD ("unreadable-folder", test_unreadable_folder);
  ADD ("stale-heartbeat", test_stale_heartbeat);
  ADD ("service-heartbeat", test_service_heartbeat);
  ADD ("missing-model", test_missing_model);
  ADD ("last-check", test_last_check);
  ADD ("async", test_async);
  ADD ("async-all", test_async_all);
  ADD ("alerts-wait-for-others", test_alerts_wait_for_others);
#undef ADD

  return g_test_run ();
}
