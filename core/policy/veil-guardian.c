/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-guardian"

#include "config.h"

#include "veil-guardian-private.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <sodium.h>

#include "veil-consent.h"

/* VeilGuardian: the guardian PIN and what it opens. The PIN itself is never stored: only an
 * Argon2id verifier, kept with the store's integrity key in the Secret Service. Without a
 * keyring Veil refuses to open guardian settings rather than fall back to a plain file. */

struct _VeilGuardian
{
  GObject            parent_instance;

  VeilStore         *store;      /* owned */
  char              *data_dir;   /* keyring items are per data folder */
  GBytes            *key;        /* nullable: the integrity key, once loaded */
  gboolean           unlocked;

  VeilGuardianClock  clock;
  gpointer           clock_data;
};

G_DEFINE_QUARK (veil-guardian-error-quark, veil_guardian_error)
G_DEFINE_FINAL_TYPE (VeilGuardian, veil_guardian, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_UNLOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define KIND_VERIFIER "pin-verifier"
#define KIND_INTEGRITY_KEY "integrity-key"
#define INTEGRITY_KEY_BYTES 32
#define MAX_PIN_BYTES 256
#define MAX_WAIT_SECONDS (60 * 60)
#define META_FAILURES "guardian-failures"
#define META_LAST_FAILURE "guardian-last-failure"

/* Argon2id cost: about 90 ms and 64 MiB per check on a current desktop, so trying every
 * 6-digit PIN against a stolen verifier takes a core about a day, while the guardian hardly
 * notices the wait. */
#define PWHASH_OPSLIMIT 3
#define PWHASH_MEMLIMIT (64 * 1024 * 1024)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.veilapp.Veil.Guardian", SECRET_SCHEMA_DONT_MATCH_NAME,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "data-dir", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static gint64
now_seconds (VeilGuardian *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data);
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
set_unlocked (VeilGuardian *self,
              gboolean      unlocked)
{
  if (self->unlocked == unlocked)
    return;
  self->unlocked = unlocked;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNLOCKED]);
}

static gboolean
keyring_error (GError  *cause,
               GError **error)
{
  g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_KEYRING_UNAVAILABLE,
               _("Veil cannot reach the keyring, where the guardian PIN is kept (%s). "
                 "Guardian settings stay closed until it is available: log in to a desktop session "
                 "with a keyring such as GNOME Keyring, then try again."),
               cause != NULL ? cause->message : _("no Secret Service"));
  return FALSE;
}

/* Returns FALSE with @error set only when the keyring cannot be asked; a missing item is
 * TRUE with *out_secret = NULL. */
gboolean
_veil_guardian_lookup_secret (VeilGuardian  *self,
                              const char    *kind,
                              char         **out_secret,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret;

  secret = secret_password_lookup_sync (get_schema (), cancellable, &local_error,
                                        "kind", kind, "data-dir", self->data_dir, NULL);
  if (local_error != NULL)
    return keyring_error (local_error, error);

  *out_secret = secret;
  return TRUE;
}

gboolean
_veil_guardian_store_secret (VeilGuardian  *self,
                             const char    *kind,
                             const char    *label,
                             const char    *secret,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                                   cancellable, &local_error,
                                   "kind", kind, "data-dir", self->data_dir, NULL))
    return keyring_error (local_error, error);

  return TRUE;
}

static gboolean
load_integrity_key (VeilGuardian  *self,
                    gboolean       create,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *encoded = NULL;
  g_autoptr(GBytes) key = NULL;
  gsize len = 0;
  guchar *raw;

  if (!_veil_guardian_lookup_secret (self, KIND_INTEGRITY_KEY, &encoded, cancellable, error))
    return FALSE;

  if (encoded == NULL)
    {
      guchar fresh[INTEGRITY_KEY_BYTES];

      if (!create)
        return TRUE;
      randombytes_buf (fresh, sizeof fresh);
      encoded = g_base64_encode (fresh, sizeof fresh);
      sodium_memzero (fresh, sizeof fresh);
      if (!_veil_guardian_store_secret (self, KIND_INTEGRITY_KEY, _("Veil integrity key"), encoded, cancellable, error))
        return FALSE;
    }

  raw = g_base64_decode (encoded, &len);
  if (len != INTEGRITY_KEY_BYTES)
    {
      g_free (raw);
      g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_FAILED,
                   _("Veil’s integrity key in the keyring is damaged. Erase Veil’s data and set Veil up again."));
      return FALSE;
    }
  key = g_bytes_new_take (raw, len);
  veil_store_set_integrity_key (self->store, key);
  if (self->key == NULL || !g_bytes_equal (self->key, key))
    {
      g_clear_pointer (&self->key, g_bytes_unref);
      self->key = g_bytes_ref (key);
      /* Edited rows read as the settings last verified, in every process that has the key. */
      _veil_guardian_load_verified (self, cancellable);
    }
  return TRUE;
}

