/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>

#include "veil-paths.h"

/* VeilStore: the SQLite database of profiles, consent records, alerts, reports, the audit log
 * and the scan cache. WAL mode, a versioned schema migrated forward at open, an integrity
 * check before anything is read, and every write in one transaction.
 *
 * One class over several files sharing veil-store-private.h: this one holds the object, its
 * lifecycle and Veil's notes (meta); -schema opens and checks the file; -profiles, -audit,
 * -reports, -alerts, -scans and -hash-lists hold one part of the data each; -export expires,
 * exports and erases. All SQLite calls go through veil-db.c. */

static void veil_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_QUARK (veil-store-error-quark, veil_store_error)
G_DEFINE_FINAL_TYPE_WITH_CODE (VeilStore, veil_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, veil_store_initable_iface_init))
G_DEFINE_BOXED_TYPE (VeilAuditEntry, veil_audit_entry, veil_audit_entry_copy, veil_audit_entry_free)
G_DEFINE_BOXED_TYPE (VeilReportEntry, veil_report_entry, veil_report_entry_copy, veil_report_entry_free)
G_DEFINE_BOXED_TYPE (VeilConsentRecord, veil_consent_record, veil_consent_record_copy, veil_consent_record_free)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* --- Transactions on the main connection ------------------------------------------------ */

void
_veil_store_reach (VeilStore  *self,
                   const char *point)
{
  if (self->write_hook != NULL)
    self->write_hook (self, point, self->write_hook_data);
}

/* Every write happens between begin and commit; any failure rolls the whole write back. The
 * lock is held from begin to commit or rollback. */
