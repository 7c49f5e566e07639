/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-scanner.h"

G_BEGIN_DECLS

/* Called on a worker thread after each file's results are saved. The crash tests kill the
 * process there to prove that a killed scan loses no finished result and resumes. */
typedef void (*VeilScannerFileHook) (const char *path,
                                     gpointer    user_data);

void _veil_scanner_set_file_hook (VeilScanner         *self,
                                  VeilScannerFileHook  hook,
                                  gpointer             user_data);

/* The system-bus power profile monitor cannot be driven in CI: the tests hand the scanner a
 * monitor of their own to check that power-saver mode pauses a scan and that leaving it
 * resumes. Call before the scan starts. */
void _veil_scanner_set_power_monitor (VeilScanner          *self,
                                      GPowerProfileMonitor *monitor);

/* Everything one scan shares between the walker, the workers and the main thread. */
typedef struct _VeilScannerJob VeilScannerJob;

struct _VeilScannerJob
{
  gatomicrefcount      ref_count;

  /* set before the scan starts, then read-only */
  VeilAnalyzer        *analyzer;
  VeilStore           *store;
  VeilProfile         *profile;
  GCancellable        *cancellable;
  char               **folders;
  guint                n_workers;
  VeilScannerFileHook  hook;
  gpointer             hook_data;
  gint64               started;         /* monotonic, µs */

  /* under lock */
  GMutex               lock;
  GCond                cond;
  gboolean             paused;
  gboolean             power_saver;
  GPtrArray           *examples;        /* of char* */

  /* atomic */
  gint                 n_seen;
  gint                 n_done;
  gint                 n_analyzed;
  gint                 n_cached;
  gint                 n_matched;
  gint                 n_flagged;
  gint                 n_new_alerts;
  gint                 n_unchecked;
  gint                 skipped[VEIL_SCAN_N_SKIP_REASONS];

  /* walker thread only */
  GHashTable          *visited_dirs;    /* "dev:inode" */
  GHashTable          *visited_files;   /* "dev:inode" */
};

/* One picture the walker hands to a worker. */
typedef struct {
  char          *path;
  VeilFileStamp  stamp;
} VeilScannerWorkItem;

/* Shared between veil-scanner.c (the object), veil-scanner-walk.c (the walker) and
 * veil-scanner-job.c (the workers and the run). */
VeilScannerJob  *_veil_scanner_job_ref               (VeilScannerJob  *job);
void             _veil_scanner_job_unref             (VeilScannerJob  *job);
void             _veil_scanner_job_skip              (VeilScannerJob  *job,
                                                      VeilScanSkip     reason,
                                                      const char      *path);
void             _veil_scanner_job_count_verdict     (VeilScannerJob  *job,
                                                      VeilVerdict     *verdict);
void             _veil_scanner_job_wait_while_paused (VeilScannerJob  *job);
VeilScanSkip     _veil_scanner_skip_from_string      (const char      *text);
void             _veil_scanner_walk                  (VeilScannerJob  *job,
                                                      GThreadPool     *pool,
                                                      const char      *root);
void             _veil_scanner_analyze_item          (gpointer         item,
                                                      gpointer         job);
void             _veil_scanner_check_one             (VeilScannerJob  *job,
                                                      const char      *path);
VeilScanSummary *_veil_scanner_summarize             (VeilScannerJob  *job);
VeilScanSummary *_veil_scanner_run_scan              (VeilScannerJob  *job,
                                                      GError         **error);
void             _veil_scanner_scan_thread           (GTask           *task,
                                                      gpointer         source_object,
                                                      gpointer         task_data,
                                                      GCancellable    *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilScannerJob, _veil_scanner_job_unref)

G_END_DECLS
