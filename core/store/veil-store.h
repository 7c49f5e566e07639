/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-profile.h"
#include "veil-report.h"

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
} VeilStoreError;

/* The newest schema this build knows; older files are migrated forward at open. */
#define VEIL_STORE_SCHEMA_VERSION 6

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

#define VEIL_TYPE_STORE (veil_store_get_type ())
#define VEIL_TYPE_REPORT_ENTRY (veil_report_entry_get_type ())
#define VEIL_TYPE_AUDIT_ENTRY (veil_audit_entry_get_type ())
#define VEIL_TYPE_CONSENT_RECORD (veil_consent_record_get_type ())

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
gboolean        veil_store_record_scan             (VeilStore            *self,
                                                    VeilProfile          *profile,
                                                    const char           *folder,
                                                    guint                 n_files,
                                                    guint                 n_matches,
                                                    GError              **error);
gboolean        veil_store_record_alert            (VeilStore            *self,
                                                    VeilProfile          *profile,
                                                    const char           *source,
                                                    const char           *reasons,
                                                    GBytes               *blurred_thumbnail,
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

void            veil_store_release_memory          (VeilStore            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilAuditEntry, veil_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilConsentRecord, veil_consent_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilReportEntry, veil_report_entry_free)

G_END_DECLS
