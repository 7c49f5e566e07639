/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "veil.h"
#include "veil-test-utils.h"

/* The built veilctl's hash, match and list commands, run as a script would: their output,
 * their messages and their exit codes (0 all done, 1 nothing done, 2 usage, 3 partial). */

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  fixture->dir = veil_test_make_tmpdir ();
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

/* Runs veilctl with a NULL-terminated argument list; returns its exit code. */
static int
run (char       **out,
     char       **err,
     const char  *first,
     ...)
{
  g_autofree char *veilctl = g_strdup (VEIL_TEST_VEILCTL);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (args, veilctl);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static char *
vector (const char *name)
{
  return veil_test_build_testdata ("pdq", "images", name, NULL);
}

static void
test_hash_output (Fixture *fixture, gconstpointer data)
{
  g_autofree char *bridge = NULL;
  g_autofree char *wee = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;

  if (!veil_test_require_testdata ("pdq/images/wee.jpg"))
    return;
  bridge = vector ("bridge-1-original.jpg");
  wee = vector ("wee.jpg");

  /* The reference CLI's line format, the full-resolution hashes of expected.tsv. */
  g_assert_cmpint (run (&out, &err, "hash", bridge, wee, NULL), ==, 0);
  expected = g_strdup_printf ("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,100,%s\n"
                              "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d,100,%s\n",
                              bridge, wee);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&expected, g_free);

  /* cli mode: cli512_hash. */
  g_assert_cmpint (run (&out, &err, "hash", "--mode", "cli", bridge, NULL), ==, 0);
  expected = g_strdup_printf ("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,%s\n", bridge);
  g_assert_cmpstr (out, ==, expected);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&expected, g_free);

  /* --dihedral: eight hashes, quality, file. */
  g_assert_cmpint (run (&out, &err, "hash", "--dihedral", bridge, NULL), ==, 0);
  expected = g_strdup_printf ("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,"
                              "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af,"
                              "adad5a64b5a102e55b62a08856dacd5ae63b847fc337b4b766b319361bc93188,"
                              "a5f0b457a49995e8c1065c275aaa54d8b61ba49df8fcfc0383c32f8b0bfc4f05,"
                              "f8f80f31e0f457b00637f5d5028f980fb36ed12a9622e1e233e64c634e9c64dd,"
                              "0dad2599b1a1bd1a5362576752da32a5e63b7380c2374b4866b346c91bc9ce77,"
                              "f0a5e102f1ccc0bd945308720fff038de34ef1e8ada9a956d2967ade5ea91a50,"
                              "a5f04ba8a4996a17c906a3d85aaaa927b61b5b42f8fc03fc87c3d0740bfcb0fa,100,%s\n", bridge);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_hash_errors (Fixture *fixture, gconstpointer data)
{
  g_autofree char *bad = g_build_filename (fixture->dir, "notes.jpg", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.png", NULL);
  g_autofree char *good = g_build_filename (fixture->dir, "good.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  g_assert_true (g_file_set_contents (bad, "shopping list", -1, NULL));

  /* Every file bad: 1, a message per file. */
  g_assert_cmpint (run (&out, &err, "hash", bad, missing, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "notes.jpg” is not an image"));
  g_assert_nonnull (strstr (err, "missing.png” does not exist"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Bad command lines: 2. */
  g_assert_cmpint (run (&out, &err, "hash", "--mode", "slow", bad, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "hash", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "match", bad, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  if (!veil_test_require_testdata ("pdq/images/wee.jpg"))
    return;

  /* One good, one bad: 3, the good one printed, in JSON too. */
  {
    g_autofree char *wee = vector ("wee.jpg");

    g_assert_cmpint (run (&out, &err, "hash", "--json", wee, bad, NULL), ==, 3);
    json_parser_load_from_data (parser, out, -1, &error);
    g_assert_no_error (error);
    array = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (array), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "hash"), ==,
                     "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_array_get_object_element (array, 1), "error"), "code"),
                     ==, VEIL_IMAGE_ERROR_NOT_AN_IMAGE);
  }
}

static void
test_list_and_match (Fixture *fixture, gconstpointer data)
{
  g_autofree char *bridge = NULL;
  g_autofree char *rotated = NULL;
  g_autofree char *wee = NULL;
  g_autofree char *plain = g_build_filename (fixture->dir, "mine.txt", NULL);
  g_autofree char *veil = g_build_filename (fixture->dir, "mine.veilhashes", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "mine.csv", NULL);
  g_autofree char *broken = g_build_filename (fixture->dir, "broken.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *line = NULL;
  g_autoptr(VeilHashList) list = NULL;
  g_autoptr(GError) error = NULL;

  if (!veil_test_require_testdata ("pdq/images/wee.jpg"))
    return;
  bridge = vector ("bridge-1-original.jpg");
  rotated = vector ("bridge-2-rotate-90.jpg");
  wee = vector ("wee.jpg");

  /* veilctl hash's output is a list. */
  g_assert_cmpint (run (&out, &err, "hash", bridge, NULL), ==, 0);
  g_assert_true (g_file_set_contents (plain, out, -1, NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "list", "import", "--name", "Family", "--source", "Guardian",
                        "--version", "2", plain, veil, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "wrote 1 entry to"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  list = veil_hash_list_load_file (veil, VEIL_HASH_LIST_FORMAT_VEIL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (veil_hash_list_get_name (list), ==, "Family");
  g_assert_cmpuint (veil_hash_list_get_version (list), ==, 2);

  g_assert_cmpint (run (&out, &err, "list", "info", veil, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Entries: 1\n"));
  g_assert_nonnull (strstr (out, "Source: Guardian\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "list", "export", "--format", "csv", veil, csv, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The rotated copy matches through a dihedral variant; the other image does not. */
  g_assert_cmpint (run (&out, &err, "match", "--list", csv, rotated, wee, NULL), ==, 0);
  /* A CSV list carries no name of its own: it is named after its file. */
  line = g_strdup_printf ("%s\t0\trot270\tmine.csv\t0\tFamily / 100,%s\n", rotated, bridge);
  g_assert_cmpstr (out, ==, line);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A list that cannot be read stops the command: 1, nothing matched in part. */
  g_assert_true (g_file_set_contents (broken, "f8f8\n", -1, NULL));
  g_assert_cmpint (run (&out, &err, "match", "--list", broken, wee, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "line 1"));
}

/* Exports keep every label, spreadsheet-safe in CSV, and Veil reads its own exports back to
 * the same labels. */
static void
test_list_export_labels (Fixture *fixture, gconstpointer data)
{
  g_autofree char *plain = g_build_filename (fixture->dir, "labels.txt", NULL);
  g_autofree char *veil = g_build_filename (fixture->dir, "labels.veilhashes", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "labels.csv", NULL);
  g_autofree char *back = g_build_filename (fixture->dir, "back.veilhashes", NULL);
  g_autofree char *pytx = g_build_filename (fixture->dir, "labels-pytx.txt", NULL);
  g_autofree char *pytx_back = g_build_filename (fixture->dir, "pytx-back.veilhashes", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(VeilHashList) list = NULL;
  g_autoptr(VeilHashList) from_pytx = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (plain,
                                      "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,=SUM(1;2)\n"
                                      "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af,-1\n",
                                      -1, NULL));
  g_assert_cmpint (run (&out, &err, "list", "import", "--name", "Family", plain, veil, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "list", "export", "--format", "csv", veil, csv, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, ",Family,'=SUM(1;2),\n"));
  g_assert_nonnull (strstr (text, ",Family,'-1,\n"));

  g_assert_cmpint (run (&out, &err, "list", "import", csv, back, NULL), ==, 0);
  list = veil_hash_list_load_file (back, VEIL_HASH_LIST_FORMAT_VEIL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (veil_hash_list_get_label (list, 0), ==, "Family / =SUM(1;2)");
  g_assert_cmpstr (veil_hash_list_get_label (list, 1), ==, "Family / -1");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&text, g_free);

  /* pytx: entry lines stay "pdq <hash>", each label on a comment line before its entry. */
  g_assert_cmpint (run (&out, &err, "list", "export", "--format", "pytx", veil, pytx, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_get_contents (pytx, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "# veil-label: =SUM(1;2)\n"
                   "pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\n"
                   "# veil-label: -1\n"
                   "pdq 30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af\n");

  g_assert_cmpint (run (&out, &err, "list", "import", pytx, pytx_back, NULL), ==, 0);
  from_pytx = veil_hash_list_load_file (pytx_back, VEIL_HASH_LIST_FORMAT_VEIL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (veil_hash_list_get_label (from_pytx, 0), ==, "=SUM(1;2)");
  g_assert_cmpstr (veil_hash_list_get_label (from_pytx, 1), ==, "-1");
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/veil/veilctl-hash/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("hash-output", test_hash_output);
  ADD ("hash-errors", test_hash_errors);
  ADD ("list-and-match", test_list_and_match);
  ADD ("list-export-labels", test_list_export_labels);

  return g_test_run ();
}
