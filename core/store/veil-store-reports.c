/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>

/* VeilStore's reports: what a child or guardian reported, kept without pixels. */

VeilReportEntry *
veil_report_entry_copy (const VeilReportEntry *entry)
{
  VeilReportEntry *copy = g_new0 (VeilReportEntry, 1);

  *copy = *entry;
  copy->state = g_strdup (entry->state);
  copy->report = entry->report != NULL ? veil_report_ref (entry->report) : NULL;
  return copy;
}

void
veil_report_entry_free (VeilReportEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->state);
  g_clear_pointer (&entry->report, veil_report_unref);
  g_free (entry);
}


/* The detail of a report's audit entry: its number and where the image came from, never the
 * reporter's words, the file name or anything of the image. */
static char *
report_audit_detail (gint64      id,
                     VeilReport *report)
{
  const char *source = "folder";

  switch (veil_report_get_source (report))
    {
    case VEIL_REPORT_SOURCE_APP:
      source = "app";
      break;
    case VEIL_REPORT_SOURCE_LIBRARY:
      source = "library";
      break;
    case VEIL_REPORT_SOURCE_FOLDER:
    default:
      break;
    }
  return g_strdup_printf ("#%" G_GINT64_FORMAT ", %s", id, source);
}

static void
set_no_report_error (GError **error,
                     gint64   id)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  /* Translators: %s is a report number */
  g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
               _("There is no report %s. List a profile’s reports to see their numbers."), number);
}

static VeilReportEntry *
report_entry_from_row (sqlite3_stmt  *stmt,
                       GError       **error)
{
  g_autoptr(VeilReportEntry) entry = g_new0 (VeilReportEntry, 1);
  const char *data = (const char *) sqlite3_column_text (stmt, 4);
  g_autoptr(GError) local_error = NULL;

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->profile_id = sqlite3_column_int64 (stmt, 1);
  entry->time = sqlite3_column_int64 (stmt, 2);
  entry->state = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  entry->report = veil_report_new_from_json (data != NULL ? data : "", &local_error);
  if (entry->report == NULL)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, entry->id);

      /* Translators: %s is a report number, then why it cannot be read */
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT,
                   _("Report %s cannot be read (%s). Delete it and make it again if the image is still there."),
                   number, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&entry);
}

/**
 * veil_store_add_report:
 * @profile: the profile the report is about
 * @report: the report; it holds checksums and reasons, never pixels
 * @actor: who made it (%VEIL_ACTOR_CHILD or %VEIL_ACTOR_GUARDIAN)
 *
 * Keeps @report for @profile, with an audit entry "report-made" naming only its number and
 * source. Needs no PIN: a child may always report.
 *
 * Returns: the new report's id, or 0 with @error set
 */
gint64
veil_store_add_report (VeilStore    *self,
                       VeilProfile  *profile,
                       VeilReport   *report,
                       const char   *actor,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *json = NULL;
  g_autofree char *detail = NULL;
  gint64 time;
  gint64 id;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);
  g_return_val_if_fail (profile != NULL && report != NULL && actor != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  json = veil_report_to_json (report);
  time = g_date_time_to_unix (veil_report_get_time (report));

  if (!_veil_store_begin (self, error))
    return 0;
  if (!_veil_store_check_profile_exists (self, profile, error))
    goto fail;
  stmt = veil_db_prepare (self->db, "INSERT INTO reports (profile_id, time, data) VALUES (?, ?, ?)", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, veil_profile_get_id (profile), error) ||
      !veil_db_bind_int64 (stmt, 2, time, error) ||
      !veil_db_bind_text (stmt, 3, json, error) ||
      !veil_db_step_done (stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  _veil_store_reach (self, "report-row");

  detail = report_audit_detail (id, report);
  if (!_veil_store_insert_audit (self->db, veil_profile_get_id (profile), _veil_store_now (), actor, "report-made", detail, error))
    goto fail;
  if (!_veil_store_commit (self, error))
    return 0;
  return id;

fail:
  _veil_store_rollback (self);
  return 0;
}

/**
 * veil_store_list_reports:
 *
 * Returns: (transfer full) (element-type VeilReportEntry): @profile_id's reports, newest
 *   first, or %NULL with @error set
 */
static gpointer
read_report_row (sqlite3_stmt  *stmt,
                 gpointer       user_data,
                 GError       **error)
{
  return report_entry_from_row (stmt, error);
}

GPtrArray *
veil_store_list_reports (VeilStore  *self,
                         gint64      profile_id,
                         GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *reports = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  /* Rows from before schema 5 never held a report: nothing wrote the table then. */
  stmt = veil_db_prepare (self->db,
                          "SELECT id, profile_id, time, state, data FROM reports "
                          "WHERE profile_id = ? AND data IS NOT NULL ORDER BY time DESC, id DESC", error);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, profile_id, error))
    reports = veil_db_query_rows (stmt, read_report_row, NULL, (GDestroyNotify) veil_report_entry_free, error);
  g_rec_mutex_unlock (&self->lock);
  return reports;
}

/**
 * veil_store_get_report:
 *
 * Returns: (transfer full): the report with @id, or %NULL with @error set
 *   (%VEIL_STORE_ERROR_NOT_FOUND when there is none)
 */
VeilReportEntry *
veil_store_get_report (VeilStore  *self,
                       gint64      id,
                       GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilReportEntry *entry = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db,
                          "SELECT id, profile_id, time, state, data FROM reports WHERE id = ? AND data IS NOT NULL",
                          error);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, id, error))
    {
      switch (veil_db_step (stmt, error))
        {
        case VEIL_DB_STEP_ROW:
          entry = report_entry_from_row (stmt, error);
          break;
        case VEIL_DB_STEP_DONE:
          set_no_report_error (error, id);
          break;
        case VEIL_DB_STEP_FAILED:
        default:
          break;
        }
    }
  g_rec_mutex_unlock (&self->lock);
  return entry;
}

/**
 * veil_store_delete_report:
 * @actor: who deleted it
 *
 * Deletes the report with @id; an audit entry "report-deleted" keeps only its number.
 */
gboolean
veil_store_delete_report (VeilStore   *self,
                          gint64       id,
                          const char  *actor,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autofree char *detail = NULL;
  gint64 profile_id;
  VeilDbStep step;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  find = veil_db_prepare (self->db, "SELECT profile_id FROM reports WHERE id = ?", error);
  if (find == NULL || !veil_db_bind_int64 (find, 1, id, error))
    goto fail;
  step = veil_db_step (find, error);
  if (step == VEIL_DB_STEP_DONE)
    set_no_report_error (error, id);
  if (step != VEIL_DB_STEP_ROW)
    goto fail;
  profile_id = sqlite3_column_int64 (find, 0);

  del = veil_db_prepare (self->db, "DELETE FROM reports WHERE id = ?", error);
  detail = g_strdup_printf ("#%" G_GINT64_FORMAT, id);
  if (del == NULL ||
      !veil_db_bind_int64 (del, 1, id, error) ||
      !veil_db_step_done (del, error) ||
      !_veil_store_insert_audit (self->db, profile_id, _veil_store_now (), actor, "report-deleted", detail, error))
    goto fail;
  return _veil_store_commit (self, error);

fail:
  _veil_store_rollback (self);
  return FALSE;
}
