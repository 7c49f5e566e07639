/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-index"

#include "config.h"

#include "veil-hash-index.h"
#include "veil-hash-index-private.h"
#include "veil-hash-list-private.h"

#include <string.h>

/* Finds every list entry within a Hamming distance of a set of needles (usually an image's
 * eight dihedral hashes). For lists up to about ten million hashes a flat scan with SIMD
 * popcounts beats multi-index hashing (PDQ.md §5-6: 2.5-3 G comparisons/s a core, no build
 * time, no memory beyond the lists), so that is what this is: the best kernel the CPU runs,
 * eight needles a pass, blocks of large lists spread over threads. */

/* Below this many entries one thread scans. The scan streams 32 bytes per entry and is
 * bound by memory bandwidth long before the cores run out, and a query starts its threads
 * afresh: on a 2-core machine bench/match measured two threads 1.4-9x slower than one up to
 * 256 K entries, and at 1 M and 4 M entries anywhere from 0.75x to 1.4x the time (1.1-1.3x
 * in most runs), so only lists larger than any measured are split. */
#define THREAD_MIN_ENTRIES (1 << 23)

struct _VeilHashIndex
{
  GObject           parent_instance;

  GPtrArray        *lists;        /* owned; VeilHashList refs */
  guint64           n_entries;
  guint             n_threads;    /* 0 = one per CPU */
  gsize             thread_min;   /* entries below which one thread scans */

  VeilHashScanFunc  scan;
  const char       *kernel_name;
};

G_DEFINE_FINAL_TYPE (VeilHashIndex, veil_hash_index, G_TYPE_OBJECT)

typedef struct {
  VeilHashScanFunc   scan;
  const VeilPdqHash *hashes;
  gsize              n;
  const VeilPdqHash *needles;
  guint              n_needles;
  guint              max_distance;
  guint64            base;
  GArray            *hits;        /* owned */
} ScanJob;

static gpointer
scan_job_run (gpointer data)
{
  ScanJob *job = data;

  job->scan (job->hashes, job->n, job->needles, job->n_needles, job->max_distance,
             job->base, job->hits);
  return NULL;
}

/* Scans one list for up to eight needles, appending its hits in entry order. */
static void
scan_list (VeilHashIndex     *self,
           VeilHashList      *list,
           const VeilPdqHash *needles,
           guint              n_needles,
           guint              max_distance,
           GArray            *hits)
{
  gsize n;
  const VeilPdqHash *hashes = _veil_hash_list_get_hashes (list, &n);
  guint n_threads = self->n_threads != 0 ? self->n_threads : g_get_num_processors ();
  g_autofree ScanJob *jobs = NULL;
  g_autofree GThread **threads = NULL;
  gsize block;

  if (n == 0)
    return;

  n_threads = MAX (1, MIN (n_threads, n / MAX (1, self->thread_min / 2)));
  if (n < self->thread_min || n_threads == 1)
    {
      self->scan (hashes, n, needles, n_needles, max_distance, 0, hits);
      return;
    }

  jobs = g_new0 (ScanJob, n_threads);
  threads = g_new0 (GThread *, n_threads);
  block = (n + n_threads - 1) / n_threads;
  for (guint t = 0; t < n_threads; t++)
    {
      gsize start = MIN (n, t * block);

      jobs[t] = (ScanJob) { self->scan, hashes + start, MIN (block, n - start), needles,
                            n_needles, max_distance, start,
                            g_array_new (FALSE, FALSE, sizeof (VeilHashHit)) };
      /* The calling thread takes the first block itself. */
      if (t > 0)
        threads[t] = g_thread_new ("veil-hash-scan", scan_job_run, &jobs[t]);
    }
  scan_job_run (&jobs[0]);
  for (guint t = 0; t < n_threads; t++)
    {
      if (t > 0)
        g_thread_join (threads[t]);
      g_array_append_vals (hits, jobs[t].hits->data, jobs[t].hits->len);
      g_array_unref (jobs[t].hits);
    }
}

static int
compare_matches (gconstpointer pa,
                 gconstpointer pb,
                 gpointer      user_data)
{
  const VeilHashMatch *a = pa;
  const VeilHashMatch *b = pb;
  GPtrArray *lists = user_data;
  guint ia, ib;

  if (a->distance != b->distance)
    return a->distance < b->distance ? -1 : 1;
  if (a->list != b->list)
    {
      g_ptr_array_find (lists, a->list, &ia);
      g_ptr_array_find (lists, b->list, &ib);
      return ia < ib ? -1 : 1;
    }
  return (a->entry > b->entry) - (a->entry < b->entry);
}

