/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-db.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-store.h"

/* --- Errors -------------------------------------------------------------------------------- */

static char *
data_folder (sqlite3 *db)
{
  const char *file = db != NULL ? sqlite3_db_filename (db, "main") : NULL;

  return g_path_get_dirname (file != NULL && *file != '\0' ? file : ".");
}

/* SQLite reports a read-only folder or a full disk in several ways (READONLY, CANTOPEN for
 * the write-ahead log, IOERR with the system's errno); the folder and errno tell them apart
 * from real damage, which must never be suggested when only space or permission is missing. */
static gboolean
folder_is_read_only (sqlite3 *db)
{
  g_autofree char *dir = data_folder (db);
  int sys = db != NULL ? sqlite3_system_errno (db) : 0;

  return sys == EROFS || sys == EACCES || sys == EPERM || g_access (dir, W_OK) != 0;
}

static void
set_read_only_error (sqlite3  *db,
                     GError  **error)
{
  g_autofree char *dir = data_folder (db);

  g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_READ_ONLY,
               _("Veil’s data folder “%s” cannot be written. Check its permissions, and that its disk is not mounted read-only, then try again."),
               dir);
}

static void
set_disk_full_error (GError **error)
{
  g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_DISK_FULL,
               _("The disk is full, so Veil could not save. Free some space and try again."));
}

/**
 * veil_db_set_error:
 * @db: (nullable): the connection that failed
 * @rc: the SQLite result code
 *
 * Turns a SQLite failure into a VEIL_STORE_ERROR whose message says what to do.
 *
 * Returns: %FALSE, so callers can `return veil_db_set_error (…)`
 */
gboolean
veil_db_set_error (sqlite3  *db,
                   int       rc,
                   GError  **error)
{
  const char *msg = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  int sys = db != NULL ? sqlite3_system_errno (db) : 0;

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT,
                   _("Veil’s database is damaged (%s). Restart Veil to check it and keep a copy."), msg);
      break;
    case SQLITE_FULL:
      set_disk_full_error (error);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_FAILED,
                   _("Veil’s database is busy in another program. Close other Veil windows and try again."));
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      set_read_only_error (db, error);
      break;
    case SQLITE_CANTOPEN:
      if (folder_is_read_only (db))
        set_read_only_error (db, error);
      else
        g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_OPEN,
                     _("Veil cannot write its database (%s). Check that the data folder belongs to you and is writable."), msg);
      break;
    case SQLITE_IOERR:
      if (sys == ENOSPC || sys == EDQUOT)
        set_disk_full_error (error);
      else if (folder_is_read_only (db))
        set_read_only_error (db, error);
      else
        g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_FAILED,
                     _("Veil could not read or write its database (%s). Check that the disk works, then try again."), msg);
      break;
    default:
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_FAILED,
                   _("Veil’s database reported an error: %s"), msg);
    }

  return FALSE;
}

/* Returns: whether a failed read of the file means the file is damaged, rather than that
 * something around it (permissions, space, another program, memory) is missing */
static gboolean
is_damage (sqlite3 *db,
           int      rc)
{
  int sys = db != NULL ? sqlite3_system_errno (db) : 0;

  switch (rc & 0xff)
    {
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
      return FALSE;
    case SQLITE_IOERR:
      return !(sys == ENOSPC || sys == EDQUOT || sys == EROFS || sys == EACCES || sys == EPERM);
    default:
      return TRUE;
    }
}

/* --- Integrity ---------------------------------------------------------------------------- */

/* A failed check is damage unless SQLite failed for a reason outside the file (a read-only
 * folder, a full disk, another program): those get their own error, never a copy of the file
 * or advice to erase it. */
static gboolean
damage_or_error (sqlite3   *db,
                 int        rc,
                 char     **out_problem,
                 GError   **error)
{
  if (is_damage (db, rc))
    {
      *out_problem = g_strdup (sqlite3_errmsg (db));
      return TRUE;
    }
  return veil_db_set_error (db, rc, error);
}

/**
 * veil_db_check_integrity:
 * @out_problem: (out): what SQLite found wrong, or %NULL when the file passes
 *
 * Returns: %FALSE with @error set when the check could not run for a reason that is not
 *   damage (a read-only folder, a full disk, another program)
 */
