/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "veil.h"
#include "veil-test-utils.h"

/* `veilctl status [--json]` as a guardian's script runs it: "Active" only when a protection
 * runs; an unlinked profile and a stopped background service read "Not working" with the
 * reason and the fix. The service's heartbeat is written into the store as the service does. */

#define PIN "135790"
#define PIN_IN PIN "\n"

typedef struct {
  VeilTestVeilctl  ctl;
  char            *messages;  /* an attachment folder that exists */
} CtlFixture;

#define run(fixture, input, out_stdout, out_stderr, ...) \
  veil_test_veilctl_run (&(fixture)->ctl, input, out_stdout, out_stderr, __VA_ARGS__)

static void
fixture_setup (CtlFixture    *fixture,
               gconstpointer  data)
{
  veil_test_veilctl_init (&fixture->ctl);
  fixture->messages = g_build_filename (fixture->ctl.dir, "Messages", NULL);
  g_assert_cmpint (g_mkdir (fixture->messages, 0700), ==, 0);
}

static void
fixture_teardown (CtlFixture    *fixture,
                  gconstpointer  data)
{
  g_free (fixture->messages);
  veil_test_veilctl_clear (&fixture->ctl);
}

/* Mia with message warnings on and read, watching fixture->messages; linked to this account
 * unless @linked is FALSE. */
static void
set_up_mia (CtlFixture *fixture,
            gboolean    linked)
{
  g_autofree char *folders = g_strdup_printf ("message-folders=%s", fixture->messages);
  g_autofree char *user = g_strdup_printf ("unix-user=%s", linked ? g_get_user_name () : "");

  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "create", "Mia", "--age-band", "under-13", "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "set", "Mia", "message-warnings=on", folders, user,
                        "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "consent", "ack", "Mia", "message-warnings", NULL), ==, 0);
}

/* What the background service writes, @age seconds ago. */
static void
beat (CtlFixture *fixture,
      gint64      age)
{
  g_autofree char *path = g_build_filename (fixture->ctl.dir, "veil.db", NULL);
  g_autoptr(GError) error = NULL;
  VeilStore *store = veil_store_new (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (veil_health_record_heartbeat (store, g_get_user_name (), 0,
                                               g_get_real_time () / G_USEC_PER_SEC - age, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);
}

/* What the message guard writes once it analysed a picture. */
static void
record_message_file (CtlFixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->ctl.dir, "veil.db", NULL);
  g_autoptr(GError) error = NULL;
  VeilStore *store = veil_store_new (path, NULL, &error);
  g_autoptr(VeilProfile) mia = NULL;
  VeilFileStamp stamp = { 1, 2, 3, 4 };

  g_assert_no_error (error);
  mia = veil_store_lookup_profile (store, "Mia", &error);
  g_assert_no_error (error);
  g_assert_true (veil_store_record_message_file (store, veil_profile_get_id (mia), "/m/a.png", &stamp, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);
}

static JsonObject *
status_json (CtlFixture *fixture,
             JsonNode  **out_root)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run (fixture, NULL, &out, NULL, "status", "--json", NULL), ==, 0);
  *out_root = json_from_string (out, &error);
  g_assert_no_error (error);
  return json_node_get_object (*out_root);
}

static JsonObject *
warnings_of (JsonObject *status)
{
  JsonArray *profiles = json_object_get_array_member (status, "profiles");
  JsonObject *mia = json_array_get_object_element (profiles, 0);

  g_assert_cmpuint (json_array_get_length (profiles), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (mia, "name"), ==, "Mia");
  return json_object_get_object_member (json_object_get_object_member (mia, "protections"), "message-warnings");
}

static void
assert_first_problem (JsonObject *protection,
                      const char *kind,
                      const char *reason,
                      const char *action)
{
  JsonObject *problem = json_array_get_object_element (json_object_get_array_member (protection, "problems"), 0);
  g_autofree char *description = g_strdup_printf ("Not working: %s %s", reason, action);

  g_assert_cmpstr (json_object_get_string_member (protection, "state"), ==, "not-working");
  g_assert_cmpstr (json_object_get_string_member (protection, "description"), ==, description);
  g_assert_cmpstr (json_object_get_string_member (problem, "kind"), ==, kind);
  g_assert_cmpstr (json_object_get_string_member (problem, "reason"), ==, reason);
  g_assert_cmpstr (json_object_get_string_member (problem, "action"), ==, action);
}

static void
test_unlinked (CtlFixture    *fixture,
               gconstpointer  data)
{
  const char *reason = "This profile is not linked to an account, so Veil does not know whose messages to check.";
  const char *action = "Link it to the child’s account in the profile’s settings.";
  g_autofree char *out = NULL;
  g_autofree char *line = g_strdup_printf ("  message-warnings   Not working: %s %s\n", reason, action);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *status;

  set_up_mia (fixture, FALSE);
  beat (fixture, 0);

  g_assert_cmpint (run (fixture, NULL, &out, NULL, "status", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Mia\n"));
  g_assert_nonnull (strstr (out, line));
  g_assert_null (strstr (out, "message-warnings   Active"));
  g_clear_pointer (&out, g_free);

  /* `profile show` no longer calls it active either. */
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "profile", "show", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, line));

  status = status_json (fixture, &root);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (status, "service"), "running"));
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (json_object_get_array_member (status, "profiles"), 0),
                                                  "working"));
  assert_first_problem (warnings_of (status), "not-linked", reason, action);
}

