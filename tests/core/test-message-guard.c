/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-test-classifier.h"
#include "test-message-guard-fixture.h"
#include "veil-test-utils.h"

/* VeilMessageGuard end to end: a real store file, real files written into a temporary
 * "Downloads" watched with GFileMonitor, real libvips decoding, a test classifier (it flags
 * pictures that are mostly red) and a real hash list holding one generated picture's PDQ. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

/* Writes a small picture with libvips into @dir; @red makes the test classifier flag it. */
static char *
write_picture (const char *dir,
               const char *name,
               guint32     seed,
               gboolean    red)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *rgb = NULL;
  g_autoptr(VipsImage) image = NULL;
  const guint size = 64;
  double f[3][4];

  if (!red)
    return veil_test_write_picture (dir, name, size, size, seed);

  rgb = g_malloc (size * size * 3);
  for (guint c = 0; c < 3; c++)
    for (guint k = 0; k < 4; k++)
      f[c][k] = g_rand_double_range (rand, 1.0, 9.0);
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      for (guint c = 0; c < 3; c++)
        {
          double value = sin (f[c][0] * x / size * G_PI + f[c][1]) * cos (f[c][2] * y / size * G_PI + f[c][3]);

          rgb[(y * size + x) * 3 + c] = (guint8) (c == 0 ? 160 + 90 * value : 20 + 15 * value);
        }
  image = vips_image_new_from_memory_copy (rgb, size * size * 3, size, size, 3, VIPS_FORMAT_UCHAR);
  {
    char *path = g_build_filename (dir, name, NULL);

    g_assert_cmpint (vips_image_write_to_file (image, path, NULL), ==, 0);
    return path;
  }
}

/* Writes it in staging and renames it into Downloads, as a finished download arrives. */
static char *
arrive (GuardFixture *fixture,
        const char   *name,
        guint32       seed,
        gboolean      red)
{
  g_autofree char *staged = write_picture (fixture->staging, name, seed, red);
  char *path = g_build_filename (fixture->downloads, name, NULL);

  g_assert_cmpint (g_rename (staged, path), ==, 0);
  return path;
}

/* --- Tests ----------------------------------------------------------------------------- */

static void
test_sensitive_and_harmless (GuardFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, FALSE, TRUE);
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *red = NULL;
  g_autofree char *harmless = NULL;
  VeilAlert *alert;

  guard (fixture, profile);
  folders = veil_message_guard_list_folders (fixture->guard);
  g_assert_cmpuint (folders->len, ==, 1);
  g_assert_cmpstr (g_file_peek_path (folders->pdata[0]), ==, fixture->downloads);
  g_assert_true (veil_message_guard_get_profile (fixture->guard) == profile);

  red = arrive (fixture, "beach.png", 1, TRUE);
  before = read_bytes (red);
  harmless = arrive (fixture, "cat.jpg", 2, FALSE);
  wait_for_results (fixture, 2);

  g_assert_cmpuint (analyzed_count (fixture, red), ==, 1);
  g_assert_cmpuint (analyzed_count (fixture, harmless), ==, 1);
  g_assert_cmpuint (fixture->n_sensitive, ==, 1);
  g_assert_cmpuint (g_hash_table_size (fixture->failed), ==, 0);
  g_assert_cmpuint (fixture->warned->len, ==, 1);
  g_assert_cmpstr (fixture->warned_folders->pdata[0], ==, "Downloads");

  alerts = veil_store_list_message_alerts (fixture->store, veil_profile_get_id (profile), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  alert = alerts->pdata[0];
  g_assert_cmpint (alert->id, ==, g_array_index (fixture->warned, gint64, 0));
  g_assert_cmpstr (alert->path, ==, red);
  g_assert_cmpstr (alert->folder, ==, "Downloads");
  g_assert_cmpstr (alert->source, ==, VEIL_ALERT_SOURCE_MESSAGE);
  /* Nobody else is told: the profile does not say so. */
  g_assert_cmpstr (alert->state, ==, VEIL_ALERT_STATE_PRIVATE);
  g_assert_null (alert->hidden_path);
  thumbnail = veil_store_get_thumbnail (fixture->store, alert->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (thumbnail), >, 0);

  /* Never moved or changed: the profile did not ask for hiding. */
  after = read_bytes (red);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_hash_list_match (GuardFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, FALSE, TRUE);
  g_autofree char *listed = write_picture (fixture->staging, "listed.png", 77, FALSE);
  g_autofree char *arrived = NULL;
  g_autofree char *other = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Known pictures");
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(VeilAlert) alert = NULL;
  g_autoptr(GError) error = NULL;
  VeilImageLimits limits;

  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (listed, veil_analyzer_get_pdq_mode (fixture->analyzer), FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), "known");
  g_assert_true (veil_store_import_hash_list (fixture->store, veil_profile_get_id (profile), list, "test", &error));
  g_assert_no_error (error);

  /* The guard loads the profile's lists into the analyzer. */
  guard (fixture, profile);
  arrived = g_build_filename (fixture->downloads, "forwarded.png", NULL);
  g_assert_cmpint (g_rename (listed, arrived), ==, 0);
  other = arrive (fixture, "other.png", 78, FALSE);
  wait_for_results (fixture, 2);

  g_assert_cmpuint (fixture->warned->len, ==, 1);
  alert = veil_store_get_alert (fixture->store, g_array_index (fixture->warned, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alert->path, ==, arrived);
  g_assert_true (veil_verdict_has_signal (alert->verdict, VEIL_SIGNAL_HASH_LIST));
  g_assert_cmpuint (analyzed_count (fixture, other), ==, 1);
}