static guint
backoff_seconds (guint failures)
{
  guint shift;

  if (failures < VEIL_GUARDIAN_FREE_ATTEMPTS)
    return 0;
  /* 30 s after the third wrong PIN, doubling each time, at most an hour. */
  shift = MIN (failures - VEIL_GUARDIAN_FREE_ATTEMPTS, 7);
  return MIN (30u << shift, (guint) MAX_WAIT_SECONDS);
}

static void
read_backoff (VeilGuardian *self,
              guint        *failures,
              gint64       *last_failure)
{
  g_autofree char *f = veil_store_get_meta (self->store, META_FAILURES);
  g_autofree char *t = veil_store_get_meta (self->store, META_LAST_FAILURE);
  guint64 fv = 0;
  gint64 tv = 0;

  if (f != NULL)
    g_ascii_string_to_unsigned (f, 10, 0, G_MAXUINT, &fv, NULL);
  if (t != NULL)
    g_ascii_string_to_signed (t, 10, 0, G_MAXINT64, &tv, NULL);
  *failures = (guint) fv;
  *last_failure = tv;
}

static gboolean
write_backoff (VeilGuardian  *self,
               guint          failures,
               gint64         last_failure,
               GError       **error)
{
  g_autofree char *f = g_strdup_printf ("%u", failures);
  g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, last_failure);

  if (failures == 0)
    return veil_store_set_meta (self->store, META_FAILURES, NULL, error) &&
           veil_store_set_meta (self->store, META_LAST_FAILURE, NULL, error);

  return veil_store_set_meta (self->store, META_FAILURES, f, error) &&
         veil_store_set_meta (self->store, META_LAST_FAILURE, t, error);
}

/* Checks @pin against the verifier, with the back-off kept in the store so that it survives
 * restarts. Runs in a worker thread for the async variants: touches no GObject state. */
static gboolean
verify_pin (VeilGuardian  *self,
            const char    *pin,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *verifier = NULL;
  guint failures;
  gint64 last_failure;
  gint64 now = now_seconds (self);
  guint wait;

  if (!_veil_guardian_lookup_secret (self, KIND_VERIFIER, &verifier, cancellable, error))
    return FALSE;
  if (verifier == NULL)
    {
      g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_NO_PIN,
                   _("No guardian PIN is set yet. Set one first (“veilctl guardian set-pin”, or Set Up Veil)."));
      return FALSE;
    }

  read_backoff (self, &failures, &last_failure);
  wait = backoff_seconds (failures);
  if (wait > 0 && now < last_failure + wait)
    {
      gint64 left = last_failure + wait - now;
      g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED_OUT,
                   /* %lu with a cast: gettext cannot see through G_GINT64_FORMAT */
                   g_dngettext (GETTEXT_PACKAGE,
                                "Too many wrong PINs. Try again in %lu second.",
                                "Too many wrong PINs. Try again in %lu seconds.",
                                (gulong) left),
                   (gulong) left);
      return FALSE;
    }

  if (pin == NULL || strlen (pin) > MAX_PIN_BYTES ||
      crypto_pwhash_str_verify (verifier, pin, strlen (pin)) != 0)
    {
      g_autoptr(GError) store_error = NULL;

      failures++;
      if (!write_backoff (self, failures, now, &store_error))
        g_debug ("Could not record a failed PIN: %s", store_error->message);
      veil_store_add_audit (self->store, 0, VEIL_ACTOR_GUARDIAN, "pin-failed", NULL, NULL);

      if (backoff_seconds (failures) > 0)
        g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "That is not the guardian PIN. Try again in %u second.",
                                  "That is not the guardian PIN. Try again in %u seconds.",
                                  backoff_seconds (failures)),
                     backoff_seconds (failures));
      else
        g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN,
                     _("That is not the guardian PIN. Try again."));
      return FALSE;
    }

  if (failures > 0 && !write_backoff (self, 0, 0, error))
    return FALSE;

  return load_integrity_key (self, TRUE, cancellable, error);
}

