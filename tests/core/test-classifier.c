/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "veil-classifier-policy.h"
#include "veil-classifier-result-private.h"
#include "veil-heatmap.h"
#include "veil-nsfw-classifier-private.h"
#include "veil-test-utils.h"
#include "test-classifier-parity.h"

/* The engine against the reference (TF.js 4.22.0 on nsfwjs 4.4.0): probabilities within 1e-5
 * and logits within 1e-4 of ../shared/testdata/clf, the same top class, on every kernel path. */

#define PROB_TOLERANCE  1e-5
#define LOGIT_TOLERANCE 1e-4

static VeilModel *shared_model;

/* The model is a build artefact: without it these tests fail (CI always builds it). */
static VeilModel *
get_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (shared_model != NULL)
    return shared_model;

  path = veil_model_get_default_path ();
  shared_model = veil_model_new_from_file (path, &error);
  if (shared_model == NULL)
    g_error ("classifier model not available at %s: %s (run tools/fetch-model.sh, then meson setup --reconfigure and rebuild)",
             path, error->message);
  return shared_model;
}

static GPtrArray *
read_expected (const char *relative)
{
  g_autofree char *path = veil_test_build_testdata (relative, NULL);

  return parity_read_expected (path);
}

static void
check_parity (VeilNsfwKernelPath  path,
              const char         *dir,
              const char         *probs_file,
              const char         *logits_file,
              gboolean            png_names)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(GPtrArray) probs = NULL;
  g_autoptr(GPtrArray) logits = NULL;
  double max_dp = 0.0, max_dl = 0.0;

  if (!veil_test_require_testdata (dir))
    return;
  classifier = parity_make_classifier (get_model, path);
  if (classifier == NULL)
    {
      g_test_skip ("this CPU cannot run these kernels");
      return;
    }

  probs = read_expected (probs_file);
  if (logits_file != NULL)
    {
      logits = read_expected (logits_file);
      g_assert_cmpuint (logits->len, ==, probs->len);
    }

  for (guint i = 0; i < probs->len; i++)
    {
      Expected *e = probs->pdata[i];
      g_autofree char *stem = png_names ? g_strndup (e->name, strlen (e->name) - 4) : g_strdup (e->name);
      g_autofree char *file = png_names ? g_strconcat (stem, ".rgb", NULL) : g_strdup (e->name);
      g_autofree char *path_rgb = veil_test_build_testdata (dir, file, NULL);
      g_autoptr(VeilClassifierResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *rgb = NULL;
      double got[N_CLASSES];
      guint w, h;

      rgb = parity_read_rgb (path_rgb, &w, &h);
      result = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), rgb, w, h, (gsize) w * 3,
                                             VEIL_CLASSIFY_FLAGS_NONE, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (veil_classifier_result_get_n_classes (result), ==, N_CLASSES);

      for (guint c = 0; c < N_CLASSES; c++)
        {
          got[c] = veil_classifier_result_get_probability (result, c);
          max_dp = MAX (max_dp, fabs (got[c] - e->values[c]));
          if (fabs (got[c] - e->values[c]) > PROB_TOLERANCE)
            g_error ("%s: p[%u] = %.8f, expected %.6f (kernels %s)", e->name, c, got[c], e->values[c],
                     _veil_nsfw_classifier_get_kernels_name (classifier));
        }
      g_assert_cmpuint (veil_classifier_result_get_top_class (result), ==, parity_argmax (e->values));

      if (logits != NULL)
        {
          Expected *l = logits->pdata[i];

          g_assert_cmpstr (l->name, ==, e->name);
          for (guint c = 0; c < N_CLASSES; c++)
            {
              double gl = veil_classifier_result_get_logit (result, c);

              max_dl = MAX (max_dl, fabs (gl - l->values[c]));
              if (fabs (gl - l->values[c]) > LOGIT_TOLERANCE)
                g_error ("%s: logit[%u] = %.8f, expected %.8f (kernels %s)", e->name, c, gl,
                         l->values[c], _veil_nsfw_classifier_get_kernels_name (classifier));
            }
        }
    }

  if (logits != NULL)
    g_test_message ("%s kernels, %u inputs: max |dp| = %.3g, max |dlogit| = %.3g",
                    _veil_nsfw_classifier_get_kernels_name (classifier), probs->len, max_dp, max_dl);
  else
    g_test_message ("%s kernels, %u inputs: max |dp| = %.3g (no reference logits for these)",
                    _veil_nsfw_classifier_get_kernels_name (classifier), probs->len, max_dp);
}

