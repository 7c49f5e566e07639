/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-test-utils.h"

/* VeilAnalyzer and VeilVerdict on real files: pictures generated here and written with
 * libvips, hash lists built from their real PDQ hashes, and the real model on the abstract
 * classifier fixtures of ../shared/testdata. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

typedef struct {
  char *dir;
} AnalyzerFixture;

static void
fixture_setup (AnalyzerFixture *fixture,
               gconstpointer    data)
{
  fixture->dir = veil_test_make_tmpdir ();
}

static void
fixture_teardown (AnalyzerFixture *fixture,
                  gconstpointer    data)
{
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static VeilHashList *
list_for (const char *name,
          const char *path,
          const char *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilPdq) pdq = NULL;
  VeilImageLimits limits;
  VeilHashList *list = veil_hash_list_new (name);

  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (path, VEIL_PDQ_MODE_FAST, FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (veil_pdq_get_quality (pdq), >=, VEIL_PDQ_MIN_QUALITY);
  veil_hash_list_set_version (list, 7);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), label);
  return list;
}

static void
test_verdict_json (void)
{
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilVerdict) back = NULL;
  g_autoptr(VeilReason) clf = NULL;
  g_autoptr(VeilReason) match = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *figures = NULL;
  const float map[4] = { 0.0f, 0.25f, 0.5f, 1.0f };
  const float *map_back;
  VeilPdqHash hash = { { 1, 2, 3, G_GUINT64_CONSTANT (0xffffffffffffffff) } };
  guint w, h;

  clf = veil_reason_new_classifier ("porn", 0.91, 0.7, "nsfwjs", "4.4.0", "abcd", map, 2, 2);
  match = veil_reason_new_hash_match (VEIL_SIGNAL_HASH_LIST, 12, 31, "Family list", 3, "entry-9");
  veil_verdict_builder_add_reason (builder, clf);
  veil_verdict_builder_add_reason (builder, match);
  veil_verdict_builder_set_hash (builder, &hash, 88);
  verdict = veil_verdict_builder_build (builder);

  g_assert_true (veil_verdict_get_sensitive (verdict));
  g_assert_cmpuint (veil_verdict_get_n_reasons (verdict), ==, 2);
  json = veil_verdict_to_json (verdict);
  back = veil_verdict_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_sensitive (back));
  g_assert_true (veil_pdq_hash_equal (veil_verdict_get_hash (back), &hash));
  g_assert_cmpuint (veil_verdict_get_hash_quality (back), ==, 88);
  g_assert_cmpuint (veil_verdict_get_n_reasons (back), ==, 2);

  g_assert_cmpint (veil_reason_get_signal (veil_verdict_get_reason (back, 0)), ==, VEIL_SIGNAL_CLASSIFIER);
  g_assert_cmpstr (veil_reason_get_class_name (veil_verdict_get_reason (back, 0)), ==, "porn");
  g_assert_cmpfloat_with_epsilon (veil_reason_get_figure (veil_verdict_get_reason (back, 0)), 0.91, 1e-9);
  g_assert_cmpfloat_with_epsilon (veil_reason_get_threshold (veil_verdict_get_reason (back, 0)), 0.7, 1e-9);
  g_assert_cmpstr (veil_reason_get_source_detail (veil_verdict_get_reason (back, 0)), ==, "abcd");
  map_back = veil_reason_get_heatmap (veil_verdict_get_reason (back, 0), &w, &h);
  g_assert_nonnull (map_back);
  g_assert_cmpuint (w, ==, 2);
  g_assert_cmpuint (h, ==, 2);
  g_assert_cmpfloat (map_back[3], ==, 1.0f);

  g_assert_cmpint (veil_reason_get_signal (veil_verdict_get_reason (back, 1)), ==, VEIL_SIGNAL_HASH_LIST);
  g_assert_cmpstr (veil_reason_get_source_name (veil_verdict_get_reason (back, 1)), ==, "Family list");
  g_assert_cmpstr (veil_reason_get_source_version (veil_verdict_get_reason (back, 1)), ==, "3");
  g_assert_cmpstr (veil_reason_get_source_detail (veil_verdict_get_reason (back, 1)), ==, "entry-9");
  figures = veil_reason_describe_figures (veil_verdict_get_reason (back, 1));
  g_assert_nonnull (strstr (figures, "12"));
  g_assert_nonnull (strstr (figures, "31"));

  /* Damaged stored text is an error, not a crash or an empty verdict. */
  g_clear_pointer (&back, veil_verdict_unref);
  back = veil_verdict_new_from_json ("{\"reasons\": [{\"signal\": \"nonsense\"}]}", &error);
  g_assert_error (error, VEIL_VERDICT_ERROR, VEIL_VERDICT_ERROR_INVALID);
  g_assert_null (back);
  g_clear_error (&error);
  back = veil_verdict_new_from_json ("not json", &error);
  g_assert_error (error, VEIL_VERDICT_ERROR, VEIL_VERDICT_ERROR_INVALID);
}

