/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>

#include "veil.h"
#include "veil-worker-pool.h"
#include "veil-worker-video.h"
#include "veil-bench-utils.h"

/* A video's analysis against decoding alone: the CPU time of veil_worker_video_analyze_fd()
 * (sampled frames' seeks and decodes, scaling, PDQ, classifier, thumbnails) against a plain
 * GStreamer pipeline that seeks to the same times and decodes the same frames at the same
 * size (target: at most 1.3 times). Then the wall time of one video through an isolated
 * worker, from the file to the verdict. The clip (60 s, 1080p, VP8 WebM, a keyframe every
 * 2 s) is made first with GStreamer. */

#define SECONDS 60
#define RUNS 3

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
run_pipeline (const char *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 20 * 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_true (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* Seeks to the times the analysis samples and pulls each frame, scaled and converted alike. */
static void
decode_only (const char *path,
             guint       n_frames)
{
  g_autofree char *description = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoscale ! videoconvert ! "
                                                  "video/x-raw,format=RGB,width=512,height=288 ! appsink name=sink sync=false",
                                                  path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gint64 duration = (gint64) SECONDS * GST_SECOND;

  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  gst_element_get_state (pipeline, NULL, NULL, GST_CLOCK_TIME_NONE);
  for (guint i = 0; i < n_frames; i++)
    {
      GstSample *sample;

      gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
                               GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT | GST_SEEK_FLAG_SNAP_NEAREST,
                               duration / (2 * n_frames) * (2 * i + 1));
      gst_element_get_state (pipeline, NULL, NULL, GST_CLOCK_TIME_NONE);
      sample = gst_app_sink_pull_preroll (GST_APP_SINK (sink));
      g_assert_nonnull (sample);
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("veil-bench-video-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "clip.webm", NULL);
  g_autofree char *make = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilWorkerPool) pool = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  VeilWorkerRequest request = { VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_CLASSIFIER, VEIL_PDQ_MODE_FAST,
                                VEIL_WORKER_REQUEST_THUMBNAIL | VEIL_WORKER_REQUEST_SHA256, { 0 } };
  double analysed = 0, decoded = 0, walls[RUNS], median = 0, p95 = 0;
  guint n_frames = 0;

  /* Ours first (before any thread), then the benchmark's own GStreamer, with every plugin. */
  veil_worker_video_init (1);
  if (!veil_worker_video_init_finish (&error))
    g_error ("GStreamer: %s", error->message);
  /* The clip is made with plugins the worker does not load (videotestsrc, vp8enc). */
  gst_registry_scan_path (gst_registry_get (), VEIL_GST_PLUGIN_DIR);
  make = g_strdup_printf ("videotestsrc pattern=ball num-buffers=%d ! video/x-raw,width=1920,height=1080,framerate=30/1 ! "
                          "vp8enc deadline=1 cpu-used=16 keyframe-max-dist=60 ! webmmux ! filesink location=\"%s\"",
                          SECONDS * 30, path);
  g_print ("Making a %d s 1080p VP8 clip...\n", SECONDS);
  run_pipeline (make);

  model = veil_model_load_default (&error);
  g_assert_no_error (error);
  classifier = veil_nsfw_classifier_new (model, &error);
  g_assert_no_error (error);
  veil_nsfw_classifier_set_threads (classifier, 1);
  veil_image_limits_init_default (&request.limits);
  request.limits.timeout_ms = 0;
  for (guint r = 0; r < RUNS; r++)
    {
      int fd = open (path, O_RDONLY | O_CLOEXEC);
      double start = cpu_seconds ();
      g_autoptr(VeilWorkerResult) result = veil_worker_video_analyze_fd (VEIL_CLASSIFIER (classifier), fd, "clip",
                                                                         &request, NULL, &error);

      g_assert_no_error (error);
      analysed += cpu_seconds () - start;
      n_frames = veil_worker_result_get_n_frames (result);
      close (fd);
      start = cpu_seconds ();
      decode_only (path, n_frames);
      decoded += cpu_seconds () - start;
    }
  g_print ("frames judged: %u\n", n_frames);
  g_print ("CPU per video: analysis %.3f s, decode only %.3f s: %.2fx (target <= 1.3x)\n",
           analysed / RUNS, decoded / RUNS, analysed / decoded);

  pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  analyzer = veil_analyzer_new_with_pool (pool, veil_model_get_sha256 (model));
  for (guint r = 0; r < RUNS; r++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(VeilVerdict) verdict = veil_analyzer_analyze_file_in_lane (analyzer, path, VEIL_WORKER_LANE_GUARD, NULL,
                                                                           NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      walls[r] = (g_get_monotonic_time () - start) / 1e6;
    }
  veil_bench_summarize (walls, RUNS, &median, &p95);
  g_print ("file to verdict in a worker: median %.2f s, p95 %.2f s\n", median, p95);
  veil_bench_rm_rf (dir);
  return 0;
}
