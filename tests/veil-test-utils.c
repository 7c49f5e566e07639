/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil-test-utils.h"
#include "veil-test-keyring.h"
#include "veil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <vips/vips.h>
#include <locale.h>
#include <stdlib.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

static char *test_home;

static void
remove_test_home (void)
{
  if (test_home != NULL)
    veil_test_rm_rf (test_home);
  g_clear_pointer (&test_home, g_free);
}

/* Gives the test process a fresh, private home and XDG user folders, before anything in GLib
 * reads them. GLib's own G_TEST_OPTION_ISOLATE_DIRS is not used: in GLib 2.74 it leaks its
 * paths, which LeakSanitizer rightly reports, and it hides the system's XDG_DATA_DIRS, where
 * GTK finds MIME data, icon themes and image loaders. */
static void
isolate_user_dirs (void)
{
  const char *dirs[][2] = {
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };

  test_home = g_dir_make_tmp ("veil-test-XXXXXX", NULL);
  g_assert (test_home != NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (test_home, dirs[i][1], NULL);
      g_mkdir_with_parents (path, 0700);
      g_setenv (dirs[i][0], path, TRUE);
    }
  g_setenv ("HOME", test_home, TRUE);
  g_unsetenv ("VEIL_DATA_DIR");
  atexit (remove_test_home);
}

/**
 * veil_test_init:
 *
 * g_test_init() for Veil's tests: C.UTF-8 aware locale, and a private home with its own XDG
 * user folders for the whole process, removed at exit.
 */
void
veil_test_init (int    *argc,
                char ***argv)
{
  setlocale (LC_ALL, "");
  isolate_user_dirs ();
  g_test_init (argc, argv, NULL);
}

/**
 * veil_test_init_vips:
 *
 * veil_test_init() and libvips, for tests that make or read pictures with it.
 */
void
veil_test_init_vips (int    *argc,
                     char ***argv)
{
  veil_test_init (argc, argv);
  if (VIPS_INIT ((*argv)[0]) != 0)
    g_error ("libvips failed to start");
}

/**
 * veil_test_init_ui:
 *
 * The same for tests that show widgets. (The XDG runtime folder is kept as the session has
 * it, since the display and accessibility buses live there.)
 */
void
veil_test_init_ui (int    *argc,
                   char ***argv)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *saved_runtime = g_strdup (runtime);

  setlocale (LC_ALL, "");
  isolate_user_dirs ();
  if (saved_runtime != NULL)
    g_setenv ("XDG_RUNTIME_DIR", saved_runtime, TRUE);
  g_test_init (argc, argv, NULL);
}

/**
 * veil_test_get_testdata_dir:
 *
 * The shared reference vectors (../shared/testdata by default). `VEIL_TESTDATA` in the
 * environment wins over the build-time path so that a moved checkout can still find them.
 */
const char *
veil_test_get_testdata_dir (void)
{
  const char *env = g_getenv ("VEIL_TESTDATA");

  return (env != NULL && *env != '\0') ? env : VEIL_TESTDATA_DIR;
}