/* A picture Veil could not check is a verdict of its own: not sensitive, not harmless, and
 * it keeps its cause through the store. */
static void
test_verdict_unchecked (void)
{
  g_autoptr(VeilVerdict) verdict = veil_verdict_new_unchecked (VEIL_UNCHECKED_TOO_SLOW, "deadline of 20 s passed");
  g_autoptr(VeilVerdict) back = NULL;
  g_autoptr(VeilVerdict) both = NULL;
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  g_autoptr(VeilReason) clf = veil_reason_new_classifier ("porn", 0.91, 0.7, "nsfwjs", "4.4.0", "abcd", NULL, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *sentence = NULL;
  g_autofree char *figures = NULL;

  g_assert_false (veil_verdict_get_sensitive (verdict));
  g_assert_true (veil_verdict_get_unchecked (verdict));
  g_assert_cmpint (veil_verdict_get_unchecked_cause (verdict), ==, VEIL_UNCHECKED_TOO_SLOW);

  json = veil_verdict_to_json (verdict);
  back = veil_verdict_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_unchecked (back));
  g_assert_false (veil_verdict_get_sensitive (back));
  g_assert_cmpint (veil_verdict_get_unchecked_cause (back), ==, VEIL_UNCHECKED_TOO_SLOW);
  g_assert_cmpint (veil_reason_get_signal (veil_verdict_get_reason (back, 0)), ==, VEIL_SIGNAL_UNCHECKED);
  sentence = veil_reason_describe (veil_verdict_get_reason (back, 0));
  g_assert_nonnull (strstr (sentence, "took too long"));
  figures = veil_reason_describe_figures (veil_verdict_get_reason (back, 0));
  g_assert_nonnull (strstr (figures, "too-slow"));
  g_assert_nonnull (strstr (figures, "deadline of 20 s passed"));

  /* A later frame that could not be checked does not hide what the first one showed. */
  veil_verdict_builder_add_reason (builder, clf);
  veil_verdict_builder_add_reason (builder, veil_verdict_get_reason (verdict, 0));
  both = veil_verdict_builder_build (builder);
  g_assert_true (veil_verdict_get_sensitive (both));
  g_assert_true (veil_verdict_get_unchecked (both));
  g_assert_cmpint (veil_verdict_get_unchecked_cause (both), ==, VEIL_UNCHECKED_TOO_SLOW);
  g_assert_cmpint (veil_reason_get_unchecked_cause (clf), ==, 0);

  /* Failures to analyse map to their causes; "not a picture" and cancelling are no verdict. */
  {
    g_autoptr(GError) slow = g_error_new_literal (VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TIMEOUT, "20 s");
    g_autoptr(GError) big = g_error_new_literal (VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS, "100 MP");
    g_autoptr(GError) broken = g_error_new_literal (VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT, "cut");
    g_autoptr(GError) text = g_error_new_literal (VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_AN_IMAGE, "text");
    g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stop");
    g_autoptr(VeilVerdict) v_slow = veil_verdict_new_unchecked_for_error (slow);
    g_autoptr(VeilVerdict) v_big = veil_verdict_new_unchecked_for_error (big);
    g_autoptr(VeilVerdict) v_broken = veil_verdict_new_unchecked_for_error (broken);

    g_assert_cmpint (veil_verdict_get_unchecked_cause (v_slow), ==, VEIL_UNCHECKED_TOO_SLOW);
    g_assert_cmpint (veil_verdict_get_unchecked_cause (v_big), ==, VEIL_UNCHECKED_TOO_LARGE);
    g_assert_cmpint (veil_verdict_get_unchecked_cause (v_broken), ==, VEIL_UNCHECKED_DAMAGED);
    g_assert_cmpstr (veil_reason_get_source_detail (veil_verdict_get_reason (v_big, 0)), ==, "100 MP");
    g_assert_null (veil_verdict_new_unchecked_for_error (text));
    g_assert_null (veil_verdict_new_unchecked_for_error (cancelled));
  }

  /* A stored cause Veil does not know is damaged text, not a pass. */
  g_clear_pointer (&back, veil_verdict_unref);
  back = veil_verdict_new_from_json ("{\"reasons\": [{\"signal\": \"unchecked\", \"figure\": 0, "
                                     "\"threshold\": 0, \"class\": \"bored\"}]}", &error);
  g_assert_error (error, VEIL_VERDICT_ERROR, VEIL_VERDICT_ERROR_INVALID);
  g_assert_null (back);
}

