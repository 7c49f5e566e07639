/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>

#include "veil-consent.h"

/* Alerts: what library scans and the message guard found, their thumbnails and the guardian's
 * answers. They use the store's second connection (see veil-store-private.h). */

G_DEFINE_BOXED_TYPE (VeilAlert, veil_alert, veil_alert_copy, veil_alert_free)

VeilAlert *
veil_alert_copy (const VeilAlert *alert)
{
  VeilAlert *copy = g_new0 (VeilAlert, 1);

  *copy = *alert;
  copy->path = g_strdup (alert->path);
  copy->state = g_strdup (alert->state);
  copy->verdict = alert->verdict != NULL ? veil_verdict_ref (alert->verdict) : NULL;
  copy->source = g_strdup (alert->source);
  copy->folder = g_strdup (alert->folder);
  copy->hidden_path = g_strdup (alert->hidden_path);
  return copy;
}

void
veil_alert_free (VeilAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->path);
  g_free (alert->state);
  g_clear_pointer (&alert->verdict, veil_verdict_unref);
  g_free (alert->source);
  g_free (alert->folder);
  g_free (alert->hidden_path);
  g_free (alert);
}

/* The columns alert_from_row() reads, in its order. */
#define ALERT_COLUMNS "a.id, a.profile_id, a.time, a.state, a.reasons, coalesce(f.path, ''), a.source," \
                      " a.folder, a.hidden_path FROM alerts a LEFT JOIN alert_files f ON f.alert_id = a.id"

/* Returns: (transfer full) (nullable): the alert in @stmt's current row, or %NULL when its
 *   reasons cannot be read back (the row is then left out) */
static gpointer
alert_from_row (sqlite3_stmt  *stmt,
                gpointer       user_data,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  VeilVerdict *verdict = veil_verdict_new_from_json ((const char *) sqlite3_column_text (stmt, 4), &local_error);
  VeilAlert *alert;

  if (verdict == NULL)
    {
      g_debug ("Alert %" G_GINT64_FORMAT ": %s", (gint64) sqlite3_column_int64 (stmt, 0), local_error->message);
      return NULL;
    }
  alert = g_new0 (VeilAlert, 1);
  alert->id = sqlite3_column_int64 (stmt, 0);
  alert->profile_id = sqlite3_column_int64 (stmt, 1);
  alert->time = sqlite3_column_int64 (stmt, 2);
  alert->state = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  alert->path = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  alert->verdict = verdict;
  alert->source = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  alert->folder = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  alert->hidden_path = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  return alert;
}

/* Runs @sql with @id bound to ?1 and reads every row with @read_row, under the lock. */
GPtrArray *
_veil_store_scan_query_rows (VeilStore           *self,
                             const char          *sql,
                             gint64               id,
                             VeilDbRowReader      read_row,
                             GDestroyNotify       free_func,
                             GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *rows = NULL;

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, sql, error);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, id, error))
    rows = veil_db_query_rows (stmt, read_row, NULL, free_func, error);
  g_mutex_unlock (&self->scan_lock);
  return rows;
}

static GPtrArray *
list_alerts_where (VeilStore      *self,
                   const char     *where_and_order,
                   gint64          id,
                   GError        **error)
{
  g_autofree char *sql = g_strconcat ("SELECT " ALERT_COLUMNS " ", where_and_order, NULL);

  return _veil_store_scan_query_rows (self, sql, id, alert_from_row, (GDestroyNotify) veil_alert_free, error);
}

/**
 * veil_store_list_alerts:
 *
 * Returns: (transfer full) (element-type VeilAlert): the library alerts of @profile_id,
 *   oldest first, without thumbnails
 */
GPtrArray *
veil_store_list_alerts (VeilStore      *self,
                        gint64          profile_id,
                        GError        **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  return list_alerts_where (self, "WHERE a.profile_id = ? AND a.source = 'library' ORDER BY a.id", profile_id, error);
}

/**
 * veil_store_list_message_alerts:
 *
 * Returns: (transfer full) (element-type VeilAlert): the message alerts of @profile_id,
 *   newest first, without thumbnails
 */
GPtrArray *
veil_store_list_message_alerts (VeilStore      *self,
                                gint64          profile_id,
                                GError        **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  return list_alerts_where (self, "WHERE a.profile_id = ? AND a.source = 'message' ORDER BY a.time DESC, a.id DESC",
                            profile_id, error);
}

/**
 * veil_store_count_alerts_in_state:
 * @state: (nullable): one of the VEIL_ALERT_STATE_* values, or %NULL for all
 *
 * Returns: how many library alerts @profile_id has (what the child's page shows)
 */
guint
veil_store_count_alerts_in_state (VeilStore  *self,
                                  gint64      profile_id,
                                  const char *state)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "SELECT count(*) FROM alerts WHERE profile_id = ? AND source = 'library'"
                                         " AND (?2 IS NULL OR state = ?2)", NULL);
  if (stmt != NULL &&
      veil_db_bind_int64 (stmt, 1, profile_id, NULL) &&
      veil_db_bind_text (stmt, 2, state, NULL) &&
      veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW)
    n = (guint) sqlite3_column_int (stmt, 0);
  g_mutex_unlock (&self->scan_lock);
  return n;
}

