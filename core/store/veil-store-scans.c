/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "veil-classifier-result-private.h"
#include "veil-consent.h"

/* What the stored reasons of a verdict Veil could not check hold (see veil_reason_to_json()). */
#define UNCHECKED_REASONS "'%\"signal\":\"unchecked\"%'"

/* What library scans leave behind: the scan cache, the runs that fill it and what the message
 * guard has seen. These use the store's second connection (see veil-store-private.h); the
 * helpers below are shared with the other files of VeilStore that use it. */

/* --- Helpers -------------------------------------------------------------------------------- */

gint64
_veil_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
_veil_store_hash_to_blob (const VeilPdqHash *hash,
                          guint8             blob[32])
{
  for (guint i = 0; i < 4; i++)
    {
      guint64 le = GUINT64_TO_LE (hash->w[i]);
      memcpy (blob + 8 * i, &le, 8);
    }
}

gboolean
_veil_store_blob_to_hash (const void  *blob,
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

static void
add_scores (JsonBuilder          *b,
            VeilClassifierResult *scores)
{
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
  /* The second opinion on a borderline flag, so a rescan judges it the same way. */
  if (veil_classifier_result_get_second (scores) != NULL)
    {
      json_builder_set_member_name (b, "second");
      add_scores (b, veil_classifier_result_get_second (scores));
    }
  json_builder_end_object (b);
}

static char *
scores_to_json (VeilClassifierResult *scores)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  add_scores (b, scores);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Returns: (nullable): the scores, or %NULL when the text is not what scores_to_json() wrote
 *   (the caller then analyses the file again) */
static VeilClassifierResult *
scores_from_object (JsonObject *o,
                    gboolean    with_second)
{
  g_autofree const char **names = NULL;
  g_autofree float *p = NULL;
  g_autofree float *logits = NULL;
  g_autoptr(VeilClassifierResult) second = NULL;
  VeilClassifierResult *result;
  JsonArray *classes;
  guint n;

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
  if (with_second && json_object_has_member (o, "second"))
    {
      JsonObject *s = json_object_get_object_member (o, "second");

      if (s == NULL || (second = scores_from_object (s, FALSE)) == NULL)
        return NULL;
    }
  result = _veil_classifier_result_new (n, _veil_classifier_result_intern_class_names (names, n), p, logits,
                                        json_object_get_string_member_with_default (o, "model", ""),
                                        json_object_get_string_member_with_default (o, "version", ""),
                                        json_object_get_string_member_with_default (o, "sha256", ""));
  _veil_classifier_result_set_second (result, second);
  return result;
}

static VeilClassifierResult *
scores_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return scores_from_object (json_node_get_object (json_parser_get_root (parser)), TRUE);
}

void
veil_scan_cache_entry_clear (VeilScanCacheEntry *entry)
{
  g_clear_pointer (&entry->scores, veil_classifier_result_unref);
  g_clear_pointer (&entry->error, g_free);
}

/* Called in a transaction: how many distinct pictures of @profile_id wait or were told. */
static guint
count_distinct_alerts (VeilStore     *self,
                       gint64         profile_id)
{
  /* A picture Veil could not check is no match: it does not bring the threshold closer. */
  g_autoptr(sqlite3_stmt) stmt = veil_db_prepare (self->scan_db, "SELECT count(DISTINCT coalesce(pdq, id)) FROM alerts WHERE profile_id = ? AND source = 'library'"
                     " AND state IN ('held', 'told') AND reasons NOT LIKE " UNCHECKED_REASONS, NULL);

  if (stmt == NULL || !veil_db_bind_int64 (stmt, 1, profile_id, NULL))
    return 0;
  return veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW ? (guint) sqlite3_column_int (stmt, 0) : 0;
}

/* Called in a transaction, after a new held alert: tells the guardian about every held alert
 * once the distinct pictures reach the profile's threshold, if the profile says so. */