static void
test_hash_match (AnalyzerFixture *fixture,
                 gconstpointer    data)
{
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autofree char *listed = veil_test_write_picture (fixture->dir, "listed.png", 640, 480, 1);
  g_autofree char *other = veil_test_write_picture (fixture->dir, "other.png", 640, 480, 2);
  g_autofree char *listed_jpeg = NULL;
  g_autoptr(VeilHashList) list = list_for ("Known pictures", listed, "case-17");
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) re = NULL;
  VeilReason *reason;

  veil_analyzer_add_hash_list (analyzer, 0, list, VEIL_SIGNAL_HASH_LIST);

  verdict = veil_analyzer_analyze_file (analyzer, listed, NULL, NULL, &thumbnail, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_sensitive (verdict));
  g_assert_cmpuint (veil_verdict_get_n_reasons (verdict), ==, 1);
  reason = veil_verdict_get_reason (verdict, 0);
  g_assert_cmpint (veil_reason_get_signal (reason), ==, VEIL_SIGNAL_HASH_LIST);
  g_assert_cmpfloat (veil_reason_get_figure (reason), ==, 0);
  g_assert_cmpfloat (veil_reason_get_threshold (reason), ==, VEIL_PDQ_MATCH_DISTANCE);
  g_assert_cmpstr (veil_reason_get_source_name (reason), ==, "Known pictures");
  g_assert_cmpstr (veil_reason_get_source_version (reason), ==, "7");
  g_assert_cmpstr (veil_reason_get_source_detail (reason), ==, "case-17");
  g_assert_nonnull (thumbnail);

  /* The blurred thumbnail is a small PNG, not the picture. */
  re = vips_image_new_from_buffer (g_bytes_get_data (thumbnail, NULL), g_bytes_get_size (thumbnail), "", NULL);
  g_assert_nonnull (re);
  g_assert_cmpint (MAX (vips_image_get_width (re), vips_image_get_height (re)), <=, VEIL_ANALYZER_BLURRED_SIZE);
  g_assert_cmpuint (g_bytes_get_size (thumbnail), <, 640 * 480 * 3 / 10);

  /* A re-encoded copy still matches, within the distance. */
  listed_jpeg = g_build_filename (fixture->dir, "listed-copy.jpg", NULL);
  {
    g_autoptr(VipsImage) in = vips_image_new_from_file (listed, NULL);
    g_assert_cmpint (vips_jpegsave (in, listed_jpeg, "Q", 70, NULL), ==, 0);
  }
  g_clear_pointer (&verdict, veil_verdict_unref);
  verdict = veil_analyzer_analyze_file (analyzer, listed_jpeg, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_sensitive (verdict));
  g_assert_cmpfloat (veil_reason_get_figure (veil_verdict_get_reason (verdict, 0)), <=, VEIL_PDQ_MATCH_DISTANCE);

  /* Another picture does not. */
  g_clear_pointer (&verdict, veil_verdict_unref);
  g_clear_pointer (&thumbnail, g_bytes_unref);
  verdict = veil_analyzer_analyze_file (analyzer, other, NULL, NULL, &thumbnail, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (veil_verdict_get_sensitive (verdict));
  g_assert_cmpuint (veil_verdict_get_n_reasons (verdict), ==, 0);
  g_assert_nonnull (veil_verdict_get_hash (verdict));
  g_assert_null (thumbnail);
}