static void
test_partial_downloads (GuardFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, FALSE, TRUE);
  g_autofree char *source = write_picture (fixture->staging, "source.png", 3, TRUE);
  g_autofree char *part = g_build_filename (fixture->downloads, "photo.png.part", NULL);
  g_autofree char *final = g_build_filename (fixture->downloads, "photo.png", NULL);
  g_autofree char *never = g_build_filename (fixture->downloads, "video-still.png.crdownload", NULL);
  g_autoptr(GBytes) bytes = read_bytes (source);
  const guint8 *p;
  gsize size, half;
  FILE *f;

  guard (fixture, profile);
  p = g_bytes_get_data (bytes, &size);
  half = size / 2;

  /* A browser writes "name.part" in pieces, then renames it. */
  f = g_fopen (part, "wb");
  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite (p, 1, half, f), ==, half);
  fflush (f);
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (100 * 1000);
  g_assert_cmpuint (fwrite (p + half, 1, size - half, f), ==, size - half);
  fclose (f);

  /* A Chrome download that never finishes: half a picture under a partial name. */
  g_assert_true (g_file_set_contents (never, (const char *) p, half, NULL));
  wait_idle (fixture, 300);
  g_assert_cmpuint (fixture->n_analyzed, ==, 0);

  g_assert_cmpint (g_rename (part, final), ==, 0);
  wait_for_results (fixture, 1);
  g_assert_cmpuint (analyzed_count (fixture, final), ==, 1);
  g_assert_cmpuint (analyzed_count (fixture, part), ==, 0);
  g_assert_cmpuint (analyzed_count (fixture, never), ==, 0);
  g_assert_false (g_hash_table_contains (fixture->failed, never));
  g_assert_cmpuint (fixture->warned->len, ==, 1);
  g_assert_true (g_file_test (never, G_FILE_TEST_EXISTS));
}

