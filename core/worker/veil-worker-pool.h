/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-worker-result.h"

G_BEGIN_DECLS

#define VEIL_WORKER_ERROR (veil_worker_error_quark ())

typedef enum {
  VEIL_WORKER_ERROR_BUSY = 1,           /* the lane's queue is full: try again later */
  VEIL_WORKER_ERROR_CRASHED = 2,        /* the worker died, or answered nonsense */
  VEIL_WORKER_ERROR_TIMEOUT = 3,        /* past the deadline: the worker was stopped */
  VEIL_WORKER_ERROR_MODEL_MISSING = 4,  /* the worker has no classifier */
  VEIL_WORKER_ERROR_START = 5,          /* the worker program could not be started */
  VEIL_WORKER_ERROR_FAILED = 6,         /* anything else the worker reported */
} VeilWorkerError;

/* Who is asking. Each lane has its own workers, so one kind of caller never waits for
 * another: a flood of API calls cannot delay a message warning. */
typedef enum {
  VEIL_WORKER_LANE_GUARD = 0,  /* the message guard */
  VEIL_WORKER_LANE_API = 1,    /* D-Bus callers, veilctl */
  VEIL_WORKER_LANE_SCAN = 2,   /* folder scans */
} VeilWorkerLane;

#define VEIL_WORKER_N_LANES 3

typedef enum {
  VEIL_WORKER_POOL_FLAGS_NONE = 0,
  VEIL_WORKER_POOL_NO_LANDLOCK = 1 << 0,  /* workers skip their Landlock layer (tests) */
} VeilWorkerPoolFlags;

/* Address space per worker: the model, libvips and the buffers of a 100-megapixel picture
 * fit with room to spare. The pool's memory budget is this times its workers. */
#define VEIL_WORKER_ADDRESS_SPACE ((guint64) 2 * 1024 * 1024 * 1024)

#define VEIL_TYPE_WORKER_POOL (veil_worker_pool_get_type ())
G_DECLARE_FINAL_TYPE (VeilWorkerPool, veil_worker_pool, VEIL, WORKER_POOL, GObject)

GQuark            veil_worker_error_quark          (void);

VeilWorkerPool   *veil_worker_pool_new             (VeilWorkerPoolFlags  flags);

void              veil_worker_pool_set_lane        (VeilWorkerPool      *self,
                                                    VeilWorkerLane       lane,
                                                    guint                n_workers,
                                                    guint                max_queued);
void              veil_worker_pool_set_deadline    (VeilWorkerPool      *self,
                                                    guint                deadline_ms);
void              veil_worker_pool_set_max_files   (VeilWorkerPool      *self,
                                                    guint                max_files);
void              veil_worker_pool_set_model_path  (VeilWorkerPool      *self,
                                                    const char          *path);
guint64           veil_worker_pool_get_memory_budget (VeilWorkerPool    *self);
guint             veil_worker_pool_get_n_started   (VeilWorkerPool      *self);

void              veil_worker_pool_analyze_async   (VeilWorkerPool      *self,
                                                    VeilWorkerLane       lane,
                                                    int                  fd,
                                                    const char          *name,
                                                    const VeilWorkerRequest *request,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
VeilWorkerResult *veil_worker_pool_analyze_finish  (VeilWorkerPool      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
VeilWorkerResult *veil_worker_pool_analyze         (VeilWorkerPool      *self,
                                                    VeilWorkerLane       lane,
                                                    int                  fd,
                                                    const char          *name,
                                                    const VeilWorkerRequest *request,
                                                    GCancellable        *cancellable,
                                                    GError             **error);

G_END_DECLS