static void
test_profile_lists (AnalyzerFixture *fixture,
                    gconstpointer    data)
{
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autofree char *mine = veil_test_write_picture (fixture->dir, "mine.png", 400, 400, 5);
  g_autofree char *db = g_build_filename (fixture->dir, "veil.db", NULL);
  g_autoptr(VeilHashList) list = list_for ("Sam's pictures", mine, "md5-here");
  g_autoptr(VeilProfileBuilder) b1 = veil_profile_builder_new ("Sam");
  g_autoptr(VeilProfileBuilder) b2 = veil_profile_builder_new ("Kim");
  g_autoptr(VeilProfile) sam = NULL;
  g_autoptr(VeilProfile) kim = NULL;
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(VeilVerdict) for_sam = NULL;
  g_autoptr(VeilVerdict) for_kim = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(GError) error = NULL;

  /* Stored profiles, for their ids. */
  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  built = veil_profile_builder_build (b1, &error);
  g_assert_no_error (error);
  sam = veil_store_save_profile (store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  g_clear_pointer (&built, veil_profile_unref);
  built = veil_profile_builder_build (b2, &error);
  g_assert_no_error (error);
  kim = veil_store_save_profile (store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_id (sam), !=, veil_profile_get_id (kim));

  /* Sam's own "protect my images" list is Sam's only. */
  veil_analyzer_add_hash_list (analyzer, veil_profile_get_id (sam), list, VEIL_SIGNAL_PROTECTED_IMAGE);
  for_kim = veil_analyzer_analyze_file (analyzer, mine, kim, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (veil_verdict_get_sensitive (for_kim));

  for_sam = veil_analyzer_analyze_file (analyzer, mine, sam, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_sensitive (for_sam));
  g_assert_true (veil_verdict_has_signal (for_sam, VEIL_SIGNAL_PROTECTED_IMAGE));
  g_assert_false (veil_verdict_has_signal (for_sam, VEIL_SIGNAL_HASH_LIST));
}

static void
test_exception (AnalyzerFixture *fixture,
                gconstpointer    data)
{
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autofree char *listed = veil_test_write_picture (fixture->dir, "listed.png", 512, 512, 9);
  g_autoptr(VeilHashList) list = list_for ("List", listed, NULL);
  g_autoptr(VeilVerdict) before = NULL;
  g_autoptr(VeilVerdict) after = NULL;
  g_autoptr(VeilVerdict) cleared = NULL;
  g_autoptr(GError) error = NULL;

  veil_analyzer_add_hash_list (analyzer, 0, list, VEIL_SIGNAL_HASH_LIST);
  before = veil_analyzer_analyze_file (analyzer, listed, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_sensitive (before));

  /* The guardian said "this was wrong": the same picture raises nothing more. */
  veil_analyzer_add_exception (analyzer, 0, veil_verdict_get_hash (before));
  g_assert_true (veil_analyzer_is_exception (analyzer, 0, veil_verdict_get_hash (before)));
  after = veil_analyzer_analyze_file (analyzer, listed, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (veil_verdict_get_sensitive (after));
  g_assert_true (veil_verdict_get_suppressed (after));
  /* The reasons stay, so the guardian can still see why it was suppressed. */
  g_assert_cmpuint (veil_verdict_get_n_reasons (after), ==, 1);

  veil_analyzer_clear_exceptions (analyzer, 0);
  cleared = veil_analyzer_analyze_file (analyzer, listed, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_sensitive (cleared));
}

static void
test_bad_files (AnalyzerFixture *fixture,
                gconstpointer    data)
{
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autofree char *good = veil_test_write_picture (fixture->dir, "good.jpg", 800, 600, 3);
  g_autofree char *truncated = g_build_filename (fixture->dir, "truncated.jpg", NULL);
  g_autofree char *text = g_build_filename (fixture->dir, "notes.png", NULL);
  g_autofree char *huge = g_build_filename (fixture->dir, "huge.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VipsImage) big = NULL;
  VeilImageLimits limits;
  gsize length;

  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, length / 3, NULL));
  g_assert_true (g_file_set_contents (text, "not a picture at all", -1, NULL));

  /* A damaged picture was not checked: a verdict that says so, not an error. */
  verdict = veil_analyzer_analyze_file (analyzer, truncated, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verdict);
  g_assert_true (veil_verdict_get_unchecked (verdict));
  g_assert_cmpint (veil_verdict_get_unchecked_cause (verdict), ==, VEIL_UNCHECKED_DAMAGED);
  g_assert_false (veil_verdict_get_sensitive (verdict));
  g_clear_pointer (&verdict, veil_verdict_unref);

  verdict = veil_analyzer_analyze_file (analyzer, text, NULL, NULL, NULL, NULL, &error);
  g_assert_null (verdict);
  g_assert_true (error->domain == VEIL_IMAGE_ERROR);
  g_clear_error (&error);

  /* Larger than the analyzer's pixel limit: refused before decoding. */
  big = vips_image_new_matrix (1, 1);
  g_clear_object (&big);
  big = vips_image_new_from_memory_copy ("\0\0\0", 3, 1, 1, 3, VIPS_FORMAT_UCHAR);
  {
    g_autoptr(VipsImage) wide = NULL;
    g_assert_cmpint (vips_embed (big, &wide, 0, 0, 6000, 5000, NULL), ==, 0);
    g_assert_cmpint (vips_image_write_to_file (wide, huge, NULL), ==, 0);
  }
  veil_image_limits_init_default (&limits);
  limits.max_pixels = 20 * 1000 * 1000;
  veil_analyzer_set_limits (analyzer, &limits);
  verdict = veil_analyzer_analyze_file (analyzer, huge, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_unchecked (verdict));
  g_assert_cmpint (veil_verdict_get_unchecked_cause (verdict), ==, VEIL_UNCHECKED_TOO_LARGE);
  g_clear_pointer (&verdict, veil_verdict_unref);
  /* The analyzer's own call says why, with the limit's error. */
  verdict = veil_analyzer_analyze_file_in_lane (analyzer, huge, VEIL_WORKER_LANE_API, NULL, NULL, NULL, NULL, &error);
  g_assert_null (verdict);
  g_assert_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS);
}

typedef struct {
  VeilAnalyzer *analyzer;
  const char   *path;
  VeilPdqHash   expected;
  gint          mismatches;
} ThreadData;

static gpointer
analyze_repeatedly (gpointer user_data)
{
  ThreadData *td = user_data;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(VeilVerdict) v = veil_analyzer_analyze_file (td->analyzer, td->path, NULL, NULL, NULL, NULL, NULL);

      if (v == NULL || !veil_verdict_get_sensitive (v) || !veil_pdq_hash_equal (veil_verdict_get_hash (v), &td->expected))
        g_atomic_int_inc (&td->mismatches);
    }
  return NULL;
}

