/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-pdq"

#include "config.h"

#include "veil-pdq-private.h"

#include <string.h>

/* Luma, blur and decimation of PDQ (PDQ.md §2.1-2.3), bit for bit as the reference core.
 *
 * This file is compiled twice (see core/meson.build): once for the x86-64 baseline and once
 * with -mavx2, each time with -ffp-contract=off and without fast-math, and
 * VEIL_PDQ_DOWNSAMPLE_NAME naming the entry point. SIMD changes nothing in the results as
 * long as every float operation is the same IEEE operation in the same order: vectors only
 * ever run across independent rows or columns, never inside one running sum, and no
 * multiply-add is ever fused (a fused one rounds once instead of twice).
 *
 * The reference filters the whole image four times (rows, columns, rows, columns), each pass
 * a running box sum. Here the image streams through in bands of BAND rows:
 *  - luma and the first row pass for BAND rows at once, their running sums interleaved so
 *    that the serial chains overlap;
 *  - the first column pass row by row with one running sum per column (vectorises across
 *    columns, touches each row once instead of striding down columns);
 *  - the second row pass on each emitted row, again BAND rows at once, keeping only the 64
 *    columns the decimation samples (the running sum still visits every column);
 *  - the second column pass on those 64 columns only, keeping the 64 sampled rows.
 * Skipping outputs nobody reads changes no value, so the result is the reference's. */

#ifndef VEIL_PDQ_DOWNSAMPLE_NAME
#error "VEIL_PDQ_DOWNSAMPLE_NAME must name the entry point"
#endif

#define BAND 8
#define DIM VEIL_PDQ_BUFFER_DIM

/* Luma coefficients, float32 as in the reference. */
static const float luma_r = 0.299f;
static const float luma_g = 0.587f;
static const float luma_b = 0.114f;

typedef struct {
  guint  length;     /* samples along the filtered axis */
  guint  window;
  guint  half;       /* (window + 2) / 2 */
  float *counts;     /* owned; the divisor of each output */
} BoxPlan;

static void
box_plan_init (BoxPlan *plan,
               guint    length,
               guint    window)
{
  guint n = 0;
  guint o = 0;

  plan->length = length;
  plan->window = window;
  plan->half = (window + 2) / 2;
  plan->counts = g_new (float, length);

  /* Replays the count of the reference's four phases. */
  n = plan->half - 1;
  for (guint r = plan->half - 1; r < window; r++)
    plan->counts[o++] = (float) ++n;
  for (guint r = window; r < length; r++)
    plan->counts[o++] = (float) n;
  while (o < length)
    plan->counts[o++] = (float) --n;
}

static void
box_plan_clear (BoxPlan *plan)
{
  g_clear_pointer (&plan->counts, g_free);
}

static inline void
luma_row (const guint8 *src,
          guint         width,
          guint         channels,
          float        *dst)
{
  /* gsize indices: with 32-bit unsigned ones the compiler must allow for 3 * x wrapping
   * around and gives up vectorising. */
  if (channels == 1)
    {
      for (gsize x = 0; x < width; x++)
        dst[x] = (float) src[x];
    }
  else
    {
      /* (cR·R + cG·G) + cB·B, in that order. */
      for (gsize x = 0; x < width; x++)
        dst[x] = (luma_r * (float) src[3 * x] + luma_g * (float) src[3 * x + 1]) +
                 luma_b * (float) src[3 * x + 2];
    }
}

/* Running box sums of @n rows at once (the first row pass). Writes the undivided sums; the
 * caller divides by plan->counts, which is the same single float division. */
static inline __attribute__((always_inline)) void
box_rows_sums (float *const  *rows,
               float *const  *sums,
               guint          n,
               const BoxPlan *plan)
{
  const guint length = plan->length;
  const guint window = plan->window;
  float s[BAND] = { 0 };
  guint r = 0, o = 0, l = 0;

  for (; r < plan->half - 1; r++)
    for (guint k = 0; k < n; k++)
      s[k] += rows[k][r];
  for (; r < window; r++, o++)
    for (guint k = 0; k < n; k++)
      {
        s[k] += rows[k][r];
        sums[k][o] = s[k];
      }
  for (; r < length; r++, o++, l++)
    for (guint k = 0; k < n; k++)
      {
        s[k] += rows[k][r];
        s[k] -= rows[k][l];
        sums[k][o] = s[k];
      }
  for (; o < length; o++, l++)
    for (guint k = 0; k < n; k++)
      {
        s[k] -= rows[k][l];
        sums[k][o] = s[k];
      }
}

/* The second row pass: the same running sums, but only the outputs at @samples (sorted,
 * possibly repeated) are divided and kept, in out[k][0..DIM-1]. */