static void
test_burst (GuardFixture  *fixture,
            gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, FALSE, TRUE);
  g_autoptr(GPtrArray) staged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GHashTable) alerted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  const guint n = 200;
  guint max_busy = 0;

  guard (fixture, profile);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("burst-%03u.png", i);

      g_ptr_array_add (staged, write_picture (fixture->staging, name, 1000 + i, i % 10 == 0));
    }
  /* All arrive at once. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *base = g_path_get_basename (staged->pdata[i]);
      g_autofree char *dest = g_build_filename (fixture->downloads, base, NULL);

      g_assert_cmpint (g_rename (staged->pdata[i], dest), ==, 0);
    }

  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    while (fixture->n_analyzed + g_hash_table_size (fixture->failed) < n)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        max_busy = MAX (max_busy, veil_message_guard_get_n_busy (fixture->guard));
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
      }
  }
  wait_idle (fixture, 300);

  /* Every file once, alerts exactly for the red ones. */
  g_assert_cmpuint (g_hash_table_size (fixture->failed), ==, 0);
  g_assert_cmpuint (fixture->n_analyzed, ==, n);
  g_assert_cmpuint (g_hash_table_size (fixture->analyzed), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/burst-%03u.png", fixture->downloads, i);

      g_assert_cmpuint (analyzed_count (fixture, path), ==, 1);
    }
  g_assert_cmpuint (fixture->warned->len, ==, n / 10);
  alerts = veil_store_list_message_alerts (fixture->store, veil_profile_get_id (profile), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, n / 10);
  for (guint i = 0; i < alerts->len; i++)
    {
      VeilAlert *alert = alerts->pdata[i];
      g_autofree char *base = g_path_get_basename (alert->path);
      guint index = (guint) g_ascii_strtoull (base + strlen ("burst-"), NULL, 10);

      g_assert_cmpuint (index % 10, ==, 0);
      g_hash_table_add (alerted, alert->path);
    }
  g_assert_cmpuint (g_hash_table_size (alerted), ==, n / 10);

  /* Work in flight stayed within the cores, though many files waited. */
  g_assert_cmpint ((gint) veil_test_classifier_get_max_in_flight (fixture->classifier), >=, 1);
  g_assert_cmpint ((gint) veil_test_classifier_get_max_in_flight (fixture->classifier), <=, (gint) g_get_num_processors ());
  g_assert_cmpuint (max_busy, >, g_get_num_processors ());
}

static void
test_not_active (GuardFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilProfile) unacknowledged = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, FALSE, FALSE);
  g_autoptr(VeilProfile) active = save_profile (fixture, "Sam", VEIL_AGE_BAND_13_15, FALSE, FALSE, TRUE);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (active);
  g_autoptr(VeilProfile) off_draft = NULL;
  g_autoptr(VeilProfile) off = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  /* Turned on by the guardian but not acknowledged by the child: nothing is watched. */
  g_assert_true (veil_message_guard_set_profile (fixture->guard, unacknowledged, &error));
  g_assert_no_error (error);
  g_assert_null (veil_message_guard_get_profile (fixture->guard));
  folders = veil_message_guard_list_folders (fixture->guard);
  g_assert_cmpuint (folders->len, ==, 0);
  first = arrive (fixture, "first.png", 10, TRUE);
  wait_idle (fixture, 400);
  g_assert_cmpuint (fixture->n_analyzed, ==, 0);

  /* Active, then stopped with NULL. */
  guard (fixture, active);
  g_assert_true (veil_message_guard_set_profile (fixture->guard, NULL, &error));
  g_assert_no_error (error);
  second = arrive (fixture, "second.png", 11, TRUE);
  wait_idle (fixture, 400);
  g_assert_cmpuint (fixture->n_analyzed, ==, 0);

  /* Turned off by the guardian (a new version of the profile). */
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE);
  off_draft = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  off = veil_store_save_profile (fixture->store, off_draft, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (veil_message_guard_set_profile (fixture->guard, off, &error));
  g_assert_no_error (error);
  third = arrive (fixture, "third.png", 12, TRUE);
  wait_idle (fixture, 400);
  g_assert_cmpuint (fixture->n_analyzed, ==, 0);
  g_assert_cmpuint (fixture->warned->len, ==, 0);
  g_assert_cmpint ((gint) veil_test_classifier_get_max_in_flight (fixture->classifier), ==, 0);
}

