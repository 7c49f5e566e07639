/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-nsfw-kernels"

#include "config.h"

#include <immintrin.h>

#define VEIL_KERNEL_LANES 16
#define VEIL_KERNEL_SUFFIX avx512
#include "veil-nsfw-kernels-template.c"
#include "veil-nsfw-kernels-ymm.c"

/* AVX-512 kernels (built with -mavx512f). The pointwise micro-kernel holds an 8 x 32 tile of
 * sums (two panels) in 16 of the 32 zmm registers; a last odd panel uses an 8 x 16 tile.
 * Partial panels are written with masked stores. */

#define MR 8

static inline __m512
activate_avx512_v (__m512 v,
                   int    act)
{
  if (act != VEIL_NSFW_ACT_NONE)
    v = _mm512_max_ps (v, _mm512_setzero_ps ());
  if (act == VEIL_NSFW_ACT_RELU6)
    v = _mm512_min_ps (v, _mm512_set1_ps (6.0f));
  return v;
}

static inline void
tile2_avx512 (const float *in,
              guint        m,
              guint        mr,
              guint        k,
              const float *b0,
              const float *b1,
              __m512       bias0,
              __m512       bias1,
              int          act,
              float       *out,
              guint        ldo,
              __mmask16    mask1)
{
  const float *a[MR];
  __m512 c0[MR], c1[MR];

#pragma GCC unroll 8
  for (guint r = 0; r < MR; r++)
    {
      a[r] = in + (gsize) (m + MIN (r, mr - 1)) * k;
      c0[r] = bias0;
      c1[r] = bias1;
    }

  for (guint kk = 0; kk < k; kk++, b0 += VEIL_NSFW_PANEL, b1 += VEIL_NSFW_PANEL)
    {
      __m512 w0 = _mm512_load_ps (b0);
      __m512 w1 = _mm512_load_ps (b1);

#pragma GCC unroll 8
      for (guint r = 0; r < MR; r++)
        {
          __m512 v = _mm512_set1_ps (a[r][kk]);

          c0[r] = _mm512_fmadd_ps (v, w0, c0[r]);
          c1[r] = _mm512_fmadd_ps (v, w1, c1[r]);
        }
    }

#pragma GCC unroll 8
  for (guint r = 0; r < MR; r++)
    if (r < mr)
      {
        _mm512_storeu_ps (out + (gsize) r * ldo, activate_avx512_v (c0[r], act));
        _mm512_mask_storeu_ps (out + (gsize) r * ldo + VEIL_NSFW_PANEL, mask1, activate_avx512_v (c1[r], act));
      }
}

static inline void
tile1_avx512 (const float *in,
              guint        m,
              guint        mr,
              guint        k,
              const float *b0,
              __m512       bias0,
              int          act,
              float       *out,
              guint        ldo,
              __mmask16    mask0)
{
  const float *a[MR];
  __m512 c0[MR];

#pragma GCC unroll 8
  for (guint r = 0; r < MR; r++)
    {
      a[r] = in + (gsize) (m + MIN (r, mr - 1)) * k;
      c0[r] = bias0;
    }

  for (guint kk = 0; kk < k; kk++, b0 += VEIL_NSFW_PANEL)
    {
      __m512 w0 = _mm512_load_ps (b0);

#pragma GCC unroll 8
      for (guint r = 0; r < MR; r++)
        c0[r] = _mm512_fmadd_ps (_mm512_set1_ps (a[r][kk]), w0, c0[r]);
    }

#pragma GCC unroll 8
  for (guint r = 0; r < MR; r++)
    if (r < mr)
      _mm512_mask_storeu_ps (out + (gsize) r * ldo, mask0, activate_avx512_v (c0[r], act));
}

static __m512
load_bias (const float *bias,
           guint        n0,
           guint        nb)
{
  return _mm512_maskz_loadu_ps ((__mmask16) ((1u << nb) - 1), bias + n0);
}

static void
pointwise_avx512 (const float *in,
                  guint        m0,
                  guint        m1,
                  guint        k,
                  const float *packed,
                  const float *bias,
                  guint        n,
                  int          act,
                  float       *out)
{
  guint panels = (n + VEIL_NSFW_PANEL - 1) / VEIL_NSFW_PANEL;
  guint block = MAX (MR, (64 * 1024 / (k * sizeof (float))) / MR * MR);

  for (guint mb = m0; mb < m1; mb += block)
    {
      guint mb_end = MIN (m1, mb + block);

      for (guint p = 0; p < panels; p += 2)
        {
          const float *b0 = packed + (gsize) p * k * VEIL_NSFW_PANEL;
          guint n0 = p * VEIL_NSFW_PANEL;
          guint nb0 = MIN (VEIL_NSFW_PANEL, n - n0);
          __m512 bias0 = load_bias (bias, n0, nb0);

          if (p + 1 < panels)
            {
              guint nb1 = MIN (VEIL_NSFW_PANEL, n - n0 - VEIL_NSFW_PANEL);
              __m512 bias1 = load_bias (bias, n0 + VEIL_NSFW_PANEL, nb1);
              __mmask16 mask1 = (__mmask16) ((1u << nb1) - 1);

              for (guint m = mb; m < mb_end; m += MR)
                tile2_avx512 (in, m, MIN (MR, mb_end - m), k, b0, b0 + (gsize) k * VEIL_NSFW_PANEL,
                              bias0, bias1, act, out + (gsize) m * n + n0, n, mask1);
            }
          else
            {
              __mmask16 mask0 = (__mmask16) ((1u << nb0) - 1);

              for (guint m = mb; m < mb_end; m += MR)
                tile1_avx512 (in, m, MIN (MR, mb_end - m), k, b0, bias0, act,
                              out + (gsize) m * n + n0, n, mask0);
            }
        }
    }
}

const VeilNsfwKernels veil_nsfw_kernels_avx512 = {
  .name = "avx512",
  .lanes = 16,
  .pointwise = pointwise_avx512,
  .conv = conv_ymm_avx512,
  .depthwise = depthwise_ymm_avx512,
  .add = add_avx512,
  .fma_burst = fma_burst_avx512,
};
