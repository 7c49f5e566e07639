/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-worker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "veil-image-private.h"
#include "veil-worker-private.h"
#include "veil-worker-video.h"

/* A video's figures: GStreamer reads the descriptor through an appsrc (pread, random
 * access: no path is opened), decodebin picks the demuxer and decoder among the few plugins
 * loaded, and frames are sampled by seeking to evenly spaced times instead of decoding the
 * whole stream. Each sampled frame is scaled down, converted to RGB and analysed like a
 * picture. Every wait is bounded by the request's time budget. */

/* The plugins a worker loads, by file, before its sandbox closes the filesystem; GStreamer
 * itself is started with no plugin path and no registry, so nothing else is reachable.
 * videoconvert and videoscale are one plugin from GStreamer 1.22 on, two before. */
static const char *const allowed_plugins[] = {
  "coreelements",       /* typefind, multiqueue, fakesink: decodebin's plumbing */
  "typefindfunctions",
  "app",                /* appsrc, appsink */
  "playback",           /* decodebin */
  "isomp4",             /* MP4, MOV, M4V */
  "matroska",           /* WebM, MKV */
  "vpx",                /* VP8, VP9 */
  "libav",              /* H.264, HEVC, MPEG-4, AV1 ... */
  "videoconvertscale",
  "videoconvert",
  "videoscale",
};

/* decodebin's GstAutoplugSelectResult, which it does not install in a header. */
enum { AUTOPLUG_TRY = 0, AUTOPLUG_SKIP = 2 };

static char *unavailable;        /* why videos cannot be read here, or NULL */
static GThread *loader;          /* loading the plugins, until veil_worker_video_init_finish () */
static guint video_decode_threads = 1;

typedef struct {
  GstElement   *pipeline;
  GstElement   *sink;
  GstElement   *scale;
  GstElement   *filter;
  int           fd;
  guint64       size;
  guint64       offset;
  gint64        deadline;        /* monotonic µs, 0: none */
  GCancellable *cancellable;
  const char   *name;
  gint          linked;          /* atomic: a raw video pad reached the scaler */
  gint          too_large;       /* atomic: a stream over the size limits was refused */
  gint          no_video;        /* atomic: every stream was seen, none is a video */
  gint          over_budget;     /* atomic: the decoder put out too many pixels */
  gsize         decoded;         /* atomic: pixels the decoder put out */
  guint         frame_pixels;    /* of the stream linked */
  guint         width, height;   /* of the stream linked */
} Video;

/* Returns: a frame time as people read it, "1:05.5" */
static char *
format_time (gint64 ms)
{
  return g_strdup_printf ("%u:%02u.%u", (guint) (ms / 60000), (guint) (ms / 1000 % 60), (guint) (ms / 100 % 10));
}

