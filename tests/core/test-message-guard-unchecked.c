/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-test-classifier.h"
#include "test-message-guard-fixture.h"
#include "veil-test-utils.h"

/* VeilMessageGuard and pictures Veil could not check (over the pixel limit, truncated), end to
 * end: a real store file, real files written into a temporary "Downloads" watched with
 * GFileMonitor, real libvips decoding and the test classifier. Under the profile's "blur" rule
 * they are warned about like sensitive pictures; under "allow" they are only listed. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

#define BAD_FILES_TEXT "Shopping list: bread, milk. Not a picture at all.\n"

/* A PNG whose header claims @width x @height pixels, with valid chunk checksums. */
static GBytes *
png_claiming (guint32 width,
              guint32 height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) png = g_byte_array_new ();
  guint8 ihdr[17] = { 'I', 'H', 'D', 'R' };
  /* A tiny compressed stream: the header is what matters, and it must read as valid. */
  const guint8 idat[12] = { 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };
  const guint8 iend[4] = { 'I', 'E', 'N', 'D' };
  const guint8 *chunks[] = { ihdr, idat, iend };
  const guint lengths[] = { 13, 8, 0 };

  ihdr[4] = width >> 24; ihdr[5] = width >> 16; ihdr[6] = width >> 8; ihdr[7] = width;
  ihdr[8] = height >> 24; ihdr[9] = height >> 16; ihdr[10] = height >> 8; ihdr[11] = height;
  ihdr[12] = 8;   /* bit depth */
  ihdr[13] = 2;   /* RGB */
  g_byte_array_append (png, signature, sizeof signature);
  for (guint c = 0; c < G_N_ELEMENTS (chunks); c++)
    {
      guint32 crc = 0xffffffff;
      guint8 be[4];

      be[0] = lengths[c] >> 24; be[1] = lengths[c] >> 16; be[2] = lengths[c] >> 8; be[3] = lengths[c];
      g_byte_array_append (png, be, 4);
      g_byte_array_append (png, chunks[c], 4 + lengths[c]);
      /* CRC-32 over the type and data, as PNG defines it. */
      for (guint i = 0; i < 4 + lengths[c]; i++)
        {
          crc ^= chunks[c][i];
          for (guint k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
        }
      crc ^= 0xffffffff;
      be[0] = crc >> 24; be[1] = crc >> 16; be[2] = crc >> 8; be[3] = crc;
      g_byte_array_append (png, be, 4);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

typedef struct {
  GBytes *bytes[2];
  char   *paths[2];
  char   *text_path;
} BadFiles;

static void
bad_files_clear (BadFiles *files)
{
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&files->bytes[i], g_bytes_unref);
      g_clear_pointer (&files->paths[i], g_free);
    }
  g_clear_pointer (&files->text_path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BadFiles, bad_files_clear)

/* Writes a PNG over the pixel limit, a truncated JPEG and a text file into Downloads and waits
 * for the two pictures. */
static void
write_bad_files (GuardFixture *fixture,
                 BadFiles     *files)
{
  GBytes **out_bytes = files->bytes;
  char **out_paths = files->paths;
  char **out_text_path = &files->text_path;

  g_autofree char *whole = veil_test_write_picture (fixture->staging, "whole.jpg", 64, 64, 5);
  g_autoptr(GBytes) whole_bytes = read_bytes (whole);

  out_bytes[0] = png_claiming (100000, 100000);
  out_bytes[1] = g_bytes_new_from_bytes (whole_bytes, 0, g_bytes_get_size (whole_bytes) / 3);
  out_paths[0] = g_build_filename (fixture->downloads, "huge.png", NULL);
  out_paths[1] = g_build_filename (fixture->downloads, "cut.jpg", NULL);
  *out_text_path = g_build_filename (fixture->downloads, "notes.jpg", NULL);
  for (guint i = 0; i < 2; i++)
    g_assert_true (g_file_set_contents (out_paths[i], g_bytes_get_data (out_bytes[i], NULL),
                                        g_bytes_get_size (out_bytes[i]), NULL));
  g_assert_true (g_file_set_contents (*out_text_path, BAD_FILES_TEXT, -1, NULL));
  wait_for_results (fixture, 2);
}

/* Each message alert of @profile is one picture Veil could not check, with its cause, and
 * has no thumbnail: a picture that could not be decoded is never shown, not even blurred. */
static void
assert_unchecked_alerts (GuardFixture *fixture,
                         VeilProfile  *profile,
                         char        **paths,
                         const char   *state)
{
  g_autoptr(GPtrArray) alerts = veil_store_list_message_alerts (fixture->store, veil_profile_get_id (profile), NULL);
  const VeilUncheckedCause causes[] = { VEIL_UNCHECKED_TOO_LARGE, VEIL_UNCHECKED_DAMAGED };

  g_assert_nonnull (alerts);
  g_assert_cmpuint (alerts->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      gboolean found = FALSE;

      for (guint k = 0; k < alerts->len; k++)
        {
          VeilAlert *alert = g_ptr_array_index (alerts, k);
          g_autoptr(GBytes) thumbnail = NULL;
          g_autoptr(GError) error = NULL;

          if (!g_str_equal (alert->path, paths[i]))
            continue;
          found = TRUE;
          g_assert_true (veil_verdict_get_unchecked (alert->verdict));
          g_assert_false (veil_verdict_get_sensitive (alert->verdict));
          g_assert_cmpint (veil_verdict_get_unchecked_cause (alert->verdict), ==, causes[i]);
          g_assert_cmpstr (alert->state, ==, state);
          thumbnail = veil_store_get_thumbnail (fixture->store, alert->id, &error);
          g_assert_null (thumbnail);
          g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
        }
      g_assert_true (found);
    }
}

/* Under 13 the rule is "blur": a picture Veil could not check (too large, truncated) is warned
 * about like a sensitive one, and hidden when the profile hides warned pictures. */
static void
test_bad_files (GuardFixture  *fixture,
                gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", VEIL_AGE_BAND_UNDER_13, TRUE, FALSE, TRUE);
  g_auto(BadFiles) files = { { NULL, } };
  char **paths = files.paths;
  g_autofree char *text = NULL;

  g_assert_cmpint (veil_profile_get_effective_unchecked_rule (profile), ==, VEIL_UNCHECKED_RULE_BLUR);
  guard (fixture, profile);
  write_bad_files (fixture, &files);

  /* Not failures: each is a verdict of its own, and it warned. */
  g_assert_cmpuint (g_hash_table_size (fixture->failed), ==, 0);
  g_assert_cmpuint (fixture->n_analyzed, ==, 2);
  g_assert_cmpuint (fixture->n_sensitive, ==, 2);
  g_assert_cmpuint (fixture->warned->len, ==, 2);
  assert_unchecked_alerts (fixture, profile, paths, VEIL_ALERT_STATE_PRIVATE);

  /* Hidden like any warned picture: no longer where it arrived. */
  for (guint i = 0; i < 2; i++)
    g_assert_false (g_file_test (paths[i], G_FILE_TEST_EXISTS));

  /* Not a picture by its content: not even tried, and untouched. */
  g_assert_false (g_hash_table_contains (fixture->failed, files.text_path));
  g_assert_cmpuint (analyzed_count (fixture, files.text_path), ==, 0);
  g_assert_true (g_file_get_contents (files.text_path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, BAD_FILES_TEXT);
}

/* From 13 the rule is "allow": the same pictures are listed as not checked (told to the
 * guardian when the profile says so) but not warned about, and left untouched. */
static void
test_bad_files_allowed (GuardFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Noah", VEIL_AGE_BAND_13_15, TRUE, TRUE, TRUE);
  g_auto(BadFiles) files = { { NULL, } };
  GBytes **bytes = files.bytes;
  char **paths = files.paths;
  g_autoptr(GPtrArray) audit = NULL;
  guint n_not_checked = 0;

  g_assert_cmpint (veil_profile_get_effective_unchecked_rule (profile), ==, VEIL_UNCHECKED_RULE_ALLOW);
  guard (fixture, profile);
  write_bad_files (fixture, &files);

  g_assert_cmpuint (g_hash_table_size (fixture->failed), ==, 0);
  g_assert_cmpuint (fixture->n_analyzed, ==, 2);
  g_assert_cmpuint (fixture->n_sensitive, ==, 0);
  g_assert_cmpuint (fixture->warned->len, ==, 0);
  assert_unchecked_alerts (fixture, profile, paths, VEIL_ALERT_STATE_TOLD);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) now = read_bytes (paths[i]);

      g_assert_true (g_bytes_equal (now, bytes[i]));
    }

  /* The child's transparency page says what happened, in words that are true. */
  audit = veil_store_list_audit (fixture->store, veil_profile_get_id (profile), 0, NULL);
  for (guint i = 0; audit != NULL && i < audit->len; i++)
    {
      VeilAuditEntry *entry = g_ptr_array_index (audit, i);

      g_assert_cmpstr (entry->kind, !=, "message-warning");
      if (g_str_equal (entry->kind, "message-not-checked"))
        n_not_checked++;
    }
  g_assert_cmpuint (n_not_checked, ==, 2);
}

