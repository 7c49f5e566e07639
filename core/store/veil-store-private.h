/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "veil-store.h"

G_BEGIN_DECLS

/* Called between the statements of a multi-statement write, with a name for the point
 * reached. The crash tests kill the process there to prove nothing half-written survives. */
typedef void (*VeilStoreWriteHook) (VeilStore  *store,
                                    const char *point,
                                    gpointer    user_data);


/* VeilStore is one class over several files (veil-store.c, veil-store-scans.c,
 * veil-store-alerts.c, veil-store-hash-lists.c) sharing this header. */
struct _VeilStore
{
  GObject             parent_instance;

  char               *path;
  sqlite3            *db;            /* owned */
  GRecMutex           lock;          /* one writer at a time, across threads */
  GBytes             *integrity_key; /* nullable; signs profile rows */

  /* A second connection for scan results, alerts and hash lists: scan workers write one
   * file's results at a time from many threads, and their transactions must not interleave
   * with those on db. */
  sqlite3            *scan_db;       /* owned */
  GMutex              scan_lock;     /* serialises use of scan_db */

  VeilStoreWriteHook  write_hook;
  gpointer            write_hook_data;
};

void      _veil_store_set_write_hook   (VeilStore          *self,
                                        VeilStoreWriteHook  hook,
                                        gpointer            user_data);
/* Opens (and migrates) a database only up to @version, to build old files for the tests. */
gboolean  _veil_store_create_at_version (const char        *path,
                                         guint              version,
                                         GError           **error);
sqlite3  *_veil_store_get_db            (VeilStore         *self);

/* Helpers for the second connection, shared by the files of VeilStore that use it. Unless
 * said otherwise, the caller holds scan_lock. */

/* Reads one row into a new element, or returns %NULL to leave the row out. */
typedef gpointer (*VeilStoreRowReader) (sqlite3_stmt *stmt);

gboolean      _veil_store_open_scan_db      (VeilStore          *self,
                                             GError            **error);
gboolean      _veil_store_scan_error        (sqlite3            *db,
                                             GError            **error);
gboolean      _veil_store_scan_exec         (VeilStore          *self,
                                             const char         *sql,
                                             GError            **error);
sqlite3_stmt *_veil_store_scan_prepare      (VeilStore          *self,
                                             const char         *sql,
                                             GError            **error);
gboolean      _veil_store_scan_step_done    (VeilStore          *self,
                                             sqlite3_stmt       *stmt,
                                             GError            **error);
void          _veil_store_scan_rollback     (VeilStore          *self);
gboolean      _veil_store_scan_insert_audit (VeilStore          *self,
                                             gint64              profile_id,
                                             const char         *kind,
                                             const char         *detail,
                                             GError            **error);
/* Takes scan_lock itself. */
GPtrArray    *_veil_store_scan_query_rows   (VeilStore          *self,
                                             const char         *sql,
                                             gint64              id,
                                             VeilStoreRowReader  read_row,
                                             GDestroyNotify      free_func,
                                             GError            **error);
gint64        _veil_store_now               (void);
void          _veil_store_hash_to_blob      (const VeilPdqHash  *hash,
                                             guint8              blob[32]);
gboolean      _veil_store_blob_to_hash      (const void         *blob,
                                             int                 size,
                                             VeilPdqHash        *hash);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
