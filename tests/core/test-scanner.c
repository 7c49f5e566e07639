/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <linux/capability.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-test-classifier.h"
#include "veil-scanner-private.h"
#include "veil-test-utils.h"

/* VeilScanner on real folders of pictures written here with libvips, a real store, real hash
 * lists of the pictures' PDQ hashes, and a small test classifier (the scanner's logic, not the
 * model, is under test: it flags pictures that are mostly red). */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* --- Fixture --------------------------------------------------------------------------- */

typedef struct {
  char           *dir;
  char           *library;
  VeilStore      *store;
  VeilTestClassifier *classifier;
  VeilAnalyzer   *analyzer;
  VeilProfile    *profile;
} ScanFixture;

static VeilProfile *
save_profile (VeilStore   *store,
              const char  *name,
              const char  *folder,
              gboolean     scan_on,
              gboolean     tell_guardian,
              guint        threshold)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);
  const char *folders[] = { folder, NULL };

  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, scan_on);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_GUARDIAN_ALERTS, tell_guardian);
  veil_profile_builder_set_match_threshold (b, threshold);
  return veil_test_save_profile (store, b, TRUE);
}

static void
open_stores (ScanFixture *fixture)
{
  g_autofree char *db = g_build_filename (fixture->dir, "veil.db", NULL);
  g_autoptr(GError) error = NULL;

  fixture->store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup_in (ScanFixture *fixture,
                  const char  *dir)
{
  fixture->dir = g_strdup (dir);
  fixture->library = g_build_filename (fixture->dir, "Pictures", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->library, 0700), ==, 0);
  open_stores (fixture);
  fixture->classifier = veil_test_classifier_new (0);
  fixture->analyzer = veil_analyzer_new (VEIL_CLASSIFIER (fixture->classifier));
}

static void
fixture_setup (ScanFixture   *fixture,
               gconstpointer  data)
{
  g_autofree char *dir = veil_test_make_tmpdir ();

  fixture_setup_in (fixture, dir);
  fixture->profile = save_profile (fixture->store, "Sam", fixture->library, TRUE, TRUE, 3);
}

static void
fixture_teardown (ScanFixture   *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->profile, veil_profile_unref);
  g_clear_object (&fixture->analyzer);
  g_clear_object (&fixture->classifier);
  g_clear_object (&fixture->store);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->library);
}

/* A smooth seeded pattern; @red makes the test classifier flag it. */
static VipsImage *
make_picture (guint    width,
              guint    height,
              guint32  seed,
              gboolean red)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);
  double f[3][4];

  for (guint c = 0; c < 3; c++)
    for (guint k = 0; k < 4; k++)
      f[c][k] = g_rand_double_range (rand, 1.0, 9.0);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < 3; c++)
        {
          double u = (double) x / width, v = (double) y / height;
          double value = sin (f[c][0] * u * G_PI + f[c][1]) * cos (f[c][2] * v * G_PI + f[c][3]);
          double level = 127.5 + 127.0 * value;

          if (red)
            level = c == 0 ? 160 + 90 * value : 20 + 15 * value;
          rgb[((gsize) y * width + x) * 3 + c] = (guint8) level;
        }
  return vips_image_new_from_memory_copy (rgb, (size_t) width * height * 3, (int) width, (int) height, 3, VIPS_FORMAT_UCHAR);
}

static char *
write_picture (const char *dir,
               const char *name,
               guint       width,
               guint       height,
               guint32     seed,
               gboolean    red)
{
  g_autoptr(VipsImage) image = make_picture (width, height, seed, red);
  g_autofree char *parent = NULL;
  char *path = g_build_filename (dir, name, NULL);

  parent = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_cmpint (vips_image_write_to_file (image, path, NULL), ==, 0);
  return path;
}

