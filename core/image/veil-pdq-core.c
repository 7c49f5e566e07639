/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-pdq"

#include "config.h"

#include "veil-pdq-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Quality, DCT, median and bits of PDQ (PDQ.md §2.4-2.8), bit for bit as the reference.
 * Built with -ffp-contract=off and without fast-math: every float multiply and add must
 * round on its own, in the reference's order, or last bits of DCT coefficients move and,
 * on badly conditioned images, tens of hash bits with them (PDQ.md §2.9). */

#define DIM VEIL_PDQ_BUFFER_DIM
#define DCT 16

static float dct_matrix[DCT][DIM];

static gpointer
build_dct_matrix (gpointer data)
{
  /* The scale is rounded to float first, the cosine argument is evaluated in double left
   * to right, and the product is rounded to float once. */
  const float scale = (float) sqrt (2.0 / DIM);

  for (int i = 0; i < DCT; i++)
    for (int j = 0; j < DIM; j++)
      dct_matrix[i][j] = (float) ((double) scale *
                                  cos (((M_PI / 2.0) / (double) DIM) * (i + 1) * (2 * j + 1)));
  return NULL;
}

static int
compute_quality (const float *a)
{
  int gradient = 0;

  for (int i = 0; i < DIM - 1; i++)
    for (int j = 0; j < DIM; j++)
      {
        int d = (int) (((a[i * DIM + j] - a[(i + 1) * DIM + j]) * 100.0f) / 255.0f);
        gradient += abs (d);
      }
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM - 1; j++)
      {
        int d = (int) (((a[i * DIM + j] - a[i * DIM + j + 1]) * 100.0f) / 255.0f);
        gradient += abs (d);
      }
  return MIN (gradient / 90, 100);
}

static void
compute_dct (const float *a,
             float        b[DCT][DCT])
{
  float t[DCT][DIM];

  /* T = D · A, then B = T · Dᵀ, each sum from 0 in order k = 0..63. */
  for (int i = 0; i < DCT; i++)
    for (int j = 0; j < DIM; j++)
      {
        float sum = 0.0f;

        for (int k = 0; k < DIM; k++)
          sum += dct_matrix[i][k] * a[k * DIM + j];
        t[i][j] = sum;
      }
  for (int i = 0; i < DCT; i++)
    for (int j = 0; j < DCT; j++)
      {
        float sum = 0.0f;

        for (int k = 0; k < DIM; k++)
          sum += t[i][k] * dct_matrix[j][k];
        b[i][j] = sum;
      }
}

static int
compare_floats (const void *pa,
                const void *pb)
{
  float a = *(const float *) pa;
  float b = *(const float *) pb;

  return (a > b) - (a < b);
}

/* Bit k = 16 i + j is set when B[i][j] is above the lower median (the 128th smallest). */
static void
threshold_bits (float        b[DCT][DCT],
                VeilPdqHash *hash)
{
  float sorted[DCT * DCT];
  float median;

  memcpy (sorted, b, sizeof sorted);
  qsort (sorted, DCT * DCT, sizeof (float), compare_floats);
  median = sorted[DCT * DCT / 2 - 1];

  memset (hash, 0, sizeof *hash);
  for (int i = 0; i < DCT; i++)
    for (int j = 0; j < DCT; j++)
      if (b[i][j] > median)
        {
          int k = DCT * i + j;
          hash->w[k / 64] |= G_GUINT64_CONSTANT (1) << (k % 64);
        }
}

/* The dihedral variants from one DCT (PDQ.md §2.8). Code index i even ⇔ frequency i + 1
 * odd, whose coefficients change sign under a mirror along that axis. */
static void
dihedral_variant (float           a[DCT][DCT],
                  VeilPdqDihedral which,
                  float           x[DCT][DCT])
{
  for (int i = 0; i < DCT; i++)
    for (int j = 0; j < DCT; j++)
      {
        float v = a[i][j];
        gboolean i_odd = (i & 1) != 0;
        gboolean j_odd = (j & 1) != 0;
        gboolean sum_odd = ((i + j) & 1) != 0;

        switch (which)
          {
          case VEIL_PDQ_DIHEDRAL_ORIG:
            x[i][j] = v;
            break;
          case VEIL_PDQ_DIHEDRAL_ROT90:
            x[j][i] = j_odd ? v : -v;
            break;
          case VEIL_PDQ_DIHEDRAL_ROT180:
            x[i][j] = sum_odd ? -v : v;
            break;
          case VEIL_PDQ_DIHEDRAL_ROT270:
            x[j][i] = i_odd ? v : -v;
            break;
          case VEIL_PDQ_DIHEDRAL_FLIPX:
            x[i][j] = i_odd ? v : -v;
            break;
          case VEIL_PDQ_DIHEDRAL_FLIPY:
            x[i][j] = j_odd ? v : -v;
            break;
          case VEIL_PDQ_DIHEDRAL_FLIP_PLUS1:
            x[j][i] = v;
            break;
          case VEIL_PDQ_DIHEDRAL_FLIP_MINUS1:
            x[j][i] = sum_odd ? -v : v;
            break;
          default:
            g_assert_not_reached ();
          }
      }
}

