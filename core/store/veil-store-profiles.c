/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>

#include "veil-consent.h"
#include "veil-profile-private.h"

/* VeilStore's profiles: saved versions, signatures and the consent and audit rows a save
 * writes with them. */

static char *
sign_profile (VeilStore  *self,
              gint64      id,
              guint       version,
              const char *name,
              const char *data)
{
  g_autoptr(GHmac) hmac = NULL;
  g_autofree char *header = NULL;

  if (self->integrity_key == NULL)
    return NULL;

  hmac = g_hmac_new (G_CHECKSUM_SHA256,
                     g_bytes_get_data (self->integrity_key, NULL),
                     g_bytes_get_size (self->integrity_key));
  /* The id, version and name are signed too, so rows cannot be swapped or renamed. */
  header = g_strdup_printf ("veil-profile\n%" G_GINT64_FORMAT "\n%u\n%s\n", id, version, name);
  g_hmac_update (hmac, (const guchar *) header, -1);
  g_hmac_update (hmac, (const guchar *) data, -1);

  return g_strdup (g_hmac_get_string (hmac));
}

static VeilProfileIntegrity
check_signature (VeilStore  *self,
                 gint64      id,
                 guint       version,
                 const char *name,
                 const char *data,
                 const char *signature)
{
  g_autofree char *expected = NULL;
  gsize len;
  guint diff = 0;

  if (self->integrity_key == NULL)
    return VEIL_PROFILE_INTEGRITY_UNCHECKED;
  if (signature == NULL)
    return VEIL_PROFILE_INTEGRITY_TAMPERED;

  expected = sign_profile (self, id, version, name, data);
  len = strlen (expected);
  if (strlen (signature) != len)
    return VEIL_PROFILE_INTEGRITY_TAMPERED;
  /* Constant time, out of habit for secrets. */
  for (gsize i = 0; i < len; i++)
    diff |= (guint) (expected[i] ^ signature[i]);

  return diff == 0 ? VEIL_PROFILE_INTEGRITY_OK : VEIL_PROFILE_INTEGRITY_TAMPERED;
}


static VeilProfile *
profile_from_row (VeilStore     *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  /* columns: id, version, name, data, signature */
  gint64 id = sqlite3_column_int64 (stmt, 0);
  guint version = (guint) sqlite3_column_int (stmt, 1);
  const char *name = (const char *) sqlite3_column_text (stmt, 2);
  const char *data = (const char *) sqlite3_column_text (stmt, 3);
  const char *signature = (const char *) sqlite3_column_text (stmt, 4);
  VeilProfileIntegrity integrity;
  g_autoptr(VeilProfile) profile = NULL;

  integrity = check_signature (self, id, version, name != NULL ? name : "", data != NULL ? data : "", signature);
  profile = _veil_profile_new_from_json (id, version, data != NULL ? data : "", integrity, error);
  if (profile == NULL)
    {
      VeilProfile *verified = self->verified != NULL ? g_hash_table_lookup (self->verified, &id) : NULL;

      /* An unreadable edit is still an edit: the verified settings stand in for it. */
      if (verified == NULL || integrity != VEIL_PROFILE_INTEGRITY_TAMPERED)
        return NULL;
      g_clear_error (error);
      return _veil_profile_copy_with_id (verified, id, version, VEIL_PROFILE_INTEGRITY_TAMPERED);
    }

  /* The name column is what lookups use; a data blob that disagrees was edited by hand. */
  if (integrity != VEIL_PROFILE_INTEGRITY_UNCHECKED &&
      (name == NULL || !g_str_equal (name, veil_profile_get_name (profile))))
    integrity = VEIL_PROFILE_INTEGRITY_TAMPERED;

  if (integrity == VEIL_PROFILE_INTEGRITY_TAMPERED)
    {
      VeilProfile *verified = self->verified != NULL ? g_hash_table_lookup (self->verified, &id) : NULL;

      /* Fail closed: whoever reads the profile (the service, the guard, the app) gets the
       * settings the guardian last saved, still marked as changed outside Veil. */
      return _veil_profile_copy_with_id (verified != NULL ? verified : profile, id, version,
                                         VEIL_PROFILE_INTEGRITY_TAMPERED);
    }

  return g_steal_pointer (&profile);
}