/* An 8-frame GIF; frame @red_frame (or none, if out of range) is red. */
static void
write_animation (const char *path,
                 guint       red_frame)
{
  VipsImage *frames[8];
  g_autoptr(VipsImage) strip = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    frames[i] = make_picture (160, 120, 400 + i, i == red_frame);
  g_assert_cmpint (vips_arrayjoin (frames, &strip, G_N_ELEMENTS (frames), "across", 1, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    g_object_unref (frames[i]);
  vips_image_set_int (strip, VIPS_META_PAGE_HEIGHT, 120);
  g_assert_cmpint (vips_gifsave (strip, path, NULL), ==, 0);
}

static void
import_list_of (ScanFixture *fixture,
                const char  *path,
                gint64       profile_id)
{
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Known pictures");
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(GError) error = NULL;
  VeilImageLimits limits;

  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (path, VEIL_PDQ_MODE_FAST, FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  veil_hash_list_set_version (list, 2);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), "entry-1");
  veil_store_import_hash_list (fixture->store, profile_id, list, "tests", &error);
  g_assert_no_error (error);
}

static VeilScanSummary *
scan (ScanFixture *fixture,
      guint        n_workers)
{
  g_autoptr(VeilScanner) scanner = veil_scanner_new (fixture->analyzer, fixture->store, fixture->profile);
  g_autoptr(GError) error = NULL;
  VeilScanSummary *summary;

  if (n_workers > 0)
    veil_scanner_set_n_workers (scanner, n_workers);
  summary = veil_scanner_scan_sync (scanner, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);
  return summary;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* sha256 and mtime of every file under @dir, to prove that scans change nothing. */
static void
fingerprint_dir (const char *dir,
                 GString    *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        fingerprint_dir (path, out);
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *contents = NULL;
          g_autofree char *sum = NULL;
          gsize length = 0;

          if (g_file_get_contents (path, &contents, &length, NULL))
            sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, length);
          g_string_append_printf (out, "%s %s %ld.%09ld %o\n", path, sum, (long) st.st_mtim.tv_sec,
                                  (long) st.st_mtim.tv_nsec, (unsigned) st.st_mode);
        }
    }
}

/* --- Tests ------------------------------------------------------------------------------- */

static void
test_incremental (ScanFixture   *fixture,
                  gconstpointer  data)
{
  g_autoptr(VeilScanSummary) first = NULL;
  g_autoptr(VeilScanSummary) second = NULL;
  g_autoptr(VeilScanSummary) third = NULL;
  g_autoptr(GString) before = g_string_new (NULL);
  g_autoptr(GString) after = g_string_new (NULL);
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *notes = g_build_filename (fixture->library, "notes.txt", NULL);
  VeilAlert *alert;
  gint calls;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/photo-%u.%s", i % 2 ? "2024" : "2025/june", i, i % 3 ? "png" : "jpg");
      g_free (write_picture (fixture->library, name, 320 + 16 * i, 240, 100 + i, FALSE));
    }
  listed = write_picture (fixture->library, "2025/listed.png", 400, 300, 7, FALSE);
  g_free (write_picture (fixture->library, "red.png", 300, 300, 8, TRUE));
  g_assert_true (g_file_set_contents (notes, "not a picture, not looked at", -1, NULL));
  import_list_of (fixture, listed, 0);
  fingerprint_dir (fixture->library, before);

  first = scan (fixture, 0);
  g_assert_cmpuint (first->n_seen, ==, 12);
  g_assert_cmpuint (first->n_analyzed, ==, 12);
  g_assert_cmpuint (first->n_cached, ==, 0);
  g_assert_cmpuint (first->n_skipped, ==, 0);
  g_assert_cmpuint (first->n_matched, ==, 1);
  g_assert_cmpuint (first->n_flagged, ==, 1);
  g_assert_cmpuint (first->n_new_alerts, ==, 2);
  g_assert_cmpuint (first->n_held, ==, 2);
  g_assert_false (first->resumed);
  calls = (gint) veil_test_classifier_get_n_calls (fixture->classifier);
  g_assert_cmpint (calls, ==, 12);

  /* Unchanged: nothing is decoded or classified again, and nothing is alerted twice. */
  second = scan (fixture, 0);
  g_assert_cmpuint (second->n_seen, ==, 12);
  g_assert_cmpuint (second->n_analyzed, ==, 0);
  g_assert_cmpuint (second->n_cached, ==, 12);
  g_assert_cmpuint (second->n_matched, ==, 1);
  g_assert_cmpuint (second->n_flagged, ==, 1);
  g_assert_cmpuint (second->n_new_alerts, ==, 0);
  g_assert_cmpint ((gint) veil_test_classifier_get_n_calls (fixture->classifier), ==, calls);

  /* The scan only read: every file is as it was. */
  fingerprint_dir (fixture->library, after);
  g_assert_cmpstr (before->str, ==, after->str);

  /* One file replaced: only it is analysed again. */
  changed = write_picture (fixture->library, "2024/photo-1.png", 500, 500, 999, FALSE);
  third = scan (fixture, 0);
  g_assert_cmpuint (third->n_analyzed, ==, 1);
  g_assert_cmpuint (third->n_cached, ==, 11);

  alerts = veil_store_list_alerts (fixture->store, veil_profile_get_id (fixture->profile), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 2);
  alert = g_ptr_array_index (alerts, 0);
  g_assert_cmpstr (alert->state, ==, VEIL_ALERT_STATE_HELD);
  g_assert_true (g_str_has_suffix (alert->path, ".png"));
  for (guint i = 0; i < alerts->len; i++)
    {
      VeilAlert *a = g_ptr_array_index (alerts, i);
      VeilReason *r = veil_verdict_get_reason (a->verdict, 0);

      if (g_str_equal (a->path, listed))
        {
          g_assert_cmpint (veil_reason_get_signal (r), ==, VEIL_SIGNAL_HASH_LIST);
          g_assert_cmpstr (veil_reason_get_source_name (r), ==, "Known pictures");
          g_assert_cmpstr (veil_reason_get_source_detail (r), ==, "entry-1");
        }
      else
        {
          g_assert_true (g_str_has_suffix (a->path, "red.png"));
          g_assert_cmpint (veil_reason_get_signal (r), ==, VEIL_SIGNAL_CLASSIFIER);
          g_assert_cmpstr (veil_reason_get_class_name (r), ==, "porn");
          g_assert_cmpstr (veil_reason_get_source_name (r), ==, "test-model");
        }
    }
}