/* Loads the allowed plugins; in a thread of its own, while the worker loads its model. */
static gpointer
load_plugins (gpointer data)
{
  static const char *const required[] = { "videoconvert", "videoscale", "decodebin", "appsrc", "appsink" };
  g_autoptr(GError) error = NULL;

  if (!gst_init_check (NULL, NULL, &error))
    return g_strdup (error->message);
  for (gsize i = 0; i < G_N_ELEMENTS (allowed_plugins); i++)
    {
      g_autofree char *file = g_strdup_printf ("libgst%s.so", allowed_plugins[i]);
      g_autofree char *path = g_build_filename (VEIL_GST_PLUGIN_DIR, file, NULL);
      g_autoptr(GstPlugin) plugin = NULL;
      g_autoptr(GError) plugin_error = NULL;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      plugin = gst_plugin_load_file (path, &plugin_error);
      if (plugin == NULL)
        g_debug ("GStreamer plugin %s: %s", path, plugin_error->message);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    if (!gst_registry_check_feature_version (gst_registry_get (), required[i], 1, 0, 0))
      return g_strdup (_("GStreamer’s base plugins are not installed"));
  return NULL;
}

/**
 * veil_worker_video_init:
 * @decode_threads: threads a decoder may use for one video
 *
 * Starts GStreamer with the allowed plugins only: no registry is read or written and no
 * plugin scanner is forked. Call before any other thread runs (it sets the environment
 * GStreamer reads); the plugins load in a thread of their own (the codecs of libav take
 * a few hundred milliseconds) until veil_worker_video_init_finish(), which the worker calls
 * before its sandbox and before anything else sets the environment.
 */
void
veil_worker_video_init (guint decode_threads)
{
  _veil_worker_set_video_func (veil_worker_video_analyze_fd);
  video_decode_threads = MAX (decode_threads, 1);
  /* Not a folder: no registry cache to read, none written, no plugin folder scanned. */
  g_setenv ("GST_REGISTRY_1_0", "/dev/null/registry.bin", TRUE);
  g_setenv ("GST_PLUGIN_SYSTEM_PATH_1_0", "/dev/null", TRUE);
  g_unsetenv ("GST_PLUGIN_PATH_1_0");
  g_unsetenv ("GST_PLUGIN_PATH");
  /* ORC's run-time compiled code is left out, as in libvips (veil-image-load.c). */
  g_setenv ("ORC_CODE", "backup", TRUE);
  gst_registry_fork_set_enabled (FALSE);
  loader = g_thread_new ("veil-gst-init", load_plugins, NULL);
}

/* Returns: whether videos can be read here; %FALSE with @error set when they cannot (the
 *   worker still reads pictures) */
gboolean
veil_worker_video_init_finish (GError **error)
{
  g_return_val_if_fail (loader != NULL, FALSE);
  unavailable = g_thread_join (g_steal_pointer (&loader));
  if (unavailable != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, unavailable);
      return FALSE;
    }
  return TRUE;
}

/* --- Reading the descriptor ------------------------------------------------------------- */

static void
need_data_cb (GstAppSrc *src,
              guint      length,
              gpointer   user_data)
{
  Video *v = user_data;
  gsize want = length == 0 || length > 1024 * 1024 ? 64 * 1024 : length;
  GstBuffer *buffer;
  GstMapInfo map;
  ssize_t n;

  if (v->offset >= v->size)
    {
      gst_app_src_end_of_stream (src);
      return;
    }
  want = MIN (want, v->size - v->offset);
  buffer = gst_buffer_new_allocate (NULL, want, NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  do
    n = pread (v->fd, map.data, want, (off_t) v->offset);
  while (n < 0 && errno == EINTR);
  gst_buffer_unmap (buffer, &map);
  if (n <= 0)
    {
      /* Cut short since it was opened: the end of what there is. */
      gst_buffer_unref (buffer);
      gst_app_src_end_of_stream (src);
      return;
    }
  gst_buffer_set_size (buffer, n);
  GST_BUFFER_OFFSET (buffer) = v->offset;
  v->offset += (guint64) n;
  gst_app_src_push_buffer (src, buffer);
}

static gboolean
seek_data_cb (GstAppSrc *src,
              guint64    offset,
              gpointer   user_data)
{
  Video *v = user_data;

  v->offset = offset;
  return offset <= v->size;
}

/* --- Building the pipeline -------------------------------------------------------------- */

static gboolean
caps_too_large (GstCaps *caps)
{
  GstStructure *s = gst_caps_get_size (caps) > 0 ? gst_caps_get_structure (caps, 0) : NULL;
  int w = 0, h = 0;

  if (s == NULL || !gst_structure_get_int (s, "width", &w) || !gst_structure_get_int (s, "height", &h))
    return FALSE;
  return w > VEIL_VIDEO_MAX_SIDE || h > VEIL_VIDEO_MAX_SIDE || (guint64) w * h > VEIL_VIDEO_MAX_FRAME_PIXELS;
}

/* Only video is decoded; sound and subtitles stay as they are and go nowhere. */
static gboolean
autoplug_continue_cb (GstElement *bin,
                      GstPad     *pad,
                      GstCaps    *caps,
                      gpointer    user_data)
{
  Video *v = user_data;
  const char *kind = gst_caps_get_size (caps) > 0 ? gst_structure_get_name (gst_caps_get_structure (caps, 0)) : "";

  if (caps_too_large (caps))
    {
      g_atomic_int_set (&v->too_large, 1);
      return FALSE;
    }
  return !g_str_has_prefix (kind, "audio/") && !g_str_has_prefix (kind, "text/") &&
         !g_str_has_prefix (kind, "subpicture/") && !g_str_has_prefix (kind, "closedcaption/");
}

/* Defence in depth: only the allowed plugins' elements, whatever else got registered. */
static int
autoplug_select_cb (GstElement         *bin,
                    GstPad             *pad,
                    GstCaps            *caps,
                    GstElementFactory  *factory,
                    gpointer            user_data)
{
  const char *plugin = gst_plugin_feature_get_plugin_name (GST_PLUGIN_FEATURE (factory));

  for (gsize i = 0; plugin != NULL && i < G_N_ELEMENTS (allowed_plugins); i++)
    if (g_str_equal (plugin, allowed_plugins[i]))
      return AUTOPLUG_TRY;
  return AUTOPLUG_SKIP;
}

/* Decoders use the worker's decoding threads, no more. */
static void
element_added_cb (GstBin     *bin,
                  GstBin     *sub_bin,
                  GstElement *element,
                  gpointer    user_data)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (element);

  if (g_object_class_find_property (klass, "max-threads") != NULL)
    g_object_set (element, "max-threads", (int) video_decode_threads, NULL);
  else if (g_object_class_find_property (klass, "threads") != NULL)
    g_object_set (element, "threads", (int) video_decode_threads, NULL);
}

