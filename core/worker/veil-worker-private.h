/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-worker-result.h"

G_BEGIN_DECLS

/* Shared by the analysis worker (veil-analysis-worker.c) and its parent
 * (veil-worker-pool.c): the figures' layout and the messages between them. */

typedef struct {
  gboolean              has_hash;
  VeilPdqHash           hash;
  guint                 quality;
  VeilClassifierResult *scores;     /* nullable */
  GBytes               *thumbnail;  /* nullable; PNG */
  GBytes               *preview;    /* nullable; RGB, rows of preview_width * 3 bytes */
  guint                 preview_width;
  guint                 preview_height;
  VeilSecondOpinion     second_state;  /* whether the second model ran on this frame */
  VeilClassifierResult *second;        /* nullable: its scores, when it ran */
  gint64                time_ms;    /* a video frame's time from the start; -1 for pictures */
} VeilWorkerFrame;

struct _VeilWorkerResult
{
  gatomicrefcount     ref_count;
  GArray             *frames;       /* of VeilWorkerFrame */
  char               *sha256;       /* nullable */
  VeilUncheckedCause  skipped;      /* 0, or why some frames were not judged */
  char               *skipped_detail;
};

VeilWorkerResult *_veil_worker_result_new          (void);
void              _veil_worker_result_skip         (VeilWorkerResult         *result,
                                                    VeilUncheckedCause        cause,
                                                    char                     *detail);

/* veil-worker-analysis.c: one frame's figures, for pictures and video frames alike. */
gboolean          _veil_worker_analyze_frame       (VeilClassifier           *classifier,
                                                    VeilImage                *image,
                                                    const VeilWorkerRequest  *request,
                                                    VeilWorkerFrame          *frame,
                                                    GCancellable             *cancellable,
                                                    GError                  **error);

/* Videos are decoded only where GStreamer was started: the analysis worker registers its
 * decoder (veil-worker-video.c) here. Without one, a video is refused as unsupported. */
typedef VeilWorkerResult *(*VeilWorkerVideoFunc) (VeilClassifier          *classifier,
                                                  int                      fd,
                                                  const char              *name,
                                                  const VeilWorkerRequest *request,
                                                  GCancellable            *cancellable,
                                                  GError                 **error);

void              _veil_worker_set_video_func      (VeilWorkerVideoFunc       func);
gboolean          _veil_worker_sniff_video         (int                       fd);

/* The largest message either side accepts, and the most of each thing a reply may hold. */
#define VEIL_WORKER_MAX_MESSAGE    (4 * 1024 * 1024)
#define VEIL_WORKER_MAX_FRAMES     MAX (1 + VEIL_WORKER_MAX_EXTRA_FRAMES, VEIL_WORKER_MAX_VIDEO_FRAMES)
#define VEIL_WORKER_MAX_CLASSES    64
#define VEIL_WORKER_MAX_MAP_SIDE   64
#define VEIL_WORKER_MAX_THUMBNAIL  (1024 * 1024)
#define VEIL_WORKER_MAX_TEXT       4096
/* The latest frame time a reply may carry, in ms (far past any video's length). */
#define VEIL_WORKER_MAX_FRAME_TIME ((gint64) 1 << 40)

#define VEIL_WORKER_REQUEST_TYPE "(suuuttu)"
#define VEIL_WORKER_FRAME_TYPE   "(bayubasadadsssuuadadayuuay" VEIL_WORKER_SECOND_TYPE "x)"
/* The second opinion: its state, then the second model's class names, probabilities, name,
 * version and SHA-256 (empty unless it ran). */
#define VEIL_WORKER_SECOND_TYPE  "(uasadsss)"
#define VEIL_WORKER_REPLY_TYPE   "(uussusa" VEIL_WORKER_FRAME_TYPE ")"

/* The first message of a worker, once it has started and confined itself. */
#define VEIL_WORKER_READY "veil-analysis-worker ready"
/* The time a worker may take to start (GStreamer, the model, libvips), apart from any file. */
#define VEIL_WORKER_START_MS 30000

/* Error domains as numbers on the wire. */
typedef enum {
  VEIL_WORKER_WIRE_OK = 0,
  VEIL_WORKER_WIRE_IMAGE = 1,
  VEIL_WORKER_WIRE_WORKER = 2,
  VEIL_WORKER_WIRE_ANALYZER = 3,
} VeilWorkerWireDomain;

GVariant         *_veil_worker_request_to_variant  (const char               *name,
                                                    const VeilWorkerRequest  *request);
gboolean          _veil_worker_request_from_variant (GVariant                *variant,
                                                     char                   **name,
                                                     VeilWorkerRequest       *request);
GVariant         *_veil_worker_reply_new           (VeilWorkerResult         *result,
                                                    const GError             *error);
VeilWorkerResult *_veil_worker_reply_parse         (GBytes                   *bytes,
                                                    GError                  **error);

/* Framing: a 4-byte length, then a serialised GVariant; at most one descriptor rides along
 * with the length. */
gboolean          _veil_worker_socketpair          (int                       pair[2]);
gboolean          _veil_worker_send                (int                       sock,
                                                    GVariant                 *message,
                                                    int                       fd,
                                                    GError                  **error);
GBytes           *_veil_worker_receive             (int                       sock,
                                                    int                      *out_fd,
                                                    GError                  **error);

G_END_DECLS