VeilProfile *
_veil_store_load_profile (VeilStore   *self,
                          const char  *where,
                          gint64       id,
                          const char  *name,
                          GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id, version, name, data, signature FROM profiles WHERE %s", where);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean bound;

  stmt = veil_db_prepare (self->db, sql, error);
  if (stmt == NULL)
    return NULL;
  bound = name != NULL ? veil_db_bind_text (stmt, 1, name, error)
                       : veil_db_bind_int64 (stmt, 1, id, error);
  if (!bound)
    return NULL;

  switch (veil_db_step (stmt, error))
    {
    case VEIL_DB_STEP_ROW:
      return profile_from_row (self, stmt, error);
    case VEIL_DB_STEP_FAILED:
      return NULL;
    case VEIL_DB_STEP_DONE:
    default:
      break;
    }

  if (name != NULL)
    g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                 _("There is no profile called “%s”. Run “veilctl profile list” to see the profiles."), name);
  else
    g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                 _("This profile no longer exists. It may have been deleted in another window."));
  return NULL;
}

static void
set_exists_error (const char  *name,
                  GError     **error)
{
  g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_EXISTS,
               _("There is already a profile called “%s”. Choose another name."), name);
}

/* In the save's transaction: the version the saved profile gets, after checking that nobody
 * saved it in the meantime; loads the stored profile into @out_previous. */
static gboolean
next_version (VeilStore     *self,
              VeilProfile   *profile,
              VeilProfile  **out_previous,
              guint         *out_version,
              GError       **error)
{
  g_autoptr(VeilProfile) previous = NULL;

  previous = _veil_store_load_profile (self, "id = ?", veil_profile_get_id (profile), NULL, error);
  if (previous == NULL)
    return FALSE;
  if (veil_profile_get_version (previous) != veil_profile_get_version (profile))
    {
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CONFLICT,
                   _("The profile “%s” was changed somewhere else in the meantime. Open it again to see the latest settings."),
                   veil_profile_get_name (previous));
      return FALSE;
    }
  *out_version = veil_profile_get_version (previous) + 1;
  *out_previous = g_steal_pointer (&previous);
  return TRUE;
}