static GstPadProbeReturn
count_pixels_cb (GstPad          *pad,
                 GstPadProbeInfo *info,
                 gpointer         user_data)
{
  Video *v = user_data;
  gsize total = (gsize) g_atomic_pointer_add (&v->decoded, v->frame_pixels) + v->frame_pixels;

  if (total > VEIL_VIDEO_MAX_DECODED_PIXELS)
    g_atomic_int_set (&v->over_budget, 1);
  return GST_PAD_PROBE_OK;
}

static void
link_elsewhere (Video  *v,
                GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sink_pad = NULL;

  if (sink == NULL)
    return;
  g_object_set (sink, "async", FALSE, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (v->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  sink_pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_link (pad, sink_pad);
}

/* The frame size analysed: the display shape, the long side at most VEIL_VIDEO_FRAME_SIDE. */
static GstCaps *
target_caps (GstStructure *s,
             guint         width,
             guint         height)
{
  int par_n = 1, par_d = 1;
  double shown_width, scale;

  if (!gst_structure_get_fraction (s, "pixel-aspect-ratio", &par_n, &par_d) || par_n <= 0 || par_d <= 0)
    par_n = par_d = 1;
  shown_width = (double) width * par_n / par_d;
  scale = MIN (1.0, VEIL_VIDEO_FRAME_SIDE / MAX (shown_width, (double) height));
  return gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "RGB",
                              "width", G_TYPE_INT, (int) CLAMP (shown_width * scale + 0.5, 1, VEIL_VIDEO_FRAME_SIDE),
                              "height", G_TYPE_INT, (int) CLAMP (height * scale + 0.5, 1, VEIL_VIDEO_FRAME_SIDE),
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
}

static void
pad_added_cb (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  Video *v = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) scale_pad = NULL;
  g_autoptr(GstCaps) wanted = NULL;
  GstStructure *s = caps != NULL && gst_caps_get_size (caps) > 0 ? gst_caps_get_structure (caps, 0) : NULL;
  int w = 0, h = 0;

  if (s == NULL || !g_str_equal (gst_structure_get_name (s), "video/x-raw") ||
      !gst_structure_get_int (s, "width", &w) || !gst_structure_get_int (s, "height", &h) ||
      w <= 0 || h <= 0 || caps_too_large (caps) || g_atomic_int_get (&v->linked))
    {
      if (s != NULL && caps_too_large (caps))
        g_atomic_int_set (&v->too_large, 1);
      link_elsewhere (v, pad);
      return;
    }
  v->width = (guint) w;
  v->height = (guint) h;
  v->frame_pixels = (guint) w * (guint) h;
  wanted = target_caps (s, v->width, v->height);
  g_object_set (v->filter, "caps", wanted, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_pixels_cb, v, NULL);
  scale_pad = gst_element_get_static_pad (v->scale, "sink");
  if (gst_pad_link (pad, scale_pad) == GST_PAD_LINK_OK)
    g_atomic_int_set (&v->linked, 1);
}

static void
no_more_pads_cb (GstElement *decodebin,
                 gpointer    user_data)
{
  Video *v = user_data;

  if (!g_atomic_int_get (&v->linked))
    g_atomic_int_set (&v->no_video, 1);
}

static gboolean
build_pipeline (Video *v)
{
  GstElement *src = gst_element_factory_make ("appsrc", NULL);
  GstElement *decode = gst_element_factory_make ("decodebin", NULL);
  GstElement *convert = gst_element_factory_make ("videoconvert", NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstAppSrcCallbacks callbacks = { need_data_cb, NULL, seek_data_cb, { NULL } };

  v->scale = gst_element_factory_make ("videoscale", NULL);
  v->sink = gst_element_factory_make ("appsink", NULL);
  v->pipeline = gst_pipeline_new (NULL);
  if (src == NULL || decode == NULL || convert == NULL || filter == NULL || v->scale == NULL || v->sink == NULL)
    {
      GstElement *made[] = { src, decode, convert, filter, v->scale, v->sink };

      for (gsize i = 0; i < G_N_ELEMENTS (made); i++)
        if (made[i] != NULL)
          gst_object_unref (gst_object_ref_sink (made[i]));
      v->scale = v->sink = NULL;
      return FALSE;
    }
  v->filter = filter;
  gst_bin_add_many (GST_BIN (v->pipeline), src, decode, v->scale, convert, filter, v->sink, NULL);
  gst_app_src_set_stream_type (GST_APP_SRC (src), GST_APP_STREAM_TYPE_RANDOM_ACCESS);
  gst_app_src_set_size (GST_APP_SRC (src), (gint64) v->size);
  gst_app_src_set_callbacks (GST_APP_SRC (src), &callbacks, v, NULL);
  g_object_set (v->sink, "sync", FALSE, "max-buffers", 2, "drop", FALSE, NULL);
  g_signal_connect (decode, "autoplug-continue", G_CALLBACK (autoplug_continue_cb), v);
  g_signal_connect (decode, "autoplug-select", G_CALLBACK (autoplug_select_cb), v);
  g_signal_connect (decode, "pad-added", G_CALLBACK (pad_added_cb), v);
  g_signal_connect (decode, "no-more-pads", G_CALLBACK (no_more_pads_cb), v);
  g_signal_connect (v->pipeline, "deep-element-added", G_CALLBACK (element_added_cb), v);
  return gst_element_link (src, decode) && gst_element_link_many (v->scale, convert, filter, v->sink, NULL);
}

/* --- Waiting, within the time budget ----------------------------------------------------- */

typedef enum {
  WAIT_OK,
  WAIT_FAILED,       /* an error or the end of the stream: damaged or cut short */
  WAIT_UNSUPPORTED,  /* no decoder for the stream here */
  WAIT_TIMEOUT,
  WAIT_CANCELLED,
  WAIT_TOO_LARGE,    /* a stream over the size limits */
  WAIT_OVER_BUDGET,  /* the decoded pixels' budget is spent */
  WAIT_NO_VIDEO,
} WaitResult;

static WaitResult
check_limits (Video *v)
{
  if (g_cancellable_is_cancelled (v->cancellable))
    return WAIT_CANCELLED;
  if (g_atomic_int_get (&v->too_large))
    return WAIT_TOO_LARGE;
  if (g_atomic_int_get (&v->over_budget))
    return WAIT_OVER_BUDGET;
  if (g_atomic_int_get (&v->no_video))
    return WAIT_NO_VIDEO;
  if (v->deadline != 0 && g_get_monotonic_time () >= v->deadline)
    return WAIT_TIMEOUT;
  return WAIT_OK;
}

static WaitResult
error_message (GstMessage  *message,
               char       **text)
{
  g_autoptr(GError) error = NULL;
  gboolean unsupported;

  gst_message_parse_error (message, &error, NULL);
  unsupported = error->domain == GST_STREAM_ERROR &&
                (error->code == GST_STREAM_ERROR_CODEC_NOT_FOUND || error->code == GST_STREAM_ERROR_WRONG_TYPE);
  g_free (*text);
  *text = g_strdup (error->message);
  return unsupported ? WAIT_UNSUPPORTED : WAIT_FAILED;
}

/* Waits for the pipeline to hold a frame (after a start or a seek), checking the limits and
 * cancellation every 50 ms. @text gets an error's message. */
static WaitResult
wait_preroll (Video  *v,
              char  **text)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (v->pipeline);

  for (;;)
    {
      WaitResult limits = check_limits (v);
      g_autoptr(GstMessage) message = NULL;
      gint64 slice = 50 * 1000;

      if (limits != WAIT_OK)
        return limits;
      if (v->deadline != 0)
        slice = MIN (slice, v->deadline - g_get_monotonic_time ());
      message = gst_bus_timed_pop_filtered (bus, MAX (slice, 1) * GST_USECOND,
                                            GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      if (message == NULL)
        continue;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ASYNC_DONE)
        return WAIT_OK;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        return error_message (message, text);
      return WAIT_FAILED;
    }
}

/* --- Frames -------------------------------------------------------------------------------- */

/* Returns: the sample's time from the start of the video in ms, or -1 */
static gint64
sample_time_ms (GstSample *sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);
  guint64 time;

  if (buffer == NULL || !GST_BUFFER_PTS_IS_VALID (buffer))
    return -1;
  time = segment != NULL ? gst_segment_to_stream_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer))
                         : GST_BUFFER_PTS (buffer);
  return time == GST_CLOCK_TIME_NONE ? -1 : (gint64) (time / GST_MSECOND);
}

