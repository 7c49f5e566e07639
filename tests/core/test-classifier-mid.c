/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "veil-nsfw-classifier-private.h"
#include "veil-test-utils.h"
#include "test-classifier-parity.h"

/* The second model, nsfwjs 4.4.0's MobileNetV2Mid (a TF.js graph model), in Veil's engine:
 * against TF.js 4.22.0 (cpu backend) with the same gate as the first model, probabilities
 * within 1e-5 and logits within 1e-4 and the same top class, on every kernel path. The
 * references are in tests/data/clf-mid (made by tools/nsfw-mid-reference.mjs, see the
 * README there); the inputs are the shared ../shared/testdata/clf ones. */

#define PROB_TOLERANCE  1e-5
#define LOGIT_TOLERANCE 1e-4

static VeilModel *mid_model;

/* The model is a build artefact: without it these tests fail (CI always builds it). */
static VeilModel *
get_mid_model (void)
{
  g_autoptr(GError) error = NULL;

  if (mid_model != NULL)
    return mid_model;
  mid_model = veil_model_load_kind (VEIL_MODEL_KIND_MOBILENET_V2_MID, &error);
  if (mid_model == NULL)
    g_error ("second model not available: %s (run tools/fetch-model.sh, then meson setup --reconfigure and rebuild)",
             error->message);
  return mid_model;
}

/* A reference file of this folder: "#" comments, then name and five values per line. */
static GPtrArray *
read_expected (const char *file)
{
  g_autofree char *path = g_build_filename (VEIL_TEST_SRCDIR, "data", "clf-mid", file, NULL);

  return parity_read_expected (path);
}

static VeilClassifierResult *
classify_file (VeilNsfwClassifier *classifier,
               const char         *dir,
               const char         *file,
               VeilClassifyFlags   flags)
{
  g_autofree char *path = veil_test_build_testdata (dir, file, NULL);
  g_autofree guint8 *rgb = NULL;
  g_autoptr(GError) error = NULL;
  VeilClassifierResult *result;
  guint w, h;

  rgb = parity_read_rgb (path, &w, &h);
  result = veil_classifier_classify_rgb (VEIL_CLASSIFIER (classifier), rgb, w, h, (gsize) w * 3,
                                         flags, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (veil_classifier_result_get_n_classes (result), ==, N_CLASSES);
  return result;
}

/* Classifies every input of @probs once and fails at once past the gate: probabilities, the
 * top class and, when @logits is given (same rows), the logits. Returns the largest
 * differences seen. */
static void
compare (VeilNsfwClassifier *classifier,
         const char         *dir,
         GPtrArray          *probs,
         GPtrArray          *logits,
         gboolean            png_names,
         double             *max_dp,
         double             *max_dl)
{
  *max_dp = *max_dl = 0.0;
  for (guint i = 0; i < probs->len; i++)
    {
      Expected *e = probs->pdata[i];
      Expected *l = logits != NULL ? logits->pdata[i] : NULL;
      g_autofree char *stem = png_names ? g_strndup (e->name, strlen (e->name) - 4) : g_strdup (e->name);
      g_autofree char *file = png_names ? g_strconcat (stem, ".rgb", NULL) : g_strdup (e->name);
      g_autoptr(VeilClassifierResult) result = classify_file (classifier, dir, file, VEIL_CLASSIFY_FLAGS_NONE);

      for (guint c = 0; c < N_CLASSES; c++)
        {
          double p = veil_classifier_result_get_probability (result, c);

          *max_dp = MAX (*max_dp, fabs (p - e->values[c]));
          if (fabs (p - e->values[c]) > PROB_TOLERANCE)
            g_error ("%s: p[%u] = %.8f, expected %.6f (kernels %s)", e->name, c, p, e->values[c],
                     _veil_nsfw_classifier_get_kernels_name (classifier));
        }
      g_assert_cmpuint (veil_classifier_result_get_top_class (result), ==, parity_argmax (e->values));
      if (l == NULL)
        continue;

      g_assert_cmpstr (l->name, ==, e->name);
      for (guint c = 0; c < N_CLASSES; c++)
        {
          double z = veil_classifier_result_get_logit (result, c);

          *max_dl = MAX (*max_dl, fabs (z - l->values[c]));
          if (fabs (z - l->values[c]) > LOGIT_TOLERANCE)
            g_error ("%s: logit[%u] = %.8f, expected %.6f (kernels %s)", e->name, c, z, l->values[c],
                     _veil_nsfw_classifier_get_kernels_name (classifier));
        }
    }
}

/* The shared inputs (probabilities and logits) and, unless @inputs_only, the fixtures. */
static void
check_parity (VeilNsfwKernelPath path,
              gboolean           inputs_only)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(GPtrArray) probs = NULL;
  g_autoptr(GPtrArray) logits = NULL;
  g_autoptr(GPtrArray) fixtures = NULL;
  double dp, dl, df = 0.0, unused;

  if (!veil_test_require_testdata ("clf/inputs") || !veil_test_require_testdata ("clf/fixtures"))
    return;
  classifier = parity_make_classifier (get_mid_model, path);
  if (classifier == NULL)
    {
      g_test_skip ("this CPU cannot run these kernels");
      return;
    }

  probs = read_expected ("expected.tsv");
  logits = read_expected ("expected-logits.tsv");
  g_assert_cmpuint (logits->len, ==, probs->len);
  compare (classifier, "clf/inputs", probs, logits, FALSE, &dp, &dl);
  if (!inputs_only)
    {
      fixtures = read_expected ("fixtures-expected.tsv");
      compare (classifier, "clf/fixtures", fixtures, NULL, TRUE, &df, &unused);
    }
  g_test_message ("%s kernels: %u inputs max |dp| = %.3g, max |dlogit| = %.3g; %u fixtures max |dp| = %.3g",
                  _veil_nsfw_classifier_get_kernels_name (classifier), probs->len, dp, dl,
                  fixtures != NULL ? fixtures->len : 0, df);
}

