/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "veil.h"
#include "veil-hash-index-private.h"
#include "veil-hash-list-private.h"
#include "veil-bench-utils.h"

/* bench/match: 1 000 000 random hashes, 1 000 images' eight dihedral needles at distance 31.
 * Baseline, measured in the same run: a plain linear scan (per entry, per needle, four
 * popcounts), built with the popcount instruction where the CPU has one, as anyone would
 * build it for speed. Targets: ≥ 2.5 G comparisons/s on one core and ≥ 3 × the plain scan
 * per core. Also: loading the list from a text file, its memory per entry, and one thread
 * against two on lists of growing size (where a second thread starts to pay), and a list of
 * ten million entries imported into a store and made ready from it as a check does
 * (VEIL_BENCH_BINARY_ENTRIES changes the count), target 0.3 s.
 * VEIL_KERNELS=avx2 caps the kernel AUTO picks, as on a machine without AVX-512.
 *
 *   bench-match [N_ENTRIES N_IMAGES] */

static void
random_hash (GRand *rand, VeilPdqHash *hash)
{
  for (int w = 0; w < 4; w++)
    hash->w[w] = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
}

/* The baseline: what one writes first, with the hardware popcount. */
#ifdef __x86_64__
__attribute__ ((target ("popcnt")))
#endif
static guint
naive_scan (const VeilPdqHash *hashes, gsize n, const VeilPdqHash *needles, guint n_needles, guint max_distance)
{
  guint found = 0;

  for (gsize i = 0; i < n; i++)
    for (guint k = 0; k < n_needles; k++)
      {
        guint d = 0;

        for (int w = 0; w < 4; w++)
          d += __builtin_popcountll (hashes[i].w[w] ^ needles[k].w[w]);
        if (d <= max_distance)
          {
            found++;
            break;
          }
      }
  return found;
}

static double time_queries (VeilHashIndex *index, const VeilPdqHash *needles, guint n_images, guint *found);

/* One thread against two on the first @sizes[i] entries: where threads start to pay. The
 * index's default kernel, medians of 5 runs of a few queries each. */
static void
crossover (const VeilPdqHash *hashes,
           gsize              n,
           const VeilPdqHash *needles,
           guint              n_images)
{
  const gsize sizes[] = { 1 << 14, 1 << 16, 1 << 18, 1000000, 4000000, 10000000 };

  printf ("  threads (%s kernel): time with 2 threads / time with 1, by list size\n",
          g_getenv ("VEIL_KERNELS") ? g_getenv ("VEIL_KERNELS") : "default");
  for (guint s = 0; s < G_N_ELEMENTS (sizes) && sizes[s] <= n; s++)
    {
      g_autoptr(VeilHashList) part = veil_hash_list_new (NULL);
      guint queries = (guint) MAX (2, MIN (n_images, (gsize) 200 * 1000 * 1000 / 8 / sizes[s]));
      double t[2][5], med[2];

      for (gsize i = 0; i < sizes[s]; i++)
        veil_hash_list_add (part, &hashes[i], NULL);
      for (guint r = 0; r < 5; r++)
        for (guint threads = 1; threads <= 2; threads++)
          {
            g_autoptr(VeilHashIndex) index = veil_hash_index_new ();
            guint found;

            veil_hash_index_add_list (index, part);
            veil_hash_index_set_n_threads (index, threads);
            _veil_hash_index_set_thread_min (index, 1);
            t[threads - 1][r] = time_queries (index, needles, queries, &found) / queries;
          }
      for (guint k = 0; k < 2; k++)
        {
          double *v = t[k];
          double dummy;

          veil_bench_summarize (v, 5, &med[k], &dummy);
        }
      printf ("    %9zu entries   1 thread %8.3f ms/query   2 threads %8.3f ms/query   ratio %.2f\n",
              sizes[s], med[0] * 1e3, med[1] * 1e3, med[1] / med[0]);
    }
}