static void
test_parity (gconstpointer data)
{
  check_parity (GPOINTER_TO_INT (data), "clf/inputs", "clf/expected.tsv", "clf/expected-logits.tsv", FALSE);
}

/* The path a running Veil takes (AUTO) with VEIL_KERNELS capping it to each path in turn:
 * what a machine without AVX-512 runs, checked here on one that has it. */
static void
test_parity_capped (gconstpointer data)
{
  parity_cap_kernels (get_model, data);
  check_parity (VEIL_NSFW_KERNELS_AUTO, "clf/inputs", "clf/expected.tsv", "clf/expected-logits.tsv", FALSE);
  g_unsetenv (VEIL_KERNELS_ENV);
}

static void
test_parity_fixtures (gconstpointer data)
{
  check_parity (GPOINTER_TO_INT (data), "clf/fixtures", "clf/fixtures/expected.tsv", NULL, TRUE);
}

/* Fixture PNGs through the whole path: libvips decode (VeilImage) -> engine -> policy. */
static void
test_fixture_files (void)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilClassifierPolicy) policy = veil_classifier_policy_new_default ();
  g_autoptr(GPtrArray) probs = NULL;

  if (!veil_test_require_testdata ("clf/fixtures/expected.tsv"))
    return;
  classifier = veil_nsfw_classifier_new (get_model (), NULL);
  g_assert_nonnull (classifier);
  probs = read_expected ("clf/fixtures/expected.tsv");

  for (guint i = 0; i < probs->len; i++)
    {
      Expected *e = probs->pdata[i];
      g_autofree char *path = veil_test_build_testdata ("clf/fixtures", e->name, NULL);
      g_autoptr(VeilImage) image = NULL;
      g_autoptr(VeilClassifierResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) parts = g_strsplit (e->name, "_", 3);
      int target = -1, flagged = -1;
      double p;
      gboolean sensitive;

      image = veil_image_load_file (path, VEIL_IMAGE_NEED_CLASSIFIER, NULL, NULL, &error);
      g_assert_no_error (error);
      result = veil_classifier_classify_image (VEIL_CLASSIFIER (classifier), image,
                                               VEIL_CLASSIFY_FLAGS_NONE, NULL, &error);
      g_assert_no_error (error);

      /* Lossless 224x224 images reach the engine byte for byte: full parity holds. */
      for (guint c = 0; c < N_CLASSES; c++)
        g_assert_cmpfloat_with_epsilon (veil_classifier_result_get_probability (result, c),
                                        e->values[c], PROB_TOLERANCE);

      target = veil_classifier_result_find_class (result, parts[1]);
      g_assert_cmpint (target, >=, 0);
      p = veil_classifier_result_get_probability (result, target);
      sensitive = veil_classifier_policy_evaluate (policy, result, &flagged);

      if (g_str_equal (parts[0], "pos"))
        {
          g_assert_cmpfloat (p, >=, 0.95);
          g_assert_true (sensitive);
          g_assert_cmpint (flagged, ==, target);
        }
      else if (g_str_equal (parts[0], "neg"))
        {
          g_assert_cmpfloat (p, >=, 0.9);
          g_assert_false (sensitive);
          g_assert_cmpint (flagged, ==, -1);
        }
      else
        {
          VeilClassifierThreshold low = { parts[1], 0.4 }, high = { parts[1], 0.6 };
          g_autoptr(VeilClassifierPolicy) warn = veil_classifier_policy_new (&low, 1, 2.0);
          g_autoptr(VeilClassifierPolicy) quiet = veil_classifier_policy_new (&high, 1, 2.0);

          g_assert_cmpstr (parts[0], ==, "near");
          g_assert_cmpfloat (p, >=, 0.4);
          g_assert_cmpfloat (p, <=, 0.6);
          g_assert_true (veil_classifier_policy_evaluate (warn, result, NULL));
          g_assert_false (veil_classifier_policy_evaluate (quiet, result, NULL));
        }
    }
}