gboolean
_veil_guardian_require_unlocked (VeilGuardian  *self,
                                 GError       **error)
{
  if (self->unlocked)
    return TRUE;

  g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_LOCKED,
               _("Guardian settings are locked. Enter the guardian PIN first."));
  return FALSE;
}

static gboolean
is_trivial_sequence (const char *pin)
{
  size_t len = strlen (pin);
  gboolean same = TRUE, up = TRUE, down = TRUE;

  for (size_t i = 1; i < len; i++)
    {
      same &= pin[i] == pin[0];
      up &= pin[i] == pin[i - 1] + 1;
      down &= pin[i] == pin[i - 1] - 1;
    }
  return same || up || down;
}

static gboolean
change_pin (VeilGuardian  *self,
            const char    *old_pin,
            const char    *new_pin,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *existing = NULL;
  char verifier[crypto_pwhash_STRBYTES];

  if (!veil_guardian_check_pin_strength (new_pin, error))
    return FALSE;
  if (!_veil_guardian_lookup_secret (self, KIND_VERIFIER, &existing, cancellable, error))
    return FALSE;

  if (existing != NULL)
    {
      if (old_pin == NULL)
        {
          g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WRONG_PIN,
                       _("A guardian PIN is already set. Enter the current PIN to change it."));
          return FALSE;
        }
      if (!verify_pin (self, old_pin, cancellable, error))
        return FALSE;
    }

  if (crypto_pwhash_str (verifier, new_pin, strlen (new_pin), PWHASH_OPSLIMIT, PWHASH_MEMLIMIT) != 0)
    {
      g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_FAILED,
                   _("There is not enough memory to protect the PIN. Close some programs and try again."));
      return FALSE;
    }

  if (!load_integrity_key (self, TRUE, cancellable, error) ||
      !_veil_guardian_store_secret (self, KIND_VERIFIER, _("Veil guardian PIN"), verifier, cancellable, error))
    return FALSE;

  return veil_store_add_audit (self->store, 0, VEIL_ACTOR_GUARDIAN,
                               existing != NULL ? "pin-changed" : "pin-set", NULL, error);
}

/* --- GObject ------------------------------------------------------------------------------- */

static void
veil_guardian_constructed (GObject *object)
{
  VeilGuardian *self = VEIL_GUARDIAN (object);

  G_OBJECT_CLASS (veil_guardian_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  self->data_dir = g_path_get_dirname (veil_store_get_path (self->store));
}

static void
veil_guardian_dispose (GObject *object)
{
  VeilGuardian *self = VEIL_GUARDIAN (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (veil_guardian_parent_class)->dispose (object);
}

static void
veil_guardian_finalize (GObject *object)
{
  VeilGuardian *self = VEIL_GUARDIAN (object);

  g_free (self->data_dir);
  g_clear_pointer (&self->key, g_bytes_unref);

  G_OBJECT_CLASS (veil_guardian_parent_class)->finalize (object);
}

static void
veil_guardian_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VeilGuardian *self = VEIL_GUARDIAN (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_UNLOCKED:
      g_value_set_boolean (value, self->unlocked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_guardian_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VeilGuardian *self = VEIL_GUARDIAN (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_guardian_class_init (VeilGuardianClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = veil_guardian_constructed;
  object_class->dispose = veil_guardian_dispose;
  object_class->finalize = veil_guardian_finalize;
  object_class->get_property = veil_guardian_get_property;
  object_class->set_property = veil_guardian_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VEIL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VeilGuardian:unlocked:
   *
   * Whether the guardian entered the PIN; guardian settings are open while this is %TRUE.
   */
  properties[PROP_UNLOCKED] =
    g_param_spec_boolean ("unlocked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  if (sodium_init () < 0)
    g_error ("libsodium could not start");
}

static void
veil_guardian_init (VeilGuardian *self)
{
}

/* --- Private API --------------------------------------------------------------------------- */

const SecretSchema *
_veil_guardian_get_schema (void)
{
  return get_schema ();
}

const char *
_veil_guardian_get_data_dir (VeilGuardian *self)
{
  return self->data_dir;
}

GBytes *
_veil_guardian_get_key (VeilGuardian *self)
{
  return self->key;
}

void
_veil_guardian_set_clock (VeilGuardian      *self,
                          VeilGuardianClock  clock,
                          gpointer           user_data)
{
  self->clock = clock;
  self->clock_data = user_data;
}

/* --- Public API ---------------------------------------------------------------------------- */

/**
 * veil_guardian_new:
 * @store: the store whose profiles the guardian manages
 *
 * Returns: (transfer full): a locked guardian
 */
VeilGuardian *
veil_guardian_new (VeilStore *store)
{
  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);

  return g_object_new (VEIL_TYPE_GUARDIAN, "store", store, NULL);
}

VeilStore *
veil_guardian_get_store (VeilGuardian *self)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), NULL);
  return self->store;
}

gboolean
veil_guardian_get_unlocked (VeilGuardian *self)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);
  return self->unlocked;
}

