/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-scan-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "veil-analyzer-private.h"
#include "veil-classifier-result-private.h"
#include "veil-consent.h"
#include "veil-scan-store.h"

/* VeilScanStore keeps its own SQLite connection to VeilStore's database: scan workers write
 * one file's results at a time from many threads, and their transactions must not interleave
 * with the store's. Its tables come with the store's schema (version 4); they reference the
 * store's profiles and alerts so that deleting a profile deletes what its scans left. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)


struct _VeilScanStore
{
  GObject parent_instance;

  VeilStore *store;   /* owned */
  GMutex     lock;    /* serialises use of db */
  sqlite3   *db;      /* owned */
};

G_DEFINE_FINAL_TYPE (VeilScanStore, veil_scan_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (veil-scan-store-error-quark, veil_scan_store_error)
G_DEFINE_BOXED_TYPE (VeilAlert, veil_alert, veil_alert_copy, veil_alert_free)

/* --- Helpers -------------------------------------------------------------------------------- */

static gboolean
set_db_error (sqlite3  *db,
              GError  **error)
{
  g_set_error (error, VEIL_SCAN_STORE_ERROR, VEIL_SCAN_STORE_ERROR_FAILED,
               _("Veil could not save or read scan results (%s). Close other Veil windows and try again."),
               sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
exec (VeilScanStore  *self,
      const char     *sql,
      GError        **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_db_error (self->db, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (VeilScanStore  *self,
         const char     *sql,
         GError        **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self->db, error);
      return NULL;
    }
  return stmt;
}

static gboolean
step_done (VeilScanStore  *self,
           sqlite3_stmt   *stmt,
           GError        **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_db_error (self->db, error);
  return TRUE;
}

static void
rollback (VeilScanStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
hash_to_blob (const VeilPdqHash *hash,
              guint8             blob[32])
{
  for (guint i = 0; i < 4; i++)
    {
      guint64 le = GUINT64_TO_LE (hash->w[i]);
      memcpy (blob + 8 * i, &le, 8);
    }
}

static gboolean
blob_to_hash (const void  *blob,
              int          size,
              VeilPdqHash *hash)
{
  if (blob == NULL || size != 32)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      guint64 le;

      memcpy (&le, (const guint8 *) blob + 8 * i, 8);
      hash->w[i] = GUINT64_FROM_LE (le);
    }
  return TRUE;
}

static char *
scores_to_json (VeilClassifierResult *scores)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = veil_classifier_result_get_n_classes (scores);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, veil_classifier_result_get_model_name (scores));
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, veil_classifier_result_get_model_version (scores));
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, veil_classifier_result_get_model_sha256 (scores));
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_array (b);
      json_builder_add_string_value (b, veil_classifier_result_get_class_name (scores, i));
      json_builder_add_double_value (b, veil_classifier_result_get_probability (scores, i));
      json_builder_add_double_value (b, veil_classifier_result_get_logit (scores, i));
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Returns: (nullable): the scores, or %NULL when the text is not what scores_to_json() wrote
 *   (the caller then analyses the file again) */
static VeilClassifierResult *
scores_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree const char **names = NULL;
  g_autofree float *p = NULL;
  g_autofree float *logits = NULL;
  JsonObject *o;
  JsonArray *classes;
  guint n;

  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (o, "classes"))
    return NULL;
  classes = json_object_get_array_member (o, "classes");
  n = classes != NULL ? json_array_get_length (classes) : 0;
  if (n == 0 || n > 1000)
    return NULL;

  names = g_new0 (const char *, n + 1);
  p = g_new0 (float, n);
  logits = g_new0 (float, n);
  for (guint i = 0; i < n; i++)
    {
      JsonArray *c = json_array_get_array_element (classes, i);

      if (c == NULL || json_array_get_length (c) != 3)
        return NULL;
      names[i] = json_array_get_string_element (c, 0);
      if (names[i] == NULL)
        return NULL;
      p[i] = (float) json_array_get_double_element (c, 1);
      logits[i] = (float) json_array_get_double_element (c, 2);
    }
  return _veil_classifier_result_new (n, _veil_analyzer_intern_class_names (names, n), p, logits,
                                      json_object_get_string_member_with_default (o, "model", ""),
                                      json_object_get_string_member_with_default (o, "version", ""),
                                      json_object_get_string_member_with_default (o, "sha256", ""));
}

void
veil_scan_cache_entry_clear (VeilScanCacheEntry *entry)
{
  g_clear_pointer (&entry->scores, veil_classifier_result_unref);
  g_clear_pointer (&entry->error, g_free);
}

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

/* Called in a transaction: how many distinct pictures of @profile_id wait or were told. */
static guint
count_distinct_alerts (VeilScanStore *self,
                       gint64         profile_id)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    "SELECT count(DISTINCT coalesce(pdq, id)) FROM alerts WHERE profile_id = ? AND source = 'library'"
    " AND state IN ('held', 'told')", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? (guint) sqlite3_column_int (stmt, 0) : 0;
}

static gboolean
insert_audit (VeilScanStore  *self,
              gint64          profile_id,
              const char     *kind,
              const char     *detail,
              GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    "INSERT INTO audit (profile_id, time, actor, kind, detail) VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  sqlite3_bind_text (stmt, 3, VEIL_ACTOR_VEIL, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, detail, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, error);
}

