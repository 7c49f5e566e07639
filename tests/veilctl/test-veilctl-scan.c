/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <math.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

/* `veilctl scan`, `veilctl alerts` and `veilctl scan-list` as a guardian's script runs them:
 * the built veilctl in real processes, a private data folder, the real model on the abstract
 * classifier fixtures (read in place), and generated pictures for hash-list matches. */

#define PIN "582914"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

typedef struct {
  VeilTestVeilctl  ctl;
  char            *library;
} CtlFixture;

static void
fixture_setup (CtlFixture    *fixture,
               gconstpointer  data)
{
  veil_test_veilctl_init (&fixture->ctl);
  fixture->library = veil_test_veilctl_make_folder (&fixture->ctl, "Pictures");
}

static void
fixture_teardown (CtlFixture    *fixture,
                  gconstpointer  data)
{
  g_free (fixture->library);
  veil_test_veilctl_clear (&fixture->ctl);
}

/* Runs veilctl with @input on standard input; returns its exit status. */
#define run(fixture, input, out_stdout, ...) \
  veil_test_veilctl_run (&(fixture)->ctl, input, out_stdout, NULL, __VA_ARGS__)

/* A profile with folder checks on and acknowledged, made through the library (creating one
 * with veilctl is tested by test-veilctl-profile). */
static void
make_profile (CtlFixture *fixture)
{
  g_autofree char *db = g_build_filename (fixture->ctl.dir, "veil.db", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Sam");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  const char *folders[] = { fixture->library, NULL };

  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  veil_profile_builder_set_match_threshold (b, 2);
  built = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  veil_store_acknowledge (store, saved, VEIL_PROTECTION_LIBRARY_SCAN,
                          veil_protection_get_text_version (VEIL_PROTECTION_LIBRARY_SCAN), &error);
  g_assert_no_error (error);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
test_scan_and_alerts (CtlFixture    *fixture,
                      gconstpointer  data)
{
  g_autofree char *fixtures = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *list_path = g_build_filename (fixture->ctl.dir, "family.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *hex = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(JsonNode) alerts = NULL;
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *s;
  JsonArray *a;
  VeilImageLimits limits;
  gint64 listed_id = 0;
  guint n_classifier = 0;

  if (!veil_test_require_testdata ("clf/fixtures/pos_porn_flat.png"))
    return;
  {
    /* veilctl reports canonical paths */
    g_autofree char *given = veil_test_build_testdata ("clf", "fixtures", NULL);
    fixtures = g_canonicalize_filename (given, NULL);
  }

  make_profile (fixture);
  listed = veil_test_write_picture (fixture->library, "listed.png", 480, 360, 1);
  g_free (veil_test_write_picture (fixture->library, "holiday.png", 480, 360, 2));

  /* A plain list with the listed picture's hash, imported for this profile. */
  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (listed, VEIL_PDQ_MODE_FAST, FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  hex = veil_pdq_hash_to_string (veil_pdq_get_hash (pdq));
  g_assert_true (g_file_set_contents (list_path, hex, -1, NULL));
  g_assert_cmpint (run (fixture, NULL, &out, "scan-list", "import", "Sam", list_path, "--name", "Family list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Family list"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, &out, "scan-list", "show", "Sam", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Family list"));
  g_assert_nonnull (strstr (out, "1 entries"));
  g_clear_pointer (&out, g_free);

  /* The profile's folder and the fixtures, with the real model. */
  g_assert_cmpint (run (fixture, NULL, &out, "scan", "Sam", fixture->library, fixtures, "--json", NULL), ==, 0);
  summary = parse (out);
  s = json_node_get_object (summary);
  g_assert_cmpint (json_object_get_int_member (s, "seen"), ==, 18);
  g_assert_cmpint (json_object_get_int_member (s, "analyzed"), ==, 18);
  g_assert_cmpint (json_object_get_int_member (s, "skipped"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (s, "matched"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (s, "flagged"), >=, 12);
  /* The guardian is not told for this profile: every alert stays held. */
  g_assert_cmpint (json_object_get_int_member (s, "held"), ==, json_object_get_int_member (s, "new-alerts"));
  g_assert_cmpint (json_object_get_int_member (s, "told"), ==, 0);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (fixture, NULL, &out, "alerts", "Sam", "--json", NULL), ==, 0);
  alerts = parse (out);
  a = json_node_get_array (alerts);
  g_assert_cmpuint (json_array_get_length (a), ==, (guint) (json_object_get_int_member (s, "new-alerts")));
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *alert = json_array_get_object_element (a, i);
      JsonArray *reasons = json_object_get_array_member (alert, "reasons");
      JsonObject *reason = json_array_get_object_element (reasons, 0);
      JsonObject *source = json_object_get_object_member (reason, "source");
      const char *file = json_object_get_string_member (alert, "file");
      g_autofree char *base = g_path_get_basename (file);

      g_assert_cmpuint (strlen (json_object_get_string_member (alert, "pdq")), ==, 64);
      g_assert_true (json_object_has_member (reason, "figure"));
      g_assert_true (json_object_has_member (reason, "threshold"));
      g_assert_false (g_str_has_prefix (base, "neg_"));
      if (g_str_equal (file, listed))
        {
          listed_id = json_object_get_int_member (alert, "id");
          g_assert_cmpstr (json_object_get_string_member (reason, "signal"), ==, "hash-list");
          g_assert_cmpstr (json_object_get_string_member (source, "name"), ==, "Family list");
          g_assert_cmpfloat (json_object_get_double_member (reason, "figure"), ==, 0);
          g_assert_cmpfloat (json_object_get_double_member (reason, "threshold"), ==, 31);
        }
      else
        {
          n_classifier++;
          g_assert_true (g_str_has_prefix (file, fixtures));
          g_assert_cmpstr (json_object_get_string_member (reason, "signal"), ==, "classifier");
          g_assert_cmpfloat (json_object_get_double_member (reason, "figure"), >=,
                             json_object_get_double_member (reason, "threshold"));
          g_assert_cmpuint (strlen (json_object_get_string_member (source, "sha256")), ==, 64);
        }
    }
  g_assert_cmpint (listed_id, >, 0);
  g_assert_cmpuint (n_classifier, >=, 12);
  g_clear_pointer (&out, g_free);

  /* The text form names the file, the hash and the figures. */
  g_assert_cmpint (run (fixture, NULL, &out, "alerts", "Sam", NULL), ==, 0);
  g_assert_nonnull (strstr (out, listed));
  g_assert_nonnull (strstr (out, hex));
  g_assert_nonnull (strstr (out, "distance 0 (match up to 31)"));
  g_clear_pointer (&out, g_free);

  /* A rescan reads nothing again. */
  g_assert_cmpint (run (fixture, NULL, &out, "scan", "Sam", fixture->library, fixtures, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Unchanged (cached):  18"));
  g_assert_nonnull (strstr (out, "Analyzed:            0"));
  g_clear_pointer (&out, g_free);

  /* With a guardian PIN, alerts need it, and "this was wrong" is recorded. */
  g_assert_cmpint (run (fixture, PIN "\n", NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, "111111\n", NULL, "alerts", "Sam", NULL), ==, 4);
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, listed_id);
    g_autoptr(JsonNode) after = NULL;

    g_assert_cmpint (run (fixture, PIN "\n", &out, "alerts", "Sam", "--json", "--wrong", id, NULL), ==, 0);
    after = parse (out);
    for (guint i = 0; i < json_array_get_length (json_node_get_array (after)); i++)
      {
        JsonObject *alert = json_array_get_object_element (json_node_get_array (after), i);
        if (json_object_get_int_member (alert, "id") == listed_id)
          g_assert_cmpstr (json_object_get_string_member (alert, "state"), ==, "wrong");
      }
  }
}

static void
test_errors (CtlFixture    *fixture,
             gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *cut = g_build_filename (fixture->library, "cut.jpg", NULL);
  g_autofree char *good = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) summary = NULL;
  gsize length;

  g_assert_cmpint (run (fixture, NULL, NULL, "scan", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, "alerts", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, "scan", "Nobody", NULL), ==, 1);

  make_profile (fixture);
  good = veil_test_write_picture (fixture->library, "good.jpg", 480, 360, 5);
  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cut, contents, length / 2, NULL));

  /* A damaged picture is skipped with its reason; the others are still checked. */
  fixture->ctl.quiet_libvips = TRUE;
  g_assert_cmpint (run (fixture, NULL, &out, "scan", "Sam", "--json", NULL), ==, 3);
  summary = parse (out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "analyzed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (summary), "skipped-reasons"),
                                               "damaged"), ==, 1);
  /* It could not be checked: counted as such, and listed for the guardian. */
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "unchecked"), ==, 1);
}

