/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "veil.h"
#include "veil-classifier-result-private.h"
#include "veil-worker-pool.h"
#include "veil-worker-private.h"
#include "veil-test-utils.h"

/* The second opinion, for real: the built analysis worker with both real models, on the
 * shared adversarial fixtures. It may clear a borderline flag only; a high flag, the
 * setting off or a missing second model leave the first model's verdict. */

static VeilProfile *
make_profile (VeilSensitivity       level,
              VeilSecondOpinionRule rule)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Alex");
  g_autoptr(GError) error = NULL;
  VeilProfile *profile;

  veil_profile_builder_set_sensitivity (b, level);
  veil_profile_builder_set_second_opinion_rule (b, rule);
  profile = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  return profile;
}

static VeilAnalyzer *
pool_analyzer (VeilWorkerPool *pool)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = veil_model_load_default (&error);

  g_assert_no_error (error);
  return veil_analyzer_new_with_pool (pool, veil_model_get_sha256 (model));
}

static VeilVerdict *
analyze (VeilAnalyzer *analyzer,
         const char   *fixture,
         VeilProfile  *profile)
{
  g_autofree char *path = veil_test_build_testdata ("clf", "fixtures", fixture, NULL);
  g_autoptr(GError) error = NULL;
  VeilVerdict *verdict = veil_analyzer_analyze_file (analyzer, path, profile, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (verdict);
  return verdict;
}

/* Returns: (transfer none) (nullable): the verdict's second-opinion reason */
static VeilReason *
find_second_opinion (VeilVerdict *verdict)
{
  for (guint i = 0; i < veil_verdict_get_n_reasons (verdict); i++)
    if (veil_reason_get_signal (veil_verdict_get_reason (verdict, i)) == VEIL_SIGNAL_SECOND_OPINION)
      return veil_verdict_get_reason (verdict, i);
  return NULL;
}

static void
test_defaults (void)
{
  g_autoptr(VeilProfile) relaxed = make_profile (VEIL_SENSITIVITY_RELAXED, VEIL_SECOND_OPINION_RULE_DEFAULT);
  g_autoptr(VeilProfile) standard = make_profile (VEIL_SENSITIVITY_STANDARD, VEIL_SECOND_OPINION_RULE_DEFAULT);
  g_autoptr(VeilProfile) strict = make_profile (VEIL_SENSITIVITY_STRICT, VEIL_SECOND_OPINION_RULE_DEFAULT);
  g_autoptr(VeilProfile) strict_on = make_profile (VEIL_SENSITIVITY_STRICT, VEIL_SECOND_OPINION_RULE_ON);
  g_autoptr(VeilProfile) standard_off = make_profile (VEIL_SENSITIVITY_STANDARD, VEIL_SECOND_OPINION_RULE_OFF);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Sam");
  g_autoptr(VeilProfile) parsed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_profile_get_second_opinion (relaxed));
  g_assert_true (veil_profile_get_second_opinion (standard));
  g_assert_false (veil_profile_get_second_opinion (strict));
  g_assert_true (veil_profile_get_second_opinion (strict_on));
  g_assert_false (veil_profile_get_second_opinion (standard_off));

  g_assert_true (veil_profile_builder_set_from_string (b, "second-opinion", "off", &error));
  g_assert_no_error (error);
  parsed = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_profile_get_second_opinion_rule (parsed), ==, VEIL_SECOND_OPINION_RULE_OFF);
  g_assert_false (veil_profile_get_second_opinion (parsed));
  g_assert_false (veil_profile_builder_set_from_string (b, "second-opinion", "maybe", &error));
  g_assert_nonnull (error);
}

/* near_sexy_diag: sexy 0.50, porn + hentai + sexy 0.88, flagged at standard by the sum
 * (0.85) and well inside the margin (below 0.925); the second model calls it neutral. */
