/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>

/* Hash lists per profile and the pictures a child protects. They use the store's second
 * connection (see veil-store-private.h). */

void
veil_stored_hash_list_free (VeilStoredHashList *list)
{
  if (list == NULL)
    return;
  g_free (list->kind);
  g_free (list->name);
  g_free (list->source);
  g_free (list);
}

void
veil_protected_image_free (VeilProtectedImage *image)
{
  if (image == NULL)
    return;
  g_free (image->md5);
  g_free (image);
}

/**
 * veil_store_import_hash_list:
 * @profile_id: the profile the list is for, or 0 for every profile
 * @source: where the guardian got it (a file name or organisation)
 *
 * Keeps a copy of @list's hashes and labels, with its name, version, source, import time and
 * entry count.
 */
gboolean
veil_store_import_hash_list (VeilStore      *self,
                             gint64          profile_id,
                             VeilHashList   *list,
                             const char     *source,
                             GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GByteArray) hashes = g_byte_array_new ();
  g_autoptr(GByteArray) labels = g_byte_array_new ();
  g_autofree char *digest = NULL;
  gint64 list_id = 0;
  guint n;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (VEIL_IS_HASH_LIST (list), FALSE);

  n = veil_hash_list_get_n_entries (list);
  for (guint i = 0; i < n; i++)
    {
      const char *label = veil_hash_list_get_label (list, i);
      guint8 blob[32];

      _veil_store_hash_to_blob (veil_hash_list_get_hash (list, i), blob);
      g_byte_array_append (hashes, blob, sizeof blob);
      /* Labels are NUL-terminated, one per entry. */
      label = label != NULL ? label : "";
      g_byte_array_append (labels, (const guint8 *) label, strlen (label) + 1);
    }

  source = source != NULL ? source : (veil_hash_list_get_source (list) ?: "");
  digest = _veil_store_list_digest (veil_hash_list_get_name (list), source, veil_hash_list_get_version (list),
                                    hashes->data, hashes->len, labels->data, labels->len);
  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "INSERT INTO profile_hash_lists (profile_id, name, source, version, imported, entries,"
                                         " hashes, labels, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    ok = veil_db_bind_id (stmt, 1, profile_id, error) &&
         veil_db_bind_text (stmt, 2, veil_hash_list_get_name (list), error) &&
         veil_db_bind_text (stmt, 3, source, error) &&
         veil_db_bind_int (stmt, 4, (int) veil_hash_list_get_version (list), error) &&
         veil_db_bind_int64 (stmt, 5, _veil_store_now (), error) &&
         veil_db_bind_int (stmt, 6, (int) n, error) &&
         veil_db_bind_blob (stmt, 7, hashes->data, hashes->len, error) &&
         veil_db_bind_blob (stmt, 8, labels->data, labels->len, error) &&
         veil_db_bind_text (stmt, 9, digest, error) &&
         veil_db_step_done (stmt, error);
  if (ok)
    list_id = sqlite3_last_insert_rowid (self->scan_db);
  g_mutex_unlock (&self->scan_lock);
  /* The binary file is written now, while the list is at hand, so the first check after an
   * import is already fast. A file left from an earlier store under the same id is replaced. */
  if (ok)
    _veil_store_list_cache_save (self, list_id, list, digest);
  return ok;
}

/**
 * veil_store_add_protected_image:
 * @hash: the picture's exact PDQ hash (veil_analyzer_hash_file())
 * @md5: the file's MD5
 *
 * A child's own picture to watch for: only its PDQ hash and MD5 are kept, never the picture.
 */
gboolean
veil_store_add_protected_image (VeilStore          *self,
                                gint64              profile_id,
                                const VeilPdqHash  *hash,
                                const char         *md5,
                                GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint8 blob[32];
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile_id > 0 && hash != NULL && md5 != NULL, FALSE);

  _veil_store_hash_to_blob (hash, blob);
  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "INSERT OR REPLACE INTO protected_images (profile_id, md5, pdq, added) VALUES (?, ?, ?, ?)", error);
  ok = stmt != NULL &&
       veil_db_bind_int64 (stmt, 1, profile_id, error) &&
       veil_db_bind_text (stmt, 2, md5, error) &&
       veil_db_bind_blob (stmt, 3, blob, sizeof blob, error) &&
       veil_db_bind_int64 (stmt, 4, _veil_store_now (), error) &&
       veil_db_step_done (stmt, error);
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