/* Called in a transaction, after a new held alert: tells the guardian about every held alert
 * once the distinct pictures reach the profile's threshold, if the profile says so. */
static gboolean
apply_threshold (VeilScanStore  *self,
                 VeilProfile    *profile,
                 guint          *out_newly_told,
                 GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 id = veil_profile_get_id (profile);
  guint told;

  *out_newly_told = 0;
  if (veil_profile_get_notify (profile) != VEIL_NOTIFY_GUARDIAN ||
      count_distinct_alerts (self, id) < MAX (1, veil_profile_get_match_threshold (profile)))
    return TRUE;

  stmt = prepare (self, "UPDATE alerts SET state = 'told' WHERE profile_id = ? AND source = 'library' AND state = 'held'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!step_done (self, stmt, error))
    return FALSE;
  told = (guint) sqlite3_changes (self->db);
  if (told > 0)
    {
      /* Translators: audit detail when library-scan alerts reach the guardian */
      g_autofree char *detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u held alert reached the match threshold and was shown to the guardian",
                                                           "%u held alerts reached the match threshold and were shown to the guardian",
                                                           told), told);

      if (!insert_audit (self, id, "alerts-told", detail, error))
        return FALSE;
    }
  *out_newly_told = told;
  return TRUE;
}

/* --- Object --------------------------------------------------------------------------------- */

static void
veil_scan_store_finalize (GObject *object)
{
  VeilScanStore *self = VEIL_SCAN_STORE (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_object (&self->store);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (veil_scan_store_parent_class)->finalize (object);
}

static void
veil_scan_store_class_init (VeilScanStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = veil_scan_store_finalize;
}

static void
veil_scan_store_init (VeilScanStore *self)
{
  g_mutex_init (&self->lock);
}

/* --- Public API ----------------------------------------------------------------------------- */

/**
 * veil_scan_store_new:
 * @store: an open store
 *
 * Returns: (transfer full): the scan store on @store's database, or %NULL with @error set
 */
VeilScanStore *
veil_scan_store_new (VeilStore  *store,
                     GError    **error)
{
  g_autoptr(VeilScanStore) self = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);

  self = g_object_new (VEIL_TYPE_SCAN_STORE, NULL);
  self->store = g_object_ref (store);
  if (sqlite3_open_v2 (veil_store_get_path (store), &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      set_db_error (self->db, error);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 10000);
  if (!exec (self, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;", error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Returns: (transfer none): the store this one lives next to */
VeilStore *
veil_scan_store_get_store (VeilScanStore *self)
{
  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), NULL);
  return self->store;
}

/**
 * veil_scan_store_lookup_file:
 * @out_entry: (out caller-allocates): the cached results; clear with
 *   veil_scan_cache_entry_clear()
 *
 * Returns: %TRUE when @path was analysed as it is now (same device, inode, size and mtime)
 *   by the same classifier
 */
gboolean
veil_scan_store_lookup_file (VeilScanStore       *self,
                             const char          *path,
                             const VeilFileStamp *stamp,
                             const char          *classifier_id,
                             VeilScanCacheEntry  *out_entry)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && stamp != NULL && classifier_id != NULL, FALSE);
  g_return_val_if_fail (out_entry != NULL, FALSE);

  memset (out_entry, 0, sizeof *out_entry);
  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT pdq, quality, scores, failure FROM scan_files WHERE path = ? AND device = ?"
                        " AND inode = ? AND size = ? AND mtime = ? AND classifier = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, (gint64) stamp->device);
      sqlite3_bind_int64 (stmt, 3, (gint64) stamp->inode);
      sqlite3_bind_int64 (stmt, 4, (gint64) stamp->size);
      sqlite3_bind_int64 (stmt, 5, stamp->mtime_ns);
      sqlite3_bind_text (stmt, 6, classifier_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *scores = (const char *) sqlite3_column_text (stmt, 2);

          found = TRUE;
          out_entry->has_hash = blob_to_hash (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0), &out_entry->hash);
          out_entry->quality = (guint) sqlite3_column_int (stmt, 1);
          out_entry->error = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          if (scores != NULL)
            {
              out_entry->scores = scores_from_json (scores);
              found = out_entry->scores != NULL;
            }
        }
    }
  g_mutex_unlock (&self->lock);

  if (!found)
    veil_scan_cache_entry_clear (out_entry);
  return found;
}

/**
 * veil_scan_store_record_file:
 * @verdict: (nullable): the verdict, or %NULL when the file could not be analysed
 * @scores: (nullable): the classifier's scores, kept for rescans
 * @failure: (nullable): why the file could not be analysed, kept so rescans skip it too
 * @profile: (nullable): whose alert a sensitive verdict becomes
 * @blurred_thumbnail: (nullable): the alert's thumbnail
 * @out_new_alert: (out) (optional): whether a new alert was recorded (not a duplicate)
 * @out_newly_told: (out) (optional): how many held alerts this one released to the guardian
 *
 * Records one analysed file in one transaction: the cache row, and for a sensitive verdict
 * an alert (one per picture hash and profile), and the threshold check. A scan killed at any
 * point keeps every file recorded before.
 */
