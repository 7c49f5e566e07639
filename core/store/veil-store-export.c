/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"
#include "veil-store-json.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "veil-consent.h"

/* VeilStore's retention, export and erase: what leaves the store and what is deleted for good. */

/**
 * veil_store_expire:
 * @now: the current Unix time
 *
 * Deletes alerts, reports and audit entries older than each profile's retention period.
 */
gboolean
veil_store_expire (VeilStore  *self,
                   gint64      now,
                   GError    **error)
{
  g_autoptr(GPtrArray) profiles = NULL;
  static const char * const tables[] = { "alerts", "reports", "audit" };

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  profiles = veil_store_list_profiles (self, error);
  if (profiles == NULL)
    goto fail;

  for (guint i = 0; i < profiles->len; i++)
    {
      VeilProfile *p = profiles->pdata[i];
      gint64 cutoff = now - (gint64) veil_profile_get_retention_days (p) * 24 * 60 * 60;

      for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
        {
          g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE profile_id = ? AND time < ?", tables[t]);
          g_autoptr(sqlite3_stmt) stmt = veil_db_prepare (self->db, sql, error);

          if (stmt == NULL ||
              !veil_db_bind_int64 (stmt, 1, veil_profile_get_id (p), error) ||
              !veil_db_bind_int64 (stmt, 2, cutoff, error) ||
              !veil_db_step_done (stmt, error))
            goto fail;
        }
    }
  return _veil_store_commit (self, error);

fail:
  _veil_store_rollback (self);
  return FALSE;
}

static JsonNode *
export_node (VeilStore  *self,
             GError    **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) profiles = veil_store_list_profiles (self, error);
  g_autoptr(GPtrArray) general = NULL;

  if (profiles == NULL)
    return NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "veil-export-1");
  json_builder_set_member_name (b, "profiles");
  json_builder_begin_array (b);
  for (guint i = 0; i < profiles->len; i++)
    {
      VeilProfile *p = profiles->pdata[i];
      g_autofree char *json = veil_profile_to_json (p);
      g_autoptr(JsonNode) settings = json_from_string (json, NULL);
      g_autoptr(GPtrArray) consent = veil_store_list_consent (self, veil_profile_get_id (p), error);
      g_autoptr(GPtrArray) audit = veil_store_list_audit (self, veil_profile_get_id (p), 0, error);

      if (consent == NULL || audit == NULL)
        return NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, veil_profile_get_version (p));
      json_builder_set_member_name (b, "settings");
      json_builder_add_value (b, g_steal_pointer (&settings));
      json_builder_set_member_name (b, "consent");
      json_builder_begin_array (b);
      for (guint j = 0; j < consent->len; j++)
        json_builder_add_value (b, veil_consent_record_to_json_node (consent->pdata[j]));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "audit");
      json_builder_begin_array (b);
      for (guint j = audit->len; j > 0; j--)
        json_builder_add_value (b, veil_audit_entry_to_json_node (audit->pdata[j - 1], VEIL_AUDIT_JSON_DEFAULT));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "alerts");
      json_builder_add_int_value (b, veil_store_count_alerts (self, veil_profile_get_id (p), NULL));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  general = veil_store_list_audit (self, 0, 0, error);
  if (general == NULL)
    return NULL;
  json_builder_set_member_name (b, "guardian-actions");
  json_builder_begin_array (b);
  for (guint j = general->len; j > 0; j--)
    json_builder_add_value (b, veil_audit_entry_to_json_node (general->pdata[j - 1], VEIL_AUDIT_JSON_NO_ACTOR));
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_store_export:
 * @dir: an existing folder chosen by the guardian
 *
 * Writes `veil-export.json` into @dir: every profile's settings, consent history and audit
 * log. Alerts are counted, not copied; no pixel data leaves the store this way.
 */
gboolean
veil_store_export (VeilStore   *self,
                   const char  *dir,
                   GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) gen = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                   _("The folder “%s” does not exist. Create it first, or choose another folder."), dir);
      return FALSE;
    }

  g_rec_mutex_lock (&self->lock);
  root = export_node (self, error);
  g_rec_mutex_unlock (&self->lock);
  if (root == NULL)
    return FALSE;

  gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  path = g_build_filename (dir, "veil-export.json", NULL);

  /* Refuse to overwrite: an earlier export is the guardian's file. */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_EXISTS,
                   _("“%s” already exists. Move it away or choose another folder."), path);
      return FALSE;
    }
  if (!json_generator_to_file (gen, path, error))
    return FALSE;
  g_chmod (path, 0600);

  return veil_store_add_audit (self, 0, VEIL_ACTOR_GUARDIAN, "export", dir, error);
}

/**
 * veil_store_erase_all:
 *
 * Deletes everything Veil stored: profiles, consent, alerts, reports, scan runs, the scan cache,
 * the audit log, Veil's own notes and the hash lists with their binary files. The file stays,
 * empty, at the current schema.
 */
gboolean
veil_store_erase_all (VeilStore  *self,
                      GError    **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  if (!veil_db_exec (self->db,
                "DELETE FROM reports; DELETE FROM alert_files; DELETE FROM alerts;"
                "DELETE FROM scan_files; DELETE FROM scan_runs; DELETE FROM alert_exceptions;"
                "DELETE FROM profile_hash_lists; DELETE FROM protected_images;"
                "DELETE FROM message_files; DELETE FROM message_watch;"
                "DELETE FROM consent; DELETE FROM audit; DELETE FROM profile_versions;"
                "DELETE FROM profiles; DELETE FROM meta;", error))
    {
      _veil_store_rollback (self);
      return FALSE;
    }
  if (!_veil_store_commit (self, error))
    return FALSE;

  /* Shrink the file and fold the log back in, so erased rows are gone from disk too, and
   * remove the lists' binary files with their rows. */
  g_rec_mutex_lock (&self->lock);
  veil_db_exec (self->db, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);", NULL);
  g_rec_mutex_unlock (&self->lock);
  _veil_store_list_cache_prune (self, NULL);
  return TRUE;
}
