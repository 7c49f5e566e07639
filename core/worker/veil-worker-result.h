/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-classifier.h"
#include "veil-image.h"
#include "veil-pdq.h"
#include "veil-verdict.h"

G_BEGIN_DECLS

/* What an analysis worker is asked to do with one file, and the figures it answers with.
 * The figures are what the decode produced (per frame: PDQ hash, classifier scores, a blurred
 * thumbnail); the verdict is made from them by VeilAnalyzer, in the parent, where the hash
 * lists and the profile's policy live. */

typedef enum {
  VEIL_WORKER_REQUEST_THUMBNAIL = 1 << 0,  /* a blurred thumbnail per frame */
  VEIL_WORKER_REQUEST_SHA256    = 1 << 1,  /* the file's SHA-256, read through the descriptor */
  VEIL_WORKER_REQUEST_PREVIEW   = 1 << 2,  /* the unblurred display thumbnail (veilctl's heatmaps) */
} VeilWorkerRequestFlags;

typedef struct {
  VeilImageNeeds          needs;
  VeilPdqMode             pdq_mode;
  VeilWorkerRequestFlags  flags;
  VeilImageLimits         limits;
} VeilWorkerRequest;

/* Frames of an animation judged besides the first, spread evenly over it. */
#define VEIL_WORKER_MAX_EXTRA_FRAMES 3
/* Pixels decoded for one file over all its frames. GIF and WebP decoders decode every frame
 * up to the one asked for, so frame k of an animation costs (k + 1) frames. */
#define VEIL_WORKER_MAX_DECODED_PIXELS (200 * 1000 * 1000)

/* Whether the second model (MobileNetV2Mid) gave its opinion on a frame. It runs only where
 * the first model's flag is borderline at some sensitivity (veil_analyzer_needs_second_opinion()). */
typedef enum {
  VEIL_SECOND_OPINION_NOT_ASKED = 0,    /* no borderline flag, or no classifier run */
  VEIL_SECOND_OPINION_GIVEN = 1,        /* it ran: veil_worker_result_get_second_scores() */
  VEIL_SECOND_OPINION_UNAVAILABLE = 2,  /* it was needed but the second model is not loaded */
} VeilSecondOpinion;
/* Frames judged of one video at most (see veil-worker-video.c for how many are taken). */
#define VEIL_WORKER_MAX_VIDEO_FRAMES 16
/* A video is sensitive when this many of its judged frames are (or all of them, when fewer
 * were judged), or one frame matches a hash list: see veil-analyzer-file.c. */
#define VEIL_VIDEO_MIN_SENSITIVE_FRAMES 2

typedef struct _VeilWorkerResult VeilWorkerResult;

#define VEIL_TYPE_WORKER_RESULT (veil_worker_result_get_type ())

GType                 veil_worker_result_get_type      (void) G_GNUC_CONST;
VeilWorkerResult     *veil_worker_result_ref           (VeilWorkerResult      *self);
void                  veil_worker_result_unref         (VeilWorkerResult      *self);

guint                 veil_worker_result_get_n_frames  (VeilWorkerResult      *self);
const VeilPdqHash    *veil_worker_result_get_hash      (VeilWorkerResult      *self,
                                                        guint                  frame,
                                                        guint                 *quality);
VeilClassifierResult *veil_worker_result_get_scores    (VeilWorkerResult      *self,
                                                        guint                  frame);
GBytes               *veil_worker_result_get_thumbnail (VeilWorkerResult      *self,
                                                        guint                  frame);
const guint8         *veil_worker_result_get_preview   (VeilWorkerResult      *self,
                                                        guint                  frame,
                                                        guint                 *width,
                                                        guint                 *height);
VeilSecondOpinion     veil_worker_result_get_second_state (VeilWorkerResult *self,
                                                        guint                  frame);
VeilClassifierResult *veil_worker_result_get_second_scores (VeilWorkerResult *self,
                                                        guint                  frame);
gint64                veil_worker_result_get_frame_time (VeilWorkerResult     *self,
                                                        guint                  frame);
const char           *veil_worker_result_get_sha256    (VeilWorkerResult      *self);
VeilUncheckedCause    veil_worker_result_get_skipped   (VeilWorkerResult      *self,
                                                        const char           **detail);

VeilWorkerResult     *veil_worker_analyze_fd           (VeilClassifier        *classifier,
                                                        int                    fd,
                                                        const char            *name,
                                                        const VeilWorkerRequest *request,
                                                        GCancellable          *cancellable,
                                                        GError               **error);
void                  veil_worker_set_second_classifier (VeilClassifier    *second);
char                 *veil_worker_checksum_fd          (int                    fd,
                                                        GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilWorkerResult, veil_worker_result_unref)

G_END_DECLS