/* A teen's own pictures: hashed (in an analysis worker), only the MD5 printed and the hashes
 * kept; a damaged one is named and the others still go in. */
static void
test_protect (CtlFixture    *fixture,
              gconstpointer  data)
{
  g_autofree char *mine = veil_test_write_picture (fixture->library, "mine.png", 320, 240, 8);
  g_autofree char *cut = g_build_filename (fixture->library, "cut.png", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  gsize length;

  make_profile (fixture);
  g_assert_true (g_file_get_contents (mine, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cut, contents, 40, NULL));
  expected = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) contents, length);

  fixture->ctl.quiet_libvips = TRUE;
  g_assert_cmpint (run (fixture, NULL, &out, "scan-list", "protect", "Sam", mine, cut, NULL), ==, 3);
  g_assert_nonnull (strstr (out, expected));
  g_assert_null (strstr (out, "cut.png"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, NULL, &out, "scan-list", "show", "Sam", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "1 entries"));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  veil_test_init (&argc, &argv);
  /* A keyring of this test's own: the PIN part of `veilctl alerts` is real. */
  veil_test_keyring_start ();
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips failed to start");

  g_test_add ("/veil/veilctl-scan/scan-and-alerts", CtlFixture, NULL, fixture_setup, test_scan_and_alerts, fixture_teardown);
  g_test_add ("/veil/veilctl-scan/errors", CtlFixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/veil/veilctl-scan/protect", CtlFixture, NULL, fixture_setup, test_protect, fixture_teardown);

  ret = g_test_run ();
  veil_test_keyring_stop ();
  return ret;
}