/* CLASSIFIER.md §7: the mean of a class's map plus its effective bias is its logit. */
static void
test_heatmap (void)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  const char *files[] = { "clf/inputs/00_aaa-orig.rgb", "clf/inputs/12_bridge.640x402.rgb",
                          "clf/fixtures/pos_porn_circles.rgb", "clf/fixtures/pos_hentai_noise.rgb" };

  if (!veil_test_require_testdata ("clf/inputs"))
    return;
  classifier = veil_nsfw_classifier_new (get_model (), NULL);

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = veil_test_build_testdata (files[f], NULL);
      g_autoptr(VeilClassifierResult) result = NULL;
      g_autoptr(VeilClassifierResult) plain = NULL;
      g_autofree guint8 *rgb = NULL;
      guint w, h;

      rgb = parity_read_rgb (path, &w, &h);
      plain = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), rgb, w, h, (gsize) w * 3,
                                            VEIL_CLASSIFY_FLAGS_NONE, NULL, NULL);
      g_assert_false (veil_classifier_result_has_heatmap (plain));
      result = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), rgb, w, h, (gsize) w * 3,
                                             VEIL_CLASSIFY_FLAGS_HEATMAP, NULL, NULL);
      g_assert_true (veil_classifier_result_has_heatmap (result));

      for (guint c = 0; c < N_CLASSES; c++)
        {
          guint mw = 0, mh = 0;
          const float *map = veil_classifier_result_get_heatmap (result, c, &mw, &mh);
          double mean = 0.0, spread = 0.0;

          g_assert_nonnull (map);
          g_assert_cmpuint (mw, ==, 7);
          g_assert_cmpuint (mh, ==, 7);
          for (guint i = 0; i < mw * mh; i++)
            {
              mean += map[i];
              spread = MAX (spread, fabs (map[i] - map[0]));
            }
          mean /= mw * mh;
          g_assert_cmpfloat_with_epsilon (mean + veil_classifier_result_get_heatmap_bias (result, c),
                                          veil_classifier_result_get_logit (result, c), 1e-4);
          /* Same scores with and without the heatmap; and a real map, not a constant. */
          g_assert_cmpfloat (veil_classifier_result_get_logit (result, c), ==,
                             veil_classifier_result_get_logit (plain, c));
          g_assert_cmpfloat (spread, >, 1e-3);
        }
    }
}

static VeilClassifierResult *
make_result (float drawing,
             float hentai,
             float neutral,
             float porn,
             float sexy)
{
  static const char *names[] = { "drawing", "hentai", "neutral", "porn", "sexy" };
  float p[N_CLASSES] = { drawing, hentai, neutral, porn, sexy };
  float l[N_CLASSES] = { 0 };

  return _veil_classifier_result_new (N_CLASSES, names, p, l, "test", "1", "00");
}

/* The default policy: porn >= 0.5, hentai >= 0.5, sexy >= 0.7, or the three together >= 0.7. */
static void
test_policy (void)
{
  g_autoptr(VeilClassifierPolicy) policy = veil_classifier_policy_new_default ();
  g_autoptr(VeilClassifierPolicy) none = veil_classifier_policy_new (NULL, 0, 2.0);
  struct { float p[N_CLASSES]; gboolean sensitive; int flagged; } cases[] = {
    { { 0.90f, 0.02f, 0.05f, 0.02f, 0.01f }, FALSE, -1 },
    { { 0.10f, 0.20f, 0.30f, 0.25f, 0.15f }, FALSE, -1 },  /* together 0.6 */
    { { 0.00f, 0.00f, 0.50f, 0.50f, 0.00f }, TRUE, 3 },    /* porn exactly at 0.5 */
    { { 0.00f, 0.49f, 0.51f, 0.00f, 0.00f }, FALSE, -1 },  /* hentai just below */
    { { 0.00f, 0.00f, 0.31f, 0.00f, 0.69f }, FALSE, -1 },  /* sexy just below, alone */
    { { 0.00f, 0.00f, 0.25f, 0.00f, 0.75f }, TRUE, 4 },
    { { 0.00f, 0.10f, 0.28f, 0.30f, 0.32f }, TRUE, 4 },    /* none alone, together 0.72 */
  };

  g_assert_cmpuint (veil_classifier_policy_get_n_thresholds (policy), ==, 3);
  g_assert_cmpfloat (veil_classifier_policy_get_combined_threshold (policy), ==, 0.7);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VeilClassifierResult) r = make_result (cases[i].p[0], cases[i].p[1], cases[i].p[2],
                                                       cases[i].p[3], cases[i].p[4]);
      int flagged = 99;

      g_assert_cmpint (veil_classifier_policy_evaluate (policy, r, &flagged), ==, cases[i].sensitive);
      g_assert_cmpint (flagged, ==, cases[i].flagged);
      /* A policy with no thresholds never flags anything. */
      g_assert_false (veil_classifier_policy_evaluate (none, r, NULL));
    }
}