static void
test_no_folder (GuardFixture  *fixture,
                gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, FALSE, TRUE);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (profile);
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-folder", NULL);
  const char *folders[] = { missing, NULL };
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;

  veil_profile_builder_set_message_folders (b, folders);
  draft = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (fixture->store, draft, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  g_assert_false (veil_message_guard_set_profile (fixture->guard, saved, &error));
  g_assert_error (error, VEIL_MESSAGE_GUARD_ERROR, VEIL_MESSAGE_GUARD_ERROR_NO_FOLDER);
  g_assert_null (veil_message_guard_get_profile (fixture->guard));
}

static void
test_restart (GuardFixture  *fixture,
              gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, FALSE, TRUE);
  g_autofree char *history = write_picture (fixture->downloads, "from-last-year.png", 20, TRUE);
  g_autofree char *live = NULL;
  g_autofree char *while_down_red = NULL;
  g_autofree char *while_down = NULL;
  g_autofree char *after = NULL;
  g_autofree char *part = g_build_filename (fixture->downloads, "half.png.part", NULL);

  /* The very first activation does not go through the Downloads history. */
  g_usleep (20 * 1000);
  guard (fixture, profile);
  live = arrive (fixture, "live.png", 21, FALSE);
  wait_for_results (fixture, 1);
  g_assert_cmpuint (analyzed_count (fixture, live), ==, 1);
  g_assert_cmpuint (analyzed_count (fixture, history), ==, 0);

  /* The service stops; pictures keep arriving. */
  dispose_guard (fixture);
  while_down_red = arrive (fixture, "while-down-red.png", 22, TRUE);
  while_down = arrive (fixture, "while-down.jpg", 23, FALSE);
  g_assert_true (g_file_set_contents (part, "partial", -1, NULL));

  new_guard (fixture);
  g_assert_true (veil_message_guard_set_profile (fixture->guard, profile, NULL));
  wait_for_results (fixture, 3);
  g_assert_cmpuint (analyzed_count (fixture, while_down_red), ==, 1);
  g_assert_cmpuint (analyzed_count (fixture, while_down), ==, 1);
  g_assert_cmpuint (analyzed_count (fixture, live), ==, 1);
  g_assert_cmpuint (analyzed_count (fixture, history), ==, 0);
  g_assert_cmpuint (analyzed_count (fixture, part), ==, 0);
  g_assert_cmpuint (fixture->n_analyzed, ==, 3);
  g_assert_cmpuint (fixture->warned->len, ==, 1);

  /* And it keeps watching. */
  after = arrive (fixture, "after.png", 24, FALSE);
  wait_for_results (fixture, 4);
  g_assert_cmpuint (analyzed_count (fixture, after), ==, 1);

  /* A third start has nothing to catch up on. */
  dispose_guard (fixture);
  new_guard (fixture);
  guard (fixture, profile);
  wait_idle (fixture, 300);
  g_assert_cmpuint (fixture->n_analyzed, ==, 4);
}