static void
test_symlink_loop (ScanFixture   *fixture,
                   gconstpointer  data)
{
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autofree char *sub = g_build_filename (fixture->library, "a", "b", NULL);
  g_autofree char *up = g_build_filename (sub, "up", NULL);
  g_autofree char *self_link = g_build_filename (fixture->library, "again", NULL);
  g_autofree char *dangling = g_build_filename (fixture->library, "gone.jpg", NULL);
  g_autofree char *twin = g_build_filename (fixture->library, "twin.png", NULL);
  g_autofree char *one = NULL;

  one = write_picture (fixture->library, "a/b/one.png", 200, 200, 1, FALSE);
  g_free (write_picture (fixture->library, "a/two.png", 200, 200, 2, FALSE));
  /* A link to a parent, a link to the library itself, a link to nothing, a second name. */
  g_assert_cmpint (symlink ("../..", up), ==, 0);
  g_assert_cmpint (symlink (fixture->library, self_link), ==, 0);
  g_assert_cmpint (symlink ("nowhere.jpg", dangling), ==, 0);
  g_assert_cmpint (symlink (one, twin), ==, 0);

  summary = scan (fixture, 0);
  /* Each picture once, however many ways lead to it. */
  g_assert_cmpuint (summary->n_seen, ==, 2);
  g_assert_cmpuint (summary->n_analyzed, ==, 2);
  g_assert_cmpuint (summary->skipped[VEIL_SCAN_SKIP_SYMLINK_LOOP], ==, 2);
  g_assert_cmpuint (summary->skipped[VEIL_SCAN_SKIP_UNREADABLE_FILE], ==, 1);
  g_assert_cmpuint (summary->skipped_examples->len, ==, 3);
}

