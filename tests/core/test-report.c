/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "veil-report.h"
#include "veil-test-utils.h"

/* Report bundles: what they hold, what they never hold, and that they read back. */

#define PDQ_HEX "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

static VeilVerdict *
make_verdict (void)
{
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  g_autoptr(VeilReason) classifier = NULL;
  g_autoptr(VeilReason) match = NULL;
  float heatmap[49];
  VeilPdqHash hash;

  for (guint i = 0; i < G_N_ELEMENTS (heatmap); i++)
    heatmap[i] = (float) i / 10.0f;

  classifier = veil_reason_new_classifier ("porn", 0.97, 0.5, "nsfwjs-mobilenet-v2", "4.4.0",
                                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                           heatmap, 7, 7);
  match = veil_reason_new_hash_match (VEIL_SIGNAL_HASH_LIST, 12, 31, "Family list", 3, "entry 42");
  veil_verdict_builder_add_reason (builder, classifier);
  veil_verdict_builder_add_reason (builder, match);
  g_assert_true (veil_pdq_hash_from_hex (PDQ_HEX, &hash, NULL));
  veil_verdict_builder_set_hash (builder, &hash, 100);

  return veil_verdict_builder_build (builder);
}

static char *
write_image (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "photo.jpg", NULL);

  /* The bytes do not matter for a report: only their checksum does. */
  g_assert_true (g_file_set_contents (path, "pretend image bytes", -1, NULL));
  return g_steal_pointer (&path);
}

static VeilReport *
make_report (const char *image_path)
{
  g_autoptr(VeilReportBuilder) builder = veil_report_builder_new ();
  g_autoptr(VeilVerdict) verdict = make_verdict ();
  g_autoptr(GFile) image = g_file_new_for_path (image_path);
  g_autoptr(GDateTime) time = g_date_time_new_utc (2026, 11, 28, 10, 30, 0);
  g_autoptr(GError) error = NULL;
  VeilReport *report;

  veil_report_builder_set_time (builder, time);
  veil_report_builder_set_reporter (builder, VEIL_REPORTER_CHILD);
  veil_report_builder_set_source (builder, VEIL_REPORT_SOURCE_APP, "org.example.Chat");
  veil_report_builder_set_sender (builder, "someone@example.org");
  veil_report_builder_set_verdict (builder, verdict);
  veil_report_builder_set_words (builder, "  They said to keep it secret.  ");
  g_assert_true (veil_report_builder_checksum_file (builder, image, NULL, &error));
  g_assert_no_error (error);

  report = veil_report_builder_build (builder, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static void
test_build (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *image = write_image (dir);
  g_autoptr(VeilReport) report = make_report (image);
  g_autofree char *expected_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "pretend image bytes", -1);
  g_autofree char *pdq = veil_report_get_pdq (report);

  g_assert_cmpstr (veil_report_get_sha256 (report), ==, expected_sha);
  g_assert_cmpstr (pdq, ==, PDQ_HEX);
  g_assert_cmpstr (veil_report_get_file_name (report), ==, "photo.jpg");
  g_assert_cmpstr (veil_report_get_words (report), ==, "They said to keep it secret.");
  g_assert_cmpstr (veil_report_get_sender (report), ==, "someone@example.org");
  g_assert_cmpint (veil_report_get_source (report), ==, VEIL_REPORT_SOURCE_APP);
  veil_test_rm_rf (dir);
}

static void
test_incomplete (void)
{
  g_autoptr(VeilReportBuilder) builder = veil_report_builder_new ();
  g_autoptr(VeilVerdict) verdict = make_verdict ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilReport) report = NULL;
  g_autofree char *long_words = g_strnfill (5000, 'a');

  veil_report_builder_set_source (builder, VEIL_REPORT_SOURCE_FOLDER, "/home/child/Downloads");
  veil_report_builder_set_verdict (builder, verdict);
  /* No checksum yet. */
  report = veil_report_builder_build (builder, &error);
  g_assert_null (report);
  g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INCOMPLETE);
  g_clear_error (&error);

  veil_report_builder_set_sha256 (builder, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  veil_report_builder_set_words (builder, long_words);
  report = veil_report_builder_build (builder, &error);
  g_assert_null (report);
  g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INCOMPLETE);
}