/* In the save's transaction: the row of a new profile, still empty; returns its id or 0. */
static gint64
insert_profile_row (VeilStore   *self,
                    const char  *name,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) check = veil_db_prepare (self->db, "SELECT 1 FROM profiles WHERE name = ?", error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilDbStep step;

  if (check == NULL || !veil_db_bind_text (check, 1, name, error))
    return 0;
  step = veil_db_step (check, error);
  if (step == VEIL_DB_STEP_FAILED)
    return 0;
  if (step == VEIL_DB_STEP_ROW)
    {
      set_exists_error (name, error);
      return 0;
    }

  stmt = veil_db_prepare (self->db,
                          "INSERT INTO profiles (name, version, data, created, updated) VALUES (?, 0, '{}', ?, ?)",
                          error);
  if (stmt == NULL ||
      !veil_db_bind_text (stmt, 1, name, error) ||
      !veil_db_bind_int64 (stmt, 2, now, error) ||
      !veil_db_bind_int64 (stmt, 3, now, error) ||
      !veil_db_step_done (stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

/* In the save's transaction: the profile's current data and signature, then the same data
 * kept as a version of its own. */
static gboolean
write_profile_data (VeilStore   *self,
                    gint64       id,
                    guint        version,
                    const char  *name,
                    const char  *data,
                    const char  *signature,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = veil_db_prepare (self->db,
                          "UPDATE profiles SET name = ?, version = ?, data = ?, signature = ?, updated = ? WHERE id = ?",
                          error);
  if (stmt == NULL ||
      !veil_db_bind_text (stmt, 1, name, error) ||
      !veil_db_bind_int (stmt, 2, (int) version, error) ||
      !veil_db_bind_text (stmt, 3, data, error) ||
      !veil_db_bind_text (stmt, 4, signature, error) ||
      !veil_db_bind_int64 (stmt, 5, now, error) ||
      !veil_db_bind_int64 (stmt, 6, id, error))
    return FALSE;
  if (!veil_db_step_done (stmt, error))
    {
      if (error != NULL && *error != NULL &&
          veil_db_is_unique_violation (self->db))
        {
          g_clear_error (error);
          set_exists_error (name, error);
        }
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  _veil_store_reach (self, "profile-data");

  stmt = veil_db_prepare (self->db,
                          "INSERT INTO profile_versions (profile_id, version, data, saved) VALUES (?, ?, ?, ?)", error);
  return stmt != NULL &&
         veil_db_bind_int64 (stmt, 1, id, error) &&
         veil_db_bind_int (stmt, 2, (int) version, error) &&
         veil_db_bind_text (stmt, 3, data, error) &&
         veil_db_bind_int64 (stmt, 4, now, error) &&
         veil_db_step_done (stmt, error);
}

/* In the save's transaction: a consent record and an audit entry for each protection turned
 * on or off. */
static gboolean
record_protection_changes (VeilStore    *self,
                           gint64        id,
                           VeilProfile  *previous,
                           VeilProfile  *profile,
                           const char   *actor,
                           gint64        now,
                           GError      **error)
{
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      gboolean was = previous != NULL && veil_profile_get_protection_enabled (previous, p);
      gboolean is = veil_profile_get_protection_enabled (profile, p);

      if (was == is)
        continue;
      if (!_veil_store_insert_consent (self, id, p, is ? "granted" : "withdrawn", actor,
                                       veil_protection_get_text_version (p), now, error) ||
          !_veil_store_insert_audit (self->db, id, now, actor, is ? "protection-enabled" : "protection-disabled",
                                     veil_protection_to_string (p), error))
        return FALSE;
      _veil_store_reach (self, "consent");
    }
  return TRUE;
}

/**
 * veil_store_save_profile:
 * @profile: the settings to save; a profile with id 0 is created
 * @actor: who saves (normally %VEIL_ACTOR_GUARDIAN)
 *
 * Saves a new version of @profile in one transaction, with a consent record for each
 * protection turned on or off and an audit entry for each change. A profile whose version is
 * older than the stored one (edited in two places at once) gives %VEIL_STORE_ERROR_CONFLICT.
 *
 * Returns: (transfer full): the profile as stored, with its id and new version
 */
VeilProfile *
veil_store_save_profile (VeilStore    *self,
                         VeilProfile  *profile,
                         const char   *actor,
                         GError      **error)
{
  g_autoptr(VeilProfile) previous = NULL;
  g_autofree char *data = NULL;
  g_autofree char *signature = NULL;
  gint64 id = veil_profile_get_id (profile);
  gint64 now = _veil_store_now ();
  const char *name = veil_profile_get_name (profile);
  guint version = 1;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = veil_profile_to_json (profile);

  if (!_veil_store_begin (self, error))
    return NULL;

  if (id != 0 ? !next_version (self, profile, &previous, &version, error)
              : (id = insert_profile_row (self, name, now, error)) == 0)
    goto fail;

  _veil_store_reach (self, "profile-row");

  signature = sign_profile (self, id, version, name, data);
  if (!write_profile_data (self, id, version, name, data, signature, now, error))
    goto fail;

  _veil_store_reach (self, "profile-version");

  if (!_veil_store_insert_audit (self->db, id, now, actor, previous == NULL ? "profile-created" : "profile-changed", name, error) ||
      !record_protection_changes (self, id, previous, profile, actor, now, error))
    goto fail;

  if (!_veil_store_commit (self, error))
    return NULL;

  return _veil_profile_copy_with_id (profile, id, version,
                                     signature != NULL ? VEIL_PROFILE_INTEGRITY_OK : VEIL_PROFILE_INTEGRITY_UNCHECKED);

fail:
  _veil_store_rollback (self);
  return NULL;
}

static gpointer
read_profile_row (sqlite3_stmt  *stmt,
                  gpointer       user_data,
                  GError       **error)
{
  return profile_from_row (user_data, stmt, error);
}

/**
 * veil_store_list_profiles:
 *
 * Returns: (transfer full) (element-type VeilProfile): the profiles by name. A row that cannot
 *   be read at all is an error rather than left out, so nothing vanishes silently.
 */
GPtrArray *
veil_store_list_profiles (VeilStore  *self,
                          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *profiles = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db, "SELECT id, version, name, data, signature FROM profiles ORDER BY name", error);
  if (stmt != NULL)
    profiles = veil_db_query_rows (stmt, read_profile_row, self, (GDestroyNotify) veil_profile_unref, error);
  /* A row Veil never signed, added behind its back, must not stand beside (or before) the
   * verified profiles that the service and the guard choose from. */
  for (guint i = profiles != NULL && self->verified != NULL ? profiles->len : 0; i > 0; i--)
    {
      VeilProfile *profile = g_ptr_array_index (profiles, i - 1);
      gint64 id = veil_profile_get_id (profile);

      if (veil_profile_get_integrity (profile) == VEIL_PROFILE_INTEGRITY_TAMPERED &&
          !g_hash_table_contains (self->verified, &id))
        g_ptr_array_remove_index (profiles, i - 1);
    }
  g_rec_mutex_unlock (&self->lock);
  return profiles;
}

VeilProfile *
veil_store_get_profile (VeilStore  *self,
                        gint64      id,
                        GError    **error)
{
  VeilProfile *profile;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  profile = _veil_store_load_profile (self, "id = ?", id, NULL, error);
  g_rec_mutex_unlock (&self->lock);
  return profile;
}

VeilProfile *
veil_store_lookup_profile (VeilStore   *self,
                           const char  *name,
                           GError     **error)
{
  VeilProfile *profile;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  profile = _veil_store_load_profile (self, "name = ?", 0, name, error);
  g_rec_mutex_unlock (&self->lock);
  return profile;
}

/**
 * veil_store_get_profile_version:
 *
 * Returns: (transfer full): an earlier saved version of a profile, as it was saved
 */
VeilProfile *
veil_store_get_profile_version (VeilStore  *self,
                                gint64      id,
                                guint       version,
                                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilProfile *profile = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db, "SELECT data FROM profile_versions WHERE profile_id = ? AND version = ?", error);
  if (stmt != NULL &&
      veil_db_bind_int64 (stmt, 1, id, error) &&
      veil_db_bind_int (stmt, 2, (int) version, error))
    {
      switch (veil_db_step (stmt, error))
        {
        case VEIL_DB_STEP_ROW:
          profile = _veil_profile_new_from_json (id, version, (const char *) sqlite3_column_text (stmt, 0),
                                                 VEIL_PROFILE_INTEGRITY_UNCHECKED, error);
          break;
        case VEIL_DB_STEP_DONE:
          g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                       _("Version %u of this profile was not kept."), version);
          break;
        case VEIL_DB_STEP_FAILED:
        default:
          break;
        }
    }
  g_rec_mutex_unlock (&self->lock);

  return profile;
}

