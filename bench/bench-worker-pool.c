/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-worker-pool"

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-nsfw-classifier-private.h"
#include "veil-worker-pool.h"
#include "veil-bench-utils.h"

/* bench/worker-pool: one picture analysed by an isolated worker (descriptor over a socket,
 * decode + PDQ + classifier in the worker, verdict here) against the same analysis in this
 * process (veil_image_load_fd + veil_analyzer_analyze_image), both with one inference thread,
 * on the same files, rounds interleaved, measured in this run. Targets: the worker at most
 * 5% slower at 12 MP and 10% at 1 MP (median). */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

typedef struct {
  const char *label;
  int         width, height;
  guint       rounds;
  double      target;      /* largest ratio worker / in-process */
} Size;

static char *
make_jpeg (const char *dir,
           const Size *size)
{
  g_autoptr(VipsImage) photo = veil_bench_make_photo (size->width, size->height, 17);
  char *path = g_strdup_printf ("%s/photo-%s.jpg", dir, size->label);

  if (vips_jpegsave (photo, path, "Q", 85, NULL) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  return path;
}

static double
in_process (VeilAnalyzer *analyzer,
            int           fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  VeilImageLimits limits;
  gint64 start = g_get_monotonic_time ();

  veil_image_limits_init_default (&limits);
  lseek (fd, 0, SEEK_SET);
  image = veil_image_load_fd (fd, veil_analyzer_get_needs (analyzer), &limits, NULL, &error);
  if (image != NULL)
    verdict = veil_analyzer_analyze_image (analyzer, image, NULL, NULL, NULL, &error);
  if (verdict == NULL)
    g_error ("In-process analysis failed: %s", error->message);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static double
in_worker (VeilAnalyzer *analyzer,
           int           fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  gint64 start = g_get_monotonic_time ();

  verdict = veil_analyzer_analyze_fd (analyzer, fd, "photo", VEIL_WORKER_LANE_API, NULL,
                                      NULL, NULL, NULL, NULL, &error);
  if (verdict == NULL || veil_verdict_get_unchecked (verdict))
    g_error ("Worker analysis failed: %s", error != NULL ? error->message : "not checked");
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gboolean
run_size (VeilAnalyzer *local,
          VeilAnalyzer *isolated,
          const char   *dir,
          const Size   *size)
{
  g_autofree char *path = make_jpeg (dir, size);
  g_autofree double *a = g_new0 (double, size->rounds);
  g_autofree double *b = g_new0 (double, size->rounds);
  double med_a, p95_a, med_b, p95_b, ratio;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  /* Warm both: the worker starts and loads its model, the caches fill. */
  in_process (local, fd);
  in_worker (isolated, fd);
  for (guint i = 0; i < size->rounds; i++)
    {
      a[i] = in_process (local, fd);
      b[i] = in_worker (isolated, fd);
    }
  close (fd);
  veil_bench_summarize (a, size->rounds, &med_a, &p95_a);
  veil_bench_summarize (b, size->rounds, &med_b, &p95_b);
  ratio = med_b / med_a;
  printf ("  %-6s in-process %8.1f ms (p95 %8.1f)   worker %8.1f ms (p95 %8.1f)   ratio %.3f  target <= %.2f: %s\n",
          size->label, med_a, p95_a, med_b, p95_b, ratio, size->target, ratio <= size->target ? "met" : "NOT MET");
  return ratio <= size->target;
}

int
main (int    argc,
      char **argv)
{
  static const Size sizes[] = {
    { "12MP", 4000, 3000, 15, 1.05 },
    { "1MP", 1200, 900, 60, 1.10 },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("veil-bench-worker-XXXXXX", &error);
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilAnalyzer) local = NULL;
  g_autoptr(VeilWorkerPool) pool = NULL;
  g_autoptr(VeilAnalyzer) isolated = NULL;
  gboolean met = TRUE;

  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  if (dir == NULL)
    g_error ("%s", error->message);
  model = veil_model_load_default (&error);
  if (model == NULL)
    g_error ("%s", error->message);
  classifier = veil_nsfw_classifier_new (model, &error);
  if (classifier == NULL)
    g_error ("%s", error->message);
  /* The worker classifies with one thread; so does the baseline. */
  veil_nsfw_classifier_set_threads (classifier, 1);
  local = veil_analyzer_new (VEIL_CLASSIFIER (classifier));
  pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  isolated = veil_analyzer_new_with_pool (pool, veil_model_get_sha256 (model));

  printf ("bench/worker-pool: kernels %s, 1 inference thread, PDQ %s, worker address space %" G_GUINT64_FORMAT " MiB\n",
          _veil_nsfw_classifier_get_kernels_name (classifier),
          veil_pdq_mode_to_string (veil_analyzer_get_pdq_mode (local)),
          VEIL_WORKER_ADDRESS_SPACE / (1024 * 1024));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    met &= run_size (local, isolated, dir, &sizes[i]);
  printf ("bench/worker-pool: targets %s\n", met ? "met" : "NOT met");

  veil_bench_rm_rf (dir);
  return 0;
}
