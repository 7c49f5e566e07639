/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

/* `veilctl report` as a child and a guardian run it: the built veilctl in real processes, a
 * private data folder and keyring, real pictures decoded by libvips and the real model. */

#define PIN "582914"

typedef struct {
  VeilTestVeilctl  ctl;
  char            *pictures;
} CtlFixture;

static void
fixture_setup (CtlFixture    *fixture,
               gconstpointer  data)
{
  veil_test_veilctl_init (&fixture->ctl);
  fixture->pictures = veil_test_veilctl_make_folder (&fixture->ctl, "Downloads");
}

static void
fixture_teardown (CtlFixture    *fixture,
                  gconstpointer  data)
{
  g_free (fixture->pictures);
  veil_test_veilctl_clear (&fixture->ctl);
}

/* Runs veilctl with @input on standard input; returns its exit status. */
#define run(fixture, input, out_stdout, out_stderr, ...) \
  veil_test_veilctl_run (&(fixture)->ctl, input, out_stdout, out_stderr, __VA_ARGS__)

/* A profile made through the library (creating one with veilctl is tested by test-veilctl-profile). */
static void
make_profile (CtlFixture *fixture)
{
  g_autofree char *db = g_build_filename (fixture->ctl.dir, "veil.db", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Sam");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;

  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  built = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (store, built, VEIL_ACTOR_GUARDIAN, &error);
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

static char *
sha256_of (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* Whether any file in @folder holds @needle (a stretch of the image's bytes). */
static gboolean
folder_contains (const char *folder,
                 const char *needle,
                 gsize       needle_len,
                 guint      *out_n_files)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  gboolean found = FALSE;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      n++;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      for (gsize i = 0; !found && i + needle_len <= length; i++)
        found = memcmp (contents + i, needle, needle_len) == 0;
    }
  *out_n_files = n;
  return found;
}

static void
test_make_list_show_export (CtlFixture    *fixture,
                            gconstpointer  data)
{
  g_autofree char *picture = NULL;
  g_autofree char *other = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *image = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autofree char *exports = g_build_filename (fixture->ctl.dir, "exports", NULL);
  g_autoptr(JsonNode) made = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) shown = NULL;
  JsonObject *entry;
  JsonObject *report;
  gsize image_len;
  guint n_files;

  make_profile (fixture);
  picture = veil_test_write_picture (fixture->pictures, "photo.jpg", 640, 480, 3);
  other = veil_test_write_picture (fixture->pictures, "other.jpg", 640, 480, 4);
  sha256 = sha256_of (picture);
  g_assert_true (g_file_get_contents (picture, &image, &image_len, NULL));

  /* With a guardian PIN set, the child still reports without it. */
  g_assert_cmpint (run (fixture, PIN "\n", NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "report", "make", "Sam", picture,
                        "--words", "he said not to tell", "--source", "app", "--source-name", "Chatty",
                        "--sender", "@stranger", "--json", NULL), ==, 0);
  made = parse (out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (made), "id"), >, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_node_get_object (made), "id"));
  g_clear_pointer (&out, g_free);
  /* A second one from a folder, the default source, in plain text. */
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "report", "make", "Sam", other, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "not your fault"));
  g_clear_pointer (&out, g_free);

  /* Listing is the guardian's: with the PIN, newest first. */
  g_assert_cmpint (run (fixture, PIN "\n", &out, NULL, "report", "list", "Sam", "--json", "--pin-stdin", NULL), ==, 0);
  listed = parse (out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (listed)), ==, 2);
  entry = json_array_get_object_element (json_node_get_array (listed), 1);
  g_assert_cmpint (json_object_get_int_member (entry, "id"), ==, g_ascii_strtoll (id, NULL, 10));
  g_assert_cmpstr (json_object_get_string_member (entry, "state"), ==, "new");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, PIN "\n", &out, NULL, "report", "list", "Sam", "--pin-stdin", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Chatty"));
  g_assert_nonnull (strstr (out, fixture->pictures));
  g_clear_pointer (&out, g_free);

  /* Show: everything the report holds, and the file's real checksum. */
  g_assert_cmpint (run (fixture, PIN "\n", &out, NULL, "report", "show", id, "--json", "--pin-stdin", NULL), ==, 0);
  shown = parse (out);
  report = json_object_get_object_member (json_node_get_object (shown), "report");
  g_assert_nonnull (report);
  g_assert_nonnull (strstr (out, sha256));
  g_assert_nonnull (strstr (out, "he said not to tell"));
  g_assert_nonnull (strstr (out, "@stranger"));
  g_assert_nonnull (strstr (out, "Chatty"));
  g_assert_nonnull (strstr (out, "photo.jpg"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, PIN "\n", &out, NULL, "report", "show", id, "--pin-stdin", NULL), ==, 0);
  g_assert_nonnull (strstr (out, sha256));
  g_assert_nonnull (strstr (out, "he said not to tell"));
  g_clear_pointer (&out, g_free);

  /* Without the PIN, or with a wrong one, nothing is shown. */
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "report", "list", "Sam", NULL), ==, 2);
  g_assert_null (strstr (out, "Chatty"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (fixture, "111111\n", &out, NULL, "report", "show", id, "--pin-stdin", NULL), ==, 4);
  g_assert_null (strstr (out, "he said not to tell"));
  g_clear_pointer (&out, g_free);

  /* Export without the image: report.json and README.txt, no image bytes, and the warning. */
  g_assert_cmpint (run (fixture, PIN "\n", &out, &err, "report", "export", id, exports, "--pin-stdin", NULL), ==, 0);
  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, exports));
  g_assert_nonnull (strstr (err, "hotline"));
  g_assert_nonnull (strstr (err, "crime"));
  g_assert_false (folder_contains (out, image + image_len / 2, 256, &n_files));
  g_assert_cmpuint (n_files, ==, 2);
  {
    g_autofree char *json_path = g_build_filename (out, "report.json", NULL);
    g_autofree char *readme_path = g_build_filename (out, "README.txt", NULL);
    g_autofree char *json = NULL;

    g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
    g_assert_nonnull (strstr (json, sha256));
    g_assert_true (g_file_test (readme_path, G_FILE_TEST_IS_REGULAR));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  veil_test_rm_rf (exports);

  /* Including the image needs the right PIN: a wrong one writes nothing. */
  g_assert_cmpint (run (fixture, "111111\n", &out, NULL, "report", "export", id, exports,
                        "--include-image", picture, "--pin-stdin", NULL), ==, 4);
  g_assert_false (g_file_test (exports, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  /* Another picture than the reported one is refused. */
  g_assert_cmpint (run (fixture, PIN "\n", &out, NULL, "report", "export", id, exports,
                        "--include-image", other, "--pin-stdin", NULL), ==, 1);
  g_assert_false (g_file_test (exports, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  /* With the PIN and the reported picture, a copy goes in; the original stays as it was. */
  g_assert_cmpint (run (fixture, PIN "\n", &out, NULL, "report", "export", id, exports,
                        "--include-image", picture, "--pin-stdin", NULL), ==, 0);
  g_strstrip (out);
  g_assert_true (folder_contains (out, image + image_len / 2, 256, &n_files));
  g_assert_cmpuint (n_files, ==, 3);
  {
    g_autofree char *after = sha256_of (picture);
    g_assert_cmpstr (after, ==, sha256);
  }
}

static void
test_classifier_reason (CtlFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *positive = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) made = NULL;

  if (!veil_test_require_testdata ("clf/fixtures/pos_porn_flat.png"))
    return;
  positive = veil_test_build_testdata ("clf", "fixtures", "pos_porn_flat.png", NULL);

  make_profile (fixture);
  g_assert_cmpint (run (fixture, PIN "\n", NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, NULL, &out, NULL, "report", "make", "Sam", positive, "--json", NULL), ==, 0);
  made = parse (out);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_node_get_object (made), "id"));
  g_clear_pointer (&out, g_free);

  /* The model's verdict is in the report, with its figures. */
  g_assert_cmpint (run (fixture, PIN "\n", &out, NULL, "report", "show", id, "--pin-stdin", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "classifier"));
}

static void
test_errors (CtlFixture    *fixture,
             gconstpointer  data)
{
  g_autofree char *picture = NULL;
  g_autofree char *text = g_build_filename (fixture->ctl.dir, "notes.jpg", NULL);
  g_autofree char *exports = g_build_filename (fixture->ctl.dir, "exports", NULL);

  /* Usage errors. */
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "frobnicate", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "make", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "make", "Sam", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "list", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "show", "abc", "--pin-stdin", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "export", "1", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "make", "Sam", "x.jpg", "--bogus", NULL), ==, 2);

  make_profile (fixture);
  picture = veil_test_write_picture (fixture->pictures, "photo.png", 320, 240, 7);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "make", "Sam", picture, "--source", "nowhere", NULL), ==, 2);
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "make", "Sam", picture, "--source", "app", NULL), ==, 2);

  /* Unknown profile, report or file: a clear failure, nothing stored. */
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "make", "Nobody", picture, NULL), ==, 1);
  g_assert_true (g_file_set_contents (text, "not a picture", -1, NULL));
  fixture->ctl.quiet_libvips = TRUE;
  g_assert_cmpint (run (fixture, NULL, NULL, NULL, "report", "make", "Sam", text, NULL), ==, 1);
  fixture->ctl.quiet_libvips = FALSE;
  g_assert_cmpint (run (fixture, PIN "\n", NULL, NULL, "guardian", "set-pin", NULL), ==, 0);
  g_assert_cmpint (run (fixture, PIN "\n", NULL, NULL, "report", "show", "999", "--pin-stdin", NULL), ==, 1);
  g_assert_cmpint (run (fixture, PIN "\n", NULL, NULL, "report", "export", "999", exports, "--pin-stdin", NULL), ==, 1);
  g_assert_false (g_file_test (exports, G_FILE_TEST_EXISTS));
  {
    g_autofree char *out = NULL;
    g_autoptr(JsonNode) listed = NULL;

    g_assert_cmpint (run (fixture, PIN "\n", &out, NULL, "report", "list", "Sam", "--json", "--pin-stdin", NULL), ==, 0);
    listed = parse (out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (listed)), ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  veil_test_init (&argc, &argv);
  /* A keyring of this test's own: the PIN part of `veilctl report` is real. */
  veil_test_keyring_start ();
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips failed to start");

  g_test_add ("/veil/veilctl-report/make-list-show-export", CtlFixture, NULL, fixture_setup,
              test_make_list_show_export, fixture_teardown);
  g_test_add ("/veil/veilctl-report/classifier-reason", CtlFixture, NULL, fixture_setup,
              test_classifier_reason, fixture_teardown);
  g_test_add ("/veil/veilctl-report/errors", CtlFixture, NULL, fixture_setup, test_errors, fixture_teardown);

  ret = g_test_run ();
  veil_test_keyring_stop ();
  return ret;
}
