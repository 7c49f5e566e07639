/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil-bench-utils.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

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

/* Resident set size of another process, from /proc/PID/statm. */
guint64
veil_bench_process_rss (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/statm", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  fields = g_strsplit (contents, " ", -1);
  if (g_strv_length (fields) < 2)
    return 0;
  return g_ascii_strtoull (fields[1], NULL, 10) * (guint64) sysconf (_SC_PAGESIZE);
}

/* The anonymous (heap, stacks) and file-backed (shared libraries, mapped files) parts of a
 * process's resident memory, from /proc/PID/status, in bytes. */
void
veil_bench_process_rss_parts (GPid     pid,
                              guint64 *anon,
                              guint64 *file)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  *anon = *file = 0;
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "RssAnon:"))
        *anon = g_ascii_strtoull (lines[i] + 8, NULL, 10) * 1024;
      else if (g_str_has_prefix (lines[i], "RssFile:"))
        *file = g_ascii_strtoull (lines[i] + 8, NULL, 10) * 1024;
    }
}

/* User plus system CPU time a process used so far, in clock ticks (/proc/PID/stat). */
guint64
veil_bench_process_cpu_ticks (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  /* The command name is in parentheses and may hold spaces: count fields after it. */
  after_name = strrchr (contents, ')');
  if (after_name == NULL)
    return 0;
  fields = g_strsplit (after_name + 2, " ", -1);
  /* Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name. */
  if (g_strv_length (fields) < 13)
    return 0;
  return g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Sorts @values in place and gives their median and 95th percentile. */
void
veil_bench_summarize (double *values,
                      guint   n,
                      double *median,
                      double *p95)
{
  qsort (values, n, sizeof (double), compare_doubles);
  *median = values[n / 2];
  *p95 = values[MIN (n - 1, (guint) (0.95 * n))];
}

/* A photo-like RGB picture: smooth noise at a few scales per channel, with the structure and
 * compressibility of a photograph. Each seed gives another picture. */
VipsImage *
veil_bench_make_photo (int     width,
                       int     height,
                       guint32 seed)
{
  VipsImage *bands[3] = { NULL, NULL, NULL };
  VipsImage *joined = NULL;

  for (int c = 0; c < 3; c++)
    {
      VipsImage *noise = NULL;
      VipsImage *scaled = NULL;

      if (vips_perlin (&noise, width, height, "cell_size", 64 + 32 * c, "seed", (int) (seed * 3 + c), NULL) != 0 ||
          vips_linear1 (noise, &scaled, 110.0, 128.0, NULL) != 0 ||
          vips_cast (scaled, &bands[c], VIPS_FORMAT_UCHAR, NULL) != 0)
        g_error ("libvips: %s", vips_error_buffer ());
      g_object_unref (noise);
      g_object_unref (scaled);
    }
  if (vips_bandjoin (bands, &joined, 3, NULL) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  for (int c = 0; c < 3; c++)
    g_object_unref (bands[c]);
  return joined;
}
