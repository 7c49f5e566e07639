/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-guardian"

#include "config.h"

#include "veil-guardian-private.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "veil-consent.h"
#include "veil-paths.h"
#include "veil-profile-private.h"

/* VeilGuardian's records: the last settings the guardian saved, kept signed with the
 * integrity key in "veil-settings.signed" beside the store and as a copy in the keyring, and
 * what Veil does when its store is removed, emptied, damaged or edited outside Veil. It never
 * falls open: protection goes on with the verified settings, a notice with the date stays
 * until the guardian confirms or restores, and both are in the audit log. Only settings are
 * kept here, never pictures. */

#define KIND_SETTINGS "verified-settings"
#define KIND_VERIFIER "pin-verifier"
#define KIND_INTEGRITY_KEY "integrity-key"
#define SETTINGS_FILE "veil-settings.signed"
#define SETTINGS_HEADER "veil-settings\n"
#define META_NOTICE "records-notice"
#define META_NOTICE_TIME "records-notice-time"

static const char * const state_names[] = { "verified", "removed", "damaged", "changed-outside-veil" };

static char *
settings_path (VeilGuardian *self)
{
  return g_build_filename (_veil_guardian_get_data_dir (self), SETTINGS_FILE, NULL);
}

static char *
sign_settings (GBytes     *key,
               const char *json)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));

  /* A header of its own, so a signed profile row can never pass for a settings file. */
  g_hmac_update (hmac, (const guchar *) SETTINGS_HEADER, -1);
  g_hmac_update (hmac, (const guchar *) json, -1);
  return g_strdup (g_hmac_get_string (hmac));
}

/* One profile as sealed: its row identity, its settings and which protections the child had
 * acknowledged, so that a restored profile is as active as it was. */
static void
add_profile (JsonBuilder *b,
             VeilStore   *store,
             VeilProfile *profile)
{
  g_autofree char *data = veil_profile_to_json (profile);
  guint acknowledged = 0;

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      VeilProtectionStatus status = { 0 };

      if (veil_store_get_protection_status (store, profile, p, &status, NULL) && status.acknowledged)
        acknowledged |= 1u << p;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, veil_profile_get_id (profile));
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, veil_profile_get_version (profile));
  json_builder_set_member_name (b, "acknowledged");
  json_builder_add_int_value (b, acknowledged);
  json_builder_set_member_name (b, "settings");
  json_builder_add_string_value (b, data);
  json_builder_end_object (b);
}

static char *
build_settings (VeilStore  *store,
                GError    **error)
{
  g_autoptr(GPtrArray) profiles = veil_store_list_profiles (store, error);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (profiles == NULL)
    return NULL;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "profiles");
  json_builder_begin_array (b);
  for (guint i = 0; i < profiles->len; i++)
    add_profile (b, store, g_ptr_array_index (profiles, i));
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void use_verified (VeilGuardian *self,
                          const char   *text);