gboolean
veil_scan_store_record_file (VeilScanStore        *self,
                             const char           *path,
                             const VeilFileStamp  *stamp,
                             const char           *classifier_id,
                             VeilVerdict          *verdict,
                             VeilClassifierResult *scores,
                             const char           *failure,
                             VeilProfile          *profile,
                             GBytes               *blurred_thumbnail,
                             gboolean             *out_new_alert,
                             guint                *out_newly_told,
                             GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *scores_json = NULL;
  const VeilPdqHash *hash = verdict != NULL ? veil_verdict_get_hash (verdict) : NULL;
  guint8 blob[32];
  gboolean new_alert = FALSE;
  guint told = 0;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && stamp != NULL && classifier_id != NULL, FALSE);

  if (hash != NULL)
    hash_to_blob (hash, blob);
  if (scores != NULL)
    scores_json = scores_to_json (scores);

  g_mutex_lock (&self->lock);
  if (!exec (self, "BEGIN IMMEDIATE", error))
    goto out;

  stmt = prepare (self, "INSERT OR REPLACE INTO scan_files (path, device, inode, size, mtime, classifier, pdq,"
                        " quality, scores, failure, scanned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (gint64) stamp->device);
  sqlite3_bind_int64 (stmt, 3, (gint64) stamp->inode);
  sqlite3_bind_int64 (stmt, 4, (gint64) stamp->size);
  sqlite3_bind_int64 (stmt, 5, stamp->mtime_ns);
  sqlite3_bind_text (stmt, 6, classifier_id, -1, SQLITE_STATIC);
  if (hash != NULL)
    sqlite3_bind_blob (stmt, 7, blob, sizeof blob, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, verdict != NULL ? (int) veil_verdict_get_hash_quality (verdict) : 0);
  sqlite3_bind_text (stmt, 9, scores_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, failure, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 11, now_seconds ());
  if (!step_done (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (verdict != NULL && profile != NULL && veil_verdict_get_sensitive (verdict))
    {
      gint64 profile_id = veil_profile_get_id (profile);
      g_autofree char *reasons = veil_verdict_to_json (verdict);
      gboolean duplicate = FALSE;

      /* One alert per picture: copies of it elsewhere in the library add nothing to review. */
      if (hash != NULL)
        {
          stmt = prepare (self, "SELECT 1 FROM alerts WHERE profile_id = ? AND pdq = ? AND source = 'library'", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, profile_id);
          sqlite3_bind_blob (stmt, 2, blob, sizeof blob, SQLITE_STATIC);
          duplicate = sqlite3_step (stmt) == SQLITE_ROW;
          g_clear_pointer (&stmt, sqlite3_finalize);
        }

      if (!duplicate)
        {
          stmt = prepare (self, "INSERT INTO alerts (profile_id, time, source, reasons, pdq, thumbnail, state)"
                                " VALUES (?, ?, 'library', ?, ?, ?, 'held')", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, profile_id);
          sqlite3_bind_int64 (stmt, 2, now_seconds ());
          sqlite3_bind_text (stmt, 3, reasons, -1, SQLITE_STATIC);
          if (hash != NULL)
            sqlite3_bind_blob (stmt, 4, blob, sizeof blob, SQLITE_STATIC);
          if (blurred_thumbnail != NULL)
            sqlite3_bind_blob64 (stmt, 5, g_bytes_get_data (blurred_thumbnail, NULL),
                                 g_bytes_get_size (blurred_thumbnail), SQLITE_STATIC);
          if (!step_done (self, stmt, error))
            goto fail;
          g_clear_pointer (&stmt, sqlite3_finalize);

          stmt = prepare (self, "INSERT INTO alert_files (alert_id, path) VALUES (?, ?)", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, sqlite3_last_insert_rowid (self->db));
          sqlite3_bind_text (stmt, 2, path, -1, SQLITE_STATIC);
          if (!step_done (self, stmt, error))
            goto fail;
          g_clear_pointer (&stmt, sqlite3_finalize);

          /* The audit log names no file: the child's page shows that an alert was held. */
          if (!insert_audit (self, profile_id, "alert", "library", error) ||
              !apply_threshold (self, profile, &told, error))
            goto fail;
          new_alert = TRUE;
        }
    }

  if (!exec (self, "COMMIT", error))
    goto fail;
  g_mutex_unlock (&self->lock);
  if (out_new_alert != NULL)
    *out_new_alert = new_alert;
  if (out_newly_told != NULL)
    *out_newly_told = told;
  return TRUE;

fail:
  rollback (self);
out:
  g_mutex_unlock (&self->lock);
  return FALSE;
}

/* Returns: whether @profile_id already has a library alert for this picture (a message alert
 * about it does not count: it may never have reached the guardian) */
gboolean
veil_scan_store_has_alert (VeilScanStore     *self,
                           gint64             profile_id,
                           const VeilPdqHash *hash)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;
  guint8 blob[32];

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  hash_to_blob (hash, blob);
  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT 1 FROM alerts WHERE profile_id = ? AND pdq = ? AND source = 'library'", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_blob (stmt, 2, blob, sizeof blob, SQLITE_STATIC);
      found = sqlite3_step (stmt) == SQLITE_ROW;
    }
  g_mutex_unlock (&self->lock);
  return found;
}