static inline __attribute__((always_inline)) void
box_rows_sampled (float *const  *rows,
                  float *const  *out,
                  guint          n,
                  const BoxPlan *plan,
                  const guint   *samples)
{
  const guint length = plan->length;
  const guint window = plan->window;
  float s[BAND] = { 0 };
  guint r = 0, o = 0, l = 0, next = 0;

#define EMIT() \
  G_STMT_START { \
    while (next < DIM && samples[next] == o) \
      { \
        for (guint k = 0; k < n; k++) \
          out[k][next] = s[k] / plan->counts[o]; \
        next++; \
      } \
  } G_STMT_END

  for (; r < plan->half - 1; r++)
    for (guint k = 0; k < n; k++)
      s[k] += rows[k][r];
  for (; r < window; r++, o++)
    {
      for (guint k = 0; k < n; k++)
        s[k] += rows[k][r];
      EMIT ();
    }
  for (; r < length; r++, o++, l++)
    {
      for (guint k = 0; k < n; k++)
        {
          s[k] += rows[k][r];
          s[k] -= rows[k][l];
        }
      if (samples[next] == o)
        EMIT ();
    }
  for (; o < length; o++, l++)
    {
      for (guint k = 0; k < n; k++)
        s[k] -= rows[k][l];
      EMIT ();
    }
#undef EMIT
}

static void
box_rows_sums_n (float *const *rows, float *const *sums, guint n, const BoxPlan *plan)
{
  if (n == BAND)
    box_rows_sums (rows, sums, BAND, plan);
  else
    box_rows_sums (rows, sums, n, plan);
}

static void
box_rows_sampled_n (float *const *rows, float *const *out, guint n, const BoxPlan *plan,
                    const guint *samples)
{
  if (n == BAND)
    box_rows_sampled (rows, out, BAND, plan, samples);
  else
    box_rows_sampled (rows, out, n, plan, samples);
}

/* The first column pass, fed one row at a time. */
typedef struct {
  BoxPlan  plan;        /* along the columns: length = height */
  guint    width;
  float   *sums;        /* owned; one running sum per column */
  float   *ring;        /* owned; the last window + 1 input rows */
  guint    ring_rows;
  guint    received;    /* input rows so far */
  guint    emitted;     /* output rows so far */
  guint    dropped;     /* index of the next row to subtract */
} ColumnPass;

static void
column_pass_init (ColumnPass *pass,
                  guint       width,
                  guint       height,
                  guint       window)
{
  box_plan_init (&pass->plan, height, window);
  pass->width = width;
  pass->sums = g_new0 (float, width);
  pass->ring_rows = window + 1;
  pass->ring = g_new (float, (gsize) pass->ring_rows * width);
  pass->received = pass->emitted = pass->dropped = 0;
}

static void
column_pass_clear (ColumnPass *pass)
{
  box_plan_clear (&pass->plan);
  g_clear_pointer (&pass->sums, g_free);
  g_clear_pointer (&pass->ring, g_free);
}

static inline float *
ring_row (ColumnPass *pass,
          guint       index)
{
  return pass->ring + (gsize) (index % pass->ring_rows) * pass->width;
}

/* Takes one row of first-pass sums, divides them by their counts (the first row pass's
 * output), and advances every column's running sum. Writes an output row to @out and
 * returns TRUE when one is due. */
static gboolean
column_pass_push (ColumnPass    *pass,
                  const float   *row_sums,
                  const BoxPlan *row_plan,
                  float         *out)
{
  const guint width = pass->width;
  const guint r = pass->received++;
  float *restrict in = ring_row (pass, r);
  float *restrict sums = pass->sums;
  const float *restrict counts = row_plan->counts;

  for (guint x = 0; x < width; x++)
    in[x] = row_sums[x] / counts[x];

  if (r < pass->plan.half - 1)
    {
      for (guint x = 0; x < width; x++)
        sums[x] += in[x];
      return FALSE;
    }

  if (r < pass->plan.window)
    {
      const float n = pass->plan.counts[pass->emitted++];

      for (guint x = 0; x < width; x++)
        {
          sums[x] += in[x];
          out[x] = sums[x] / n;
        }
      return TRUE;
    }
  else
    {
      const float n = pass->plan.counts[pass->emitted++];
      const float *restrict old = ring_row (pass, pass->dropped++);

      for (guint x = 0; x < width; x++)
        {
          sums[x] += in[x];
          sums[x] -= old[x];
          out[x] = sums[x] / n;
        }
      return TRUE;
    }
}

/* After the last row: the trailing outputs, whose windows shrink. */
static gboolean
column_pass_drain (ColumnPass *pass,
                   float      *out)
{
  const guint width = pass->width;
  float *restrict sums = pass->sums;
  const float *restrict old;
  float n;

  if (pass->emitted >= pass->plan.length)
    return FALSE;

  n = pass->plan.counts[pass->emitted++];
  old = ring_row (pass, pass->dropped++);
  for (guint x = 0; x < width; x++)
    {
      sums[x] -= old[x];
      out[x] = sums[x] / n;
    }
  return TRUE;
}

/* Band of emitted first-column-pass rows waiting for the second row pass. */
typedef struct {
  float   *rows[BAND];
  guint    n;
  guint    next_row;    /* index of the band's first row in the image */
  float   *sampled;     /* height x DIM, owned by the caller */
  BoxPlan *plan;
  guint   *samples;
} RowBand;

