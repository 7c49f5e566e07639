/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "veil-consent.h"
#include "veil-store.h"
#include "veil-system-service.h"
#include "veil-test-utils.h"

/* veil-system as the family meets it: the real service on a private system bus with the real
 * polkitd (tools/system-test-session.sh sets both up, with the test accounts and a polkit
 * rule that grants Veil's actions to veil-test-guardian alone). Each call is made by gdbus
 * running under the account it tests (setpriv), so the service and polkit read real
 * credentials from the bus. */

#define GUARDIAN "veil-test-guardian"
#define CHILD    "veil-test-child"
#define OTHER    "veil-test-other"

#define ERROR_PREFIX "GDBus.Error:io.github.veilapp.VeilSystem1.Error."

typedef struct {
  char        *state_dir;
  GSubprocess *service;
} Fixture;

static Fixture fixture;

/* Starts veil-system; with @no_network, in a network namespace of its own with no interface
 * but loopback (down), as its unit's PrivateNetwork= would. */
static void
start_service (gboolean no_network)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  if (no_network)
    fixture.service = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "unshare", "--net", "--",
                                        VEIL_TEST_VEIL_SYSTEM, "--state-dir", fixture.state_dir, NULL);
  else
    fixture.service = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, VEIL_TEST_VEIL_SYSTEM,
                                        "--state-dir", fixture.state_dir, NULL);
  g_assert_no_error (error);

  bus = g_dbus_connection_new_for_address_sync (g_getenv ("DBUS_SYSTEM_BUS_ADDRESS"),
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GVariant) reply = NULL;
      gboolean has_owner = FALSE;

      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "NameHasOwner",
                                           g_variant_new ("(s)", VEIL_SYSTEM_BUS_NAME),
                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(b)", &has_owner);
      if (has_owner)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("veil-system did not take its name on the private system bus");
}

static void
stop_service (void)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (fixture.service, SIGTERM);
  g_subprocess_wait_check (fixture.service, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture.service);
}

/* Runs `gdbus call` on the service as @account. Returns whether the call succeeded; its
 * printed reply or error is in @out_text. */
static gboolean
call_as (const char  *account,
         char       **out_text,
         const char  *method,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, g_strdup ("setpriv"));
  g_ptr_array_add (argv, g_strdup_printf ("--reuid=%s", account));
  g_ptr_array_add (argv, g_strdup_printf ("--regid=%s", account));
  g_ptr_array_add (argv, g_strdup ("--clear-groups"));
  g_ptr_array_add (argv, g_strdup ("gdbus"));
  g_ptr_array_add (argv, g_strdup ("call"));
  g_ptr_array_add (argv, g_strdup ("--system"));
  g_ptr_array_add (argv, g_strdup ("--dest=" VEIL_SYSTEM_BUS_NAME));
  g_ptr_array_add (argv, g_strdup ("--object-path=" VEIL_SYSTEM_OBJECT_PATH));
  g_ptr_array_add (argv, g_strdup_printf ("--method=io.github.veilapp.VeilSystem1.%s", method));
  va_start (args, method);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  *out_text = g_strconcat (out, err, NULL);
  g_test_message ("%s as %s: %s", method, account, *out_text);
  return g_spawn_check_wait_status (wait_status, NULL);
}

static void
assert_refused (gboolean    ok,
                const char *text,
                const char *error_name)
{
  g_autofree char *expected = g_strconcat (ERROR_PREFIX, error_name, ":", NULL);

  g_assert_false (ok);
  g_assert_nonnull (strstr (text, expected));
}

static VeilStore *
open_store_copy (void)
{
  g_autofree char *path = g_build_filename (fixture.state_dir, "veil.db", NULL);
  g_autoptr(GError) error = NULL;
  VeilStore *store = veil_store_new (path, NULL, &error);

  g_assert_no_error (error);
  return store;
}

static VeilProfile *
lookup_profile (VeilStore  *store,
                const char *user)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < profiles->len; i++)
    if (g_strcmp0 (veil_profile_get_unix_user (g_ptr_array_index (profiles, i)), user) == 0)
      return veil_profile_ref (g_ptr_array_index (profiles, i));
  return NULL;
}

