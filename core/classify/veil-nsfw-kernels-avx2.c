/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-nsfw-kernels"

#include "config.h"

#include <immintrin.h>

#define VEIL_KERNEL_LANES 8
#define VEIL_KERNEL_SUFFIX avx2
#include "veil-nsfw-kernels-template.c"

/* AVX2 + FMA kernels (built with -mavx2 -mfma). The pointwise micro-kernel keeps a 6 x 16
 * tile of sums in 12 of the 16 ymm registers: per step of k it loads two vectors of weights
 * and broadcasts six inputs, for twelve FMAs. */

#define MR 6

static inline __m256
act_ymm (__m256 v,
         int    act)
{
  if (act != VEIL_NSFW_ACT_NONE)
    v = _mm256_max_ps (v, _mm256_setzero_ps ());
  if (act == VEIL_NSFW_ACT_RELU6)
    v = _mm256_min_ps (v, _mm256_set1_ps (6.0f));
  return v;
}

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

/* Depthwise and direct convolutions for AVX2. The template's loops keep one chain of
 * dependent multiply-adds per block of channels and recompute every tap's address; here,
 * pixels whose whole 3 x 3 window lies inside the picture (all but the border) go two at a
 * time through fixed tap offsets, sharing each weight load, and the direct convolution keeps
 * every output channel of both pixels in registers. Each output value still adds the same
 * products in the same order (bias, then taps in row order), so results are unchanged. */

#define DW_LANES 8

/* One pixel, any window and border: the template's sum for channels [0, c). */
static inline void
dw_pixel_avx2 (const VeilNsfwConvArgs *a,
               guint                   oy,
               guint                   ox)
{
  const guint c = a->c_out;
  float *o = a->out + ((gsize) oy * a->out_w + ox) * c;
  int iy0 = (int) (oy * a->stride_h) - (int) a->pad_top;
  int ix0 = (int) (ox * a->stride_w) - (int) a->pad_left;
  guint ky0 = iy0 < 0 ? (guint) -iy0 : 0, kx0 = ix0 < 0 ? (guint) -ix0 : 0;
  guint ky1 = MIN (a->kh, (guint) ((int) a->in_h - iy0));
  guint kx1 = MIN (a->kw, (guint) ((int) a->in_w - ix0));

  for (guint c0 = 0; c0 < c; c0 += DW_LANES)
    {
      __m256 acc = _mm256_loadu_ps (a->bias + c0);

      for (guint ky = ky0; ky < ky1; ky++)
        for (guint kx = kx0; kx < kx1; kx++)
          {
            const float *px = a->in + ((gsize) (iy0 + (int) ky) * a->in_w + (guint) (ix0 + (int) kx)) * c;

            acc = _mm256_fmadd_ps (_mm256_loadu_ps (px + c0),
                                   _mm256_loadu_ps (a->weights + (gsize) (ky * a->kw + kx) * c + c0), acc);
          }
      _mm256_storeu_ps (o + c0, act_ymm (acc, a->act));
    }
}

/* Two pixels of row @oy, @ox and @ox + 1, both with their full 3 x 3 window inside. */
static inline void
dw_pair3_avx2 (const VeilNsfwConvArgs *a,
               guint                   oy,
               guint                   ox)
{
  const guint c = a->c_out;
  const gsize row = (gsize) a->in_w * c, step = (gsize) a->stride_w * c;
  const float *p0 = a->in + ((gsize) (oy * a->stride_h - a->pad_top) * a->in_w +
                             (ox * a->stride_w - a->pad_left)) * c;
  const float *p1 = p0 + step;
  float *o = a->out + ((gsize) oy * a->out_w + ox) * c;
  const gsize off[9] = { 0, c, 2 * c, row, row + c, row + 2 * c, 2 * row, 2 * row + c, 2 * row + 2 * c };

  for (guint c0 = 0; c0 < c; c0 += DW_LANES)
    {
      __m256 acc0 = _mm256_loadu_ps (a->bias + c0), acc1 = acc0;

#pragma GCC unroll 9
      for (guint t = 0; t < 9; t++)
        {
          __m256 w = _mm256_loadu_ps (a->weights + (gsize) t * c + c0);

          acc0 = _mm256_fmadd_ps (_mm256_loadu_ps (p0 + off[t] + c0), w, acc0);
          acc1 = _mm256_fmadd_ps (_mm256_loadu_ps (p1 + off[t] + c0), w, acc1);
        }
      _mm256_storeu_ps (o + c0, act_ymm (acc0, a->act));
      _mm256_storeu_ps (o + c + c0, act_ymm (acc1, a->act));
    }
}