/* Returns: the number of files in the scan cache */
guint
veil_scan_store_count_cache (VeilScanStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), 0);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT count(*) FROM scan_files", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int (stmt, 0);
  g_mutex_unlock (&self->lock);
  return n;
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

/* Reads one row into a new element, or returns %NULL to leave the row out. */
typedef gpointer (*RowReader) (sqlite3_stmt *stmt);

/* Runs @sql with @id bound to ?1 and reads every row with @read_row, under the lock. */
static GPtrArray *
query_rows (VeilScanStore  *self,
            const char     *sql,
            gint64          id,
            RowReader       read_row,
            GDestroyNotify  free_func,
            GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = SQLITE_ERROR;

  g_mutex_lock (&self->lock);
  stmt = prepare (self, sql, error);
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
        set_db_error (self->db, error);
    }
  g_mutex_unlock (&self->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

static GPtrArray *
list_alerts_where (VeilScanStore  *self,
                   const char     *where_and_order,
                   gint64          id,
                   GError        **error)
{
  g_autofree char *sql = g_strconcat ("SELECT " ALERT_COLUMNS " ", where_and_order, NULL);

  return query_rows (self, sql, id, alert_from_row, (GDestroyNotify) veil_alert_free, error);
}

/**
 * veil_scan_store_list_alerts:
 *
 * Returns: (transfer full) (element-type VeilAlert): the library alerts of @profile_id,
 *   oldest first, without thumbnails
 */
GPtrArray *
veil_scan_store_list_alerts (VeilScanStore  *self,
                             gint64          profile_id,
                             GError        **error)
{
  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), NULL);

  return list_alerts_where (self, "WHERE a.profile_id = ? AND a.source = 'library' ORDER BY a.id", profile_id, error);
}

/**
 * veil_scan_store_list_message_alerts:
 *
 * Returns: (transfer full) (element-type VeilAlert): the message alerts of @profile_id,
 *   newest first, without thumbnails
 */
GPtrArray *
veil_scan_store_list_message_alerts (VeilScanStore  *self,
                                     gint64          profile_id,
                                     GError        **error)
{
  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), NULL);

  return list_alerts_where (self, "WHERE a.profile_id = ? AND a.source = 'message' ORDER BY a.time DESC, a.id DESC",
                            profile_id, error);
}

/**
 * veil_scan_store_count_alerts:
 * @state: (nullable): one of the VEIL_ALERT_STATE_* values, or %NULL for all
 *
 * Returns: how many library alerts @profile_id has (what the child's page shows)
 */
guint
veil_scan_store_count_alerts (VeilScanStore *self,
                              gint64         profile_id,
                              const char    *state)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), 0);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT count(*) FROM alerts WHERE profile_id = ? AND source = 'library'"
                        " AND (?2 IS NULL OR state = ?2)", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = (guint) sqlite3_column_int (stmt, 0);
    }
  g_mutex_unlock (&self->lock);
  return n;
}

static gboolean
not_found (GError **error)
{
  g_set_error_literal (error, VEIL_SCAN_STORE_ERROR, VEIL_SCAN_STORE_ERROR_NOT_FOUND,
                       _("This alert no longer exists. It may have expired or been deleted."));
  return FALSE;
}

/* Returns: (transfer full): the alert's blurred PNG thumbnail */
GBytes *
veil_scan_store_get_thumbnail (VeilScanStore  *self,
                               gint64          alert_id,
                               GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GBytes *bytes = NULL;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT thumbnail FROM alerts WHERE id = ? AND thumbnail IS NOT NULL", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, alert_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
      else
        not_found (error);
    }
  g_mutex_unlock (&self->lock);
  return bytes;
}