/* Root reads everything; a scan's view of unreadable files needs an ordinary user's rights. */
static void
drop_read_override (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct caps[2];

  if (geteuid () != 0)
    return;
  g_assert_cmpint (syscall (SYS_capget, &header, caps), ==, 0);
  caps[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
  g_assert_cmpint (syscall (SYS_capset, &header, caps), ==, 0);
}

static void
test_unreadable (ScanFixture   *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autofree char *locked = g_build_filename (fixture->library, "locked", NULL);
  g_autofree char *secret = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_free (write_picture (fixture->library, "ok.png", 200, 200, 1, FALSE));
  g_free (write_picture (fixture->library, "locked/inside.png", 200, 200, 2, FALSE));
  secret = write_picture (fixture->library, "secret.png", 200, 200, 3, FALSE);
  g_assert_cmpint (g_chmod (locked, 0), ==, 0);
  g_assert_cmpint (g_chmod (secret, 0), ==, 0);
  drop_read_override ();

  summary = scan (fixture, 0);
  g_assert_cmpuint (summary->n_analyzed, ==, 1);
  g_assert_cmpuint (summary->skipped[VEIL_SCAN_SKIP_UNREADABLE_FOLDER], ==, 1);
  g_assert_cmpuint (summary->skipped[VEIL_SCAN_SKIP_UNREADABLE_FILE], ==, 1);
  g_assert_cmpuint (summary->n_skipped, ==, 2);

  g_assert_cmpint (g_chmod (locked, 0700), ==, 0);
}

/* The profile's library alerts are exactly @cut and @huge, as pictures Veil could not check,
 * with their causes, shown to the guardian (this profile tells the guardian) and without a
 * thumbnail. */
static void
assert_not_checked (ScanFixture *fixture,
                    const char  *cut,
                    const char  *huge)
{
  g_autoptr(GPtrArray) alerts = veil_store_list_alerts (fixture->store, veil_profile_get_id (fixture->profile), NULL);

  g_assert_nonnull (alerts);
  g_assert_cmpuint (alerts->len, ==, 2);
  for (guint i = 0; i < alerts->len; i++)
    {
      VeilAlert *alert = g_ptr_array_index (alerts, i);
      g_autoptr(GBytes) thumbnail = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *sentence = veil_reason_describe (veil_verdict_get_reason (alert->verdict, 0));

      g_assert_true (veil_verdict_get_unchecked (alert->verdict));
      g_assert_false (veil_verdict_get_sensitive (alert->verdict));
      if (g_str_equal (alert->path, cut))
        g_assert_cmpint (veil_verdict_get_unchecked_cause (alert->verdict), ==, VEIL_UNCHECKED_DAMAGED);
      else
        {
          g_assert_cmpstr (alert->path, ==, huge);
          g_assert_cmpint (veil_verdict_get_unchecked_cause (alert->verdict), ==, VEIL_UNCHECKED_TOO_LARGE);
        }
      g_assert_true (g_str_has_prefix (sentence, "Veil couldn’t check this picture because"));
      g_assert_cmpstr (alert->state, ==, VEIL_ALERT_STATE_TOLD);
      thumbnail = veil_store_get_thumbnail (fixture->store, alert->id, &error);
      g_assert_null (thumbnail);
      g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
    }
}

static void
test_bad_pictures (ScanFixture   *fixture,
                   gconstpointer  data)
{
  g_autoptr(VeilScanSummary) first = NULL;
  g_autoptr(VeilScanSummary) second = NULL;
  g_autofree char *good = write_picture (fixture->library, "good.jpg", 640, 480, 4, FALSE);
  g_autofree char *cut = g_build_filename (fixture->library, "cut.jpg", NULL);
  g_autofree char *text = g_build_filename (fixture->library, "text.png", NULL);
  g_autofree char *empty = g_build_filename (fixture->library, "empty.gif", NULL);
  g_autofree char *huge = g_build_filename (fixture->library, "huge.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(VipsImage) dot = NULL;
  g_autoptr(VipsImage) wide = NULL;
  VeilImageLimits limits;
  gsize length;

  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cut, contents, length / 2, NULL));
  g_assert_true (g_file_set_contents (text, "hello", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  dot = vips_image_new_from_memory_copy ("\x10\x20\x30", 3, 1, 1, 3, VIPS_FORMAT_UCHAR);
  g_assert_cmpint (vips_embed (dot, &wide, 0, 0, 8000, 4000, NULL), ==, 0);
  g_assert_cmpint (vips_image_write_to_file (wide, huge, NULL), ==, 0);

  veil_image_limits_init_default (&limits);
  limits.max_pixels = 16 * 1000 * 1000;
  veil_analyzer_set_limits (fixture->analyzer, &limits);

  first = scan (fixture, 0);
  g_assert_cmpuint (first->n_seen, ==, 5);
  g_assert_cmpuint (first->n_analyzed, ==, 1);
  g_assert_cmpuint (first->skipped[VEIL_SCAN_SKIP_DAMAGED], ==, 2);
  g_assert_cmpuint (first->skipped[VEIL_SCAN_SKIP_NOT_AN_IMAGE], ==, 1);
  g_assert_cmpuint (first->skipped[VEIL_SCAN_SKIP_TOO_LARGE], ==, 1);
  /* The cut and the huge picture are pictures Veil could not check: listed, not passed over. */
  g_assert_cmpuint (first->n_unchecked, ==, 2);
  g_assert_cmpuint (first->n_new_alerts, ==, 2);
  assert_not_checked (fixture, cut, huge);

  /* What is no picture at all is remembered: a rescan does not decode it again. What could
   * not be checked is not cached as checked: it is tried again, and listed only once. */
  second = scan (fixture, 0);
  g_assert_cmpuint (second->n_analyzed, ==, 0);
  g_assert_cmpuint (second->n_cached, ==, 1);
  g_assert_cmpuint (second->n_skipped, ==, 4);
  g_assert_cmpuint (second->skipped[VEIL_SCAN_SKIP_TOO_LARGE], ==, 1);
  g_assert_cmpuint (second->n_unchecked, ==, 2);
  g_assert_cmpuint (second->n_new_alerts, ==, 0);
  assert_not_checked (fixture, cut, huge);
  g_assert_cmpint ((gint) veil_test_classifier_get_n_calls (fixture->classifier), ==, 1);
  /* Of the five files, only the good one and the two that are no pictures are cached. */
  g_assert_cmpuint (veil_store_count_cache (fixture->store), ==, 3);

  /* Not checked is no match: with them, one flagged picture is still below the threshold. */
  {
    g_autofree char *red = write_picture (fixture->library, "red.png", 300, 300, 23, TRUE);
    g_autoptr(VeilScanSummary) third = scan (fixture, 0);

    g_assert_cmpuint (third->n_flagged, ==, 1);
    g_assert_cmpuint (third->n_held, ==, 1);
    g_assert_cmpuint (third->n_told, ==, 2);
  }
}

static void
test_threshold (ScanFixture   *fixture,
                gconstpointer  data)
{
  g_autoptr(VeilScanSummary) s1 = NULL;
  g_autoptr(VeilScanSummary) s2 = NULL;
  g_autoptr(VeilScanSummary) s3 = NULL;
  g_autoptr(VeilProfile) quiet = NULL;
  g_autofree char *a = write_picture (fixture->library, "a.png", 300, 300, 21, TRUE);
  g_autofree char *b = write_picture (fixture->library, "b.png", 300, 300, 22, TRUE);
  g_autofree char *a_copy = g_build_filename (fixture->library, "copy-of-a.png", NULL);
  g_autofree char *contents = NULL;
  gint64 id = veil_profile_get_id (fixture->profile);
  gsize length;

  /* Two distinct pictures and an exact copy of one: two alerts, held (threshold 3). */
  g_assert_true (g_file_get_contents (a, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (a_copy, contents, length, NULL));
  s1 = scan (fixture, 0);
  g_assert_cmpuint (s1->n_flagged, ==, 3);
  g_assert_cmpuint (s1->n_new_alerts, ==, 2);
  g_assert_cmpuint (s1->n_held, ==, 2);
  g_assert_cmpuint (s1->n_told, ==, 0);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, id, NULL), ==, 2);

  /* The third distinct picture reaches the threshold: all three are shown to the guardian. */
  g_free (write_picture (fixture->library, "c.png", 300, 300, 23, TRUE));
  s2 = scan (fixture, 0);
  g_assert_cmpuint (s2->n_new_alerts, ==, 1);
  g_assert_cmpuint (s2->n_held, ==, 0);
  g_assert_cmpuint (s2->n_told, ==, 3);

  /* A profile whose guardian is not told keeps everything held, whatever the count. */
  quiet = save_profile (fixture->store, "Kim", fixture->library, TRUE, FALSE, 1);
  g_clear_pointer (&fixture->profile, veil_profile_unref);
  fixture->profile = veil_profile_ref (quiet);
  s3 = scan (fixture, 0);
  g_assert_cmpuint (s3->n_new_alerts, ==, 3);
  g_assert_cmpuint (s3->n_held, ==, 3);
  g_assert_cmpuint (s3->n_told, ==, 0);
}

static void
test_exception (ScanFixture   *fixture,
                gconstpointer  data)
{
  g_autoptr(VeilScanSummary) s1 = NULL;
  g_autoptr(VeilScanSummary) s2 = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = write_picture (fixture->library, "a.png", 320, 320, 31, TRUE);
  g_autofree char *copy = g_build_filename (fixture->library, "resaved.jpg", NULL);
  g_autoptr(VipsImage) in = NULL;
  gint64 id = veil_profile_get_id (fixture->profile);
  VeilAlert *wrong;

  s1 = scan (fixture, 0);
  g_assert_cmpuint (s1->n_new_alerts, ==, 1);
  alerts = veil_store_list_alerts (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);

  /* "This was wrong": a re-encoded copy of the picture raises no new alert. */
  wrong = g_ptr_array_index (alerts, 0);
  veil_store_mark_wrong (fixture->store, wrong->id, &error);
  g_assert_no_error (error);
  veil_analyzer_add_exception (fixture->analyzer, wrong->profile_id, veil_verdict_get_hash (wrong->verdict));
  in = vips_image_new_from_file (a, NULL);
  g_assert_cmpint (vips_jpegsave (in, copy, "Q", 80, NULL), ==, 0);

  /* A fresh analyzer: the exception comes from the store, not from memory. */
  g_clear_object (&fixture->analyzer);
  fixture->analyzer = veil_analyzer_new (VEIL_CLASSIFIER (fixture->classifier));
  s2 = scan (fixture, 0);
  g_assert_cmpuint (s2->n_analyzed, ==, 1);
  g_assert_cmpuint (s2->n_new_alerts, ==, 0);
  g_assert_cmpuint (s2->n_flagged, ==, 0);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, id, VEIL_ALERT_STATE_WRONG), ==, 1);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, id, VEIL_ALERT_STATE_HELD), ==, 0);
}