void
_veil_pdq_luma_64 (const guint8 *pixels,
                   guint         channels,
                   float        *out)
{
  for (gsize p = 0; p < DIM * DIM; p++)
    {
      if (channels == 1)
        out[p] = (float) pixels[p];
      else
        out[p] = (0.299f * (float) pixels[3 * p] + 0.587f * (float) pixels[3 * p + 1]) +
                 0.114f * (float) pixels[3 * p + 2];
    }
}

void
_veil_pdq_finish (const float *buffer,
                  gboolean     dihedral,
                  VeilPdqHash *hashes,
                  int         *quality)
{
  static GOnce once = G_ONCE_INIT;
  float b[DCT][DCT];

  g_once (&once, build_dct_matrix, NULL);

  *quality = compute_quality (buffer);
  compute_dct (buffer, b);

  if (!dihedral)
    {
      threshold_bits (b, &hashes[0]);
      return;
    }

  for (int v = 0; v < VEIL_PDQ_N_DIHEDRAL; v++)
    {
      float x[DCT][DCT];

      dihedral_variant (b, v, x);
      threshold_bits (x, &hashes[v]);
    }
}

guint8 *
_veil_pdq_cli_stretch (const guint8 *pixels,
                       guint         width,
                       guint         height,
                       guint         channels)
{
  const guint side = 512;
  guint8 *out;
  guint xs[512];

  if (width <= side && height <= side)
    return NULL;

  /* Top-left sampling: output (x, y) takes source (floor(x·W/512), floor(y·H/512)),
   * computed in double (CImg's nearest-neighbour resize). */
  for (guint x = 0; x < side; x++)
    xs[x] = (guint) floor ((double) x * width / side);

  out = g_malloc ((gsize) side * side * channels);
  for (guint y = 0; y < side; y++)
    {
      guint sy = (guint) floor ((double) y * height / side);
      const guint8 *src = pixels + (gsize) sy * width * channels;
      guint8 *dst = out + (gsize) y * side * channels;

      for (guint x = 0; x < side; x++)
        memcpy (dst + x * channels, src + (gsize) xs[x] * channels, channels);
    }
  return out;
}

VeilPdqDownsampleFunc
_veil_pdq_get_downsample (const char **name)
{
  /* Both copies give identical bits; AVX2 only runs more rows and columns at once. The
   * AVX2 copy is built on x86-64 only (core/meson.build). */
#ifdef __x86_64__
  if (__builtin_cpu_supports ("avx2"))
    {
      if (name != NULL)
        *name = "avx2";
      return _veil_pdq_downsample_avx2;
    }
#endif
  if (name != NULL)
    *name = "generic";
  return _veil_pdq_downsample_generic;
}

void
_veil_pdq_compute (const guint8          *pixels,
                   guint                  width,
                   guint                  height,
                   guint                  channels,
                   gboolean               dihedral,
                   VeilPdqDownsampleFunc  downsample,
                   VeilPdqHash           *plain_hash,
                   VeilPdqHash           *dihedral_hashes,
                   int                   *quality,
                   int                   *dihedral_quality)
{
  g_autofree float *buffer = NULL;

  g_assert (!dihedral || (dihedral_hashes != NULL && dihedral_quality != NULL));

  if (width < VEIL_PDQ_MIN_HASHABLE_DIM || height < VEIL_PDQ_MIN_HASHABLE_DIM)
    {
      /* Too small to say anything: all zeros, quality 0 (PDQ.md §2.2). */
      memset (plain_hash, 0, sizeof *plain_hash);
      *quality = 0;
      if (dihedral)
        {
          memset (dihedral_hashes, 0, sizeof (VeilPdqHash) * VEIL_PDQ_N_DIHEDRAL);
          *dihedral_quality = 0;
        }
      return;
    }

  if (downsample == NULL)
    downsample = _veil_pdq_get_downsample (NULL);

  buffer = g_new (float, DIM * DIM);

  /* The plain entry point copies an exact 64 x 64 image without filtering; the dihedral
   * one always filters. Both are kept so each output equals its reference. */
  if (width == DIM && height == DIM)
    {
      _veil_pdq_luma_64 (pixels, channels, buffer);
      _veil_pdq_finish (buffer, FALSE, plain_hash, quality);
      if (dihedral)
        {
          downsample (pixels, width, height, channels, buffer);
          _veil_pdq_finish (buffer, TRUE, dihedral_hashes, dihedral_quality);
        }
      return;
    }

  downsample (pixels, width, height, channels, buffer);
  if (dihedral)
    {
      _veil_pdq_finish (buffer, TRUE, dihedral_hashes, dihedral_quality);
      *plain_hash = dihedral_hashes[VEIL_PDQ_DIHEDRAL_ORIG];
      *quality = *dihedral_quality;
    }
  else
    _veil_pdq_finish (buffer, FALSE, plain_hash, quality);
}