static gboolean
update_state (VeilScanStore  *self,
              gint64          alert_id,
              const char     *state,
              const char     *audit_kind,
              GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 profile_id = 0;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (self, "SELECT profile_id FROM alerts WHERE id = ?", error);
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

  stmt = prepare (self, state != NULL ? "UPDATE alerts SET state = ?2 WHERE id = ?1" : "DELETE FROM alerts WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, alert_id);
  if (state != NULL)
    sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self, "INSERT INTO audit (profile_id, time, actor, kind, detail) VALUES (?, ?, ?, ?, '')", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  sqlite3_bind_text (stmt, 3, VEIL_ACTOR_GUARDIAN, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, audit_kind, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    goto fail;
  return exec (self, "COMMIT", error) || (rollback (self), FALSE);

fail:
  rollback (self);
  return FALSE;
}

gboolean
veil_scan_store_dismiss_alert (VeilScanStore  *self,
                               gint64          alert_id,
                               GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_mutex_lock (&self->lock);
  ok = update_state (self, alert_id, VEIL_ALERT_STATE_DISMISSED, "alert-dismissed", error);
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
veil_scan_store_delete_alert (VeilScanStore  *self,
                              gint64          alert_id,
                              GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_mutex_lock (&self->lock);
  ok = update_state (self, alert_id, NULL, "alert-deleted", error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * veil_scan_store_mark_wrong:
 * @analyzer: (nullable): an analyzer to tell at once
 *
 * The guardian says this alert was wrong: its picture goes on the profile's exception list
 * and pictures like it raise no more alerts.
 */
gboolean
veil_scan_store_mark_wrong (VeilScanStore  *self,
                            gint64          alert_id,
                            VeilAnalyzer   *analyzer,
                            GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilPdqHash hash;
  gboolean has_hash = FALSE;
  gint64 profile_id = 0;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (analyzer == NULL || VEIL_IS_ANALYZER (analyzer), FALSE);

  g_mutex_lock (&self->lock);
  ok = update_state (self, alert_id, VEIL_ALERT_STATE_WRONG, "alert-marked-wrong", error);
  if (ok)
    {
      stmt = prepare (self, "INSERT OR IGNORE INTO alert_exceptions (profile_id, pdq, time)"
                            " SELECT profile_id, pdq, ? FROM alerts WHERE id = ? AND pdq IS NOT NULL"
                            " RETURNING profile_id, pdq", error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, now_seconds ());
      sqlite3_bind_int64 (stmt, 2, alert_id);
      int rc = sqlite3_step (stmt);

      if (rc == SQLITE_ROW)
        {
          profile_id = sqlite3_column_int64 (stmt, 0);
          has_hash = blob_to_hash (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1), &hash);
          rc = sqlite3_step (stmt);
        }
      ok = rc == SQLITE_DONE || set_db_error (self->db, error);
    }
  g_mutex_unlock (&self->lock);

  if (ok && has_hash && analyzer != NULL)
    veil_analyzer_add_exception (analyzer, profile_id, &hash);
  return ok;
}

/**
 * veil_scan_store_import_hash_list:
 * @profile_id: the profile the list is for, or 0 for every profile
 * @source: where the guardian got it (a file name or organisation)
 *
 * Keeps a copy of @list's hashes and labels, with its name, version, source, import time and
 * entry count.
 */
gboolean
veil_scan_store_import_hash_list (VeilScanStore  *self,
                                  gint64          profile_id,
                                  VeilHashList   *list,
                                  const char     *source,
                                  GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GByteArray) hashes = g_byte_array_new ();
  g_autoptr(GByteArray) labels = g_byte_array_new ();
  guint n;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (VEIL_IS_HASH_LIST (list), FALSE);

  n = veil_hash_list_get_n_entries (list);
  for (guint i = 0; i < n; i++)
    {
      const char *label = veil_hash_list_get_label (list, i);
      guint8 blob[32];

      hash_to_blob (veil_hash_list_get_hash (list, i), blob);
      g_byte_array_append (hashes, blob, sizeof blob);
      /* Labels are NUL-terminated, one per entry. */
      label = label != NULL ? label : "";
      g_byte_array_append (labels, (const guint8 *) label, strlen (label) + 1);
    }

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "INSERT INTO profile_hash_lists (profile_id, name, source, version, imported, entries,"
                        " hashes, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      if (profile_id != 0)
        sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_text (stmt, 2, veil_hash_list_get_name (list), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, source != NULL ? source : (veil_hash_list_get_source (list) ?: ""), -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, (int) veil_hash_list_get_version (list));
      sqlite3_bind_int64 (stmt, 5, now_seconds ());
      sqlite3_bind_int (stmt, 6, (int) n);
      sqlite3_bind_blob (stmt, 7, hashes->data, (int) hashes->len, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 8, labels->data, (int) labels->len, SQLITE_STATIC);
      ok = step_done (self, stmt, error);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
md5_file (const char    *path,
          char         **out_md5,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buf = g_malloc (64 * 1024);
  gssize n;

  in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return FALSE;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, 64 * 1024, cancellable, error)) > 0)
    g_checksum_update (md5, buf, n);
  if (n < 0)
    return FALSE;
  *out_md5 = g_strdup (g_checksum_get_string (md5));
  return TRUE;
}

/**
 * veil_scan_store_protect_image:
 * @out_md5: (out) (optional): the file's MD5, as StopNCII and Take It Down take it
 *
 * A child's own picture to watch for: only its PDQ hash and MD5 are kept, never the picture.
 */
gboolean
veil_scan_store_protect_image (VeilScanStore  *self,
                               gint64          profile_id,
                               const char     *path,
                               char          **out_md5,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *md5 = NULL;
  VeilImageLimits limits;
  guint8 blob[32];
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (profile_id > 0 && path != NULL, FALSE);

  veil_image_limits_init_default (&limits);
  /* The exact hash: the teen may hand it to StopNCII, whose hashes are exact too. */
  pdq = veil_pdq_hash_file (path, VEIL_PDQ_MODE_EXACT, FALSE, &limits, cancellable, error);
  if (pdq == NULL)
    return FALSE;
  if (!md5_file (path, &md5, cancellable, &local_error))
    {
      g_set_error (error, VEIL_SCAN_STORE_ERROR, VEIL_SCAN_STORE_ERROR_IO,
                   _("The picture could not be read (%s). Check that it still exists."), local_error->message);
      return FALSE;
    }
  hash_to_blob (veil_pdq_get_hash (pdq), blob);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "INSERT OR REPLACE INTO protected_images (profile_id, md5, pdq, added) VALUES (?, ?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_text (stmt, 2, md5, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, blob, sizeof blob, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, now_seconds ());
      ok = step_done (self, stmt, error);
    }
  g_mutex_unlock (&self->lock);

  if (ok && out_md5 != NULL)
    *out_md5 = g_steal_pointer (&md5);
  return ok;
}

