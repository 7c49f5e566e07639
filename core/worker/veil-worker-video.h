/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-worker-result.h"

G_BEGIN_DECLS

/* Videos, decoded with GStreamer in the analysis worker alone (and the benches that measure
 * it): no long-lived process of Veil's starts GStreamer. */

/* Frames judged of a video: one per this many seconds, at least VEIL_VIDEO_MIN_FRAMES and at
 * most VEIL_WORKER_MAX_VIDEO_FRAMES. */
#define VEIL_VIDEO_SECONDS_PER_FRAME 4
#define VEIL_VIDEO_MIN_FRAMES        4
/* The longest video checked (3 hours); a longer one is "not checked" (too large). */
#define VEIL_VIDEO_MAX_SECONDS       (3 * 60 * 60)
/* The widest or highest video stream decoded, and the most pixels in one of its frames. */
#define VEIL_VIDEO_MAX_SIDE          8192
#define VEIL_VIDEO_MAX_FRAME_PIXELS  (8192 * 4320)
/* Pixels the decoder may put out for one video, over every frame it decodes (keyframe seeks
 * decode few; a seek that must decode from an earlier keyframe decodes more). */
#define VEIL_VIDEO_MAX_DECODED_PIXELS ((guint64) 1000 * 1000 * 1000)
/* The long side of a sampled frame as it is analysed (converted to RGB, scaled down). */
#define VEIL_VIDEO_FRAME_SIDE        512

void              veil_worker_video_init        (guint                     decode_threads);
gboolean          veil_worker_video_init_finish (GError                  **error);
VeilWorkerResult *veil_worker_video_analyze_fd  (VeilClassifier           *classifier,
                                                 int                       fd,
                                                 const char               *name,
                                                 const VeilWorkerRequest  *request,
                                                 GCancellable             *cancellable,
                                                 GError                  **error);

G_END_DECLS
