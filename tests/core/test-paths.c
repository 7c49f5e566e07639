/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "veil.h"
#include "veil-test-utils.h"

static void
test_data_dir_default (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "veil", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;

  g_unsetenv ("VEIL_DATA_DIR");
  dir = veil_paths_get_data_dir ();
  db = veil_paths_get_database_path ();

  g_assert_cmpstr (dir, ==, expected);
  g_assert_true (g_str_has_prefix (db, expected));
  g_assert_true (g_str_has_suffix (db, "/veil.db"));
}

static void
test_data_dir_override (void)
{
  g_autofree char *dir = NULL;

  g_setenv ("VEIL_DATA_DIR", "/tmp/somewhere/../veil-elsewhere", TRUE);
  dir = veil_paths_get_data_dir ();
  g_unsetenv ("VEIL_DATA_DIR");

  g_assert_cmpstr (dir, ==, "/tmp/veil-elsewhere");
}

static void
test_analysis_worker (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("VEIL_ANALYSIS_WORKER"));
  g_autofree char *installed = NULL;
  g_autofree char *built = NULL;

  /* The tests run the worker built with them. */
  g_assert_nonnull (saved);
  built = veil_paths_get_analysis_worker ();
  g_assert_cmpstr (built, ==, saved);
  g_assert_true (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE));

  g_unsetenv ("VEIL_ANALYSIS_WORKER");
  installed = veil_paths_get_analysis_worker ();
  g_setenv ("VEIL_ANALYSIS_WORKER", saved, TRUE);
  g_assert_cmpstr (installed, ==, LIBEXECDIR "/veil-analysis-worker");
}

static void
test_private_dir_created (void)
{
  g_autofree char *tmp = veil_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmp, "a", "b", "veil", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (veil_paths_ensure_private_dir (path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Idempotent. */
  g_assert_true (veil_paths_ensure_private_dir (path, &error));
  g_assert_no_error (error);

  veil_test_rm_rf (tmp);
}

static void
test_private_dir_narrowed (void)
{
  g_autofree char *tmp = veil_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmp, "wide", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  g_assert_true (veil_paths_ensure_private_dir (path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  veil_test_rm_rf (tmp);
}

static void
test_private_dir_not_a_dir (void)
{
  g_autofree char *tmp = veil_test_make_tmpdir ();
  g_autofree char *file = g_build_filename (tmp, "file", NULL);
  g_autofree char *link = g_build_filename (tmp, "link", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_false (veil_paths_ensure_private_dir (file, &error));
  g_assert_error (error, VEIL_PATHS_ERROR, VEIL_PATHS_ERROR_CREATE);
  g_clear_error (&error);

  /* A symlink to a real folder is refused too: it could point anywhere. */
  g_assert_cmpint (symlink (tmp, link), ==, 0);
  g_assert_false (veil_paths_ensure_private_dir (link, &error));
  g_assert_error (error, VEIL_PATHS_ERROR, VEIL_PATHS_ERROR_NOT_A_DIRECTORY);

  veil_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/paths/data-dir-default", test_data_dir_default);
  g_test_add_func ("/veil/paths/data-dir-override", test_data_dir_override);
  g_test_add_func ("/veil/paths/analysis-worker", test_analysis_worker);
  g_test_add_func ("/veil/paths/private-dir-created", test_private_dir_created);
  g_test_add_func ("/veil/paths/private-dir-narrowed", test_private_dir_narrowed);
  g_test_add_func ("/veil/paths/private-dir-not-a-dir", test_private_dir_not_a_dir);

  return g_test_run ();
}