char *
veil_test_build_testdata (const char *first_element,
                          ...)
{
  va_list ap;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  g_ptr_array_add (parts, (gpointer) veil_test_get_testdata_dir ());
  va_start (ap, first_element);
  for (const char *p = first_element; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (ap);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

/**
 * veil_test_require_testdata:
 * @relative_path: a path below the shared test data folder
 *
 * Skips the current test, with a message saying what is missing, when the shared vectors are
 * not there (a plain clone without ../shared). Returns %TRUE when the test may go on.
 */
gboolean
veil_test_require_testdata (const char *relative_path)
{
  g_autofree char *path = g_build_filename (veil_test_get_testdata_dir (), relative_path, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  g_test_skip_printf ("shared test data not found at %s (configure with -Dtestdata=PATH)", path);
  return FALSE;
}

char *
veil_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("veil-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
veil_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }

  /* Tests may have made folders unreadable on purpose; take that back first. */
  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      veil_test_rm_rf (child);
    }
  g_rmdir (path);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("timed out waiting for an asynchronous result");
  return G_SOURCE_REMOVE;
}

/**
 * veil_test_wait_for:
 * @flag: set to %TRUE by a callback
 * @timeout_seconds: how long before the test is failed
 *
 * Spins the thread-default main context until @flag is set, failing the test on time-out so
 * that a lost callback cannot hang the suite.
 */
void
veil_test_wait_for (gboolean *flag,
                    guint     timeout_seconds)
{
  guint id = g_timeout_add_seconds (timeout_seconds, timeout_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * veil_test_spin_for:
 * @ms: how long, in milliseconds
 *
 * Runs the main loop for a while, so that events and settle timers fire, for checks that
 * something does (or does not) happen in that time.
 */
void
veil_test_spin_for (guint ms)
{
  gboolean flag = FALSE;

  g_timeout_add (ms, set_flag_cb, &flag);
  while (!flag)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * veil_test_write_picture:
 * @dir: a folder
 * @name: a file name; its extension picks the format (.png, .jpg, ...)
 * @width: width in pixels
 * @height: height in pixels
 * @seed: picks the picture
 *
 * Writes a smooth, photo-like colour pattern with libvips. Each seed gives a picture with its
 * own PDQ hash, far from the others, and nothing in it is explicit.
 *
 * Returns: (transfer full): the file's path
 */
char *
veil_test_write_picture (const char *dir,
                         const char *name,
                         guint       width,
                         guint       height,
                         guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);
  VipsImage *image;
  char *path = g_build_filename (dir, name, NULL);
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

          rgb[((gsize) y * width + x) * 3 + c] = (guint8) (127.5 + 127.0 * value);
        }
  image = vips_image_new_from_memory (rgb, (size_t) width * height * 3, (int) width, (int) height, 3,
                                      VIPS_FORMAT_UCHAR);
  g_assert_nonnull (image);
  g_assert_cmpint (vips_image_write_to_file (image, path, NULL), ==, 0);
  g_object_unref (image);
  return path;
}

/**
 * veil_test_write_pixels:
 * @dir: a folder
 * @name: a file name; its extension picks the format (.png, .jpg, ...)
 * @pixel: sets the red, green and blue of each pixel in turn
 *
 * Writes a picture of a pattern the test computes, for tests whose pictures must look a
 * particular way (flagged by the test classifier, or each unlike the others).
 *
 * Returns: (transfer full): the file's path
 */
char *
veil_test_write_pixels (const char        *dir,
                        const char        *name,
                        guint              width,
                        guint              height,
                        VeilTestPixelFunc  pixel,
                        gpointer           data)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);
  g_autoptr(VipsImage) image = NULL;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      pixel (x, y, width, height, rgb + ((gsize) y * width + x) * 3, data);
  image = vips_image_new_from_memory (rgb, (size_t) width * height * 3, (int) width, (int) height, 3,
                                      VIPS_FORMAT_UCHAR);
  g_assert_cmpint (vips_image_write_to_file (image, path, NULL), ==, 0);
  return path;
}

/**
 * veil_test_write_red_picture:
 * @size: width and height in pixels
 *
 * Like veil_test_write_picture(), mostly red: the test classifier flags it.
 *
 * Returns: (transfer full): the file's path
 */
char *
veil_test_write_red_picture (const char *dir,
                             const char *name,
                             guint       size,
                             guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *rgb = g_malloc ((gsize) size * size * 3);
  VipsImage *image;
  char *path = g_build_filename (dir, name, NULL);
  double f[3][2];

  for (guint c = 0; c < 3; c++)
    for (guint k = 0; k < 2; k++)
      f[c][k] = g_rand_double_range (rand, 1.0, 9.0);
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      for (guint c = 0; c < 3; c++)
        {
          double value = sin (f[c][0] * x / size * G_PI) * cos (f[c][1] * y / size * G_PI);

          rgb[((gsize) y * size + x) * 3 + c] = (guint8) (c == 0 ? 160 + 90 * value : 20 + 15 * value);
        }
  image = vips_image_new_from_memory (rgb, (size_t) size * size * 3, (int) size, (int) size, 3, VIPS_FORMAT_UCHAR);
  g_assert_nonnull (image);
  g_assert_cmpint (vips_image_write_to_file (image, path, NULL), ==, 0);
  g_object_unref (image);
  return path;
}

/**
 * veil_test_run_veilctl:
 * @veilctl: the built veilctl
 * @data_dir: Veil's data folder for this run (VEIL_DATA_DIR)
 * @bus_address: (nullable): a session bus to use instead of the test's own
 * @quiet_libvips: let libvips' own warnings about damaged pictures pass (G_DEBUG unset);
 *   the commands report such files with a reason, which is what tests check
 * @input: (nullable): what to write on standard input (e.g. the guardian PIN)
 * @out_stdout: (out) (optional): standard output, "" when empty
 * @out_stderr: (out) (optional): standard error, "" when empty
 * @args: the command line after "veilctl", %NULL-terminated
 *
 * Runs the real veilctl binary, as scripts and guardians do. Its standard error also goes to
 * the test log, so a failed exit-status assertion shows why.
 *
 * Returns: the exit status
 */
