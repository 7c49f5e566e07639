/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-message-warnings"

#include "config.h"

#include <stdio.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-bench-service.h"
#include "veil-bench-utils.h"

/* bench/message-warnings: the background service as the child meets it. The built
 * `veil --gapplication-service` runs in its own process on a private bus, with a profile whose
 * message warnings are active and a hash list holding the PDQ hashes of 20 generated 12 MP
 * JPEGs; this program stands in for the notification server. For each JPEG it measures from
 * the moment the file is closed in the watched folder to the notification arriving. Baseline,
 * measured in the same run: the same analysis (decode, PDQ, classifier) called in-process on
 * the same files. Then the service's resident memory and CPU use while idle.
 * The targets: median under 250 ms, p95 under 400 ms, idle RSS under 60 MB, idle CPU
 * zero. Needs an X display (xvfb-run) and VEIL_MODEL_PATH; VEIL_APP_PATH names the binary. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

#define N_PHOTOS 20
#define TARGET_MEDIAN_MS 250.0
#define TARGET_P95_MS 400.0
#define TARGET_IDLE_RSS_MB 60.0
#define IDLE_SECONDS 10
#define SETTLE_SECONDS 8

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("veil-bench-warnings-XXXXXX", &error);
  g_autofree char *staging = NULL;
  g_autofree char *downloads = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Bench list");
  GBytes *photos[N_PHOTOS];
  double floor_ms[N_PHOTOS], latency_ms[N_PHOTOS];
  double floor_median, floor_p95, median, p95;
  const char *model_path = g_getenv ("VEIL_MODEL_PATH");
  guint64 rss_start, rss_after, ticks_start, ticks_after;
  guint64 anon_start, file_start, anon_after, file_after;
  VeilBenchService *service;
  GPid pid;

  if (dir == NULL)
    g_error ("%s", error->message);
  if (g_getenv ("DISPLAY") == NULL)
    g_error ("The service is a GTK application: run me under xvfb-run");
  if (model_path == NULL)
    g_error ("Set VEIL_MODEL_PATH to the converted model (meson devenv does)");
  veil_bench_use_private_dirs (dir);
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips: %s", vips_error_buffer ());

  staging = g_build_filename (dir, "staging", NULL);
  downloads = g_build_filename (dir, "Downloads", NULL);
  g_mkdir_with_parents (staging, 0700);
  g_mkdir_with_parents (downloads, 0700);

  model = veil_model_new_from_file (model_path, &error);
  if (model != NULL)
    classifier = veil_nsfw_classifier_new (model, &error);
  if (classifier == NULL)
    g_error ("%s", error->message);
  analyzer = veil_analyzer_new (VEIL_CLASSIFIER (classifier));

  printf ("Generating %d photos of 4000x3000...\n", N_PHOTOS);
  fflush (stdout);
  for (guint i = 0; i < N_PHOTOS; i++)
    {
      g_autoptr(VipsImage) photo = veil_bench_make_photo (4000, 3000, 500 + i);
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i);
      g_autofree char *path = g_build_filename (staging, name, NULL);
      g_autoptr(VeilPdq) pdq = NULL;
      void *buffer = NULL;
      size_t length = 0;

      if (vips_jpegsave_buffer (photo, &buffer, &length, "Q", 90, NULL) != 0)
        g_error ("libvips: %s", vips_error_buffer ());
      photos[i] = g_bytes_new_take (buffer, length);
      veil_bench_write_file (path, photos[i]);
      pdq = veil_pdq_hash_file (path, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, &error);
      if (pdq == NULL)
        g_error ("%s", error->message);
      veil_hash_list_add (list, veil_pdq_get_hash (pdq), name);
    }

  /* The profile: linked to this account, message warnings on and acknowledged. */
  profile = veil_bench_save_warnings_profile (downloads, VEIL_AGE_BAND_13_15, list, &store);
  if (!veil_analyzer_load_lists (analyzer, store, veil_profile_get_id (profile), &error))
    g_error ("%s", error->message);

  /* Baseline: the analysis itself, in this process, on the same files. */
  for (guint i = 0; i < N_PHOTOS; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i);
      g_autofree char *path = g_build_filename (staging, name, NULL);
      g_autoptr(VeilVerdict) verdict = NULL;
      g_autoptr(GBytes) thumbnail = NULL;
      gint64 start = g_get_monotonic_time ();

      verdict = veil_analyzer_analyze_file (analyzer, path, profile, NULL, &thumbnail, NULL, &error);
      if (verdict == NULL)
        g_error ("%s", error->message);
      if (!veil_verdict_get_sensitive (verdict))
        g_error ("%s should match the bench's list", name);
      floor_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }

  service = veil_bench_service_start ();
  pid = veil_bench_service_get_pid (service);

  /* Idle, freshly started: CPU over IDLE_SECONDS, then memory. The service tidies up once,
   * SETTLE_SECONDS after its last work: measured after that. */
  veil_bench_wait_seconds (SETTLE_SECONDS);
  ticks_start = veil_bench_process_cpu_ticks (pid);
  veil_bench_wait_seconds (IDLE_SECONDS);
  ticks_start = veil_bench_process_cpu_ticks (pid) - ticks_start;
  rss_start = veil_bench_process_rss (pid);
  veil_bench_process_rss_parts (pid, &anon_start, &file_start);

  for (guint i = 0; i < N_PHOTOS; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i);
      g_autofree char *path = g_build_filename (downloads, name, NULL);
      gint64 start;

      veil_bench_write_file (path, photos[i]);
      start = g_get_monotonic_time ();
      if (!veil_bench_service_wait_notifications (service, i + 1, 10))
        g_error ("No notification for %s", name);
      latency_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      veil_bench_wait_seconds (1);
    }

  /* Idle again after the work (the service hands freed memory back after a few quiet
   * seconds, before the window starts). */
  veil_bench_wait_seconds (SETTLE_SECONDS);
  ticks_after = veil_bench_process_cpu_ticks (pid);
  veil_bench_wait_seconds (IDLE_SECONDS);
  ticks_after = veil_bench_process_cpu_ticks (pid) - ticks_after;
  rss_after = veil_bench_process_rss (pid);
  veil_bench_process_rss_parts (pid, &anon_after, &file_after);

  veil_bench_summarize (floor_ms, N_PHOTOS, &floor_median, &floor_p95);
  veil_bench_summarize (latency_ms, N_PHOTOS, &median, &p95);
  printf ("\nbench/message-warnings: %d JPEGs of 12 MP written into a watched folder\n", N_PHOTOS);
  printf ("  baseline, analysis in-process:  median %6.1f ms  p95 %6.1f ms\n", floor_median, floor_p95);
  printf ("  written -> notification:        median %6.1f ms  p95 %6.1f ms  (%.2fx the baseline median)\n",
          median, p95, median / floor_median);
  printf ("    target: median < %.0f ms: %s; p95 < %.0f ms: %s\n",
          TARGET_MEDIAN_MS, median < TARGET_MEDIAN_MS ? "met" : "MISSED",
          TARGET_P95_MS, p95 < TARGET_P95_MS ? "met" : "MISSED");
  printf ("  idle RSS after start:           %6.1f MB  (target < %.0f MB: %s; heap and stacks %.1f MB, "
          "mapped files %.1f MB)\n", rss_start / 1e6, TARGET_IDLE_RSS_MB,
          rss_start / 1e6 < TARGET_IDLE_RSS_MB ? "met" : "MISSED", anon_start / 1e6, file_start / 1e6);
  printf ("  idle RSS after the work:        %6.1f MB  (target < %.0f MB: %s; heap and stacks %.1f MB, "
          "mapped files %.1f MB)\n", rss_after / 1e6, TARGET_IDLE_RSS_MB,
          rss_after / 1e6 < TARGET_IDLE_RSS_MB ? "met" : "MISSED", anon_after / 1e6, file_after / 1e6);
  printf ("  idle CPU over %d s:             %" G_GUINT64_FORMAT " ticks after start, %" G_GUINT64_FORMAT
          " ticks after the work (target 0: %s)\n", IDLE_SECONDS, ticks_start, ticks_after,
          ticks_start == 0 && ticks_after == 0 ? "met" : "MISSED");

  veil_bench_service_stop (service);
  for (guint i = 0; i < N_PHOTOS; i++)
    g_bytes_unref (photos[i]);
  veil_bench_rm_rf (dir);
  return 0;
}
