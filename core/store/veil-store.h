/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-classifier-result.h"
#include "veil-hash-list.h"
#include "veil-pdq.h"
#include "veil-profile.h"
#include "veil-report.h"
#include "veil-verdict.h"

G_BEGIN_DECLS

#define VEIL_STORE_ERROR (veil_store_error_quark ())

typedef enum {
  VEIL_STORE_ERROR_OPEN = 1,
  VEIL_STORE_ERROR_CORRUPT = 2,
  VEIL_STORE_ERROR_TOO_NEW = 3,
  VEIL_STORE_ERROR_FAILED = 4,
  VEIL_STORE_ERROR_NOT_FOUND = 5,
  VEIL_STORE_ERROR_EXISTS = 6,
  VEIL_STORE_ERROR_CONFLICT = 7,
  VEIL_STORE_ERROR_IO = 8,         /* a picture to protect could not be read */
  VEIL_STORE_ERROR_READ_ONLY = 9,  /* the data folder or its disk cannot be written */
  VEIL_STORE_ERROR_DISK_FULL = 10,
} VeilStoreError;

/* The newest schema this build knows; older files are migrated forward at open. */
#define VEIL_STORE_SCHEMA_VERSION 8

/* A protection as the child lives it: the guardian's switch, the child's acknowledgment and
 * what follows from both. */
typedef struct {
  gboolean enabled;
  gboolean needs_acknowledgment;
  gboolean acknowledged;
  gboolean active;
  gint64   acknowledged_at;   /* Unix time, 0 when not acknowledged */
} VeilProtectionStatus;

typedef struct {
  gint64  id;
  gint64  profile_id;  /* 0 when not about one profile */
  gint64  time;        /* Unix time */
  char   *actor;       /* VEIL_ACTOR_* */
  char   *kind;        /* e.g. "profile-created", "protection-enabled", "acknowledged", "scan" */
  char   *detail;      /* plain text; never pixel data or file contents */
} VeilAuditEntry;

typedef struct {
  gint64  id;
  gint64  profile_id;
  gint64  time;
  char   *protection;
  char   *action;      /* "granted", "withdrawn", "acknowledged", "review-requested" */
  char   *actor;
  guint   text_version;
} VeilConsentRecord;

/* A report kept in the store: the row's identity around the immutable report. */
typedef struct {
  gint64      id;
  gint64      profile_id;
  gint64      time;        /* Unix time the report was made */
  char       *state;       /* "new" until a guardian acts on it */
  VeilReport *report;
} VeilReportEntry;

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

/* Where the store reads the time from: Unix time in seconds. */
typedef gint64 (*VeilStoreClock) (gpointer user_data);

#define VEIL_TYPE_STORE (veil_store_get_type ())
#define VEIL_TYPE_REPORT_ENTRY (veil_report_entry_get_type ())
#define VEIL_TYPE_AUDIT_ENTRY (veil_audit_entry_get_type ())
#define VEIL_TYPE_CONSENT_RECORD (veil_consent_record_get_type ())
#define VEIL_TYPE_ALERT (veil_alert_get_type ())

G_DECLARE_FINAL_TYPE (VeilStore, veil_store, VEIL, STORE, GObject)

GQuark          veil_store_error_quark             (void);
GType           veil_audit_entry_get_type          (void) G_GNUC_CONST;
GType           veil_consent_record_get_type       (void) G_GNUC_CONST;
VeilAuditEntry *veil_audit_entry_copy              (const VeilAuditEntry *entry);
void            veil_audit_entry_free              (VeilAuditEntry *entry);
char           *veil_audit_entry_describe          (const VeilAuditEntry *entry);
VeilConsentRecord *veil_consent_record_copy        (const VeilConsentRecord *record);
void            veil_consent_record_free           (VeilConsentRecord *record);
GType           veil_report_entry_get_type         (void) G_GNUC_CONST;
VeilReportEntry *veil_report_entry_copy            (const VeilReportEntry *entry);
void            veil_report_entry_free             (VeilReportEntry *entry);
GType           veil_alert_get_type                (void) G_GNUC_CONST;
VeilAlert      *veil_alert_copy                    (const VeilAlert      *alert);
void            veil_alert_free                    (VeilAlert            *alert);
void            veil_scan_cache_entry_clear        (VeilScanCacheEntry   *entry);
void            veil_stored_hash_list_free         (VeilStoredHashList   *list);
void            veil_protected_image_free          (VeilProtectedImage   *image);

