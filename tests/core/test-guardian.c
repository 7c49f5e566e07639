/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsecret/secret.h>
#include <sqlite3.h>

#include "veil.h"
#include "veil-guardian-private.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

/* Runs against a real, unlocked gnome-keyring on a private bus (veil-test-keyring.h).
 * Each case has its own data folder, and Veil's keyring items carry that folder as an
 * attribute, so cases never see each other's PINs. */

#define PIN "482916"
#define OTHER_PIN "739154"

typedef struct {
  char         *dir;
  char         *path;
  VeilStore    *store;
  VeilGuardian *guardian;
  gint64        now;   /* the guardian's clock */
} GuardianFixture;

static gint64
fake_clock (gpointer user_data)
{
  GuardianFixture *fixture = user_data;
  return fixture->now;
}

static VeilGuardian *
new_guardian (GuardianFixture *fixture,
              VeilStore       *store)
{
  VeilGuardian *guardian = veil_guardian_new (store);

  _veil_guardian_set_clock (guardian, fake_clock, fixture);
  return guardian;
}

static void
fixture_setup (GuardianFixture *fixture,
               gconstpointer    data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->now = 1700000000;
  fixture->store = veil_store_new (fixture->path, NULL, &error);
  g_assert_no_error (error);
  fixture->guardian = new_guardian (fixture, fixture->store);
}

static void
fixture_teardown (GuardianFixture *fixture,
                  gconstpointer    data)
{
  g_autoptr(GError) error = NULL;

  secret_password_clear_sync (veil_test_keyring_item_schema (), NULL, &error, "data-dir", fixture->dir, NULL);
  g_assert_no_error (error);

  g_clear_object (&fixture->guardian);
  g_clear_object (&fixture->store);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static VeilProfile *
make_profile (const char *name)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);

  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  return veil_profile_builder_build (b, NULL);
}

static void
set_pin_ok (VeilGuardian *guardian,
            const char   *old_pin,
            const char   *new_pin)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = veil_guardian_set_pin (guardian, old_pin, new_pin, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_guardian_pin_strength (void)
{
  const char *weak[] = { "", "12345", "123456", "000000", "987654", "abcdefg", "aaaaaaaa", "1234567" };
  const char *strong[] = { "482916", "0492713", "correct horse", "Schäfchen!" };

  for (gsize i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (veil_guardian_check_pin_strength (weak[i], &error));
      g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WEAK_PIN);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (strong); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (veil_guardian_check_pin_strength (strong[i], &error));
      g_assert_no_error (error);
    }
}