/**
 * veil_guardian_lock:
 *
 * Closes guardian settings (on leaving the guardian area, or after inactivity).
 */
void
veil_guardian_lock (VeilGuardian *self)
{
  g_return_if_fail (VEIL_IS_GUARDIAN (self));
  set_unlocked (self, FALSE);
}

/**
 * veil_guardian_check_pin_strength:
 *
 * A PIN of at least 6 digits, or a passphrase of at least 8 characters; runs like 123456 or
 * 000000 are refused.
 */
gboolean
veil_guardian_check_pin_strength (const char  *pin,
                                  GError     **error)
{
  gboolean digits = TRUE;

  if (pin == NULL || !g_utf8_validate (pin, -1, NULL) || strlen (pin) > MAX_PIN_BYTES)
    {
      g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WEAK_PIN,
                   _("Choose a PIN of at least 6 digits, or a passphrase of at least 8 characters."));
      return FALSE;
    }

  for (const char *p = pin; *p != '\0'; p++)
    digits &= g_ascii_isdigit (*p);

  if ((digits && strlen (pin) < 6) || (!digits && g_utf8_strlen (pin, -1) < 8))
    {
      g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WEAK_PIN,
                   _("This PIN is too short. Use at least 6 digits, or a passphrase of at least 8 characters."));
      return FALSE;
    }

  if (is_trivial_sequence (pin))
    {
      g_set_error (error, VEIL_GUARDIAN_ERROR, VEIL_GUARDIAN_ERROR_WEAK_PIN,
                   _("This PIN is too easy to guess. Avoid runs like 123456 or 000000."));
      return FALSE;
    }

  return TRUE;
}

/**
 * veil_guardian_check_keyring:
 *
 * Asks the Secret Service whether it is there, and loads the integrity key into the store
 * so that profiles edited outside Veil are detected. Needs no PIN.
 *
 * Returns: %TRUE when the keyring answers; otherwise
 *   %VEIL_GUARDIAN_ERROR_KEYRING_UNAVAILABLE with a message for the guardian
 */
gboolean
veil_guardian_check_keyring (VeilGuardian  *self,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);

  return load_integrity_key (self, FALSE, cancellable, error);
}

gboolean
veil_guardian_has_pin (VeilGuardian  *self,
                       gboolean      *out_has_pin,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *verifier = NULL;

  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);
  g_return_val_if_fail (out_has_pin != NULL, FALSE);

  if (!_veil_guardian_lookup_secret (self, KIND_VERIFIER, &verifier, cancellable, error))
    return FALSE;
  *out_has_pin = verifier != NULL;
  return TRUE;
}

/**
 * veil_guardian_set_pin:
 * @old_pin: (nullable): the current PIN; needed when one is set
 * @new_pin: the new PIN
 *
 * Sets or changes the guardian PIN. Stores only an Argon2id verifier in the keyring, and
 * creates the integrity key on first use. Leaves guardian settings unlocked.
 */
gboolean
veil_guardian_set_pin (VeilGuardian  *self,
                       const char    *old_pin,
                       const char    *new_pin,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!change_pin (self, old_pin, new_pin, cancellable, error))
    return FALSE;

  set_unlocked (self, TRUE);
  return TRUE;
}

typedef struct {
  char *old_pin;
  char *new_pin;
} PinData;

static void
pin_data_free (PinData *data)
{
  /* PINs do not linger in freed memory. */
  if (data->old_pin != NULL)
    sodium_memzero (data->old_pin, strlen (data->old_pin));
  if (data->new_pin != NULL)
    sodium_memzero (data->new_pin, strlen (data->new_pin));
  g_free (data->old_pin);
  g_free (data->new_pin);
  g_free (data);
}