static gboolean
apply_threshold (VeilStore      *self,
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

  stmt = veil_db_prepare (self->scan_db, "UPDATE alerts SET state = 'told' WHERE profile_id = ? AND source = 'library' AND state = 'held'", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, id, error) ||
      !veil_db_step_done (stmt, error))
    return FALSE;
  told = (guint) sqlite3_changes (self->scan_db);
  if (told > 0)
    {
      /* Translators: audit detail when library-scan alerts reach the guardian */
      g_autofree char *detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u held alert reached the match threshold and was shown to the guardian",
                                                           "%u held alerts reached the match threshold and were shown to the guardian",
                                                           told), told);

      if (!_veil_store_insert_audit (self->scan_db, id, _veil_store_now (), VEIL_ACTOR_VEIL, "alerts-told", detail, error))
        return FALSE;
    }
  *out_newly_told = told;
  return TRUE;
}

/* In record_file's transaction: a picture Veil could not check is not cached (the next scan
 * tries it again) and is listed once per file as a library alert of its own, without a
 * thumbnail. It reaches the guardian at once when the profile tells the guardian, since it
 * says nothing about the picture but that it was not checked; it never counts as a match. */
static gboolean
record_unchecked (VeilStore     *self,
                  const char    *path,
                  VeilVerdict   *verdict,
                  VeilProfile   *profile,
                  gboolean      *out_new_alert,
                  GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *reasons = veil_verdict_to_json (verdict);
  gint64 profile_id;
  VeilDbStep step;

  stmt = veil_db_prepare (self->scan_db, "DELETE FROM scan_files WHERE path = ?", error);
  if (stmt == NULL || !veil_db_bind_text (stmt, 1, path, error) || !veil_db_step_done (stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (profile == NULL)
    return TRUE;

  profile_id = veil_profile_get_id (profile);
  stmt = veil_db_prepare (self->scan_db, "SELECT 1 FROM alerts a JOIN alert_files f ON f.alert_id = a.id WHERE a.profile_id = ?"
                                         " AND a.source = 'library' AND f.path = ? AND a.reasons LIKE " UNCHECKED_REASONS, error);
  if (stmt == NULL || !veil_db_bind_int64 (stmt, 1, profile_id, error) || !veil_db_bind_text (stmt, 2, path, error))
    return FALSE;
  step = veil_db_step (stmt, error);
  if (step != VEIL_DB_STEP_DONE)
    return step == VEIL_DB_STEP_ROW;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = veil_db_prepare (self->scan_db, "INSERT INTO alerts (profile_id, time, source, reasons, state)"
                                         " VALUES (?, ?, 'library', ?, ?)", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, profile_id, error) ||
      !veil_db_bind_int64 (stmt, 2, _veil_store_now (), error) ||
      !veil_db_bind_text (stmt, 3, reasons, error) ||
      !veil_db_bind_text (stmt, 4, veil_profile_get_notify (profile) == VEIL_NOTIFY_GUARDIAN ? VEIL_ALERT_STATE_TOLD
                                                                                          : VEIL_ALERT_STATE_HELD, error) ||
      !veil_db_step_done (stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = veil_db_prepare (self->scan_db, "INSERT INTO alert_files (alert_id, path) VALUES (?, ?)", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, sqlite3_last_insert_rowid (self->scan_db), error) ||
      !veil_db_bind_text (stmt, 2, path, error) ||
      !veil_db_step_done (stmt, error) ||
      !_veil_store_insert_audit (self->scan_db, profile_id, _veil_store_now (), VEIL_ACTOR_VEIL, "not-checked", "library", error))
    return FALSE;
  *out_new_alert = TRUE;
  return TRUE;
}

/* --- Connection ----------------------------------------------------------------------------- */

gboolean
_veil_store_open_scan_db (VeilStore  *self,
                          GError    **error)
{
  self->scan_db = veil_db_open (self->path, VEIL_DB_WORKER, error);
  return self->scan_db != NULL && veil_db_configure (self->scan_db, VEIL_DB_WORKER, error);
}

/* --- Scan cache ----------------------------------------------------------------------------- */

/**
 * veil_store_lookup_file:
 * @out_entry: (out caller-allocates): the cached results; clear with
 *   veil_scan_cache_entry_clear()
 *
 * Returns: %TRUE when @path was analysed as it is now (same device, inode, size and mtime)
 *   by the same classifier
 */
gboolean
veil_store_lookup_file (VeilStore           *self,
                        const char          *path,
                        const VeilFileStamp *stamp,
                        const char          *classifier_id,
                        VeilScanCacheEntry  *out_entry)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && stamp != NULL && classifier_id != NULL, FALSE);
  g_return_val_if_fail (out_entry != NULL, FALSE);

  memset (out_entry, 0, sizeof *out_entry);
  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "SELECT pdq, quality, scores, failure FROM scan_files WHERE path = ? AND device = ?"
                                         " AND inode = ? AND size = ? AND mtime = ? AND classifier = ?", NULL);
  if (stmt != NULL &&
      veil_db_bind_text (stmt, 1, path, NULL) &&
      veil_db_bind_stamp (stmt, 2, stamp->device, stamp->inode, stamp->size, stamp->mtime_ns, NULL) &&
      veil_db_bind_text (stmt, 6, classifier_id, NULL))
    {
      if (veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW)
        {
          const char *scores = (const char *) sqlite3_column_text (stmt, 2);

          found = TRUE;
          out_entry->has_hash = _veil_store_blob_to_hash (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0), &out_entry->hash);
          out_entry->quality = (guint) sqlite3_column_int (stmt, 1);
          out_entry->error = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          if (scores != NULL)
            {
              out_entry->scores = scores_from_json (scores);
              found = out_entry->scores != NULL;
            }
        }
    }
  g_mutex_unlock (&self->scan_lock);

  if (!found)
    veil_scan_cache_entry_clear (out_entry);
  return found;
}

