/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "veil.h"
#include "veil-worker-pool.h"
#include "veil-test-utils.h"
#include "veil-test-video.h"

/* Videos, for real: clips made at test time with GStreamer, analysed by the built worker
 * program (sandboxed, Landlock included) with the real model. A benign clip shows colour
 * bars; the sensitive one shows an adversarial classifier fixture from 5 s to 11 s of 16 s,
 * so its frames sampled at 6 s and 10 s decide. Damaged and hostile files end as "not
 * checked" within the time budget. */

#define FIXTURE "pos_porn_diag.png"
/* The time budget per file in these tests: a stall is seen quickly. */
#define BUDGET_MS 8000

typedef struct {
  char           *dir;
  VeilWorkerPool *pool;      /* with pool_fixture_setup only */
  VeilAnalyzer   *analyzer;  /* likewise, on @pool */
} VideoFixture;

static void
fixture_setup (VideoFixture  *fixture,
               gconstpointer  data)
{
  fixture->dir = veil_test_make_tmpdir ();
}

/* An analyzer on the real worker, with this file's time budget. */
static void
pool_fixture_setup (VideoFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = NULL;
  VeilImageLimits limits;

  fixture_setup (fixture, data);
  fixture->pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  model = veil_model_load_default (&error);
  g_assert_no_error (error);
  fixture->analyzer = veil_analyzer_new_with_pool (fixture->pool, veil_model_get_sha256 (model));
  veil_image_limits_init_default (&limits);
  limits.timeout_ms = BUDGET_MS;
  veil_analyzer_set_limits (fixture->analyzer, &limits);
}

static void
fixture_teardown (VideoFixture  *fixture,
                  gconstpointer  data)
{
  /* The worker goes before the folder its files are in. */
  g_clear_object (&fixture->analyzer);
  g_clear_object (&fixture->pool);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

/* A clip of @kind named @stem with the kind's extension, in the fixture's folder. */
static char *
write_clip (VideoFixture      *fixture,
            VeilTestVideoKind  kind,
            const char        *stem,
            const char        *picture,
            guint              from_s,
            guint              to_s)
{
  g_autofree char *name = g_strconcat (stem, kind == VEIL_TEST_VIDEO_WEBM ? ".webm" : ".mov", NULL);

  return veil_test_write_video (fixture->dir, name, kind, 16, picture, from_s, to_s);
}

static VeilProfile *
standard_profile (void)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Alex");
  g_autoptr(GError) error = NULL;
  VeilProfile *profile;

  veil_profile_builder_set_sensitivity (b, VEIL_SENSITIVITY_STANDARD);
  profile = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  return profile;
}

static gboolean
require_kind (VeilTestVideoKind kind)
{
  if (veil_test_video_can_make (kind))
    return TRUE;
  g_test_skip_printf ("GStreamer cannot encode %s here (install gstreamer1.0-plugins-good)",
                      kind == VEIL_TEST_VIDEO_WEBM ? "VP8 WebM" : "Motion JPEG MOV");
  return FALSE;
}

static VeilVerdict *
analyze (VeilAnalyzer *analyzer,
         const char   *path,
         GBytes      **thumbnail)
{
  g_autoptr(VeilProfile) profile = standard_profile ();
  g_autoptr(GError) error = NULL;
  VeilVerdict *verdict = veil_analyzer_analyze_file (analyzer, path, profile, NULL, thumbnail, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (verdict);
  return verdict;
}

static void
test_sensitive (VideoFixture  *fixture,
                gconstpointer  data)
{
  VeilTestVideoKind kind = GPOINTER_TO_INT (data);
  g_autofree char *fixture_png = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autofree char *figures = NULL;
  VeilReason *reason;
  const gint64 *times;
  guint n_times = 0;

  if (!veil_test_require_testdata ("clf/fixtures/" FIXTURE) || !require_kind (kind))
    return;
  fixture_png = veil_test_build_testdata ("clf", "fixtures", FIXTURE, NULL);
  path = write_clip (fixture, kind, "clip", fixture_png, 5, 11);
  verdict = analyze (fixture->analyzer, path, &thumbnail);
  g_assert_true (veil_verdict_get_sensitive (verdict));
  g_assert_false (veil_verdict_get_unchecked (verdict));
  g_assert_nonnull (thumbnail);
  g_assert_nonnull (veil_verdict_get_hash (verdict));
  reason = veil_verdict_get_reason (verdict, 0);
  g_assert_cmpint (veil_reason_get_signal (reason), ==, VEIL_SIGNAL_CLASSIFIER);
  g_assert_cmpstr (veil_reason_get_class_name (reason), ==, "porn");
  /* The frames that decided are the fixture's, and there are two of them. */
  times = veil_reason_get_frame_times (reason, &n_times);
  g_assert_cmpuint (n_times, >=, 2);
  for (guint i = 0; i < n_times; i++)
    {
      g_assert_cmpint (times[i], >=, 5000);
      g_assert_cmpint (times[i], <, 11000);
    }
  figures = veil_reason_describe_figures (reason);
  g_assert_nonnull (strstr (figures, "0:06.0"));

  /* The times survive the stored form. */
  {
    g_autofree char *json = veil_verdict_to_json (verdict);
    g_autoptr(GError) error = NULL;
    g_autoptr(VeilVerdict) back = veil_verdict_new_from_json (json, &error);
    guint n_back = 0;

    g_assert_no_error (error);
    g_assert_nonnull (veil_reason_get_frame_times (veil_verdict_get_reason (back, 0), &n_back));
    g_assert_cmpuint (n_back, ==, n_times);
  }
}

static void
test_benign (VideoFixture  *fixture,
             gconstpointer  data)
{
  VeilTestVideoKind kind = GPOINTER_TO_INT (data);
  g_autofree char *path = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilWorkerResult) result = NULL;
  VeilWorkerRequest request = { VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_CLASSIFIER, VEIL_PDQ_MODE_EXACT, 0, { 0 } };
  int fd;

  if (!require_kind (kind))
    return;
  path = write_clip (fixture, kind, "bars", NULL, 0, 0);
  verdict = analyze (fixture->analyzer, path, NULL);
  g_assert_false (veil_verdict_get_sensitive (verdict));
  g_assert_false (veil_verdict_get_unchecked (verdict));

  /* Four frames of 16 s (one per 4 s), at the middle of each quarter. */
  veil_image_limits_init_default (&request.limits);
  fd = veil_analyzer_open_file (fixture->analyzer, path, &error);
  g_assert_no_error (error);
  result = veil_worker_pool_analyze (fixture->pool, VEIL_WORKER_LANE_API, fd, "bars", &request, NULL, &error);
  close (fd);
  g_assert_no_error (error);
  g_assert_cmpuint (veil_worker_result_get_n_frames (result), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (veil_worker_result_get_frame_time (result, i), ==, 2000 + 4000 * i);
      g_assert_nonnull (veil_worker_result_get_hash (result, i, NULL));
      g_assert_nonnull (veil_worker_result_get_scores (result, i));
    }
}