static gpointer
hash_list_from_row (sqlite3_stmt *stmt)
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
 * veil_scan_store_list_hash_lists:
 *
 * Returns: (transfer full) (element-type VeilStoredHashList): the lists that apply to
 *   @profile_id (its own and those for every profile), and its protected pictures as one
 *   list of kind "protected"
 */
GPtrArray *
veil_scan_store_list_hash_lists (VeilScanStore  *self,
                                 gint64          profile_id,
                                 GError        **error)
{
  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), NULL);

  return query_rows (self,
                     "SELECT id, coalesce(profile_id, 0), 'list', name, source, version, imported, entries"
                     " FROM profile_hash_lists WHERE profile_id IS NULL OR profile_id = ?1"
                     " UNION ALL SELECT 0, profile_id, 'protected', '', '', 1, max(added), count(*)"
                     " FROM protected_images WHERE profile_id = ?1 GROUP BY profile_id",
                     profile_id, hash_list_from_row, (GDestroyNotify) veil_stored_hash_list_free, error);
}

/**
 * veil_scan_store_load_analyzer:
 *
 * Gives @analyzer the hash lists for every profile and those of @profile_id, its protected
 * pictures and its exception list, replacing what it had for them.
 */
gboolean
veil_scan_store_load_analyzer (VeilScanStore  *self,
                               VeilAnalyzer   *analyzer,
                               gint64          profile_id,
                               GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(VeilHashList) protected = NULL;
  int rc;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (VEIL_IS_ANALYZER (analyzer), FALSE);

  veil_analyzer_clear_hash_lists (analyzer, 0);
  veil_analyzer_clear_hash_lists (analyzer, profile_id);
  veil_analyzer_clear_exceptions (analyzer, profile_id);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT coalesce(profile_id, 0), name, source, version, entries, hashes, labels"
                        " FROM profile_hash_lists WHERE profile_id IS NULL OR profile_id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(VeilHashList) list = veil_hash_list_new ((const char *) sqlite3_column_text (stmt, 1));
      guint n = (guint) sqlite3_column_int (stmt, 4);
      const guint8 *hashes = sqlite3_column_blob (stmt, 5);
      gsize hashes_size = (gsize) sqlite3_column_bytes (stmt, 5);
      const char *labels = sqlite3_column_blob (stmt, 6);
      gsize labels_size = (gsize) sqlite3_column_bytes (stmt, 6);
      gsize at = 0;

      if (hashes_size != (gsize) n * 32)
        {
          g_debug ("Skipping a damaged stored hash list");
          continue;
        }
      veil_hash_list_set_source (list, (const char *) sqlite3_column_text (stmt, 2));
      veil_hash_list_set_version (list, (guint) sqlite3_column_int (stmt, 3));
      for (guint i = 0; i < n; i++)
        {
          VeilPdqHash hash;
          const char *label = "";

          blob_to_hash (hashes + 32 * i, 32, &hash);
          if (labels != NULL && at < labels_size && memchr (labels + at, '\0', labels_size - at) != NULL)
            {
              label = labels + at;
              at += strlen (label) + 1;
            }
          veil_hash_list_add (list, &hash, label);
        }
      veil_analyzer_add_hash_list (analyzer, sqlite3_column_int64 (stmt, 0), list, VEIL_SIGNAL_HASH_LIST);
    }
  if (rc != SQLITE_DONE)
    goto db_fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self, "SELECT md5, pdq FROM protected_images WHERE profile_id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VeilPdqHash hash;

      if (protected == NULL)
        protected = veil_hash_list_new (_("Protected pictures"));
      if (blob_to_hash (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1), &hash))
        veil_hash_list_add (protected, &hash, (const char *) sqlite3_column_text (stmt, 0));
    }
  if (rc != SQLITE_DONE)
    goto db_fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self, "SELECT pdq FROM alert_exceptions WHERE profile_id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VeilPdqHash hash;

      if (blob_to_hash (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0), &hash))
        veil_analyzer_add_exception (analyzer, profile_id, &hash);
    }
  if (rc != SQLITE_DONE)
    goto db_fail;
  g_mutex_unlock (&self->lock);

  if (protected != NULL)
    veil_analyzer_add_hash_list (analyzer, profile_id, protected, VEIL_SIGNAL_PROTECTED_IMAGE);
  return TRUE;

db_fail:
  set_db_error (self->db, error);
fail:
  g_mutex_unlock (&self->lock);
  return FALSE;
}

/**
 * veil_scan_store_begin_run:
 * @out_resumed: (out) (optional): whether an earlier scan of this profile never finished
 *   (Veil was closed or crashed); its finished files are in the cache and are not redone
 *
 * Returns: the new run's id, or 0 with @error set
 */