/**
 * veil_store_delete_profile:
 *
 * Deletes a profile with everything about it (consent, alerts, reports, scan results, its audit
 * entries); one audit entry without the profile records that it was deleted.
 */
gboolean
veil_store_delete_profile (VeilStore   *self,
                           gint64       id,
                           const char  *actor,
                           GError     **error)
{
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;

  profile = _veil_store_load_profile (self, "id = ?", id, NULL, error);
  if (profile == NULL)
    goto fail;

  stmt = veil_db_prepare (self->db, "DELETE FROM profiles WHERE id = ?", error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, id, error) ||
      !veil_db_step_done (stmt, error) ||
      !_veil_store_insert_audit (self->db, 0, _veil_store_now (), actor, "profile-deleted",
                                 veil_profile_get_name (profile), error))
    goto fail;

  return _veil_store_commit (self, error);

fail:
  _veil_store_rollback (self);
  return FALSE;
}

gboolean
_veil_store_check_profile_exists (VeilStore    *self,
                                  VeilProfile  *profile,
                                  GError      **error)
{
  g_autoptr(VeilProfile) stored = _veil_store_load_profile (self, "id = ?", veil_profile_get_id (profile), NULL, error);

  return stored != NULL;
}

/**
 * veil_store_set_verified_profiles:
 * @profiles: (nullable) (element-type VeilProfile): the profiles as the guardian last saved
 *   them, checked against the keyring; %NULL forgets them
 *
 * From then on a profile row whose signature does not verify is read as its verified
 * settings (still marked %VEIL_PROFILE_INTEGRITY_TAMPERED), never as the edited data.
 */