static void
test_dead_service (CtlFixture    *fixture,
                   gconstpointer  data)
{
  const char *reason = "Background checks are not running.";
  const char *action = "Log out and back in, or open Veil.";
  g_autofree char *out = NULL;
  g_autofree char *line = g_strdup_printf ("  message-warnings   Not working: %s %s\n", reason, action);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *status;

  set_up_mia (fixture, TRUE);
  /* The service stopped beating four minutes ago. */
  beat (fixture, 4 * 60);

  g_assert_cmpint (run (fixture, NULL, &out, NULL, "status", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, line));

  status = status_json (fixture, &root);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (status, "service"), "running"));
  assert_first_problem (warnings_of (status), "service-stopped", reason, action);
}

static void
test_active (CtlFixture    *fixture,
             gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *warnings;

  set_up_mia (fixture, TRUE);
  beat (fixture, 0);

  g_assert_cmpint (run (fixture, NULL, &out, NULL, "status", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  message-warnings   Active\n"));
  g_assert_nonnull (strstr (out, "No picture checked yet"));
  g_assert_nonnull (strstr (out, "  library-scan       Off\n"));
  g_assert_null (strstr (out, "Not working"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "profile", "show", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  message-warnings   active\n"));

  warnings = warnings_of (status_json (fixture, &root));
  g_assert_cmpstr (json_object_get_string_member (warnings, "state"), ==, "active");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (warnings, "problems")), ==, 0);
  g_assert_true (json_object_get_null_member (warnings, "last-check"));
  g_clear_pointer (&root, json_node_unref);

  /* Once the guard has checked a picture, when it last did. */
  record_message_file (fixture);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "status", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Last checked a picture on "));
  g_assert_null (strstr (out, "No picture checked yet"));
  warnings = warnings_of (status_json (fixture, &root));
  g_assert_cmpint (json_object_get_int_member (warnings, "last-check"), >, 0);
}

/* Folder checks: the schedule is set and shown, with when the next check is due. */
static void
test_schedule (CtlFixture    *fixture,
               gconstpointer  data)
{
  g_autofree char *pictures = g_build_filename (fixture->ctl.dir, "Pictures", NULL);
  g_autofree char *folders = g_strdup_printf ("folders=%s", pictures);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *status, *scan;

  g_assert_cmpint (g_mkdir (pictures, 0700), ==, 0);
  set_up_mia (fixture, TRUE);
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "set", "Mia", "library-scan=on", folders,
                        "--pin-stdin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "consent", "ack", "Mia", "library-scan", NULL), ==, 0);

  /* Daily unless a guardian chose otherwise; never checked, so due at once. */
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "profile", "show", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  scan-schedule      daily\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "status", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Next check: as soon as the computer is not in use."));
  status = status_json (fixture, &root);
  scan = json_object_get_object_member (json_object_get_object_member (
           json_array_get_object_element (json_object_get_array_member (status, "profiles"), 0), "protections"),
           "library-scan");
  g_assert_cmpstr (json_object_get_string_member (scan, "schedule"), ==, "daily");
  g_assert_cmpint (json_object_get_int_member (scan, "next-check"), >, 0);
  g_clear_pointer (&root, json_node_unref);

  g_assert_cmpint (run (fixture, PIN_IN, NULL, &err, "profile", "set", "Mia", "scan-schedule=hourly",
                        "--pin-stdin", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "weekly"));
  g_assert_cmpint (run (fixture, PIN_IN, NULL, NULL, "profile", "set", "Mia", "scan-schedule=off",
                        "--pin-stdin", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "profile", "show", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  scan-schedule      off\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "status", "Mia", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Next check: when a guardian starts one."));
  status = status_json (fixture, &root);
  scan = json_object_get_object_member (json_object_get_object_member (
           json_array_get_object_element (json_object_get_array_member (status, "profiles"), 0), "protections"),
           "library-scan");
  g_assert_cmpstr (json_object_get_string_member (scan, "schedule"), ==, "off");
  g_assert_true (json_object_get_null_member (scan, "next-check"));
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add ("/veil/veilctl/status/unlinked", CtlFixture, NULL, fixture_setup, test_unlinked, fixture_teardown);
  g_test_add ("/veil/veilctl/status/dead-service", CtlFixture, NULL, fixture_setup, test_dead_service, fixture_teardown);
  g_test_add ("/veil/veilctl/status/active", CtlFixture, NULL, fixture_setup, test_active, fixture_teardown);
  g_test_add ("/veil/veilctl/status/schedule", CtlFixture, NULL, fixture_setup, test_schedule, fixture_teardown);

  return g_test_run ();
}
