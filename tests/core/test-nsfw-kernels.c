/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "veil-nsfw-kernels-private.h"
#include "veil-test-utils.h"

/* Each kernel path against a plain double-precision reference, on shapes the model does not
 * have: channel counts that are not multiples of any vector width, partial row tiles, odd
 * image sizes, both paddings. The model's own shapes are covered by the parity tests. */

#define TOLERANCE 1e-5

static float *
random_floats (GRand *rand,
               gsize  n)
{
  float *v = g_aligned_alloc0 (MAX (n, 16), sizeof (float), 64);

  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  return v;
}

static double
activate (double v,
          int    act)
{
  if (act != VEIL_NSFW_ACT_NONE)
    v = MAX (v, 0.0);
  if (act == VEIL_NSFW_ACT_RELU6)
    v = MIN (v, 6.0);
  return v;
}

static void
assert_close (const float  *got,
              const double *want,
              gsize         n,
              const char   *what,
              const char   *path)
{
  for (gsize i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > TOLERANCE * MAX (1.0, fabs (want[i])))
      g_error ("%s (%s kernels): value %" G_GSIZE_FORMAT " is %.8f, expected %.8f", what, path, i,
               got[i], want[i]);
}

static void
check_pointwise (const VeilNsfwKernels *k,
                 GRand                 *rand,
                 guint                  m,
                 guint                  kk,
                 guint                  n,
                 int                    act)
{
  guint panels = (n + VEIL_NSFW_PANEL - 1) / VEIL_NSFW_PANEL;
  float *in = random_floats (rand, (gsize) m * kk);
  float *w = random_floats (rand, (gsize) kk * n);
  float *bias = random_floats (rand, n);
  float *packed = g_aligned_alloc0 ((gsize) panels * kk * VEIL_NSFW_PANEL, sizeof (float), 64);
  g_autofree float *out = g_new0 (float, (gsize) m * n + 1);
  g_autofree double *want = g_new0 (double, (gsize) m * n);

  for (guint i = 0; i < kk; i++)
    for (guint j = 0; j < n; j++)
      packed[((gsize) (j / VEIL_NSFW_PANEL) * kk + i) * VEIL_NSFW_PANEL + j % VEIL_NSFW_PANEL] = w[(gsize) i * n + j] * 3.0f;

  for (guint r = 0; r < m; r++)
    for (guint j = 0; j < n; j++)
      {
        double s = bias[j];

        for (guint i = 0; i < kk; i++)
          s += (double) in[(gsize) r * kk + i] * (w[(gsize) i * n + j] * 3.0f);
        want[(gsize) r * n + j] = activate (s, act);
      }

  /* A sentinel past the end: the kernels must not write beyond m x n. */
  out[(gsize) m * n] = 12345.0f;
  /* Two calls over split row ranges, as two threads do. */
  k->pointwise (in, 0, m / 3, kk, packed, bias, n, act, out);
  k->pointwise (in, m / 3, m, kk, packed, bias, n, act, out);
  assert_close (out, want, (gsize) m * n, "pointwise", k->name);
  g_assert_cmpfloat (out[(gsize) m * n], ==, 12345.0f);

  g_aligned_free (in);
  g_aligned_free (w);
  g_aligned_free (bias);
  g_aligned_free (packed);
}

static void
check_conv (const VeilNsfwKernels *k,
            GRand                 *rand,
            gboolean               depthwise,
            guint                  h,
            guint                  wd,
            guint                  cin,
            guint                  cout,
            guint                  stride,
            guint                  pad_top,
            guint                  pad_bottom,
            int                    act)
{
  const guint kh = 3, kw = 3;
  guint oh = (h + pad_top + pad_bottom - kh) / stride + 1;
  guint ow = (wd + pad_top + pad_bottom - kw) / stride + 1;
  gsize n_weights = depthwise ? (gsize) kh * kw * cout : (gsize) kh * kw * cin * cout;
  float *in = random_floats (rand, (gsize) h * wd * cin);
  float *w = random_floats (rand, n_weights);
  float *bias = random_floats (rand, cout);
  g_autofree float *out = g_new0 (float, (gsize) oh * ow * cout);
  g_autofree double *want = g_new0 (double, (gsize) oh * ow * cout);
  VeilNsfwConvArgs args = {
    .in = in, .in_h = h, .in_w = wd, .c_in = cin, .c_out = cout, .kh = kh, .kw = kw,
    .stride_h = stride, .stride_w = stride, .pad_top = pad_top, .pad_left = pad_top,
    .weights = w, .bias = bias, .act = act, .out = out, .out_h = oh, .out_w = ow,
  };

  for (guint oy = 0; oy < oh; oy++)
    for (guint ox = 0; ox < ow; ox++)
      for (guint co = 0; co < cout; co++)
        {
          double s = bias[co];

          for (guint ky = 0; ky < kh; ky++)
            for (guint kx = 0; kx < kw; kx++)
              {
                int iy = (int) (oy * stride + ky) - (int) pad_top;
                int ix = (int) (ox * stride + kx) - (int) pad_top;

                if (iy < 0 || ix < 0 || iy >= (int) h || ix >= (int) wd)
                  continue;
                if (depthwise)
                  s += (double) in[((gsize) iy * wd + ix) * cin + co] * w[(ky * kw + kx) * cout + co];
                else
                  for (guint ci = 0; ci < cin; ci++)
                    s += (double) in[((gsize) iy * wd + ix) * cin + ci] * w[((gsize) (ky * kw + kx) * cin + ci) * cout + co];
              }
          want[((gsize) oy * ow + ox) * cout + co] = activate (s, act);
        }

  if (depthwise)
    {
      k->depthwise (&args, 0, oh / 2);
      k->depthwise (&args, oh / 2, oh);
    }
  else
    {
      k->conv (&args, 0, oh / 2);
      k->conv (&args, oh / 2, oh);
    }
  assert_close (out, want, (gsize) oh * ow * cout, depthwise ? "depthwise" : "conv", k->name);

  g_aligned_free (in);
  g_aligned_free (w);
  g_aligned_free (bias);
}