static gpointer
hash_list_from_row (sqlite3_stmt  *stmt,
                    gpointer       user_data,
                    GError       **error)
{
  VeilStoredHashList *l = g_new0 (VeilStoredHashList, 1);

  l->id = sqlite3_column_int64 (stmt, 0);
  l->profile_id = sqlite3_column_int64 (stmt, 1);
  l->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  l->name = g_strdup (g_str_equal (l->kind, "protected") ? _("Protected pictures")
                                                          : (const char *) sqlite3_column_text (stmt, 3));
  l->source = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  l->version = (guint) sqlite3_column_int (stmt, 5);
  l->imported = sqlite3_column_int64 (stmt, 6);
  l->n_entries = (guint) sqlite3_column_int (stmt, 7);
  return l;
}

/**
 * veil_store_list_hash_lists:
 *
 * Returns: (transfer full) (element-type VeilStoredHashList): the lists that apply to
 *   @profile_id (its own and those for every profile), and its protected pictures as one
 *   list of kind "protected"
 */
GPtrArray *
veil_store_list_hash_lists (VeilStore      *self,
                            gint64          profile_id,
                            GError        **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  return _veil_store_scan_query_rows (self,
                                      "SELECT id, coalesce(profile_id, 0), 'list', name, source, version, imported, entries"
                                      " FROM profile_hash_lists WHERE profile_id IS NULL OR profile_id = ?1"
                                      " UNION ALL SELECT 0, profile_id, 'protected', '', '', 1, max(added), count(*)"
                                      " FROM protected_images WHERE profile_id = ?1 GROUP BY profile_id",
                                      profile_id, hash_list_from_row, (GDestroyNotify) veil_stored_hash_list_free, error);
}

/* Steps a prepared DELETE and says NOT_FOUND when it removed nothing, so that the UI can
 * tell a row already gone from a real failure. */
static gboolean
delete_one (VeilStore      *self,
            sqlite3_stmt   *stmt,
            GError        **error)
{
  if (!veil_db_step_done (stmt, error))
    return FALSE;
  if (sqlite3_changes (self->scan_db) == 0)
    {
      g_set_error_literal (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                           _("It was already removed. Reload the page to see what is kept."));
      return FALSE;
    }
  return TRUE;
}

/**
 * veil_store_remove_hash_list:
 * @list_id: a list's id from veil_store_list_hash_lists()
 *
 * Forgets an imported list and all its hashes. Alerts it already raised stay.
 */
gboolean
veil_store_remove_hash_list (VeilStore      *self,
                             gint64          list_id,
                             GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (list_id > 0, FALSE);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "DELETE FROM profile_hash_lists WHERE id = ?", error);
  ok = stmt != NULL;
  if (ok)
    ok = veil_db_bind_int64 (stmt, 1, list_id, error) &&
         delete_one (self, stmt, error);
  g_mutex_unlock (&self->scan_lock);
  if (ok)
    _veil_store_list_cache_forget (self, list_id);
  return ok;
}

static gpointer
protected_image_from_row (sqlite3_stmt  *stmt,
                          gpointer       user_data,
                          GError       **error)
{
  g_autoptr(VeilProtectedImage) image = g_new0 (VeilProtectedImage, 1);

  /* A row that does not hold a 256-bit hash cannot be shown or matched: leave it out. */
  if (!_veil_store_blob_to_hash (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1), &image->pdq))
    return NULL;
  image->md5 = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  image->added = sqlite3_column_int64 (stmt, 2);
  return g_steal_pointer (&image);
}

/**
 * veil_store_list_protected_images:
 *
 * Returns: (transfer full) (element-type VeilProtectedImage): the pictures @profile_id
 *   protects, newest first, as their MD5 and PDQ hashes only
 */
GPtrArray *
veil_store_list_protected_images (VeilStore      *self,
                                  gint64          profile_id,
                                  GError        **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  return _veil_store_scan_query_rows (self, "SELECT md5, pdq, added FROM protected_images WHERE profile_id = ?"
                                            " ORDER BY added DESC, md5",
                                      profile_id, protected_image_from_row, (GDestroyNotify) veil_protected_image_free,
                                      error);
}

/**
 * veil_store_unprotect_image:
 * @md5: the picture's MD5, as veil_store_list_protected_images() gives it
 *
 * Stops watching for one of the child's own pictures and forgets its hashes.
 */
