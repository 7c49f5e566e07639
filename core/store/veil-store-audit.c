/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>

#include "veil-consent.h"

/* VeilStore's audit log and consent records: what the transparency page and the guardian
 * area show, and what decides whether a protection is active. */

/**
 * _veil_store_insert_audit:
 * @db: the connection whose transaction the entry joins
 * @profile_id: the profile it is about, or 0
 * @detail: (nullable): plain text; never pixel data or file contents
 */
gboolean
_veil_store_insert_audit (sqlite3     *db,
                          gint64       profile_id,
                          gint64       time,
                          const char  *actor,
                          const char  *kind,
                          const char  *detail,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    veil_db_prepare (db, "INSERT INTO audit (profile_id, time, actor, kind, detail) VALUES (?, ?, ?, ?, ?)", error);

  return stmt != NULL &&
         veil_db_bind_id (stmt, 1, profile_id, error) &&
         veil_db_bind_int64 (stmt, 2, time, error) &&
         veil_db_bind_text (stmt, 3, actor, error) &&
         veil_db_bind_text (stmt, 4, kind, error) &&
         veil_db_bind_text (stmt, 5, detail != NULL ? detail : "", error) &&
         veil_db_step_done (stmt, error);
}

gboolean
_veil_store_insert_consent (VeilStore      *self,
                            gint64          profile_id,
                            VeilProtection  protection,
                            const char     *action,
                            const char     *actor,
                            guint           text_version,
                            gint64          time,
                            GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    veil_db_prepare (self->db,
                     "INSERT INTO consent (profile_id, protection, action, actor, text_version, time) "
                     "VALUES (?, ?, ?, ?, ?, ?)", error);

  return stmt != NULL &&
         veil_db_bind_int64 (stmt, 1, profile_id, error) &&
         veil_db_bind_text (stmt, 2, veil_protection_to_string (protection), error) &&
         veil_db_bind_text (stmt, 3, action, error) &&
         veil_db_bind_text (stmt, 4, actor, error) &&
         veil_db_bind_int (stmt, 5, (int) text_version, error) &&
         veil_db_bind_int64 (stmt, 6, time, error) &&
         veil_db_step_done (stmt, error);
}

VeilAuditEntry *
veil_audit_entry_copy (const VeilAuditEntry *entry)
{
  VeilAuditEntry *copy = g_new0 (VeilAuditEntry, 1);

  *copy = *entry;
  copy->actor = g_strdup (entry->actor);
  copy->kind = g_strdup (entry->kind);
  copy->detail = g_strdup (entry->detail);
  return copy;
}

void
veil_audit_entry_free (VeilAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->kind);
  g_free (entry->detail);
  g_free (entry);
}

/**
 * veil_audit_entry_describe:
 *
 * Returns: (transfer full): the entry as one plain sentence for the transparency page and
 *   the guardian area
 */
