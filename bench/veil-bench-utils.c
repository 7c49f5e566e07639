/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil-bench-utils.h"

#include <glib/gstdio.h>
#include <unistd.h>

/* Removes a folder of generated files (no symlinks are followed). */
void
veil_bench_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      veil_bench_rm_rf (child);
    }
  g_rmdir (path);
}

/* Resident set size of this process, from /proc/self/statm. */
guint64
veil_bench_rss_bytes (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/self/statm", &contents, NULL, NULL))
    return 0;
  fields = g_strsplit (contents, " ", -1);
  if (g_strv_length (fields) < 2)
    return 0;
  return g_ascii_strtoull (fields[1], NULL, 10) * (guint64) sysconf (_SC_PAGESIZE);
}