static void
test_guardian_sets_profile (void)
{
  g_autofree char *text = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  g_assert_true (call_as (GUARDIAN, &text, "SetProfile", "'" CHILD "'",
                          "{'age-band': 'under-13', 'message-warnings': 'on'}", NULL));
  g_assert_cmpstr (g_strstrip (text), ==, "(uint32 1,)");
  g_clear_pointer (&text, g_free);

  g_assert_true (call_as (GUARDIAN, &text, "ListProfiles", NULL));
  g_assert_nonnull (strstr (text, "('" CHILD "', '" CHILD "', uint32 1)"));
  g_clear_pointer (&text, g_free);

  /* polkit always authorises root, so an administrator's scripts under sudo work. */
  g_assert_true (call_as ("root", &text, "ListProfiles", NULL));
  g_assert_nonnull (strstr (text, "('" CHILD "', '" CHILD "', uint32 1)"));
  g_clear_pointer (&text, g_free);

  g_assert_true (call_as (GUARDIAN, &text, "GetProfile", "'" CHILD "'", NULL));
  g_assert_nonnull (strstr (text, "\"unix-user\":\"" CHILD "\""));
  g_assert_nonnull (strstr (text, "\"age-band\":\"under-13\""));

  /* In the store: linked to the account, and the audit names the guardian's account. */
  store = open_store_copy ();
  profile = lookup_profile (store, CHILD);
  g_assert_nonnull (profile);
  g_assert_true (veil_profile_get_protection_enabled (profile, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_assert_cmpint (veil_profile_get_age_band (profile), ==, VEIL_AGE_BAND_UNDER_13);
  audit = veil_store_list_audit (store, veil_profile_get_id (profile), 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      VeilAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_str_equal (entry->kind, "changed-by") && g_str_has_prefix (entry->detail, GUARDIAN " (uid "))
        found = TRUE;
    }
  g_assert_true (found);
}

static void
test_others_refused (void)
{
  g_autofree char *text = NULL;
  gboolean ok;

  /* No agent answers for the child or the other account: polkit says no. */
  ok = call_as (CHILD, &text, "SetProfile", "'" CHILD "'", "{'message-warnings': 'off'}", NULL);
  assert_refused (ok, text, "NotAuthorized");
  g_clear_pointer (&text, g_free);

  ok = call_as (OTHER, &text, "SetProfile", "'" CHILD "'", "{'message-warnings': 'off'}", NULL);
  assert_refused (ok, text, "NotAuthorized");
  g_clear_pointer (&text, g_free);

  /* Allowing interaction changes nothing while no authentication agent answers. */
  ok = call_as (CHILD, &text, "SetProfile", "--interactive", "'" CHILD "'", "{'message-warnings': 'off'}", NULL);
  assert_refused (ok, text, "NotAuthorized");
  g_assert_nonnull (strstr (text, "no administrator’s password was given"));
  g_clear_pointer (&text, g_free);

  ok = call_as (CHILD, &text, "ListProfiles", NULL);
  assert_refused (ok, text, "NotAuthorized");
  g_clear_pointer (&text, g_free);

  /* A child reads its own settings, never another child's. */
  ok = call_as (OTHER, &text, "GetProfile", "'" CHILD "'", NULL);
  assert_refused (ok, text, "NotAuthorized");
  g_clear_pointer (&text, g_free);

  g_assert_true (call_as (CHILD, &text, "GetProfile", "'" CHILD "'", NULL));
  g_assert_nonnull (strstr (text, "\"message-warnings\":true"));
}

static void
test_bad_requests (void)
{
  g_autofree char *text = NULL;
  gboolean ok;

  ok = call_as (GUARDIAN, &text, "SetProfile", "'veil-test-nobody'", "{'message-warnings': 'on'}", NULL);
  assert_refused (ok, text, "UnknownAccount");
  g_clear_pointer (&text, g_free);

  ok = call_as (GUARDIAN, &text, "SetProfile", "'root'", "{'message-warnings': 'on'}", NULL);
  assert_refused (ok, text, "UnknownAccount");
  g_clear_pointer (&text, g_free);

  ok = call_as (GUARDIAN, &text, "SetProfile", "'" CHILD "'", "{'unix-user': '" OTHER "'}", NULL);
  assert_refused (ok, text, "InvalidSettings");
  g_clear_pointer (&text, g_free);

  ok = call_as (GUARDIAN, &text, "SetProfile", "'" CHILD "'", "{'sensitivity': 'paranoid'}", NULL);
  assert_refused (ok, text, "InvalidSettings");
  g_clear_pointer (&text, g_free);

  ok = call_as (GUARDIAN, &text, "GetProfile", "'" OTHER "'", NULL);
  assert_refused (ok, text, "NoProfile");
}

static void
test_acknowledge (void)
{
  guint version = veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS);
  g_autofree char *version_text = g_strdup_printf ("%u", version);
  g_autofree char *old_version_text = g_strdup_printf ("%u", version + 1);
  g_autofree char *scan_version_text =
    g_strdup_printf ("%u", veil_protection_get_text_version (VEIL_PROTECTION_LIBRARY_SCAN));
  g_autofree char *text = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  VeilProtectionStatus status;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_assert_true (call_as (GUARDIAN, &text, "SetProfile", "'" OTHER "'", "{'message-warnings': 'on'}", NULL));
  g_clear_pointer (&text, g_free);

  /* Only the account itself acknowledges: not another child, not even the guardian. */
  ok = call_as (OTHER, &text, "AcknowledgeProtection", "'" CHILD "'", "'message-warnings'", version_text, NULL);
  assert_refused (ok, text, "NotAuthorized");
  g_clear_pointer (&text, g_free);
  ok = call_as (GUARDIAN, &text, "AcknowledgeProtection", "'" CHILD "'", "'message-warnings'", version_text, NULL);
  assert_refused (ok, text, "NotAuthorized");
  g_clear_pointer (&text, g_free);

  ok = call_as (CHILD, &text, "AcknowledgeProtection", "'" CHILD "'", "'library-scan'", scan_version_text, NULL);
  assert_refused (ok, text, "NotEnabled");
  g_clear_pointer (&text, g_free);
  ok = call_as (CHILD, &text, "AcknowledgeProtection", "'" CHILD "'", "'message-warnings'", old_version_text, NULL);
  g_assert_false (ok);
  g_assert_nonnull (strstr (text, "org.freedesktop.DBus.Error.InvalidArgs"));
  g_clear_pointer (&text, g_free);

  g_assert_true (call_as (CHILD, &text, "AcknowledgeProtection", "'" CHILD "'", "'message-warnings'",
                          version_text, NULL));

  /* The consent ledger has the child's acknowledgment; the other child's is untouched. */
  store = open_store_copy ();
  profile = lookup_profile (store, CHILD);
  g_assert_true (veil_store_get_protection_status (store, profile, VEIL_PROTECTION_MESSAGE_WARNINGS, &status, &error));
  g_assert_no_error (error);
  g_assert_true (status.acknowledged);
  g_assert_true (status.active);
  g_clear_pointer (&profile, veil_profile_unref);
  profile = lookup_profile (store, OTHER);
  g_assert_true (veil_store_get_protection_status (store, profile, VEIL_PROTECTION_MESSAGE_WARNINGS, &status, &error));
  g_assert_false (status.acknowledged);
}

