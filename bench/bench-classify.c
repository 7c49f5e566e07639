/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-classify"

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veil-nsfw-classifier-private.h"

/* bench/classify: the classifier's speed next to the reference framework measured in the same
 * run (TF.js 4.22.0, wasm backend, `nsfw-bench.mjs --backend wasm`), so the printed ratios
 * hold on whatever machine runs it.
 *
 *   bench-classify [--model FILE] [--oracle DIR] [--runs N] [--batch N]
 *                  [--mid-model FILE] [--mid-only]
 *
 * After the classifier it measures the second model, MobileNetV2Mid (the second opinion on
 * borderline flags): load time, memory and single-image latency on every kernel path.
 *
 * --oracle names a folder holding nsfw-bench.mjs with its node_modules (a writable copy of
 * ../shared/tools/nsfw-oracle after `npm ci`); without it only Veil's figures are printed.
 * Timings are medians; the input is deterministic pseudo-random pixels, like the reference's. */

static guint runs = 50;
static guint warmup = 5;
static guint batch = 16;
static char *model_path;
static char *oracle_dir;
static char *mid_model_path;
static gboolean mid_only;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* CPU time of the calling thread: on a busy machine it shows what an inference costs when
 * the wall clock also counts the time other processes held the core. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Resident set size in MiB, from /proc/self/status. */
static double
rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0.0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtod (line + 6, NULL) / 1024.0 : 0.0;
}

/* The 1-minute load average: on a shared 2-core machine, other work inflates both sides'
 * timings (the ratios stay meaningful, absolute figures do not). */
static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1.0;
  return g_ascii_strtod (text, NULL);
}

/* The FMA floor: the model's multiply-adds at the rate @kernels' widest multiply-add runs on
 * one core, measured now (median CPU time of 5 bursts), in ms per image. */
static double
fma_floor_ms (VeilNsfwClassifier *classifier)
{
  const VeilNsfwKernels *kernels = _veil_nsfw_classifier_get_kernels (classifier);
  const guint64 rounds = 20 * 1000 * 1000;
  double t[5];
  float sink = 0.0f;

  kernels->fma_burst (rounds / 10, &sink);
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    {
      double s = thread_cpu_ms ();

      kernels->fma_burst (rounds, &sink);
      t[i] = thread_cpu_ms () - s;
    }
  /* ms per image = MACs / (MACs per ms) */
  return _veil_nsfw_classifier_count_macs (classifier) /
         ((double) rounds * 12 * kernels->lanes / median (t, G_N_ELEMENTS (t))) + 0.0 * sink;
}

static guint8 *
make_input (guint seed)
{
  guint8 *rgb = g_malloc (224 * 224 * 3);
  guint32 st = 12345 + seed;

  for (guint i = 0; i < 224 * 224 * 3; i++)
    {
      st = st * 1103515245u + 12345u;
      rgb[i] = (st >> 16) & 255;
    }
  return rgb;
}

static void
classify_once (VeilClassifier *classifier,
               const guint8   *rgb)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilClassifierResult) result = NULL;

  result = veil_classifier_classify_rgb (classifier, rgb, 224, 224, 224 * 3, 0, NULL, &error);
  if (result == NULL)
    g_error ("classification failed: %s", error->message);
}

static double
single_latency (VeilNsfwClassifier *classifier,
                const guint8       *rgb,
                double             *cpu_ms)
{
  g_autofree double *t = g_new (double, runs);
  g_autofree double *c = g_new (double, runs);

  for (guint i = 0; i < warmup; i++)
    classify_once (VEIL_CLASSIFIER (classifier), rgb);
  for (guint i = 0; i < runs; i++)
    {
      double s = now_ms (), sc = thread_cpu_ms ();

      classify_once (VEIL_CLASSIFIER (classifier), rgb);
      t[i] = now_ms () - s;
      c[i] = thread_cpu_ms () - sc;
    }
  if (cpu_ms != NULL)
    *cpu_ms = median (c, runs);
  return median (t, runs);
}

typedef struct {
  VeilClassifier *classifier;
  GPtrArray      *images;
  guint           first, step;
} BatchJob;

