/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-index"

#include "config.h"

#include "veil-hash-index-private.h"

/* The portable scan: plain 64-bit arithmetic, no instruction-set flags, so it runs on any
 * CPU Veil builds for. The popcount is the classic SWAR bit count, because without -mpopcnt
 * __builtin_popcountll becomes a library call per word. */

static inline guint
popcount64 (guint64 x)
{
  x = x - ((x >> 1) & G_GUINT64_CONSTANT (0x5555555555555555));
  x = (x & G_GUINT64_CONSTANT (0x3333333333333333)) + ((x >> 2) & G_GUINT64_CONSTANT (0x3333333333333333));
  x = (x + (x >> 4)) & G_GUINT64_CONSTANT (0x0f0f0f0f0f0f0f0f);
  return (guint) ((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
}

void
_veil_hash_scan_generic (const VeilPdqHash *hashes,
                         gsize              n,
                         const VeilPdqHash *needles,
                         guint              n_needles,
                         guint              max_distance,
                         guint64            base,
                         GArray            *hits)
{
  g_assert (n_needles >= 1 && n_needles <= VEIL_HASH_SCAN_MAX_NEEDLES);

  for (gsize i = 0; i < n; i++)
    {
      const VeilPdqHash *h = &hashes[i];
      guint best = G_MAXUINT;
      guint best_needle = 0;

      for (guint k = 0; k < n_needles; k++)
        {
          guint d = popcount64 (h->w[0] ^ needles[k].w[0]) +
                    popcount64 (h->w[1] ^ needles[k].w[1]);

          /* Half the bits already differ too much: this needle cannot match, and cannot be
           * the closest of a match either (that one is within max_distance). Unrelated
           * hashes differ in ~64 bits per half, so most pairs stop here. */
          if (d > max_distance)
            continue;
          d += popcount64 (h->w[2] ^ needles[k].w[2]) +
               popcount64 (h->w[3] ^ needles[k].w[3]);

          if (d < best)
            {
              best = d;
              best_needle = k;
            }
        }
      if (best <= max_distance)
        {
          VeilHashHit hit = { base + i, best, best_needle };
          g_array_append_val (hits, hit);
        }
    }
}