static void
assert_owned_by_root (const char *path,
                      guint       mode)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_uid, ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, mode);
}

/* Whether @account can open @path for reading. */
static gboolean
can_read_as (const char *account,
             const char *path)
{
  g_autofree char *reuid = g_strdup_printf ("--reuid=%s", account);
  g_autofree char *regid = g_strdup_printf ("--regid=%s", account);
  const char *argv[] = { "setpriv", reuid, regid, "--clear-groups", "head", "-c", "1", path, NULL };
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &wait_status, &error);
  g_assert_no_error (error);
  return g_spawn_check_wait_status (wait_status, NULL);
}

static void
test_store_private (void)
{
  g_autofree char *db = g_build_filename (fixture.state_dir, "veil.db", NULL);

  assert_owned_by_root (fixture.state_dir, 0700);
  assert_owned_by_root (db, 0600);
  g_assert_false (can_read_as (CHILD, db));

  /* The file stays closed even if the folder were opened by mistake. */
  g_assert_cmpint (g_chmod (fixture.state_dir, 0755), ==, 0);
  g_assert_false (can_read_as (CHILD, db));
  g_assert_true (can_read_as ("root", db));
  g_assert_cmpint (g_chmod (fixture.state_dir, 0700), ==, 0);
}

/* The network interfaces process @pid sees: only loopback, which a new namespace has down. */
static void
assert_only_loopback (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/net/dev", pid);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  /* Two header lines, then one line per interface. */
  for (guint i = 2; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_assert_true (g_str_has_prefix (g_strstrip (lines[i]), "lo:"));
}

static void
test_restart_keeps_settings (void)
{
  g_autofree char *text = NULL;
  g_autofree char *unshare = g_find_program_in_path ("unshare");

  g_assert_nonnull (unshare);

  g_assert_true (call_as (GUARDIAN, &text, "SetProfile", "'" CHILD "'", "{'sensitivity': 'strict'}", NULL));
  g_clear_pointer (&text, g_free);

  stop_service ();
  /* A folder loosened while the service was down is closed again at start. The service
   * needs no network at all: this time it has none. */
  g_assert_cmpint (g_chmod (fixture.state_dir, 0750), ==, 0);
  start_service (TRUE);
  assert_only_loopback (g_subprocess_get_identifier (fixture.service));
  assert_owned_by_root (fixture.state_dir, 0700);

  g_assert_true (call_as (GUARDIAN, &text, "GetProfile", "'" CHILD "'", NULL));
  g_assert_nonnull (strstr (text, "\"sensitivity\":\"strict\""));
  g_assert_nonnull (strstr (text, "\"message-warnings\":true"));
}

/* A state folder someone else owns may have been prepared by them: the service refuses it. */
static void
test_foreign_state_dir (void)
{
  g_autofree char *dir = g_build_filename (g_get_tmp_dir (), "veil-system-foreign", NULL);
  g_autofree char *db = g_build_filename (dir, "veil.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  struct passwd *child = getpwnam (CHILD);
  const char *argv[] = { VEIL_TEST_VEIL_SYSTEM, "--state-dir", dir, NULL };
  int wait_status = 0;

  g_assert_nonnull (child);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_cmpint (chown (dir, child->pw_uid, child->pw_gid), ==, 0);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (wait_status, NULL));
  g_assert_nonnull (strstr (err, "not to Veil’s service"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  veil_test_rm_rf (dir);
}

static void
test_needs_session (void)
{
  g_test_skip ("Run through tools/system-test-session.sh (as root): it makes the bus, polkitd and accounts");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  veil_test_init (&argc, &argv);

  if (g_getenv ("VEIL_SYSTEM_TEST_SESSION") == NULL)
    {
      g_test_add_func ("/system/needs-session", test_needs_session);
      return g_test_run ();
    }

  g_test_add_func ("/system/guardian-sets-profile", test_guardian_sets_profile);
  g_test_add_func ("/system/others-refused", test_others_refused);
  g_test_add_func ("/system/bad-requests", test_bad_requests);
  g_test_add_func ("/system/acknowledge", test_acknowledge);
  g_test_add_func ("/system/store-private", test_store_private);
  g_test_add_func ("/system/restart-keeps-settings", test_restart_keeps_settings);
  g_test_add_func ("/system/foreign-state-dir", test_foreign_state_dir);

  fixture.state_dir = g_dir_make_tmp ("veil-system-state-XXXXXX", NULL);
  g_assert_nonnull (fixture.state_dir);
  start_service (FALSE);
  status = g_test_run ();
  stop_service ();
  veil_test_rm_rf (fixture.state_dir);
  g_free (fixture.state_dir);
  return status;
}