static void
set_pin_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PinData *data = task_data;
  GError *error = NULL;

  if (change_pin (source_object, data->old_pin, data->new_pin, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
veil_guardian_set_pin_async (VeilGuardian        *self,
                             const char          *old_pin,
                             const char          *new_pin,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PinData *data;

  g_return_if_fail (VEIL_IS_GUARDIAN (self));

  data = g_new0 (PinData, 1);
  data->old_pin = g_strdup (old_pin);
  data->new_pin = g_strdup (new_pin);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_guardian_set_pin_async);
  g_task_set_task_data (task, data, (GDestroyNotify) pin_data_free);
  g_task_run_in_thread (task, set_pin_thread);
}

gboolean
veil_guardian_set_pin_finish (VeilGuardian  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_guardian_set_pin_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  set_unlocked (self, TRUE);
  return TRUE;
}

/**
 * veil_guardian_unlock:
 *
 * Checks @pin and opens guardian settings. Wrong PINs count towards a back-off that is kept
 * in the store, so restarting Veil does not reset it.
 */
gboolean
veil_guardian_unlock (VeilGuardian  *self,
                      const char    *pin,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!verify_pin (self, pin, cancellable, error))
    return FALSE;

  set_unlocked (self, TRUE);
  return TRUE;
}

static void
unlock_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PinData *data = task_data;
  GError *error = NULL;

  if (verify_pin (source_object, data->new_pin, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
veil_guardian_unlock_async (VeilGuardian        *self,
                            const char          *pin,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PinData *data;

  g_return_if_fail (VEIL_IS_GUARDIAN (self));

  data = g_new0 (PinData, 1);
  data->new_pin = g_strdup (pin);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_guardian_unlock_async);
  g_task_set_task_data (task, data, (GDestroyNotify) pin_data_free);
  g_task_run_in_thread (task, unlock_thread);
}

gboolean
veil_guardian_unlock_finish (VeilGuardian  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_guardian_unlock_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  set_unlocked (self, TRUE);
  return TRUE;
}

/**
 * veil_guardian_get_wait_seconds:
 *
 * Returns: how long until the next PIN attempt is accepted, 0 when one may be tried now
 */
guint
veil_guardian_get_wait_seconds (VeilGuardian *self)
{
  guint failures, wait;
  gint64 last_failure, now;

  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), 0);

  read_backoff (self, &failures, &last_failure);
  wait = backoff_seconds (failures);
  now = now_seconds (self);
  if (wait == 0 || now >= last_failure + wait)
    return 0;
  return (guint) (last_failure + wait - now);
}

/**
 * veil_guardian_save_profile:
 *
 * Saves @profile (new or changed) while guardian settings are unlocked; see
 * veil_store_save_profile().
 *
 * Returns: (transfer full): the profile as stored
 */
VeilProfile *
veil_guardian_save_profile (VeilGuardian  *self,
                            VeilProfile   *profile,
                            GError       **error)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  VeilProfile *saved;

  if (!_veil_guardian_require_unlocked (self, error))
    return NULL;

  saved = veil_store_save_profile (self->store, profile, VEIL_ACTOR_GUARDIAN, error);
  if (saved != NULL)
    _veil_guardian_seal_settings (self, NULL);
  return saved;
}

gboolean
veil_guardian_delete_profile (VeilGuardian  *self,
                              VeilProfile   *profile,
                              GError       **error)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  if (!_veil_guardian_require_unlocked (self, error))
    return FALSE;

  if (!veil_store_delete_profile (self->store, veil_profile_get_id (profile), VEIL_ACTOR_GUARDIAN, error))
    return FALSE;
  _veil_guardian_seal_settings (self, NULL);
  return TRUE;
}

gboolean
veil_guardian_export (VeilGuardian  *self,
                      const char    *dir,
                      GError       **error)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (!_veil_guardian_require_unlocked (self, error))
    return FALSE;

  return veil_store_export (self->store, dir, error);
}

/**
 * veil_guardian_erase_all:
 *
 * Deletes everything: the store's contents, the PIN verifier and the integrity key. Veil is
 * then as on the first start.
 */
gboolean
veil_guardian_erase_all (VeilGuardian  *self,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (VEIL_IS_GUARDIAN (self), FALSE);

  if (!_veil_guardian_require_unlocked (self, error))
    return FALSE;

  if (!veil_store_erase_all (self->store, error))
    return FALSE;

  secret_password_clear_sync (get_schema (), cancellable, &local_error,
                              "data-dir", self->data_dir, NULL);
  if (local_error != NULL)
    return keyring_error (local_error, error);

  veil_store_set_integrity_key (self->store, NULL);
  veil_store_set_verified_profiles (self->store, NULL);
  g_clear_pointer (&self->key, g_bytes_unref);
  _veil_guardian_forget_settings (self);
  set_unlocked (self, FALSE);
  return TRUE;
}
