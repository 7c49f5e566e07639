/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <immintrin.h>

/* Depthwise and direct convolutions on 8-float vectors, included (not compiled on its own)
 * after veil-nsfw-kernels-template.c by the AVX2 and the AVX-512 kernels, both built with
 * FMA. The template's loops keep one chain of dependent multiply-adds per block of channels
 * and recompute every tap's address; here, pixels whose whole 3 x 3 window lies inside the
 * picture (all but the border) go two at a time through fixed tap offsets, sharing each
 * weight load, and the direct convolution keeps every output channel of both pixels in
 * registers. Each output value still adds the same products in the same order (bias, then
 * taps in row order, each a fused multiply-add as the template's), so the results are the
 * template's to the bit, whatever the vector width. */

#define DW_LANES 8

static inline __m256
KFN (act_ymm_) (__m256 v,
                int    act)
{
  if (act != VEIL_NSFW_ACT_NONE)
    v = _mm256_max_ps (v, _mm256_setzero_ps ());
  if (act == VEIL_NSFW_ACT_RELU6)
    v = _mm256_min_ps (v, _mm256_set1_ps (6.0f));
  return v;
}


/* One pixel, any window and border: the template's sum for channels [0, c). */
static inline void
KFN (dw_pixel_) (const VeilNsfwConvArgs *a,
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
      _mm256_storeu_ps (o + c0, KFN (act_ymm_) (acc, a->act));
    }
}

/* Two pixels of row @oy, @ox and @ox + 1, both with their full 3 x 3 window inside. */
static inline void
KFN (dw_pair3_) (const VeilNsfwConvArgs *a,
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
      _mm256_storeu_ps (o + c0, KFN (act_ymm_) (acc0, a->act));
      _mm256_storeu_ps (o + c + c0, KFN (act_ymm_) (acc1, a->act));
    }
}

/* The first and one-past-last output column whose window lies wholly inside the row. */
static void
KFN (inner_columns_) (const VeilNsfwConvArgs *a,
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
KFN (row_inside_) (const VeilNsfwConvArgs *a,
            guint                   oy)
{
  int iy0 = (int) (oy * a->stride_h) - (int) a->pad_top;

  return iy0 >= 0 && iy0 + (int) a->kh <= (int) a->in_h;
}

static void
KFN (depthwise_ymm_) (const VeilNsfwConvArgs *a,
                     guint                   row0,
                     guint                   row1)
{
  guint first, end;

  if (a->kh != 3 || a->kw != 3 || a->c_out % DW_LANES != 0)
    {
      KFN (depthwise_) (a, row0, row1);
      return;
    }

  KFN (inner_columns_) (a, &first, &end);
  for (guint oy = row0; oy < row1; oy++)
    {
      guint ox = 0;

      if (KFN (row_inside_) (a, oy))
        {
          for (; ox < first; ox++)
            KFN (dw_pixel_) (a, oy, ox);
          for (; ox + 2 <= end; ox += 2)
            KFN (dw_pair3_) (a, oy, ox);
        }
      for (; ox < a->out_w; ox++)
        KFN (dw_pixel_) (a, oy, ox);
    }
}

/* The direct convolution with at most CONV_BLOCKS x 8 output channels (the stem: 32): one
 * pixel, any border. */
#define CONV_BLOCKS 4

static inline void
KFN (conv_pixel_) (const VeilNsfwConvArgs *a,
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
      _mm256_storeu_ps (o + b * DW_LANES, KFN (act_ymm_) (acc[b], a->act));
}

/* Two inner pixels, @ox and @ox + 1, of a row whose windows are wholly inside. */
static inline void
KFN (conv_pair_) (const VeilNsfwConvArgs *a,
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
        _mm256_storeu_ps (o + b * DW_LANES, KFN (act_ymm_) (acc0[b], a->act));
        _mm256_storeu_ps (o + co + b * DW_LANES, KFN (act_ymm_) (acc1[b], a->act));
      }
}

static void
KFN (conv_ymm_) (const VeilNsfwConvArgs *a,
                guint                   row0,
                guint                   row1)
{
  guint first, end;

  if (a->c_out % DW_LANES != 0 || a->c_out > CONV_BLOCKS * DW_LANES)
    {
      KFN (conv_) (a, row0, row1);
      return;
    }

  KFN (inner_columns_) (a, &first, &end);
  for (guint oy = row0; oy < row1; oy++)
    {
      guint ox = 0;

      if (KFN (row_inside_) (a, oy))
        {
          for (; ox < first; ox++)
            KFN (conv_pixel_) (a, oy, ox);
          for (; ox + 2 <= end; ox += 2)
            KFN (conv_pair_) (a, oy, ox);
        }
      for (; ox < a->out_w; ox++)
        KFN (conv_pixel_) (a, oy, ox);
    }
}