/* Animations: a later frame can carry what the first does not show. */
static void
test_animated (ScanFixture   *fixture,
               gconstpointer  data)
{
  g_autoptr(VeilScanSummary) first = NULL;
  g_autoptr(VeilScanSummary) again = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hidden = g_build_filename (fixture->library, "hidden.gif", NULL);
  g_autofree char *plain = g_build_filename (fixture->library, "plain.gif", NULL);

  write_animation (hidden, 4);
  write_animation (plain, G_MAXUINT);

  first = scan (fixture, 0);
  g_assert_cmpuint (first->n_analyzed, ==, 2);
  g_assert_cmpuint (first->n_flagged, ==, 1);
  /* First frame, and three spread over the other seven. */
  g_assert_cmpint ((gint) veil_test_classifier_get_n_calls (fixture->classifier), ==, 8);
  alerts = veil_store_list_alerts (fixture->store, veil_profile_get_id (fixture->profile), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpstr (((VeilAlert *) g_ptr_array_index (alerts, 0))->path, ==, hidden);

  /* The cache keeps the highest score over the frames: a rescan judges the same. */
  again = scan (fixture, 0);
  g_assert_cmpuint (again->n_analyzed, ==, 0);
  g_assert_cmpuint (again->n_flagged, ==, 1);
}

static void
test_not_active (ScanFixture   *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilProfile) off = save_profile (fixture->store, "Off", fixture->library, FALSE, FALSE, 3);
  g_autoptr(VeilScanner) scanner = veil_scanner_new (fixture->analyzer, fixture->store, off);
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = veil_scanner_scan_sync (scanner, NULL, NULL, &error);
  g_assert_error (error, VEIL_SCANNER_ERROR, VEIL_SCANNER_ERROR_NOT_ACTIVE);
  g_assert_null (summary);
}