static void
test_parity (gconstpointer data)
{
  check_parity (GPOINTER_TO_INT (data), FALSE);
}

/* The path a running Veil takes (AUTO) with VEIL_KERNELS capping it to each path in turn
 * (the inputs only: the fixtures ran on each path above). */
static void
test_parity_capped (gconstpointer data)
{
  parity_cap_kernels (get_mid_model, data);
  check_parity (VEIL_NSFW_KERNELS_AUTO, TRUE);
  g_unsetenv (VEIL_KERNELS_ENV);
}

/* What the file holds: the graph's input scaling first, a 1792-wide pooled feature vector and
 * one dense layer with softmax at the end; and the kind Veil reads off its name. */
static void
test_model (void)
{
  VeilModel *model = get_mid_model ();
  const VeilModelOp *ops;
  guint n_ops, w, h, c;

  g_assert_cmpint (veil_model_get_kind (model), ==, VEIL_MODEL_KIND_MOBILENET_V2_MID);
  g_assert_cmpstr (veil_model_get_name (model), ==, "nsfwjs-mobilenet_v2_mid");
  g_assert_cmpstr (veil_model_get_version (model), ==, "4.4.0");
  g_assert_cmpuint (veil_model_get_n_classes (model), ==, N_CLASSES);
  veil_model_get_input_size (model, &w, &h, &c);
  g_assert_cmpuint (w, ==, 224);
  g_assert_cmpuint (h, ==, 224);
  g_assert_cmpuint (c, ==, 3);

  ops = _veil_model_get_ops (model, &n_ops);
  g_assert_cmpuint (n_ops, ==, 65);
  g_assert_cmpint (ops[0].type, ==, VEIL_MODEL_OP_SCALE_SHIFT);
  g_assert_cmpint (ops[0].input[0], ==, VEIL_MODEL_INPUT);
  g_assert_cmpfloat (_veil_model_tensor_value (_veil_model_get_tensor (model, ops[0].kernel), 0), ==, 2.0);
  g_assert_cmpfloat (_veil_model_tensor_value (_veil_model_get_tensor (model, ops[0].bias), 0), ==, 1.0);
  g_assert_cmpint (ops[1].type, ==, VEIL_MODEL_OP_CONV);
  g_assert_cmpuint (ops[1].out_c, ==, 48);
  g_assert_cmpint (ops[n_ops - 2].type, ==, VEIL_MODEL_OP_GAP);
  g_assert_cmpuint (ops[n_ops - 2].out_c, ==, 1792);
  g_assert_cmpint (ops[n_ops - 1].type, ==, VEIL_MODEL_OP_DENSE);
  g_assert_cmpint (ops[n_ops - 1].act, ==, VEIL_MODEL_ACT_SOFTMAX);
}