gboolean
_veil_store_begin (VeilStore  *self,
                   GError    **error)
{
  g_rec_mutex_lock (&self->lock);
  if (!veil_db_begin (self->db, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  return TRUE;
}

gboolean
_veil_store_commit (VeilStore  *self,
                    GError    **error)
{
  gboolean ok = veil_db_commit (self->db, error);

  g_rec_mutex_unlock (&self->lock);
  return ok;
}

void
_veil_store_rollback (VeilStore *self)
{
  veil_db_rollback (self->db);
  g_rec_mutex_unlock (&self->lock);
}

/* --- GObject ------------------------------------------------------------------------------- */

static gboolean
veil_store_initable_init (GInitable     *initable,
                          GCancellable  *cancellable,
                          GError       **error)
{
  VeilStore *self = VEIL_STORE (initable);

  if (self->db != NULL)
    return TRUE;

  if (self->path == NULL)
    self->path = veil_paths_get_database_path ();

  self->db = _veil_store_open_database (self->path, VEIL_STORE_SCHEMA_VERSION, error);
  if (self->db == NULL || !_veil_store_open_scan_db (self, error))
    return FALSE;
  _veil_store_tidy_list_cache (self);
  return TRUE;
}

static void
veil_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = veil_store_initable_init;
}

static void
veil_store_finalize (GObject *object)
{
  VeilStore *self = VEIL_STORE (object);

  g_clear_pointer (&self->scan_db, veil_db_close);
  g_clear_pointer (&self->db, veil_db_close);
  g_clear_pointer (&self->integrity_key, g_bytes_unref);
  g_clear_pointer (&self->verified, g_hash_table_unref);
  g_free (self->path);
  g_rec_mutex_clear (&self->lock);
  g_mutex_clear (&self->scan_lock);

  G_OBJECT_CLASS (veil_store_parent_class)->finalize (object);
}

static void
veil_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VeilStore *self = VEIL_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_store_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VeilStore *self = VEIL_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_store_class_init (VeilStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_store_finalize;
  object_class->get_property = veil_store_get_property;
  object_class->set_property = veil_store_set_property;

  /**
   * VeilStore:path:
   *
   * The database file; %NULL means veil_paths_get_database_path().
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
veil_store_init (VeilStore *self)
{
  g_rec_mutex_init (&self->lock);
  g_mutex_init (&self->scan_lock);
}

/* --- Private API --------------------------------------------------------------------------- */

void
_veil_store_set_write_hook (VeilStore          *self,
                            VeilStoreWriteHook  hook,
                            gpointer            user_data)
{
  self->write_hook = hook;
  self->write_hook_data = user_data;
}

gboolean
_veil_store_create_at_version (const char  *path,
                               guint        version,
                               GError     **error)
{
  sqlite3 *db;

  g_return_val_if_fail (version <= VEIL_STORE_SCHEMA_VERSION, FALSE);

  db = _veil_store_open_database (path, version, error);
  if (db == NULL)
    return FALSE;
  veil_db_close (db);
  return TRUE;
}

/* Caps the file at the pages it has now, or lifts the cap, on both connections: a write that
 * needs a new page then fails as it would on a full disk. For the tests. */
gboolean
_veil_store_set_page_limit (VeilStore  *self,
                            gboolean    limit,
                            GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  gint64 pages = G_MAXUINT32 - 1;  /* SQLite's own ceiling */
  gboolean ok = TRUE;

  g_rec_mutex_lock (&self->lock);
  g_mutex_lock (&self->scan_lock);
  if (limit)
    {
      stmt = veil_db_prepare (self->db, "PRAGMA page_count", error);
      ok = stmt != NULL && veil_db_step (stmt, error) == VEIL_DB_STEP_ROW;
      if (ok)
        pages = sqlite3_column_int64 (stmt, 0);
    }
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  ok = ok && veil_db_exec (self->db, sql, error) && veil_db_exec (self->scan_db, sql, error);
  g_mutex_unlock (&self->scan_lock);
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

sqlite3 *
_veil_store_get_db (VeilStore *self)
{
  return self->db;
}

/* --- Public API: the store ----------------------------------------------------------------- */

/**
 * veil_store_new:
 * @path: (nullable): the database file, or %NULL for `veil.db` in Veil's data folder
 *
 * Opens the store, checking its integrity and migrating an older schema. A damaged file gives
 * %VEIL_STORE_ERROR_CORRUPT and a copy of it next to the original; the original is never
 * changed. A data folder that cannot be written gives %VEIL_STORE_ERROR_READ_ONLY and a full
 * disk %VEIL_STORE_ERROR_DISK_FULL: neither is damage, and neither makes a copy. This runs the
 * integrity check, so the UI uses veil_store_new_async().
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
VeilStore *
veil_store_new (const char    *path,
                GCancellable  *cancellable,
                GError       **error)
{
  return g_initable_new (VEIL_TYPE_STORE, cancellable, error, "path", path, NULL);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  VeilStore *store = veil_store_new (task_data, cancellable, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
veil_store_new_async (const char          *path,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, veil_store_new_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

VeilStore *
veil_store_new_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_store_new_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
veil_store_get_path (VeilStore *self)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);
  return self->path;
}

guint
veil_store_get_schema_version (VeilStore *self)
{
  guint v;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_rec_mutex_lock (&self->lock);
  v = _veil_store_read_user_version (self->db, NULL);
  g_rec_mutex_unlock (&self->lock);
  return v == G_MAXUINT ? 0 : v;
}

/**
 * veil_store_set_integrity_key:
 * @key: (nullable): the secret that signs profile rows (VeilGuardian keeps it in the keyring)
 *
 * With a key, saved profiles are signed and loaded ones checked: a row edited outside Veil
 * comes back marked %VEIL_PROFILE_INTEGRITY_TAMPERED.
 */
void
veil_store_set_integrity_key (VeilStore *self,
                              GBytes    *key)
{
  g_return_if_fail (VEIL_IS_STORE (self));

  g_rec_mutex_lock (&self->lock);
  g_clear_pointer (&self->integrity_key, g_bytes_unref);
  if (key != NULL)
    self->integrity_key = g_bytes_ref (key);
  g_rec_mutex_unlock (&self->lock);
}

gboolean
veil_store_has_integrity_key (VeilStore *self)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  return self->integrity_key != NULL;
}

/**
 * veil_store_get_meta:
 *
 * Returns: (transfer full) (nullable): a small value Veil keeps for itself, or %NULL
 */
char *
veil_store_get_meta (VeilStore  *self,
                     const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *value = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db, "SELECT value FROM meta WHERE key = ?", NULL);
  if (stmt != NULL)
    {
      if (veil_db_bind_text (stmt, 1, key, NULL) && veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  g_rec_mutex_unlock (&self->lock);
  return value;
}

/**
 * veil_store_set_meta:
 * @value: (nullable): the value, or %NULL to remove it
 */
gboolean
veil_store_set_meta (VeilStore   *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  stmt = veil_db_prepare (self->db,
                     value != NULL ? "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
                                   : "DELETE FROM meta WHERE key = ?",
                     error);
  if (stmt == NULL ||
      !veil_db_bind_text (stmt, 1, key, error) ||
      (value != NULL && !veil_db_bind_text (stmt, 2, value, error)) ||
      !veil_db_step_done (stmt, error))
    goto fail;
  return _veil_store_commit (self, error);

fail:
  _veil_store_rollback (self);
  return FALSE;
}

/**
 * veil_store_release_memory:
 *
 * Gives back the memory SQLite caches for both connections (pages read earlier); for a
 * long-running service going idle. Nothing is lost: pages are read again when needed.
 */
void
veil_store_release_memory (VeilStore *self)
{
  g_return_if_fail (VEIL_IS_STORE (self));

  g_rec_mutex_lock (&self->lock);
  veil_db_release_memory (self->db);
  g_rec_mutex_unlock (&self->lock);

  g_mutex_lock (&self->scan_lock);
  veil_db_release_memory (self->scan_db);
  g_mutex_unlock (&self->scan_lock);
}