/**
 * veil_store_record_file:
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
/* In record_file's transaction: the scan cache row. */
static gboolean
record_cache_row (VeilStore            *self,
                  const char           *path,
                  const VeilFileStamp  *stamp,
                  const char           *classifier_id,
                  VeilVerdict          *verdict,
                  const guint8         *blob,
                  const char           *scores_json,
                  const char           *failure,
                  GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = veil_db_prepare (self->scan_db, "INSERT OR REPLACE INTO scan_files (path, device, inode, size, mtime, classifier, pdq,"
                                         " quality, scores, failure, scanned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  return stmt != NULL &&
         veil_db_bind_text (stmt, 1, path, error) &&
         veil_db_bind_stamp (stmt, 2, stamp->device, stamp->inode, stamp->size, stamp->mtime_ns, error) &&
         veil_db_bind_text (stmt, 6, classifier_id, error) &&
         veil_db_bind_blob (stmt, 7, blob, 32, error) &&
         veil_db_bind_int (stmt, 8, verdict != NULL ? (int) veil_verdict_get_hash_quality (verdict) : 0, error) &&
         veil_db_bind_text (stmt, 9, scores_json, error) &&
         veil_db_bind_text (stmt, 10, failure, error) &&
         veil_db_bind_int64 (stmt, 11, _veil_store_now (), error) &&
         veil_db_step_done (stmt, error);
}

/* In record_file's transaction: whether @profile_id has a library alert for this picture. */
static gboolean
find_library_alert (VeilStore     *self,
                    gint64         profile_id,
                    const guint8  *blob,
                    gboolean      *out_found,
                    GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilDbStep step;

  *out_found = FALSE;
  stmt = veil_db_prepare (self->scan_db, "SELECT 1 FROM alerts WHERE profile_id = ? AND pdq = ? AND source = 'library'", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, profile_id, error) ||
      !veil_db_bind_blob (stmt, 2, blob, 32, error))
    return FALSE;
  step = veil_db_step (stmt, error);
  *out_found = step == VEIL_DB_STEP_ROW;
  return step != VEIL_DB_STEP_FAILED;
}

