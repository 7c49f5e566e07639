/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image"

#include "config.h"

#include "veil-image-private.h"

#include <string.h>

/* The previews' box shrink, computed as libvips' vips_shrink() computes it for 8-bit pixels,
 * to the bit: a vertical pass, then a horizontal one, each output the rounded mean
 * (sum + n / 2) / n of n whole samples, the output size the input's divided by n and
 * rounded, the last row and column repeated where a partial block reaches past the edge.
 * libvips divides every sample with a hardware division and hands each tile between
 * threads; here the division is a multiplication by a reciprocal and the loops vectorise
 * (the file is built with -O3), several times faster on a photo. A test holds the two to
 * the same bytes. */

/* floor ((sum + n / 2) / n) as a float multiplication: floor ((x + 0.5) / n) is the same
 * integer (no x + 0.5 is a multiple of n), and it lies at least 0.5 / n from the next
 * integer, far more than float's rounding of (x + 0.5) * (1 / n) moves it while
 * x < 2^22, which holds for 8-bit sums of n < 16384 samples. Larger factors divide
 * plainly. */
#define FLOAT_MAX_N 16384

static void
means (const guint32 *sum,
       gsize          count,
       guint          n,
       guint8        *out)
{
  guint half = n / 2;

  if (n < FLOAT_MAX_N)
    {
      float r = 1.0f / n;

      for (gsize i = 0; i < count; i++)
        out[i] = (guint8) (guint32) (((float) (sum[i] + half) + 0.5f) * r);
    }
  else
    {
      for (gsize i = 0; i < count; i++)
        out[i] = (guint8) ((sum[i] + half) / n);
    }
}

static guint
shrunk_size (guint size,
             guint n)
{
  return MAX (1, (guint) ((double) size / n + 0.5));
}

/* Rows: @out (out_h rows of @row_len samples) from @in (@h rows). */
static void
shrink_rows (const guint8 *in,
             guint         h,
             gsize         row_len,
             guint         n,
             guint8       *out,
             guint         out_h)
{
  g_autofree guint32 *sum = g_new (guint32, row_len);

  for (guint y = 0; y < out_h; y++)
    {
      memset (sum, 0, row_len * sizeof *sum);
      for (guint k = 0; k < n; k++)
        {
          const guint8 *restrict row = in + (gsize) MIN (y * n + k, h - 1) * row_len;

          for (gsize i = 0; i < row_len; i++)
            sum[i] += row[i];
        }
      means (sum, row_len, n, out + (gsize) y * row_len);
    }
}

/* Columns of one row of @w pixels of @bands samples into @out_w pixels; @sum holds
 * @out_w x @bands values. */
static void
shrink_columns (const guint8 *in,
                guint         w,
                guint         bands,
                guint         n,
                guint32      *sum,
                guint8       *out,
                guint         out_w)
{
  for (guint x = 0; x < out_w; x++)
    {
      guint32 *s = sum + (gsize) x * bands;
      gboolean whole = (x + 1) * n <= w;

      /* One band at a time, its sum in a register. */
      for (guint c = 0; c < bands; c++)
        {
          guint32 acc = 0;

          if (whole)
            {
              const guint8 *p = in + (gsize) x * n * bands + c;

              for (guint k = 0; k < n; k++)
                acc += p[(gsize) k * bands];
            }
          else
            {
              for (guint k = 0; k < n; k++)
                acc += in[(gsize) MIN (x * n + k, w - 1) * bands + c];
            }
          s[c] = acc;
        }
    }
  means (sum, (gsize) out_w * bands, n, out);
}

/* Returns: (transfer full): the shrunk pixels, rows of *@out_width x @bands bytes */
guint8 *
_veil_image_box_shrink (const guint8 *pixels,
                        guint         width,
                        guint         height,
                        guint         bands,
                        guint         xshrink,
                        guint         yshrink,
                        guint        *out_width,
                        guint        *out_height)
{
  guint ow = xshrink > 1 ? shrunk_size (width, xshrink) : width;
  guint oh = yshrink > 1 ? shrunk_size (height, yshrink) : height;
  gsize row_len = (gsize) width * bands;
  g_autofree guint8 *rows = NULL;
  const guint8 *tall = pixels;
  guint8 *out;

  if (yshrink > 1)
    {
      rows = g_malloc (row_len * oh);
      shrink_rows (pixels, height, row_len, yshrink, rows, oh);
      tall = rows;
    }
  if (xshrink <= 1)
    {
      out = rows != NULL ? g_steal_pointer (&rows) : g_memdup2 (pixels, row_len * oh);
    }
  else
    {
      g_autofree guint32 *sum = g_new (guint32, (gsize) ow * bands);

      out = g_malloc ((gsize) ow * bands * oh);
      for (guint y = 0; y < oh; y++)
        shrink_columns (tall + (gsize) y * row_len, width, bands, xshrink, sum,
                        out + (gsize) y * ow * bands, ow);
    }
  *out_width = ow;
  *out_height = oh;
  return out;
}