/* The overlay is tinted where the map is hot and left alone (only blurred) where it is not. */
static void
test_heatmap_render (void)
{
  float map[7 * 7] = { 0 };
  g_autofree guint8 *grey = g_malloc (224 * 224 * 3);
  g_autofree guint8 *out = NULL;
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "map.png", NULL);
  g_autoptr(GError) error = NULL;
  const guint8 *hot, *cold;

  memset (grey, 128, 224 * 224 * 3);
  map[0] = 5.0f;      /* top-left cell hot */
  map[48] = -3.0f;    /* bottom-right cell pushes the other way: not shown */

  out = veil_heatmap_render (map, 7, 7, grey, 224, 224, &error);
  g_assert_no_error (error);
  hot = out + (8 * 224 + 8) * 3;
  cold = out + (215 * 224 + 215) * 3;
  g_assert_cmpint (hot[0], >, hot[1] + 60);
  g_assert_cmpint (ABS ((int) cold[0] - 128), <=, 2);
  g_assert_cmpint (ABS ((int) cold[1] - 128), <=, 2);

  g_assert_true (veil_heatmap_save_png (map, 7, 7, grey, 224, 224, png, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  g_assert_null (veil_heatmap_render (map, 0, 7, grey, 224, 224, &error));
  g_assert_error (error, VEIL_HEATMAP_ERROR, VEIL_HEATMAP_ERROR_INVALID);
  veil_test_rm_rf (dir);
}

/* The .rgb inputs were made from 224x224 images, so every kernel path must also agree with
 * the portable one far more tightly than the reference gate. */
static void
test_paths_agree (void)
{
  g_autoptr(VeilNsfwClassifier) portable = parity_make_classifier (get_model, VEIL_NSFW_KERNELS_PORTABLE);
  VeilNsfwKernelPath paths[] = { VEIL_NSFW_KERNELS_AVX2, VEIL_NSFW_KERNELS_AVX512 };
  g_autofree char *path = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autoptr(VeilClassifierResult) ref = NULL;
  guint w, h, tested = 0;

  if (!veil_test_require_testdata ("clf/inputs"))
    return;
  path = veil_test_build_testdata ("clf/inputs/05_q0746.rgb", NULL);
  rgb = parity_read_rgb (path, &w, &h);
  ref = veil_classifier_classify_rgb (VEIL_CLASSIFIER (portable), rgb, w, h, w * 3, 0, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(VeilNsfwClassifier) other = parity_make_classifier (get_model, paths[i]);
      g_autoptr(VeilClassifierResult) got = NULL;

      if (other == NULL)
        continue;
      g_assert_cmpstr (_veil_nsfw_classifier_get_kernels_name (other), !=, "portable");
      got = veil_classifier_classify_rgb (VEIL_CLASSIFIER (other), rgb, w, h, w * 3, 0, NULL, NULL);
      for (guint c = 0; c < N_CLASSES; c++)
        g_assert_cmpfloat_with_epsilon (veil_classifier_result_get_logit (got, c),
                                        veil_classifier_result_get_logit (ref, c), 1e-4);
      tested++;
    }
  if (tested == 0)
    g_test_skip ("this CPU has no SIMD kernel path to compare");
}

typedef struct {
  VeilClassifier *classifier;
  GPtrArray      *images;    /* guint8 *, 224x224 RGB */
  guint           offset;
  double         *out;       /* images->len * N_CLASSES logits */
} ThreadJob;

static gpointer
classify_thread (gpointer data)
{
  ThreadJob *job = data;

  /* Each thread walks the images from a different starting point, several times over, so
   * that different images run at the same moment. */
  for (guint round = 0; round < 3; round++)
    for (guint n = 0; n < job->images->len; n++)
      {
        guint i = (n + job->offset) % job->images->len;
        g_autoptr(VeilClassifierResult) r = NULL;

        r = veil_classifier_classify_rgb (job->classifier, job->images->pdata[i], 224, 224, 224 * 3,
                                          VEIL_CLASSIFY_FLAGS_HEATMAP, NULL, NULL);
        g_assert_nonnull (r);
        for (guint c = 0; c < N_CLASSES; c++)
          {
            double l = veil_classifier_result_get_logit (r, c);

            if (round > 0)
              g_assert_cmpfloat (job->out[i * N_CLASSES + c], ==, l);
            job->out[i * N_CLASSES + c] = l;
          }
      }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_free);
  const char *names[] = { "00_aaa-orig.rgb", "02_c.rgb", "04_q0122.rgb", "07_wee.rgb",
                          "09_high-saturation.rgb", "03_pen-and-coaster.rgb" };
  g_autofree double *single = NULL;
  ThreadJob jobs[4];
  GThread *threads[4];

  if (!veil_test_require_testdata ("clf/inputs"))
    return;
  classifier = veil_nsfw_classifier_new (get_model (), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = veil_test_build_testdata ("clf/inputs", names[i], NULL);
      guint w, h;

      g_ptr_array_add (images, parity_read_rgb (path, &w, &h));
    }

  single = g_new0 (double, images->len * N_CLASSES);
  for (guint i = 0; i < images->len; i++)
    {
      g_autoptr(VeilClassifierResult) r =
        veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), images->pdata[i], 224, 224, 224 * 3,
                                      VEIL_CLASSIFY_FLAGS_NONE, NULL, NULL);
      for (guint c = 0; c < N_CLASSES; c++)
        single[i * N_CLASSES + c] = veil_classifier_result_get_logit (r, c);
    }

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      jobs[t] = (ThreadJob) { VEIL_CLASSIFIER (classifier), images, t, g_new0 (double, images->len * N_CLASSES) };
      threads[t] = g_thread_new ("classify", classify_thread, &jobs[t]);
    }
  /* A service going idle frees the prepared weights, possibly while others classify: the
   * next calls prepare them again and must not see a difference. */
  for (guint k = 0; k < 20; k++)
    {
      veil_nsfw_classifier_release_memory (classifier);
      g_usleep (500);
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_thread_join (threads[t]);
      /* Bit for bit what one thread computed. */
      g_assert_cmpmem (jobs[t].out, images->len * N_CLASSES * sizeof (double),
                       single, images->len * N_CLASSES * sizeof (double));
      g_free (jobs[t].out);
    }

  veil_nsfw_classifier_release_memory (classifier);
  for (guint i = 0; i < images->len; i++)
    {
      g_autoptr(VeilClassifierResult) r =
        veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), images->pdata[i], 224, 224, 224 * 3,
                                      VEIL_CLASSIFY_FLAGS_HEATMAP, NULL, NULL);
      g_assert_nonnull (r);
      g_assert_true (veil_classifier_result_has_heatmap (r));
      for (guint c = 0; c < N_CLASSES; c++)
        g_assert_cmpfloat (veil_classifier_result_get_logit (r, c), ==, single[i * N_CLASSES + c]);
    }
}