static void
test_borderline_cleared (void)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = pool_analyzer (pool);
  g_autoptr(VeilProfile) standard = make_profile (VEIL_SENSITIVITY_STANDARD, VEIL_SECOND_OPINION_RULE_DEFAULT);
  g_autoptr(VeilProfile) off = make_profile (VEIL_SENSITIVITY_STANDARD, VEIL_SECOND_OPINION_RULE_OFF);
  g_autoptr(VeilVerdict) cleared = NULL;
  g_autoptr(VeilVerdict) kept = NULL;
  g_autoptr(VeilVerdict) reread = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  VeilReason *second;

  if (!veil_test_require_testdata ("clf/fixtures/near_sexy_diag.png"))
    return;

  cleared = analyze (analyzer, "near_sexy_diag.png", standard);
  g_assert_false (veil_verdict_get_sensitive (cleared));
  g_assert_true (veil_verdict_has_signal (cleared, VEIL_SIGNAL_CLASSIFIER));
  second = find_second_opinion (cleared);
  g_assert_nonnull (second);
  g_assert_true (veil_reason_get_overrules (second));
  g_assert_cmpfloat (veil_reason_get_figure (second), >=, VEIL_SECOND_OPINION_BAR);
  g_assert_cmpfloat (veil_reason_get_threshold (second), ==, VEIL_SECOND_OPINION_BAR);
  g_assert_cmpstr (veil_reason_get_source_name (second), !=, "");
  g_assert_cmpuint (strlen (veil_reason_get_source_detail (second)), ==, 64);
  /* Stored and read back, the reasons still clear it. */
  json = veil_verdict_to_json (cleared);
  reread = veil_verdict_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_false (veil_verdict_get_sensitive (reread));
  g_assert_cmpuint (veil_verdict_get_n_reasons (reread), ==, veil_verdict_get_n_reasons (cleared));

  /* The setting off: the first model's verdict, no second opinion in it. */
  kept = analyze (analyzer, "near_sexy_diag.png", off);
  g_assert_true (veil_verdict_get_sensitive (kept));
  g_assert_null (find_second_opinion (kept));
}

/* Every adversarial positive (pos_*.png, scores >= 0.95) stays flagged at every level with
 * the second opinion on, and none of them is even asked about. */
static void
test_positives_stand (void)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilAnalyzer) analyzer = pool_analyzer (pool);
  g_autofree char *dir = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *file;
  guint n = 0;

  if (!veil_test_require_testdata ("clf/fixtures/pos_porn_flat.png"))
    return;
  dir = veil_test_build_testdata ("clf", "fixtures", NULL);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((file = g_dir_read_name (listing)) != NULL)
    {
      if (!g_str_has_prefix (file, "pos_") || !g_str_has_suffix (file, ".png"))
        continue;
      for (int level = VEIL_SENSITIVITY_RELAXED; level <= VEIL_SENSITIVITY_STRICT; level++)
        {
          g_autoptr(VeilProfile) profile = make_profile (level, VEIL_SECOND_OPINION_RULE_ON);
          g_autoptr(VeilVerdict) verdict = analyze (analyzer, file, profile);

          if (!veil_verdict_get_sensitive (verdict))
            g_error ("%s is not flagged at %s with the second opinion on", file, veil_sensitivity_to_string (level));
          g_assert_null (find_second_opinion (verdict));
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 12);
}

/* Without the second model the borderline flag stands, and its reasons say so. */
static void
test_missing_second_model (void)
{
  g_autoptr(VeilWorkerPool) pool = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilProfile) standard = make_profile (VEIL_SENSITIVITY_STANDARD, VEIL_SECOND_OPINION_RULE_ON);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("VEIL_MID_MODEL_PATH"));
  g_autofree char *description = NULL;
  VeilReason *second;

  if (!veil_test_require_testdata ("clf/fixtures/near_sexy_diag.png"))
    return;

  /* Workers start when first asked, and inherit the environment. */
  g_setenv ("VEIL_MID_MODEL_PATH", "/nonexistent/veil-nsfw-mid.vmodel", TRUE);
  pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  analyzer = pool_analyzer (pool);
  verdict = analyze (analyzer, "near_sexy_diag.png", standard);
  if (saved != NULL)
    g_setenv ("VEIL_MID_MODEL_PATH", saved, TRUE);
  else
    g_unsetenv ("VEIL_MID_MODEL_PATH");

  g_assert_true (veil_verdict_get_sensitive (verdict));
  g_assert_true (veil_verdict_has_signal (verdict, VEIL_SIGNAL_CLASSIFIER));
  second = find_second_opinion (verdict);
  g_assert_nonnull (second);
  g_assert_false (veil_reason_get_overrules (second));
  g_assert_cmpfloat (veil_reason_get_figure (second), <, 0.0);
  description = veil_reason_describe (second);
  g_assert_nonnull (strstr (description, "No second opinion"));
}

