/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-index"

#include "config.h"

#include "veil-hash-index-private.h"

#include <immintrin.h>

/* The AVX2 scan, built with -mavx2 and run only where the CPU has it.
 *
 * The eight needles are held transposed, four to a register: nw[j][0] holds word j of
 * needles 0-3, nw[j][1] of needles 4-7. A hash word is broadcast and XORed with both, so one
 * XOR compares it with four needles. AVX2 has no vector popcount: bytes are counted with the
 * nibble lookup (two vpshufb), the byte counts of several words are added (at most 32 a byte,
 * no overflow), and vpsadbw sums each 64-bit lane into that needle's distance.
 *
 * Most list entries are unrelated to the needles and differ in about 64 bits per half, so
 * the first two words decide almost every entry: only when some needle is still within the
 * distance after them are words 2 and 3 counted. */

static inline __m256i
count_bytes (__m256i v,
             __m256i lut,
             __m256i low_nibbles)
{
  __m256i lo = _mm256_and_si256 (v, low_nibbles);
  __m256i hi = _mm256_and_si256 (_mm256_srli_epi16 (v, 4), low_nibbles);

  return _mm256_add_epi8 (_mm256_shuffle_epi8 (lut, lo), _mm256_shuffle_epi8 (lut, hi));
}

void
_veil_hash_scan_avx2 (const VeilPdqHash *hashes,
                      gsize              n,
                      const VeilPdqHash *needles,
                      guint              n_needles,
                      guint              max_distance,
                      guint64            base,
                      GArray            *hits)
{
  const __m256i lut = _mm256_setr_epi8 (0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low_nibbles = _mm256_set1_epi8 (0x0f);
  const __m256i zero = _mm256_setzero_si256 ();
  const __m256i limit = _mm256_set1_epi64x ((long long) max_distance + 1);
  __m256i nw[4][2];

  g_assert (n_needles >= 1 && n_needles <= VEIL_HASH_SCAN_MAX_NEEDLES);

  /* Missing needles repeat needle 0: same distances, so the minimum and the first needle
   * at it do not change. */
  for (int j = 0; j < 4; j++)
    {
      guint64 w[VEIL_HASH_SCAN_MAX_NEEDLES];

      for (guint k = 0; k < VEIL_HASH_SCAN_MAX_NEEDLES; k++)
        w[k] = needles[k < n_needles ? k : 0].w[j];
      nw[j][0] = _mm256_loadu_si256 ((const __m256i *) &w[0]);
      nw[j][1] = _mm256_loadu_si256 ((const __m256i *) &w[4]);
    }

  for (gsize i = 0; i < n; i++)
    {
      const VeilPdqHash *h = &hashes[i];
      __m256i b0 = _mm256_set1_epi64x ((long long) h->w[0]);
      __m256i b1 = _mm256_set1_epi64x ((long long) h->w[1]);
      __m256i c_lo = _mm256_add_epi8 (count_bytes (_mm256_xor_si256 (b0, nw[0][0]), lut, low_nibbles),
                                      count_bytes (_mm256_xor_si256 (b1, nw[1][0]), lut, low_nibbles));
      __m256i c_hi = _mm256_add_epi8 (count_bytes (_mm256_xor_si256 (b0, nw[0][1]), lut, low_nibbles),
                                      count_bytes (_mm256_xor_si256 (b1, nw[1][1]), lut, low_nibbles));
      __m256i d_lo = _mm256_sad_epu8 (c_lo, zero);
      __m256i d_hi = _mm256_sad_epu8 (c_hi, zero);
      int close = _mm256_movemask_pd (_mm256_castsi256_pd (_mm256_cmpgt_epi64 (limit, d_lo))) |
                  _mm256_movemask_pd (_mm256_castsi256_pd (_mm256_cmpgt_epi64 (limit, d_hi)));

      if (G_LIKELY (close == 0))
        continue;

      /* Some needle is still within reach: count the other half for all of them. */
      {
        __m256i b2 = _mm256_set1_epi64x ((long long) h->w[2]);
        __m256i b3 = _mm256_set1_epi64x ((long long) h->w[3]);
        guint64 d[VEIL_HASH_SCAN_MAX_NEEDLES];
        VeilHashHit hit = { base + i, G_MAXUINT16, 0 };

        c_lo = _mm256_add_epi8 (count_bytes (_mm256_xor_si256 (b2, nw[2][0]), lut, low_nibbles),
                                count_bytes (_mm256_xor_si256 (b3, nw[3][0]), lut, low_nibbles));
        c_hi = _mm256_add_epi8 (count_bytes (_mm256_xor_si256 (b2, nw[2][1]), lut, low_nibbles),
                                count_bytes (_mm256_xor_si256 (b3, nw[3][1]), lut, low_nibbles));
        d_lo = _mm256_add_epi64 (d_lo, _mm256_sad_epu8 (c_lo, zero));
        d_hi = _mm256_add_epi64 (d_hi, _mm256_sad_epu8 (c_hi, zero));
        _mm256_storeu_si256 ((__m256i *) &d[0], d_lo);
        _mm256_storeu_si256 ((__m256i *) &d[4], d_hi);

        for (guint k = 0; k < n_needles; k++)
          if (d[k] < hit.distance)
            {
              hit.distance = d[k];
              hit.needle = k;
            }
        if (hit.distance <= max_distance)
          g_array_append_val (hits, hit);
      }
    }
}
