/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Test videos, made at test time with GStreamer: videotestsrc's colour bars, 224 x 224 at
 * 10 frames a second with a keyframe every half second, and optionally a 224 x 224 PNG
 * (a classifier fixture) shown instead from @from_s to @to_s. */

typedef enum {
  VEIL_TEST_VIDEO_WEBM,  /* VP8 in WebM */
  /* Motion JPEG in QuickTime (MOV, read by the same demuxer as MP4): Debian 12 packages no
   * H.264 encoder in the base, good or libav plugins, and its avenc_mpeg4 puts out frames
   * without timestamps, which mp4mux drops. */
  VEIL_TEST_VIDEO_MOV,
} VeilTestVideoKind;

gboolean     veil_test_video_can_make   (VeilTestVideoKind  kind);
char        *veil_test_write_video      (const char        *dir,
                                         const char        *name,
                                         VeilTestVideoKind  kind,
                                         guint              seconds,
                                         const char        *fixture_png,
                                         guint              from_s,
                                         guint              to_s);
char        *veil_test_write_truncated  (const char        *source,
                                         const char        *dir,
                                         const char        *name,
                                         double             fraction);
gboolean     veil_test_set_webm_duration (const char       *path,
                                          double            duration_ms);

G_END_DECLS