char *
veil_audit_entry_describe (const VeilAuditEntry *entry)
{
  const char *k;
  const char *d;
  VeilProtection protection;
  const char *what;

  g_return_val_if_fail (entry != NULL, NULL);

  k = entry->kind;
  d = entry->detail != NULL ? entry->detail : "";
  what = veil_protection_from_string (d, &protection) ? veil_protection_get_title (protection) : d;

  if (g_str_equal (k, "profile-created"))
    return g_strdup_printf (_("The guardian created the profile “%s”."), d);
  if (g_str_equal (k, "profile-changed"))
    return g_strdup_printf (_("The guardian changed the settings of “%s”."), d);
  if (g_str_equal (k, "profile-deleted"))
    return g_strdup_printf (_("The guardian deleted the profile “%s”."), d);
  if (g_str_equal (k, "protection-enabled"))
    return g_strdup_printf (_("The guardian turned on: %s."), what);
  if (g_str_equal (k, "protection-disabled"))
    return g_strdup_printf (_("The guardian turned off: %s."), what);
  if (g_str_equal (k, "acknowledged"))
    return g_strdup_printf (_("The child read and acknowledged: %s."), what);
  if (g_str_equal (k, "review-requested"))
    return g_strdup_printf (_("The child asked the guardian to review: %s."), what);
  if (g_str_equal (k, "scan"))
    return g_strdup_printf (_("A picture folder check ran: %s."), d);
  if (g_str_equal (k, "alert"))
    return g_strdup_printf (_("A picture was blurred (%s)."), d);
  if (g_str_equal (k, "pin-set"))
    return g_strdup (_("The guardian set a PIN."));
  if (g_str_equal (k, "pin-changed"))
    return g_strdup (_("The guardian changed the PIN."));
  if (g_str_equal (k, "pin-failed"))
    return g_strdup (_("Someone entered a wrong guardian PIN."));
  if (g_str_equal (k, "export"))
    return g_strdup (_("The guardian exported Veil’s data."));
  if (g_str_equal (k, "report-made"))
    return g_strdup_printf (_("A report was made (%s)."), d);
  if (g_str_equal (k, "report-deleted"))
    return g_strdup_printf (_("The guardian deleted a report (%s)."), d);
  if (g_str_equal (k, "report-exported"))
    return g_strdup_printf (_("The guardian exported a report (%s)."), d);
  if (g_str_equal (k, "alert-dismissed"))
    return g_strdup (_("The guardian dismissed an alert."));
  if (g_str_equal (k, "alert-dismiss-undone"))
    return g_strdup (_("The guardian took back dismissing an alert."));
  if (g_str_equal (k, "alert-deleted"))
    return g_strdup (_("The guardian deleted an alert."));
  if (g_str_equal (k, "alert-marked-wrong"))
    return g_strdup (_("The guardian marked an alert as wrong: pictures like it raise no more alerts."));
  if (g_str_equal (k, "alert-revealed"))
    return g_strdup (_("The guardian looked at a blurred picture without the blur."));
  if (g_str_equal (k, "alerts-told"))
    return g_strdup_printf (_("Alerts reached the guardian: %s."), d);
  if (g_str_equal (k, "message-warning"))
    return g_strdup_printf (_("Veil blurred a picture that arrived in %s."), d);
  if (g_str_equal (k, "not-checked"))
    return g_strdup (_("Veil couldn’t check a picture in the checked folders: it is listed for review."));
  if (g_str_equal (k, "message-not-checked"))
    return g_strdup_printf (_("Veil couldn’t check a picture that arrived in %s."), d);
  if (g_str_equal (k, "picture-restored"))
    return g_strdup_printf (_("A hidden picture was put back in %s."), d);
  if (g_str_equal (k, "warning-viewed"))
    return g_str_equal (d, "guardian-pin") ? g_strdup (_("A blurred picture was shown after the guardian entered the PIN."))
                                           : g_strdup (_("The child chose to view a blurred picture."));
  if (g_str_equal (k, "records-removed"))
    return g_strdup (_("Veil found its records removed and kept protecting with the settings last verified."));
  if (g_str_equal (k, "records-damaged"))
    return g_strdup (_("Veil found its records damaged, set them aside and kept protecting with the settings last verified."));
  if (g_str_equal (k, "records-changed"))
    return g_strdup (_("Veil found its records changed outside Veil and kept protecting with the settings last verified."));
  if (g_str_equal (k, "records-confirmed"))
    return g_strdup (_("The guardian kept Veil’s records as they were."));
  if (g_str_equal (k, "records-restored"))
    return g_strdup (_("The guardian restored the settings last verified."));
  if (g_str_equal (k, "profile-restored"))
    return g_strdup_printf (_("The settings last verified of “%s” were written back."), d);
  if (g_str_equal (k, "profile-confirmed"))
    return g_strdup_printf (_("The guardian kept the settings of “%s” as they were changed."), d);
  if (g_str_equal (k, "warning-not-viewed"))
    return g_strdup (_("The child chose not to view a blurred picture."));
  if (g_str_equal (k, "tampered"))
    return g_strdup_printf (_("Veil found that the settings of “%s” were changed outside Veil."), d);

  return g_strdup_printf ("%s: %s", k, d);
}