/* In record_file's transaction: a new held library alert, its file and its audit entry,
 * then the threshold check. */
static gboolean
insert_library_alert (VeilStore     *self,
                      VeilProfile   *profile,
                      const char    *path,
                      VeilVerdict   *verdict,
                      const guint8  *blob,
                      GBytes        *blurred_thumbnail,
                      guint         *out_told,
                      GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *reasons = veil_verdict_to_json (verdict);
  gint64 profile_id = veil_profile_get_id (profile);

  stmt = veil_db_prepare (self->scan_db, "INSERT INTO alerts (profile_id, time, source, reasons, pdq, thumbnail, state)"
                                         " VALUES (?, ?, 'library', ?, ?, ?, 'held')", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, profile_id, error) ||
      !veil_db_bind_int64 (stmt, 2, _veil_store_now (), error) ||
      !veil_db_bind_text (stmt, 3, reasons, error) ||
      !veil_db_bind_blob (stmt, 4, blob, 32, error) ||
      !veil_db_bind_blob (stmt, 5, blurred_thumbnail != NULL ? g_bytes_get_data (blurred_thumbnail, NULL) : NULL,
                          blurred_thumbnail != NULL ? g_bytes_get_size (blurred_thumbnail) : 0, error) ||
      !veil_db_step_done (stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = veil_db_prepare (self->scan_db, "INSERT INTO alert_files (alert_id, path) VALUES (?, ?)", error);
  return stmt != NULL &&
         veil_db_bind_int64 (stmt, 1, sqlite3_last_insert_rowid (self->scan_db), error) &&
         veil_db_bind_text (stmt, 2, path, error) &&
         veil_db_step_done (stmt, error) &&
         /* The audit log names no file: the child's page shows that an alert was held. */
         _veil_store_insert_audit (self->scan_db, profile_id, _veil_store_now (), VEIL_ACTOR_VEIL, "alert", "library", error) &&
         apply_threshold (self, profile, out_told, error);
}

/**
 * veil_store_record_file:
 * @verdict: (nullable): the verdict, or %NULL when the file could not be analysed
 * @scores: (nullable): the classifier's scores, kept for rescans
 * @failure: (nullable): why the file could not be analysed, kept so rescans skip it too
 * @profile: (nullable): whose alert a sensitive verdict becomes
 * @blurred_thumbnail: (nullable): the alert's thumbnail
 * @out_new_alert: (out) (optional): whether a new alert was recorded (not a duplicate)
 * @out_newly_told: (out) (optional): how many held alerts this one released to the guardian
 *
 * Records one analysed file in one transaction: the cache row, and for a sensitive verdict
 * an alert (one per picture hash and profile), and the threshold check. A verdict Veil could
 * not check (veil_verdict_get_unchecked()) is never cached, so a rescan tries the file again;
 * it is listed once per file as a "not checked" alert. A scan killed at any point keeps every
 * file recorded before.
 */
gboolean
veil_store_record_file (VeilStore            *self,
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
  g_autofree char *scores_json = NULL;
  const VeilPdqHash *hash = verdict != NULL ? veil_verdict_get_hash (verdict) : NULL;
  guint8 blob[32];
  gboolean new_alert = FALSE;
  guint told = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && stamp != NULL && classifier_id != NULL, FALSE);

  if (hash != NULL)
    _veil_store_hash_to_blob (hash, blob);
  if (scores != NULL)
    scores_json = scores_to_json (scores);

  g_mutex_lock (&self->scan_lock);
  if (!veil_db_begin (self->scan_db, error))
    goto out;

  if (verdict != NULL && veil_verdict_get_unchecked (verdict) && !veil_verdict_get_sensitive (verdict))
    {
      if (!record_unchecked (self, path, verdict, profile, &new_alert, error))
        goto fail;
    }
  else if (!record_cache_row (self, path, stamp, classifier_id, verdict, hash != NULL ? blob : NULL,
                              scores_json, failure, error))
    goto fail;

  if (verdict != NULL && profile != NULL && veil_verdict_get_sensitive (verdict))
    {
      gboolean duplicate = FALSE;

      /* One alert per picture: copies of it elsewhere in the library add nothing to review. */
      if (hash != NULL && !find_library_alert (self, veil_profile_get_id (profile), blob, &duplicate, error))
        goto fail;
      if (!duplicate)
        {
          if (!insert_library_alert (self, profile, path, verdict, hash != NULL ? blob : NULL,
                                     blurred_thumbnail, &told, error))
            goto fail;
          new_alert = TRUE;
        }
    }

  if (!veil_db_commit (self->scan_db, error))
    goto fail;
  g_mutex_unlock (&self->scan_lock);
  if (out_new_alert != NULL)
    *out_new_alert = new_alert;
  if (out_newly_told != NULL)
    *out_newly_told = told;
  return TRUE;

fail:
  veil_db_rollback (self->scan_db);
out:
  g_mutex_unlock (&self->scan_lock);
  return FALSE;
}