static VeilImage *
frame_image (Video                   *v,
             GstSample               *sample,
             const VeilWorkerRequest *request,
             GError                 **error)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  VeilImageLimits limits = request->limits;
  g_autofree guint8 *rgb = NULL;
  GstVideoInfo info;
  GstVideoFrame frame;
  guint w, h;

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT,
                   _("“%s” is damaged or cut short and cannot be read completely (%s)."), v->name, "frame");
      return NULL;
    }
  w = GST_VIDEO_FRAME_WIDTH (&frame);
  h = GST_VIDEO_FRAME_HEIGHT (&frame);
  rgb = g_malloc ((gsize) w * h * 3);
  for (guint y = 0; y < h; y++)
    memcpy (rgb + (gsize) y * w * 3,
            (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
            (gsize) w * 3);
  gst_video_frame_unmap (&frame);
  if (v->deadline != 0)
    limits.timeout_ms = (guint) MAX (1, (v->deadline - g_get_monotonic_time ()) / 1000);
  return _veil_image_new_from_rgb (rgb, w, h, v->name, request->needs, &limits, v->cancellable, error);
}

/* Analyses @sample's frame into @result. A frame that cannot be made into a picture is left
 * out; returns FALSE only when cancelled or the analysis failed outright. */
static gboolean
take_frame (Video                   *v,
            VeilClassifier          *classifier,
            GstSample               *sample,
            const VeilWorkerRequest *request,
            VeilWorkerResult        *result,
            GError                 **error)
{
  g_autoptr(GError) frame_error = NULL;
  g_autoptr(VeilImage) image = frame_image (v, sample, request, &frame_error);
  VeilWorkerFrame frame = { .time_ms = MAX (sample_time_ms (sample), 0) };

  if (image == NULL)
    {
      if (g_error_matches (frame_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&frame_error));
          return FALSE;
        }
      g_debug ("%s, frame at %" G_GINT64_FORMAT " ms: %s", v->name, frame.time_ms, frame_error->message);
      return TRUE;
    }
  g_array_append_val (result->frames, frame);
  return _veil_worker_analyze_frame (classifier, image, request,
                                     &g_array_index (result->frames, VeilWorkerFrame, result->frames->len - 1),
                                     v->cancellable, error);
}

