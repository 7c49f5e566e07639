/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-scan-cpu"

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-bench-library.h"
#include "veil-bench-utils.h"
#include "veil-nsfw-classifier-private.h"
#include "veil-worker-pool.h"
#include "veil-worker-result.h"

/* bench/scan-cpu: the CPU time one photo costs a library scan, inside the analysis worker
 * (veil_worker_analyze_fd: decode, PDQ, classifier input, thumbnail, inference), against
 * its floor on the same files in the same run: a plain libvips decode of the whole photo
 * plus one inference. CPU time of the whole process (libvips' threads too), with libvips
 * and the classifier on one thread each, as a scan worker runs; rounds interleaved,
 * medians. Target: scan at most 1.25x (decode-only + inference-only). When
 * VEIL_ANALYSIS_WORKER names the worker program (meson sets it), the same files also go
 * through a real worker of the scan lane and its process's CPU time is printed.
 *
 *   bench-scan-cpu [--photos N] [--rounds N] [--width W --height H] */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

static guint n_photos = 16;
static guint rounds = 5;
static int width = 1600;
static int height = 1200;

static double
process_cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3 +
         usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
}

static void
decode_only (const char *path)
{
  g_autoptr(VipsImage) image = vips_image_new_from_file (path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  size_t size = 0;
  void *pixels = image != NULL ? vips_image_write_to_memory (image, &size) : NULL;

  if (pixels == NULL)
    g_error ("libvips: %s", vips_error_buffer ());
  g_free (pixels);
}

static void
infer_only (VeilClassifier *classifier,
            const guint8   *rgb)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilClassifierResult) result =
    veil_classifier_classify_rgb (classifier, rgb, VEIL_IMAGE_CLASSIFIER_SIZE, VEIL_IMAGE_CLASSIFIER_SIZE,
                                  VEIL_IMAGE_CLASSIFIER_SIZE * 3, VEIL_CLASSIFY_FLAGS_HEATMAP, NULL, &error);

  if (result == NULL)
    g_error ("%s", error->message);
}

static void
scan_one (VeilClassifier          *classifier,
          const char              *path,
          const VeilWorkerRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilWorkerResult) result = NULL;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  result = veil_worker_analyze_fd (classifier, fd, path, request, NULL, &error);
  close (fd);
  if (result == NULL)
    g_error ("%s", error->message);
}