/* The API a second opinion uses: each kind loads its own model, and asking for one kind never
 * gives the other. */
static void
test_kinds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilNsfwClassifier) first = veil_nsfw_classifier_new_for_kind (VEIL_MODEL_KIND_MOBILENET_V2, &error);
  g_autoptr(VeilNsfwClassifier) second = NULL;
  g_autofree char *first_path = veil_model_get_path_for_kind (VEIL_MODEL_KIND_MOBILENET_V2);
  g_autofree char *mid_path = veil_model_get_path_for_kind (VEIL_MODEL_KIND_MOBILENET_V2_MID);
  g_autoptr(VeilModel) wrong = NULL;

  g_assert_no_error (error);
  second = veil_nsfw_classifier_new_for_kind (VEIL_MODEL_KIND_MOBILENET_V2_MID, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_model_get_kind (veil_nsfw_classifier_get_model (first)), ==, VEIL_MODEL_KIND_MOBILENET_V2);
  g_assert_cmpint (veil_model_get_kind (veil_nsfw_classifier_get_model (second)), ==, VEIL_MODEL_KIND_MOBILENET_V2_MID);
  g_assert_cmpstr (veil_model_get_sha256 (veil_nsfw_classifier_get_model (second)), ==,
                   veil_model_get_sha256 (get_mid_model ()));
  g_assert_cmpstr (veil_model_get_sha256 (veil_nsfw_classifier_get_model (first)), !=,
                   veil_model_get_sha256 (get_mid_model ()));

  /* The second model's file where the first is looked for: refused. */
  g_setenv ("VEIL_MODEL_PATH", mid_path, TRUE);
  wrong = veil_model_load_kind (VEIL_MODEL_KIND_MOBILENET_V2, &error);
  g_assert_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_MAGIC);
  g_assert_null (wrong);
  g_setenv ("VEIL_MODEL_PATH", first_path, TRUE);
}

/* The Mid head is GAP then one dense layer, so the class-activation map is exact: its mean
 * plus the bias is the logit, and scores do not change when maps are asked for. */
static void
test_heatmap (void)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilClassifierResult) plain = NULL;
  g_autoptr(VeilClassifierResult) result = NULL;

  if (!veil_test_require_testdata ("clf/fixtures"))
    return;
  classifier = veil_nsfw_classifier_new (get_mid_model (), NULL);
  plain = classify_file (classifier, "clf/fixtures", "pos_porn_circles.rgb", VEIL_CLASSIFY_FLAGS_NONE);
  result = classify_file (classifier, "clf/fixtures", "pos_porn_circles.rgb", VEIL_CLASSIFY_FLAGS_HEATMAP);
  g_assert_true (veil_classifier_result_has_heatmap (result));
  for (guint c = 0; c < N_CLASSES; c++)
    {
      guint mw = 0, mh = 0;
      const float *map = veil_classifier_result_get_heatmap (result, c, &mw, &mh);
      double mean = 0.0;

      g_assert_cmpuint (mw, ==, 7);
      g_assert_cmpuint (mh, ==, 7);
      for (guint i = 0; i < mw * mh; i++)
        mean += map[i];
      mean /= mw * mh;
      g_assert_cmpfloat_with_epsilon (mean + veil_classifier_result_get_heatmap_bias (result, c),
                                      veil_classifier_result_get_logit (result, c), 1e-4);
      g_assert_cmpfloat (veil_classifier_result_get_logit (result, c), ==,
                         veil_classifier_result_get_logit (plain, c));
    }
}