gint64
veil_scan_store_begin_run (VeilScanStore  *self,
                           gint64          profile_id,
                           gboolean       *out_resumed,
                           GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean resumed = FALSE;
  gint64 id = 0;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), 0);

  g_mutex_lock (&self->lock);
  if (!exec (self, "BEGIN IMMEDIATE", error))
    goto out;
  stmt = prepare (self, "DELETE FROM scan_runs WHERE profile_id = ? AND finished IS NULL", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  if (!step_done (self, stmt, error))
    goto fail;
  resumed = sqlite3_changes (self->db) > 0;
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = prepare (self, "INSERT INTO scan_runs (profile_id, started) VALUES (?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  if (!step_done (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  if (!exec (self, "COMMIT", error))
    {
      id = 0;
      goto fail;
    }
  goto out;

fail:
  rollback (self);
out:
  g_mutex_unlock (&self->lock);
  if (out_resumed != NULL)
    *out_resumed = resumed;
  return id;
}

gboolean
veil_scan_store_finish_run (VeilScanStore  *self,
                            gint64          run_id,
                            const char     *summary,
                            GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "UPDATE scan_runs SET finished = ?, summary = ? WHERE id = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, now_seconds ());
      sqlite3_bind_text (stmt, 2, summary, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, run_id);
      ok = step_done (self, stmt, error);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Returns: (transfer full) (nullable): the JSON summary of the profile's last finished scan */
char *
veil_scan_store_get_last_summary (VeilScanStore *self,
                                  gint64         profile_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *summary = NULL;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT summary FROM scan_runs WHERE profile_id = ? AND finished IS NOT NULL"
                        " ORDER BY id DESC LIMIT 1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        summary = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  g_mutex_unlock (&self->lock);
  return summary;
}

/* Steps a prepared DELETE and says NOT_FOUND when it removed nothing, so that the UI can
 * tell a row already gone from a real failure. */
static gboolean
delete_one (VeilScanStore  *self,
            sqlite3_stmt   *stmt,
            GError        **error)
{
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, VEIL_SCAN_STORE_ERROR, VEIL_SCAN_STORE_ERROR_NOT_FOUND,
                           _("It was already removed. Reload the page to see what is kept."));
      return FALSE;
    }
  return TRUE;
}

/**
 * veil_scan_store_remove_hash_list:
 * @list_id: a list's id from veil_scan_store_list_hash_lists()
 *
 * Forgets an imported list and all its hashes. Alerts it already raised stay.
 */
gboolean
veil_scan_store_remove_hash_list (VeilScanStore  *self,
                                  gint64          list_id,
                                  GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (list_id > 0, FALSE);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "DELETE FROM profile_hash_lists WHERE id = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, list_id);
      ok = delete_one (self, stmt, error);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

static gpointer
protected_image_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(VeilProtectedImage) image = g_new0 (VeilProtectedImage, 1);

  /* A row that does not hold a 256-bit hash cannot be shown or matched: leave it out. */
  if (!blob_to_hash (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1), &image->pdq))
    return NULL;
  image->md5 = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  image->added = sqlite3_column_int64 (stmt, 2);
  return g_steal_pointer (&image);
}

/**
 * veil_scan_store_list_protected_images:
 *
 * Returns: (transfer full) (element-type VeilProtectedImage): the pictures @profile_id
 *   protects, newest first, as their MD5 and PDQ hashes only
 */
GPtrArray *
veil_scan_store_list_protected_images (VeilScanStore  *self,
                                       gint64          profile_id,
                                       GError        **error)
{
  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), NULL);

  return query_rows (self, "SELECT md5, pdq, added FROM protected_images WHERE profile_id = ?"
                           " ORDER BY added DESC, md5",
                     profile_id, protected_image_from_row, (GDestroyNotify) veil_protected_image_free,
                     error);
}

/**
 * veil_scan_store_unprotect_image:
 * @md5: the picture's MD5, as veil_scan_store_list_protected_images() gives it
 *
 * Stops watching for one of the child's own pictures and forgets its hashes.
 */