static void
test_hide_and_restore (GuardFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_UNDER_13, TRUE, FALSE, TRUE);
  g_autofree char *staged = write_picture (fixture->staging, "party.png", 30, TRUE);
  g_autoptr(GBytes) original = read_bytes (staged);
  g_autofree char *path = g_build_filename (fixture->downloads, "party.png", NULL);
  g_autofree char *restored_to = NULL;
  g_autofree char *expected_dir = NULL;
  g_autoptr(VeilAlert) alert = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  gboolean audited = FALSE;
  GStatBuf st;
  gint64 id;

  guard (fixture, profile);
  g_assert_cmpint (g_rename (staged, path), ==, 0);
  wait_for_results (fixture, 1);
  g_assert_cmpuint (fixture->warned->len, ==, 1);
  id = g_array_index (fixture->warned, gint64, 0);

  /* Moved into Veil's own folder: the original is gone, one copy exists, private. */
  alert = veil_store_get_alert (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (alert->hidden_path);
  expected_dir = g_strdup_printf ("%s/hidden/%" G_GINT64_FORMAT, fixture->data_dir, id);
  g_assert_true (g_str_has_prefix (alert->hidden_path, expected_dir));
  g_assert_true (g_str_has_suffix (alert->hidden_path, "/party.png"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (alert->hidden_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (expected_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Restored: the same bytes at the same place, and not warned about again. */
  g_assert_true (veil_message_guard_restore (fixture->store, id, &restored_to, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (restored_to, ==, path);
  back = read_bytes (path);
  g_assert_true (g_bytes_equal (back, original));
  g_assert_false (g_file_test (expected_dir, G_FILE_TEST_EXISTS));
  g_clear_pointer (&alert, veil_alert_free);
  alert = veil_store_get_alert (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_null (alert->hidden_path);
  wait_idle (fixture, 400);
  g_assert_cmpuint (fixture->warned->len, ==, 1);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  audit = veil_store_list_audit (fixture->store, veil_profile_get_id (profile), 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    audited |= g_strcmp0 (((VeilAuditEntry *) audit->pdata[i])->kind, "picture-restored") == 0;
  g_assert_true (audited);

  /* Twice: it is no longer hidden. */
  g_clear_pointer (&restored_to, g_free);
  g_assert_false (veil_message_guard_restore (fixture->store, id, &restored_to, &error));
  g_assert_error (error, VEIL_MESSAGE_GUARD_ERROR, VEIL_MESSAGE_GUARD_ERROR_NOT_HIDDEN);
  g_clear_error (&error);
  g_assert_null (restored_to);
}

static void
test_restore_beside (GuardFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_UNDER_13, TRUE, FALSE, TRUE);
  g_autofree char *staged = write_picture (fixture->staging, "meme.png", 31, TRUE);
  g_autoptr(GBytes) original = read_bytes (staged);
  g_autofree char *path = g_build_filename (fixture->downloads, "meme.png", NULL);
  g_autofree char *beside = g_build_filename (fixture->downloads, "meme (restored).png", NULL);
  g_autofree char *restored_to = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  const char *other = "another file took its name";
  g_autofree char *now = NULL;
  guint warned;

  guard (fixture, profile);
  g_assert_cmpint (g_rename (staged, path), ==, 0);
  wait_for_results (fixture, 1);
  g_assert_cmpuint (fixture->warned->len, ==, 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Something else now has the name: it is kept, the picture comes back beside it. */
  g_assert_true (g_file_set_contents (path, other, -1, NULL));
  wait_idle (fixture, 200);
  warned = fixture->warned->len;
  g_assert_true (veil_message_guard_restore (fixture->store, g_array_index (fixture->warned, gint64, 0),
                                             &restored_to, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (restored_to, ==, beside);
  back = read_bytes (beside);
  g_assert_true (g_bytes_equal (back, original));
  g_assert_true (g_file_get_contents (path, &now, NULL, NULL));
  g_assert_cmpstr (now, ==, other);
  wait_idle (fixture, 400);
  g_assert_cmpuint (fixture->warned->len, ==, warned);
}

static void
test_no_hiding_for_teens (GuardFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, TRUE, FALSE, TRUE);
  g_autofree char *path = NULL;
  g_autoptr(VeilAlert) alert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hidden_root = g_build_filename (fixture->data_dir, "hidden", NULL);

  g_assert_true (veil_profile_get_hide_warned (profile));
  guard (fixture, profile);
  path = arrive (fixture, "teen.png", 40, TRUE);
  wait_for_results (fixture, 1);
  g_assert_cmpuint (fixture->warned->len, ==, 1);
  alert = veil_store_get_alert (fixture->store, g_array_index (fixture->warned, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_null (alert->hidden_path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (hidden_root, G_FILE_TEST_EXISTS));
}

static void
test_settings_change (GuardFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, FALSE, TRUE);
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (profile);
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) younger = NULL;
  g_autoptr(VeilAlert) first = NULL;
  g_autoptr(VeilAlert) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *c = NULL;

  guard (fixture, profile);
  a = arrive (fixture, "a.png", 60, TRUE);
  wait_for_results (fixture, 1);

  /* The guardian corrects the age band and asks for hiding: the same watch takes it on. */
  veil_profile_builder_set_age_band (b, VEIL_AGE_BAND_UNDER_13);
  veil_profile_builder_set_hide_warned (b, TRUE);
  draft = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  younger = veil_store_save_profile (fixture->store, draft, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (veil_message_guard_set_profile (fixture->guard, younger, &error));
  g_assert_no_error (error);
  g_assert_true (veil_message_guard_get_profile (fixture->guard) == younger);
  c = arrive (fixture, "c.png", 61, TRUE);
  wait_for_results (fixture, 2);

  g_assert_cmpuint (fixture->n_analyzed, ==, 2);
  g_assert_cmpuint (fixture->warned->len, ==, 2);
  first = veil_store_get_alert (fixture->store, g_array_index (fixture->warned, gint64, 0), &error);
  g_assert_no_error (error);
  second = veil_store_get_alert (fixture->store, g_array_index (fixture->warned, gint64, 1), &error);
  g_assert_no_error (error);
  g_assert_null (first->hidden_path);
  g_assert_true (g_file_test (a, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (second->hidden_path);
  g_assert_false (g_file_test (c, G_FILE_TEST_EXISTS));
}

static void
test_who_is_told (GuardFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(VeilProfile) told = save_profile (fixture, "Mia", VEIL_AGE_BAND_13_15, FALSE, TRUE, TRUE);
  g_autoptr(VeilProfile) not_acknowledged = NULL;
  g_autoptr(VeilAlert) first = NULL;
  g_autoptr(VeilAlert) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_cmpint (veil_profile_get_notify (told), ==, VEIL_NOTIFY_GUARDIAN);
  guard (fixture, told);
  a = arrive (fixture, "a.png", 50, TRUE);
  wait_for_results (fixture, 1);
  g_assert_cmpuint (fixture->warned->len, ==, 1);
  first = veil_store_get_alert (fixture->store, g_array_index (fixture->warned, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->state, ==, VEIL_ALERT_STATE_TOLD);

  /* Guardian alerts turned on, but the child has not acknowledged being told about them:
   * the warning stays with the child. */
  {
    g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Sam");
    g_autoptr(VeilProfile) draft = NULL;
    const char *folders[] = { fixture->downloads, NULL };

    veil_profile_builder_set_age_band (builder, VEIL_AGE_BAND_13_15);
    veil_profile_builder_set_message_folders (builder, folders);
    veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
    veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE);
    draft = veil_profile_builder_build (builder, &error);
    g_assert_no_error (error);
    not_acknowledged = veil_store_save_profile (fixture->store, draft, VEIL_ACTOR_GUARDIAN, &error);
    g_assert_no_error (error);
    g_assert_true (veil_store_acknowledge (fixture->store, not_acknowledged, VEIL_PROTECTION_MESSAGE_WARNINGS,
                                           veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS), &error));
    g_assert_no_error (error);
  }
  guard (fixture, not_acknowledged);
  b = arrive (fixture, "b.png", 51, TRUE);
  wait_for_results (fixture, 2);
  g_assert_cmpuint (fixture->warned->len, ==, 2);
  second = veil_store_get_alert (fixture->store, g_array_index (fixture->warned, gint64, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->state, ==, VEIL_ALERT_STATE_PRIVATE);
  g_assert_cmpint (second->profile_id, ==, veil_profile_get_id (not_acknowledged));
}

typedef struct {
  char     *line;
  gboolean  done;
} LineRead;

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL));
  *done = TRUE;
}

/* `veilctl watch` and `veilctl restore`, the real binary on the fixture's store. */
static void
test_veilctl (GuardFixture  *fixture,
              gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_UNDER_13, TRUE, FALSE, TRUE);
  g_autofree char *veilctl = g_strdup (VEIL_TEST_VEILCTL);
  g_autofree char *listed = write_picture (fixture->staging, "listed.png", 77, FALSE);
  g_autoptr(GBytes) original = read_bytes (listed);
  g_autofree char *arrived = g_build_filename (fixture->downloads, "forwarded.png", NULL);
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Known pictures");
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) watch = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *restore_out = NULL;
  g_autofree char *restore_err = NULL;
  g_autofree char *again_err = NULL;
  g_autofree char *id = NULL;
  VeilImageLimits limits;
  JsonObject *warning;
  gboolean exited = FALSE;
  LineRead read = { NULL, FALSE };
  gint64 alert_id;
  int status;

  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (listed, veil_analyzer_get_pdq_mode (fixture->analyzer), FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), "known");
  g_assert_true (veil_store_import_hash_list (fixture->store, veil_profile_get_id (profile), list, "test", &error));
  /* Guarded since now, so a picture arriving before veilctl watches is caught up on. */
  g_assert_cmpint (veil_store_begin_message_watch (fixture->store, veil_profile_get_id (profile), &error), >, 0);
  g_assert_no_error (error);
  /* File times come from the kernel's coarse clock, up to a tick (10 ms) behind the clock the
   * store read: let it pass the start, or the arrival could look older than the guard. */
  g_usleep (50 * 1000);

  g_subprocess_launcher_setenv (launcher, "VEIL_DATA_DIR", fixture->data_dir, TRUE);
  /* libvips may warn about its modules; the command's own output is what is checked. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  watch = g_subprocess_launcher_spawn (launcher, &error, veilctl, "watch", "Mia", "--json", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (listed, arrived), ==, 0);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (watch));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, line_read_cb, &read);
  veil_test_wait_for (&read.done, 30);
  line = g_steal_pointer (&read.line);
  g_assert_nonnull (line);
  g_assert_true (json_parser_load_from_data (parser, line, -1, &error));
  g_assert_no_error (error);
  warning = json_node_get_object (json_parser_get_root (parser));
  alert_id = json_object_get_int_member (warning, "alert");
  g_assert_cmpint (alert_id, >, 0);
  g_assert_cmpstr (json_object_get_string_member (warning, "path"), ==, arrived);
  g_assert_cmpstr (json_object_get_string_member (warning, "folder"), ==, "Downloads");

  /* Interrupted, it ends cleanly. */
  g_subprocess_send_signal (watch, SIGTERM);
  g_subprocess_wait_async (watch, NULL, exited_cb, &exited);
  veil_test_wait_for (&exited, 30);
  g_assert_true (g_subprocess_get_if_exited (watch));
  g_assert_cmpint (g_subprocess_get_exit_status (watch), ==, 0);

  /* Hidden by the command, put back by the other. No PIN is set here, so none is asked. */
  g_assert_false (g_file_test (arrived, G_FILE_TEST_EXISTS));
  id = g_strdup_printf ("%" G_GINT64_FORMAT, alert_id);
  status = veil_test_run_veilctl (veilctl, fixture->data_dir, NULL, TRUE, "", &restore_out, &restore_err,
                                  (const char *[]) { "restore", id, "--pin-stdin", NULL });
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (restore_out, arrived));
  back = read_bytes (arrived);
  g_assert_true (g_bytes_equal (back, original));
  status = veil_test_run_veilctl (veilctl, fixture->data_dir, NULL, TRUE, "", NULL, &again_err,
                                  (const char *[]) { "restore", id, "--pin-stdin", NULL });
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (again_err, "not hidden"));
}

int
main (int    argc,
      char **argv)
{
  veil_test_init (&argc, &argv);
  veil_test_tolerate_vips_warnings (argv[0]);

#define ADD(path, func) \
  g_test_add ("/veil/message-guard/" path, GuardFixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("sensitive-and-harmless", test_sensitive_and_harmless);
  ADD ("hash-list-match", test_hash_list_match);
  ADD ("partial-downloads", test_partial_downloads);
  ADD ("burst", test_burst);
  ADD ("not-active", test_not_active);
  ADD ("no-folder", test_no_folder);
  ADD ("restart", test_restart);
  ADD ("hide-and-restore", test_hide_and_restore);
  ADD ("restore-beside", test_restore_beside);
  ADD ("no-hiding-for-teens", test_no_hiding_for_teens);
  ADD ("settings-change", test_settings_change);
  ADD ("who-is-told", test_who_is_told);
  ADD ("veilctl", test_veilctl);
#undef ADD

  return g_test_run ();
}
