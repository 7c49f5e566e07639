/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

/* What VeilHealth reads to tell whether a protection really runs: when it last did its work.
 * Read-only queries on the scan connection, where message files and scan runs live. */

static gint64
query_time (VeilStore  *self,
            const char *sql,
            gint64      profile_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 time = 0;

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, sql, NULL);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, profile_id, NULL) &&
      veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW)
    time = sqlite3_column_int64 (stmt, 0);
  g_mutex_unlock (&self->scan_lock);
  return time;
}

/**
 * veil_store_get_last_check:
 * @profile_id: a profile
 * @protection: %VEIL_PROTECTION_MESSAGE_WARNINGS or %VEIL_PROTECTION_LIBRARY_SCAN
 *
 * Returns: when @protection last checked a picture for @profile_id (the last message picture
 *   analysed, or the end of the last finished folder check), in Unix time; 0 for never
 */
gint64
veil_store_get_last_check (VeilStore      *self,
                           gint64          profile_id,
                           VeilProtection  protection)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  switch (protection)
    {
    case VEIL_PROTECTION_MESSAGE_WARNINGS:
      return query_time (self, "SELECT MAX (analyzed) FROM message_files WHERE profile_id = ?", profile_id);
    case VEIL_PROTECTION_LIBRARY_SCAN:
      return query_time (self, "SELECT MAX (finished) FROM scan_runs WHERE profile_id = ?", profile_id);
    case VEIL_PROTECTION_GUARDIAN_ALERTS:
    case VEIL_N_PROTECTIONS:
    default:
      return 0;
    }
}

/* Returns: whether a folder check of @profile_id was interrupted: the next one resumes it */
gboolean
veil_store_has_unfinished_run (VeilStore *self,
                               gint64     profile_id)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);

  return query_time (self, "SELECT COUNT (*) FROM scan_runs WHERE profile_id = ? AND finished IS NULL",
                     profile_id) > 0;
}

/**
 * veil_store_get_time:
 *
 * The time scan runs are stamped with and the folder-check schedule is measured against.
 *
 * Returns: Unix time in seconds
 */
gint64
veil_store_get_time (VeilStore *self)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  if (self->clock != NULL)
    return self->clock (self->clock_data);
  return _veil_store_now ();
}

void
_veil_store_set_clock (VeilStore      *self,
                       VeilStoreClock  clock,
                       gpointer        user_data)
{
  g_return_if_fail (VEIL_IS_STORE (self));

  self->clock = clock;
  self->clock_data = user_data;
}