static gboolean
already_taken (VeilWorkerResult *result,
               GstSample        *sample)
{
  gint64 ms = MAX (sample_time_ms (sample), 0);

  for (guint i = 0; i < result->frames->len; i++)
    if (g_array_index (result->frames, VeilWorkerFrame, i).time_ms == ms)
      return TRUE;
  return FALSE;
}

/* Why frames from @from_ms on were left unjudged, as the result's "not checked" reason. */
static void
skip_from (VeilWorkerResult *result,
           WaitResult        wait,
           gint64            from_ms,
           const char       *text)
{
  g_autofree char *at = format_time (from_ms);

  if (wait == WAIT_TIMEOUT)
    _veil_worker_result_skip (result, VEIL_UNCHECKED_TOO_SLOW,
                              g_strdup_printf (_("Frames from %s on were not checked in time."), at));
  else if (wait == WAIT_TOO_LARGE || wait == WAIT_OVER_BUDGET)
    _veil_worker_result_skip (result, VEIL_UNCHECKED_TOO_LARGE,
                              g_strdup_printf (_("Frames from %s on were not checked: decoding them means decoding "
                                                 "more than %u million pixels."), at,
                                               (guint) (VEIL_VIDEO_MAX_DECODED_PIXELS / 1000000)));
  else
    _veil_worker_result_skip (result, VEIL_UNCHECKED_DAMAGED,
                              g_strdup_printf (_("Frames from %s on could not be read: the video is damaged or cut "
                                                 "short (%s)."), at, text != NULL ? text : "end of stream"));
}