static void
test_kernels (gconstpointer data)
{
  VeilNsfwKernelPath path = GPOINTER_TO_INT (data);
  const VeilNsfwKernels *k = veil_nsfw_kernels_select (path);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242 + path);

  if (k == NULL)
    {
      g_test_skip ("this CPU cannot run these kernels");
      return;
    }

  check_pointwise (k, rand, 13, 7, 37, VEIL_NSFW_ACT_RELU6);
  check_pointwise (k, rand, 1, 1, 1, VEIL_NSFW_ACT_NONE);
  check_pointwise (k, rand, 50, 33, 48, VEIL_NSFW_ACT_RELU);
  check_pointwise (k, rand, 9, 300, 17, VEIL_NSFW_ACT_NONE);

  check_conv (k, rand, TRUE, 9, 11, 21, 21, 1, 1, 1, VEIL_NSFW_ACT_RELU6);
  check_conv (k, rand, TRUE, 10, 10, 37, 37, 2, 0, 1, VEIL_NSFW_ACT_NONE);
  check_conv (k, rand, TRUE, 5, 5, 3, 3, 1, 1, 1, VEIL_NSFW_ACT_RELU);
  check_conv (k, rand, FALSE, 9, 9, 3, 19, 2, 0, 1, VEIL_NSFW_ACT_RELU6);
  check_conv (k, rand, FALSE, 8, 7, 5, 32, 1, 1, 1, VEIL_NSFW_ACT_NONE);

  {
    float *a = random_floats (rand, 37), *b = random_floats (rand, 37);
    float out[37];
    double want[37];

    for (guint i = 0; i < 37; i++)
      want[i] = (double) a[i] + b[i];
    k->add (a, b, out, 37);
    assert_close (out, want, 37, "add", k->name);
    g_aligned_free (a);
    g_aligned_free (b);
  }
}

static void
test_select (void)
{
  const VeilNsfwKernels *best;

  g_unsetenv (VEIL_KERNELS_ENV);
  best = veil_nsfw_kernels_select (VEIL_NSFW_KERNELS_AUTO);

  g_assert_nonnull (best);
  g_assert_nonnull (veil_nsfw_kernels_select (VEIL_NSFW_KERNELS_PORTABLE));
  g_assert_cmpstr (veil_nsfw_kernels_select (VEIL_NSFW_KERNELS_PORTABLE)->name, ==, "portable");
  if (veil_nsfw_kernels_supported (VEIL_NSFW_KERNELS_AVX512))
    g_assert_cmpstr (best->name, ==, "avx512");
  else if (veil_nsfw_kernels_supported (VEIL_NSFW_KERNELS_AVX2))
    g_assert_cmpstr (best->name, ==, "avx2");
  else
    g_assert_cmpstr (best->name, ==, "portable");
  g_test_message ("this CPU runs the %s kernels", best->name);
}

/* VEIL_KERNELS caps what AUTO picks, so a machine with AVX-512 measures and tests the AVX2
 * path that most families' computers run; a path the CPU lacks is never picked. */
static void
test_select_capped (void)
{
  const struct { const char *cap; VeilNsfwKernelPath path; } caps[] = {
    { "portable", VEIL_NSFW_KERNELS_PORTABLE },
    { "avx2", VEIL_NSFW_KERNELS_AVX2 },
    { "avx512", VEIL_NSFW_KERNELS_AVX512 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (caps); i++)
    {
      const VeilNsfwKernels *picked;
      const char *want = "portable";

      g_setenv (VEIL_KERNELS_ENV, caps[i].cap, TRUE);
      picked = veil_nsfw_kernels_select (VEIL_NSFW_KERNELS_AUTO);
      for (VeilNsfwKernelPath p = caps[i].path; p > VEIL_NSFW_KERNELS_PORTABLE; p--)
        if (veil_nsfw_kernels_supported (p))
          {
            want = p == VEIL_NSFW_KERNELS_AVX512 ? "avx512" : "avx2";
            break;
          }
      g_assert_nonnull (picked);
      g_assert_cmpstr (picked->name, ==, want);
    }
  g_unsetenv (VEIL_KERNELS_ENV);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/nsfw-kernels/select", test_select);
  g_test_add_func ("/veil/nsfw-kernels/select-capped", test_select_capped);
  g_test_add_data_func ("/veil/nsfw-kernels/portable", GINT_TO_POINTER (VEIL_NSFW_KERNELS_PORTABLE), test_kernels);
  g_test_add_data_func ("/veil/nsfw-kernels/avx2", GINT_TO_POINTER (VEIL_NSFW_KERNELS_AVX2), test_kernels);
  g_test_add_data_func ("/veil/nsfw-kernels/avx512", GINT_TO_POINTER (VEIL_NSFW_KERNELS_AVX512), test_kernels);

  return g_test_run ();
}