/* The first and one-past-last output column whose window lies wholly inside the row. */
static void
inner_columns (const VeilNsfwConvArgs *a,
               guint                  *first,
               guint                  *end)
{
  guint x0 = (a->pad_left + a->stride_w - 1) / a->stride_w;
  guint x1 = a->in_w + a->pad_left >= a->kw
             ? (a->in_w + a->pad_left - a->kw) / a->stride_w + 1 : 0;

  *first = MIN (x0, a->out_w);
  *end = MAX (*first, MIN (x1, a->out_w));
}

static gboolean
row_inside (const VeilNsfwConvArgs *a,
            guint                   oy)
{
  int iy0 = (int) (oy * a->stride_h) - (int) a->pad_top;

  return iy0 >= 0 && iy0 + (int) a->kh <= (int) a->in_h;
}

static void
depthwise_fast_avx2 (const VeilNsfwConvArgs *a,
                     guint                   row0,
                     guint                   row1)
{
  guint first, end;

  if (a->kh != 3 || a->kw != 3 || a->c_out % DW_LANES != 0)
    {
      depthwise_avx2 (a, row0, row1);
      return;
    }

  inner_columns (a, &first, &end);
  for (guint oy = row0; oy < row1; oy++)
    {
      guint ox = 0;

      if (row_inside (a, oy))
        {
          for (; ox < first; ox++)
            dw_pixel_avx2 (a, oy, ox);
          for (; ox + 2 <= end; ox += 2)
            dw_pair3_avx2 (a, oy, ox);
        }
      for (; ox < a->out_w; ox++)
        dw_pixel_avx2 (a, oy, ox);
    }
}

/* The direct convolution with at most CONV_BLOCKS x 8 output channels (the stem: 32): one
 * pixel, any border. */
#define CONV_BLOCKS 4

static inline void
conv_pixel_avx2 (const VeilNsfwConvArgs *a,
                 guint                   oy,
                 guint                   ox)
{
  const guint co = a->c_out, ci = a->c_in, nb = co / DW_LANES;
  float *o = a->out + ((gsize) oy * a->out_w + ox) * co;
  int iy0 = (int) (oy * a->stride_h) - (int) a->pad_top;
  int ix0 = (int) (ox * a->stride_w) - (int) a->pad_left;
  guint ky0 = iy0 < 0 ? (guint) -iy0 : 0, kx0 = ix0 < 0 ? (guint) -ix0 : 0;
  guint ky1 = MIN (a->kh, (guint) ((int) a->in_h - iy0));
  guint kx1 = MIN (a->kw, (guint) ((int) a->in_w - ix0));
  __m256 acc[CONV_BLOCKS];

#pragma GCC unroll 4
  for (guint b = 0; b < CONV_BLOCKS; b++)
    acc[b] = b < nb ? _mm256_loadu_ps (a->bias + b * DW_LANES) : _mm256_setzero_ps ();

  for (guint ky = ky0; ky < ky1; ky++)
    for (guint kx = kx0; kx < kx1; kx++)
      {
        const float *px = a->in + ((gsize) (iy0 + (int) ky) * a->in_w + (guint) (ix0 + (int) kx)) * ci;
        const float *w = a->weights + ((gsize) (ky * a->kw + kx) * ci) * co;

        for (guint i = 0; i < ci; i++, w += co)
          {
            __m256 v = _mm256_broadcast_ss (px + i);

#pragma GCC unroll 4
            for (guint b = 0; b < CONV_BLOCKS; b++)
              if (b < nb)
                acc[b] = _mm256_fmadd_ps (v, _mm256_loadu_ps (w + b * DW_LANES), acc[b]);
          }
      }

#pragma GCC unroll 4
  for (guint b = 0; b < CONV_BLOCKS; b++)
    if (b < nb)
      _mm256_storeu_ps (o + b * DW_LANES, act_ymm (acc[b], a->act));
}

