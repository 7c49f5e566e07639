/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-index"

#include "config.h"

#include "veil-hash-index-private.h"

#include <immintrin.h>

/* The AVX-512 scan (F + VPOPCNTDQ), built with those flags and run only where the CPU has
 * them. The eight needles are held transposed: register j has word j of every needle. Each
 * hash word is broadcast, XORed with all eight needles' word at once and counted with
 * vpopcntq, so one hash meets eight needles in at most four XORs, four popcounts and three
 * adds. At about 13 GB/s the scan is then bound by memory, not by arithmetic. */

void
_veil_hash_scan_avx512 (const VeilPdqHash *hashes,
                        gsize              n,
                        const VeilPdqHash *needles,
                        guint              n_needles,
                        guint              max_distance,
                        guint64            base,
                        GArray            *hits)
{
  const __m512i limit = _mm512_set1_epi64 (max_distance);
  __m512i nw[4];
  gsize i = 0;

  g_assert (n_needles >= 1 && n_needles <= VEIL_HASH_SCAN_MAX_NEEDLES);

  /* Missing needles repeat needle 0, which changes neither the minimum nor its needle. */
  for (int j = 0; j < 4; j++)
    {
      guint64 words[8];

      for (guint k = 0; k < VEIL_HASH_SCAN_MAX_NEEDLES; k++)
        words[k] = needles[k < n_needles ? k : 0].w[j];
      nw[j] = _mm512_loadu_si512 (words);
    }

/* Distances over words 0-1, then 2-3: unrelated hashes differ in ~64 bits per half, so the
 * first half settles almost every entry and the second is counted only for the rest. */
#define HALF(h, a, b) \
  _mm512_add_epi64 (_mm512_popcnt_epi64 (_mm512_xor_si512 (_mm512_set1_epi64 ((h)->w[a]), nw[a])), \
                    _mm512_popcnt_epi64 (_mm512_xor_si512 (_mm512_set1_epi64 ((h)->w[b]), nw[b])))

  /* Two hashes an iteration keep both halves of the core busy. */
  for (; i < n; i += 2)
    {
      gboolean pair = i + 1 < n;
      __m512i d0 = HALF (&hashes[i], 0, 1);
      __m512i d1 = pair ? HALF (&hashes[i + 1], 0, 1) : d0;
      __mmask8 m0 = _mm512_cmple_epu64_mask (d0, limit);
      __mmask8 m1 = pair ? _mm512_cmple_epu64_mask (d1, limit) : 0;

      if (G_LIKELY ((m0 | m1) == 0))
        continue;

      for (guint t = 0; t < 2; t++)
        {
          guint64 d[8];
          VeilHashHit hit = { base + i + t, G_MAXUINT16, 0 };

          if ((t == 0 ? m0 : m1) == 0)
            continue;
          _mm512_storeu_si512 (d, _mm512_add_epi64 (t == 0 ? d0 : d1, HALF (&hashes[i + t], 2, 3)));
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
#undef HALF
}