gboolean
veil_db_check_integrity (sqlite3  *db,
                         char    **out_problem,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  *out_problem = NULL;
  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check(20)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return damage_or_error (db, rc, out_problem, error);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (line != NULL && !g_str_equal (line, "ok"))
        g_string_append_printf (problems, "%s%s", problems->len > 0 ? "; " : "", line);
    }
  if (rc != SQLITE_DONE)
    return damage_or_error (db, rc, out_problem, error);

  if (problems->len > 0)
    *out_problem = g_string_free (g_steal_pointer (&problems), FALSE);
  return TRUE;
}

/* --- Connections --------------------------------------------------------------------------- */

/**
 * veil_db_open:
 * @role: %VEIL_DB_MAIN creates the file; %VEIL_DB_WORKER expects it
 *
 * Opens a connection without touching the file's contents: the store checks integrity first,
 * then calls veil_db_configure().
 */
sqlite3 *
veil_db_open (const char  *path,
              VeilDbRole   role,
              GError     **error)
{
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  sqlite3 *db = NULL;
  int rc;

  if (role == VEIL_DB_MAIN)
    flags |= SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if ((rc & 0xff) == SQLITE_FULL)
        set_disk_full_error (error);
      else if (g_access (dir, W_OK) != 0)
        g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_READ_ONLY,
                     _("Veil’s data folder “%s” cannot be written. Check its permissions, and that its disk is not mounted read-only, then try again."),
                     dir);
      else
        g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_OPEN,
                     _("Could not open the Veil database “%s”: %s. Check that the data folder belongs to you and is writable."),
                     path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  /* Workers wait longer: they queue behind a guardian's write and a whole scan's files. */
  if (role == VEIL_DB_MAIN)
    {
      sqlite3_busy_timeout (db, 5000);
      sqlite3_extended_result_codes (db, 1);
    }
  else
    sqlite3_busy_timeout (db, 10000);

  return db;
}

/**
 * veil_db_configure:
 *
 * Sets the connection's pragmas. The main connection turns on WAL (readers such as the
 * transparency page never wait for a guardian's write) and synchronous=FULL (a saved setting
 * survives a power cut); workers write cache rows that can be redone, so NORMAL is enough.
 * Both keep foreign keys on and secure_delete (erased data does not linger in free pages).
 */
gboolean
veil_db_configure (sqlite3     *db,
                   VeilDbRole   role,
                   GError     **error)
{
  if (role == VEIL_DB_MAIN)
    return veil_db_exec (db, "PRAGMA journal_mode = WAL", error) &&
           veil_db_exec (db, "PRAGMA synchronous = FULL", error) &&
           veil_db_exec (db, "PRAGMA foreign_keys = ON", error) &&
           veil_db_exec (db, "PRAGMA secure_delete = ON", error);

  return veil_db_exec (db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;", error);
}

void
veil_db_close (sqlite3 *db)
{
  sqlite3_close (db);
}

/* Gives back the memory the connection caches (pages read earlier); they are read again when
 * needed. */
void
veil_db_release_memory (sqlite3 *db)
{
  sqlite3_db_release_memory (db);
}

/* --- Statements ---------------------------------------------------------------------------- */

gboolean
veil_db_exec (sqlite3     *db,
              const char  *sql,
              GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return veil_db_set_error (db, rc, error);
  return TRUE;
}

sqlite3_stmt *
veil_db_prepare (sqlite3     *db,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      veil_db_set_error (db, rc, error);
      return NULL;
    }
  return stmt;
}

static gboolean
bind_result (sqlite3_stmt  *stmt,
             int            rc,
             GError       **error)
{
  if (rc != SQLITE_OK)
    return veil_db_set_error (sqlite3_db_handle (stmt), rc, error);
  return TRUE;
}

gboolean
veil_db_bind_int64 (sqlite3_stmt  *stmt,
                    int            pos,
                    gint64         value,
                    GError       **error)
{
  return bind_result (stmt, sqlite3_bind_int64 (stmt, pos, value), error);
}

gboolean
veil_db_bind_int (sqlite3_stmt  *stmt,
                  int            pos,
                  int            value,
                  GError       **error)
{
  return bind_result (stmt, sqlite3_bind_int (stmt, pos, value), error);
}