static void
test_two_threads_per_image (void)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autofree char *path = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autoptr(VeilClassifierResult) one = NULL;
  g_autoptr(VeilClassifierResult) two = NULL;
  guint w, h;

  if (!veil_test_require_testdata ("clf/inputs"))
    return;
  classifier = veil_nsfw_classifier_new (get_model (), NULL);
  path = veil_test_build_testdata ("clf/inputs/12_bridge.640x402.rgb", NULL);
  rgb = parity_read_rgb (path, &w, &h);

  one = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), rgb, w, h, w * 3, 0, NULL, NULL);
  veil_nsfw_classifier_set_threads (classifier, 2);
  g_assert_cmpuint (veil_nsfw_classifier_get_threads (classifier), ==, 2);
  for (guint round = 0; round < 3; round++)
    {
      g_clear_pointer (&two, veil_classifier_result_unref);
      two = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), rgb, w, h, w * 3, 0, NULL, NULL);
      for (guint c = 0; c < N_CLASSES; c++)
        g_assert_cmpfloat (veil_classifier_result_get_logit (two, c), ==,
                           veil_classifier_result_get_logit (one, c));
    }
}

static void
test_bad_input (void)
{
  g_autoptr(VeilNsfwClassifier) classifier = veil_nsfw_classifier_new (get_model (), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint8 pixels[4 * 4 * 3] = { 0 };
  VeilClassifierResult *result;

  result = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), pixels, 4, 4, 5,
                                         VEIL_CLASSIFY_FLAGS_NONE, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VEIL_CLASSIFIER_ERROR, VEIL_CLASSIFIER_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  result = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), pixels, 0, 4, 12,
                                         VEIL_CLASSIFY_FLAGS_NONE, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VEIL_CLASSIFIER_ERROR, VEIL_CLASSIFIER_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  result = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), pixels, 4, 4, 12,
                                         VEIL_CLASSIFY_FLAGS_NONE, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* A tiny image is fine: it is stretched like any other. */
  result = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), pixels, 4, 4, 12,
                                         VEIL_CLASSIFY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  veil_classifier_result_unref (result);
}