void
veil_store_set_verified_profiles (VeilStore *self,
                                  GPtrArray *profiles)
{
  g_return_if_fail (VEIL_IS_STORE (self));

  g_rec_mutex_lock (&self->lock);
  g_clear_pointer (&self->verified, g_hash_table_unref);
  if (profiles != NULL)
    {
      self->verified = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                              (GDestroyNotify) veil_profile_unref);
      for (guint i = 0; i < profiles->len; i++)
        {
          VeilProfile *profile = g_ptr_array_index (profiles, i);

          g_hash_table_insert (self->verified, g_memdup2 (&(gint64) { veil_profile_get_id (profile) }, sizeof (gint64)),
                               veil_profile_ref (profile));
        }
    }
  g_rec_mutex_unlock (&self->lock);
}

static gboolean
row_verifies (VeilStore    *self,
              sqlite3_stmt *stmt)
{
  /* columns: id, version, name, data, signature */
  const char *name = (const char *) sqlite3_column_text (stmt, 2);
  const char *data = (const char *) sqlite3_column_text (stmt, 3);

  return check_signature (self, sqlite3_column_int64 (stmt, 0), (guint) sqlite3_column_int (stmt, 1),
                          name != NULL ? name : "", data != NULL ? data : "",
                          (const char *) sqlite3_column_text (stmt, 4)) != VEIL_PROFILE_INTEGRITY_TAMPERED;
}

/**
 * veil_store_count_unverified_profiles:
 *
 * Returns: how many profile rows do not carry the signature Veil gave them (0 without an
 *   integrity key, or on error with @error set)
 */
guint
veil_store_count_unverified_profiles (VeilStore  *self,
                                      GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilDbStep step = VEIL_DB_STEP_DONE;
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_rec_mutex_lock (&self->lock);
  stmt = veil_db_prepare (self->db, "SELECT id, version, name, data, signature FROM profiles", error);
  while (stmt != NULL && (step = veil_db_step (stmt, error)) == VEIL_DB_STEP_ROW)
    if (!row_verifies (self, stmt))
      n++;
  g_rec_mutex_unlock (&self->lock);
  return stmt != NULL && step == VEIL_DB_STEP_DONE ? n : 0;
}

