/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "veil.h"
#include "veil-hash-index-private.h"
#include "veil-test-utils.h"

/* VeilHashIndex: every scan kernel this CPU runs, one thread and several, against a naive
 * scan written here, on random lists and on adversarial ones full of near-duplicates sitting
 * right at the threshold. */

#define N_ENTRIES 100000

static void
random_hash (GRand       *rand,
             VeilPdqHash *hash)
{
  for (int w = 0; w < 4; w++)
    hash->w[w] = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
}

/* @hash with @bits distinct random bits flipped. */
static void
flip_bits (GRand       *rand,
           VeilPdqHash *hash,
           guint        bits)
{
  guint8 used[256] = { 0 };

  while (bits > 0)
    {
      guint b = g_rand_int_range (rand, 0, 256);

      if (used[b])
        continue;
      used[b] = 1;
      hash->w[b / 64] ^= G_GUINT64_CONSTANT (1) << (b % 64);
      bits--;
    }
}

/* The obvious loop, nothing shared with the library but the hash type. */
static GArray *
naive_query (VeilHashList      *list,
             const VeilPdqHash *needles,
             guint              n_needles,
             guint              max_distance)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (VeilHashMatch));

  for (guint i = 0; i < veil_hash_list_get_n_entries (list); i++)
    {
      const VeilPdqHash *h = veil_hash_list_get_hash (list, i);
      VeilHashMatch m = { list, i, G_MAXUINT, 0 };

      for (guint k = 0; k < n_needles; k++)
        {
          guint d = 0;

          for (int w = 0; w < 4; w++)
            d += __builtin_popcountll (h->w[w] ^ needles[k].w[w]);
          if (d < m.distance)
            {
              m.distance = d;
              m.needle = k;
            }
        }
      if (m.distance <= max_distance)
        g_array_append_val (out, m);
    }
  return out;
}

static int
by_entry (gconstpointer a,
          gconstpointer b)
{
  const VeilHashMatch *x = a, *y = b;

  return (x->entry > y->entry) - (x->entry < y->entry);
}

static void
assert_same_matches (GArray *got,
                     GArray *expected)
{
  g_array_sort (got, by_entry);
  g_array_sort (expected, by_entry);
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    {
      VeilHashMatch *a = &g_array_index (got, VeilHashMatch, i);
      VeilHashMatch *b = &g_array_index (expected, VeilHashMatch, i);

      g_assert_true (a->list == b->list);
      g_assert_cmpuint (a->entry, ==, b->entry);
      g_assert_cmpuint (a->distance, ==, b->distance);
      g_assert_cmpuint (a->needle, ==, b->needle);
    }
}

/* Runs @needles through every kernel and thread count and compares with the naive scan. */
static guint
check_all_kernels (VeilHashList      *list,
                   const VeilPdqHash *needles,
                   guint              n_needles,
                   guint              max_distance)
{
  g_autoptr(GArray) expected = naive_query (list, needles, n_needles, max_distance);
  const VeilHashKernel kernels[] = { VEIL_HASH_KERNEL_GENERIC, VEIL_HASH_KERNEL_AVX2, VEIL_HASH_KERNEL_AVX512 };
  const guint threads[] = { 1, 3 };

  for (guint k = 0; k < G_N_ELEMENTS (kernels); k++)
    {
      if (!_veil_hash_kernel_supported (kernels[k]))
        {
          g_test_message ("kernel %d not supported on this CPU: not compared", kernels[k]);
          continue;
        }
      for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
        {
          g_autoptr(VeilHashIndex) index = veil_hash_index_new ();
          g_autoptr(GArray) got = NULL;
          g_autoptr(GArray) copy = g_array_copy (expected);

          veil_hash_index_add_list (index, list);
          g_assert_true (_veil_hash_index_set_kernel (index, kernels[k]));
          veil_hash_index_set_n_threads (index, threads[t]);
          if (threads[t] > 1)
            _veil_hash_index_set_thread_min (index, 1000);
          got = veil_hash_index_query (index, needles, n_needles, max_distance);

          /* Closest first. */
          for (guint i = 1; i < got->len; i++)
            g_assert_cmpuint (g_array_index (got, VeilHashMatch, i - 1).distance, <=,
                              g_array_index (got, VeilHashMatch, i).distance);
          assert_same_matches (got, copy);
        }
    }
  return expected->len;
}

