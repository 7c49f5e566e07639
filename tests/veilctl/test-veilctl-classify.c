/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "veil-test-utils.h"
#include "veilctl.h"

/* `veilctl classify` as scripts use it: the real binary, real files, JSON lines. */

static char *
veilctl_path (void)
{
  return g_strdup (VEIL_TEST_VEILCTL);
}

static int
run_veilctl (const char * const *args,
             char              **out,
             char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, veilctl_path ());
  g_ptr_array_add (argv, g_strdup ("classify"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  /* Shown in the log, so a failure (e.g. no model) explains itself. */
  if (err != NULL && **err != '\0')
    g_test_message ("veilctl stderr: %s", *err);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_json (void)
{
  g_autofree char *pos = NULL, *neg = NULL, *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *names[] = { "drawing", "hentai", "neutral", "porn", "sexy" };
  int code;

  if (!veil_test_require_testdata ("clf/fixtures/pos_porn_diag.png"))
    return;
  pos = veil_test_build_testdata ("clf/fixtures/pos_porn_diag.png", NULL);
  neg = veil_test_build_testdata ("clf/fixtures/neg_neutral_checker.png", NULL);

  code = run_veilctl ((const char *[]) { "--json", pos, neg, NULL }, &out, &err);
  g_assert_cmpint (code, ==, VEILCTL_EXIT_OK);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *obj, *scores, *model;
      double sum = 0.0;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      obj = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (obj, "file"), ==, i == 0 ? pos : neg);
      scores = json_object_get_object_member (obj, "scores");
      for (guint c = 0; c < G_N_ELEMENTS (names); c++)
        sum += json_object_get_double_member (scores, names[c]);
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
      g_assert_cmpstr (json_object_get_string_member (obj, "top"), ==, i == 0 ? "porn" : "neutral");
      g_assert_true (json_object_get_boolean_member (obj, "sensitive") == (i == 0));
      model = json_object_get_object_member (obj, "model");
      g_assert_cmpstr (json_object_get_string_member (model, "name"), ==, "nsfwjs-mobilenet_v2");
      g_assert_cmpstr (json_object_get_string_member (model, "version"), ==, "4.4.0");
      g_assert_cmpuint (strlen (json_object_get_string_member (model, "sha256")), ==, 64);
    }

  /* At least 7 significant digits: the reference's 0.998…, not a rounded 1. */
  g_assert_nonnull (strstr (lines[0], "\"porn\":0.99"));
}

static void
test_partial_failure (void)
{
  g_autofree char *pos = NULL, *out = NULL, *err = NULL;
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *junk = g_build_filename (dir, "not-an-image.jpg", NULL);
  g_autofree char *heatmap = g_build_filename (dir, "heat.png", NULL);
  int code;

  if (!veil_test_require_testdata ("clf/fixtures/pos_sexy_plaid.png"))
    return;
  pos = veil_test_build_testdata ("clf/fixtures/pos_sexy_plaid.png", NULL);
  g_assert_true (g_file_set_contents (junk, "this is text, not a JPEG", -1, NULL));

  code = run_veilctl ((const char *[]) { pos, junk, NULL }, &out, &err);
  g_assert_cmpint (code, ==, VEILCTL_EXIT_PARTIAL);
  g_assert_nonnull (strstr (out, "sensitive: yes"));
  g_assert_nonnull (strstr (err, "not-an-image.jpg"));
  /* The bad file is left exactly as it was. */
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (junk, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "this is text, not a JPEG");
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  code = run_veilctl ((const char *[]) { junk, NULL }, &out, &err);
  g_assert_cmpint (code, ==, VEILCTL_EXIT_FAILURE);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  code = run_veilctl ((const char *[]) { "--heatmap", heatmap, pos, NULL }, &out, &err);
  g_assert_cmpint (code, ==, VEILCTL_EXIT_OK);
  g_assert_true (g_file_test (heatmap, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  code = run_veilctl ((const char *[]) { NULL }, &out, &err);
  g_assert_cmpint (code, ==, VEILCTL_EXIT_USAGE);

  veil_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/veilctl-classify/json", test_json);
  g_test_add_func ("/veil/veilctl-classify/partial-failure", test_partial_failure);

  return g_test_run ();
}