/* In the restore's transaction: the row's version now, 0 when there is no row. */
static gboolean
current_version (VeilStore  *self,
                 gint64      id,
                 guint      *out_version,
                 GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = veil_db_prepare (self->db, "SELECT version FROM profiles WHERE id = ?", error);
  VeilDbStep step;

  if (stmt == NULL || !veil_db_bind_int64 (stmt, 1, id, error))
    return FALSE;
  step = veil_db_step (stmt, error);
  *out_version = step == VEIL_DB_STEP_ROW ? (guint) sqlite3_column_int (stmt, 0) : 0;
  return step != VEIL_DB_STEP_FAILED;
}

/* In the restore's transaction: a profile row that is gone comes back under its own id, with
 * the consent it had, so that what was active is active again. */
static gboolean
insert_restored_row (VeilStore    *self,
                     VeilProfile  *verified,
                     guint         acknowledged,
                     const char   *actor,
                     gint64        now,
                     GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 id = veil_profile_get_id (verified);

  stmt = veil_db_prepare (self->db,
                          "INSERT INTO profiles (id, name, version, data, created, updated) VALUES (?, ?, 0, '{}', ?, ?)",
                          error);
  if (stmt == NULL ||
      !veil_db_bind_int64 (stmt, 1, id, error) ||
      !veil_db_bind_text (stmt, 2, veil_profile_get_name (verified), error) ||
      !veil_db_bind_int64 (stmt, 3, now, error) ||
      !veil_db_bind_int64 (stmt, 4, now, error) ||
      !veil_db_step_done (stmt, error))
    return FALSE;

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      guint text = veil_protection_get_text_version (p);

      if (!veil_profile_get_protection_enabled (verified, p))
        continue;
      if (!_veil_store_insert_consent (self, id, p, "granted", actor, text, now, error) ||
          ((acknowledged & (1u << p)) != 0 &&
           !_veil_store_insert_consent (self, id, p, "acknowledged", actor, text, now, error)))
        return FALSE;
    }
  return TRUE;
}

/**
 * veil_store_restore_profile:
 * @verified: a profile as the guardian last saved it, with its id
 * @acknowledged: a bit (1 << protection) for each protection the child had acknowledged
 * @actor: who restores (%VEIL_ACTOR_VEIL when Veil does it at start, or the guardian)
 *
 * Writes @verified back, signed, as a new version of its row; a row that is gone comes back
 * under its id with the consent it had. Needs the integrity key.
 */
gboolean
veil_store_restore_profile (VeilStore    *self,
                            VeilProfile  *verified,
                            guint         acknowledged,
                            const char   *actor,
                            GError      **error)
{
  g_autofree char *data = NULL;
  g_autofree char *signature = NULL;
  gint64 id = veil_profile_get_id (verified);
  const char *name = veil_profile_get_name (verified);
  gint64 now = _veil_store_now ();
  guint version = 0;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (verified != NULL && id > 0, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  data = veil_profile_to_json (verified);
  if (!_veil_store_begin (self, error))
    return FALSE;
  if (!current_version (self, id, &version, error) ||
      (version == 0 && !insert_restored_row (self, verified, acknowledged, actor, now, error)))
    goto fail;

  /* Never below the verified version, and always new, so no earlier version is overwritten. */
  version = MAX (version, veil_profile_get_version (verified)) + 1;
  signature = sign_profile (self, id, version, name, data);
  if (!write_profile_data (self, id, version, name, data, signature, now, error) ||
      !_veil_store_insert_audit (self->db, id, now, actor, "profile-restored", name, error))
    goto fail;
  return _veil_store_commit (self, error);

fail:
  _veil_store_rollback (self);
  return FALSE;
}

/* A profile row that does not verify, as read. */
typedef struct {
  gint64  id;
  guint   version;
  char   *name;
  char   *data;
} UnverifiedRow;

static void
unverified_row_clear (gpointer data)
{
  UnverifiedRow *row = data;

  g_free (row->name);
  g_free (row->data);
}

/* The profile rows whose signature does not verify; with @skip_stand_ins, not those that have
 * verified settings to stand in for them. Call inside a transaction. */
static GArray *
collect_unverified (VeilStore  *self,
                    gboolean    skip_stand_ins,
                    GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (UnverifiedRow));
  VeilDbStep step = VEIL_DB_STEP_FAILED;

  g_array_set_clear_func (rows, unverified_row_clear);
  stmt = veil_db_prepare (self->db, "SELECT id, version, name, data, signature FROM profiles", error);
  while (stmt != NULL && (step = veil_db_step (stmt, error)) == VEIL_DB_STEP_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 2);
      const char *data = (const char *) sqlite3_column_text (stmt, 3);
      UnverifiedRow row = { sqlite3_column_int64 (stmt, 0), (guint) sqlite3_column_int (stmt, 1), NULL, NULL };

      if (row_verifies (self, stmt) ||
          (skip_stand_ins && self->verified != NULL && g_hash_table_contains (self->verified, &row.id)))
        continue;
      row.name = g_strdup (name != NULL ? name : "");
      row.data = g_strdup (data != NULL ? data : "");
      g_array_append_val (rows, row);
    }
  return step == VEIL_DB_STEP_DONE ? g_steal_pointer (&rows) : NULL;
}