/* Moves @path from staging into the watched folder as @name: it arrives whole. */
static char *
arrive (GuardFixture *fixture,
        const char   *path,
        const char   *name)
{
  char *target = g_build_filename (fixture->downloads, name, NULL);

  g_assert_cmpint (g_rename (path, target), ==, 0);
  return target;
}

/* Two animated stickers made to stall Veil and a 100-megapixel PNG arrive first, as workers
 * analyse them; a picture on the guardian's list arriving right after is still warned about,
 * because each bomb ends as a verdict within its budget instead of holding the guard. */
static void
test_bombs_then_listed (GuardFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilModel) model = veil_model_load_default (&error);
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Family list");
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(VipsImage) black = NULL;
  g_autofree char *listed = veil_test_write_picture (fixture->staging, "listed.jpg", 640, 480, 11);
  g_autofree char *png_bomb = g_build_filename (fixture->staging, "bomb.png", NULL);
  g_autofree char *listed_path = NULL;
  char *bomb_paths[3] = { NULL, NULL, NULL };

  g_assert_no_error (error);
  wait_idle (fixture, 0);
  g_clear_object (&fixture->guard);
  g_clear_object (&fixture->analyzer);
  fixture->analyzer = veil_analyzer_new_with_pool (pool, veil_model_get_sha256 (model));
  new_guard (fixture);

  profile = save_profile (fixture, "Robin", VEIL_AGE_BAND_UNDER_13, FALSE, FALSE, TRUE);
  pdq = veil_pdq_hash_file (listed, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), "listed");
  veil_store_import_hash_list (fixture->store, veil_profile_get_id (profile), list, "test", &error);
  g_assert_no_error (error);
  veil_analyzer_load_lists (fixture->analyzer, fixture->store, veil_profile_get_id (profile), &error);
  g_assert_no_error (error);
  guard (fixture, profile);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *bomb = veil_test_write_webp_bomb (fixture->staging, 1000, 2000);
      g_autofree char *name = g_strdup_printf ("sticker-%u.webp", i);

      bomb_paths[i] = arrive (fixture, bomb, name);
    }
  g_assert_cmpint (vips_black (&black, 10000, 10000, NULL), ==, 0);
  g_assert_cmpint (vips_image_write_to_file (black, png_bomb, "compression", 9, NULL), ==, 0);
  bomb_paths[2] = arrive (fixture, png_bomb, "bomb.png");
  listed_path = arrive (fixture, listed, "listed.jpg");

  wait_for_results (fixture, 4);
  g_assert_cmpuint (analyzed_count (fixture, listed_path), ==, 1);
  g_assert_true (g_hash_table_contains (fixture->warned_paths, listed_path));
  /* The stickers' frames past the budget were not checked: under 13 that is warned too. */
  g_assert_true (g_hash_table_contains (fixture->warned_paths, bomb_paths[0]));
  g_assert_true (g_hash_table_contains (fixture->warned_paths, bomb_paths[1]));
  for (guint i = 0; i < G_N_ELEMENTS (bomb_paths); i++)
    g_free (bomb_paths[i]);
}

int
main (int    argc,
      char **argv)
{
  veil_test_init (&argc, &argv);
  veil_test_tolerate_vips_warnings (argv[0]);

#define ADD(path, func) \
  g_test_add ("/veil/message-guard/" path, GuardFixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("bad-files", test_bad_files);
  ADD ("bad-files-allowed", test_bad_files_allowed);
  ADD ("bombs-then-listed", test_bombs_then_listed);
#undef ADD

  return g_test_run ();
}