static gboolean
not_found (GError **error)
{
  g_set_error_literal (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                       _("This alert no longer exists. It may have expired or been deleted."));
  return FALSE;
}

/* Returns: (transfer full): the alert's blurred PNG thumbnail */
GBytes *
veil_store_get_thumbnail (VeilStore      *self,
                          gint64          alert_id,
                          GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GBytes *bytes = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "SELECT thumbnail FROM alerts WHERE id = ? AND thumbnail IS NOT NULL", error);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, alert_id, error))
    {
      VeilDbStep step = veil_db_step (stmt, error);

      if (step == VEIL_DB_STEP_ROW)
        bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
      else if (step == VEIL_DB_STEP_DONE)
        not_found (error);
    }
  g_mutex_unlock (&self->scan_lock);
  return bytes;
}

static gboolean
update_state (VeilStore      *self,
              gint64          alert_id,
              const char     *state,
              const char     *audit_kind,
              GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 profile_id = 0;
  VeilDbStep step;

  if (!veil_db_begin (self->scan_db, error))
    return FALSE;
  stmt = veil_db_prepare (self->scan_db, "SELECT profile_id FROM alerts WHERE id = ?", error);
  if (stmt == NULL || !veil_db_bind_int64 (stmt, 1, alert_id, error))
    goto fail;
  step = veil_db_step (stmt, error);
  if (step == VEIL_DB_STEP_DONE)
    not_found (error);
  if (step != VEIL_DB_STEP_ROW)
    goto fail;
  profile_id = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = veil_db_prepare (self->scan_db, state != NULL ? "UPDATE alerts SET state = ?2 WHERE id = ?1" : "DELETE FROM alerts WHERE id = ?1", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, alert_id, error) ||
      (state != NULL && !veil_db_bind_text (stmt, 2, state, error)) ||
      !veil_db_step_done (stmt, error) ||
      !_veil_store_insert_audit (self->scan_db, profile_id, _veil_store_now (), VEIL_ACTOR_GUARDIAN, audit_kind, "", error))
    goto fail;
  return veil_db_commit (self->scan_db, error);

fail:
  veil_db_rollback (self->scan_db);
  return FALSE;
}

