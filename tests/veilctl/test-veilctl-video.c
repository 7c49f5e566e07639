/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "veil.h"
#include "veil-test-utils.h"
#include "veil-test-video.h"

/* veilctl on videos as on pictures: `classify` judges a clip, `scan` finds it in a folder
 * and its alert names the times of the frames that decided. The clip is made at test time
 * (VP8 WebM) and shows an adversarial classifier fixture from 5 s to 11 s of 16 s. */

#define FIXTURE "clf/fixtures/pos_porn_diag.png"

typedef struct {
  VeilTestVeilctl  ctl;
  char            *library;
  char            *clip;
} CtlFixture;

static void
fixture_setup (CtlFixture    *fixture,
               gconstpointer  data)
{
  veil_test_veilctl_init (&fixture->ctl);
  fixture->library = veil_test_veilctl_make_folder (&fixture->ctl, "Videos");
}

static void
fixture_teardown (CtlFixture    *fixture,
                  gconstpointer  data)
{
  g_free (fixture->clip);
  g_free (fixture->library);
  veil_test_veilctl_clear (&fixture->ctl);
}

#define run(fixture, input, out_stdout, ...) \
  veil_test_veilctl_run (&(fixture)->ctl, input, out_stdout, NULL, __VA_ARGS__)

static gboolean
make_clips (CtlFixture *fixture)
{
  g_autofree char *fixture_png = NULL;
  g_autofree char *bars = NULL;

  if (!veil_test_require_testdata (FIXTURE))
    return FALSE;
  if (!veil_test_video_can_make (VEIL_TEST_VIDEO_WEBM))
    {
      g_test_skip ("GStreamer cannot encode VP8 WebM here (install gstreamer1.0-plugins-good)");
      return FALSE;
    }
  fixture_png = veil_test_build_testdata (FIXTURE, NULL);
  /* Named as a picture would never be: the content decides. */
  fixture->clip = veil_test_write_video (fixture->library, "clip.webm", VEIL_TEST_VIDEO_WEBM, 16, fixture_png, 5, 11);
  bars = veil_test_write_video (fixture->library, "bars.mkv", VEIL_TEST_VIDEO_WEBM, 16, NULL, 0, 0);
  return TRUE;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
test_classify (CtlFixture    *fixture,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) line = NULL;
  JsonObject *o;

  if (!make_clips (fixture))
    return;
  g_assert_cmpint (run (fixture, NULL, &out, "classify", "--json", fixture->clip, NULL), ==, 0);
  line = parse (g_strstrip (out));
  o = json_node_get_object (line);
  g_assert_cmpstr (json_object_get_string_member (o, "top"), ==, "porn");
  g_assert_true (json_object_get_boolean_member (o, "sensitive"));
}

/* A profile with folder checks on and acknowledged. */
static void
make_profile (CtlFixture *fixture)
{
  g_autofree char *db = g_build_filename (fixture->ctl.dir, "veil.db", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Sam");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  const char *folders[] = { fixture->library, NULL };

  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  built = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  veil_store_acknowledge (store, saved, VEIL_PROTECTION_LIBRARY_SCAN,
                          veil_protection_get_text_version (VEIL_PROTECTION_LIBRARY_SCAN), &error);
  g_assert_no_error (error);
}

static void
test_scan (CtlFixture    *fixture,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(JsonNode) alerts = NULL;
  g_autofree char *canonical = NULL;
  JsonObject *s, *alert, *reason;
  JsonArray *a, *times;

  if (!make_clips (fixture))
    return;
  make_profile (fixture);
  g_assert_cmpint (run (fixture, NULL, &out, "scan", "Sam", fixture->library, "--json", NULL), ==, 0);
  summary = parse (out);
  s = json_node_get_object (summary);
  g_assert_cmpint (json_object_get_int_member (s, "seen"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (s, "analyzed"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (s, "flagged"), ==, 1);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (fixture, NULL, &out, "alerts", "Sam", "--json", NULL), ==, 0);
  alerts = parse (out);
  a = json_node_get_array (alerts);
  g_assert_cmpuint (json_array_get_length (a), ==, 1);
  alert = json_array_get_object_element (a, 0);
  canonical = g_canonicalize_filename (fixture->clip, NULL);
  g_assert_cmpstr (json_object_get_string_member (alert, "file"), ==, canonical);
  reason = json_array_get_object_element (json_object_get_array_member (alert, "reasons"), 0);
  g_assert_cmpstr (json_object_get_string_member (reason, "signal"), ==, "classifier");
  times = json_object_get_array_member (reason, "frame-times-ms");
  g_assert_nonnull (times);
  g_assert_cmpuint (json_array_get_length (times), >=, 2);
  for (guint i = 0; i < json_array_get_length (times); i++)
    {
      g_assert_cmpint (json_array_get_int_element (times, i), >=, 5000);
      g_assert_cmpint (json_array_get_int_element (times, i), <, 11000);
    }
  g_clear_pointer (&out, g_free);

  /* The text form gives the times too. */
  g_assert_cmpint (run (fixture, NULL, &out, "alerts", "Sam", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "in the video at 0:06.0"));
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init_vips (&argc, &argv);

  g_test_add ("/veil/veilctl-video/classify", CtlFixture, NULL, fixture_setup, test_classify, fixture_teardown);
  g_test_add ("/veil/veilctl-video/scan", CtlFixture, NULL, fixture_setup, test_scan, fixture_teardown);
  return g_test_run ();
}