/* @text: (nullable): %NULL binds SQL NULL */
gboolean
veil_db_bind_text (sqlite3_stmt  *stmt,
                   int            pos,
                   const char    *text,
                   GError       **error)
{
  return bind_result (stmt, sqlite3_bind_text (stmt, pos, text, -1, SQLITE_TRANSIENT), error);
}

/* @data: (nullable): %NULL binds SQL NULL */
gboolean
veil_db_bind_blob (sqlite3_stmt  *stmt,
                   int            pos,
                   const void    *data,
                   gsize          size,
                   GError       **error)
{
  if (data == NULL)
    return veil_db_bind_null (stmt, pos, error);
  return bind_result (stmt, sqlite3_bind_blob64 (stmt, pos, data, size, SQLITE_TRANSIENT), error);
}

gboolean
veil_db_bind_null (sqlite3_stmt  *stmt,
                   int            pos,
                   GError       **error)
{
  return bind_result (stmt, sqlite3_bind_null (stmt, pos), error);
}

/* Binds a row id, or NULL for 0 (or less): "about no profile" in the audit log. */
gboolean
veil_db_bind_id (sqlite3_stmt  *stmt,
                 int            pos,
                 gint64         id,
                 GError       **error)
{
  if (id > 0)
    return veil_db_bind_int64 (stmt, pos, id, error);
  return veil_db_bind_null (stmt, pos, error);
}

/* Binds a file's identity (device, inode, size, mtime) from @first_pos on. */
gboolean
veil_db_bind_stamp (sqlite3_stmt  *stmt,
                    int            first_pos,
                    guint64        device,
                    guint64        inode,
                    guint64        size,
                    gint64         mtime_ns,
                    GError       **error)
{
  return veil_db_bind_int64 (stmt, first_pos, (gint64) device, error) &&
         veil_db_bind_int64 (stmt, first_pos + 1, (gint64) inode, error) &&
         veil_db_bind_int64 (stmt, first_pos + 2, (gint64) size, error) &&
         veil_db_bind_int64 (stmt, first_pos + 3, mtime_ns, error);
}

VeilDbStep
veil_db_step (sqlite3_stmt  *stmt,
              GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return VEIL_DB_STEP_ROW;
  if (rc == SQLITE_DONE)
    return VEIL_DB_STEP_DONE;
  veil_db_set_error (sqlite3_db_handle (stmt), rc, error);
  return VEIL_DB_STEP_FAILED;
}

/* Runs a statement that returns no rows (or whose rows do not matter). */
gboolean
veil_db_step_done (sqlite3_stmt  *stmt,
                   GError       **error)
{
  VeilDbStep step;

  while ((step = veil_db_step (stmt, error)) == VEIL_DB_STEP_ROW)
    ;
  return step == VEIL_DB_STEP_DONE;
}

/**
 * veil_db_query_rows:
 * @stmt: a prepared statement with its values bound
 *
 * Returns: (transfer full): what @read_row made of each row, or %NULL with @error set
 */
GPtrArray *
veil_db_query_rows (sqlite3_stmt     *stmt,
                    VeilDbRowReader   read_row,
                    gpointer          user_data,
                    GDestroyNotify    free_func,
                    GError          **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  VeilDbStep step;

  while ((step = veil_db_step (stmt, error)) == VEIL_DB_STEP_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      gpointer row = read_row (stmt, user_data, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (row != NULL)
        g_ptr_array_add (rows, row);
    }
  if (step == VEIL_DB_STEP_FAILED)
    return NULL;
  return g_steal_pointer (&rows);
}

/* Returns: whether the last failure on @db broke a UNIQUE constraint */
gboolean
veil_db_is_unique_violation (sqlite3 *db)
{
  return sqlite3_extended_errcode (db) == SQLITE_CONSTRAINT_UNIQUE;
}

/* --- Transactions -------------------------------------------------------------------------- */

/* IMMEDIATE: take the write lock at once, so a transaction never fails half-way on BUSY. */
gboolean
veil_db_begin (sqlite3  *db,
               GError  **error)
{
  return veil_db_exec (db, "BEGIN IMMEDIATE", error);
}

/* A failed commit rolls back, so the caller never leaves a transaction open. */
gboolean
veil_db_commit (sqlite3  *db,
                GError  **error)
{
  if (veil_db_exec (db, "COMMIT", error))
    return TRUE;
  veil_db_rollback (db);
  return FALSE;
}

void
veil_db_rollback (sqlite3 *db)
{
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}
