/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/landlock.h>
#include <glib/gstdio.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-worker-pool.h"
#include "veil-test-utils.h"
#include "veil-vips-config.h"

/* The analysis workers, for real: the built worker program, the real model, files made at
 * test time. Every way a worker can fail must end in an answer, never a hang or a crash of
 * the test. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

typedef struct {
  char *dir;
} PoolFixture;

static void
fixture_setup (PoolFixture   *fixture,
               gconstpointer  data)
{
  fixture->dir = veil_test_make_tmpdir ();
}

static void
fixture_teardown (PoolFixture   *fixture,
                  gconstpointer  data)
{
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static VeilModel *
load_model (void)
{
  g_autoptr(GError) error = NULL;
  VeilModel *model = veil_model_load_default (&error);

  g_assert_no_error (error);
  return model;
}

static VeilAnalyzer *
pool_analyzer (VeilWorkerPool *pool)
{
  g_autoptr(VeilModel) model = load_model ();

  return veil_analyzer_new_with_pool (pool, veil_model_get_sha256 (model));
}

static char *
write_text (const char *dir,
            const char *name,
            const char *text)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
assert_same_verdict (VeilVerdict          *a,
                     VeilVerdict          *b,
                     VeilClassifierResult *sa,
                     VeilClassifierResult *sb)
{
  g_assert_cmpint (veil_verdict_get_sensitive (a), ==, veil_verdict_get_sensitive (b));
  g_assert_cmpint (veil_verdict_get_unchecked (a), ==, veil_verdict_get_unchecked (b));
  g_assert_cmpuint (veil_verdict_get_n_reasons (a), ==, veil_verdict_get_n_reasons (b));
  g_assert_cmpuint (veil_verdict_get_hash_quality (a), ==, veil_verdict_get_hash_quality (b));
  g_assert_nonnull (veil_verdict_get_hash (a));
  g_assert_cmpmem (veil_verdict_get_hash (a), sizeof (VeilPdqHash), veil_verdict_get_hash (b), sizeof (VeilPdqHash));
  g_assert_nonnull (sa);
  g_assert_nonnull (sb);
  g_assert_cmpuint (veil_classifier_result_get_n_classes (sa), ==, veil_classifier_result_get_n_classes (sb));
  for (guint i = 0; i < veil_classifier_result_get_n_classes (sa); i++)
    {
      g_assert_cmpstr (veil_classifier_result_get_class_name (sa, i), ==, veil_classifier_result_get_class_name (sb, i));
      g_assert_cmpfloat_with_epsilon (veil_classifier_result_get_probability (sa, i),
                                      veil_classifier_result_get_probability (sb, i), 1e-5);
    }
  g_assert_cmpstr (veil_classifier_result_get_model_sha256 (sa), ==, veil_classifier_result_get_model_sha256 (sb));
}

/* @source again as @name (its format by the extension), or %NULL when this libvips cannot
 * write that format. */
