/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-nsfw-kernels"

#include "config.h"

#include <immintrin.h>

#define VEIL_KERNEL_LANES 8
#define VEIL_KERNEL_SUFFIX avx2
#include "veil-nsfw-kernels-template.c"
#include "veil-nsfw-kernels-ymm.c"

/* AVX2 + FMA kernels (built with -mavx2 -mfma). The pointwise micro-kernel keeps a 6 x 16
 * tile of sums in 12 of the 16 ymm registers: per step of k it loads two vectors of weights
 * and broadcasts six inputs, for twelve FMAs. */

#define MR 6


static inline void
tile_avx2 (const float *in,
           guint        m,
           guint        mr,
           guint        k,
           const float *b,
           __m256       bias0,
           __m256       bias1,
           int          act,
           float       *out,
           guint        ldo,
           guint        nb)
{
  const float *a[MR];
  __m256 c0[MR], c1[MR];

#pragma GCC unroll 8
  for (guint r = 0; r < MR; r++)
    {
      a[r] = in + (gsize) (m + MIN (r, mr - 1)) * k;
      c0[r] = bias0;
      c1[r] = bias1;
    }

  for (guint kk = 0; kk < k; kk++, b += VEIL_NSFW_PANEL)
    {
      __m256 w0 = _mm256_load_ps (b);
      __m256 w1 = _mm256_load_ps (b + 8);

#pragma GCC unroll 8
      for (guint r = 0; r < MR; r++)
        {
          __m256 v = _mm256_broadcast_ss (a[r] + kk);

          c0[r] = _mm256_fmadd_ps (v, w0, c0[r]);
          c1[r] = _mm256_fmadd_ps (v, w1, c1[r]);
        }
    }

  if (act != VEIL_NSFW_ACT_NONE)
    {
      __m256 zero = _mm256_setzero_ps (), six = _mm256_set1_ps (6.0f);

#pragma GCC unroll 8
      for (guint r = 0; r < MR; r++)
        {
          c0[r] = _mm256_max_ps (c0[r], zero);
          c1[r] = _mm256_max_ps (c1[r], zero);
          if (act == VEIL_NSFW_ACT_RELU6)
            {
              c0[r] = _mm256_min_ps (c0[r], six);
              c1[r] = _mm256_min_ps (c1[r], six);
            }
        }
    }

  /* Unrolled with a test per row rather than a loop to mr: indexing the sums with a run-time
   * bound would make the compiler keep them in memory during the k loop. */
  if (nb == VEIL_NSFW_PANEL)
    {
#pragma GCC unroll 8
      for (guint r = 0; r < MR; r++)
        if (r < mr)
          {
            _mm256_storeu_ps (out + (gsize) r * ldo, c0[r]);
            _mm256_storeu_ps (out + (gsize) r * ldo + 8, c1[r]);
          }
    }
  else
    {
      __m256i lane = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
      __m256i m0 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) nb), lane);
      __m256i m1 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) nb - 8), lane);

#pragma GCC unroll 8
      for (guint r = 0; r < MR; r++)
        if (r < mr)
          {
            _mm256_maskstore_ps (out + (gsize) r * ldo, m0, c0[r]);
            _mm256_maskstore_ps (out + (gsize) r * ldo + 8, m1, c1[r]);
          }
    }
}

static void
pointwise_avx2 (const float *in,
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
  /* Rows per block: enough that the block of inputs stays in L2 while every panel of
   * weights streams past it. */
  guint block = MAX (MR, (64 * 1024 / (k * sizeof (float))) / MR * MR);

  for (guint mb = m0; mb < m1; mb += block)
    {
      guint mb_end = MIN (m1, mb + block);

      for (guint p = 0; p < panels; p++)
        {
          const float *b = packed + (gsize) p * k * VEIL_NSFW_PANEL;
          guint n0 = p * VEIL_NSFW_PANEL, nb = MIN (VEIL_NSFW_PANEL, n - n0);
          float bias_pad[VEIL_NSFW_PANEL] = { 0 };
          __m256 bias0, bias1;

          memcpy (bias_pad, bias + n0, nb * sizeof (float));
          bias0 = _mm256_loadu_ps (bias_pad);
          bias1 = _mm256_loadu_ps (bias_pad + 8);

          for (guint m = mb; m < mb_end; m += MR)
            tile_avx2 (in, m, MIN (MR, mb_end - m), k, b, bias0, bias1, act,
                       out + (gsize) m * n + n0, n, nb);
        }
    }
}

const VeilNsfwKernels veil_nsfw_kernels_avx2 = {
  .name = "avx2",
  .lanes = 8,
  .pointwise = pointwise_avx2,
  .conv = conv_ymm_avx2,
  .depthwise = depthwise_ymm_avx2,
  .add = add_avx2,
  .fma_burst = fma_burst_avx2,
};