static void
test_guardian_set_and_unlock (GuardianFixture *fixture,
                              gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *verifier = NULL;
  gboolean has_pin = TRUE;

  g_assert_true (veil_guardian_check_keyring (fixture->guardian, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (veil_guardian_has_pin (fixture->guardian, &has_pin, NULL, &error));
  g_assert_false (has_pin);

  /* Without a PIN nothing unlocks. */
  g_assert_false (veil_guardian_unlock (fixture->guardian, PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_NO_PIN);
  g_clear_error (&error);

  g_assert_false (veil_guardian_set_pin (fixture->guardian, NULL, "1234", NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WEAK_PIN);
  g_clear_error (&error);

  set_pin_ok (fixture->guardian, NULL, PIN);
  g_assert_true (veil_guardian_get_unlocked (fixture->guardian));
  g_assert_true (veil_guardian_has_pin (fixture->guardian, &has_pin, NULL, &error));
  g_assert_true (has_pin);

  /* The keyring holds an Argon2id verifier, never the PIN. */
  verifier = secret_password_lookup_sync (veil_test_keyring_item_schema (), NULL, &error,
                                          "kind", "pin-verifier", "data-dir", fixture->dir, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (verifier);
  g_assert_true (g_str_has_prefix (verifier, "$argon2id$"));
  g_assert_null (strstr (verifier, PIN));

  veil_guardian_lock (fixture->guardian);
  g_assert_false (veil_guardian_get_unlocked (fixture->guardian));
  g_assert_false (veil_guardian_unlock (fixture->guardian, OTHER_PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_false (veil_guardian_get_unlocked (fixture->guardian));

  g_assert_true (veil_guardian_unlock (fixture->guardian, PIN, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (veil_guardian_get_unlocked (fixture->guardian));
}

static void
test_guardian_change_pin (GuardianFixture *fixture,
                          gconstpointer    data)
{
  g_autoptr(GError) error = NULL;

  set_pin_ok (fixture->guardian, NULL, PIN);

  /* Changing needs the old PIN, and the right one. */
  g_assert_false (veil_guardian_set_pin (fixture->guardian, NULL, OTHER_PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_false (veil_guardian_set_pin (fixture->guardian, "999111", OTHER_PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
  g_clear_error (&error);

  set_pin_ok (fixture->guardian, PIN, OTHER_PIN);

  veil_guardian_lock (fixture->guardian);
  g_assert_false (veil_guardian_unlock (fixture->guardian, PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_true (veil_guardian_unlock (fixture->guardian, OTHER_PIN, NULL, &error));
  g_assert_no_error (error);
}

static void
test_guardian_backoff (GuardianFixture *fixture,
                       gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store2 = NULL;
  g_autoptr(VeilGuardian) guardian2 = NULL;
  g_autoptr(GPtrArray) audit = NULL;

  set_pin_ok (fixture->guardian, NULL, PIN);
  veil_guardian_lock (fixture->guardian);

  /* The first wrong PINs are free... */
  for (guint i = 0; i < VEIL_GUARDIAN_FREE_ATTEMPTS - 1; i++)
    {
      g_assert_false (veil_guardian_unlock (fixture->guardian, "111222", NULL, &error));
      g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
      g_clear_error (&error);
      g_assert_cmpuint (veil_guardian_get_wait_seconds (fixture->guardian), ==, 0);
    }

  /* ...then each one makes the next wait longer. */
  g_assert_false (veil_guardian_unlock (fixture->guardian, "111222", NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
  g_assert_nonnull (strstr (error->message, "30 seconds"));
  g_clear_error (&error);
  g_assert_cmpuint (veil_guardian_get_wait_seconds (fixture->guardian), ==, 30);

  /* While waiting, even the right PIN is not checked. */
  fixture->now += 10;
  g_assert_false (veil_guardian_unlock (fixture->guardian, PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED_OUT);
  g_assert_nonnull (strstr (error->message, "20 seconds"));
  g_clear_error (&error);

  /* A restart (new store and guardian on the same file) does not reset the wait. */
  store2 = veil_store_new (fixture->path, NULL, &error);
  g_assert_no_error (error);
  guardian2 = new_guardian (fixture, store2);
  g_assert_cmpuint (veil_guardian_get_wait_seconds (guardian2), ==, 20);
  g_assert_false (veil_guardian_unlock (guardian2, PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED_OUT);
  g_clear_error (&error);

  /* After the wait, another wrong PIN doubles it. */
  fixture->now += 21;
  g_assert_false (veil_guardian_unlock (guardian2, "111222", NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_cmpuint (veil_guardian_get_wait_seconds (guardian2), ==, 60);

  /* The right PIN after the wait opens, and starts the count afresh. */
  fixture->now += 60;
  g_assert_true (veil_guardian_unlock (guardian2, PIN, NULL, &error));
  g_assert_no_error (error);
  veil_guardian_lock (guardian2);
  g_assert_false (veil_guardian_unlock (guardian2, "111222", NULL, &error));
  g_clear_error (&error);
  g_assert_cmpuint (veil_guardian_get_wait_seconds (guardian2), ==, 0);

  /* Wrong PINs are on record for the guardian. */
  audit = veil_store_list_audit (store2, 0, 0, &error);
  g_assert_no_error (error);
  {
    guint failed = 0;
    for (guint i = 0; i < audit->len; i++)
      failed += g_str_equal (((VeilAuditEntry *) audit->pdata[i])->kind, "pin-failed");
    g_assert_cmpuint (failed, ==, 5);
  }
}

static void
test_guardian_locked_operations (GuardianFixture *fixture,
                                 gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilProfile) draft = make_profile ("Mia");
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GPtrArray) profiles = NULL;

  /* Nothing changes without the PIN. */
  g_assert_null (veil_guardian_save_profile (fixture->guardian, draft, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (veil_guardian_export (fixture->guardian, fixture->dir, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (veil_guardian_erase_all (fixture->guardian, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED);
  g_clear_error (&error);
  profiles = veil_store_list_profiles (fixture->store, &error);
  g_assert_cmpuint (profiles->len, ==, 0);

  set_pin_ok (fixture->guardian, NULL, PIN);
  saved = veil_guardian_save_profile (fixture->guardian, draft, &error);
  g_assert_no_error (error);
  /* The guardian's key signs what it saves. */
  g_assert_cmpint (veil_profile_get_integrity (saved), ==, VEIL_PROFILE_INTEGRITY_OK);

  veil_guardian_lock (fixture->guardian);
  g_assert_false (veil_guardian_delete_profile (fixture->guardian, saved, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED);
}

static void
test_guardian_tampered_row (GuardianFixture *fixture,
                            gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilProfile) draft = make_profile ("Mia");
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(VeilStore) store2 = NULL;
  g_autoptr(VeilGuardian) guardian2 = NULL;
  g_autoptr(VeilProfile) reloaded = NULL;
  sqlite3 *db = NULL;

  set_pin_ok (fixture->guardian, NULL, PIN);
  saved = veil_guardian_save_profile (fixture->guardian, draft, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->guardian);
  g_clear_object (&fixture->store);

  /* An edit made outside Veil: warnings switched off with the sqlite3 tool. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE profiles SET data = replace(data, '\"message-warnings\":true', "
                                     "'\"message-warnings\":false')", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  /* A fresh start: the key comes from the keyring (no PIN needed) and the edit shows. */
  store2 = veil_store_new (fixture->path, NULL, &error);
  g_assert_no_error (error);
  guardian2 = new_guardian (fixture, store2);
  g_assert_true (veil_guardian_check_keyring (guardian2, NULL, &error));
  g_assert_no_error (error);
  reloaded = veil_store_lookup_profile (store2, "Mia", &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_integrity (reloaded), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);

  /* The guardian reviews and saves it: signed again. */
  g_assert_true (veil_guardian_unlock (guardian2, PIN, NULL, &error));
  {
    g_autoptr(VeilProfile) resaved = veil_guardian_save_profile (guardian2, reloaded, &error);
    g_autoptr(VeilProfile) again = NULL;

    g_assert_no_error (error);
    again = veil_store_lookup_profile (store2, "Mia", &error);
    g_assert_cmpint (veil_profile_get_integrity (again), ==, VEIL_PROFILE_INTEGRITY_OK);
  }
}

static void
test_guardian_isolated_items (GuardianFixture *fixture,
                              gconstpointer    data)
{
  g_autofree char *dir2 = veil_test_make_tmpdir ();
  g_autofree char *path2 = g_build_filename (dir2, "veil.db", NULL);
  g_autoptr(VeilStore) store2 = NULL;
  g_autoptr(VeilGuardian) guardian2 = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_pin = TRUE;

  set_pin_ok (fixture->guardian, NULL, PIN);
  store2 = veil_store_new (path2, NULL, &error);
  guardian2 = new_guardian (fixture, store2);

  /* Another data folder is another Veil set-up, with its own PIN. */
  g_assert_true (veil_guardian_has_pin (guardian2, &has_pin, NULL, &error));
  g_assert_false (has_pin);
  set_pin_ok (guardian2, NULL, OTHER_PIN);
  veil_guardian_lock (fixture->guardian);
  g_assert_true (veil_guardian_unlock (fixture->guardian, PIN, NULL, &error));
  g_assert_no_error (error);

  secret_password_clear_sync (veil_test_keyring_item_schema (), NULL, &error, "data-dir", dir2, NULL);
  g_clear_object (&guardian2);
  g_clear_object (&store2);
  veil_test_rm_rf (dir2);
}

static void
test_guardian_erase (GuardianFixture *fixture,
                     gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilProfile) draft = make_profile ("Mia");
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  gboolean has_pin = FALSE;

  set_pin_ok (fixture->guardian, NULL, PIN);
  saved = veil_guardian_save_profile (fixture->guardian, draft, &error);
  g_assert_true (veil_guardian_erase_all (fixture->guardian, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (veil_guardian_get_unlocked (fixture->guardian));
  g_assert_true (veil_guardian_has_pin (fixture->guardian, &has_pin, NULL, &error));
  g_assert_false (has_pin);
  g_assert_false (veil_store_has_integrity_key (fixture->store));
  profiles = veil_store_list_profiles (fixture->store, &error);
  g_assert_cmpuint (profiles->len, ==, 0);
}

static void
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **out = user_data;

  if (!veil_guardian_unlock_finish (VEIL_GUARDIAN (source), result, out))
    g_assert_nonnull (*out);
  else
    *out = g_error_new_literal (G_IO_ERROR, 0, "success");
}

static void
set_pin_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_guardian_set_pin_finish (VEIL_GUARDIAN (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_guardian_async (GuardianFixture *fixture,
                     gconstpointer    data)
{
  GError *result = NULL;
  gboolean done = FALSE;

  veil_guardian_set_pin_async (fixture->guardian, NULL, PIN, NULL, set_pin_cb, &done);
  veil_test_wait_for (&done, 30);
  g_assert_true (veil_guardian_get_unlocked (fixture->guardian));
  veil_guardian_lock (fixture->guardian);

  veil_guardian_unlock_async (fixture->guardian, OTHER_PIN, NULL, unlock_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (result, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN);
  g_clear_error (&result);
  g_assert_false (veil_guardian_get_unlocked (fixture->guardian));

  veil_guardian_unlock_async (fixture->guardian, PIN, NULL, unlock_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (result, G_IO_ERROR, 0); /* "success" marker */
  g_clear_error (&result);
  g_assert_true (veil_guardian_get_unlocked (fixture->guardian));
}

/* Runs in a child process whose session bus has no Secret Service at all. */
static void
keyring_missing_child (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "veil.db", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;
  gboolean has_pin;

  g_test_dbus_up (bus);

  store = veil_store_new (path, NULL, &error);
  g_assert_no_error (error);
  guardian = veil_guardian_new (store);

  g_assert_false (veil_guardian_check_keyring (guardian, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_KEYRING_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "keyring"));
  g_printerr ("%s\n", error->message);
  g_clear_error (&error);

  g_assert_false (veil_guardian_has_pin (guardian, &has_pin, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);

  /* No plain-file fallback: setting a PIN fails and leaves nothing but the database. */
  g_assert_false (veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_false (veil_guardian_unlock (guardian, PIN, NULL, &error));
  g_assert_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_false (veil_guardian_get_unlocked (guardian));

  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    g_assert_true (g_str_has_prefix (name, "veil.db"));

  g_clear_object (&guardian);
  g_clear_object (&store);
  veil_test_rm_rf (dir);
  g_test_dbus_stop (bus);
}

static void
test_guardian_keyring_missing (void)
{
  g_test_trap_subprocess ("/veil/guardian/keyring-missing/subprocess", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*cannot reach the keyring*");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  veil_test_init (&argc, &argv);
  /* The keyring-missing child makes a bus of its own, without any keyring. */
  if (!g_test_subprocess ())
    veil_test_keyring_start ();

  g_test_add_func ("/veil/guardian/pin-strength", test_guardian_pin_strength);
  g_test_add_func ("/veil/guardian/keyring-missing", test_guardian_keyring_missing);
  g_test_add_func ("/veil/guardian/keyring-missing/subprocess", keyring_missing_child);
#define ADD(path, func) \
  g_test_add (path, GuardianFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/guardian/set-and-unlock", test_guardian_set_and_unlock);
  ADD ("/veil/guardian/change-pin", test_guardian_change_pin);
  ADD ("/veil/guardian/backoff", test_guardian_backoff);
  ADD ("/veil/guardian/locked-operations", test_guardian_locked_operations);
  ADD ("/veil/guardian/tampered-row", test_guardian_tampered_row);
  ADD ("/veil/guardian/isolated-items", test_guardian_isolated_items);
  ADD ("/veil/guardian/erase", test_guardian_erase);
  ADD ("/veil/guardian/async", test_guardian_async);
#undef ADD

  ret = g_test_run ();
  veil_test_keyring_stop ();
  return ret;
}