/* The crash test's child: killed right after its third file is saved. */
static void
kill_after_three (const char *path,
                  gpointer    user_data)
{
  gint *count = user_data;

  if (g_atomic_int_add (count, 1) == 2)
    raise (SIGKILL);
}

static void
test_crash_resume (void)
{
  const char *shared = g_getenv ("VEIL_TEST_SCAN_DIR");
  ScanFixture fixture = { 0, };
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(VeilScanner) scanner = NULL;
      gint count = 0;

      g_assert_nonnull (shared);
      fixture.dir = g_strdup (shared);
      fixture.library = g_build_filename (shared, "Pictures", NULL);
      open_stores (&fixture);
      fixture.classifier = veil_test_classifier_new (0);
      fixture.analyzer = veil_analyzer_new (VEIL_CLASSIFIER (fixture.classifier));
      fixture.profile = veil_store_lookup_profile (fixture.store, "Sam", &error);
      g_assert_no_error (error);
      scanner = veil_scanner_new (fixture.analyzer, fixture.store, fixture.profile);
      veil_scanner_set_n_workers (scanner, 1);
      _veil_scanner_set_file_hook (scanner, kill_after_three, &count);
      summary = veil_scanner_scan_sync (scanner, NULL, NULL, &error);
      g_assert_not_reached ();
    }

  dir = veil_test_make_tmpdir ();
  fixture_setup_in (&fixture, dir);
  fixture.profile = save_profile (fixture.store, "Sam", fixture.library, TRUE, TRUE, 3);
  /* Red pictures first in name order does not matter: every one of them is an alert. */
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%u.png", i);
      g_free (write_picture (fixture.library, name, 240, 240, 50 + i, TRUE));
    }

  g_setenv ("VEIL_TEST_SCAN_DIR", dir, TRUE);
  g_test_trap_subprocess ("/veil/scanner/crash-resume", 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();
  g_unsetenv ("VEIL_TEST_SCAN_DIR");

  /* What the killed scan finished is there: three files, three alerts. */
  g_assert_cmpuint (veil_store_count_cache (fixture.store), ==, 3);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture.store, veil_profile_get_id (fixture.profile), NULL), ==, 3);

  summary = scan (&fixture, 0);
  g_assert_true (summary->resumed);
  g_assert_cmpuint (summary->n_seen, ==, 8);
  g_assert_cmpuint (summary->n_cached, ==, 3);
  g_assert_cmpuint (summary->n_analyzed, ==, 5);
  g_assert_cmpuint (summary->n_new_alerts, ==, 5);
  alerts = veil_store_list_alerts (fixture.store, veil_profile_get_id (fixture.profile), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 8);

  fixture_teardown (&fixture, NULL);
}