/* A @n-entry list imported into a real store, then loaded as the analyzer loads it before a
 * check: from its binary file next to the store (median of 3), and once from its row alone
 * (the file removed), which is what every load cost before the file was kept. */
static void
store_load (const char *dir,
            gsize       n)
{
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *lists = g_strconcat (path, "-lists", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (10);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = veil_store_new (path, NULL, &error);
  double t[3], median, unused, from_row;
  gint64 start;

  if (store == NULL)
    g_error ("%s", error->message);
  {
    g_autoptr(VeilHashList) list = veil_hash_list_new ("binary");

    for (gsize i = 0; i < n; i++)
      {
        VeilPdqHash h;

        random_hash (rand, &h);
        veil_hash_list_add (list, &h, NULL);
      }
    start = g_get_monotonic_time ();
    if (!veil_store_import_hash_list (store, 0, list, "bench", &error))
      g_error ("%s", error->message);
    printf ("  %zu-entry list imported into the store in %.2f s\n", n, (g_get_monotonic_time () - start) / 1e6);
  }
  for (guint r = 0; r < G_N_ELEMENTS (t); r++)
    {
      g_autoptr(GPtrArray) loaded = NULL;

      start = g_get_monotonic_time ();
      loaded = veil_store_load_hash_lists (store, 0, &error);
      t[r] = (g_get_monotonic_time () - start) / 1e6;
      if (loaded == NULL || loaded->len != 1 || ((VeilHashList *) loaded->pdata[0])->mapped == NULL)
        g_error ("the list did not load from its binary file");
    }
  veil_bench_summarize (t, G_N_ELEMENTS (t), &median, &unused);
  veil_bench_rm_rf (lists);
  {
    g_autoptr(GPtrArray) loaded = NULL;

    start = g_get_monotonic_time ();
    loaded = veil_store_load_hash_lists (store, 0, &error);
    from_row = (g_get_monotonic_time () - start) / 1e6;
  }
  printf ("  %zu-entry list ready to match from the store  %7.3f s (target <= 0.3 s); rebuilt from its row %.2f s\n",
          n, median, from_row);
}

/* Seconds for @n_images queries through @index. */
static double
time_queries (VeilHashIndex *index, const VeilPdqHash *needles, guint n_images, guint *found)
{
  gint64 start = g_get_monotonic_time ();

  *found = 0;
  for (guint q = 0; q < n_images; q++)
    {
      g_autoptr(GArray) matches = veil_hash_index_query (index, needles + q * 8, 8, VEIL_PDQ_MATCH_DISTANCE);
      *found += matches->len;
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  guint n_entries = argc > 1 ? atoi (argv[1]) : 1000000;
  guint n_images = argc > 2 ? atoi (argv[2]) : 1000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree VeilPdqHash *needles = g_new (VeilPdqHash, (gsize) n_images * 8);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(VeilHashList) list = NULL;
  g_autoptr(GError) error = NULL;
  gsize n;
  const VeilPdqHash *hashes;
  guint64 rss_before, rss_after;
  double load_s, naive_s, naive_rate;
  guint naive_images, found;
  gint64 t0;
  const struct { VeilHashKernel kernel; const char *name; guint divisor; } kernels[] = {
    { VEIL_HASH_KERNEL_AVX512, "avx512", 1 },
    { VEIL_HASH_KERNEL_AVX2, "avx2", 4 },
    { VEIL_HASH_KERNEL_GENERIC, "generic", 10 },
  };

  /* The list as a plain text file, loaded the way veilctl match loads it. */
  dir = g_dir_make_tmp ("veil-bench-match-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "list.txt", NULL);
  text = g_string_sized_new ((gsize) n_entries * 65);
  for (guint i = 0; i < n_entries; i++)
    {
      VeilPdqHash h;
      char hex[VEIL_PDQ_HEX_LENGTH + 1];

      random_hash (rand, &h);
      veil_pdq_hash_to_hex (&h, hex);
      g_string_append (text, hex);
      g_string_append_c (text, '\n');
    }
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  g_string_free (g_steal_pointer (&text), TRUE);

  for (guint i = 0; i < n_images * 8; i++)
    random_hash (rand, &needles[i]);

  rss_before = veil_bench_rss_bytes ();
  t0 = g_get_monotonic_time ();
  list = veil_hash_list_load_file (path, VEIL_HASH_LIST_FORMAT_AUTO, NULL, &error);
  load_s = (g_get_monotonic_time () - t0) / 1e6;
  rss_after = veil_bench_rss_bytes ();
  g_assert_no_error (error);
  hashes = _veil_hash_list_get_hashes (list, &n);
  /* Plant one near-duplicate per image so every query has something to report. */
  for (guint q = 0; q < n_images && q < n; q++)
    ((VeilPdqHash *) hashes)[(q * 7919u) % n] = needles[q * 8 + q % 8];

  printf ("bench/match — %u hashes, %u images x 8 dihedral needles, distance %d\n",
          n_entries, n_images, VEIL_PDQ_MATCH_DISTANCE);
  printf ("  list load                %8.2f s    %.2f M entries/s\n", load_s, n / load_s / 1e6);
  printf ("  list memory              %8.1f bytes/entry (held)   %.1f bytes/entry (RSS growth)\n",
          (double) veil_hash_list_get_memory_size (list) / n, (double) (rss_after - rss_before) / n);

  /* Naive baseline on a subset of the images (it is slow), as a rate. */
  naive_images = MAX (1, n_images / 50);
  t0 = g_get_monotonic_time ();
  found = 0;
  for (guint q = 0; q < naive_images; q++)
    found += naive_scan (hashes, n, needles + q * 8, 8, VEIL_PDQ_MATCH_DISTANCE);
  naive_s = (g_get_monotonic_time () - t0) / 1e6;
  naive_rate = (double) n * 8 * naive_images / naive_s;
  printf ("  plain scan with popcnt   %8.3f G comparisons/s   (%u images, %u found)\n",
          naive_rate / 1e9, naive_images, found);

  for (guint k = 0; k < G_N_ELEMENTS (kernels); k++)
    {
      g_autoptr(VeilHashIndex) index = veil_hash_index_new ();
      guint images = MAX (1, n_images / kernels[k].divisor);
      double s, rate;

      veil_hash_index_add_list (index, list);
      if (!_veil_hash_index_set_kernel (index, kernels[k].kernel))
        {
          printf ("  %-8s one thread       (not supported by this CPU)\n", kernels[k].name);
          continue;
        }
      veil_hash_index_set_n_threads (index, 1);
      s = time_queries (index, needles, images, &found);
      rate = (double) n * 8 * images / s;
      printf ("  %-8s one thread      %8.3f G comparisons/s   %6.1f x plain   %.2f ms/image (%u images, %u matches)\n",
              kernels[k].name, rate / 1e9, rate / naive_rate, s * 1e3 / images, images, found);
    }

  {
    g_autoptr(VeilHashIndex) index = veil_hash_index_new ();
    double s, rate;

    veil_hash_index_add_list (index, list);
    s = time_queries (index, needles, n_images, &found);
    rate = (double) n * 8 * n_images / s;
    printf ("  %-8s all %u cores     %8.3f G comparisons/s   %6.1f x plain   %.2f ms/image (%u matches)\n",
            veil_hash_index_get_kernel_name (index), g_get_num_processors (), rate / 1e9,
            rate / naive_rate, s * 1e3 / n_images, found);
  }

  crossover (hashes, n, needles, n_images);
  {
    const char *env = g_getenv ("VEIL_BENCH_BINARY_ENTRIES");

    store_load (dir, env != NULL ? g_ascii_strtoull (env, NULL, 10) : 10000000);
  }

  printf ("\ntargets: ≥ 2.5 G comparisons/s on one core; ≥ 3 x the plain scan per core\n");

  veil_bench_rm_rf (dir);
  return 0;
}