static GstSample *
seek_and_pull (Video        *v,
               gint64        target,
               GstSeekFlags  flags,
               WaitResult   *wait,
               char        **text)
{
  GstSample *sample;

  if (!gst_element_seek_simple (v->pipeline, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH | flags, target))
    {
      *wait = WAIT_FAILED;
      return NULL;
    }
  *wait = wait_preroll (v, text);
  if (*wait != WAIT_OK)
    return NULL;
  sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (v->sink), 0);
  if (sample == NULL)
    *wait = WAIT_FAILED;
  return sample;
}

/* Frames at evenly spaced times (the middle of each of n equal parts of the video). A
 * keyframe seek is tried first; when it lands on a frame already judged (keyframes far
 * apart), an exact seek decodes up to the time asked for. */
static gboolean
sample_by_seeking (Video                   *v,
                   VeilClassifier          *classifier,
                   gint64                   duration,
                   const VeilWorkerRequest *request,
                   VeilWorkerResult        *result,
                   GError                 **error)
{
  guint n = (guint) CLAMP ((duration / GST_SECOND + VEIL_VIDEO_SECONDS_PER_FRAME - 1) / VEIL_VIDEO_SECONDS_PER_FRAME,
                           VEIL_VIDEO_MIN_FRAMES, VEIL_WORKER_MAX_VIDEO_FRAMES);

  for (guint i = 0; i < n; i++)
    {
      gint64 target = duration / (2 * n) * (2 * i + 1);
      g_autofree char *text = NULL;
      WaitResult wait = WAIT_OK;
      GstSample *sample = seek_and_pull (v, target, GST_SEEK_FLAG_KEY_UNIT | GST_SEEK_FLAG_SNAP_NEAREST, &wait, &text);
      gboolean ok;

      if (sample != NULL && already_taken (result, sample))
        {
          gst_sample_unref (sample);
          sample = seek_and_pull (v, target, GST_SEEK_FLAG_ACCURATE, &wait, &text);
          /* Still the same frame: the picture does not change here. */
          if (sample != NULL && already_taken (result, sample))
            {
              gst_sample_unref (sample);
              continue;
            }
        }
      if (sample == NULL && wait == WAIT_CANCELLED)
        return !g_cancellable_set_error_if_cancelled (v->cancellable, error);
      if (sample == NULL)
        {
          skip_from (result, wait, target / GST_MSECOND, text);
          return TRUE;
        }
      ok = take_frame (v, classifier, sample, request, result, error);
      gst_sample_unref (sample);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* A video that does not say how long it is (a stream recorded as it was sent) is played
 * from the start, one frame kept per VEIL_VIDEO_SECONDS_PER_FRAME, up to the most frames
 * judged; what lies after is not checked. */
static gboolean
sample_forward (Video                   *v,
                VeilClassifier          *classifier,
                const VeilWorkerRequest *request,
                VeilWorkerResult        *result,
                GError                 **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (v->pipeline);
  gint64 next = 0, last = 0;

  gst_element_set_state (v->pipeline, GST_STATE_PLAYING);
  while (result->frames->len < VEIL_WORKER_MAX_VIDEO_FRAMES)
    {
      WaitResult wait = check_limits (v);
      g_autoptr(GstMessage) message = NULL;
      g_autofree char *text = NULL;
      GstSample *sample;
      gint64 ms;
      gboolean ok;

      if (wait == WAIT_CANCELLED)
        return !g_cancellable_set_error_if_cancelled (v->cancellable, error);
      message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (message != NULL)
        wait = error_message (message, &text);
      if (wait != WAIT_OK)
        {
          skip_from (result, wait, last, text);
          return TRUE;
        }
      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (v->sink), 50 * GST_MSECOND);
      if (sample == NULL && gst_app_sink_is_eos (GST_APP_SINK (v->sink)))
        return TRUE;
      if (sample == NULL)
        continue;
      ms = last = MAX (sample_time_ms (sample), 0);
      ok = TRUE;
      if (ms >= next)
        {
          ok = take_frame (v, classifier, sample, request, result, error);
          next = ms + VEIL_VIDEO_SECONDS_PER_FRAME * 1000;
        }
      gst_sample_unref (sample);
      if (!ok)
        return FALSE;
    }
  if (!gst_app_sink_is_eos (GST_APP_SINK (v->sink)))
    {
      g_autofree char *at = format_time (last);

      _veil_worker_result_skip (result, VEIL_UNCHECKED_TOO_LARGE,
                                g_strdup_printf (_("Frames after %s were not checked: the video does not say how long "
                                                   "it is, and Veil checks at most %u of its frames."),
                                                 at, VEIL_WORKER_MAX_VIDEO_FRAMES));
    }
  return TRUE;
}

/* --- The whole video ------------------------------------------------------------------------ */

/* The error for a video that could not be started, or none of whose frames was judged. */
static void
set_wait_error (Video       *v,
                WaitResult   wait,
                const char  *text,
                guint        timeout_ms,
                GError     **error)
{
  switch (wait)
    {
    case WAIT_CANCELLED:
      g_cancellable_set_error_if_cancelled (v->cancellable, error);
      break;
    case WAIT_TIMEOUT:
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TIMEOUT,
                   _("Decoding “%s” took longer than %u ms and was stopped. The file may be "
                     "built to stall image decoders."), v->name, timeout_ms);
      break;
    case WAIT_TOO_LARGE:
    case WAIT_OVER_BUDGET:
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS,
                   _("“%s” is a video larger than Veil decodes (at most %u pixels wide or high, and %u million "
                     "decoded pixels), so it was skipped."), v->name, VEIL_VIDEO_MAX_SIDE,
                   (guint) (VEIL_VIDEO_MAX_DECODED_PIXELS / 1000000));
      break;
    case WAIT_NO_VIDEO:
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_AN_IMAGE,
                   _("“%s” holds no video to check."), v->name);
      break;
    case WAIT_UNSUPPORTED:
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("“%s” is a video in a format this computer cannot read (%s)."), v->name, text);
      break;
    case WAIT_OK:
    case WAIT_FAILED:
    default:
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT,
                   _("“%s” looks like a video but is damaged or cut short (%s)."), v->name,
                   text != NULL ? text : "end of stream");
      break;
    }
}