static void
test_threads (AnalyzerFixture *fixture,
              gconstpointer    data)
{
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autofree char *listed = veil_test_write_picture (fixture->dir, "listed.png", 300, 300, 11);
  g_autoptr(VeilHashList) list = list_for ("List", listed, NULL);
  ThreadData td = { analyzer, listed, { { 0 } }, 0 };
  GThread *threads[4];

  td.expected = *veil_hash_list_get_hash (list, 0);
  veil_analyzer_add_hash_list (analyzer, 0, list, VEIL_SIGNAL_HASH_LIST);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("analyze", analyze_repeatedly, &td);
  /* Lists change while the workers run: they must keep seeing a whole snapshot. */
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(VeilHashList) extra = veil_hash_list_new ("extra");
      VeilPdqHash h = { { i, i, i, i } };

      veil_hash_list_add (extra, &h, NULL);
      veil_analyzer_add_hash_list (analyzer, 1, extra, VEIL_SIGNAL_HASH_LIST);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (td.mismatches, ==, 0);
}

/* --- With the real model ---------------------------------------------------------------- */

static VeilClassifier *
load_classifier (void)
{
  const char *model_path = g_getenv ("VEIL_MODEL_PATH");
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = NULL;
  VeilNsfwClassifier *classifier;

  g_assert_nonnull (model_path);
  if (!g_file_test (model_path, G_FILE_TEST_EXISTS))
    g_error ("The model %s is missing: run tools/fetch-model.sh and rebuild", model_path);
  model = veil_model_new_from_file (model_path, &error);
  g_assert_no_error (error);
  classifier = veil_nsfw_classifier_new (model, &error);
  g_assert_no_error (error);
  return VEIL_CLASSIFIER (classifier);
}