/* The analysis worker this process started (there is one). */
static GPid
find_worker (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *entry;

  while (proc != NULL && (entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", entry, "stat", NULL);
      g_autofree char *exe_path = g_build_filename ("/proc", entry, "exe", NULL);
      g_autofree char *stat = NULL;
      g_autofree char *exe = NULL;
      const char *after_name;
      int ppid = 0;

      if (!g_ascii_isdigit (entry[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL) ||
          (after_name = strrchr (stat, ')')) == NULL ||
          sscanf (after_name + 1, " %*c %d", &ppid) != 1 || ppid != getpid ())
        continue;
      exe = g_file_read_link (exe_path, NULL);
      if (exe != NULL && g_str_has_suffix (exe, "/veil-analysis-worker"))
        return (GPid) atoi (entry);
    }
  return 0;
}

/* CPU time per photo of the worker process over @paths, in ms. */
static double
worker_round (VeilWorkerPool          *pool,
              GPtrArray               *paths,
              const VeilWorkerRequest *request,
              GPid                    *pid)
{
  guint64 before = *pid != 0 ? veil_bench_process_cpu_ticks (*pid) : 0;

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilWorkerResult) result = NULL;
      int fd = open (paths->pdata[i], O_RDONLY | O_CLOEXEC);

      result = veil_worker_pool_analyze (pool, VEIL_WORKER_LANE_SCAN, fd, paths->pdata[i], request, NULL, &error);
      close (fd);
      if (result == NULL)
        g_error ("%s", error->message);
    }
  if (*pid == 0)
    return 0.0;
  return (veil_bench_process_cpu_ticks (*pid) - before) * 1000.0 / sysconf (_SC_CLK_TCK) / paths->len;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "photos", 0, 0, G_OPTION_ARG_INT, &n_photos, "Photos (default 16)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Interleaved rounds (default 5)", "N" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Photo width (default 1600)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Photo height (default 1200)", "H" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- scan CPU per photo");
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  g_autofree double *t_decode = NULL, *t_infer = NULL, *t_scan = NULL, *t_worker = NULL;
  g_autoptr(VeilWorkerPool) pool = NULL;
  GPid worker_pid = 0;
  g_autofree guint8 *rgb = g_malloc (VEIL_IMAGE_CLASSIFIER_SIZE * VEIL_IMAGE_CLASSIFIER_SIZE * 3);
  VeilWorkerRequest request = { 0 };
  double decode, infer, scan, worker = 0.0, p95;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  n_photos = MAX (n_photos, 1);
  rounds = MAX (rounds, 1);
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  vips_concurrency_set (1);

  classifier = veil_bench_load_classifier (&model);
  analyzer = veil_analyzer_new (VEIL_CLASSIFIER (classifier));
  request.needs = veil_analyzer_get_needs (analyzer);
  request.pdq_mode = veil_analyzer_get_pdq_mode (analyzer);
  veil_image_limits_init_default (&request.limits);

  dir = g_dir_make_tmp ("veil-bench-scan-cpu-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_photos; i++)
    {
      g_autoptr(VipsImage) photo = veil_bench_make_photo (width, height, 100 + i);
      char *path = g_strdup_printf ("%s/photo-%02u.jpg", dir, i);

      if (vips_jpegsave (photo, path, "Q", 85, NULL) != 0)
        g_error ("libvips: %s", vips_error_buffer ());
      g_ptr_array_add (paths, path);
    }
  for (gsize i = 0; i < VEIL_IMAGE_CLASSIFIER_SIZE * VEIL_IMAGE_CLASSIFIER_SIZE * 3; i++)
    rgb[i] = (guint8) (i * 2654435761u >> 24);

  /* A first pass warms the page cache, the arenas and libvips' operation types. */
  for (guint i = 0; i < paths->len; i++)
    {
      decode_only (paths->pdata[i]);
      scan_one (VEIL_CLASSIFIER (classifier), paths->pdata[i], &request);
    }

  if (g_getenv ("VEIL_ANALYSIS_WORKER") != NULL)
    {
      g_autofree char *model_path = veil_model_get_default_path ();

      pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
      veil_worker_pool_set_lane (pool, VEIL_WORKER_LANE_SCAN, 1, 4);
      veil_worker_pool_set_model_path (pool, model_path);
      worker_round (pool, paths, &request, &worker_pid);
      worker_pid = find_worker ();
    }

  t_worker = g_new0 (double, rounds);
  t_decode = g_new (double, rounds);
  t_infer = g_new (double, rounds);
  t_scan = g_new (double, rounds);
  for (guint r = 0; r < rounds; r++)
    {
      double s = process_cpu_ms ();

      for (guint i = 0; i < paths->len; i++)
        decode_only (paths->pdata[i]);
      t_decode[r] = (process_cpu_ms () - s) / paths->len;

      s = process_cpu_ms ();
      for (guint i = 0; i < paths->len; i++)
        infer_only (VEIL_CLASSIFIER (classifier), rgb);
      t_infer[r] = (process_cpu_ms () - s) / paths->len;

      s = process_cpu_ms ();
      for (guint i = 0; i < paths->len; i++)
        scan_one (VEIL_CLASSIFIER (classifier), paths->pdata[i], &request);
      t_scan[r] = (process_cpu_ms () - s) / paths->len;

      if (pool != NULL)
        t_worker[r] = worker_round (pool, paths, &request, &worker_pid);
    }
  veil_bench_summarize (t_worker, rounds, &worker, &p95);
  veil_bench_summarize (t_decode, rounds, &decode, &p95);
  veil_bench_summarize (t_infer, rounds, &infer, &p95);
  veil_bench_summarize (t_scan, rounds, &scan, &p95);

  printf ("bench/scan-cpu: %u x %dx%d JPEG (Q 85), %u interleaved rounds, CPU per photo (median)\n",
          paths->len, width, height, rounds);
  printf ("  kernels: classifier %s (%s=%s)\n", _veil_nsfw_classifier_get_kernels_name (classifier),
          VEIL_KERNELS_ENV, g_getenv (VEIL_KERNELS_ENV) ? g_getenv (VEIL_KERNELS_ENV) : "unset");
  printf ("  decode-only (libvips, whole photo)  %7.2f ms\n", decode);
  printf ("  inference-only                      %7.2f ms\n", infer);
  printf ("  scan (worker analysis of the file)  %7.2f ms\n", scan);
  printf ("  ratio scan / (decode + inference)   %7.2f (target <= 1.25)\n", scan / (decode + infer));
  if (worker_pid != 0)
    printf ("  the same in an analysis worker      %7.2f ms (its process's CPU, %ld Hz ticks), ratio %.2f\n",
            worker, sysconf (_SC_CLK_TCK), worker / (decode + infer));
  else
    printf ("  analysis worker: not measured (set VEIL_ANALYSIS_WORKER)\n");

  veil_bench_rm_rf (dir);
  return 0;
}
