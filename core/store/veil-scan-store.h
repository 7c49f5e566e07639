/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-analyzer.h"
#include "veil-classifier-result.h"
#include "veil-hash-list.h"
#include "veil-pdq.h"
#include "veil-profile.h"
#include "veil-store.h"
#include "veil-verdict.h"

G_BEGIN_DECLS

/* What library scans leave behind, next to VeilStore's tables in the same database: the scan
 * cache, alerts with their file and held/told state, the guardian's "this was wrong" list,
 * hash lists per profile and the child's "protect my images" hashes. */

#define VEIL_SCAN_STORE_ERROR (veil_scan_store_error_quark ())

typedef enum {
  VEIL_SCAN_STORE_ERROR_FAILED = 1,     /* SQLite said no; the message says why */
  VEIL_SCAN_STORE_ERROR_NOT_FOUND = 2,  /* no such alert */
  VEIL_SCAN_STORE_ERROR_IO = 3,         /* a picture to protect could not be read */
} VeilScanStoreError;

/* Alert states. Held alerts are counted on the child's page; told ones reach the guardian. */
#define VEIL_ALERT_STATE_HELD      "held"
#define VEIL_ALERT_STATE_TOLD      "told"
#define VEIL_ALERT_STATE_DISMISSED "dismissed"
#define VEIL_ALERT_STATE_WRONG     "wrong"
#define VEIL_ALERT_STATE_PRIVATE   "private"   /* a message alert only the child sees */

/* Where an alert's picture was met. */
#define VEIL_ALERT_SOURCE_LIBRARY  "library"
#define VEIL_ALERT_SOURCE_MESSAGE  "message"

/* Identifies one version of a file without reading it. */
typedef struct {
  guint64 device;
  guint64 inode;
  guint64 size;
  gint64  mtime_ns;
} VeilFileStamp;

/* A scan-cache row: what analysing the file found last time. */
typedef struct {
  gboolean              has_hash;
  VeilPdqHash           hash;
  guint                 quality;
  VeilClassifierResult *scores;  /* owned, nullable */
  char                 *error;   /* owned, nullable: why the file could not be analysed */
} VeilScanCacheEntry;

typedef struct {
  gint64       id;
  gint64       profile_id;
  gint64       time;
  char        *path;
  char        *state;
  VeilVerdict *verdict;          /* owned */
  char        *source;           /* owned, nullable: VEIL_ALERT_SOURCE_* */
  char        *folder;           /* owned, nullable: display name of the watched folder or calling app */
  char        *hidden_path;      /* owned, nullable: where Veil keeps the picture while it is hidden */
} VeilAlert;

typedef struct {
  gint64  id;
  gint64  profile_id;            /* 0: every profile */
  char   *kind;                  /* "list" or "protected" */
  char   *name;
  char   *source;
  guint   version;
  gint64  imported;
  guint   n_entries;
} VeilStoredHashList;

/* One picture a child protects: only its two hashes and when it was added, never pixels. */
typedef struct {
  char        *md5;
  VeilPdqHash  pdq;
  gint64       added;
} VeilProtectedImage;

#define VEIL_TYPE_SCAN_STORE (veil_scan_store_get_type ())
#define VEIL_TYPE_ALERT (veil_alert_get_type ())
G_DECLARE_FINAL_TYPE (VeilScanStore, veil_scan_store, VEIL, SCAN_STORE, GObject)

GQuark          veil_scan_store_error_quark       (void);
GType           veil_alert_get_type               (void) G_GNUC_CONST;
VeilAlert      *veil_alert_copy                   (const VeilAlert     *alert);
void            veil_alert_free                   (VeilAlert           *alert);
void            veil_scan_cache_entry_clear       (VeilScanCacheEntry  *entry);
void            veil_stored_hash_list_free        (VeilStoredHashList  *list);
void            veil_protected_image_free         (VeilProtectedImage  *image);

VeilScanStore  *veil_scan_store_new               (VeilStore           *store,
                                                   GError             **error);
VeilStore      *veil_scan_store_get_store         (VeilScanStore       *self);

gboolean        veil_scan_store_lookup_file       (VeilScanStore       *self,
                                                   const char          *path,
                                                   const VeilFileStamp *stamp,
                                                   const char          *classifier_id,
                                                   VeilScanCacheEntry  *out_entry);
gboolean        veil_scan_store_record_file       (VeilScanStore       *self,
                                                   const char          *path,
                                                   const VeilFileStamp *stamp,
                                                   const char          *classifier_id,
                                                   VeilVerdict         *verdict,
                                                   VeilClassifierResult *scores,
                                                   const char          *failure,
                                                   VeilProfile         *profile,
                                                   GBytes              *blurred_thumbnail,
                                                   gboolean            *out_new_alert,
                                                   guint               *out_newly_told,
                                                   GError             **error);
