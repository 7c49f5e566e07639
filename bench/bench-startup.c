/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-startup"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil-bench-utils.h"

/* bench/startup: the whole-process CPU time (user + system) of `veilctl hash` on a tiny
 * JPEG against a minimal libvips program decoding the same file (vips-decode-reference),
 * runs interleaved, medians, in this run. Most of a short command's cost is starting up:
 * loading libraries and libvips' modules. The reference runs twice: as libvips starts by
 * default (every module it finds: PDF, slides, ImageMagick...), and with no module at all
 * (VIPSHOME pointing where there is none), the least any libvips program costs. Target:
 * veilctl at most 1.5x the module-free reference.
 *
 *   bench-startup [--rounds N]
 *
 * VEIL_CTL and VEIL_DECODE_REFERENCE name the two programs (meson sets both). */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

static guint rounds = 31;

/* Runs @argv (in @envp) with its output discarded; returns the child's CPU time in ms. */
static double
child_cpu_ms (const char *const *argv,
              char              **envp)
{
  struct rusage usage;
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    {
      if (freopen ("/dev/null", "w", stdout) == NULL)
        _exit (126);
      execve (argv[0], (char *const *) argv, envp);
      _exit (127);
    }
  if (pid < 0 || wait4 (pid, &status, 0, &usage) != pid ||
      !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed (status %d)", argv[0], status);
  return usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3 +
         usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Interleaved runs of each program (default 31)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- start-up benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) photo = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree double *veil = NULL;
  g_autofree double *ref = NULL;
  g_autofree double *bare = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_auto(GStrv) bare_env = g_environ_setenv (g_get_environ (), "VIPSHOME", "/dev/null", TRUE);
  const char *veilctl = g_getenv ("VEIL_CTL");
  const char *reference = g_getenv ("VEIL_DECODE_REFERENCE");
  double veil_median, ref_median, bare_median, p95;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (veilctl == NULL || reference == NULL)
    {
      fprintf (stderr, "Set VEIL_CTL and VEIL_DECODE_REFERENCE (meson test --benchmark does).\n");
      return 2;
    }
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips: %s", vips_error_buffer ());

  dir = g_dir_make_tmp ("veil-bench-startup-XXXXXX", &error);
  g_assert_no_error (error);
  jpeg = g_build_filename (dir, "tiny.jpg", NULL);
  photo = veil_bench_make_photo (32, 24, 7);
  if (vips_jpegsave (photo, jpeg, "Q", 85, NULL) != 0)
    g_error ("libvips: %s", vips_error_buffer ());

  rounds = MAX (rounds, 3);
  veil = g_new (double, rounds);
  ref = g_new (double, rounds);
  bare = g_new (double, rounds);
  for (guint i = 0; i < rounds; i++)
    {
      const char *veil_argv[] = { veilctl, "hash", jpeg, NULL };
      const char *ref_argv[] = { reference, jpeg, NULL };

      veil[i] = child_cpu_ms (veil_argv, env);
      ref[i] = child_cpu_ms (ref_argv, env);
      bare[i] = child_cpu_ms (ref_argv, bare_env);
    }
  veil_bench_summarize (veil, rounds, &veil_median, &p95);
  veil_bench_summarize (ref, rounds, &ref_median, &p95);
  veil_bench_summarize (bare, rounds, &bare_median, &p95);

  printf ("bench/startup: whole-process CPU (user + system), tiny JPEG, %u interleaved runs each\n", rounds);
  printf ("  veilctl hash                   %7.2f ms (median)\n", veil_median);
  printf ("  reference, every module        %7.2f ms (median)\n", ref_median);
  printf ("  reference, no module           %7.2f ms (median)\n", bare_median);
  printf ("  ratio veilctl / every module   %7.2f\n", veil_median / ref_median);
  printf ("  ratio veilctl / no module      %7.2f (target <= 1.5)\n", veil_median / bare_median);

  veil_bench_rm_rf (dir);
  return 0;
}