void
_veil_guardian_seal_settings (VeilGuardian *self,
                              GCancellable *cancellable)
{
  GBytes *key = _veil_guardian_get_key (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *text = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *path = settings_path (self);

  /* Without a key nothing can be signed; a data folder removed under a running Veil is for
   * the next start to find, not to be made again here. */
  if (key == NULL || !g_file_test (_veil_guardian_get_data_dir (self), G_FILE_TEST_IS_DIR))
    return;
  json = build_settings (veil_guardian_get_store (self), &error);
  if (json == NULL)
    {
      g_warning ("Could not read the settings to keep: %s", error->message);
      return;
    }
  signature = sign_settings (key, json);
  text = g_strconcat (signature, "\n", json, NULL);
  /* What was just sealed stands in for rows edited from now on. */
  use_verified (self, text);
  /* Sealing is cheap to repeat: nothing is written when nothing changed. */
  if (g_file_get_contents (path, &kept, NULL, NULL) && g_str_equal (kept, text))
    return;

  /* Atomic and private: a crash leaves the old file or the new one, never half of one. */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Could not keep the verified settings in %s: %s", path, error->message);
  g_clear_error (&error);
  if (!_veil_guardian_store_secret (self, KIND_SETTINGS, _("Veil verified settings"), text, cancellable, &error))
    g_warning ("Could not keep the verified settings in the keyring: %s", error->message);
}

/* The verified settings: each profile (with its id and version) and its acknowledged bits. */
typedef struct {
  GPtrArray *profiles;      /* VeilProfile */
  GArray    *acknowledged;  /* guint, one per profile */
} Settings;

static void
settings_free (Settings *settings)
{
  g_clear_pointer (&settings->profiles, g_ptr_array_unref);
  g_clear_pointer (&settings->acknowledged, g_array_unref);
  g_free (settings);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Settings, settings_free)

/* Returns: (nullable): @text's settings when its signature verifies under @key */
static Settings *
parse_settings (GBytes     *key,
                const char *text)
{
  const char *newline = text != NULL ? strchr (text, '\n') : NULL;
  g_autofree char *signature = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(Settings) settings = NULL;
  JsonObject *root;
  JsonArray *profiles;

  if (newline == NULL)
    return NULL;
  signature = g_strndup (text, newline - text);
  expected = sign_settings (key, newline + 1);
  if (strlen (signature) != strlen (expected) || sodium_memcmp (signature, expected, strlen (expected)) != 0)
    return NULL;
  if (!json_parser_load_from_data (parser, newline + 1, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "profiles") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "profiles")))
    return NULL;
  profiles = json_object_get_array_member (root, "profiles");

  settings = g_new0 (Settings, 1);
  settings->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_profile_unref);
  settings->acknowledged = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < json_array_get_length (profiles); i++)
    {
      JsonObject *o = json_array_get_object_element (profiles, i);
      VeilProfile *profile;
      guint acknowledged;

      if (o == NULL)
        return NULL;
      profile = _veil_profile_new_from_json (json_object_get_int_member_with_default (o, "id", 0),
                                             (guint) json_object_get_int_member_with_default (o, "version", 0),
                                             json_object_get_string_member_with_default (o, "settings", ""),
                                             VEIL_PROFILE_INTEGRITY_OK, NULL);
      if (profile == NULL || veil_profile_get_id (profile) <= 0)
        {
          g_clear_pointer (&profile, veil_profile_unref);
          return NULL;
        }
      acknowledged = (guint) json_object_get_int_member_with_default (o, "acknowledged", 0);
      g_ptr_array_add (settings->profiles, profile);
      g_array_append_val (settings->acknowledged, acknowledged);
    }
  return g_steal_pointer (&settings);
}

/* The keyring's copy is the one to trust (the file sits beside the store and goes with it);
 * the file serves when the keyring holds none yet, and only if its signature verifies. */
static Settings *
load_settings (VeilGuardian *self,
               GCancellable *cancellable)
{
  GBytes *key = _veil_guardian_get_key (self);
  g_autofree char *kept = NULL;
  g_autofree char *file_text = NULL;
  g_autofree char *path = settings_path (self);
  Settings *settings = NULL;

  if (key == NULL)
    return NULL;
  if (_veil_guardian_lookup_secret (self, KIND_SETTINGS, &kept, cancellable, NULL) && kept != NULL)
    settings = parse_settings (key, kept);
  if (settings == NULL && g_file_get_contents (path, &file_text, NULL, NULL))
    settings = parse_settings (key, file_text);
  else if (settings != NULL && g_file_get_contents (path, &file_text, NULL, NULL) &&
           g_strcmp0 (file_text, kept) != 0)
    g_debug ("%s differs from the keyring's copy; the keyring's is used", path);
  return settings;
}

static void
use_verified (VeilGuardian *self,
              const char   *text)
{
  g_autoptr(Settings) settings = parse_settings (_veil_guardian_get_key (self), text);

  veil_store_set_verified_profiles (veil_guardian_get_store (self),
                                    settings != NULL ? settings->profiles : NULL);
}

void
_veil_guardian_load_verified (VeilGuardian *self,
                              GCancellable *cancellable)
{
  g_autoptr(Settings) settings = load_settings (self, cancellable);

  veil_store_set_verified_profiles (veil_guardian_get_store (self),
                                    settings != NULL ? settings->profiles : NULL);
}

void
_veil_guardian_forget_settings (VeilGuardian *self)
{
  g_autofree char *path = settings_path (self);

  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not delete %s: %s", path, g_strerror (errno));
}

/* --- The notice ---------------------------------------------------------------------------- */

static const char *
audit_kind (VeilRecordsState state)
{
  switch (state)
    {
    case VEIL_RECORDS_REMOVED:
      return "records-removed";
    case VEIL_RECORDS_DAMAGED:
      return "records-damaged";
    case VEIL_RECORDS_CHANGED:
      return "records-changed";
    case VEIL_RECORDS_VERIFIED:
    default:
      return "records-verified";
    }
}