static char *
convert (const char *source,
         const char *dir,
         const char *name)
{
  g_autoptr(VipsImage) image = vips_image_new_from_file (source, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_nonnull (image);
  if (vips_image_write_to_file (image, path, NULL) != 0)
    {
      g_test_message ("this libvips cannot write %s: %s", name, vips_error_buffer ());
      vips_error_clear ();
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* The worker's verdict is the one the same analyzer reaches in this process, for every kind
 * of file: libvips' loaders (HEIF among them) need nothing from the filesystem once the
 * worker has confined itself. */
static void
test_parity (PoolFixture   *fixture,
             gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) isolated = pool_analyzer (pool);
  g_autoptr(VeilModel) model = load_model ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = veil_nsfw_classifier_new (model, &error);
  g_autoptr(VeilAnalyzer) local = veil_analyzer_new (VEIL_CLASSIFIER (classifier));
  g_autofree char *jpeg = veil_test_write_picture (fixture->dir, "photo.jpg", 1200, 900, 7);
  g_autofree char *png = veil_test_write_picture (fixture->dir, "drawing.png", 640, 480, 8);
  g_autofree char *webp = veil_test_write_animation (fixture->dir, "sticker.webp", 128, 12);
  g_autofree char *gif = veil_test_write_animation (fixture->dir, "sticker.gif", 96, 9);
  g_autofree char *avif = convert (png, fixture->dir, "drawing.avif");
  g_autofree char *tiff = convert (png, fixture->dir, "drawing.tif");
  const char *paths[] = { jpeg, png, webp, gif, tiff, avif };

  g_assert_no_error (error);
  g_assert_cmpstr (veil_analyzer_get_classifier_id (isolated), ==, veil_analyzer_get_classifier_id (local));
  g_assert_true (veil_analyzer_get_needs (isolated) == veil_analyzer_get_needs (local));
  for (guint i = 0; i < G_N_ELEMENTS (paths) && paths[i] != NULL; i++)
    {
      g_autoptr(VeilVerdict) a = NULL;
      g_autoptr(VeilVerdict) b = NULL;
      g_autoptr(VeilClassifierResult) sa = NULL;
      g_autoptr(VeilClassifierResult) sb = NULL;
      g_autoptr(GBytes) ta = NULL;
      g_autoptr(GBytes) tb = NULL;

      a = veil_analyzer_analyze_file (isolated, paths[i], NULL, &sa, &ta, NULL, &error);
      g_assert_no_error (error);
      b = veil_analyzer_analyze_file (local, paths[i], NULL, &sb, &tb, NULL, &error);
      g_assert_no_error (error);
      assert_same_verdict (a, b, sa, sb);
      g_assert_true ((ta == NULL) == (tb == NULL));
    }
  /* One worker served them all, its model loaded once. */
  g_assert_cmpuint (veil_worker_pool_get_n_started (pool), ==, 1);
}

/* The figures of an animation: its later frames are judged too, through the same fd. */
static void
test_frames (PoolFixture   *fixture,
             gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autofree char *webp = veil_test_write_animation (fixture->dir, "sticker.webp", 64, 20);
  VeilWorkerRequest request = { VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_CLASSIFIER | VEIL_IMAGE_NEED_THUMBNAIL,
                                VEIL_PDQ_MODE_EXACT, VEIL_WORKER_REQUEST_SHA256 | VEIL_WORKER_REQUEST_THUMBNAIL, { 0 } };
  g_autoptr(VeilWorkerResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  gsize length;
  int fd = open (webp, O_RDONLY | O_CLOEXEC);

  veil_image_limits_init_default (&request.limits);
  result = veil_worker_pool_analyze (pool, VEIL_WORKER_LANE_API, fd, "sticker.webp", &request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (veil_worker_result_get_n_frames (result), ==, 1 + VEIL_WORKER_MAX_EXTRA_FRAMES);
  g_assert_cmpint (veil_worker_result_get_skipped (result, NULL), ==, 0);
  for (guint i = 0; i < veil_worker_result_get_n_frames (result); i++)
    {
      g_assert_nonnull (veil_worker_result_get_scores (result, i));
      g_assert_nonnull (veil_worker_result_get_thumbnail (result, i));
      g_assert_cmpuint (g_bytes_get_size (veil_worker_result_get_thumbnail (result, i)), >, 8);
    }
  /* Frames differ: the hashes of the first and the last sampled frame are not the same. */
  g_assert_cmpmem (veil_worker_result_get_hash (result, 0, NULL), 1, veil_worker_result_get_hash (result, 0, NULL), 1);
  g_assert_true (g_file_get_contents (webp, &contents, &length, NULL));
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  g_assert_cmpstr (veil_worker_result_get_sha256 (result), ==, expected);
  close (fd);
}

static void
truncate_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VeilVerdict **out = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;

  *out = veil_analyzer_analyze_fd_finish (VEIL_ANALYZER (source), result, NULL, &sha256, &error);
  /* Cut short under the worker: a verdict, or an error saying the file is damaged. */
  if (*out == NULL)
    {
      g_assert_nonnull (error);
      *out = veil_verdict_new_unchecked_for_error (error);
      g_assert_nonnull (*out);
    }
}

/* A caller cuts its file short while the worker reads it: no crash on either side. */
static void
test_truncate (PoolFixture   *fixture,
               gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = pool_analyzer (pool);
  g_autofree char *big = veil_test_write_picture (fixture->dir, "big.jpg", 4000, 3000, 5);
  g_autofree char *small = veil_test_write_picture (fixture->dir, "small.png", 300, 200, 6);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilVerdict) after = NULL;
  g_autoptr(GError) error = NULL;
  int fd = open (big, O_RDWR | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  veil_analyzer_analyze_fd_async (analyzer, fd, "big.jpg", VEIL_WORKER_LANE_API, NULL, NULL, truncate_cb, &verdict);
  g_usleep (30 * 1000);
  g_assert_cmpint (ftruncate (fd, 1000), ==, 0);
  while (verdict == NULL)
    g_main_context_iteration (NULL, TRUE);
  close (fd);

  after = veil_analyzer_analyze_file (analyzer, small, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (veil_verdict_get_unchecked (after));
}

/* A FIFO is never waited on: refused as not a regular file, by the parent and the worker. */
static void
test_fifo (PoolFixture   *fixture,
           gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = pool_analyzer (pool);
  g_autofree char *fifo = g_build_filename (fixture->dir, "pipe.jpg", NULL);
  g_autofree char *swapped = veil_test_write_picture (fixture->dir, "swapped.jpg", 400, 300, 3);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilWorkerResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VeilWorkerRequest request = { VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_CLASSIFIER, VEIL_PDQ_MODE_EXACT, 0, { 0 } };
  int fd;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (veil_analyzer_open_file (analyzer, fifo, &error), ==, -1);
  g_assert_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_A_FILE);
  g_clear_error (&error);
  verdict = veil_analyzer_analyze_file (analyzer, fifo, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_verdict_get_unchecked_cause (verdict), ==, VEIL_UNCHECKED_UNREADABLE);
  g_clear_pointer (&verdict, veil_verdict_unref);

  /* Handed to a worker anyway: refused there too, at once. */
  fd = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  veil_image_limits_init_default (&request.limits);
  result = veil_worker_pool_analyze (pool, VEIL_WORKER_LANE_API, fd, "pipe.jpg", &request, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_A_FILE);
  g_clear_error (&error);
  close (fd);

  /* The picture swapped for a FIFO after it was opened: the descriptor still reads the picture. */
  fd = veil_analyzer_open_file (analyzer, swapped, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (fifo, swapped), ==, 0);
  verdict = veil_analyzer_analyze_fd (analyzer, fd, "swapped.jpg", VEIL_WORKER_LANE_API, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (veil_verdict_get_unchecked (verdict));
  close (fd);
}

static void
assert_model_missing (const char *dir,
                      const char *model_path)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autofree char *picture = veil_test_write_picture (dir, "any.png", 200, 200, 4);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  veil_worker_pool_set_model_path (pool, model_path);
  analyzer = pool_analyzer (pool);
  verdict = veil_analyzer_analyze_file (analyzer, picture, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_unchecked (verdict));
  g_assert_cmpint (veil_verdict_get_unchecked_cause (verdict), ==, VEIL_UNCHECKED_MODEL_MISSING);
  g_assert_false (veil_verdict_get_sensitive (verdict));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

/* A missing model and a FIFO in its place: "not checked", never hash lists alone, no hang. */
static void
test_model_missing (PoolFixture   *fixture,
                    gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "nothing.vmodel", NULL);
  g_autofree char *fifo = g_build_filename (fixture->dir, "fifo.vmodel", NULL);

  assert_model_missing (fixture->dir, missing);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_model_missing (fixture->dir, fifo);
}

static VeilVerdict *
analyze_text (VeilAnalyzer *analyzer,
              const char   *dir,
              const char   *name,
              const char   *text)
{
  g_autofree char *path = write_text (dir, name, text);
  g_autoptr(GError) error = NULL;
  VeilVerdict *verdict = veil_analyzer_analyze_file (analyzer, path, NULL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return verdict;
}

/* A worker that hangs is stopped at the deadline; one that crashes or exits is replaced. */
static void
test_faults (PoolFixture   *fixture,
             gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autofree char *picture = veil_test_write_picture (fixture->dir, "fine.png", 300, 300, 9);
  struct { const char *text; VeilUncheckedCause cause; } faults[] = {
    { "VEIL-TEST-FAULT hang\n", VEIL_UNCHECKED_TOO_SLOW },
    { "VEIL-TEST-FAULT crash\n", VEIL_UNCHECKED_WORKER_CRASHED },
    { "VEIL-TEST-FAULT exit\n", VEIL_UNCHECKED_WORKER_CRASHED },
  };

  analyzer = pool_analyzer (pool);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(VeilVerdict) bad = NULL;
      g_autoptr(VeilVerdict) good = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      /* A short deadline for the fault, so that a hang ends soon; the good picture after it
       * gets the usual one, so that a busy machine cannot make it "too slow". */
      veil_worker_pool_set_deadline (pool, 1500);
      bad = analyze_text (analyzer, fixture->dir, "fault.jpg", faults[i].text);
      g_assert_true (veil_verdict_get_unchecked (bad));
      g_assert_cmpint (veil_verdict_get_unchecked_cause (bad), ==, faults[i].cause);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

      /* The next file is analysed by a fresh worker. */
      veil_worker_pool_set_deadline (pool, 0);
      good = veil_analyzer_analyze_file (analyzer, picture, NULL, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (veil_verdict_get_unchecked (good));
      g_assert_cmpuint (veil_worker_pool_get_n_started (pool), ==, i + 2);
    }
}

/* Recycled after its quota of files. */
static void
test_recycle (PoolFixture   *fixture,
              gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autofree char *picture = veil_test_write_picture (fixture->dir, "fine.png", 120, 120, 2);

  veil_worker_pool_set_max_files (pool, 2);
  analyzer = pool_analyzer (pool);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilVerdict) verdict = veil_analyzer_analyze_file (analyzer, picture, NULL, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
    }
  g_assert_cmpuint (veil_worker_pool_get_n_started (pool), ==, 3);
}

/* An animated WebP of many frames: judged within its budget of decoded pixels and in time;
 * the frames past the budget are counted as not checked. */
static void
test_webp_bomb (PoolFixture   *fixture,
                gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = pool_analyzer (pool);
  g_autofree char *bomb = veil_test_write_webp_bomb (fixture->dir, 1000, 2000);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  VeilImageLimits limits;
  gint64 start;

  veil_image_limits_init_default (&limits);
  start = g_get_monotonic_time ();
  verdict = veil_analyzer_analyze_file (analyzer, bomb, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (gint64) limits.timeout_ms * 1000);
  g_assert_nonnull (veil_verdict_get_hash (verdict));
  g_test_message ("A WebP bomb of 2000 frames of 1000 x 1000 took %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_true (veil_verdict_get_unchecked (verdict));
  g_assert_cmpint (veil_verdict_get_unchecked_cause (verdict), ==, VEIL_UNCHECKED_TOO_LARGE);
}

/* A PNG of a few hundred kilobytes that claims more pixels than Veil decodes. */
static void
test_png_bomb (PoolFixture   *fixture,
               gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = pool_analyzer (pool);
  g_autofree char *bomb = g_build_filename (fixture->dir, "bomb.png", NULL);
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  gint64 start;

  g_assert_cmpint (vips_black (&black, 10000, 10001, NULL), ==, 0);
  g_assert_cmpint (vips_image_write_to_file (black, bomb, "compression", 9, NULL), ==, 0);
  verdict = veil_analyzer_analyze_file (analyzer, bomb, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_verdict_get_unchecked_cause (verdict), ==, VEIL_UNCHECKED_TOO_LARGE);
  g_clear_pointer (&verdict, veil_verdict_unref);
  g_clear_object (&black);

  /* Exactly at the pixel limit, the picture is decoded and judged within the worker's
   * address space (VEIL_WORKER_ADDRESS_SPACE). */
  g_assert_cmpint (vips_black (&black, 10000, 10000, NULL), ==, 0);
  g_assert_cmpint (vips_image_write_to_file (black, bomb, "compression", 9, NULL), ==, 0);
  start = g_get_monotonic_time ();
  verdict = veil_analyzer_analyze_file (analyzer, bomb, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("100 megapixels in a worker: %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_false (veil_verdict_get_unchecked (verdict));
}

typedef struct {
  guint        n_done;
  GError      *errors[4];
  VeilWorkerResult *results[4];
} Flood;

typedef struct {
  Flood *flood;
  guint  index;
} FloodItem;

static void
flood_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  FloodItem *item = user_data;

  item->flood->results[item->index] = veil_worker_pool_analyze_finish (VEIL_WORKER_POOL (source), result,
                                                                        &item->flood->errors[item->index]);
  item->flood->n_done++;
}

/* A full lane answers Busy at once; the guard's lane is not held up by it. */
static void
test_lanes (PoolFixture   *fixture,
            gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autofree char *hang = write_text (fixture->dir, "hang.jpg", "VEIL-TEST-FAULT hang\n");
  g_autofree char *picture = veil_test_write_picture (fixture->dir, "warn.png", 300, 300, 11);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  VeilWorkerRequest request = { VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_CLASSIFIER, VEIL_PDQ_MODE_EXACT, 0, { 0 } };
  Flood flood = { 0 };
  FloodItem items[3];
  int fd = open (hang, O_RDONLY | O_CLOEXEC);
  gint64 start;

  veil_worker_pool_set_lane (pool, VEIL_WORKER_LANE_API, 1, 1);
  veil_worker_pool_set_deadline (pool, 8000);
  analyzer = pool_analyzer (pool);
  veil_image_limits_init_default (&request.limits);
  for (guint i = 0; i < 3; i++)
    {
      items[i].flood = &flood;
      items[i].index = i;
      veil_worker_pool_analyze_async (pool, VEIL_WORKER_LANE_API, fd, "hang.jpg", &request, cancellable,
                                      flood_cb, &items[i]);
    }
  /* One runs (and hangs), one may wait: the other found the queue full and is answered at
   * once, while the first still hangs. */
  while (flood.n_done == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (flood.errors[0]);
  g_assert_null (flood.results[0]);
  for (guint i = 1; i < 3; i++)
    if (flood.errors[i] != NULL || flood.results[i] != NULL)
      g_assert_error (flood.errors[i], VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_BUSY);

  /* Meanwhile a message warning is analysed in its own lane, without waiting. */
  start = g_get_monotonic_time ();
  verdict = veil_analyzer_analyze_file_in_lane (analyzer, picture, VEIL_WORKER_LANE_GUARD, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (veil_verdict_get_unchecked (verdict));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);

  /* Cancelling stops the hanging worker; everything is answered. */
  g_cancellable_cancel (cancellable);
  while (flood.n_done < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (flood.errors[0], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  for (guint i = 1; i < 3; i++)
    g_assert_true (g_error_matches (flood.errors[i], VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_BUSY) ||
                   g_error_matches (flood.errors[i], G_IO_ERROR, G_IO_ERROR_CANCELLED));
  for (guint i = 0; i < 3; i++)
    g_clear_error (&flood.errors[i]);
  close (fd);
}

/* A folder scan through the workers: a file that hangs its worker or crashes it is skipped
 * for what it is, the pictures around it are analysed, and the scan ends. */
static void
test_scan (PoolFixture   *fixture,
           gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autofree char *db = g_build_filename (fixture->dir, "veil.db", NULL);
  g_autofree char *library = g_build_filename (fixture->dir, "Pictures", NULL);
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Sam");
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilScanner) scanner = NULL;
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  const char *folders[] = { library, NULL };

  g_assert_cmpint (g_mkdir_with_parents (library, 0700), ==, 0);
  g_free (veil_test_write_picture (library, "one.png", 300, 200, 1));
  g_free (veil_test_write_picture (library, "two.jpg", 640, 480, 2));
  g_free (write_text (library, "hang.jpg", "VEIL-TEST-FAULT hang\n"));
  g_free (write_text (library, "crash.png", "VEIL-TEST-FAULT crash\n"));
  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  veil_profile_builder_set_folders (builder, folders);
  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  profile = veil_test_save_profile (store, builder, TRUE);

  veil_worker_pool_set_deadline (pool, 2000);
  analyzer = pool_analyzer (pool);
  scanner = veil_scanner_new (analyzer, store, profile);
  summary = veil_scanner_scan_sync (scanner, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->n_analyzed, ==, 2);
  g_assert_cmpuint (summary->skipped[VEIL_SCAN_SKIP_TOO_LARGE], ==, 1);
  g_assert_cmpuint (summary->skipped[VEIL_SCAN_SKIP_DAMAGED], ==, 1);
}

/* The memory map of this process's analysis worker (there is one), read while it runs. */
static char *
worker_maps (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *entry;
  char *maps = NULL;

  g_assert_nonnull (proc);
  while (maps == NULL && (entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", entry, "stat", NULL);
      g_autofree char *exe_path = g_build_filename ("/proc", entry, "exe", NULL);
      g_autofree char *maps_path = g_build_filename ("/proc", entry, "maps", NULL);
      g_autofree char *stat = NULL;
      g_autofree char *exe = NULL;
      const char *after_name;
      int ppid = 0;

      if (!g_ascii_isdigit (entry[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid ...": the name may hold spaces, the last ')' ends it. */
      after_name = strrchr (stat, ')');
      if (after_name == NULL || sscanf (after_name + 1, " %*c %d", &ppid) != 1 || ppid != getpid ())
        continue;
      exe = g_file_read_link (exe_path, NULL);
      if (exe != NULL && g_str_has_suffix (exe, "/veil-analysis-worker"))
        g_assert_true (g_file_get_contents (maps_path, &maps, NULL, NULL));
    }
  g_assert_nonnull (maps);
  return maps;
}

/* A worker that decoded a picture has none of libvips' modules for formats Veil refuses
 * mapped (PDF, whole-slide, ImageMagick, JPEG XL): libvips starts without its modules and
 * the worker opens only those its allow-list needs, HEIF's. */
static void
test_modules (PoolFixture   *fixture,
              gconstpointer  data)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = pool_analyzer (pool);
  g_autofree char *jpeg = veil_test_write_picture (fixture->dir, "photo.jpg", 640, 480, 3);
  g_autofree char *heif = g_build_filename (VEIL_VIPS_MODULE_DIR, "vips-heif.so", NULL);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *maps = NULL;
  const char *blocked[] = { "vips-poppler", "vips-openslide", "vips-magick", "vips-jxl" };

  verdict = veil_analyzer_analyze_file (analyzer, jpeg, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  maps = worker_maps ();
  g_assert_nonnull (strstr (maps, "libvips"));
  for (guint i = 0; i < G_N_ELEMENTS (blocked); i++)
    if (strstr (maps, blocked[i]) != NULL)
      g_error ("the worker has %s mapped", blocked[i]);
  if (g_file_test (heif, G_FILE_TEST_EXISTS))
    g_assert_nonnull (strstr (maps, "vips-heif"));
}

static gboolean
kernel_has_landlock (void)
{
  return syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) >= 1;
}

static char *
probe (VeilWorkerPool *pool,
       const char     *dir,
       const char     *what)
{
  g_autofree char *text = g_strdup_printf ("VEIL-TEST-FAULT %s\n", what);
  g_autofree char *path = write_text (dir, "probe.jpg", text);
  VeilWorkerRequest request = { VEIL_IMAGE_NEED_PDQ, VEIL_PDQ_MODE_EXACT, 0, { 0 } };
  g_autoptr(VeilWorkerResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  veil_image_limits_init_default (&request.limits);
  result = veil_worker_pool_analyze (pool, VEIL_WORKER_LANE_API, fd, "probe.jpg", &request, NULL, &error);
  close (fd);
  g_assert_null (result);
  g_assert_error (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_FAILED);
  return g_strdup (error->message);
}

/* No network in a worker, with or without its filesystem layer; no files with it; never more
 * memory than its limit. */
static void
test_sandbox (PoolFixture   *fixture,
              gconstpointer  data)
{
  VeilWorkerPoolFlags flags = GPOINTER_TO_INT (data);
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (flags);
  g_autofree char *socket_report = probe (pool, fixture->dir, "socket");
  g_autofree char *open_report = probe (pool, fixture->dir, "open");
  g_autofree char *alloc_report = probe (pool, fixture->dir, "alloc");

  g_autofree char *no_socket = g_strdup_printf ("socket: %s", g_strerror (EAFNOSUPPORT));
  g_autofree char *no_open = g_strdup_printf ("open: %s", g_strerror (EACCES));

  g_test_message ("%s; %s; %s", socket_report, open_report, alloc_report);
  g_assert_cmpstr (socket_report, ==, no_socket);
  /* The address-space limit is in place: 3 GiB at once is refused. */
  g_assert_cmpstr (alloc_report, ==, "alloc: refused");
  if (flags & VEIL_WORKER_POOL_NO_LANDLOCK)
    g_assert_cmpstr (open_report, ==, "open: allowed");
  else if (kernel_has_landlock ())
    g_assert_cmpstr (open_report, ==, no_open);
  else
    g_test_message ("This kernel has no Landlock: the filesystem layer is not in place.");
}

int
main (int    argc,
      char **argv)
{
  /* The workers obey the test fault files only when their parent is a test. */
  g_setenv ("VEIL_TEST_WORKER_FAULTS", "1", TRUE);
  veil_test_init (&argc, &argv);
  veil_test_tolerate_vips_warnings (argv[0]);

#define ADD(name, func) g_test_add ("/veil/worker-pool/" name, PoolFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("parity", test_parity);
  ADD ("frames", test_frames);
  ADD ("truncate", test_truncate);
  ADD ("fifo", test_fifo);
  ADD ("model-missing", test_model_missing);
  ADD ("faults", test_faults);
  ADD ("recycle", test_recycle);
  ADD ("webp-bomb", test_webp_bomb);
  ADD ("png-bomb", test_png_bomb);
  ADD ("lanes", test_lanes);
  ADD ("scan", test_scan);
  ADD ("modules", test_modules);
#undef ADD
  g_test_add ("/veil/worker-pool/sandbox", PoolFixture, GINT_TO_POINTER (VEIL_WORKER_POOL_FLAGS_NONE),
              fixture_setup, test_sandbox, fixture_teardown);
  g_test_add ("/veil/worker-pool/sandbox-no-landlock", PoolFixture, GINT_TO_POINTER (VEIL_WORKER_POOL_NO_LANDLOCK),
              fixture_setup, test_sandbox, fixture_teardown);
  return g_test_run ();
}