VeilConsentRecord *
veil_consent_record_copy (const VeilConsentRecord *record)
{
  VeilConsentRecord *copy = g_new0 (VeilConsentRecord, 1);

  *copy = *record;
  copy->protection = g_strdup (record->protection);
  copy->action = g_strdup (record->action);
  copy->actor = g_strdup (record->actor);
  return copy;
}

void
veil_consent_record_free (VeilConsentRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->protection);
  g_free (record->action);
  g_free (record->actor);
  g_free (record);
}

/**
 * veil_store_acknowledge:
 * @text_version: the version of the explanation the child was shown
 *
 * Records that the child read the explanation of @protection and said “I understand”. Needs
 * no PIN: it is the child's own step.
 */
gboolean
veil_store_acknowledge (VeilStore       *self,
                        VeilProfile     *profile,
                        VeilProtection   protection,
                        guint            text_version,
                        GError         **error)
{
  gint64 now = _veil_store_now ();

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  if (!_veil_store_check_profile_exists (self, profile, error) ||
      !_veil_store_insert_consent (self, veil_profile_get_id (profile), protection, "acknowledged",
                       VEIL_ACTOR_CHILD, text_version, now, error) ||
      !_veil_store_insert_audit (self->db, veil_profile_get_id (profile), now, VEIL_ACTOR_CHILD, "acknowledged",
                     veil_protection_to_string (protection), error))
    {
      _veil_store_rollback (self);
      return FALSE;
    }
  return _veil_store_commit (self, error);
}

/**
 * veil_store_request_review:
 *
 * A child (13 or over) asks the guardian to look at a protection again. Logged, and shown
 * to the guardian; it changes nothing by itself.
 */
gboolean
veil_store_request_review (VeilStore       *self,
                           VeilProfile     *profile,
                           VeilProtection   protection,
                           GError         **error)
{
  gint64 now = _veil_store_now ();

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  if (!_veil_store_check_profile_exists (self, profile, error) ||
      !_veil_store_insert_consent (self, veil_profile_get_id (profile), protection, "review-requested",
                       VEIL_ACTOR_CHILD, veil_protection_get_text_version (protection), now, error) ||
      !_veil_store_insert_audit (self->db, veil_profile_get_id (profile), now, VEIL_ACTOR_CHILD, "review-requested",
                     veil_protection_to_string (protection), error))
    {
      _veil_store_rollback (self);
      return FALSE;
    }
  return _veil_store_commit (self, error);
}

/**
 * veil_store_get_protection_status:
 *
 * A protection is active only when the guardian turned it on and the child acknowledged the
 * current explanation *after* it was last turned on: turning it off and on again asks the
 * child again, and so does a new version of the explanation.
 */
gboolean
veil_store_get_protection_status (VeilStore            *self,
                                  VeilProfile          *profile,
                                  VeilProtection        protection,
                                  VeilProtectionStatus *out_status,
                                  GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 last_grant = -1;
  gint64 ack_id = -1;
  gint64 ack_time = 0;
  guint current_text = veil_protection_get_text_version (protection);
  VeilDbStep step = VEIL_DB_STEP_FAILED;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, FALSE);
  g_return_val_if_fail (out_status != NULL, FALSE);

  memset (out_status, 0, sizeof *out_status);
  out_status->enabled = veil_profile_get_protection_enabled (profile, protection);
  out_status->needs_acknowledgment = veil_profile_protection_needs_acknowledgment (profile, protection);

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db,
                          "SELECT id, action, text_version, time FROM consent "
                          "WHERE profile_id = ? AND protection = ? AND action IN ('granted', 'acknowledged') ORDER BY id",
                          error);
  if (stmt != NULL &&
      veil_db_bind_int64 (stmt, 1, veil_profile_get_id (profile), error) &&
      veil_db_bind_text (stmt, 2, veil_protection_to_string (protection), error))
    {
      while ((step = veil_db_step (stmt, error)) == VEIL_DB_STEP_ROW)
        {
          const char *action = (const char *) sqlite3_column_text (stmt, 1);

          if (g_strcmp0 (action, "granted") == 0)
            last_grant = sqlite3_column_int64 (stmt, 0);
          else if ((guint) sqlite3_column_int (stmt, 2) == current_text)
            {
              ack_id = sqlite3_column_int64 (stmt, 0);
              ack_time = sqlite3_column_int64 (stmt, 3);
            }
        }
    }
  g_rec_mutex_unlock (&self->lock);
  if (step != VEIL_DB_STEP_DONE)
    return FALSE;

  out_status->acknowledged = ack_id > last_grant && ack_id >= 0;
  out_status->acknowledged_at = out_status->acknowledged ? ack_time : 0;
  out_status->active = out_status->enabled &&
                       (out_status->acknowledged || !out_status->needs_acknowledgment);
  return TRUE;
}

