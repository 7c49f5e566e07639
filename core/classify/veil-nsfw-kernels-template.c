/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Kernels written as plain loops over channels, included (not compiled on its own) by each
 * veil-nsfw-kernels-<isa>.c after it defines VEIL_KERNEL_SUFFIX. Those files are built with
 * -O3 and their own -m flags, so the same loops become SSE2, AVX2 or AVX-512 code; the
 * innermost loops run over a fixed block of channels so that the compiler keeps the sums in
 * registers. */

#include <string.h>

#include "veil-nsfw-kernels-private.h"

#define KFN(name) G_PASTE (name, VEIL_KERNEL_SUFFIX)

/* A block of channels as one value, with GCC/Clang vector extensions: the includer sets
 * VEIL_KERNEL_LANES to its register width (16 for AVX-512, 8 for AVX2, 4 for SSE2) so each
 * value is one native register. Loads and stores go through memcpy, which compiles to one
 * unaligned move. */
#define CB VEIL_KERNEL_LANES
typedef float KFN (vf_) __attribute__ ((vector_size (CB * sizeof (float))));
typedef gint32 KFN (vi_) __attribute__ ((vector_size (CB * sizeof (float))));
#define VF KFN (vf_)
#define VI KFN (vi_)

static inline VF
KFN (load_) (const float *p)
{
  VF v;

  memcpy (&v, p, sizeof v);
  return v;
}

static inline void
KFN (store_) (float *p,
              VF     v)
{
  memcpy (p, &v, sizeof v);
}

static inline VF
KFN (splat_) (float x)
{
  VF v = { 0 };

  return v + x;
}

static inline VF
KFN (activate_v_) (VF  v,
                   int act)
{
  if (act != VEIL_NSFW_ACT_NONE)
    {
      VF zero = { 0 };

      v = (VF) ((VI) v & (v > zero));
    }
  if (act == VEIL_NSFW_ACT_RELU6)
    {
      VF six = KFN (splat_) (6.0f);
      VI below = v < six;

      v = (VF) (((VI) v & below) | ((VI) six & ~below));
    }
  return v;
}

static inline float
KFN (activate_) (float v,
                 int   act)
{
  if (act == VEIL_NSFW_ACT_RELU)
    return v > 0.0f ? v : 0.0f;
  if (act == VEIL_NSFW_ACT_RELU6)
    return v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f;
  return v;
}

/* Direct convolution (the stem: 3x3, 3 input channels). Vectorised over output channels. */
static void
KFN (conv_) (const VeilNsfwConvArgs *a,
             guint                   row0,
             guint                   row1)
{
  const guint co = a->c_out, ci = a->c_in;

  for (guint oy = row0; oy < row1; oy++)
    for (guint ox = 0; ox < a->out_w; ox++)
      {
        float *o = a->out + ((gsize) oy * a->out_w + ox) * co;
        int iy0 = (int) (oy * a->stride_h) - (int) a->pad_top;
        int ix0 = (int) (ox * a->stride_w) - (int) a->pad_left;
        guint ky0 = iy0 < 0 ? (guint) -iy0 : 0, kx0 = ix0 < 0 ? (guint) -ix0 : 0;
        guint ky1 = MIN (a->kh, (guint) ((int) a->in_h - iy0));
        guint kx1 = MIN (a->kw, (guint) ((int) a->in_w - ix0));
        guint c0 = 0;

        for (; c0 + CB <= co; c0 += CB)
          {
            VF acc = KFN (load_) (a->bias + c0);

            for (guint ky = ky0; ky < ky1; ky++)
              for (guint kx = kx0; kx < kx1; kx++)
                {
                  const float *px = a->in + ((gsize) (iy0 + (int) ky) * a->in_w + (guint) (ix0 + (int) kx)) * ci;
                  const float *w = a->weights + ((gsize) (ky * a->kw + kx) * ci) * co + c0;

                  for (guint i = 0; i < ci; i++, w += co)
                    acc += KFN (splat_) (px[i]) * KFN (load_) (w);
                }
            KFN (store_) (o + c0, KFN (activate_v_) (acc, a->act));
          }

        /* Channels past the last full block, one at a time. */
        for (; c0 < co; c0++)
          {
            float acc = a->bias[c0];

            for (guint ky = ky0; ky < ky1; ky++)
              for (guint kx = kx0; kx < kx1; kx++)
                {
                  const float *px = a->in + ((gsize) (iy0 + (int) ky) * a->in_w + (guint) (ix0 + (int) kx)) * ci;
                  const float *w = a->weights + ((gsize) (ky * a->kw + kx) * ci) * co + c0;

                  for (guint i = 0; i < ci; i++, w += co)
                    acc += px[i] * *w;
                }
            o[c0] = KFN (activate_) (acc, a->act);
          }
#undef DW_TAP
      }
}