/* Keeps the first date: a notice already standing is not moved by finding the same again. */
static void
record_notice (VeilGuardian     *self,
               VeilRecordsState  state,
               gint64            time)
{
  VeilStore *store = veil_guardian_get_store (self);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, time);
  g_autoptr(GError) error = NULL;

  if (veil_guardian_get_records_state (self, NULL) != VEIL_RECORDS_VERIFIED)
    return;
  if (!veil_store_set_meta (store, META_NOTICE, veil_records_state_to_string (state), &error) ||
      !veil_store_set_meta (store, META_NOTICE_TIME, value, &error) ||
      !veil_store_add_audit (store, 0, VEIL_ACTOR_VEIL, audit_kind (state), value, &error))
    g_warning ("Could not record that Veil’s records were %s: %s", veil_records_state_to_string (state),
               error->message);
}

static gboolean
clear_notice (VeilGuardian  *self,
              const char    *kind,
              GError       **error)
{
  VeilStore *store = veil_guardian_get_store (self);
  g_autofree char *what = g_strdup (veil_records_state_to_string (veil_guardian_get_records_state (self, NULL)));

  if (!veil_store_set_meta (store, META_NOTICE, NULL, error) ||
      !veil_store_set_meta (store, META_NOTICE_TIME, NULL, error) ||
      !veil_store_add_audit (store, 0, VEIL_ACTOR_GUARDIAN, kind, what, error))
    return FALSE;
  _veil_guardian_seal_settings (self, NULL);
  return TRUE;
}

/**
 * veil_records_state_to_string:
 *
 * Returns: the state's name for scripts ("verified", "removed", "damaged",
 *   "changed-outside-veil")
 */
const char *
veil_records_state_to_string (VeilRecordsState state)
{
  g_return_val_if_fail (state <= VEIL_RECORDS_CHANGED, NULL);
  return state_names[state];
}

/**
 * veil_records_state_describe:
 * @time: when it was found (Unix time)
 *
 * Returns: (transfer full) (nullable): the notice for the child and the guardian, or %NULL
 *   for %VEIL_RECORDS_VERIFIED
 */
char *
veil_records_state_describe (VeilRecordsState state,
                             gint64           time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (time);
  /* The date as the locale writes it */
  g_autofree char *date = when != NULL ? g_date_time_format (when, "%x") : g_strdup ("?");

  switch (state)
    {
    case VEIL_RECORDS_REMOVED:
      return g_strdup_printf (_("Veil’s records were removed on %s. Veil keeps protecting you with the settings your guardian last chose. Ask your guardian to have a look."), date);
    case VEIL_RECORDS_DAMAGED:
      return g_strdup_printf (_("Veil’s records were damaged on %s. Veil keeps protecting you with the settings your guardian last chose. Ask your guardian to have a look."), date);
    case VEIL_RECORDS_CHANGED:
      return g_strdup_printf (_("Veil’s records were changed outside Veil on %s. Veil keeps protecting you with the settings your guardian last chose. Ask your guardian to have a look."), date);
    case VEIL_RECORDS_VERIFIED:
    default:
      return NULL;
    }
}

/**
 * veil_guardian_get_records_state:
 * @out_time: (out) (optional): when it was found
 *
 * Returns: the notice standing in the store, %VEIL_RECORDS_VERIFIED when there is none
 */
VeilRecordsState
veil_guardian_get_records_state (VeilGuardian *self,
                                 gint64       *out_time)
{
  VeilStore *store;
  g_autofree char *kind = NULL;
  g_autofree char *time = NULL;
  gint64 t = 0;

  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), VEIL_RECORDS_VERIFIED);

  store = veil_guardian_get_store (self);
  kind = veil_store_get_meta (store, META_NOTICE);
  time = veil_store_get_meta (store, META_NOTICE_TIME);
  if (time != NULL)
    g_ascii_string_to_signed (time, 10, 0, G_MAXINT64, &t, NULL);
  if (out_time != NULL)
    *out_time = t;
  for (guint s = VEIL_RECORDS_REMOVED; s <= VEIL_RECORDS_CHANGED; s++)
    if (g_strcmp0 (kind, state_names[s]) == 0)
      return s;
  return VEIL_RECORDS_VERIFIED;
}