/* Frames judged, by seeking or playing forward; FALSE with @error set when none could be. */
static gboolean
sample_frames (Video                   *v,
               VeilClassifier          *classifier,
               const VeilWorkerRequest *request,
               VeilWorkerResult        *result,
               GError                 **error)
{
  g_autofree char *text = NULL;
  gint64 duration = -1;
  WaitResult wait;

  if (gst_element_set_state (v->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    wait = WAIT_FAILED;
  else
    wait = wait_preroll (v, &text);
  if (wait != WAIT_OK)
    {
      set_wait_error (v, wait, text, request->limits.timeout_ms, error);
      return FALSE;
    }
  if (!gst_element_query_duration (v->pipeline, GST_FORMAT_TIME, &duration))
    duration = -1;
  if (duration > (gint64) VEIL_VIDEO_MAX_SECONDS * GST_SECOND)
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS,
                   _("“%s” says it is a video of %u minutes, longer than the %u hours Veil checks, so it was "
                     "skipped."), v->name, (guint) MIN (duration / GST_SECOND / 60, G_MAXUINT),
                   VEIL_VIDEO_MAX_SECONDS / 3600);
      return FALSE;
    }
  if (!(duration > 0 ? sample_by_seeking (v, classifier, duration, request, result, error)
                     : sample_forward (v, classifier, request, result, error)))
    return FALSE;
  if (result->frames->len == 0)
    {
      static const WaitResult for_cause[] = {
        [VEIL_UNCHECKED_TOO_LARGE] = WAIT_TOO_LARGE, [VEIL_UNCHECKED_TOO_SLOW] = WAIT_TIMEOUT,
      };

      wait = result->skipped < G_N_ELEMENTS (for_cause) ? for_cause[result->skipped] : WAIT_FAILED;
      set_wait_error (v, wait == WAIT_OK ? WAIT_FAILED : wait, result->skipped_detail, request->limits.timeout_ms, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * veil_worker_video_analyze_fd:
 * @fd: an open regular file holding a video (_veil_worker_sniff_video())
 *
 * A video's figures: per sampled frame, as for a picture, with the frame's time. Frames
 * left unjudged (the time budget, the decoded pixels' budget, damage past some point) are
 * the result's "not checked" reason; a video none of whose frames could be judged is an
 * error, as a picture that cannot be decoded is.
 *
 * Returns: (transfer full): the figures, or %NULL with @error set
 */
VeilWorkerResult *
veil_worker_video_analyze_fd (VeilClassifier          *classifier,
                              int                      fd,
                              const char              *name,
                              const VeilWorkerRequest *request,
                              GCancellable            *cancellable,
                              GError                 **error)
{
  g_autoptr(VeilWorkerResult) result = _veil_worker_result_new ();
  Video v = { 0 };
  struct stat st;
  gboolean ok;

  if (unavailable != NULL)
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("“%s” is a video in a format this computer cannot read (%s)."), name, unavailable);
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                   _("“%s” cannot be read: %s"), name, g_strerror (saved_errno));
      return NULL;
    }
  v.fd = fd;
  v.size = (guint64) st.st_size;
  v.name = name;
  v.cancellable = cancellable;
  if (request->limits.timeout_ms != 0)
    v.deadline = g_get_monotonic_time () + (gint64) request->limits.timeout_ms * 1000;
  if (!build_pipeline (&v))
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("“%s” is a video in a format this computer cannot read (%s)."), name,
                   _("GStreamer’s base plugins are not installed"));
      g_clear_object (&v.pipeline);
      return NULL;
    }
  ok = sample_frames (&v, classifier, request, result, error);
  gst_element_set_state (v.pipeline, GST_STATE_NULL);
  g_clear_object (&v.pipeline);
  if (!ok)
    return NULL;
  if ((request->flags & VEIL_WORKER_REQUEST_SHA256) != 0)
    {
      g_autoptr(GError) local_error = NULL;

      result->sha256 = veil_worker_checksum_fd (fd, &local_error);
      if (result->sha256 == NULL)
        g_debug ("No SHA-256 of %s: %s", name, local_error->message);
    }
  return g_steal_pointer (&result);
}