int
veil_test_run_veilctl (const char          *veilctl,
                       const char          *data_dir,
                       const char          *bus_address,
                       gboolean             quiet_libvips,
                       const char          *input,
                       char               **out_stdout,
                       char               **out_stderr,
                       const char * const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) in_bytes = g_bytes_new (input != NULL ? input : "", input != NULL ? strlen (input) : 0);
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* Out strings must be empty: a reused one would leak. */
  g_assert_true (out_stdout == NULL || *out_stdout == NULL);
  g_assert_true (out_stderr == NULL || *out_stderr == NULL);

  g_ptr_array_add (argv, (gpointer) veilctl);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "VEIL_DATA_DIR", data_dir, TRUE);
  if (bus_address != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
  if (quiet_libvips)
    g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* Bytes, not the _utf8 variant: GLib 2.74 leaks a little in that one. */
  g_assert_true (g_subprocess_communicate (proc, in_bytes, NULL, &out_bytes, &err_bytes, &error));
  g_assert_no_error (error);

  if (g_bytes_get_size (err_bytes) > 0)
    g_test_message ("veilctl stderr: %.*s", (int) g_bytes_get_size (err_bytes),
                    (const char *) g_bytes_get_data (err_bytes, NULL));
  if (out_stdout != NULL)
    *out_stdout = g_strndup (g_bytes_get_size (out_bytes) > 0 ? g_bytes_get_data (out_bytes, NULL) : "",
                             g_bytes_get_size (out_bytes));
  if (out_stderr != NULL)
    *out_stderr = g_strndup (g_bytes_get_size (err_bytes) > 0 ? g_bytes_get_data (err_bytes, NULL) : "",
                             g_bytes_get_size (err_bytes));
  return g_subprocess_get_exit_status (proc);
}

static GLogWriterOutput
vips_tolerant_writer (GLogLevelFlags   log_level,
                      const GLogField *fields,
                      gsize            n_fields,
                      gpointer         user_data)
{
  gboolean from_vips = FALSE;

  if ((log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) == 0)
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && g_strcmp0 (fields[i].value, "VIPS") == 0)
      from_vips = TRUE;
  g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  if (from_vips && (log_level & G_LOG_LEVEL_WARNING) != 0)
    return G_LOG_WRITER_HANDLED;
  abort ();
}

/**
 * veil_test_tolerate_vips_warnings:
 * @argv0: the test program's argv[0]
 *
 * Starts libvips for a test that feeds it damaged pictures: libvips then logs warnings of
 * its own from its threads, next to the error Veil returns. Those alone are let through;
 * any other warning, critical or error still fails the test.
 */
void
veil_test_tolerate_vips_warnings (const char *argv0)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (vips_tolerant_writer, NULL, NULL);
  if (VIPS_INIT (argv0) != 0)
    g_error ("libvips failed to start");
}

/**
 * veil_test_veilctl_init:
 *
 * A private data folder (VEIL_DATA_DIR of each run) and the built veilctl, for tests that run
 * it as a guardian's scripts would.
 */
void
veil_test_veilctl_init (VeilTestVeilctl *ctl)
{
  memset (ctl, 0, sizeof *ctl);
  ctl->dir = veil_test_make_tmpdir ();
  ctl->veilctl = g_strdup (VEIL_TEST_VEILCTL);
  g_assert_true (g_file_test (ctl->veilctl, G_FILE_TEST_IS_EXECUTABLE));
}

/* The keyring items veilctl stored for the data folder go with it. */
void
veil_test_veilctl_clear (VeilTestVeilctl *ctl)
{
  g_autoptr(GError) error = NULL;

  secret_password_clear_sync (veil_test_keyring_item_schema (), NULL, &error, "data-dir", ctl->dir, NULL);
  g_assert_no_error (error);
  veil_test_rm_rf (ctl->dir);
  g_clear_pointer (&ctl->dir, g_free);
  g_clear_pointer (&ctl->veilctl, g_free);
  g_clear_pointer (&ctl->bus_address, g_free);
}

/* A new folder @name in the data folder, for the pictures or videos a run looks at. */
char *
veil_test_veilctl_make_folder (VeilTestVeilctl *ctl,
                               const char      *name)
{
  char *path = g_build_filename (ctl->dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  return path;
}

/**
 * veil_test_veilctl_run:
 * @input: (nullable): standard input (e.g. the guardian PIN)
 * @...: veilctl's arguments, then %NULL
 *
 * Returns: veilctl's exit status
 */
int
veil_test_veilctl_run (VeilTestVeilctl  *ctl,
                       const char       *input,
                       char            **out_stdout,
                       char            **out_stderr,
                       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, out_stderr);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return veil_test_run_veilctl (ctl->veilctl, ctl->dir, ctl->bus_address, ctl->quiet_libvips, input,
                                out_stdout, out_stderr, (const char * const *) args->pdata);
}

/**
 * veil_test_save_profile:
 * @builder: the profile as a guardian set it up
 * @acknowledge: also record the child's acknowledgment of every protection turned on
 *
 * Returns: (transfer full): the saved profile
 */
