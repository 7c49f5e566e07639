/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-db.h"
#include "veil-store.h"

G_BEGIN_DECLS

/* Called between the statements of a multi-statement write, with a name for the point
 * reached. The crash tests kill the process there to prove nothing half-written survives. */
typedef void (*VeilStoreWriteHook) (VeilStore  *store,
                                    const char *point,
                                    gpointer    user_data);


/* VeilStore is one class over several files (veil-store.c and veil-store-*.c) sharing this
 * header; all of them reach SQLite through veil-db.h. */
struct _VeilStore
{
  GObject             parent_instance;

  char               *path;
  sqlite3            *db;            /* owned */
  GRecMutex           lock;          /* one writer at a time, across threads */
  GBytes             *integrity_key; /* nullable; signs profile rows */
  GHashTable         *verified;      /* nullable: id → VeilProfile last verified; stands in for an edited row */

  /* A second connection for scan results, alerts and hash lists: scan workers write one
   * file's results at a time from many threads, and their transactions must not interleave
   * with those on db. */
  sqlite3            *scan_db;       /* owned */
  GMutex              scan_lock;     /* serialises use of scan_db */

  VeilStoreWriteHook  write_hook;
  gpointer            write_hook_data;

  VeilStoreClock      clock;         /* nullable: the wall clock */
  gpointer            clock_data;
};

/* The tests move the store's time (when runs start and finish, what the folder-check
 * schedule reads) to show a missed or late check without waiting days. Call before use. */
void      _veil_store_set_clock        (VeilStore          *self,
                                        VeilStoreClock      clock,
                                        gpointer            user_data);

void      _veil_store_set_write_hook   (VeilStore          *self,
                                        VeilStoreWriteHook  hook,
                                        gpointer            user_data);
/* Opens (and migrates) a database only up to @version, to build old files for the tests. */
gboolean  _veil_store_create_at_version (const char        *path,
                                         guint              version,
                                         GError           **error);
sqlite3  *_veil_store_get_db            (VeilStore         *self);
/* Caps the file at the pages it has now (or lifts the cap), so tests can fill the disk. */
gboolean  _veil_store_set_page_limit    (VeilStore         *self,
                                         gboolean           limit,
                                         GError           **error);

/* Shared by the files of VeilStore. The main connection's writes run between
 * _veil_store_begin() and _veil_store_commit() or _veil_store_rollback(), which hold lock. */
gboolean      _veil_store_begin             (VeilStore          *self,
                                             GError            **error);
gboolean      _veil_store_commit            (VeilStore          *self,
                                             GError            **error);
void          _veil_store_rollback          (VeilStore          *self);
void          _veil_store_reach             (VeilStore          *self,
                                             const char         *point);

/* veil-store-schema.c */
sqlite3      *_veil_store_open_database     (const char         *path,
                                             guint               target_version,
                                             GError            **error);
guint         _veil_store_read_user_version (sqlite3            *db,
                                             GError            **error);

/* veil-store-profiles.c; called with lock held */
VeilProfile  *_veil_store_load_profile      (VeilStore          *self,
                                             const char         *where,
                                             gint64              id,
                                             const char         *name,
                                             GError            **error);
gboolean      _veil_store_check_profile_exists (VeilStore       *self,
                                                VeilProfile     *profile,
                                                GError         **error);

/* veil-store-audit.c: the one way an audit entry is written, on either connection, inside
 * the caller's transaction. */
gboolean      _veil_store_insert_audit      (sqlite3            *db,
                                             gint64              profile_id,
                                             gint64              time,
                                             const char         *actor,
                                             const char         *kind,
                                             const char         *detail,
                                             GError            **error);
gboolean      _veil_store_insert_consent    (VeilStore          *self,
                                             gint64              profile_id,
                                             VeilProtection      protection,
                                             const char         *action,
                                             const char         *actor,
                                             guint               text_version,
                                             gint64              time,
                                             GError            **error);

/* The second connection (veil-store-scans.c); unless said otherwise, the caller holds
 * scan_lock. */
gboolean      _veil_store_open_scan_db      (VeilStore          *self,
                                             GError            **error);
/* Takes scan_lock itself; binds @id to the statement's first parameter. */
GPtrArray    *_veil_store_scan_query_rows   (VeilStore          *self,
                                             const char         *sql,
                                             gint64              id,
                                             VeilDbRowReader     read_row,
                                             GDestroyNotify      free_func,
                                             GError            **error);
gint64        _veil_store_now               (void);
void          _veil_store_hash_to_blob      (const VeilPdqHash  *hash,
                                             guint8              blob[32]);
gboolean      _veil_store_blob_to_hash      (const void         *blob,
                                             int                 size,
                                             VeilPdqHash        *hash);

/* veil-store-list-cache.c: imported hash lists' binary files next to the store */
char         *_veil_store_list_cache_dir    (VeilStore          *self);
char         *_veil_store_list_digest       (const char         *name,
                                             const char         *source,
                                             guint               version,
                                             const guint8       *hashes,
                                             gsize               hashes_size,
                                             const guint8       *labels,
                                             gsize               labels_size);
VeilHashList *_veil_store_list_cache_map    (VeilStore          *self,
                                             gint64              list_id,
                                             const char         *digest,
                                             const char         *name,
                                             const char         *source);
void          _veil_store_list_cache_save   (VeilStore          *self,
                                             gint64              list_id,
                                             VeilHashList       *list,
                                             const char         *digest);
void          _veil_store_list_cache_forget (VeilStore          *self,
                                             gint64              list_id);
void          _veil_store_list_cache_prune  (VeilStore          *self,
                                             GHashTable         *keep);
/* veil-store-hash-lists.c */
void          _veil_store_tidy_list_cache  (VeilStore          *self);

G_END_DECLS
