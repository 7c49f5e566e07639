/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-hash-index.h"

G_BEGIN_DECLS

/* The scan kernels: every hash of @hashes[0..n) within @max_distance of any of the
 * @n_needles (1 to 8) needles is appended to @hits, with its index plus @base, its smallest
 * distance and the first needle at that distance. Each kernel lives in its own file built
 * with its own instruction-set flags; all must give identical hits. */
typedef struct {
  guint64 index;
  guint16 distance;
  guint16 needle;
} VeilHashHit;

#define VEIL_HASH_SCAN_MAX_NEEDLES 8

typedef void (*VeilHashScanFunc) (const VeilPdqHash *hashes,
                                  gsize              n,
                                  const VeilPdqHash *needles,
                                  guint              n_needles,
                                  guint              max_distance,
                                  guint64            base,
                                  GArray            *hits);

typedef enum {
  VEIL_HASH_KERNEL_AUTO = 0,
  VEIL_HASH_KERNEL_GENERIC = 1,
  VEIL_HASH_KERNEL_AVX2 = 2,
  VEIL_HASH_KERNEL_AVX512 = 3,
} VeilHashKernel;

void     _veil_hash_scan_generic (const VeilPdqHash *hashes, gsize n, const VeilPdqHash *needles,
                                  guint n_needles, guint max_distance, guint64 base, GArray *hits);
void     _veil_hash_scan_avx2    (const VeilPdqHash *hashes, gsize n, const VeilPdqHash *needles,
                                  guint n_needles, guint max_distance, guint64 base, GArray *hits);
void     _veil_hash_scan_avx512  (const VeilPdqHash *hashes, gsize n, const VeilPdqHash *needles,
                                  guint n_needles, guint max_distance, guint64 base, GArray *hits);

/* Whether this CPU (and this build) can run @kernel. */
gboolean _veil_hash_kernel_supported (VeilHashKernel kernel);
/* Forces a kernel (tests and benchmarks); AUTO picks the best supported one. Returns FALSE
 * when @kernel cannot run here. */
gboolean _veil_hash_index_set_kernel (VeilHashIndex  *self,
                                      VeilHashKernel  kernel);

/* Lets tests spread even small lists over threads. */
void     _veil_hash_index_set_thread_min (VeilHashIndex *self,
                                          gsize          thread_min);

G_END_DECLS