static void
veil_hash_index_finalize (GObject *object)
{
  VeilHashIndex *self = VEIL_HASH_INDEX (object);

  g_clear_pointer (&self->lists, g_ptr_array_unref);

  G_OBJECT_CLASS (veil_hash_index_parent_class)->finalize (object);
}

static void
veil_hash_index_class_init (VeilHashIndexClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_hash_index_finalize;
}

static void
veil_hash_index_init (VeilHashIndex *self)
{
  self->lists = g_ptr_array_new_with_free_func (g_object_unref);
  self->thread_min = THREAD_MIN_ENTRIES;
  _veil_hash_index_set_kernel (self, VEIL_HASH_KERNEL_AUTO);
}

gboolean
_veil_hash_kernel_supported (VeilHashKernel kernel)
{
  switch (kernel)
    {
    case VEIL_HASH_KERNEL_AUTO:
    case VEIL_HASH_KERNEL_GENERIC:
      return TRUE;
#ifdef __x86_64__
    case VEIL_HASH_KERNEL_AVX2:
      return __builtin_cpu_supports ("avx2");
    case VEIL_HASH_KERNEL_AVX512:
      return __builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512vpopcntdq");
#endif
    default:
      return FALSE;
    }
}

gboolean
_veil_hash_index_set_kernel (VeilHashIndex  *self,
                             VeilHashKernel  kernel)
{
  g_return_val_if_fail (VEIL_IS_HASH_INDEX (self), FALSE);

  if (!_veil_hash_kernel_supported (kernel))
    return FALSE;

  if (kernel == VEIL_HASH_KERNEL_AUTO)
    {
      /* VEIL_KERNELS caps the instruction set, as for the classifier's kernels: a machine
       * with AVX-512 then measures and tests what an AVX2-only one runs. */
      const char *cap = g_getenv ("VEIL_KERNELS");
      gboolean no_avx512 = g_strcmp0 (cap, "avx2") == 0 || g_strcmp0 (cap, "portable") == 0;
      gboolean no_avx2 = g_strcmp0 (cap, "portable") == 0;

      if (!no_avx512 && _veil_hash_kernel_supported (VEIL_HASH_KERNEL_AVX512))
        kernel = VEIL_HASH_KERNEL_AVX512;
      else if (!no_avx2 && _veil_hash_kernel_supported (VEIL_HASH_KERNEL_AVX2))
        kernel = VEIL_HASH_KERNEL_AVX2;
      else
        kernel = VEIL_HASH_KERNEL_GENERIC;
    }

  switch (kernel)
    {
#ifdef __x86_64__
    case VEIL_HASH_KERNEL_AVX512:
      self->scan = _veil_hash_scan_avx512;
      self->kernel_name = "avx512";
      break;
    case VEIL_HASH_KERNEL_AVX2:
      self->scan = _veil_hash_scan_avx2;
      self->kernel_name = "avx2";
      break;
#endif
    case VEIL_HASH_KERNEL_GENERIC:
    default:
      self->scan = _veil_hash_scan_generic;
      self->kernel_name = "generic";
      break;
    }
  return TRUE;
}

void
_veil_hash_index_set_thread_min (VeilHashIndex *self,
                                 gsize          thread_min)
{
  g_return_if_fail (VEIL_IS_HASH_INDEX (self));
  self->thread_min = MAX (1, thread_min);
}

/**
 * veil_hash_index_new:
 *
 * Returns: (transfer full): an empty index
 */
VeilHashIndex *
veil_hash_index_new (void)
{
  return g_object_new (VEIL_TYPE_HASH_INDEX, NULL);
}

/**
 * veil_hash_index_add_list:
 * @list: a list; the index keeps a reference and reads its entries in place
 *
 * Adds @list to what queries search. Lists must not grow while they are in an index.
 */
void
veil_hash_index_add_list (VeilHashIndex *self,
                          VeilHashList  *list)
{
  g_return_if_fail (VEIL_IS_HASH_INDEX (self));
  g_return_if_fail (VEIL_IS_HASH_LIST (list));

  g_ptr_array_add (self->lists, g_object_ref (list));
  self->n_entries += veil_hash_list_get_n_entries (list);
}