/* Op 0 of the Mid file (the input scaling) with one field changed, re-signed: the loader must
 * refuse it as a graph it cannot run. */
static void
assert_scale_shift_rejected (guint offset,
                             gint32 value)
{
  g_autofree char *path = veil_model_get_path_for_kind (VEIL_MODEL_KIND_MOBILENET_V2_MID);
  g_autofree guint8 *data = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint64 op_off;
  gsize len = 0, digest_len = 32;
  guint32 le = GUINT32_TO_LE ((guint32) value);

  g_file_get_contents (path, (char **) &data, &len, &error);
  g_assert_no_error (error);
  memcpy (&op_off, data + 48, sizeof op_off);
  op_off = GUINT64_FROM_LE (op_off);
  memcpy (data + op_off + offset, &le, sizeof le);
  g_checksum_update (checksum, data + 160, len - 160);
  g_checksum_get_digest (checksum, data + 128, &digest_len);

  bytes = g_bytes_new (data, len);
  model = veil_model_new_from_bytes (bytes, &error);
  g_assert_null (model);
  g_assert_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_GRAPH);
  g_test_message ("refused: %s", error->message);
}

static void
test_bad_scale_shift (void)
{
  const VeilModelOp *ops;
  guint n_ops;

  ops = _veil_model_get_ops (get_mid_model (), &n_ops);
  assert_scale_shift_rejected (4, VEIL_MODEL_ACT_RELU6);        /* an activation */
  assert_scale_shift_rejected (48, 4);                          /* a channel count change */
  assert_scale_shift_rejected (52, ops[1].kernel);              /* a 3x3x3x48 factor */
  assert_scale_shift_rejected (56, ops[1].bias);                /* a 48-value term */
  assert_scale_shift_rejected (60, ops[1].bias);                /* a batch norm */
  assert_scale_shift_rejected (12, VEIL_MODEL_INPUT);           /* a second input */
}

/* Two threads on one image give bit-identical scores to one, the scaling step included. */
static void
test_two_threads (void)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilClassifierResult) one = NULL;
  g_autoptr(VeilClassifierResult) two = NULL;

  if (!veil_test_require_testdata ("clf/inputs"))
    return;
  classifier = veil_nsfw_classifier_new (get_mid_model (), NULL);
  one = classify_file (classifier, "clf/inputs", "12_bridge.640x402.rgb", VEIL_CLASSIFY_FLAGS_NONE);
  veil_nsfw_classifier_set_threads (classifier, 2);
  two = classify_file (classifier, "clf/inputs", "12_bridge.640x402.rgb", VEIL_CLASSIFY_FLAGS_NONE);
  for (guint c = 0; c < N_CLASSES; c++)
    g_assert_cmpfloat (veil_classifier_result_get_logit (one, c), ==, veil_classifier_result_get_logit (two, c));
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

  g_test_add_func ("/veil/classifier-mid/model", test_model);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *p1 = g_strdup_printf ("/veil/classifier-mid/parity/%s", paths[i].name);
      g_autofree char *p2 = g_strdup_printf ("/veil/classifier-mid/parity-capped/%s", paths[i].name);

      g_test_add_data_func (p1, GINT_TO_POINTER (paths[i].path), test_parity);
      g_test_add_data_func (p2, paths[i].name, test_parity_capped);
    }
  g_test_add_func ("/veil/classifier-mid/kinds", test_kinds);
  g_test_add_func ("/veil/classifier-mid/bad-scale-shift", test_bad_scale_shift);
  g_test_add_func ("/veil/classifier-mid/heatmap", test_heatmap);
  g_test_add_func ("/veil/classifier-mid/two-threads", test_two_threads);

  ret = g_test_run ();
  g_clear_object (&mid_model);
  return ret;
}