/* The first half of a clip: frames past the cut cannot be read. */
static void
test_truncated (VideoFixture  *fixture,
                gconstpointer  data)
{
  VeilTestVideoKind kind = GPOINTER_TO_INT (data);
  g_autofree char *path = NULL;
  g_autofree char *cut = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  gint64 start;

  if (!require_kind (kind))
    return;
  path = write_clip (fixture, kind, "bars", NULL, 0, 0);
  cut = veil_test_write_truncated (path, fixture->dir, kind == VEIL_TEST_VIDEO_WEBM ? "cut.webm" : "cut.mov", 0.5);
  start = g_get_monotonic_time ();
  verdict = analyze (fixture->analyzer, cut, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (gint64) (BUDGET_MS + 10000) * 1000);
  g_assert_true (veil_verdict_get_unchecked (verdict));
  g_assert_false (veil_verdict_get_sensitive (verdict));
}

/* A WebM that claims to last 30 years, and one that claims 2 hours but holds 16 s. */
static void
test_hostile_duration (VideoFixture  *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilVerdict) longer = NULL;
  gint64 start;

  if (!require_kind (VEIL_TEST_VIDEO_WEBM))
    return;
  path = veil_test_write_video (fixture->dir, "claims.webm", VEIL_TEST_VIDEO_WEBM, 16, NULL, 0, 0);
  g_assert_true (veil_test_set_webm_duration (path, 1e12));
  start = g_get_monotonic_time ();
  verdict = analyze (fixture->analyzer, path, NULL);
  g_assert_true (veil_verdict_get_unchecked (verdict));
  g_assert_cmpint (veil_verdict_get_unchecked_cause (verdict), ==, VEIL_UNCHECKED_TOO_LARGE);

  g_assert_true (veil_test_set_webm_duration (path, 2.0 * 60 * 60 * 1000));
  longer = analyze (fixture->analyzer, path, NULL);
  g_assert_true (veil_verdict_get_unchecked (longer));
  g_assert_false (veil_verdict_get_sensitive (longer));
  g_assert_cmpint (g_get_monotonic_time () - start, <, (gint64) 2 * (BUDGET_MS + 10000) * 1000);
}

/* Only the worker decodes videos: an analyzer without one says it did not check. */
static void
test_in_process (VideoFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;

  if (!require_kind (VEIL_TEST_VIDEO_WEBM))
    return;
  path = veil_test_write_video (fixture->dir, "bars.webm", VEIL_TEST_VIDEO_WEBM, 2, NULL, 0, 0);
  verdict = analyze (analyzer, path, NULL);
  g_assert_true (veil_verdict_get_unchecked (verdict));
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_vips (&argc, &argv);

  g_test_add ("/worker-video/webm/sensitive", VideoFixture, GINT_TO_POINTER (VEIL_TEST_VIDEO_WEBM),
              pool_fixture_setup, test_sensitive, fixture_teardown);
  g_test_add ("/worker-video/webm/benign", VideoFixture, GINT_TO_POINTER (VEIL_TEST_VIDEO_WEBM),
              pool_fixture_setup, test_benign, fixture_teardown);
  g_test_add ("/worker-video/webm/truncated", VideoFixture, GINT_TO_POINTER (VEIL_TEST_VIDEO_WEBM),
              pool_fixture_setup, test_truncated, fixture_teardown);
  g_test_add ("/worker-video/mov/sensitive", VideoFixture, GINT_TO_POINTER (VEIL_TEST_VIDEO_MOV),
              pool_fixture_setup, test_sensitive, fixture_teardown);
  g_test_add ("/worker-video/mov/benign", VideoFixture, GINT_TO_POINTER (VEIL_TEST_VIDEO_MOV),
              pool_fixture_setup, test_benign, fixture_teardown);
  g_test_add ("/worker-video/mov/truncated", VideoFixture, GINT_TO_POINTER (VEIL_TEST_VIDEO_MOV),
              pool_fixture_setup, test_truncated, fixture_teardown);
  g_test_add ("/worker-video/hostile-duration", VideoFixture, NULL,
              pool_fixture_setup, test_hostile_duration, fixture_teardown);
  g_test_add ("/worker-video/in-process", VideoFixture, NULL,
              fixture_setup, test_in_process, fixture_teardown);
  return g_test_run ();
}