static gpointer
batch_thread (gpointer data)
{
  BatchJob *job = data;

  for (guint i = job->first; i < job->images->len; i += job->step)
    classify_once (job->classifier, job->images->pdata[i]);
  return NULL;
}

/* Images per second over a batch shared out to @n_threads threads (one image each at a time). */
static double
batch_throughput (VeilNsfwClassifier *classifier,
                  GPtrArray          *images,
                  guint               n_threads)
{
  double t[5];

  for (guint r = 0; r < G_N_ELEMENTS (t) + 1; r++)
    {
      BatchJob jobs[2];
      GThread *threads[2];
      double s = now_ms ();

      for (guint k = 0; k < n_threads; k++)
        {
          jobs[k] = (BatchJob) { VEIL_CLASSIFIER (classifier), images, k, n_threads };
          threads[k] = g_thread_new ("bench", batch_thread, &jobs[k]);
        }
      for (guint k = 0; k < n_threads; k++)
        g_thread_join (threads[k]);
      if (r > 0)  /* the first round is the warm-up */
        t[r - 1] = now_ms () - s;
    }
  return images->len * 1000.0 / median (t, G_N_ELEMENTS (t));
}

typedef struct {
  gboolean ok;
  double   single_ms, batch_ips, load_ms, peak_rss;
} Reference;