static void
row_band_flush (RowBand *band)
{
  float *out[BAND];

  if (band->n == 0)
    return;
  for (guint k = 0; k < band->n; k++)
    out[k] = band->sampled + (gsize) (band->next_row + k) * DIM;
  box_rows_sampled_n (band->rows, out, band->n, band->plan, band->samples);
  band->next_row += band->n;
  band->n = 0;
}

static void
decimation_indices (guint  length,
                    guint *indices /* DIM + 1 */)
{
  /* (int)(((i + 0.5) * length) / 64), in double as the reference. */
  for (guint i = 0; i < DIM; i++)
    indices[i] = (guint) (((i + 0.5) * length) / (double) DIM);
  /* A sentinel no output index reaches, so the sampled loops need no bounds check. */
  indices[DIM] = G_MAXUINT;
}

void
VEIL_PDQ_DOWNSAMPLE_NAME (const guint8 *pixels,
                          guint         width,
                          guint         height,
                          guint         channels,
                          float        *out64x64)
{
  const gsize stride = (gsize) width * channels;
  const guint window_x = (width + 127) / 128;
  const guint window_y = (height + 127) / 128;
  BoxPlan row_plan;
  BoxPlan col_plan2;
  ColumnPass pass;
  RowBand band = { 0 };
  guint col_samples[DIM + 1], row_samples[DIM + 1];
  g_autofree float *luma = NULL;
  g_autofree float *sums = NULL;
  g_autofree float *emitted = NULL;
  g_autofree float *sampled = NULL;
  float *luma_rows[BAND], *sum_rows[BAND];

  g_assert (width >= VEIL_PDQ_MIN_HASHABLE_DIM && height >= VEIL_PDQ_MIN_HASHABLE_DIM);
  g_assert (channels == 1 || channels == 3);

  decimation_indices (width, col_samples);
  decimation_indices (height, row_samples);

  box_plan_init (&row_plan, width, window_x);
  column_pass_init (&pass, width, height, window_y);

  luma = g_new (float, (gsize) BAND * width);
  sums = g_new (float, (gsize) BAND * width);
  emitted = g_new (float, (gsize) BAND * width);
  sampled = g_new (float, (gsize) height * DIM);
  for (guint k = 0; k < BAND; k++)
    {
      luma_rows[k] = luma + (gsize) k * width;
      sum_rows[k] = sums + (gsize) k * width;
      band.rows[k] = emitted + (gsize) k * width;
    }
  band.sampled = sampled;
  band.plan = &row_plan;
  band.samples = col_samples;

  for (guint y0 = 0; y0 < height; y0 += BAND)
    {
      guint n = MIN (BAND, height - y0);

      for (guint k = 0; k < n; k++)
        luma_row (pixels + (gsize) (y0 + k) * stride, width, channels, luma_rows[k]);
      box_rows_sums_n (luma_rows, sum_rows, n, &row_plan);

      for (guint k = 0; k < n; k++)
        {
          if (column_pass_push (&pass, sum_rows[k], &row_plan, band.rows[band.n]))
            {
              if (++band.n == BAND)
                row_band_flush (&band);
            }
        }
    }
  while (column_pass_drain (&pass, band.rows[band.n]))
    {
      if (++band.n == BAND)
        row_band_flush (&band);
    }
  row_band_flush (&band);
  g_assert (band.next_row == height);

  /* Second column pass on the 64 kept columns, keeping the 64 sampled rows. */
  box_plan_init (&col_plan2, height, window_y);
  {
    float s[DIM] = { 0 };
    guint r = 0, o = 0, l = 0, next = 0;
    const guint half = col_plan2.half;

#define EMIT_ROW() \
    G_STMT_START { \
      while (next < DIM && row_samples[next] == o) \
        { \
          for (guint j = 0; j < DIM; j++) \
            out64x64[next * DIM + j] = s[j] / col_plan2.counts[o]; \
          next++; \
        } \
    } G_STMT_END

    for (; r < half - 1; r++)
      for (guint j = 0; j < DIM; j++)
        s[j] += sampled[(gsize) r * DIM + j];
    for (; r < window_y; r++, o++)
      {
        for (guint j = 0; j < DIM; j++)
          s[j] += sampled[(gsize) r * DIM + j];
        EMIT_ROW ();
      }
    for (; r < height; r++, o++, l++)
      {
        for (guint j = 0; j < DIM; j++)
          {
            s[j] += sampled[(gsize) r * DIM + j];
            s[j] -= sampled[(gsize) l * DIM + j];
          }
        EMIT_ROW ();
      }
    for (; o < height; o++, l++)
      {
        for (guint j = 0; j < DIM; j++)
          s[j] -= sampled[(gsize) l * DIM + j];
        EMIT_ROW ();
      }
#undef EMIT_ROW
    g_assert (next == DIM);
  }

  box_plan_clear (&col_plan2);
  box_plan_clear (&row_plan);
  column_pass_clear (&pass);
}