gboolean
veil_store_dismiss_alert (VeilStore      *self,
                          gint64          alert_id,
                          GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_mutex_lock (&self->scan_lock);
  ok = update_state (self, alert_id, VEIL_ALERT_STATE_DISMISSED, "alert-dismissed", error);
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

/**
 * veil_store_undo_dismiss_alert:
 * @state: the state the alert had before it was dismissed
 *
 * Puts a dismissed alert back in @state: the guardian took the dismissal back.
 */
gboolean
veil_store_undo_dismiss_alert (VeilStore   *self,
                               gint64       alert_id,
                               const char  *state,
                               GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (state != NULL && !g_str_equal (state, VEIL_ALERT_STATE_DISMISSED), FALSE);
  g_mutex_lock (&self->scan_lock);
  ok = update_state (self, alert_id, state, "alert-dismiss-undone", error);
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

gboolean
veil_store_delete_alert (VeilStore      *self,
                         gint64          alert_id,
                         GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_mutex_lock (&self->scan_lock);
  ok = update_state (self, alert_id, NULL, "alert-deleted", error);
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

/**
 * veil_store_mark_wrong:
 *
 * The guardian says this alert was wrong: its picture goes on the profile's exception list
 * and pictures like it raise no more alerts once an analyzer loads the lists again (see
 * veil_analyzer_load_lists()), or at once when the caller also gives the alert's hash to
 * veil_analyzer_add_exception().
 */
gboolean
veil_store_mark_wrong (VeilStore  *self,
                       gint64      alert_id,
                       GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);

  g_mutex_lock (&self->scan_lock);
  ok = update_state (self, alert_id, VEIL_ALERT_STATE_WRONG, "alert-marked-wrong", error);
  if (ok)
    {
      stmt = veil_db_prepare (self->scan_db, "INSERT OR IGNORE INTO alert_exceptions (profile_id, pdq, time)"
                                             " SELECT profile_id, pdq, ? FROM alerts WHERE id = ? AND pdq IS NOT NULL",
                                       error);
      ok = stmt != NULL;
    }
  if (ok)
    ok = veil_db_bind_int64 (stmt, 1, _veil_store_now (), error) &&
         veil_db_bind_int64 (stmt, 2, alert_id, error) &&
         veil_db_step_done (stmt, error);
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

/* --- Message alerts ------------------------------------------------------------------------- */

/**
 * veil_store_record_message_alert:
 * @path: where the picture arrived
 * @folder_name: (nullable): the watched folder's display name, or the calling app's name
 * @verdict: the sensitive verdict, or one Veil could not check (see veil_verdict_get_unchecked())
 * @blurred_thumbnail: (nullable): the alert's blurred thumbnail; never one of a picture that
 *   could not be checked
 * @tell_guardian: whether the profile's rule (acknowledged by the child) tells the guardian
 *
 * Records a picture that arrived through a message as an alert of its own: each arrival is
 * one thing the child was warned about, so copies are not folded together as in a library
 * scan. The audit entry names the folder only, never the reasons or the picture.
 *
 * Returns: the new alert's id (> 0), or 0 with @error set
 */
gint64
veil_store_record_message_alert (VeilStore      *self,
                                 VeilProfile    *profile,
                                 const char     *path,
                                 const char     *folder_name,
                                 VeilVerdict    *verdict,
                                 GBytes         *blurred_thumbnail,
                                 gboolean        tell_guardian,
                                 GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *reasons = NULL;
  const VeilPdqHash *hash;
  gint64 profile_id;
  gint64 id = 0;
  guint8 blob[32];

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);
  g_return_val_if_fail (profile != NULL && path != NULL && verdict != NULL, 0);

  profile_id = veil_profile_get_id (profile);
  hash = veil_verdict_get_hash (verdict);
  if (hash != NULL)
    _veil_store_hash_to_blob (hash, blob);
  reasons = veil_verdict_to_json (verdict);
  folder_name = folder_name != NULL ? folder_name : "";

  g_mutex_lock (&self->scan_lock);
  if (!veil_db_begin (self->scan_db, error))
    goto out;

  stmt = veil_db_prepare (self->scan_db, "INSERT INTO alerts (profile_id, time, source, reasons, pdq, thumbnail, state, folder)"
                                         " VALUES (?, ?, 'message', ?, ?, ?, ?, ?)", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, profile_id, error) ||
      !veil_db_bind_int64 (stmt, 2, _veil_store_now (), error) ||
      !veil_db_bind_text (stmt, 3, reasons, error) ||
      !veil_db_bind_blob (stmt, 4, hash != NULL ? blob : NULL, sizeof blob, error) ||
      !veil_db_bind_blob (stmt, 5, blurred_thumbnail != NULL ? g_bytes_get_data (blurred_thumbnail, NULL) : NULL,
                          blurred_thumbnail != NULL ? g_bytes_get_size (blurred_thumbnail) : 0, error) ||
      !veil_db_bind_text (stmt, 6, tell_guardian ? VEIL_ALERT_STATE_TOLD : VEIL_ALERT_STATE_PRIVATE, error) ||
      !veil_db_bind_text (stmt, 7, folder_name, error) ||
      !veil_db_step_done (stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->scan_db);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = veil_db_prepare (self->scan_db, "INSERT INTO alert_files (alert_id, path) VALUES (?, ?)", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, id, error) ||
      !veil_db_bind_text (stmt, 2, path, error) ||
      !veil_db_step_done (stmt, error) ||
      !_veil_store_insert_audit (self->scan_db, profile_id, _veil_store_now (), VEIL_ACTOR_VEIL,
                                 veil_verdict_get_unchecked (verdict) && !veil_verdict_get_sensitive (verdict)
                                   ? "message-not-checked" : "message-warning",
                                 folder_name, error) ||
      !veil_db_commit (self->scan_db, error))
    goto fail;
  g_mutex_unlock (&self->scan_lock);
  return id;

fail:
  veil_db_rollback (self->scan_db);
out:
  g_mutex_unlock (&self->scan_lock);
  return 0;
}

/**
 * veil_store_get_alert:
 *
 * Returns: (transfer full): the alert, of any source, or %NULL with
 *   %VEIL_STORE_ERROR_NOT_FOUND when it no longer exists
 */
VeilAlert *
veil_store_get_alert (VeilStore      *self,
                      gint64          alert_id,
                      GError        **error)
{
  g_autoptr(GPtrArray) alerts = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  alerts = list_alerts_where (self, "WHERE a.id = ?", alert_id, error);
  if (alerts == NULL)
    return NULL;
  if (alerts->len == 0)
    {
      not_found (error);
      return NULL;
    }
  return g_ptr_array_steal_index (alerts, 0);
}

/**
 * veil_store_set_hidden_path:
 * @hidden_path: (nullable): where Veil now keeps the alert's picture, or %NULL once it is
 *   back where it arrived
 */
gboolean
veil_store_set_hidden_path (VeilStore      *self,
                            gint64          alert_id,
                            const char     *hidden_path,
                            GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "UPDATE alerts SET hidden_path = ? WHERE id = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      ok = veil_db_bind_text (stmt, 1, hidden_path, error) &&
           veil_db_bind_int64 (stmt, 2, alert_id, error) &&
           veil_db_step_done (stmt, error);
      if (ok && sqlite3_changes (self->scan_db) == 0)
        ok = not_found (error);
    }
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

guint
veil_store_count_alerts (VeilStore  *self,
                         gint64      profile_id,
                         GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db, "SELECT count(*) FROM alerts WHERE profile_id = ?", error);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, profile_id, error))
    {
      VeilDbStep step = veil_db_step (stmt, error);

      if (step == VEIL_DB_STEP_ROW)
        n = (guint) sqlite3_column_int (stmt, 0);
      else if (step == VEIL_DB_STEP_DONE)
        veil_db_set_error (self->db, SQLITE_ERROR, error);
    }
  g_rec_mutex_unlock (&self->lock);
  return n;
}