static void
test_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2026);
  g_autoptr(VeilHashList) list = veil_hash_list_new ("random");
  VeilPdqHash needles[VEIL_PDQ_N_DIHEDRAL];
  guint found;

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      VeilPdqHash h;

      random_hash (rand, &h);
      veil_hash_list_add (list, &h, NULL);
    }
  for (guint k = 0; k < VEIL_PDQ_N_DIHEDRAL; k++)
    random_hash (rand, &needles[k]);

  /* Random hashes sit ~128 bits apart: at 31 nothing matches; at 110 some do. */
  g_assert_cmpuint (check_all_kernels (list, needles, VEIL_PDQ_N_DIHEDRAL, 31), ==, 0);
  found = check_all_kernels (list, needles, VEIL_PDQ_N_DIHEDRAL, 110);
  g_assert_cmpuint (found, >, 0);
  g_test_message ("random: %u matches at distance 110", found);
  /* Fewer needles than a kernel pass takes. */
  check_all_kernels (list, needles, 3, 112);
}

/* Clusters of near-duplicates at distances around the threshold, plus exact copies. */
static void
test_clustered (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (31);
  g_autoptr(VeilHashList) list = veil_hash_list_new ("clustered");
  VeilPdqHash needles[11];
  guint found;

  for (guint k = 0; k < G_N_ELEMENTS (needles); k++)
    random_hash (rand, &needles[k]);

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      VeilPdqHash h = needles[g_rand_int_range (rand, 0, G_N_ELEMENTS (needles))];

      flip_bits (rand, &h, g_rand_int_range (rand, 0, 48));
      veil_hash_list_add (list, &h, NULL);
    }

  found = check_all_kernels (list, needles, 8, 31);
  g_assert_cmpuint (found, >, N_ENTRIES / 3);
  g_test_message ("clustered: %u matches of %u at distance 31", found, N_ENTRIES);
  check_all_kernels (list, needles, 8, 0);
  check_all_kernels (list, needles, 1, 31);
  /* More than eight needles: several passes, each entry reported once. */
  check_all_kernels (list, needles, G_N_ELEMENTS (needles), 31);
}

static void
test_threshold_edges (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(VeilHashList) list = veil_hash_list_new ("edges");
  g_autoptr(VeilHashIndex) index = veil_hash_index_new ();
  g_autoptr(GArray) matches = NULL;
  VeilPdqHash needle;

  random_hash (rand, &needle);
  for (guint d = 29; d <= 33; d++)
    {
      VeilPdqHash h = needle;
      g_autofree char *label = g_strdup_printf ("d%u", d);

      flip_bits (rand, &h, d);
      veil_hash_list_add (list, &h, label);
    }
  veil_hash_index_add_list (index, list);
  matches = veil_hash_index_query (index, &needle, 1, VEIL_PDQ_MATCH_DISTANCE);

  g_assert_cmpuint (matches->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      VeilHashMatch *m = &g_array_index (matches, VeilHashMatch, i);
      g_autofree char *label = g_strdup_printf ("d%u", 29 + i);

      g_assert_cmpuint (m->distance, ==, 29 + i);
      g_assert_cmpstr (veil_hash_list_get_label (m->list, m->entry), ==, label);
    }
}

static void
test_several_lists (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  g_autoptr(VeilHashList) a = veil_hash_list_new ("a");
  g_autoptr(VeilHashList) b = veil_hash_list_new ("b");
  g_autoptr(VeilHashList) empty = veil_hash_list_new ("empty");
  g_autoptr(VeilHashIndex) index = veil_hash_index_new ();
  g_autoptr(GArray) matches = NULL;
  VeilPdqHash needle, near, other;

  random_hash (rand, &needle);
  random_hash (rand, &other);
  near = needle;
  flip_bits (rand, &near, 4);
  veil_hash_list_add (a, &other, "other");
  veil_hash_list_add (a, &near, "near in a");
  veil_hash_list_add (b, &needle, "same in b");

  veil_hash_index_add_list (index, a);
  veil_hash_index_add_list (index, empty);
  veil_hash_index_add_list (index, b);
  g_assert_cmpuint (veil_hash_index_get_n_lists (index), ==, 3);
  g_assert_cmpuint (veil_hash_index_get_n_entries (index), ==, 3);
  g_assert_nonnull (veil_hash_index_get_kernel_name (index));

  matches = veil_hash_index_query (index, &needle, 1, 31);
  g_assert_cmpuint (matches->len, ==, 2);
  g_assert_true (g_array_index (matches, VeilHashMatch, 0).list == b);
  g_assert_cmpuint (g_array_index (matches, VeilHashMatch, 0).distance, ==, 0);
  g_assert_true (g_array_index (matches, VeilHashMatch, 1).list == a);
  g_assert_cmpuint (g_array_index (matches, VeilHashMatch, 1).entry, ==, 1);
  g_assert_cmpuint (g_array_index (matches, VeilHashMatch, 1).distance, ==, 4);
}

