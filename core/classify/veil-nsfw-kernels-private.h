/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The classifier's compute kernels, one set per instruction set. Each set lives in its own
 * small static library built with its own -m flags; veil_nsfw_kernels_select() picks one at
 * run time from what the CPU supports. All of them compute in float32. */

/* Pointwise (1x1) convolutions take their weights packed in panels of this many output
 * channels: panel p holds w[k][16p .. 16p+15] for every k, zero-filled past the last channel. */
#define VEIL_NSFW_PANEL 16

typedef enum {
  VEIL_NSFW_KERNELS_AUTO = 0,
  VEIL_NSFW_KERNELS_PORTABLE = 1,
  VEIL_NSFW_KERNELS_AVX2 = 2,     /* AVX2 + FMA */
  VEIL_NSFW_KERNELS_AVX512 = 3,   /* AVX-512 F */
} VeilNsfwKernelPath;

/* Activations the kernels apply (values as in VeilModelAct). */
#define VEIL_NSFW_ACT_NONE  0
#define VEIL_NSFW_ACT_RELU  1
#define VEIL_NSFW_ACT_RELU6 2

typedef struct {
  const float *in;        /* in_h x in_w x c, NHWC */
  guint        in_h, in_w;
  guint        c_in, c_out;
  guint        kh, kw, stride_h, stride_w, pad_top, pad_left;
  const float *weights;   /* conv: [kh][kw][c_in][c_out]; depthwise: [kh][kw][c] */
  const float *bias;      /* c_out */
  int          act;
  float       *out;       /* out_h x out_w x c_out */
  guint        out_h, out_w;
} VeilNsfwConvArgs;

typedef struct {
  const char *name;
  guint       lanes;      /* floats per vector register */
  /* out[m][n] = act (bias[n] + sum_k in[m][k] w[k][n]) for the rows [m0, m1) */
  void (*pointwise) (const float *in,
                     guint        m0,
                     guint        m1,
                     guint        k,
                     const float *packed,
                     const float *bias,
                     guint        n,
                     int          act,
                     float       *out);
  /* Output rows [row0, row1) of a direct or depthwise convolution. */
  void (*conv)      (const VeilNsfwConvArgs *args,
                     guint                   row0,
                     guint                   row1);
  void (*depthwise) (const VeilNsfwConvArgs *args,
                     guint                   row0,
                     guint                   row1);
  /* out[i] = a[i] + b[i] */
  void (*add)       (const float *a,
                     const float *b,
                     float       *out,
                     gsize        count);
  /* For benchmarks: @n rounds of twelve independent vector multiply-adds on registers, the
   * most this instruction set computes per cycle (the floor inference is measured against).
   * Writes one float to @sink so the work is not optimised away. */
  void (*fma_burst) (guint64      n,
                     float       *sink);
} VeilNsfwKernels;

extern const VeilNsfwKernels veil_nsfw_kernels_portable;
#ifdef VEIL_HAVE_X86_KERNELS
extern const VeilNsfwKernels veil_nsfw_kernels_avx2;
extern const VeilNsfwKernels veil_nsfw_kernels_avx512;
#endif

/* The environment variable that caps the kernels AUTO picks ("portable", "avx2" or
 * "avx512"), so that a machine with AVX-512 can measure and test the AVX2 path. */
#define VEIL_KERNELS_ENV "VEIL_KERNELS"

gboolean               veil_nsfw_kernels_supported (VeilNsfwKernelPath path);
const VeilNsfwKernels *veil_nsfw_kernels_select    (VeilNsfwKernelPath path);

G_END_DECLS
