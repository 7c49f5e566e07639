/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gst/gst.h>
#include <vips/vips.h>

#include "veil-test-video.h"

#define SIDE 224
#define FPS 10

typedef struct {
  guint8 *fixture;  /* SIDE x SIDE RGB, or NULL */
  guint64 from_ns;
  guint64 to_ns;
} Patch;

static void
ensure_gst (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      gst_init (NULL, NULL);
      g_once_init_leave (&once, 1);
    }
}

/* Every encoder and muxer the kind needs is installed. */
gboolean
veil_test_video_can_make (VeilTestVideoKind kind)
{
  const char *const webm[] = { "videotestsrc", "vp8enc", "webmmux", NULL };
  const char *const mov[] = { "videotestsrc", "jpegenc", "qtmux", NULL };

  ensure_gst ();
  for (const char *const *e = kind == VEIL_TEST_VIDEO_WEBM ? webm : mov; *e != NULL; e++)
    {
      g_autoptr(GstElementFactory) factory = gst_element_factory_find (*e);

      if (factory == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Shows the fixture instead of the test pattern within the patch's time. */
static GstPadProbeReturn
patch_cb (GstPad          *pad,
          GstPadProbeInfo *info,
          gpointer         user_data)
{
  Patch *patch = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (patch->fixture == NULL || GST_BUFFER_PTS (buffer) < patch->from_ns || GST_BUFFER_PTS (buffer) >= patch->to_ns)
    return GST_PAD_PROBE_OK;
  buffer = gst_buffer_make_writable (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_WRITE));
  g_assert_cmpuint (map.size, ==, SIDE * SIDE * 3);
  memcpy (map.data, patch->fixture, SIDE * SIDE * 3);
  gst_buffer_unmap (buffer, &map);
  return GST_PAD_PROBE_OK;
}

static guint8 *
read_fixture (const char *png)
{
  VipsImage *image = vips_image_new_from_file (png, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  size_t size = 0;
  guint8 *pixels;

  g_assert_nonnull (image);
  g_assert_cmpint (image->Xsize, ==, SIDE);
  g_assert_cmpint (image->Ysize, ==, SIDE);
  g_assert_cmpint (image->Bands, ==, 3);
  pixels = vips_image_write_to_memory (image, &size);
  g_assert_cmpuint (size, ==, SIDE * SIDE * 3);
  g_object_unref (image);
  return pixels;
}

/**
 * veil_test_write_video:
 * @fixture_png: (nullable): a 224 x 224 RGB picture shown from @from_s to @to_s
 *
 * Returns: (transfer full): the video's path
 */
char *
veil_test_write_video (const char        *dir,
                       const char        *name,
                       VeilTestVideoKind  kind,
                       guint              seconds,
                       const char        *fixture_png,
                       guint              from_s,
                       guint              to_s)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) patch_element = NULL;
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  Patch patch = { NULL, (guint64) from_s * GST_SECOND, (guint64) to_s * GST_SECOND };

  ensure_gst ();
  if (fixture_png != NULL)
    patch.fixture = read_fixture (fixture_png);
  /* High quality, so that the fixture's pixels survive the encoding. */
  description = g_strdup_printf ("videotestsrc pattern=smpte num-buffers=%u ! "
                                 "video/x-raw,format=RGB,width=%d,height=%d,framerate=%d/1 ! identity name=patch ! "
                                 "videoconvert ! %s ! filesink location=\"%s\"",
                                 seconds * FPS, SIDE, SIDE, FPS,
                                 kind == VEIL_TEST_VIDEO_WEBM
                                 ? "vp8enc keyframe-max-dist=5 min-quantizer=0 max-quantizer=4 target-bitrate=8000000 ! webmmux"
                                 : "jpegenc quality=98 ! qtmux",
                                 path);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  patch_element = gst_bin_get_by_name (GST_BIN (pipeline), "patch");
  pad = gst_element_get_static_pad (patch_element, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, patch_cb, &patch, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_free (patch.fixture);
  return g_steal_pointer (&path);
}

/* Returns: (transfer full): a copy of the first @fraction of @source */
char *
veil_test_write_truncated (const char *source,
                           const char *dir,
                           const char *name,
                           double      fraction)
{
  g_autofree char *contents = NULL;
  char *path = g_build_filename (dir, name, NULL);
  gsize length = 0;

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) (length * fraction), NULL));
  return path;
}

/* Rewrites the duration a WebM file declares (its Segment Info's Duration, an 8-byte float
 * in ms): what a hostile file claims. Returns: whether the element was found. */
gboolean
veil_test_set_webm_duration (const char *path,
                             double      duration_ms)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  for (gsize i = 0; i + 11 <= length && i < 4096; i++)
    if ((guint8) contents[i] == 0x44 && (guint8) contents[i + 1] == 0x89 && (guint8) contents[i + 2] == 0x88)
      {
        guint64 bits;

        memcpy (&bits, &duration_ms, sizeof bits);
        bits = GUINT64_TO_BE (bits);
        memcpy (contents + i + 3, &bits, sizeof bits);
        g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
        return TRUE;
      }
  return FALSE;
}
