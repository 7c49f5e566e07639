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
alert_from_row (sqlite3_stmt *stmt)
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
                             VeilStoreRowReader   read_row,
                             GDestroyNotify       free_func,
                             GError             **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = SQLITE_ERROR;

  g_mutex_lock (&self->scan_lock);
  stmt = _veil_store_scan_prepare (self, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gpointer row = read_row (stmt);

          if (row != NULL)
            g_ptr_array_add (rows, row);
        }
      if (rc != SQLITE_DONE)
        _veil_store_scan_error (self->scan_db, error);
    }
  g_mutex_unlock (&self->scan_lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
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
veil_store_count_alerts_in_state (VeilStore     *self,
                              gint64         profile_id,
                              const char    *state)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_mutex_lock (&self->scan_lock);
  stmt = _veil_store_scan_prepare (self, "SELECT count(*) FROM alerts WHERE profile_id = ? AND source = 'library'"
                                         " AND (?2 IS NULL OR state = ?2)", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = (guint) sqlite3_column_int (stmt, 0);
    }
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
  stmt = _veil_store_scan_prepare (self, "SELECT thumbnail FROM alerts WHERE id = ? AND thumbnail IS NOT NULL", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, alert_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
      else
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

  if (!_veil_store_scan_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = _veil_store_scan_prepare (self, "SELECT profile_id FROM alerts WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, alert_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      not_found (error);
      goto fail;
    }
  profile_id = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = _veil_store_scan_prepare (self, state != NULL ? "UPDATE alerts SET state = ?2 WHERE id = ?1" : "DELETE FROM alerts WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, alert_id);
  if (state != NULL)
    sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  if (!_veil_store_scan_step_done (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = _veil_store_scan_prepare (self, "INSERT INTO audit (profile_id, time, actor, kind, detail) VALUES (?, ?, ?, ?, '')", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  sqlite3_bind_int64 (stmt, 2, _veil_store_now ());
  sqlite3_bind_text (stmt, 3, VEIL_ACTOR_GUARDIAN, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, audit_kind, -1, SQLITE_STATIC);
  if (!_veil_store_scan_step_done (self, stmt, error))
    goto fail;
  return _veil_store_scan_exec (self, "COMMIT", error) || (_veil_store_scan_rollback (self), FALSE);

fail:
  _veil_store_scan_rollback (self);
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
      stmt = _veil_store_scan_prepare (self, "INSERT OR IGNORE INTO alert_exceptions (profile_id, pdq, time)"
                                             " SELECT profile_id, pdq, ? FROM alerts WHERE id = ? AND pdq IS NOT NULL",
                                       error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, _veil_store_now ());
      sqlite3_bind_int64 (stmt, 2, alert_id);
      ok = _veil_store_scan_step_done (self, stmt, error);
    }
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

/* --- Message alerts ------------------------------------------------------------------------- */

/**
 * veil_store_record_message_alert:
 * @path: where the picture arrived
 * @folder_name: (nullable): the watched folder's display name, or the calling app's name
 * @verdict: the sensitive verdict
 * @blurred_thumbnail: (nullable): the alert's blurred thumbnail
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
  if (!_veil_store_scan_exec (self, "BEGIN IMMEDIATE", error))
    goto out;

  stmt = _veil_store_scan_prepare (self, "INSERT INTO alerts (profile_id, time, source, reasons, pdq, thumbnail, state, folder)"
                                         " VALUES (?, ?, 'message', ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  sqlite3_bind_int64 (stmt, 2, _veil_store_now ());
  sqlite3_bind_text (stmt, 3, reasons, -1, SQLITE_STATIC);
  if (hash != NULL)
    sqlite3_bind_blob (stmt, 4, blob, sizeof blob, SQLITE_STATIC);
  if (blurred_thumbnail != NULL)
    sqlite3_bind_blob64 (stmt, 5, g_bytes_get_data (blurred_thumbnail, NULL),
                         g_bytes_get_size (blurred_thumbnail), SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, tell_guardian ? VEIL_ALERT_STATE_TOLD : VEIL_ALERT_STATE_PRIVATE, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, folder_name, -1, SQLITE_STATIC);
  if (!_veil_store_scan_step_done (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->scan_db);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = _veil_store_scan_prepare (self, "INSERT INTO alert_files (alert_id, path) VALUES (?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, path, -1, SQLITE_STATIC);
  if (!_veil_store_scan_step_done (self, stmt, error))
    goto fail;

  if (!_veil_store_scan_insert_audit (self, profile_id, "message-warning", folder_name, error) ||
                       !_veil_store_scan_exec (self, "COMMIT", error))
    goto fail;
  g_mutex_unlock (&self->scan_lock);
  return id;

fail:
  _veil_store_scan_rollback (self);
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
  stmt = _veil_store_scan_prepare (self, "UPDATE alerts SET hidden_path = ? WHERE id = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, hidden_path, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, alert_id);
      ok = _veil_store_scan_step_done (self, stmt, error);
      if (ok && sqlite3_changes (self->scan_db) == 0)
        ok = not_found (error);
    }
  g_mutex_unlock (&self->scan_lock);
  return ok;
}