/* Returns: whether @profile_id already has a library alert for this picture (a message alert
 * about it does not count: it may never have reached the guardian) */
gboolean
veil_store_has_alert (VeilStore         *self,
                      gint64             profile_id,
                      const VeilPdqHash *hash)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;
  guint8 blob[32];

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  _veil_store_hash_to_blob (hash, blob);
  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "SELECT 1 FROM alerts WHERE profile_id = ? AND pdq = ? AND source = 'library'", NULL);
  if (stmt != NULL &&
      veil_db_bind_int64 (stmt, 1, profile_id, NULL) &&
      veil_db_bind_blob (stmt, 2, blob, sizeof blob, NULL))
    found = veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW;
  g_mutex_unlock (&self->scan_lock);
  return found;
}

/* Returns: the number of files in the scan cache */
guint
veil_store_count_cache (VeilStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "SELECT count(*) FROM scan_files", NULL);
  if (stmt != NULL && veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW)
    n = (guint) sqlite3_column_int (stmt, 0);
  g_mutex_unlock (&self->scan_lock);
  return n;
}

/* --- Scan runs ----------------------------------------------------------------------------- */

/**
 * veil_store_begin_run:
 * @out_resumed: (out) (optional): whether an earlier scan of this profile never finished
 *   (Veil was closed or crashed); its finished files are in the cache and are not redone
 *
 * Returns: the new run's id, or 0 with @error set
 */
gint64
veil_store_begin_run (VeilStore      *self,
                      gint64          profile_id,
                      gboolean       *out_resumed,
                      GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean resumed = FALSE;
  gint64 id = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_mutex_lock (&self->scan_lock);
  if (!veil_db_begin (self->scan_db, error))
    goto out;
  stmt = veil_db_prepare (self->scan_db, "DELETE FROM scan_runs WHERE profile_id = ? AND finished IS NULL", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, profile_id, error) ||
      !veil_db_step_done (stmt, error))
    goto fail;
  resumed = sqlite3_changes (self->scan_db) > 0;
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = veil_db_prepare (self->scan_db, "INSERT INTO scan_runs (profile_id, started) VALUES (?, ?)", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, profile_id, error) ||
      !veil_db_bind_int64 (stmt, 2, veil_store_get_time (self), error) ||
      !veil_db_step_done (stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->scan_db);
  if (!veil_db_commit (self->scan_db, error))
    {
      id = 0;
      goto fail;
    }
  goto out;

fail:
  veil_db_rollback (self->scan_db);
out:
  g_mutex_unlock (&self->scan_lock);
  if (out_resumed != NULL)
    *out_resumed = resumed;
  return id;
}

gboolean
veil_store_finish_run (VeilStore      *self,
                       gint64          run_id,
                       const char     *summary,
                       GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "UPDATE scan_runs SET finished = ?, summary = ? WHERE id = ?", error);
  ok = stmt != NULL;
  if (ok)
    ok = veil_db_bind_int64 (stmt, 1, veil_store_get_time (self), error) &&
         veil_db_bind_text (stmt, 2, summary, error) &&
         veil_db_bind_int64 (stmt, 3, run_id, error) &&
         veil_db_step_done (stmt, error);
  g_mutex_unlock (&self->scan_lock);
  return ok;
}

