/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-analyzer.h"
#include "veil-profile.h"
#include "veil-store.h"

G_BEGIN_DECLS

#define VEIL_SCANNER_ERROR (veil_scanner_error_quark ())

typedef enum {
  VEIL_SCANNER_ERROR_NOT_ACTIVE = 1,  /* library scanning is off or not acknowledged yet */
  VEIL_SCANNER_ERROR_NO_FOLDERS = 2,  /* nothing to scan */
  VEIL_SCANNER_ERROR_BUSY = 3,        /* this scanner is already scanning */
} VeilScannerError;

/* Why a file or folder was left out. */
typedef enum {
  VEIL_SCAN_SKIP_UNREADABLE_FOLDER = 0,  /*< nick=unreadable-folder >*/
  VEIL_SCAN_SKIP_UNREADABLE_FILE = 1,    /*< nick=unreadable-file >*/
  VEIL_SCAN_SKIP_SYMLINK_LOOP = 2,       /*< nick=symlink-loop >*/
  VEIL_SCAN_SKIP_NOT_AN_IMAGE = 3,       /*< nick=not-an-image >*/
  VEIL_SCAN_SKIP_DAMAGED = 4,            /*< nick=damaged >*/
  VEIL_SCAN_SKIP_TOO_LARGE = 5,          /*< nick=too-large >*/
  VEIL_SCAN_SKIP_OTHER = 6,              /*< nick=other >*/
  VEIL_SCAN_N_SKIP_REASONS               /*< skip >*/
} VeilScanSkip;

typedef enum {
  VEIL_SCANNER_STATE_IDLE = 0,
  VEIL_SCANNER_STATE_RUNNING = 1,
  VEIL_SCANNER_STATE_PAUSED = 2,
} VeilScannerState;

/* What one scan did. Counts only: file names appear in @skipped_examples, for the guardian. */
typedef struct {
  guint     n_seen;                               /* picture files found */
  guint     n_analyzed;                           /* decoded and analysed this time */
  guint     n_cached;                             /* unchanged since the last scan: only stat'ed */
  guint     n_skipped;                            /* files and folders left out */
  guint     skipped[VEIL_SCAN_N_SKIP_REASONS];
  guint     n_matched;                            /* pictures near a hash-list entry */
  guint     n_flagged;                            /* pictures the classifier flagged */
  guint     n_new_alerts;
  guint     n_unchecked;                          /* pictures Veil could not check: listed, retried next scan */
  guint     n_held;                               /* alerts of the profile still held */
  guint     n_told;                               /* alerts of the profile shown to the guardian */
  double    elapsed;                              /* seconds */
  gboolean  resumed;                              /* an interrupted scan was picked up */
  GPtrArray *skipped_examples;                    /* of char*: "reason: path", at most 100 */
} VeilScanSummary;

#define VEIL_TYPE_SCANNER (veil_scanner_get_type ())
#define VEIL_TYPE_SCAN_SUMMARY (veil_scan_summary_get_type ())
G_DECLARE_FINAL_TYPE (VeilScanner, veil_scanner, VEIL, SCANNER, GObject)

GQuark           veil_scanner_error_quark     (void);
const char      *veil_scan_skip_to_string     (VeilScanSkip      reason);
const char      *veil_scan_skip_get_label     (VeilScanSkip      reason);

GType            veil_scan_summary_get_type   (void) G_GNUC_CONST;
VeilScanSummary *veil_scan_summary_copy       (const VeilScanSummary *summary);
void             veil_scan_summary_free       (VeilScanSummary  *summary);
char            *veil_scan_summary_to_json    (const VeilScanSummary *summary);

VeilScanner     *veil_scanner_new             (VeilAnalyzer     *analyzer,
                                               VeilStore        *store,
                                               VeilProfile      *profile);
VeilProfile     *veil_scanner_get_profile     (VeilScanner      *self);
VeilScannerState veil_scanner_get_state       (VeilScanner      *self);
guint            veil_scanner_get_n_workers   (VeilScanner      *self);
void             veil_scanner_set_n_workers   (VeilScanner      *self,
                                               guint             n_workers);
guint            veil_scanner_get_n_seen      (VeilScanner      *self);
guint            veil_scanner_get_n_done      (VeilScanner      *self);
guint            veil_scanner_get_n_matched   (VeilScanner      *self);
double           veil_scanner_get_rate        (VeilScanner      *self);
double           veil_scanner_get_eta         (VeilScanner      *self);

void             veil_scanner_pause           (VeilScanner      *self);
void             veil_scanner_resume          (VeilScanner      *self);

void             veil_scanner_scan_async      (VeilScanner         *self,
                                               const char * const  *folders,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
VeilScanSummary *veil_scanner_scan_finish     (VeilScanner         *self,
                                               GAsyncResult        *result,
                                               GError             **error);
VeilScanSummary *veil_scanner_scan_sync       (VeilScanner         *self,
                                               const char * const  *folders,
                                               GCancellable        *cancellable,
                                               GError             **error);
VeilScanSummary *veil_scanner_check_files_sync (VeilScanner         *self,
                                               const char * const  *paths,
                                               GCancellable        *cancellable,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilScanSummary, veil_scan_summary_free)

G_END_DECLS
