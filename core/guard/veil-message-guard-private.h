/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-message-guard.h"

G_BEGIN_DECLS

/* Shared between veil-message-guard.c (the object and its watcher), veil-message-guard-analyze.c
 * (the analysis of one picture) and veil-message-guard-hide.c (hiding and restoring). */

/* One picture waiting for, or handed to, a worker. */
typedef struct {
  char    *path;
  char    *folder_name;
} VeilMessageGuardJob;

/* What a worker found, handed back to the main context. */
typedef struct {
  char    *path;
  char    *folder_name;
  gboolean skipped;      /* this version was analyzed before */
  gboolean sensitive;    /* warned about: blurred */
  gboolean unchecked;    /* Veil could not check it; listed as not checked, blurred if sensitive */
  gint64   alert_id;     /* > 0 when an alert was recorded */
  char    *failure;      /* why the file could not be analyzed, or NULL */
} VeilMessageGuardJobResult;

/* Everything a worker needs, owned by the task so the guard may go away meanwhile. */
typedef struct {
  VeilMessageGuardJob *job;
  VeilStore           *store;
  VeilAnalyzer        *analyzer;
  VeilProfile         *profile;
  gboolean             tell_guardian;
  gboolean             hide;
  GWeakRef             guard;
  guint                generation;
} VeilMessageGuardJobData;

void      _veil_message_guard_job_free        (VeilMessageGuardJob       *job);
void      _veil_message_guard_job_result_free (VeilMessageGuardJobResult *result);
void      _veil_message_guard_job_data_free   (VeilMessageGuardJobData   *data);
gboolean  _veil_message_guard_stamp_file      (GFile                     *file,
                                               VeilFileStamp             *stamp,
                                               gint64                    *out_changed_usec);
void      _veil_message_guard_analyze_thread  (GTask                     *task,
                                               gpointer                   source_object,
                                               gpointer                   task_data,
                                               GCancellable              *cancellable);
char     *_veil_message_guard_hide_picture    (const char                *path,
                                               gint64                     alert_id,
                                               GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilMessageGuardJob, _veil_message_guard_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilMessageGuardJobResult, _veil_message_guard_job_result_free)

G_END_DECLS