/* Returns: (transfer full) (nullable): the JSON summary of the profile's last finished scan */
char *
veil_store_get_last_summary (VeilStore     *self,
                             gint64         profile_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *summary = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "SELECT summary FROM scan_runs WHERE profile_id = ? AND finished IS NOT NULL"
                                         " ORDER BY id DESC LIMIT 1", NULL);
  if (stmt != NULL && veil_db_bind_int64 (stmt, 1, profile_id, NULL))
    {
      if (veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW)
        summary = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  g_mutex_unlock (&self->scan_lock);
  return summary;
}

/* --- Message watch ------------------------------------------------------------------------- */

/**
 * veil_store_begin_message_watch:
 *
 * Notes, the first time only, when message warnings became active for @profile_id on this
 * computer: pictures that arrived before then are never analyzed by the message guard.
 *
 * Returns: that time in microseconds since the epoch, or 0 with @error set
 */
gint64
veil_store_begin_message_watch (VeilStore      *self,
                                gint64          profile_id,
                                GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 since = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "INSERT INTO message_watch (profile_id, since) VALUES (?, ?)"
                                         " ON CONFLICT (profile_id) DO UPDATE SET since = since RETURNING since", error);
  if (stmt != NULL &&
      veil_db_bind_int64 (stmt, 1, profile_id, error) &&
      veil_db_bind_int64 (stmt, 2, g_get_real_time (), error))
    {
      VeilDbStep step = veil_db_step (stmt, error);

      if (step == VEIL_DB_STEP_ROW)
        since = sqlite3_column_int64 (stmt, 0);
      else if (step == VEIL_DB_STEP_DONE)
        veil_db_set_error (self->scan_db, SQLITE_ERROR, error);
    }
  g_mutex_unlock (&self->scan_lock);
  return since;
}

/* Returns: whether the message guard already analyzed @path as it is now for @profile_id */
gboolean
veil_store_lookup_message_file (VeilStore           *self,
                                gint64               profile_id,
                                const char          *path,
                                const VeilFileStamp *stamp)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && stamp != NULL, FALSE);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "SELECT 1 FROM message_files WHERE profile_id = ? AND path = ? AND device = ?"
                                         " AND inode = ? AND size = ? AND mtime = ?", NULL);
  if (stmt != NULL &&
      veil_db_bind_int64 (stmt, 1, profile_id, NULL) &&
      veil_db_bind_text (stmt, 2, path, NULL) &&
      veil_db_bind_stamp (stmt, 3, stamp->device, stamp->inode, stamp->size, stamp->mtime_ns, NULL))
    found = veil_db_step (stmt, NULL) == VEIL_DB_STEP_ROW;
  g_mutex_unlock (&self->scan_lock);
  return found;
}

/* Remembers that the message guard analyzed this version of @path for @profile_id. */
gboolean
veil_store_record_message_file (VeilStore           *self,
                                gint64               profile_id,
                                const char          *path,
                                const VeilFileStamp *stamp,
                                GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && stamp != NULL, FALSE);

  g_mutex_lock (&self->scan_lock);
  stmt = veil_db_prepare (self->scan_db, "INSERT OR REPLACE INTO message_files (profile_id, path, device, inode, size, mtime, analyzed)"
                                         " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    ok = veil_db_bind_int64 (stmt, 1, profile_id, error) &&
         veil_db_bind_text (stmt, 2, path, error) &&
         veil_db_bind_stamp (stmt, 3, stamp->device, stamp->inode, stamp->size, stamp->mtime_ns, error) &&
         veil_db_bind_int64 (stmt, 7, _veil_store_now (), error) &&
         veil_db_step_done (stmt, error);
  g_mutex_unlock (&self->scan_lock);
  return ok;
}