typedef struct {
  VeilScanSummary *summary;
  GError          *error;
  gboolean         done;
} AsyncResult;

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->summary = veil_scanner_scan_finish (VEIL_SCANNER (source), result, &r->error);
  r->done = TRUE;
}

/* After the first few files, each further file takes a while: a fast machine must not finish
 * the whole library between two main-loop iterations, before the test pauses and cancels. */
static void
slow_file_hook (const char *path,
                gpointer    user_data)
{
  if (g_atomic_int_add ((int *) user_data, 1) >= 2)
    g_usleep (40 * G_TIME_SPAN_MILLISECOND);
}

static void
test_pause_cancel (ScanFixture   *fixture,
                   gconstpointer  data)
{
  int n_hooked = 0;
  g_autoptr(VeilScanner) scanner = veil_scanner_new (fixture->analyzer, fixture->store, fixture->profile);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VeilScanSummary) after = NULL;
  AsyncResult r = { 0, };
  guint done_while_paused;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%02u.png", i);
      g_free (write_picture (fixture->library, name, 400, 400, 300 + i, FALSE));
    }

  veil_scanner_set_n_workers (scanner, 2);
  _veil_scanner_set_file_hook (scanner, slow_file_hook, &n_hooked);
  veil_scanner_scan_async (scanner, NULL, cancellable, scan_done_cb, &r);
  veil_scanner_pause (scanner);
  g_assert_cmpint (veil_scanner_get_state (scanner), ==, VEIL_SCANNER_STATE_PAUSED);

  /* Paused: at most the files the workers had already started finish. */
  veil_test_spin_for (600);
  done_while_paused = veil_scanner_get_n_done (scanner);
  g_assert_cmpuint (done_while_paused, <=, 2);
  veil_test_spin_for (400);
  g_assert_cmpuint (veil_scanner_get_n_done (scanner), ==, done_while_paused);

  veil_scanner_resume (scanner);
  g_assert_cmpint (veil_scanner_get_state (scanner), ==, VEIL_SCANNER_STATE_RUNNING);
  while (veil_scanner_get_n_done (scanner) < done_while_paused + 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (veil_scanner_get_n_seen (scanner), >=, veil_scanner_get_n_done (scanner));
  g_assert_cmpfloat (veil_scanner_get_rate (scanner), >, 0.0);

  /* Paused again first, so that the cancel cannot come after the last file on a busy machine. */
  veil_scanner_pause (scanner);
  g_cancellable_cancel (cancellable);
  veil_test_wait_for (&r.done, 30);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (r.summary);
  g_clear_error (&r.error);
  g_assert_cmpint (veil_scanner_get_state (scanner), ==, VEIL_SCANNER_STATE_IDLE);

  /* The next scan picks up what the cancelled one left. */
  after = scan (fixture, 0);
  g_assert_true (after->resumed);
  g_assert_cmpuint (after->n_seen, ==, 40);
  g_assert_cmpuint (after->n_cached, >=, 3);
  g_assert_cmpuint (after->n_cached + after->n_analyzed, ==, 40);
}