gboolean
veil_store_unprotect_image (VeilStore      *self,
                            gint64          profile_id,
                            const char     *md5,
                            GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile_id > 0 && md5 != NULL, FALSE);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "DELETE FROM protected_images WHERE profile_id = ? AND md5 = ?", error);
  ok = stmt != NULL;
  if (ok)
    ok = veil_db_bind_int64 (stmt, 1, profile_id, error) &&
         veil_db_bind_text (stmt, 2, md5, error) &&
         delete_one (self, stmt, error);
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

/* A stored list as read from its row: the list rebuilt from the row's blobs, the digest of
 * its content, and whether the row lacked that digest (rows imported before it was kept). */
typedef struct {
  VeilHashList *list;
  char         *digest;
  gboolean      digest_changed;
} RowList;

static void
row_list_free (RowList *row)
{
  g_clear_object (&row->list);
  g_free (row->digest);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RowList, row_list_free)

/* Returns: (transfer full): the stored list in @stmt's current row (name, source, version,
 *   entries, hashes, labels, digest), or %NULL when it is damaged (the row is then left out) */
static gpointer
hash_list_entries_from_row (sqlite3_stmt  *stmt,
                            gpointer       user_data,
                            GError       **error)
{
  g_autoptr(RowList) row = g_new0 (RowList, 1);
  const char *name = (const char *) sqlite3_column_text (stmt, 0);
  const char *source = (const char *) sqlite3_column_text (stmt, 1);
  guint version = (guint) sqlite3_column_int (stmt, 2);
  guint n = (guint) sqlite3_column_int (stmt, 3);
  const guint8 *hashes = sqlite3_column_blob (stmt, 4);
  gsize hashes_size = (gsize) sqlite3_column_bytes (stmt, 4);
  const char *labels = sqlite3_column_blob (stmt, 5);
  gsize labels_size = (gsize) sqlite3_column_bytes (stmt, 5);
  gsize at = 0;

  if (hashes_size != (gsize) n * 32)
    {
      g_debug ("Skipping a damaged stored hash list");
      return NULL;
    }
  row->list = veil_hash_list_new (name);
  veil_hash_list_set_source (row->list, source);
  veil_hash_list_set_version (row->list, version);
  for (guint i = 0; i < n; i++)
    {
      VeilPdqHash hash;
      const char *label = "";

      _veil_store_blob_to_hash (hashes + 32 * i, 32, &hash);
      if (labels != NULL && at < labels_size && memchr (labels + at, '\0', labels_size - at) != NULL)
        {
          label = labels + at;
          at += strlen (label) + 1;
        }
      veil_hash_list_add (row->list, &hash, label);
    }
  row->digest = _veil_store_list_digest (name, source, version, hashes, hashes_size,
                                         (const guint8 *) labels, labels_size);
  row->digest_changed = g_strcmp0 (row->digest, (const char *) sqlite3_column_text (stmt, 6)) != 0;
  return g_steal_pointer (&row);
}

typedef struct {
  gint64  id;
  char   *digest; /* nullable */
  char   *name;
  char   *source;
} ListRef;

static void
list_ref_free (ListRef *ref)
{
  g_free (ref->digest);
  g_free (ref->name);
  g_free (ref->source);
  g_free (ref);
}

static gpointer
list_ref_from_row (sqlite3_stmt  *stmt,
                   gpointer       user_data,
                   GError       **error)
{
  ListRef *ref = g_new0 (ListRef, 1);

  ref->id = sqlite3_column_int64 (stmt, 0);
  ref->digest = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  ref->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  ref->source = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  return ref;
}

/* Rebuilds row @list_id's list from the row and writes its binary file. Returns: (transfer
 *   full): the list; %NULL with @error unset when the row is damaged or gone */
