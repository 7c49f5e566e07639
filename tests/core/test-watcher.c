/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <vips/vips.h>

#include "veil-watcher.h"
#include "veil-test-utils.h"

/* VeilWatcher against the real kernel file monitor, in a private temporary folder. */

typedef struct {
  char        *dir;
  GFile       *folder;
  VeilWatcher *watcher;
  GPtrArray   *ready;      /* basenames handed on, in order */
  GBytes      *png;        /* a small real PNG */
} WatcherFixture;

static void
file_ready_cb (VeilWatcher *watcher,
               GFile       *file,
               gpointer     user_data)
{
  WatcherFixture *fixture = user_data;

  g_ptr_array_add (fixture->ready, g_file_get_basename (file));
}

static GBytes *
make_png (void)
{
  VipsImage *image = NULL;
  void *buffer = NULL;
  size_t length = 0;

  g_assert_cmpint (vips_xyz (&image, 32, 24, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave_buffer (image, &buffer, &length, NULL), ==, 0);
  g_object_unref (image);

  return g_bytes_new_with_free_func (buffer, length, g_free, buffer);
}

static void
fixture_setup (WatcherFixture *fixture,
               gconstpointer   data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  fixture->folder = g_file_new_for_path (fixture->dir);
  fixture->ready = g_ptr_array_new_with_free_func (g_free);
  fixture->png = make_png ();
  fixture->watcher = veil_watcher_new ();
  veil_watcher_set_settle_time (fixture->watcher, 40);
  g_signal_connect (fixture->watcher, "file-ready", G_CALLBACK (file_ready_cb), fixture);

  g_assert_true (veil_watcher_add_folder (fixture->watcher, fixture->folder, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (WatcherFixture *fixture,
                  gconstpointer   data)
{
  g_clear_object (&fixture->watcher);
  g_clear_object (&fixture->folder);
  g_clear_pointer (&fixture->ready, g_ptr_array_unref);
  g_clear_pointer (&fixture->png, g_bytes_unref);
  veil_test_rm_rf (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

/* Spins until @count files were handed on, failing after a generous time-out. */
static void
wait_for_ready (WatcherFixture *fixture,
                guint           count)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (fixture->ready->len < count)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      veil_test_spin_for (10);
    }
}

/* Writes @bytes as a writer that opens, writes in two parts and closes would. */
static void
write_in_place (const char *path,
                GBytes     *bytes)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), data, size / 2, NULL, NULL, &error));
  g_assert_true (g_output_stream_flush (G_OUTPUT_STREAM (out), NULL, &error));
  veil_test_spin_for (20);
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), data + size / 2, size - size / 2,
                                            NULL, NULL, &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
  g_assert_no_error (error);
}

static void
write_raw (const char   *path,
           const void   *data,
           gsize         size)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, size, &error));
  g_assert_no_error (error);
}

static void
test_partial_names (void)
{
  g_assert_true (veil_watcher_is_partial_name ("photo.jpg.part"));
  g_assert_true (veil_watcher_is_partial_name ("photo.jpg.crdownload"));
  g_assert_true (veil_watcher_is_partial_name ("photo.jpg.download"));
  g_assert_true (veil_watcher_is_partial_name (".goutputstream-ABC123"));
  g_assert_true (veil_watcher_is_partial_name ("photo.jpg~"));
  g_assert_true (veil_watcher_is_partial_name ("upload.tmp"));
  g_assert_false (veil_watcher_is_partial_name ("photo.jpg"));
  g_assert_false (veil_watcher_is_partial_name ("IMG_0001.HEIC"));
  g_assert_false (veil_watcher_is_partial_name ("party.png"));
}

/* Pictures and the videos the analysis worker reads, judged by their first bytes. */
static void
test_checked_types (void)
{
  static const guint8 mp4[] = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0,
                                'i', 's', 'o', 'm', 'm', 'p', '4', '2' };
  static const guint8 webm[] = { 0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01,
                                 0x42, 0xf2, 0x81, 0x04, 0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm',
                                 0x42, 0x87, 0x81, 0x02, 0x42, 0x85, 0x81, 0x02 };
  g_autofree char *mp4_type = g_content_type_guess (NULL, mp4, sizeof mp4, NULL);
  g_autofree char *webm_type = g_content_type_guess (NULL, webm, sizeof webm, NULL);

  g_assert_true (veil_watcher_is_checked_type ("image/png"));
  g_assert_true (veil_watcher_is_checked_type ("video/mp4"));
  g_assert_true (veil_watcher_is_checked_type ("video/quicktime"));
  g_assert_true (veil_watcher_is_checked_type ("video/webm"));
  g_assert_true (veil_watcher_is_checked_type ("video/x-matroska"));
  g_assert_false (veil_watcher_is_checked_type ("text/plain"));
  g_assert_false (veil_watcher_is_checked_type ("audio/mpeg"));
  g_assert_false (veil_watcher_is_checked_type ("video/x-msvideo"));
  g_assert_true (veil_watcher_is_checked_type (mp4_type));
  g_assert_true (veil_watcher_is_checked_type (webm_type));
}

static void
test_new_image (WatcherFixture *fixture,
                gconstpointer   data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "photo.png", NULL);

  write_in_place (path, fixture->png);
  wait_for_ready (fixture, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->ready, 0), ==, "photo.png");

  /* Handed on once: nothing more arrives while the file stays as it is. */
  veil_test_spin_for (300);
  g_assert_cmpuint (fixture->ready->len, ==, 1);
  g_assert_cmpuint (veil_watcher_get_n_pending (fixture->watcher), ==, 0);
}