gboolean
veil_scan_store_unprotect_image (VeilScanStore  *self,
                                 gint64          profile_id,
                                 const char     *md5,
                                 GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (profile_id > 0 && md5 != NULL, FALSE);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "DELETE FROM protected_images WHERE profile_id = ? AND md5 = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_text (stmt, 2, md5, -1, SQLITE_STATIC);
      ok = delete_one (self, stmt, error);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

/* --- Message alerts ------------------------------------------------------------------------- */

/**
 * veil_scan_store_record_message_alert:
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
veil_scan_store_record_message_alert (VeilScanStore  *self,
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

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), 0);
  g_return_val_if_fail (profile != NULL && path != NULL && verdict != NULL, 0);

  profile_id = veil_profile_get_id (profile);
  hash = veil_verdict_get_hash (verdict);
  if (hash != NULL)
    hash_to_blob (hash, blob);
  reasons = veil_verdict_to_json (verdict);
  folder_name = folder_name != NULL ? folder_name : "";

  g_mutex_lock (&self->lock);
  if (!exec (self, "BEGIN IMMEDIATE", error))
    goto out;

  stmt = prepare (self, "INSERT INTO alerts (profile_id, time, source, reasons, pdq, thumbnail, state, folder)"
                        " VALUES (?, ?, 'message', ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  sqlite3_bind_text (stmt, 3, reasons, -1, SQLITE_STATIC);
  if (hash != NULL)
    sqlite3_bind_blob (stmt, 4, blob, sizeof blob, SQLITE_STATIC);
  if (blurred_thumbnail != NULL)
    sqlite3_bind_blob64 (stmt, 5, g_bytes_get_data (blurred_thumbnail, NULL),
                         g_bytes_get_size (blurred_thumbnail), SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, tell_guardian ? VEIL_ALERT_STATE_TOLD : VEIL_ALERT_STATE_PRIVATE, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, folder_name, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self, "INSERT INTO alert_files (alert_id, path) VALUES (?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, path, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    goto fail;

  if (!insert_audit (self, profile_id, "message-warning", folder_name, error) ||
      !exec (self, "COMMIT", error))
    goto fail;
  g_mutex_unlock (&self->lock);
  return id;

fail:
  rollback (self);
out:
  g_mutex_unlock (&self->lock);
  return 0;
}

/**
 * veil_scan_store_get_alert:
 *
 * Returns: (transfer full): the alert, of any source, or %NULL with
 *   %VEIL_SCAN_STORE_ERROR_NOT_FOUND when it no longer exists
 */
VeilAlert *
veil_scan_store_get_alert (VeilScanStore  *self,
                           gint64          alert_id,
                           GError        **error)
{
  g_autoptr(GPtrArray) alerts = NULL;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), NULL);

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
 * veil_scan_store_set_hidden_path:
 * @hidden_path: (nullable): where Veil now keeps the alert's picture, or %NULL once it is
 *   back where it arrived
 */
gboolean
veil_scan_store_set_hidden_path (VeilScanStore  *self,
                                 gint64          alert_id,
                                 const char     *hidden_path,
                                 GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "UPDATE alerts SET hidden_path = ? WHERE id = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, hidden_path, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, alert_id);
      ok = step_done (self, stmt, error);
      if (ok && sqlite3_changes (self->db) == 0)
        ok = not_found (error);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * veil_scan_store_begin_message_watch:
 *
 * Notes, the first time only, when message warnings became active for @profile_id on this
 * computer: pictures that arrived before then are never analyzed by the message guard.
 *
 * Returns: that time in microseconds since the epoch, or 0 with @error set
 */
gint64
veil_scan_store_begin_message_watch (VeilScanStore  *self,
                                     gint64          profile_id,
                                     GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 since = 0;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), 0);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "INSERT INTO message_watch (profile_id, since) VALUES (?, ?)"
                        " ON CONFLICT (profile_id) DO UPDATE SET since = since RETURNING since", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
      if (sqlite3_step (stmt) == SQLITE_ROW)
        since = sqlite3_column_int64 (stmt, 0);
      else
        set_db_error (self->db, error);
    }
  g_mutex_unlock (&self->lock);
  return since;
}

/* Returns: whether the message guard already analyzed @path as it is now for @profile_id */
gboolean
veil_scan_store_lookup_message_file (VeilScanStore       *self,
                                     gint64               profile_id,
                                     const char          *path,
                                     const VeilFileStamp *stamp)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && stamp != NULL, FALSE);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT 1 FROM message_files WHERE profile_id = ? AND path = ? AND device = ?"
                        " AND inode = ? AND size = ? AND mtime = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_text (stmt, 2, path, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, (gint64) stamp->device);
      sqlite3_bind_int64 (stmt, 4, (gint64) stamp->inode);
      sqlite3_bind_int64 (stmt, 5, (gint64) stamp->size);
      sqlite3_bind_int64 (stmt, 6, stamp->mtime_ns);
      found = sqlite3_step (stmt) == SQLITE_ROW;
    }
  g_mutex_unlock (&self->lock);
  return found;
}

/* Remembers that the message guard analyzed this version of @path for @profile_id. */
gboolean
veil_scan_store_record_message_file (VeilScanStore       *self,
                                     gint64               profile_id,
                                     const char          *path,
                                     const VeilFileStamp *stamp,
                                     GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_SCAN_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && stamp != NULL, FALSE);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "INSERT OR REPLACE INTO message_files (profile_id, path, device, inode, size, mtime, analyzed)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      sqlite3_bind_text (stmt, 2, path, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, (gint64) stamp->device);
      sqlite3_bind_int64 (stmt, 4, (gint64) stamp->inode);
      sqlite3_bind_int64 (stmt, 5, (gint64) stamp->size);
      sqlite3_bind_int64 (stmt, 6, stamp->mtime_ns);
      sqlite3_bind_int64 (stmt, 7, now_seconds ());
      ok = step_done (self, stmt, error);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * veil_scan_store_release_memory:
 *
 * Gives back the memory SQLite caches for this connection, as veil_store_release_memory().
 */
void
veil_scan_store_release_memory (VeilScanStore *self)
{
  g_return_if_fail (VEIL_IS_SCAN_STORE (self));

  g_mutex_lock (&self->lock);
  sqlite3_db_release_memory (self->db);
  g_mutex_unlock (&self->lock);
}