gboolean        veil_scan_store_has_alert         (VeilScanStore       *self,
                                                   gint64               profile_id,
                                                   const VeilPdqHash   *hash);
guint           veil_scan_store_count_cache       (VeilScanStore       *self);

GPtrArray      *veil_scan_store_list_alerts       (VeilScanStore       *self,
                                                   gint64               profile_id,
                                                   GError             **error);
guint           veil_scan_store_count_alerts      (VeilScanStore       *self,
                                                   gint64               profile_id,
                                                   const char          *state);
GBytes         *veil_scan_store_get_thumbnail     (VeilScanStore       *self,
                                                   gint64               alert_id,
                                                   GError             **error);
gboolean        veil_scan_store_dismiss_alert     (VeilScanStore       *self,
                                                   gint64               alert_id,
                                                   GError             **error);
gboolean        veil_scan_store_mark_wrong        (VeilScanStore       *self,
                                                   gint64               alert_id,
                                                   VeilAnalyzer        *analyzer,
                                                   GError             **error);
gboolean        veil_scan_store_delete_alert      (VeilScanStore       *self,
                                                   gint64               alert_id,
                                                   GError             **error);

gint64          veil_scan_store_record_message_alert (VeilScanStore    *self,
                                                   VeilProfile         *profile,
                                                   const char          *path,
                                                   const char          *folder_name,
                                                   VeilVerdict         *verdict,
                                                   GBytes              *blurred_thumbnail,
                                                   gboolean             tell_guardian,
                                                   GError             **error);
GPtrArray      *veil_scan_store_list_message_alerts (VeilScanStore     *self,
                                                   gint64               profile_id,
                                                   GError             **error);
VeilAlert      *veil_scan_store_get_alert         (VeilScanStore       *self,
                                                   gint64               alert_id,
                                                   GError             **error);
gboolean        veil_scan_store_set_hidden_path   (VeilScanStore       *self,
                                                   gint64               alert_id,
                                                   const char          *hidden_path,
                                                   GError             **error);

/* What the message guard keeps so that a restart neither misses nor repeats a file. */
gint64          veil_scan_store_begin_message_watch (VeilScanStore     *self,
                                                   gint64               profile_id,
                                                   GError             **error);
gboolean        veil_scan_store_lookup_message_file (VeilScanStore     *self,
                                                   gint64               profile_id,
                                                   const char          *path,
                                                   const VeilFileStamp *stamp);
gboolean        veil_scan_store_record_message_file (VeilScanStore     *self,
                                                   gint64               profile_id,
                                                   const char          *path,
                                                   const VeilFileStamp *stamp,
                                                   GError             **error);

gboolean        veil_scan_store_import_hash_list  (VeilScanStore       *self,
                                                   gint64               profile_id,
                                                   VeilHashList        *list,
                                                   const char          *source,
                                                   GError             **error);
gboolean        veil_scan_store_protect_image     (VeilScanStore       *self,
                                                   gint64               profile_id,
                                                   const char          *path,
                                                   char               **out_md5,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
GPtrArray      *veil_scan_store_list_hash_lists   (VeilScanStore       *self,
                                                   gint64               profile_id,
                                                   GError             **error);
gboolean        veil_scan_store_remove_hash_list  (VeilScanStore       *self,
                                                   gint64               list_id,
                                                   GError             **error);
GPtrArray      *veil_scan_store_list_protected_images (VeilScanStore   *self,
                                                   gint64               profile_id,
                                                   GError             **error);
gboolean        veil_scan_store_unprotect_image   (VeilScanStore       *self,
                                                   gint64               profile_id,
                                                   const char          *md5,
                                                   GError             **error);
gboolean        veil_scan_store_load_analyzer     (VeilScanStore       *self,
                                                   VeilAnalyzer        *analyzer,
                                                   gint64               profile_id,
                                                   GError             **error);

gint64          veil_scan_store_begin_run         (VeilScanStore       *self,
                                                   gint64               profile_id,
                                                   gboolean            *out_resumed,
                                                   GError             **error);
gboolean        veil_scan_store_finish_run        (VeilScanStore       *self,
                                                   gint64               run_id,
                                                   const char          *summary,
                                                   GError             **error);
char           *veil_scan_store_get_last_summary  (VeilScanStore       *self,
                                                   gint64               profile_id);

void            veil_scan_store_release_memory    (VeilScanStore       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilAlert, veil_alert_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilStoredHashList, veil_stored_hash_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilProtectedImage, veil_protected_image_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VeilScanCacheEntry, veil_scan_cache_entry_clear)

G_END_DECLS