/**
 * veil_store_list_consent:
 * @profile_id: the profile
 *
 * Returns: (transfer full) (element-type VeilConsentRecord): every grant, withdrawal,
 *   acknowledgment and review request, oldest first
 */
static gpointer
read_consent_row (sqlite3_stmt  *stmt,
                  gpointer       user_data,
                  GError       **error)
{
  VeilConsentRecord *r = g_new0 (VeilConsentRecord, 1);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->profile_id = sqlite3_column_int64 (stmt, 1);
  r->time = sqlite3_column_int64 (stmt, 2);
  r->protection = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  r->action = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  r->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  r->text_version = (guint) sqlite3_column_int (stmt, 6);
  return r;
}

GPtrArray *
veil_store_list_consent (VeilStore  *self,
                         gint64      profile_id,
                         GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *records = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db,
                          "SELECT id, profile_id, time, protection, action, actor, text_version FROM consent "
                          "WHERE profile_id = ? ORDER BY id", error);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, profile_id, error))
    records = veil_db_query_rows (stmt, read_consent_row, NULL, (GDestroyNotify) veil_consent_record_free, error);
  g_rec_mutex_unlock (&self->lock);
  return records;
}

/**
 * veil_store_add_audit:
 * @profile_id: the profile it is about, or 0
 * @detail: (nullable): plain text; never pixel data or file contents
 */
gboolean
veil_store_add_audit (VeilStore   *self,
                      gint64       profile_id,
                      const char  *actor,
                      const char  *kind,
                      const char  *detail,
                      GError     **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (actor != NULL && kind != NULL, FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  if (!_veil_store_insert_audit (self->db, profile_id, _veil_store_now (), actor, kind, detail, error))
    {
      _veil_store_rollback (self);
      return FALSE;
    }
  return _veil_store_commit (self, error);
}

/**
 * veil_store_list_audit:
 * @profile_id: a profile, 0 for entries about no profile, or -1 for all
 * @limit: at most this many, newest first; 0 for all
 *
 * Returns: (transfer full) (element-type VeilAuditEntry): the entries, newest first
 */
static gpointer
read_audit_row (sqlite3_stmt  *stmt,
                gpointer       user_data,
                GError       **error)
{
  VeilAuditEntry *e = g_new0 (VeilAuditEntry, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  e->profile_id = sqlite3_column_int64 (stmt, 1);
  e->time = sqlite3_column_int64 (stmt, 2);
  e->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  e->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  e->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  return e;
}

GPtrArray *
veil_store_list_audit (VeilStore  *self,
                       gint64      profile_id,
                       guint       limit,
                       GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *entries = NULL;
  const char *sql;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  if (profile_id < 0)
    sql = "SELECT id, profile_id, time, actor, kind, detail FROM audit WHERE ?1 < 0 ORDER BY id DESC LIMIT ?2";
  else if (profile_id == 0)
    sql = "SELECT id, profile_id, time, actor, kind, detail FROM audit WHERE profile_id IS NULL AND ?1 = 0 ORDER BY id DESC LIMIT ?2";
  else
    sql = "SELECT id, profile_id, time, actor, kind, detail FROM audit WHERE profile_id = ?1 ORDER BY id DESC LIMIT ?2";

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db, sql, error);
  if (stmt != NULL &&
      veil_db_bind_int64 (stmt, 1, profile_id, error) &&
      veil_db_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit, error))
    entries = veil_db_query_rows (stmt, read_audit_row, NULL, (GDestroyNotify) veil_audit_entry_free, error);
  g_rec_mutex_unlock (&self->lock);
  return entries;
}