static void
test_partial_download (WatcherFixture *fixture,
                       gconstpointer   data)
{
  g_autofree char *partial = g_build_filename (fixture->dir, "photo.jpg.crdownload", NULL);
  g_autofree char *final = g_build_filename (fixture->dir, "photo.png", NULL);

  write_in_place (partial, fixture->png);
  veil_test_spin_for (300);
  g_assert_cmpuint (fixture->ready->len, ==, 0);

  /* The browser renames it when the download completes. */
  g_assert_cmpint (g_rename (partial, final), ==, 0);
  wait_for_ready (fixture, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->ready, 0), ==, "photo.png");
  veil_test_spin_for (200);
  g_assert_cmpuint (fixture->ready->len, ==, 1);
}

static void
test_not_images (WatcherFixture *fixture,
                 gconstpointer   data)
{
  g_autofree char *text = g_build_filename (fixture->dir, "notes.jpg", NULL);
  g_autofree char *empty = g_build_filename (fixture->dir, "empty.png", NULL);
  g_autofree char *sub = g_build_filename (fixture->dir, "folder.png", NULL);
  g_autofree char *link = g_build_filename (fixture->dir, "link.png", NULL);
  g_autofree char *outside = g_build_filename (fixture->dir, ".outside.png", NULL);
  const char *words = "This is a text file with an image's name.\n";

  write_raw (text, words, strlen (words));
  write_raw (empty, "", 0);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  write_raw (outside, g_bytes_get_data (fixture->png, NULL), g_bytes_get_size (fixture->png));
  g_assert_cmpint (symlink (outside, link), ==, 0);

  veil_test_spin_for (2500);
  /* Neither a text file, an empty placeholder, a folder, a hidden file nor a symlink is an
   * image that arrived. */
  g_assert_cmpuint (fixture->ready->len, ==, 0);
}

static void
test_burst (WatcherFixture *fixture,
            gconstpointer   data)
{
  const guint n = 200;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/burst-%03u.png", fixture->dir, i);
      write_raw (path, g_bytes_get_data (fixture->png, NULL), g_bytes_get_size (fixture->png));
    }

  wait_for_ready (fixture, n);
  veil_test_spin_for (300);
  g_assert_cmpuint (fixture->ready->len, ==, n);

  /* Each exactly once. */
  for (guint i = 0; i < fixture->ready->len; i++)
    g_assert_true (g_hash_table_add (seen, g_ptr_array_index (fixture->ready, i)));
}

static void
test_changed_version (WatcherFixture *fixture,
                      gconstpointer   data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "photo.png", NULL);
  g_autoptr(GBytes) other = NULL;
  VipsImage *image = NULL;
  void *buffer = NULL;
  size_t length = 0;

  write_in_place (path, fixture->png);
  wait_for_ready (fixture, 1);

  /* The same name with new content is a new image. */
  g_assert_cmpint (vips_black (&image, 64, 64, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave_buffer (image, &buffer, &length, NULL), ==, 0);
  g_object_unref (image);
  other = g_bytes_new_take (buffer, length);
  write_in_place (path, other);
  wait_for_ready (fixture, 2);
}

static void
test_not_a_folder (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (missing);
  g_autoptr(VeilWatcher) watcher = veil_watcher_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;

  g_assert_false (veil_watcher_add_folder (watcher, file, &error));
  g_assert_error (error, VEIL_WATCHER_ERROR, VEIL_WATCHER_ERROR_NOT_A_FOLDER);

  folders = veil_watcher_list_folders (watcher);
  g_assert_cmpuint (folders->len, ==, 0);
  veil_test_rm_rf (dir);
}

static void
test_remove_folder (WatcherFixture *fixture,
                    gconstpointer   data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "photo.png", NULL);

  g_assert_true (veil_watcher_remove_folder (fixture->watcher, fixture->folder));
  g_assert_false (veil_watcher_remove_folder (fixture->watcher, fixture->folder));
  write_in_place (path, fixture->png);
  veil_test_spin_for (300);
  g_assert_cmpuint (fixture->ready->len, ==, 0);
}

static void
test_default_folders (void)
{
  g_autofree char *downloads = g_build_filename (g_get_home_dir (), "Downloads", NULL);
  g_autofree char *telegram = g_build_filename (downloads, "Telegram Desktop", NULL);
  g_autoptr(GPtrArray) folders = NULL;

  /* Only existing folders are proposed. */
  folders = veil_watcher_default_folders ();
  g_assert_cmpuint (folders->len, ==, 0);
  g_clear_pointer (&folders, g_ptr_array_unref);

  g_assert_cmpint (g_mkdir_with_parents (telegram, 0700), ==, 0);
  folders = veil_watcher_default_folders ();
  g_assert_cmpuint (folders->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);
  g_assert_cmpint (VIPS_INIT (argv[0]), ==, 0);

  g_test_add_func ("/veil/watcher/partial-names", test_partial_names);
  g_test_add_func ("/veil/watcher/checked-types", test_checked_types);
  g_test_add_func ("/veil/watcher/not-a-folder", test_not_a_folder);
  g_test_add_func ("/veil/watcher/default-folders", test_default_folders);
#define ADD(path, func) \
  g_test_add (path, WatcherFixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/veil/watcher/new-image", test_new_image);
  ADD ("/veil/watcher/partial-download", test_partial_download);
  ADD ("/veil/watcher/not-images", test_not_images);
  ADD ("/veil/watcher/burst", test_burst);
  ADD ("/veil/watcher/changed-version", test_changed_version);
  ADD ("/veil/watcher/remove-folder", test_remove_folder);
#undef ADD

  return g_test_run ();
}