/* Two inner pixels, @ox and @ox + 1, of a row whose windows are wholly inside. */
static inline void
conv_pair_avx2 (const VeilNsfwConvArgs *a,
                guint                   oy,
                guint                   ox)
{
  const guint co = a->c_out, ci = a->c_in, nb = co / DW_LANES;
  const float *base = a->in + ((gsize) (oy * a->stride_h - a->pad_top) * a->in_w +
                               (ox * a->stride_w - a->pad_left)) * ci;
  const gsize step = (gsize) a->stride_w * ci;
  float *o = a->out + ((gsize) oy * a->out_w + ox) * co;
  __m256 acc0[CONV_BLOCKS], acc1[CONV_BLOCKS];

#pragma GCC unroll 4
  for (guint b = 0; b < CONV_BLOCKS; b++)
    acc0[b] = acc1[b] = b < nb ? _mm256_loadu_ps (a->bias + b * DW_LANES) : _mm256_setzero_ps ();

  for (guint ky = 0; ky < a->kh; ky++)
    for (guint kx = 0; kx < a->kw; kx++)
      {
        const float *px = base + ((gsize) ky * a->in_w + kx) * ci;
        const float *w = a->weights + ((gsize) (ky * a->kw + kx) * ci) * co;

        for (guint i = 0; i < ci; i++, w += co)
          {
            __m256 v0 = _mm256_broadcast_ss (px + i), v1 = _mm256_broadcast_ss (px + step + i);

#pragma GCC unroll 4
            for (guint b = 0; b < CONV_BLOCKS; b++)
              if (b < nb)
                {
                  __m256 wv = _mm256_loadu_ps (w + b * DW_LANES);

                  acc0[b] = _mm256_fmadd_ps (v0, wv, acc0[b]);
                  acc1[b] = _mm256_fmadd_ps (v1, wv, acc1[b]);
                }
          }
      }

#pragma GCC unroll 4
  for (guint b = 0; b < CONV_BLOCKS; b++)
    if (b < nb)
      {
        _mm256_storeu_ps (o + b * DW_LANES, act_ymm (acc0[b], a->act));
        _mm256_storeu_ps (o + co + b * DW_LANES, act_ymm (acc1[b], a->act));
      }
}

static void
conv_fast_avx2 (const VeilNsfwConvArgs *a,
                guint                   row0,
                guint                   row1)
{
  guint first, end;

  if (a->c_out % DW_LANES != 0 || a->c_out > CONV_BLOCKS * DW_LANES)
    {
      conv_avx2 (a, row0, row1);
      return;
    }

  inner_columns (a, &first, &end);
  for (guint oy = row0; oy < row1; oy++)
    {
      guint ox = 0;

      if (row_inside (a, oy))
        {
          for (; ox < first; ox++)
            conv_pixel_avx2 (a, oy, ox);
          for (; ox + 2 <= end; ox += 2)
            conv_pair_avx2 (a, oy, ox);
        }
      for (; ox < a->out_w; ox++)
        conv_pixel_avx2 (a, oy, ox);
    }
}

const VeilNsfwKernels veil_nsfw_kernels_avx2 = {
  .name = "avx2",
  .lanes = 8,
  .pointwise = pointwise_avx2,
  .conv = conv_fast_avx2,
  .depthwise = depthwise_fast_avx2,
  .add = add_avx2,
  .fma_burst = fma_burst_avx2,
};