VeilProfile *
veil_test_save_profile (VeilStore          *store,
                        VeilProfileBuilder *builder,
                        gboolean            acknowledge)
{
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(GError) error = NULL;
  VeilProfile *saved;

  built = veil_profile_builder_build (builder, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (store, built, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  for (guint p = 0; acknowledge && p < VEIL_N_PROTECTIONS; p++)
    if (veil_profile_get_protection_enabled (saved, p))
      {
        g_assert_true (veil_store_acknowledge (store, saved, p, veil_protection_get_text_version (p), &error));
        g_assert_no_error (error);
      }
  return saved;
}

static void
context_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  veil_context_load_finish (VEIL_CONTEXT (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/**
 * veil_test_load_context:
 * @db_path: the store file to open (created when missing)
 *
 * Returns: (transfer full): a context with the application's settings, loaded on @db_path
 */
VeilContext *
veil_test_load_context (const char *db_path)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.veilapp.Veil");
  VeilContext *context = veil_context_new (settings);
  gboolean loaded = FALSE;

  veil_context_load_async (context, db_path, NULL, context_loaded_cb, &loaded);
  veil_test_wait_for (&loaded, 30);
  g_assert_nonnull (veil_context_get_store (context));
  return context;
}

/* An animation of @n_frames frames of @side x @side: a gradient whose colour changes from
 * frame to frame. */
char *
veil_test_write_animation (const char *dir,
                           const char *name,
                           guint       side,
                           guint       n_frames)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(VipsImage) x = NULL;
  g_autoptr(VipsImage) band = NULL;
  g_autoptr(VipsImage) band2 = NULL;
  g_autoptr(VipsImage) rgb = NULL;
  g_autoptr(VipsImage) frames = NULL;
  VipsImage *bands[3];

  g_assert_cmpint (vips_xyz (&x, (int) side, (int) (side * n_frames), NULL), ==, 0);
  g_assert_cmpint (vips_extract_band (x, &band, 1, NULL), ==, 0);
  /* y modulo 256: each frame starts where the gradient left off, so no two neighbours match. */
  g_assert_cmpint (vips_andimage_const1 (band, &bands[1], 255, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (bands[1], &bands[0], NULL), ==, 0);
  g_clear_object (&bands[1]);
  g_assert_cmpint (vips_extract_band (x, &bands[1], 0, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (bands[1], &bands[2], 0.5, 10, "uchar", TRUE, NULL), ==, 0);
  g_clear_object (&bands[1]);
  g_assert_cmpint (vips_extract_band (x, &band2, 0, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (band2, &bands[1], NULL), ==, 0);
  g_assert_cmpint (vips_bandjoin (bands, &rgb, 3, NULL), ==, 0);
  for (guint i = 0; i < 3; i++)
    g_object_unref (bands[i]);
  g_assert_cmpint (vips_copy (rgb, &frames, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), ==, 0);
  vips_image_set_int (frames, "page-height", (int) side);
  /* The least encoding effort: a bomb is cheap to make, which is the point. */
  if (g_str_has_suffix (name, ".webp"))
    g_assert_cmpint (vips_image_write_to_file (frames, path, "effort", 0, NULL), ==, 0);
  else
    g_assert_cmpint (vips_image_write_to_file (frames, path, NULL), ==, 0);
  return path;
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* An animated WebP of @n_frames frames of @side x @side, made as a bomb is: one frame encoded
 * once, its ANMF chunk repeated. Tiny on disk; every frame must be decoded to reach the last. */
char *
veil_test_write_webp_bomb (const char *dir,
                           guint       side,
                           guint       n_frames)
{
  g_autofree char *seed = veil_test_write_animation (dir, "seed.webp", side, 2);
  g_autofree char *contents = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *anmf = NULL;
  gsize length, anmf_size = 0, offset = 12;
  guint32 riff_size;
  char *path = g_build_filename (dir, "bomb.webp", NULL);

  g_assert_true (g_file_get_contents (seed, &contents, &length, NULL));
  g_byte_array_append (out, (const guint8 *) contents, 12);
  while (offset + 8 <= length)
    {
      const guint8 *chunk = (const guint8 *) contents + offset;
      gsize size = 8 + ((read_le32 (chunk + 4) + 1) & ~1u);

      g_assert_cmpuint (offset + size, <=, length);
      if (memcmp (chunk, "ANMF", 4) == 0)
        {
          if (anmf == NULL)
            anmf = chunk, anmf_size = size;
        }
      else
        g_byte_array_append (out, chunk, (guint) size);
      offset += size;
    }
  g_assert_nonnull (anmf);
  for (guint i = 0; i < n_frames; i++)
    g_byte_array_append (out, anmf, (guint) anmf_size);
  riff_size = GUINT32_TO_LE (out->len - 8);
  memcpy (out->data + 4, &riff_size, 4);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, NULL));
  return path;
}