/**
 * veil_guardian_check_records:
 * @out_time: (out) (optional): when the standing notice was found
 *
 * Looks for profile rows edited outside Veil since the store was opened (the application
 * calls this whenever the store changes) and records the notice if there are any. Needs the
 * integrity key; without it nothing can be checked.
 *
 * Returns: the notice standing now
 */
VeilRecordsState
veil_guardian_check_records (VeilGuardian *self,
                             gint64       *out_time)
{
  VeilStore *store;

  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), VEIL_RECORDS_VERIFIED);

  store = veil_guardian_get_store (self);
  if (_veil_guardian_get_key (self) == NULL)
    return veil_guardian_get_records_state (self, out_time);
  if (veil_store_count_unverified_profiles (store, NULL) > 0)
    record_notice (self, VEIL_RECORDS_CHANGED, g_get_real_time () / G_USEC_PER_SEC);
  else if (veil_guardian_get_records_state (self, NULL) == VEIL_RECORDS_VERIFIED)
    /* All verified: what the child acknowledged since the last save is kept with the settings. */
    _veil_guardian_seal_settings (self, NULL);
  return veil_guardian_get_records_state (self, out_time);
}

/**
 * veil_guardian_confirm_records:
 *
 * The guardian keeps Veil's records as they are now: edited rows are signed as they stand,
 * and the notice goes, with an audit entry. Needs guardian settings unlocked.
 */
gboolean
veil_guardian_confirm_records (VeilGuardian  *self,
                               GError       **error)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);

  if (!_veil_guardian_require_unlocked (self, error))
    return FALSE;
  if (!veil_store_confirm_profiles (veil_guardian_get_store (self), VEIL_ACTOR_GUARDIAN, error))
    return FALSE;
  /* The kept rows are now the verified settings; what stood in for them is no longer needed. */
  _veil_guardian_seal_settings (self, NULL);
  _veil_guardian_load_verified (self, NULL);
  return clear_notice (self, "records-confirmed", error);
}

static gboolean
restore_settings (VeilGuardian  *self,
                  Settings      *settings,
                  const char    *actor,
                  gboolean       only_missing,
                  GError       **error)
{
  VeilStore *store = veil_guardian_get_store (self);

  for (guint i = 0; i < settings->profiles->len; i++)
    {
      VeilProfile *verified = g_ptr_array_index (settings->profiles, i);
      g_autoptr(VeilProfile) stored = NULL;

      if (only_missing)
        {
          stored = veil_store_get_profile (store, veil_profile_get_id (verified), NULL);
          if (stored != NULL)
            continue;
        }
      if (!veil_store_restore_profile (store, verified, g_array_index (settings->acknowledged, guint, i),
                                       actor, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * veil_guardian_restore_records:
 *
 * The guardian puts back the settings last verified: every profile they hold is written
 * again, signed, profiles added outside Veil are deleted, and the notice goes, with an audit
 * entry. Needs guardian settings unlocked.
 */
gboolean
veil_guardian_restore_records (VeilGuardian  *self,
                               GError       **error)
{
  g_autoptr(Settings) settings = NULL;

  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);

  if (!_veil_guardian_require_unlocked (self, error))
    return FALSE;
  settings = load_settings (self, NULL);
  if (settings == NULL)
    {
      g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_FAILED,
                   _("Veil has no verified settings to restore. Check each profile, then save it again."));
      return FALSE;
    }
  if (!restore_settings (self, settings, VEIL_ACTOR_GUARDIAN, FALSE, error) ||
      !veil_store_remove_unverified_profiles (veil_guardian_get_store (self), VEIL_ACTOR_GUARDIAN, error))
    return FALSE;
  return clear_notice (self, "records-restored", error);
}

/* --- Opening ------------------------------------------------------------------------------- */

static gboolean
keyring_has_items (const char   *data_dir,
                   GCancellable *cancellable)
{
  const char * const kinds[] = { KIND_VERIFIER, KIND_INTEGRITY_KEY };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *secret = secret_password_lookup_sync (_veil_guardian_get_schema (), cancellable, NULL,
                                                             "kind", kinds[i], "data-dir", data_dir, NULL);
      if (secret != NULL)
        return TRUE;
    }
  return FALSE;
}

/* A damaged store is kept, under a name of its own, and a new one takes its place: Veil must
 * go on protecting, and nobody can read protection out of the damaged file. */
static gboolean
set_damaged_aside (const char  *path,
                   GError     **error)
{
  g_autofree char *aside = g_strdup_printf ("%s.set-aside-%" G_GINT64_FORMAT, path, g_get_real_time ());
  const char * const suffixes[] = { "-wal", "-shm" };

  if (g_rename (path, aside) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Veil could not set its damaged database aside (%s). Check that its data folder can be written."),
                   g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && g_rename (from, to) != 0)
        g_unlink (from);
    }
  return TRUE;
}

