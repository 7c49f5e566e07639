/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-schedule"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-bench-library.h"
#include "veil-bench-utils.h"
#include "veil-store-private.h"

/* bench/schedule: what scheduled folder checks cost.
 *
 * 1. 10 000 files (VEIL_BENCH_SWEEP_FILES changes the count) checked by a first sweep, then
 *    swept again a day later (on the store's clock) with nothing changed: the second sweep
 *    must cost under 1% of the first.
 * 2. Between events the scheduler uses no CPU at all: 0 ticks of this process over an idle
 *    interval after the sweeps, with the arrival watcher and the timer towards the next
 *    check in place.
 * The real scheduler, store, model and workers; only the session (always idle, on power)
 * and the clock are the benchmark's own. */

#define SWEEP_TARGET 0.01
#define IDLE_SECONDS 5

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

/* --- an idle session on power ---------------------------------------------------------- */

#define BENCH_TYPE_SOURCE (bench_source_get_type ())
G_DECLARE_FINAL_TYPE (BenchSource, bench_source, BENCH, SOURCE, GObject)

struct _BenchSource
{
  GObject parent_instance;
};

static gboolean bench_source_yes (VeilScheduleSource *s) { return TRUE; }
static gboolean bench_source_no (VeilScheduleSource *s) { return FALSE; }

static void
bench_source_iface_init (VeilScheduleSourceInterface *iface)
{
  iface->get_idle = bench_source_yes;
  iface->get_power_saver = bench_source_no;
  iface->get_low_battery = bench_source_no;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchSource, bench_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VEIL_TYPE_SCHEDULE_SOURCE, bench_source_iface_init))

static void bench_source_class_init (BenchSourceClass *klass) { }
static void bench_source_init (BenchSource *self) { }

/* --- helpers ------------------------------------------------------------------------------ */

static gint64 fake_now = G_GINT64_CONSTANT (1800000000);

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

typedef struct {
  guint            n_finished;
  VeilScanSummary *summary;
} Sweeps;

static void
finished_cb (VeilLibraryScheduler *scheduler,
             VeilScanSummary      *summary,
             Sweeps               *sweeps)
{
  sweeps->n_finished++;
  g_clear_pointer (&sweeps->summary, veil_scan_summary_free);
  if (summary != NULL)
    sweeps->summary = veil_scan_summary_copy (summary);
}

static double
wait_sweep (Sweeps *sweeps,
            guint   n,
            gint64  start)
{
  while (sweeps->n_finished < n)
    g_main_context_iteration (NULL, TRUE);
  if (sweeps->summary == NULL)
    g_error ("A sweep did not finish");
  return (g_get_monotonic_time () - start) / 1e6;
}

/* utime + stime of this process, in clock ticks. */
static guint64
self_cpu_ticks (void)
{
  return veil_bench_process_cpu_ticks (getpid ());
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
make_files (const char *dir,
            guint       n)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *seeds = g_build_filename (dir, "seeds", NULL);
  g_autofree char *library = g_build_filename (dir, "Pictures", NULL);

  g_assert (g_mkdir_with_parents (seeds, 0700) == 0);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(VipsImage) photo = veil_bench_make_photo (320, 240, 100 + i);
      char *path = g_strdup_printf ("%s/seed-%02u.png", seeds, i);

      if (vips_pngsave (photo, path, NULL) != 0)
        g_error ("libvips: %s", vips_error_buffer ());
      g_ptr_array_add (sources, path);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *sub = g_strdup_printf ("%s/%03u", library, i / 500);
      g_autofree char *dest = g_strdup_printf ("%s/%05u.png", sub, i);
      g_autoptr(GFile) src = g_file_new_for_path (g_ptr_array_index (sources, i % sources->len));
      g_autoptr(GFile) dst = g_file_new_for_path (dest);
      g_autoptr(GError) error = NULL;

      g_mkdir_with_parents (sub, 0700);
      if (!g_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
    }
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("VEIL_BENCH_SWEEP_FILES");
  guint n_files = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 10000;
  g_autofree char *dir = g_dir_make_tmp ("veil-bench-schedule-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "veil.db", NULL);
  g_autofree char *library = g_build_filename (dir, "Pictures", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilScheduleSource) source = NULL;
  g_autoptr(VeilLibraryScheduler) scheduler = NULL;
  g_autoptr(GError) error = NULL;
  Sweeps sweeps = { 0 };
  double t_first, t_again;
  guint64 ticks;
  gboolean idle_over = FALSE, ok = TRUE;

  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips failed to start");

  printf ("Preparing %u files...\n", n_files);
  fflush (stdout);
  make_files (dir, n_files);
  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  _veil_store_set_clock (store, fake_clock, NULL);
  profile = veil_bench_save_profile (store, library);
  analyzer = veil_analyzer_new_with_default_model ();
  source = g_object_new (BENCH_TYPE_SOURCE, NULL);
  scheduler = veil_library_scheduler_new (analyzer, store, source);
  veil_library_scheduler_set_n_workers (scheduler, MAX (1, g_get_num_processors ()));
  g_signal_connect (scheduler, "sweep-finished", G_CALLBACK (finished_cb), &sweeps);

  /* Never checked: due at once. */
  veil_library_scheduler_set_profile (scheduler, profile);
  t_first = wait_sweep (&sweeps, 1, g_get_monotonic_time ());
  g_assert (sweeps.summary->n_seen == n_files);

  /* A day later, nothing changed. */
  fake_now += 24 * 60 * 60;
  {
    gint64 start = g_get_monotonic_time ();

    veil_schedule_source_changed (source);
    t_again = wait_sweep (&sweeps, 2, start);
  }
  g_assert (sweeps.summary->n_cached == n_files && sweeps.summary->n_analyzed == 0);

  printf ("\n== Scheduled sweeps of %u files ==\n", n_files);
  printf ("first sweep             %7.2f s\n", t_first);
  printf ("sweep, nothing changed  %7.3f s\n", t_again);
  printf ("ratio again / first     %7.4f  (target < %.2f) %s\n", t_again / t_first, SWEEP_TARGET,
          t_again / t_first < SWEEP_TARGET ? "PASS" : "FAIL");
  ok &= t_again / t_first < SWEEP_TARGET;

  /* Idle: the next check is a day away; only the main loop waits. */
  g_thread_pool_stop_unused_threads ();
  g_timeout_add_seconds (1, set_flag_cb, &idle_over);
  while (!idle_over)
    g_main_context_iteration (NULL, TRUE);
  idle_over = FALSE;
  ticks = self_cpu_ticks ();
  g_timeout_add_seconds (IDLE_SECONDS, set_flag_cb, &idle_over);
  while (!idle_over)
    g_main_context_iteration (NULL, TRUE);
  ticks = self_cpu_ticks () - ticks;
  printf ("idle CPU over %d s       %" G_GUINT64_FORMAT " ticks  (target 0) %s\n", IDLE_SECONDS, ticks,
          ticks == 0 ? "PASS" : "FAIL");
  ok &= ticks == 0;

  g_clear_pointer (&sweeps.summary, veil_scan_summary_free);
  g_clear_object (&scheduler);
  g_clear_object (&store);
  veil_bench_rm_rf (dir);
  return ok ? 0 : 1;
}