guint
veil_hash_index_get_n_lists (VeilHashIndex *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_INDEX (self), 0);
  return self->lists->len;
}

/**
 * veil_hash_index_get_list:
 *
 * Returns: (transfer none): the list at @index, in the order they were added
 */
VeilHashList *
veil_hash_index_get_list (VeilHashIndex *self,
                          guint          index)
{
  g_return_val_if_fail (VEIL_IS_HASH_INDEX (self), NULL);
  g_return_val_if_fail (index < self->lists->len, NULL);
  return g_ptr_array_index (self->lists, index);
}

guint64
veil_hash_index_get_n_entries (VeilHashIndex *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_INDEX (self), 0);
  return self->n_entries;
}

/**
 * veil_hash_index_set_n_threads:
 * @n_threads: threads a query may use on large lists; 0 = one per CPU
 */
void
veil_hash_index_set_n_threads (VeilHashIndex *self,
                               guint          n_threads)
{
  g_return_if_fail (VEIL_IS_HASH_INDEX (self));
  self->n_threads = n_threads;
}

/**
 * veil_hash_index_get_kernel_name:
 *
 * Returns: the scan in use: "avx512", "avx2" or "generic"
 */
const char *
veil_hash_index_get_kernel_name (VeilHashIndex *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_INDEX (self), NULL);
  return self->kernel_name;
}

/**
 * veil_hash_index_query:
 * @needles: (array length=n_needles): hashes to look for
 * @n_needles: how many, at least 1
 * @max_distance: the largest Hamming distance that counts (%VEIL_PDQ_MATCH_DISTANCE = 31)
 *
 * Finds every entry within @max_distance of any needle. An entry close to several needles
 * is reported once, with its smallest distance and the first needle at that distance.
 *
 * Returns: (transfer full) (element-type VeilHashMatch): the matches, closest first, then
 *   in list and entry order
 */
GArray *
veil_hash_index_query (VeilHashIndex     *self,
                       const VeilPdqHash *needles,
                       guint              n_needles,
                       guint              max_distance)
{
  g_autoptr(GArray) hits = NULL;
  GArray *matches;

  g_return_val_if_fail (VEIL_IS_HASH_INDEX (self), NULL);
  g_return_val_if_fail (needles != NULL, NULL);
  g_return_val_if_fail (n_needles > 0, NULL);

  max_distance = MIN (max_distance, 256);
  matches = g_array_new (FALSE, FALSE, sizeof (VeilHashMatch));
  hits = g_array_new (FALSE, FALSE, sizeof (VeilHashHit));

  for (guint l = 0; l < self->lists->len; l++)
    {
      VeilHashList *list = g_ptr_array_index (self->lists, l);
      g_autoptr(GHashTable) seen = NULL;
      gsize first = matches->len;

      if (n_needles > VEIL_HASH_SCAN_MAX_NEEDLES)
        seen = g_hash_table_new (NULL, NULL);

      for (guint g = 0; g < n_needles; g += VEIL_HASH_SCAN_MAX_NEEDLES)
        {
          guint n_group = MIN (VEIL_HASH_SCAN_MAX_NEEDLES, n_needles - g);

          g_array_set_size (hits, 0);
          scan_list (self, list, needles + g, n_group, max_distance, hits);

          for (guint h = 0; h < hits->len; h++)
            {
              const VeilHashHit *hit = &g_array_index (hits, VeilHashHit, h);
              VeilHashMatch match = { list, (guint) hit->index, hit->distance, g + hit->needle };
              gpointer slot;

              /* With more than eight needles an entry may come back from several groups:
               * keep the closest, earlier needles winning ties. */
              if (seen != NULL &&
                  g_hash_table_lookup_extended (seen, GUINT_TO_POINTER (match.entry + 1), NULL, &slot))
                {
                  VeilHashMatch *old = &g_array_index (matches, VeilHashMatch,
                                                       first + GPOINTER_TO_UINT (slot));
                  if (match.distance < old->distance)
                    *old = match;
                  continue;
                }
              if (seen != NULL)
                g_hash_table_insert (seen, GUINT_TO_POINTER (match.entry + 1),
                                     GUINT_TO_POINTER (matches->len - first));
              g_array_append_val (matches, match);
            }
        }
    }

  g_array_sort_with_data (matches, compare_matches, self->lists);
  return matches;
}