static void
test_unreadable_image (void)
{
  g_autoptr(VeilReportBuilder) builder = veil_report_builder_new ();
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/veil/photo.jpg");
  g_autoptr(GError) error = NULL;

  g_assert_false (veil_report_builder_checksum_file (builder, missing, NULL, &error));
  g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_UNREADABLE);
}

static void
test_json_round_trip (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *image = write_image (dir);
  g_autoptr(VeilReport) report = make_report (image);
  g_autofree char *json = veil_report_to_json (report);
  g_autoptr(VeilReport) back = NULL;
  g_autofree char *json_again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  back = veil_report_new_from_json (json, &error);
  g_assert_no_error (error);
  json_again = veil_report_to_json (back);
  g_assert_cmpstr (json, ==, json_again);

  /* What a hotline needs is there, and the image is not. */
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "time"), ==, "2026-11-28T10:30:00Z");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "image"), "pdq"), ==, PDQ_HEX);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (root, "image"), "included"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "explanation")), ==, 2);
  g_assert_true (json_object_has_member (root, "notice"));
  g_assert_null (strstr (json, "pretend image bytes"));
  veil_test_rm_rf (dir);
}

static void
test_json_invalid (void)
{
  const char *bad[] = {
    "",
    "[]",
    "{\"format\": \"something-else\", \"version\": 1}",
    "{\"format\": \"veil-report\", \"version\": 2}",
    "{\"format\": \"veil-report\", \"version\": 1, \"time\": \"2026-11-28T10:30:00Z\", \"reporter\": \"child\","
    " \"source\": {\"kind\": \"app\", \"name\": \"x\"}, \"image\": {\"sha256\": \"nothex\"}, \"verdict\": {}}",
    "{\"format\": \"veil-report\", \"version\": 1, \"time\": \"yesterday\", \"reporter\": \"child\","
    " \"source\": {\"kind\": \"app\", \"name\": \"x\"},"
    " \"image\": {\"sha256\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}, \"verdict\": {}}",
    "{\"format\": \"veil-report\", \"version\": 1, \"time\": \"2026-11-28T10:30:00Z\", \"reporter\": \"stranger\","
    " \"source\": {\"kind\": \"app\", \"name\": \"x\"},"
    " \"image\": {\"sha256\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}, \"verdict\": {}}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilReport) report = veil_report_new_from_json (bad[i], &error);

      g_assert_null (report);
      g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INVALID);
    }
}

static void
test_export (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *image = write_image (dir);
  g_autofree char *out = g_build_filename (dir, "exports", NULL);
  g_autoptr(VeilReport) report = make_report (image);
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *second = NULL;
  g_autofree char *json = NULL;
  g_autofree char *readme = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *readme_path = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree char *original = NULL;
  g_autoptr(GDir) listing = NULL;
  guint n_files = 0;

  bundle = veil_report_export (report, out, VEIL_REPORT_EXPORT_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (bundle, "veil-report-20261128-103000"));

  json_path = g_build_filename (bundle, "report.json", NULL);
  readme_path = g_build_filename (bundle, "README.txt", NULL);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
  g_assert_nonnull (strstr (readme, "can be a crime"));

  /* Only the two files: no image. */
  listing = g_dir_open (bundle, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 2);

  /* A second export never overwrites the first. */
  second = veil_report_export (report, out, VEIL_REPORT_EXPORT_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, !=, bundle);

  /* A guardian's explicit request includes a copy; the original is untouched. */
  {
    g_autoptr(GFile) image_file = g_file_new_for_path (image);
    g_autofree char *third = veil_report_export (report, out, VEIL_REPORT_EXPORT_INCLUDE_IMAGE, image_file, &error);
    g_autofree char *copy = NULL;

    g_assert_no_error (error);
    copy_path = g_build_filename (third, "photo.jpg", NULL);
    g_assert_true (g_file_get_contents (copy_path, &copy, NULL, NULL));
    g_assert_cmpstr (copy, ==, "pretend image bytes");
    g_assert_true (g_file_get_contents (image, &original, NULL, NULL));
    g_assert_cmpstr (original, ==, "pretend image bytes");
  }

  veil_test_rm_rf (dir);
}