/* Depthwise convolution, vectorised over channels. Taps that fall in the zero padding are
 * skipped, which is the same as adding zero. */
static void
KFN (depthwise_) (const VeilNsfwConvArgs *a,
                  guint                   row0,
                  guint                   row1)
{
  const guint c = a->c_out;

  for (guint oy = row0; oy < row1; oy++)
    for (guint ox = 0; ox < a->out_w; ox++)
      {
        float *o = a->out + ((gsize) oy * a->out_w + ox) * c;
        int iy0 = (int) (oy * a->stride_h) - (int) a->pad_top;
        int ix0 = (int) (ox * a->stride_w) - (int) a->pad_left;
        guint ky0 = iy0 < 0 ? (guint) -iy0 : 0, kx0 = ix0 < 0 ? (guint) -ix0 : 0;
        guint ky1 = MIN (a->kh, (guint) ((int) a->in_h - iy0));
        guint kx1 = MIN (a->kw, (guint) ((int) a->in_w - ix0));
        guint c0 = 0;

#define DW_TAP(ky, kx) (a->in + ((gsize) (iy0 + (int) (ky)) * a->in_w + (guint) (ix0 + (int) (kx))) * c)

        for (; c0 + CB <= c; c0 += CB)
          {
            VF acc = KFN (load_) (a->bias + c0);

            for (guint ky = ky0; ky < ky1; ky++)
              for (guint kx = kx0; kx < kx1; kx++)
                acc += KFN (load_) (DW_TAP (ky, kx) + c0) *
                       KFN (load_) (a->weights + (gsize) (ky * a->kw + kx) * c + c0);
            KFN (store_) (o + c0, KFN (activate_v_) (acc, a->act));
          }

        for (; c0 < c; c0++)
          {
            float acc = a->bias[c0];

            for (guint ky = ky0; ky < ky1; ky++)
              for (guint kx = kx0; kx < kx1; kx++)
                acc += DW_TAP (ky, kx)[c0] * a->weights[(gsize) (ky * a->kw + kx) * c + c0];
            o[c0] = KFN (activate_) (acc, a->act);
          }
      }
}

static void
KFN (add_) (const float *restrict a,
            const float *restrict b,
            float       *restrict out,
            gsize                 count)
{
  for (gsize i = 0; i < count; i++)
    out[i] = a[i] + b[i];
}

/* Twelve independent chains: enough to cover the multiply-add latency on every current x86
 * core (4 cycles, 2 per cycle). The compiler contracts a * b + c into one FMA where the
 * instruction set has it (-ffp-contract=fast is GCC's default outside ISO mode). */
static void
KFN (fma_burst_) (guint64  n,
                  float   *sink)
{
  VF acc[12], a = KFN (splat_) (0.999f), b = KFN (splat_) (0.001f);

  for (guint i = 0; i < 12; i++)
    acc[i] = KFN (splat_) ((float) i);
  for (guint64 r = 0; r < n; r++)
    {
#pragma GCC unroll 12
      for (guint i = 0; i < 12; i++)
        acc[i] = acc[i] * a + b;
      __asm__ volatile ("" : "+x" (a));
    }
  for (guint i = 1; i < 12; i++)
    acc[0] += acc[i];
  *sink = acc[0][0];
}
