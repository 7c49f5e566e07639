/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* VeilDb: the one place VeilStore talks to SQLite. Private to core/store: both of the store's
 * connections open, prepare, bind, step and report errors through these functions, so every
 * SQLite failure becomes the same VEIL_STORE_ERROR with a message that says what to do. */

typedef enum {
  VEIL_DB_MAIN,    /* the store's own connection: creates the file, checked and migrated */
  VEIL_DB_WORKER,  /* the second connection scan workers write through */
} VeilDbRole;

typedef enum {
  VEIL_DB_STEP_FAILED,
  VEIL_DB_STEP_ROW,
  VEIL_DB_STEP_DONE,
} VeilDbStep;

/* Reads the current row into a new element. Returns %NULL to leave the row out, or %NULL
 * with @error set to stop. */
typedef gpointer (*VeilDbRowReader) (sqlite3_stmt  *stmt,
                                     gpointer       user_data,
                                     GError       **error);

sqlite3      *veil_db_open        (const char       *path,
                                   VeilDbRole        role,
                                   GError          **error);
gboolean      veil_db_configure   (sqlite3          *db,
                                   VeilDbRole        role,
                                   GError          **error);
void          veil_db_close       (sqlite3          *db);
void          veil_db_release_memory (sqlite3       *db);

gboolean      veil_db_set_error   (sqlite3          *db,
                                   int               rc,
                                   GError          **error);
gboolean      veil_db_is_unique_violation (sqlite3  *db);
gboolean      veil_db_check_integrity (sqlite3      *db,
                                       char        **out_problem,
                                       GError      **error);

gboolean      veil_db_exec        (sqlite3          *db,
                                   const char       *sql,
                                   GError          **error);
sqlite3_stmt *veil_db_prepare     (sqlite3          *db,
                                   const char       *sql,
                                   GError          **error);

gboolean      veil_db_bind_int64  (sqlite3_stmt     *stmt,
                                   int               pos,
                                   gint64            value,
                                   GError          **error);
gboolean      veil_db_bind_int    (sqlite3_stmt     *stmt,
                                   int               pos,
                                   int               value,
                                   GError          **error);
gboolean      veil_db_bind_text   (sqlite3_stmt     *stmt,
                                   int               pos,
                                   const char       *text,
                                   GError          **error);
gboolean      veil_db_bind_blob   (sqlite3_stmt     *stmt,
                                   int               pos,
                                   const void       *data,
                                   gsize             size,
                                   GError          **error);
gboolean      veil_db_bind_null   (sqlite3_stmt     *stmt,
                                   int               pos,
                                   GError          **error);
gboolean      veil_db_bind_id     (sqlite3_stmt     *stmt,
                                   int               pos,
                                   gint64            id,
                                   GError          **error);
gboolean      veil_db_bind_stamp  (sqlite3_stmt     *stmt,
                                   int               first_pos,
                                   guint64           device,
                                   guint64           inode,
                                   guint64           size,
                                   gint64            mtime_ns,
                                   GError          **error);

VeilDbStep    veil_db_step        (sqlite3_stmt     *stmt,
                                   GError          **error);
gboolean      veil_db_step_done   (sqlite3_stmt     *stmt,
                                   GError          **error);
GPtrArray    *veil_db_query_rows  (sqlite3_stmt     *stmt,
                                   VeilDbRowReader   read_row,
                                   gpointer          user_data,
                                   GDestroyNotify    free_func,
                                   GError          **error);

gboolean      veil_db_begin       (sqlite3          *db,
                                   GError          **error);
gboolean      veil_db_commit      (sqlite3          *db,
                                   GError          **error);
void          veil_db_rollback    (sqlite3          *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