/**
 * veil_store_remove_unverified_profiles:
 * @actor: who removes (the guardian, restoring the verified settings)
 *
 * Deletes every profile row that neither verifies nor has verified settings to stand in for
 * it (see veil_store_set_verified_profiles()): rows added outside Veil. Audited.
 */
gboolean
veil_store_remove_unverified_profiles (VeilStore   *self,
                                       const char  *actor,
                                       GError     **error)
{
  g_autoptr(GArray) rows = NULL;
  gint64 now = _veil_store_now ();

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  rows = collect_unverified (self, TRUE, error);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      UnverifiedRow *row = &g_array_index (rows, UnverifiedRow, i);
      g_autoptr(sqlite3_stmt) stmt = veil_db_prepare (self->db, "DELETE FROM profiles WHERE id = ?", error);

      if (stmt == NULL ||
          !veil_db_bind_int64 (stmt, 1, row->id, error) ||
          !veil_db_step_done (stmt, error) ||
          !_veil_store_insert_audit (self->db, 0, now, actor, "profile-deleted", row->name, error))
        goto fail;
    }
  if (rows != NULL)
    return _veil_store_commit (self, error);

fail:
  _veil_store_rollback (self);
  return FALSE;
}

/**
 * veil_store_confirm_profiles:
 * @actor: who confirms (the guardian)
 *
 * Signs every profile row that does not verify as it now is: the guardian has looked at the
 * change made outside Veil and keeps it. Each such row gets an audit entry.
 */
gboolean
veil_store_confirm_profiles (VeilStore   *self,
                             const char  *actor,
                             GError     **error)
{
  g_autoptr(GArray) rows = NULL;
  gint64 now = _veil_store_now ();

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->integrity_key != NULL, FALSE);

  if (!_veil_store_begin (self, error))
    return FALSE;
  rows = collect_unverified (self, FALSE, error);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      UnverifiedRow *row = &g_array_index (rows, UnverifiedRow, i);
      g_autofree char *signature = sign_profile (self, row->id, row->version, row->name, row->data);
      g_autoptr(sqlite3_stmt) stmt = NULL;

      stmt = veil_db_prepare (self->db, "UPDATE profiles SET signature = ?, updated = ? WHERE id = ?", error);
      if (stmt == NULL ||
          !veil_db_bind_text (stmt, 1, signature, error) ||
          !veil_db_bind_int64 (stmt, 2, now, error) ||
          !veil_db_bind_int64 (stmt, 3, row->id, error) ||
          !veil_db_step_done (stmt, error) ||
          !_veil_store_insert_audit (self->db, row->id, now, actor, "profile-confirmed", row->name, error))
        goto fail;
    }
  if (rows != NULL)
    return _veil_store_commit (self, error);

fail:
  _veil_store_rollback (self);
  return FALSE;
}