static void
test_export_unwritable (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *image = write_image (dir);
  g_autofree char *blocker = g_build_filename (dir, "not-a-folder", NULL);
  g_autoptr(VeilReport) report = make_report (image);
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle = NULL;

  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  bundle = veil_report_export (report, blocker, VEIL_REPORT_EXPORT_NONE, NULL, &error);
  g_assert_null (bundle);
  g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_EXPORT);
  veil_test_rm_rf (dir);
}

/* A help request asks the guardian for help with an alert: it needs no checksum, says what it
 * is in its JSON and reads back as a help request. */
static void
test_help_request (void)
{
  g_autoptr(VeilReportBuilder) builder = veil_report_builder_new ();
  g_autoptr(VeilVerdict) verdict = make_verdict ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilReport) report = NULL;
  g_autoptr(VeilReport) back = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  JsonObject *root;

  veil_report_builder_set_kind (builder, VEIL_REPORT_KIND_HELP_REQUEST);
  veil_report_builder_set_source (builder, VEIL_REPORT_SOURCE_FOLDER, "Downloads");
  veil_report_builder_set_verdict (builder, verdict);
  veil_report_builder_set_words (builder, "Can we talk?");
  report = veil_report_builder_build (builder, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_report_get_kind (report), ==, VEIL_REPORT_KIND_HELP_REQUEST);
  g_assert_null (veil_report_get_sha256 (report));

  json = veil_report_to_json (report);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "kind"), ==, "help-request");
  g_assert_false (json_object_has_member (json_object_get_object_member (root, "image"), "sha256"));

  back = veil_report_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_report_get_kind (back), ==, VEIL_REPORT_KIND_HELP_REQUEST);
  g_assert_null (veil_report_get_sha256 (back));
  g_assert_cmpstr (veil_report_get_words (back), ==, "Can we talk?");
}

/* Reports made before kinds existed have no "kind" member: they read back as reports; a
 * report (unlike a help request) still needs its checksum, and unknown kinds are refused. */
static void
test_kind_json (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *image = write_image (dir);
  g_autoptr(VeilReport) report = make_report (image);
  g_autofree char *json = veil_report_to_json (report);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(VeilReport) old = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_json = NULL;
  g_autofree char *no_sha_json = NULL;
  g_autofree char *unknown_json = NULL;
  JsonObject *root;

  g_assert_cmpint (veil_report_get_kind (report), ==, VEIL_REPORT_KIND_REPORT);
  g_assert_nonnull (strstr (json, "\"kind\" : \"report\""));

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  json_generator_set_root (generator, json_parser_get_root (parser));

  json_object_remove_member (root, "kind");
  old_json = json_generator_to_data (generator, NULL);
  old = veil_report_new_from_json (old_json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_report_get_kind (old), ==, VEIL_REPORT_KIND_REPORT);

  json_object_set_string_member (root, "kind", "complaint");
  unknown_json = json_generator_to_data (generator, NULL);
  g_assert_null (veil_report_new_from_json (unknown_json, &error));
  g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INVALID);
  g_clear_error (&error);

  json_object_set_string_member (root, "kind", "report");
  json_object_remove_member (json_object_get_object_member (root, "image"), "sha256");
  no_sha_json = json_generator_to_data (generator, NULL);
  g_assert_null (veil_report_new_from_json (no_sha_json, &error));
  g_assert_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INVALID);

  veil_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/report/build", test_build);
  g_test_add_func ("/veil/report/incomplete", test_incomplete);
  g_test_add_func ("/veil/report/unreadable-image", test_unreadable_image);
  g_test_add_func ("/veil/report/json-round-trip", test_json_round_trip);
  g_test_add_func ("/veil/report/json-invalid", test_json_invalid);
  g_test_add_func ("/veil/report/export", test_export);
  g_test_add_func ("/veil/report/export-unwritable", test_export_unwritable);
  g_test_add_func ("/veil/report/help-request", test_help_request);
  g_test_add_func ("/veil/report/kind-json", test_kind_json);

  return g_test_run ();
}