static VeilProfile *
profile_with_sensitivity (VeilSensitivity level)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Alex");
  g_autoptr(GError) error = NULL;
  VeilProfile *profile;

  veil_profile_builder_set_sensitivity (b, level);
  profile = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  return profile;
}

static void
test_classifier (void)
{
  g_autoptr(VeilClassifier) classifier = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilProfile) standard = profile_with_sensitivity (VEIL_SENSITIVITY_STANDARD);
  g_autofree char *pos = NULL;
  g_autofree char *neg = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilClassifierResult) scores = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GError) error = NULL;
  VeilReason *reason;
  const float *map;
  double porn_score;
  guint w, h;

  if (!veil_test_require_testdata ("clf/fixtures/pos_porn_flat.png"))
    return;
  pos = veil_test_build_testdata ("clf", "fixtures", "pos_porn_flat.png", NULL);
  neg = veil_test_build_testdata ("clf", "fixtures", "neg_neutral_grid.png", NULL);
  classifier = load_classifier ();
  analyzer = veil_analyzer_new (classifier);

  verdict = veil_analyzer_analyze_file (analyzer, pos, standard, &scores, &thumbnail, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (veil_verdict_get_sensitive (verdict));
  g_assert_nonnull (scores);
  g_assert_nonnull (thumbnail);
  g_assert_true (veil_verdict_has_signal (verdict, VEIL_SIGNAL_CLASSIFIER));
  reason = veil_verdict_get_reason (verdict, 0);
  g_assert_cmpstr (veil_reason_get_class_name (reason), ==, "porn");
  g_assert_cmpfloat (veil_reason_get_figure (reason), >=, 0.95);
  g_assert_cmpfloat (veil_reason_get_threshold (reason), ==, veil_sensitivity_get_threshold (VEIL_SENSITIVITY_STANDARD));
  g_assert_cmpuint (strlen (veil_reason_get_source_detail (reason)), ==, 64);
  g_assert_cmpstr (veil_reason_get_source_detail (reason), ==, veil_analyzer_get_classifier_id (analyzer));
  map = veil_reason_get_heatmap (reason, &w, &h);
  g_assert_nonnull (map);
  g_assert_cmpuint (w * h, >, 1);
  /* Both signals come from the one decode: the verdict has the PDQ hash too. */
  g_assert_nonnull (veil_verdict_get_hash (verdict));
  porn_score = veil_reason_get_figure (reason);

  g_clear_pointer (&verdict, veil_verdict_unref);
  g_clear_pointer (&thumbnail, g_bytes_unref);
  verdict = veil_analyzer_analyze_file (analyzer, neg, standard, NULL, &thumbnail, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (veil_verdict_get_sensitive (verdict));
  g_assert_null (thumbnail);

  /* The same figures under the cached path give the same verdict. */
  {
    g_autoptr(VeilVerdict) again = veil_analyzer_evaluate (analyzer, standard, NULL, 0, scores);
    g_assert_true (veil_verdict_get_sensitive (again));
    g_assert_cmpfloat (veil_reason_get_figure (veil_verdict_get_reason (again, 0)), ==, porn_score);
  }
}

/* The near fixtures score 0.4..0.6: the profile's level decides. */
static void
test_classifier_levels (void)
{
  g_autoptr(VeilClassifier) classifier = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilProfile) strict = profile_with_sensitivity (VEIL_SENSITIVITY_STRICT);
  g_autoptr(VeilProfile) relaxed = profile_with_sensitivity (VEIL_SENSITIVITY_RELAXED);
  g_autofree char *near = NULL;
  g_autoptr(VeilClassifierResult) scores = NULL;
  g_autoptr(VeilVerdict) v_strict = NULL;
  g_autoptr(VeilVerdict) v_relaxed = NULL;
  g_autoptr(GError) error = NULL;
  int sexy;

  if (!veil_test_require_testdata ("clf/fixtures/near_sexy_diag.png"))
    return;
  near = veil_test_build_testdata ("clf", "fixtures", "near_sexy_diag.png", NULL);
  classifier = load_classifier ();
  analyzer = veil_analyzer_new (classifier);

  v_strict = veil_analyzer_analyze_file (analyzer, near, strict, &scores, NULL, NULL, &error);
  g_assert_no_error (error);
  sexy = veil_classifier_result_find_class (scores, "sexy");
  g_assert_cmpint (sexy, >=, 0);
  g_assert_cmpfloat (veil_classifier_result_get_probability (scores, sexy), >=, 0.4);
  g_assert_cmpfloat (veil_classifier_result_get_probability (scores, sexy), <=, 0.6);
  /* strict: 0.5 per class, 0.75 for the sum */

  g_assert_true (veil_verdict_get_sensitive (v_strict));

  /* relaxed: 0.85 per class, 0.925 for the sum of porn, hentai and sexy */
  v_relaxed = veil_analyzer_evaluate (analyzer, relaxed, NULL, 0, scores);
  g_assert_false (veil_verdict_get_sensitive (v_relaxed));
}

int
main (int    argc,
      char **argv)
{
  veil_test_init (&argc, &argv);
  veil_test_tolerate_vips_warnings (argv[0]);

  g_test_add_func ("/veil/analyzer/verdict-json", test_verdict_json);
  g_test_add_func ("/veil/analyzer/verdict-unchecked", test_verdict_unchecked);
  g_test_add ("/veil/analyzer/hash-match", AnalyzerFixture, NULL, fixture_setup, test_hash_match, fixture_teardown);
  g_test_add ("/veil/analyzer/profile-lists", AnalyzerFixture, NULL, fixture_setup, test_profile_lists, fixture_teardown);
  g_test_add ("/veil/analyzer/exception", AnalyzerFixture, NULL, fixture_setup, test_exception, fixture_teardown);
  g_test_add ("/veil/analyzer/bad-files", AnalyzerFixture, NULL, fixture_setup, test_bad_files, fixture_teardown);
  g_test_add ("/veil/analyzer/threads", AnalyzerFixture, NULL, fixture_setup, test_threads, fixture_teardown);
  g_test_add_func ("/veil/analyzer/classifier", test_classifier);
  g_test_add_func ("/veil/analyzer/classifier-levels", test_classifier_levels);

  return g_test_run ();
}