static VeilClassifierResult *
make_scores (const char *model,
             float       neutral,
             float       porn)
{
  static const char *names[] = { "drawing", "hentai", "neutral", "porn", "sexy", NULL };
  float p[5] = { 0.0f, 0.0f, neutral, porn, 1.0f - neutral - porn };
  float logits[5] = { 0 };

  return _veil_classifier_result_new (5, _veil_classifier_result_intern_class_names (names, 5), p, logits,
                                      model, "1", "0000000000000000000000000000000000000000000000000000000000000000");
}

/* A reply with @frame as its only frame, through the wire and back. */
static VeilWorkerResult *
round_trip (VeilWorkerFrame *frame,
            GError         **error)
{
  g_autoptr(VeilWorkerResult) result = _veil_worker_result_new ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GBytes) bytes = NULL;
  VeilWorkerFrame copy = *frame;

  /* The result's frames own what they hold. */
  copy.scores = frame->scores != NULL ? veil_classifier_result_ref (frame->scores) : NULL;
  copy.second = frame->second != NULL ? veil_classifier_result_ref (frame->second) : NULL;
  g_array_append_val (result->frames, copy);
  reply = g_variant_ref_sink (_veil_worker_reply_new (result, NULL));
  bytes = g_variant_get_data_as_bytes (reply);
  return _veil_worker_reply_parse (bytes, error);
}

/* The second opinion's field of a reply is read as untrusted, like the rest of it. */
static void
test_wire (void)
{
  g_autoptr(VeilWorkerResult) parsed = NULL;
  g_autoptr(GError) error = NULL;
  VeilWorkerFrame frame = { 0 };
  VeilClassifierResult *second;

  frame.scores = make_scores ("first", 0.1f, 0.75f);
  frame.second = make_scores ("second", 0.95f, 0.01f);
  frame.second_state = VEIL_SECOND_OPINION_GIVEN;
  parsed = round_trip (&frame, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_worker_result_get_second_state (parsed, 0), ==, VEIL_SECOND_OPINION_GIVEN);
  second = veil_worker_result_get_second_scores (parsed, 0);
  g_assert_nonnull (second);
  g_assert_cmpstr (veil_classifier_result_get_model_name (second), ==, "second");
  g_assert_cmpfloat_with_epsilon (veil_classifier_result_get_harmless (second), 0.95, 1e-6);
  /* Carried with the first scores, as a scan's cache stores them. */
  g_assert_true (veil_classifier_result_get_second (veil_worker_result_get_scores (parsed, 0)) == second);
  g_clear_pointer (&parsed, veil_worker_result_unref);

  /* A probability out of range is refused. */
  g_clear_pointer (&frame.second, veil_classifier_result_unref);
  frame.second = make_scores ("second", 1.5f, 0.0f);
  parsed = round_trip (&frame, &error);
  g_assert_error (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED);
  g_assert_null (parsed);
  g_clear_error (&error);

  /* "Given" without scores is refused; "unavailable" without them is read as such. */
  g_clear_pointer (&frame.second, veil_classifier_result_unref);
  parsed = round_trip (&frame, &error);
  g_assert_error (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED);
  g_assert_null (parsed);
  g_clear_error (&error);
  frame.second_state = VEIL_SECOND_OPINION_UNAVAILABLE;
  parsed = round_trip (&frame, &error);
  g_assert_no_error (error);
  g_assert_cmpint (veil_worker_result_get_second_state (parsed, 0), ==, VEIL_SECOND_OPINION_UNAVAILABLE);
  g_assert_null (veil_worker_result_get_second_scores (parsed, 0));

  g_clear_pointer (&frame.scores, veil_classifier_result_unref);
}

int
main (int    argc,
      char **argv)
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/second-opinion/defaults", test_defaults);
  g_test_add_func ("/veil/second-opinion/wire", test_wire);
  g_test_add_func ("/veil/second-opinion/borderline-cleared", test_borderline_cleared);
  g_test_add_func ("/veil/second-opinion/positives-stand", test_positives_stand);
  g_test_add_func ("/veil/second-opinion/missing-second-model", test_missing_second_model);

  return g_test_run ();
}
