/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"


#include "test-store-fixture.h"
#include "veil-test-utils.h"

/* The profiles table: saving, versions, conflicts and signatures. */

static void
test_store_profiles (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) mia = make_profile ("Mia", "age-band", "under-13", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) noah = make_profile ("Noah", "age-band", "13-15", "library-scan", "on",
                                              "folders", "/home/noah/Pictures", NULL);
  g_autoptr(VeilProfile) saved_mia = NULL;
  g_autoptr(VeilProfile) saved_noah = NULL;
  g_autoptr(VeilProfile) dup = make_profile ("Mia", NULL);
  g_autoptr(VeilProfile) found = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  saved_mia = save (store, mia);
  saved_noah = save (store, noah);
  g_assert_cmpint (veil_profile_get_id (saved_mia), >, 0);
  g_assert_cmpint (veil_profile_get_id (saved_noah), !=, veil_profile_get_id (saved_mia));
  g_assert_cmpuint (veil_profile_get_version (saved_mia), ==, 1);
  /* Without a key nothing is signed or checked. */
  g_assert_cmpint (veil_profile_get_integrity (saved_mia), ==, VEIL_PROFILE_INTEGRITY_UNCHECKED);

  /* Names are unique; the failed save changes nothing. */
  g_assert_null (veil_store_save_profile (store, dup, VEIL_ACTOR_GUARDIAN, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 2);
  g_assert_cmpstr (veil_profile_get_name (profiles->pdata[0]), ==, "Mia");
  g_assert_cmpstr (veil_profile_get_name (profiles->pdata[1]), ==, "Noah");
  g_assert_true (veil_profile_equal_settings (profiles->pdata[1], noah));

  found = veil_store_get_profile (store, veil_profile_get_id (saved_noah), &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (veil_profile_get_folders (found), ((const char *[]) { "/home/noah/Pictures", NULL }));
  g_clear_pointer (&found, veil_profile_unref);

  found = veil_store_lookup_profile (store, "Nobody", &error);
  g_assert_null (found);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting takes everything about the profile with it, and leaves one note. */
  g_assert_true (veil_store_delete_profile (store, veil_profile_get_id (saved_noah), VEIL_ACTOR_GUARDIAN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profiles"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profile_versions"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM audit WHERE kind = 'profile-deleted' AND detail = 'Noah'"), ==, 1);
  g_assert_false (veil_store_delete_profile (store, veil_profile_get_id (saved_noah), VEIL_ACTOR_GUARDIAN, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
}

static void
test_store_versions (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) p1 = make_profile ("Mia", "retention-days", "10", NULL);
  g_autoptr(VeilProfile) s1 = save (store, p1);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (s1);
  g_autoptr(VeilProfile) p2 = NULL;
  g_autoptr(VeilProfile) s2 = NULL;
  g_autoptr(VeilProfile) old = NULL;
  g_autoptr(VeilProfile) stale = NULL;
  g_autoptr(GError) error = NULL;

  veil_profile_builder_set_retention_days (b, 20);
  p2 = veil_profile_builder_build (b, NULL);
  s2 = save (store, p2);
  g_assert_cmpuint (veil_profile_get_version (s2), ==, 2);
  g_assert_cmpint (veil_profile_get_id (s2), ==, veil_profile_get_id (s1));

  old = veil_store_get_profile_version (store, veil_profile_get_id (s1), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (veil_profile_get_retention_days (old), ==, 10);

  /* Saving from a stale copy (another window saved meanwhile) is refused, not merged. */
  stale = veil_store_save_profile (store, p2, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_null (stale);
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CONFLICT);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM profile_versions"), ==, 2);
}

static void
test_store_tampered (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(GBytes) key = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
  g_autoptr(GBytes) other_key = g_bytes_new_static ("fedcba9876543210fedcba9876543210", 32);
  g_autoptr(VeilProfile) d1 = make_profile ("Mia", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) d2 = make_profile ("Noah", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(VeilProfile) noah = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  veil_store_set_integrity_key (store, key);
  mia = save (store, d1);
  noah = save (store, d2);
  g_assert_cmpint (veil_profile_get_integrity (mia), ==, VEIL_PROFILE_INTEGRITY_OK);
  g_clear_object (&store);

  /* Someone turns Noah's warnings off with the sqlite3 tool. */
  exec_sql (fixture->path, "UPDATE profiles SET data = replace(data, '\"message-warnings\":true', '\"message-warnings\":false') WHERE name = 'Noah'");

  store = open_store (fixture);
  veil_store_set_integrity_key (store, key);
  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[0]), ==, VEIL_PROFILE_INTEGRITY_OK);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[1]), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);
  g_assert_false (veil_profile_get_protection_enabled (profiles->pdata[1], VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_clear_pointer (&profiles, g_ptr_array_unref);

  /* Removing the signature or copying another row's is caught too. */
  exec_sql (fixture->path, "UPDATE profiles SET signature = (SELECT signature FROM profiles WHERE name = 'Mia') WHERE name = 'Noah'");
  profiles = veil_store_list_profiles (store, &error);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[1]), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);
  g_clear_pointer (&profiles, g_ptr_array_unref);

  /* Under another key nothing verifies. */
  veil_store_set_integrity_key (store, other_key);
  profiles = veil_store_list_profiles (store, &error);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[0]), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);
}

/* The rule for pictures Veil could not check is signed like every other setting. */
static void
test_store_unchecked_rule_signed (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(GBytes) key = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "age-band", "under-13", "unchecked", "blur", NULL);
  g_autoptr(VeilProfile) mia = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  veil_store_set_integrity_key (store, key);
  mia = save (store, draft);
  g_assert_cmpint (veil_profile_get_unchecked_rule (mia), ==, VEIL_UNCHECKED_RULE_BLUR);
  g_clear_object (&store);

  store = open_store (fixture);
  veil_store_set_integrity_key (store, key);
  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[0]), ==, VEIL_PROFILE_INTEGRITY_OK);
  g_assert_cmpint (veil_profile_get_unchecked_rule (profiles->pdata[0]), ==, VEIL_UNCHECKED_RULE_BLUR);
  g_clear_pointer (&profiles, g_ptr_array_unref);

  /* Turning blurring of unchecked pictures off outside Veil is caught. */
  exec_sql (fixture->path, "UPDATE profiles SET data = replace(data, '\"unchecked\":\"blur\"', '\"unchecked\":\"allow\"')");
  profiles = veil_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_unchecked_rule (profiles->pdata[0]), ==, VEIL_UNCHECKED_RULE_ALLOW);
  g_assert_cmpint (veil_profile_get_integrity (profiles->pdata[0]), ==, VEIL_PROFILE_INTEGRITY_TAMPERED);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  ADD_STORE_TEST ("/veil/store/profiles", test_store_profiles);
  ADD_STORE_TEST ("/veil/store/versions", test_store_versions);
  ADD_STORE_TEST ("/veil/store/tampered", test_store_tampered);
  ADD_STORE_TEST ("/veil/store/unchecked-rule-signed", test_store_unchecked_rule_signed);


  return g_test_run ();
}