static Reference
run_reference (void)
{
  Reference ref = { FALSE };
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *runs_s = g_strdup_printf ("%u", runs);
  g_autofree char *batch_s = g_strdup_printf ("%u", batch);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *single, *batch_obj;
  int status = 0;

  if (oracle_dir == NULL)
    return ref;

  script = g_build_filename (oracle_dir, "nsfw-bench.mjs", NULL);
  {
    const char *argv[] = { "node", script, "--backend", "wasm", "--runs", runs_s, "--warmup", "5",
                           "--batch", batch_s, "--batch-runs", "5", "--batch-warmup", "1", NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                       &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      {
        fprintf (stderr, "reference benchmark failed: %s\n%s\n", error->message, err ? err : "");
        return ref;
      }
  }

  if (!json_parser_load_from_data (parser, out, -1, &error))
    {
      fprintf (stderr, "reference benchmark printed no JSON: %s\n", error->message);
      return ref;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  single = json_object_get_object_member (root, "single_ms");
  batch_obj = json_object_get_object_member (root, "batch");
  ref.single_ms = json_object_get_double_member (single, "median");
  ref.batch_ips = json_object_get_double_member (batch_obj, "images_per_s_median");
  ref.load_ms = json_object_get_double_member (root, "load_ms");
  ref.peak_rss = json_object_get_double_member (root, "peak_rss_mib");
  ref.ok = TRUE;
  return ref;
}

static void
print_ratio (const char *what,
             double      veil,
             double      reference,
             const char *unit,
             gboolean    ok)
{
  if (ok)
    printf ("  %-34s %9.2f %-6s reference %9.2f  ratio %.3f\n", what, veil, unit, reference, veil / reference);
  else
    printf ("  %-34s %9.2f %s\n", what, veil, unit);
}

/* The second model: what it costs on top of the first, which is what a second opinion adds
 * for each picture the first model flags. */
static void
bench_mid_model (void)
{
  const VeilNsfwKernelPath paths[] = { VEIL_NSFW_KERNELS_PORTABLE, VEIL_NSFW_KERNELS_AVX2, VEIL_NSFW_KERNELS_AVX512 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autofree guint8 *input = make_input (0);
  double loads[5], rss0, rss1, single1, single2, cpu1 = 0.0, floor_ms;

  rss0 = rss_mib ();
  for (guint i = 0; i < G_N_ELEMENTS (loads); i++)
    {
      double s = now_ms ();

      g_clear_object (&classifier);
      g_clear_object (&model);
      model = veil_model_new_from_file (mid_model_path, &error);
      if (model == NULL)
        g_error ("%s", error->message);
      classifier = veil_nsfw_classifier_new (model, &error);
      if (classifier == NULL)
        g_error ("%s", error->message);
      loads[i] = now_ms () - s;
    }
  classify_once (VEIL_CLASSIFIER (classifier), input);
  rss1 = rss_mib ();

  single1 = single_latency (classifier, input, &cpu1);
  veil_nsfw_classifier_set_threads (classifier, 2);
  single2 = single_latency (classifier, input, NULL);
  veil_nsfw_classifier_set_threads (classifier, 1);
  floor_ms = fma_floor_ms (classifier);

  printf ("bench/classify: second model nsfwjs MobileNetV2Mid (%s %s), kernels %s (%s=%s), %u runs\n",
          veil_model_get_name (model), veil_model_get_version (model),
          _veil_nsfw_classifier_get_kernels_name (classifier), VEIL_KERNELS_ENV,
          g_getenv (VEIL_KERNELS_ENV) ? g_getenv (VEIL_KERNELS_ENV) : "unset", runs);
  printf ("  %-34s %9.2f ms\n", "single image, 1 thread (median)", single1);
  printf ("  %-34s %9.2f ms    (CPU time of the calling thread, median)\n", "single image, 1 thread, CPU", cpu1);
  printf ("  %-34s %9.2f ms\n", "single image, 2 threads (median)", single2);
  printf ("  %-34s %9.2f ms\n", "model load (median of 5)", median (loads, G_N_ELEMENTS (loads)));
  printf ("  %-34s %9.2f MiB\n", "RSS added by model + 1 arena", rss1 - rss0);
  printf ("  FMA floor (%s, %.0f M MACs at this core's peak)   %7.2f ms; 1 thread CPU / floor %.2f\n",
          _veil_nsfw_classifier_get_kernels_name (classifier),
          _veil_nsfw_classifier_count_macs (classifier) / 1e6, floor_ms, cpu1 / floor_ms);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(VeilNsfwClassifier) c = NULL;
      double cpu = 0.0, wall;

      if (!veil_nsfw_kernels_supported (paths[i]))
        continue;
      c = _veil_nsfw_classifier_new_with_kernels (model, paths[i], NULL);
      wall = single_latency (c, input, &cpu);
      printf ("  kernels %-8s single image, 1 thread: %7.2f ms (CPU %.2f ms)\n",
              _veil_nsfw_classifier_get_kernels_name (c), wall, cpu);
    }
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file (default: VEIL_MODEL_PATH or installed)", "FILE" },
    { "oracle", 0, 0, G_OPTION_ARG_FILENAME, &oracle_dir, "Folder with nsfw-bench.mjs and its node_modules", "DIR" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed single-image runs (default 50)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Images per batch (default 16)", "N" },
    { "mid-model", 0, 0, G_OPTION_ARG_FILENAME, &mid_model_path, "Second model file (default: VEIL_MID_MODEL_PATH or installed)", "FILE" },
    { "mid-only", 0, 0, G_OPTION_ARG_NONE, &mid_only, "Measure only the second model", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- classifier benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint8 *input = make_input (0);
  g_autofree double *loads = NULL;
  double rss0, rss1, load_ms, single1, single2, tput1, tput2, cpu1 = 0.0, floor_ms;
  Reference ref;
  const VeilNsfwKernelPath paths[] = { VEIL_NSFW_KERNELS_PORTABLE, VEIL_NSFW_KERNELS_AVX2, VEIL_NSFW_KERNELS_AVX512 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  runs = MAX (runs, 1);
  if (model_path == NULL)
    model_path = veil_model_get_default_path ();
  if (oracle_dir == NULL && g_getenv ("NSFW_ORACLE_DIR") != NULL)
    oracle_dir = g_strdup (g_getenv ("NSFW_ORACLE_DIR"));
  if (mid_model_path == NULL)
    mid_model_path = veil_model_get_path_for_kind (VEIL_MODEL_KIND_MOBILENET_V2_MID);
  if (mid_only)
    {
      bench_mid_model ();
      g_free (model_path);
      g_free (mid_model_path);
      return 0;
    }

  /* The reference first, while nothing of ours is resident. */
  ref = run_reference ();

  /* Model load: file mapping, validation, dequantisation, BN folding and packing. */
  rss0 = rss_mib ();
  loads = g_new (double, 5);
  for (guint i = 0; i < 5; i++)
    {
      double s = now_ms ();

      g_clear_object (&classifier);
      g_clear_object (&model);
      model = veil_model_new_from_file (model_path, &error);
      if (model == NULL)
        g_error ("%s", error->message);
      classifier = veil_nsfw_classifier_new (model, &error);
      if (classifier == NULL)
        g_error ("%s", error->message);
      loads[i] = now_ms () - s;
    }
  load_ms = median (loads, 5);
  classify_once (VEIL_CLASSIFIER (classifier), input);
  rss1 = rss_mib ();

  for (guint i = 0; i < batch; i++)
    g_ptr_array_add (images, make_input (i + 1));

  single1 = single_latency (classifier, input, &cpu1);
  veil_nsfw_classifier_set_threads (classifier, 2);
  single2 = single_latency (classifier, input, NULL);
  veil_nsfw_classifier_set_threads (classifier, 1);
  tput1 = batch_throughput (classifier, images, 1);
  tput2 = batch_throughput (classifier, images, 2);
  floor_ms = fma_floor_ms (classifier);

  printf ("bench/classify: nsfwjs MobileNetV2 (%s %s), kernels %s (%s=%s), %u runs, batch %u\n",
          veil_model_get_name (model), veil_model_get_version (model),
          _veil_nsfw_classifier_get_kernels_name (classifier), VEIL_KERNELS_ENV,
          g_getenv (VEIL_KERNELS_ENV) ? g_getenv (VEIL_KERNELS_ENV) : "unset", runs, batch);
  if (ref.ok)
    printf ("  reference: TF.js wasm backend (XNNPACK, 1 thread), measured just before\n");
  else
    printf ("  reference: not run (pass --oracle DIR to measure TF.js wasm in the same run)\n");
  print_ratio ("single image, 1 thread (median)", single1, ref.single_ms, "ms", ref.ok);
  printf ("  %-34s %9.2f ms    (CPU time of the calling thread, median)\n", "single image, 1 thread, CPU", cpu1);
  print_ratio ("single image, 2 threads (median)", single2, ref.single_ms, "ms", ref.ok);
  print_ratio ("batch, 1 thread", tput1, ref.batch_ips, "img/s", ref.ok);
  print_ratio ("batch, 2 threads", tput2, ref.batch_ips, "img/s", ref.ok);
  print_ratio ("model load (median of 5)", load_ms, ref.load_ms, "ms", ref.ok);
  printf ("  %-34s %9.2f MiB (reference peak RSS %.1f MiB)\n", "RSS added by model + 1 arena", rss1 - rss0,
          ref.ok ? ref.peak_rss : 0.0);
  printf ("  FMA floor (%s, %.0f M MACs at this core's peak)   %7.2f ms; 1 thread CPU / floor %.2f (target <= 2.0)\n",
          _veil_nsfw_classifier_get_kernels_name (classifier),
          _veil_nsfw_classifier_count_macs (classifier) / 1e6, floor_ms, cpu1 / floor_ms);
  printf ("  batch 2 threads / 1 thread                   %7.2f (target >= 1.5)\n", tput2 / tput1);
  printf ("  machine load average (1 min) at the end: %.2f on %u CPUs\n", load_average (), g_get_num_processors ());
  printf ("  targets: single 1 thread <= 0.2x reference and <= 11 ms; 2 threads <= 7 ms; load <= 50 ms; RSS <= 40 MiB\n");

  /* Each kernel path alone, for the record. */
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(VeilNsfwClassifier) c = NULL;

      if (!veil_nsfw_kernels_supported (paths[i]))
        continue;
      double cpu = 0.0, wall, fl;

      c = _veil_nsfw_classifier_new_with_kernels (model, paths[i], NULL);
      wall = single_latency (c, input, &cpu);
      fl = fma_floor_ms (c);
      printf ("  kernels %-8s single image, 1 thread: %7.2f ms (CPU %.2f ms, floor %.2f ms, CPU / floor %.2f)\n",
              _veil_nsfw_classifier_get_kernels_name (c), wall, cpu, fl, cpu / fl);
    }

  bench_mid_model ();

  g_free (model_path);
  g_free (mid_model_path);
  g_free (oracle_dir);
  return 0;
}