static void
classified_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  VeilClassifierResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = veil_classifier_classify_image_finish (VEIL_CLASSIFIER (source), res, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(GError) error = NULL;
  VeilClassifierResult *result = NULL;
  gboolean done = FALSE;

  if (!veil_test_require_testdata ("clf/fixtures/pos_sexy_flat.png"))
    return;
  classifier = veil_nsfw_classifier_new (get_model (), NULL);
  path = veil_test_build_testdata ("clf/fixtures/pos_sexy_flat.png", NULL);
  image = veil_image_load_file (path, VEIL_IMAGE_NEED_CLASSIFIER, NULL, NULL, &error);
  g_assert_no_error (error);

  veil_classifier_classify_image_async (VEIL_CLASSIFIER (classifier), image, VEIL_CLASSIFY_FLAGS_HEATMAP,
                                        NULL, classified_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  done = TRUE;
  g_assert_true (done);
  g_assert_cmpstr (veil_classifier_result_get_class_name (result, veil_classifier_result_get_top_class (result)),
                   ==, "sexy");
  g_assert_true (veil_classifier_result_has_heatmap (result));
  g_assert_cmpstr (veil_classifier_result_get_model_sha256 (result), ==, veil_model_get_sha256 (get_model ()));
  veil_classifier_result_unref (result);
}

int
main (int   argc,
      char *argv[])
{
  const struct { const char *name; VeilNsfwKernelPath path; } paths[] = {
    { "portable", VEIL_NSFW_KERNELS_PORTABLE },
    { "avx2", VEIL_NSFW_KERNELS_AVX2 },
    { "avx512", VEIL_NSFW_KERNELS_AVX512 },
  };
  int ret;

  veil_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *p1 = g_strdup_printf ("/veil/classifier/parity/%s", paths[i].name);
      g_autofree char *p2 = g_strdup_printf ("/veil/classifier/parity-fixtures/%s", paths[i].name);

      g_test_add_data_func (p1, GINT_TO_POINTER (paths[i].path), test_parity);
      g_test_add_data_func (p2, GINT_TO_POINTER (paths[i].path), test_parity_fixtures);
    }
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *p3 = g_strdup_printf ("/veil/classifier/parity-capped/%s", paths[i].name);

      g_test_add_data_func (p3, paths[i].name, test_parity_capped);
    }
  g_test_add_func ("/veil/classifier/paths-agree", test_paths_agree);
  g_test_add_func ("/veil/classifier/fixture-files", test_fixture_files);
  g_test_add_func ("/veil/classifier/heatmap", test_heatmap);
  g_test_add_func ("/veil/classifier/heatmap-render", test_heatmap_render);
  g_test_add_func ("/veil/classifier/policy", test_policy);
  g_test_add_func ("/veil/classifier/threads", test_threads);
  g_test_add_func ("/veil/classifier/two-threads-per-image", test_two_threads_per_image);
  g_test_add_func ("/veil/classifier/bad-input", test_bad_input);
  g_test_add_func ("/veil/classifier/async", test_async);

  ret = g_test_run ();
  g_clear_object (&shared_model);
  return ret;
}