/* Only blurred thumbnails are pixel data: every other stored value is small, and every
 * thumbnail is at most VEIL_ANALYZER_BLURRED_SIZE pixels on its long side. */
static void
test_no_pixels_stored (ScanFixture   *fixture,
                       gconstpointer  data)
{
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autofree char *db_path = g_build_filename (fixture->dir, "veil.db", NULL);
  g_autoptr(sqlite3_stmt) tables = NULL;
  sqlite3 *db = NULL;
  guint n_thumbnails = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("big-%u.jpg", i);
      g_free (write_picture (fixture->library, name, 1600, 1200, 70 + i, TRUE));
    }
  summary = scan (fixture, 0);
  g_assert_cmpuint (summary->n_new_alerts, ==, 3);

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", sqlite3_column_text (tables, 0));
      g_autoptr(sqlite3_stmt) rows = NULL;
      const char *table = (const char *) sqlite3_column_text (tables, 0);

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL), ==, SQLITE_OK);
      while (sqlite3_step (rows) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (rows); c++)
          {
            const char *column = sqlite3_column_name (rows, c);

            if (g_str_equal (table, "alerts") && g_str_equal (column, "thumbnail"))
              {
                g_autoptr(VipsImage) thumb = NULL;

                if (sqlite3_column_type (rows, c) == SQLITE_NULL)
                  continue;
                thumb = vips_image_new_from_buffer (sqlite3_column_blob (rows, c), sqlite3_column_bytes (rows, c), "", NULL);
                g_assert_nonnull (thumb);
                g_assert_cmpint (MAX (vips_image_get_width (thumb), vips_image_get_height (thumb)), <=, VEIL_ANALYZER_BLURRED_SIZE);
                n_thumbnails++;
              }
            else if (!g_str_equal (table, "profile_hash_lists"))
              {
                /* Verdicts carry a 7 x 7 heatmap as text: a few kilobytes at most. */
                if (sqlite3_column_bytes (rows, c) > 8192)
                  g_error ("%s.%s holds %d bytes", table, column, sqlite3_column_bytes (rows, c));
              }
          }
    }
  g_assert_cmpuint (n_thumbnails, ==, 3);
  g_clear_pointer (&tables, sqlite3_finalize);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

int
main (int    argc,
      char **argv)
{
  veil_test_init (&argc, &argv);
  veil_test_tolerate_vips_warnings (argv[0]);

#define ADD(path, func) \
  g_test_add ("/veil/scanner/" path, ScanFixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("incremental", test_incremental);
  ADD ("symlink-loop", test_symlink_loop);
  ADD ("unreadable", test_unreadable);
  ADD ("bad-pictures", test_bad_pictures);
  ADD ("threshold", test_threshold);
  ADD ("exception", test_exception);
  ADD ("animated", test_animated);
  ADD ("not-active", test_not_active);
  ADD ("pause-cancel", test_pause_cancel);
  ADD ("no-pixels-stored", test_no_pixels_stored);
  g_test_add_func ("/veil/scanner/crash-resume", test_crash_resume);

  return g_test_run ();
}