/* What the store looked like before opening created anything. */
typedef struct {
  gboolean missing_or_empty;
  gint64   mtime;   /* 0 when unknown */
} Before;

static void
look_before (const char *path,
             Before     *before)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      before->missing_or_empty = TRUE;
      before->mtime = 0;
      return;
    }
  before->missing_or_empty = st.st_size == 0;
  before->mtime = st.st_mtime;
}

static VeilStore *
open_store (const char        *path,
            VeilRecordsState  *found,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr(GError) open_error = NULL;
  g_autofree char *data_dir = g_path_get_dirname (path);
  VeilStore *store = veil_store_new (path, cancellable, &open_error);

  if (store != NULL)
    return store;
  /* Without Veil's items in the keyring there is nothing to protect with: the error stands. */
  if (!g_error_matches (open_error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT) ||
      !keyring_has_items (data_dir, cancellable))
    {
      g_propagate_error (error, g_steal_pointer (&open_error));
      return NULL;
    }
  g_message ("%s", open_error->message);
  if (!set_damaged_aside (path, error))
    return NULL;
  *found = VEIL_RECORDS_DAMAGED;
  return veil_store_new (path, cancellable, error);
}

/**
 * veil_guardian_open:
 * @db_path: (nullable): the database, %NULL for the usual place
 * @keyring_error: (out) (optional): why the keyring could not be reached, if it could not
 *
 * Opens the store and a guardian on it, loads the integrity key and the last verified
 * settings, and fails closed: when the keyring holds Veil's items but the store is missing
 * or empty, the verified profiles are written back; a damaged store is set aside and a new
 * one gets them; profile rows edited outside Veil read as their verified settings. Each
 * leaves a dated notice (veil_guardian_get_records_state()) and an audit entry. The
 * application, veilctl and the service all open Veil's data this way.
 *
 * Returns: (transfer full): the guardian (its store: veil_guardian_get_store()), or %NULL
 *   with @error set when no store could be opened
 */
VeilGuardian *
veil_guardian_open (const char    *db_path,
                    GCancellable  *cancellable,
                    GError       **keyring_error,
                    GError       **error)
{
  g_autofree char *path = db_path != NULL ? g_strdup (db_path) : veil_paths_get_database_path ();
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(Settings) settings = NULL;
  VeilRecordsState found = VEIL_RECORDS_VERIFIED;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean has_pin = FALSE;
  Before before;

  look_before (path, &before);
  store = open_store (path, &found, cancellable, error);
  if (store == NULL)
    return NULL;

  guardian = veil_guardian_new (store);
  if (!veil_guardian_check_keyring (guardian, cancellable, keyring_error))
    return g_steal_pointer (&guardian);
  if (!veil_store_has_integrity_key (store) &&
      !(veil_guardian_has_pin (guardian, &has_pin, cancellable, NULL) && has_pin))
    return g_steal_pointer (&guardian);  /* Veil was never set up here */

  settings = load_settings (guardian, cancellable);
  if (found == VEIL_RECORDS_VERIFIED && before.missing_or_empty)
    found = VEIL_RECORDS_REMOVED;
  if (found == VEIL_RECORDS_VERIFIED && settings != NULL && settings->profiles->len > 0)
    {
      g_autoptr(GPtrArray) profiles = veil_store_list_profiles (store, NULL);

      if (profiles != NULL && profiles->len == 0)
        found = VEIL_RECORDS_REMOVED;
    }

  if (found != VEIL_RECORDS_VERIFIED)
    {
      g_autoptr(GError) restore_error = NULL;

      if (settings != NULL && !restore_settings (guardian, settings, VEIL_ACTOR_VEIL, TRUE, &restore_error))
        g_warning ("Could not restore the verified settings: %s", restore_error->message);
      record_notice (guardian, found, before.mtime > 0 ? before.mtime : now);
      _veil_guardian_seal_settings (guardian, cancellable);
    }
  veil_guardian_check_records (guardian, NULL);
  return g_steal_pointer (&guardian);
}