static VeilHashList *
load_list_from_row (VeilStore  *self,
                    gint64      list_id,
                    GError    **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  RowList *row;

  rows = _veil_store_scan_query_rows (self,
                                      "SELECT name, source, version, entries, hashes, labels, digest"
                                      " FROM profile_hash_lists WHERE id = ?",
                                      list_id, hash_list_entries_from_row, (GDestroyNotify) row_list_free, error);
  if (rows == NULL || rows->len == 0)
    return NULL;
  row = g_ptr_array_index (rows, 0);
  if (row->digest_changed)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autoptr(GError) local_error = NULL;

      /* A row from before digests were kept (or edited outside Veil): what it holds now is
       * what counts, and its digest follows it. */
      g_mutex_lock (&self->scan_lock);
      stmt = veil_db_prepare (self->scan_db, "UPDATE profile_hash_lists SET digest = ? WHERE id = ?", &local_error);
      if (stmt == NULL || !veil_db_bind_text (stmt, 1, row->digest, &local_error) ||
          !veil_db_bind_int64 (stmt, 2, list_id, &local_error) || !veil_db_step_done (stmt, &local_error))
        g_debug ("Cannot record a hash list's digest: %s", local_error->message);
      g_mutex_unlock (&self->scan_lock);
    }
  _veil_store_list_cache_save (self, list_id, row->list, row->digest);
  return g_object_ref (row->list);
}

/**
 * veil_store_load_hash_lists:
 * @profile_id: a profile, or 0 for the lists that apply to every profile
 *
 * Reads back the lists imported for exactly @profile_id, with their hashes and labels; a
 * damaged list is left out. Each comes from its binary file next to the store when that was
 * made from the row's content (a mapping, ready at once however long the list), else from
 * the row, which then writes the file again.
 *
 * Returns: (transfer full) (element-type VeilHashList): the lists, or %NULL with @error set
 */
GPtrArray *
veil_store_load_hash_lists (VeilStore  *self,
                            gint64      profile_id,
                            GError    **error)
{
  g_autoptr(GPtrArray) refs = NULL;
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  refs = _veil_store_scan_query_rows (self,
                                      "SELECT id, digest, name, source FROM profile_hash_lists WHERE coalesce(profile_id, 0) = ?"
                                      " ORDER BY id",
                                      profile_id, list_ref_from_row, (GDestroyNotify) list_ref_free, error);
  if (refs == NULL)
    return NULL;
  for (guint i = 0; i < refs->len; i++)
    {
      ListRef *ref = g_ptr_array_index (refs, i);
      VeilHashList *list = NULL;
      GError *local_error = NULL;

      if (ref->digest != NULL)
        list = _veil_store_list_cache_map (self, ref->id, ref->digest, ref->name, ref->source);
      if (list == NULL)
        list = load_list_from_row (self, ref->id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (list != NULL)
        g_ptr_array_add (lists, list);
    }
  return g_steal_pointer (&lists);
}

/* Removes the binary files of lists no longer stored: their profile was removed, or the
 * store was erased or replaced. */
void
_veil_store_tidy_list_cache (VeilStore *self)
{
  g_autoptr(GPtrArray) refs = NULL;
  g_autoptr(GHashTable) keep = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GError) error = NULL;

  refs = _veil_store_scan_query_rows (self, "SELECT id, digest, name, source FROM profile_hash_lists WHERE ?1 = ?1", 0,
                                      list_ref_from_row, (GDestroyNotify) list_ref_free, &error);
  if (refs == NULL)
    {
      g_debug ("Cannot tidy the hash lists' binary files: %s", error->message);
      return;
    }
  for (guint i = 0; i < refs->len; i++)
    g_hash_table_add (keep, &((ListRef *) g_ptr_array_index (refs, i))->id);
  _veil_store_list_cache_prune (self, keep);
}

/**
 * veil_store_list_exceptions:
 *
 * The guardian's "this was wrong" list of @profile_id (see veil_store_mark_wrong()).
 *
 * Returns: (transfer full) (element-type VeilPdqHash): the hashes, or %NULL with @error set
 */
GArray *
veil_store_list_exceptions (VeilStore  *self,
                            gint64      profile_id,
                            GError    **error)
{
  g_autoptr(GArray) hashes = g_array_new (FALSE, FALSE, sizeof (VeilPdqHash));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilDbStep step = VEIL_DB_STEP_FAILED;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "SELECT pdq FROM alert_exceptions WHERE profile_id = ?", error);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, profile_id, error))
    {
      while ((step = veil_db_step (stmt, error)) == VEIL_DB_STEP_ROW)
        {
          VeilPdqHash hash;

          if (_veil_store_blob_to_hash (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0), &hash))
            g_array_append_val (hashes, hash);
        }
    }
  g_mutex_unlock (&self->scan_lock);
  return step == VEIL_DB_STEP_DONE ? g_steal_pointer (&hashes) : NULL;
}