/* An image's eight dihedral hashes find a rotated copy of it in a list. */
static void
test_dihedral_lookup (void)
{
  g_autofree char *orig_path = NULL;
  g_autofree char *rot_path = NULL;
  g_autoptr(VeilPdq) orig = NULL;
  g_autoptr(VeilPdq) rotated = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_new ("protected");
  g_autoptr(VeilHashIndex) index = veil_hash_index_new ();
  g_autoptr(GArray) matches = NULL;
  VeilPdqHash needles[VEIL_PDQ_N_DIHEDRAL];
  g_autoptr(GError) error = NULL;

  if (!veil_test_require_testdata ("pdq/images/bridge-2-rotate-90.jpg"))
    return;

  orig_path = veil_test_build_testdata ("pdq", "images", "bridge-1-original.jpg", NULL);
  rot_path = veil_test_build_testdata ("pdq", "images", "bridge-2-rotate-90.jpg", NULL);
  orig = veil_pdq_hash_file (orig_path, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  rotated = veil_pdq_hash_file (rot_path, VEIL_PDQ_MODE_EXACT, TRUE, NULL, NULL, &error);
  g_assert_no_error (error);

  veil_hash_list_add (list, veil_pdq_get_hash (orig), "bridge");
  veil_hash_index_add_list (index, list);
  for (guint k = 0; k < VEIL_PDQ_N_DIHEDRAL; k++)
    needles[k] = *veil_pdq_get_dihedral (rotated, k);

  /* The rotated file's own hash is far from the original... */
  g_assert_cmpuint (veil_pdq_hash_distance (veil_pdq_get_hash (rotated), veil_pdq_get_hash (orig)), >, 31);
  /* ...but one of its dihedral variants is close. */
  matches = veil_hash_index_query (index, needles, VEIL_PDQ_N_DIHEDRAL, 31);
  g_assert_cmpuint (matches->len, ==, 1);
  g_assert_cmpuint (g_array_index (matches, VeilHashMatch, 0).distance, <=, 8);
  g_assert_cmpuint (g_array_index (matches, VeilHashMatch, 0).needle, !=, VEIL_PDQ_DIHEDRAL_ORIG);
}

/* VEIL_KERNELS caps the scan a new index picks, as it caps the classifier's kernels. */
static void
test_kernel_capped (void)
{
  const struct { const char *cap; const char *widest; } caps[] = {
    { "portable", "generic" },
    { "avx2", "avx2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (caps); i++)
    {
      g_autoptr(VeilHashIndex) index = NULL;
      const char *want = caps[i].widest;

      if (g_str_equal (want, "avx2") && !_veil_hash_kernel_supported (VEIL_HASH_KERNEL_AVX2))
        want = "generic";
      g_setenv ("VEIL_KERNELS", caps[i].cap, TRUE);
      index = veil_hash_index_new ();
      g_assert_cmpstr (veil_hash_index_get_kernel_name (index), ==, want);
    }
  g_unsetenv ("VEIL_KERNELS");
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/hash-index/random", test_random);
  g_test_add_func ("/veil/hash-index/clustered", test_clustered);
  g_test_add_func ("/veil/hash-index/threshold-edges", test_threshold_edges);
  g_test_add_func ("/veil/hash-index/several-lists", test_several_lists);
  g_test_add_func ("/veil/hash-index/dihedral-lookup", test_dihedral_lookup);
  g_test_add_func ("/veil/hash-index/kernel-capped", test_kernel_capped);

  return g_test_run ();
}