VeilStore      *veil_store_new                     (const char           *path,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
void            veil_store_new_async               (const char           *path,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VeilStore      *veil_store_new_finish              (GAsyncResult         *result,
                                                    GError              **error);
const char     *veil_store_get_path                (VeilStore            *self);
guint           veil_store_get_schema_version      (VeilStore            *self);
void            veil_store_set_integrity_key       (VeilStore            *self,
                                                    GBytes               *key);
gboolean        veil_store_has_integrity_key       (VeilStore            *self);
void            veil_store_set_verified_profiles   (VeilStore            *self,
                                                    GPtrArray            *profiles);
guint           veil_store_count_unverified_profiles (VeilStore          *self,
                                                    GError              **error);
gboolean        veil_store_restore_profile         (VeilStore            *self,
                                                    VeilProfile          *verified,
                                                    guint                 acknowledged,
                                                    const char           *actor,
                                                    GError              **error);
gboolean        veil_store_remove_unverified_profiles (VeilStore         *self,
                                                    const char           *actor,
                                                    GError              **error);
gboolean        veil_store_confirm_profiles        (VeilStore            *self,
                                                    const char           *actor,
                                                    GError              **error);

VeilProfile    *veil_store_save_profile            (VeilStore            *self,
                                                    VeilProfile          *profile,
                                                    const char           *actor,
                                                    GError              **error);
GPtrArray      *veil_store_list_profiles           (VeilStore            *self,
                                                    GError              **error);
VeilProfile    *veil_store_get_profile             (VeilStore            *self,
                                                    gint64                id,
                                                    GError              **error);
VeilProfile    *veil_store_lookup_profile          (VeilStore            *self,
                                                    const char           *name,
                                                    GError              **error);
VeilProfile    *veil_store_get_profile_version     (VeilStore            *self,
                                                    gint64                id,
                                                    guint                 version,
                                                    GError              **error);
gboolean        veil_store_delete_profile          (VeilStore            *self,
                                                    gint64                id,
                                                    const char           *actor,
                                                    GError              **error);

gboolean        veil_store_acknowledge             (VeilStore            *self,
                                                    VeilProfile          *profile,
                                                    VeilProtection        protection,
                                                    guint                 text_version,
                                                    GError              **error);
gboolean        veil_store_request_review          (VeilStore            *self,
                                                    VeilProfile          *profile,
                                                    VeilProtection        protection,
                                                    GError              **error);
gboolean        veil_store_get_protection_status   (VeilStore            *self,
                                                    VeilProfile          *profile,
                                                    VeilProtection        protection,
                                                    VeilProtectionStatus *out_status,
                                                    GError              **error);
GPtrArray      *veil_store_list_consent            (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);

gboolean        veil_store_add_audit               (VeilStore            *self,
                                                    gint64                profile_id,
                                                    const char           *actor,
                                                    const char           *kind,
                                                    const char           *detail,
                                                    GError              **error);
GPtrArray      *veil_store_list_audit              (VeilStore            *self,
                                                    gint64                profile_id,
                                                    guint                 limit,
                                                    GError              **error);
guint           veil_store_count_alerts            (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);

gint64          veil_store_add_report              (VeilStore            *self,
                                                    VeilProfile          *profile,
                                                    VeilReport           *report,
                                                    const char           *actor,
                                                    GError              **error);
GPtrArray      *veil_store_list_reports            (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);
VeilReportEntry *veil_store_get_report             (VeilStore            *self,
                                                    gint64                id,
                                                    GError              **error);
gboolean        veil_store_delete_report           (VeilStore            *self,
                                                    gint64                id,
                                                    const char           *actor,
                                                    GError              **error);

char           *veil_store_get_meta                (VeilStore            *self,
                                                    const char           *key);
gboolean        veil_store_set_meta                (VeilStore            *self,
                                                    const char           *key,
                                                    const char           *value,
                                                    GError              **error);

gboolean        veil_store_expire                  (VeilStore            *self,
                                                    gint64                now,
                                                    GError              **error);
gboolean        veil_store_export                  (VeilStore            *self,
                                                    const char           *dir,
                                                    GError              **error);
gboolean        veil_store_erase_all               (VeilStore            *self,
                                                    GError              **error);

/* What library scans and the message guard leave behind: the scan cache, alerts with their
 * file and held/told state, the guardian's "this was wrong" list, hash lists per profile and
 * the child's "protect my images" hashes. */
gboolean        veil_store_lookup_file             (VeilStore            *self,
                                                    const char           *path,
                                                    const VeilFileStamp  *stamp,
                                                    const char           *classifier_id,
                                                    VeilScanCacheEntry   *out_entry);
gboolean        veil_store_record_file             (VeilStore            *self,
                                                    const char           *path,
                                                    const VeilFileStamp  *stamp,
                                                    const char           *classifier_id,
                                                    VeilVerdict          *verdict,
                                                    VeilClassifierResult *scores,
                                                    const char           *failure,
                                                    VeilProfile          *profile,
                                                    GBytes               *blurred_thumbnail,
                                                    gboolean             *out_new_alert,
                                                    guint                *out_newly_told,
                                                    GError              **error);
gboolean        veil_store_has_alert               (VeilStore            *self,
                                                    gint64                profile_id,
                                                    const VeilPdqHash    *hash);
guint           veil_store_count_cache             (VeilStore            *self);

GPtrArray      *veil_store_list_alerts             (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);
guint           veil_store_count_alerts_in_state   (VeilStore            *self,
                                                    gint64                profile_id,
                                                    const char           *state);
GBytes         *veil_store_get_thumbnail           (VeilStore            *self,
                                                    gint64                alert_id,
                                                    GError              **error);
gboolean        veil_store_dismiss_alert           (VeilStore            *self,
                                                    gint64                alert_id,
                                                    GError              **error);
gboolean        veil_store_undo_dismiss_alert      (VeilStore            *self,
                                                    gint64                alert_id,
                                                    const char           *state,
                                                    GError              **error);
gboolean        veil_store_mark_wrong              (VeilStore            *self,
                                                    gint64                alert_id,
                                                    GError              **error);
gboolean        veil_store_delete_alert            (VeilStore            *self,
                                                    gint64                alert_id,
                                                    GError              **error);

gint64          veil_store_record_message_alert    (VeilStore            *self,
                                                    VeilProfile          *profile,
                                                    const char           *path,
                                                    const char           *folder_name,
                                                    VeilVerdict          *verdict,
                                                    GBytes               *blurred_thumbnail,
                                                    gboolean              tell_guardian,
                                                    GError              **error);
GPtrArray      *veil_store_list_message_alerts     (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);
VeilAlert      *veil_store_get_alert               (VeilStore            *self,
                                                    gint64                alert_id,
                                                    GError              **error);
gboolean        veil_store_set_hidden_path         (VeilStore            *self,
                                                    gint64                alert_id,
                                                    const char           *hidden_path,
                                                    GError              **error);

/* What the message guard keeps so that a restart neither misses nor repeats a file. */
gint64          veil_store_begin_message_watch     (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);
gboolean        veil_store_lookup_message_file     (VeilStore            *self,
                                                    gint64                profile_id,
                                                    const char           *path,
                                                    const VeilFileStamp  *stamp);
gboolean        veil_store_record_message_file     (VeilStore            *self,
                                                    gint64                profile_id,
                                                    const char           *path,
                                                    const VeilFileStamp  *stamp,
                                                    GError              **error);

gboolean        veil_store_import_hash_list        (VeilStore            *self,
                                                    gint64                profile_id,
                                                    VeilHashList         *list,
                                                    const char           *source,
                                                    GError              **error);
gboolean        veil_store_add_protected_image     (VeilStore            *self,
                                                    gint64                profile_id,
                                                    const VeilPdqHash    *hash,
                                                    const char           *md5,
                                                    GError              **error);
GPtrArray      *veil_store_load_hash_lists         (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);
GArray         *veil_store_list_exceptions         (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);
GPtrArray      *veil_store_list_hash_lists         (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);
gboolean        veil_store_remove_hash_list        (VeilStore            *self,
                                                    gint64                list_id,
                                                    GError              **error);
GPtrArray      *veil_store_list_protected_images   (VeilStore            *self,
                                                    gint64                profile_id,
                                                    GError              **error);
gboolean        veil_store_unprotect_image         (VeilStore            *self,
                                                    gint64                profile_id,
                                                    const char           *md5,
                                                    GError              **error);

gint64          veil_store_begin_run               (VeilStore            *self,
                                                    gint64                profile_id,
                                                    gboolean             *out_resumed,
                                                    GError              **error);
gboolean        veil_store_finish_run              (VeilStore            *self,
                                                    gint64                run_id,
                                                    const char           *summary,
                                                    GError              **error);
char           *veil_store_get_last_summary        (VeilStore            *self,
                                                    gint64                profile_id);
gint64          veil_store_get_last_check          (VeilStore            *self,
                                                    gint64                profile_id,
                                                    VeilProtection        protection);
gboolean        veil_store_has_unfinished_run      (VeilStore            *self,
                                                    gint64                profile_id);
gint64          veil_store_get_time                (VeilStore            *self);

void            veil_store_release_memory          (VeilStore            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilAuditEntry, veil_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilConsentRecord, veil_consent_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilReportEntry, veil_report_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilAlert, veil_alert_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilStoredHashList, veil_stored_hash_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilProtectedImage, veil_protected_image_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VeilScanCacheEntry, veil_scan_cache_entry_clear)

G_END_DECLS
