/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-profile"

#include "config.h"

#include "veil-profile-private.h"
#include "veil-enum-private.h"

#include <glib/gi18n-lib.h>

/* The profile value and its builder. The struct, shared with the JSON and settings parts,
 * is in veil-profile-private.h. */

struct _VeilProfileBuilder
{
  gatomicrefcount  ref_count;
  VeilProfile     *draft;   /* owned, private to the builder */
};

G_DEFINE_QUARK (veil-profile-error-quark, veil_profile_error)
G_DEFINE_BOXED_TYPE (VeilProfile, veil_profile, veil_profile_ref, veil_profile_unref)
G_DEFINE_BOXED_TYPE (VeilProfileBuilder, veil_profile_builder, veil_profile_builder_ref, veil_profile_builder_unref)

/* --- Private API ------------------------------------------------------------------------- */

VeilProfile *
_veil_profile_new_empty (void)
{
  VeilProfile *self = g_new0 (VeilProfile, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->folders = g_new0 (char *, 1);
  self->message_folders = g_new0 (char *, 1);
  self->sensitivity = VEIL_SENSITIVITY_STANDARD;
  /* As on current phones: a younger child needs the guardian to view a warned image. */
  self->view_needs_pin = TRUE;
  self->retention_days = VEIL_PROFILE_DEFAULT_RETENTION_DAYS;
  self->match_threshold = VEIL_PROFILE_DEFAULT_MATCH_THRESHOLD;
  self->trusted_names = g_ptr_array_new_with_free_func (g_free);
  self->trusted_contacts = g_ptr_array_new_with_free_func (g_free);

  return self;
}

static void
profile_free (VeilProfile *self)
{
  g_free (self->name);
  g_free (self->unix_user);
  g_strfreev (self->folders);
  g_strfreev (self->message_folders);
  g_ptr_array_unref (self->trusted_names);
  g_ptr_array_unref (self->trusted_contacts);
  g_free (self);
}

VeilProfile *
_veil_profile_copy (VeilProfile *src)
{
  VeilProfile *self = _veil_profile_new_empty ();

  self->id = src->id;
  self->version = src->version;
  self->integrity = src->integrity;
  self->name = g_strdup (src->name);
  self->age_band = src->age_band;
  self->birth_year = src->birth_year;
  self->unix_user = g_strdup (src->unix_user);
  memcpy (self->protections, src->protections, sizeof self->protections);
  g_strfreev (self->folders);
  self->folders = g_strdupv (src->folders);
  g_strfreev (self->message_folders);
  self->message_folders = g_strdupv (src->message_folders);
  self->hide_warned = src->hide_warned;
  self->sensitivity = src->sensitivity;
  self->view_needs_pin = src->view_needs_pin;
  self->unchecked_rule = src->unchecked_rule;
  self->second_opinion = src->second_opinion;
  self->scan_schedule = src->scan_schedule;
  self->retention_days = src->retention_days;
  self->match_threshold = src->match_threshold;
  for (guint i = 0; i < src->trusted_names->len; i++)
    {
      g_ptr_array_add (self->trusted_names, g_strdup (src->trusted_names->pdata[i]));
      g_ptr_array_add (self->trusted_contacts, g_strdup (src->trusted_contacts->pdata[i]));
    }

  return self;
}

gboolean
_veil_profile_validate_name (const char  *name,
                             GError     **error)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_NAME,
                   _("A profile needs a name. Use the child’s first name or a nickname."));
      return FALSE;
    }

  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0' || !g_str_equal (stripped, name))
    {
      g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_NAME,
                   _("A profile name cannot be empty or start or end with spaces."));
      return FALSE;
    }

  if (g_utf8_strlen (name, -1) > VEIL_PROFILE_MAX_NAME_LENGTH)
    {
      g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_NAME,
                   _("The profile name is too long. Use at most %d characters."), VEIL_PROFILE_MAX_NAME_LENGTH);
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* '=' would be ambiguous on the veilctl command line; control characters are never names. */
      if (g_unichar_iscntrl (c) || c == '=')
        {
          g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_NAME,
                       _("The profile name “%s” contains characters that cannot be used. Use letters, digits and spaces."),
                       name);
          return FALSE;
        }
    }

  return TRUE;
}

VeilProfile *
_veil_profile_copy_with_id (VeilProfile          *self,
                            gint64                id,
                            guint                 version,
                            VeilProfileIntegrity  integrity)
{
  VeilProfile *copy = _veil_profile_copy (self);

  copy->id = id;
  copy->version = version;
  copy->integrity = integrity;

  return copy;
}

/* --- Public API: the value ---------------------------------------------------------------- */

VeilProfile *
veil_profile_ref (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_profile_unref (VeilProfile *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    profile_free (self);
}

/**
 * veil_profile_get_id:
 *
 * Returns: the store's id of the profile, 0 when it has never been saved
 */
gint64
veil_profile_get_id (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->id;
}

/**
 * veil_profile_get_version:
 *
 * Returns: how many times the profile was saved (1 for a new one), 0 when never saved
 */
guint
veil_profile_get_version (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->version;
}

const char *
veil_profile_get_name (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

VeilAgeBand
veil_profile_get_age_band (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_AGE_BAND_UNKNOWN);
  return self->age_band;
}

int
veil_profile_get_birth_year (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->birth_year;
}

/**
 * veil_profile_get_effective_age_band:
 *
 * The age band chosen by the guardian, or the one the birth year gives this year. When the
 * age is unknown, Veil treats the child as under 13: the careful choice.
 */
VeilAgeBand
veil_profile_get_effective_age_band (VeilProfile *self)
{
  g_autoptr(GDateTime) now = NULL;
  int age;

  g_return_val_if_fail (self != NULL, VEIL_AGE_BAND_UNDER_13);

  if (self->age_band != VEIL_AGE_BAND_UNKNOWN)
    return self->age_band;
  if (self->birth_year == 0)
    return VEIL_AGE_BAND_UNDER_13;

  now = g_date_time_new_now_local ();
  /* The age reached this year; without the birthday, the lower band is the careful guess. */
  age = g_date_time_get_year (now) - self->birth_year - 1;
  if (age < 13)
    return VEIL_AGE_BAND_UNDER_13;
  if (age < 16)
    return VEIL_AGE_BAND_13_15;
  return VEIL_AGE_BAND_16_17;
}

const char *
veil_profile_get_unix_user (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->unix_user;
}

/**
 * veil_profile_get_protection_enabled:
 *
 * Whether the guardian turned @protection on. Whether it is *active* also depends on the
 * child's acknowledgment; ask the store (veil_store_get_protection_status()).
 */
gboolean
veil_profile_get_protection_enabled (VeilProfile    *self,
                                     VeilProtection  protection)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, FALSE);
  return self->protections[protection];
}

const char * const *
veil_profile_get_folders (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->folders;
}

/**
 * veil_profile_get_message_folders:
 *
 * Returns: (transfer none): the attachment folders the guardian chose for message warnings;
 *   empty when Veil's defaults apply (Downloads and the messaging apps' folders in it, as the
 *   child's own session resolves them)
 */
const char * const *
veil_profile_get_message_folders (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->message_folders;
}

/**
 * veil_profile_get_hide_warned:
 *
 * Whether the guardian asked Veil to move warned pictures into Veil's own folder (always
 * restorable). It takes effect only while the profile's effective age band is under 13: an
 * older child's files are never moved, whatever this says.
 */
gboolean
veil_profile_get_hide_warned (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->hide_warned;
}

VeilSensitivity
veil_profile_get_sensitivity (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_SENSITIVITY_STANDARD);
  return self->sensitivity;
}

/**
 * veil_profile_get_scan_schedule:
 *
 * How often the background service checks the picture folders by itself while folder
 * checks are on: daily unless the guardian chose otherwise.
 */
VeilScanSchedule
veil_profile_get_scan_schedule (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_SCAN_SCHEDULE_DAILY);
  return self->scan_schedule;
}

/**
 * veil_profile_get_notify:
 *
 * Who the guardian chose to tell about alerts. For a child of 13 or more the guardian is only
 * told once the child acknowledged it too.
 */
VeilNotify
veil_profile_get_notify (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_NOTIFY_NOBODY);
  return self->protections[VEIL_PROTECTION_GUARDIAN_ALERTS] ? VEIL_NOTIFY_GUARDIAN : VEIL_NOTIFY_NOBODY;
}

/**
 * veil_profile_get_view_needs_pin:
 *
 * For a child under 13: whether viewing a warned image needs the guardian PIN (the default).
 * Older children always decide for themselves.
 */
gboolean
veil_profile_get_view_needs_pin (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return self->view_needs_pin;
}

/**
 * veil_profile_get_unchecked_rule:
 *
 * The rule the guardian chose for pictures Veil could not check, or
 * %VEIL_UNCHECKED_RULE_DEFAULT when the age decides (see
 * veil_profile_get_effective_unchecked_rule()).
 */
VeilUncheckedRule
veil_profile_get_unchecked_rule (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_UNCHECKED_RULE_DEFAULT);
  return self->unchecked_rule;
}

/* Returns: the second-opinion setting as saved, %VEIL_SECOND_OPINION_RULE_DEFAULT when the
 * sensitivity decides (veil_profile_get_second_opinion()) */
VeilSecondOpinionRule
veil_profile_get_second_opinion_rule (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_SECOND_OPINION_RULE_DEFAULT);
  return self->second_opinion;
}

/**
 * veil_profile_get_second_opinion:
 *
 * Whether a second model may overrule the first one's borderline flags for this child: as
 * the guardian set it, else on for the relaxed and standard sensitivities and off for strict.
 *
 * Returns: %TRUE when the second opinion is on
 */
gboolean
veil_profile_get_second_opinion (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->second_opinion != VEIL_SECOND_OPINION_RULE_DEFAULT)
    return self->second_opinion == VEIL_SECOND_OPINION_RULE_ON;
  return self->sensitivity != VEIL_SENSITIVITY_STRICT;
}

/**
 * veil_profile_get_effective_unchecked_rule:
 *
 * What happens to a picture Veil could not check: %VEIL_UNCHECKED_RULE_BLUR (warned like a
 * sensitive one) or %VEIL_UNCHECKED_RULE_ALLOW (shown, and recorded as not checked). Unless
 * the guardian chose, a child under 13 (or of unknown age) gets blur, an older one allow.
 * Never returns %VEIL_UNCHECKED_RULE_DEFAULT.
 */
VeilUncheckedRule
veil_profile_get_effective_unchecked_rule (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_UNCHECKED_RULE_BLUR);

  if (self->unchecked_rule != VEIL_UNCHECKED_RULE_DEFAULT)
    return self->unchecked_rule;
  return veil_profile_get_effective_age_band (self) == VEIL_AGE_BAND_UNDER_13 ? VEIL_UNCHECKED_RULE_BLUR
                                                                             : VEIL_UNCHECKED_RULE_ALLOW;
}

guint
veil_profile_get_retention_days (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_PROFILE_DEFAULT_RETENTION_DAYS);
  return self->retention_days;
}

/**
 * veil_profile_get_match_threshold:
 *
 * How many library-scan matches it takes before the guardian is told, so that a single
 * false positive exposes nothing.
 */
guint
veil_profile_get_match_threshold (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_PROFILE_DEFAULT_MATCH_THRESHOLD);
  return self->match_threshold;
}

guint
veil_profile_get_n_trusted_adults (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->trusted_names->len;
}

void
veil_profile_get_trusted_adult (VeilProfile  *self,
                                guint         index,
                                const char  **name,
                                const char  **contact)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->trusted_names->len);

  if (name != NULL)
    *name = self->trusted_names->pdata[index];
  if (contact != NULL)
    *contact = self->trusted_contacts->pdata[index];
}

/**
 * veil_profile_get_integrity:
 *
 * Whether the stored row still carries the signature Veil gave it. %VEIL_PROFILE_INTEGRITY_TAMPERED
 * means it was changed outside Veil; the guardian is shown this.
 */
VeilProfileIntegrity
veil_profile_get_integrity (VeilProfile *self)
{
  g_return_val_if_fail (self != NULL, VEIL_PROFILE_INTEGRITY_UNCHECKED);
  return self->integrity;
}

/**
 * veil_profile_protection_needs_acknowledgment:
 *
 * Every warning and scan needs the child's acknowledgment. Telling the guardian needs it too
 * from 13 on; for a younger child it is the guardian's choice alone.
 */
gboolean
veil_profile_protection_needs_acknowledgment (VeilProfile    *self,
                                              VeilProtection  protection)
{
  g_return_val_if_fail (self != NULL, TRUE);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, TRUE);

  if (protection == VEIL_PROTECTION_GUARDIAN_ALERTS)
    return veil_profile_get_effective_age_band (self) != VEIL_AGE_BAND_UNDER_13;

  return TRUE;
}

/**
 * veil_profile_equal_settings:
 *
 * Returns: whether @a and @b hold the same settings (ids, versions and integrity aside)
 */
gboolean
veil_profile_equal_settings (VeilProfile *a,
                             VeilProfile *b)
{
  g_autofree char *ja = NULL;
  g_autofree char *jb = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  ja = veil_profile_to_json (a);
  jb = veil_profile_to_json (b);
  return g_str_equal (ja, jb);
}

/* --- Public API: the builder -------------------------------------------------------------- */

VeilProfileBuilder *
veil_profile_builder_new (const char *name)
{
  VeilProfileBuilder *self = g_new0 (VeilProfileBuilder, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->draft = _veil_profile_new_empty ();
  self->draft->name = g_strdup (name);

  return self;
}

/**
 * veil_profile_builder_new_from_profile:
 *
 * Starts from @profile's settings; the built profile keeps its id, so saving it makes a new
 * version of the same profile.
 */
VeilProfileBuilder *
veil_profile_builder_new_from_profile (VeilProfile *profile)
{
  VeilProfileBuilder *self;

  g_return_val_if_fail (profile != NULL, NULL);

  self = g_new0 (VeilProfileBuilder, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->draft = _veil_profile_copy (profile);
  self->draft->integrity = VEIL_PROFILE_INTEGRITY_UNCHECKED;

  return self;
}

VeilProfileBuilder *
veil_profile_builder_ref (VeilProfileBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_profile_builder_unref (VeilProfileBuilder *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      veil_profile_unref (self->draft);
      g_free (self);
    }
}

void
veil_profile_builder_set_name (VeilProfileBuilder *self,
                               const char         *name)
{
  g_return_if_fail (self != NULL);
  g_free (self->draft->name);
  self->draft->name = g_strdup (name);
}

void
veil_profile_builder_set_age_band (VeilProfileBuilder *self,
                                   VeilAgeBand         band)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (band <= VEIL_AGE_BAND_16_17);
  self->draft->age_band = band;
}

void
veil_profile_builder_set_birth_year (VeilProfileBuilder *self,
                                     int                 year)
{
  g_return_if_fail (self != NULL);
  self->draft->birth_year = year;
}

void
veil_profile_builder_set_unix_user (VeilProfileBuilder *self,
                                    const char         *user)
{
  g_return_if_fail (self != NULL);
  g_free (self->draft->unix_user);
  self->draft->unix_user = (user != NULL && *user != '\0') ? g_strdup (user) : NULL;
}

void
veil_profile_builder_set_protection_enabled (VeilProfileBuilder *self,
                                             VeilProtection      protection,
                                             gboolean            enabled)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (protection < VEIL_N_PROTECTIONS);
  self->draft->protections[protection] = !!enabled;
}

void
veil_profile_builder_set_folders (VeilProfileBuilder *self,
                                  const char * const *folders)
{
  g_return_if_fail (self != NULL);
  g_strfreev (self->draft->folders);
  self->draft->folders = folders != NULL ? g_strdupv ((char **) folders) : g_new0 (char *, 1);
}

/* @folders: (nullable): attachment folders, or %NULL / empty for Veil's defaults */
void
veil_profile_builder_set_message_folders (VeilProfileBuilder *self,
                                          const char * const *folders)
{
  g_return_if_fail (self != NULL);
  g_strfreev (self->draft->message_folders);
  self->draft->message_folders = folders != NULL ? g_strdupv ((char **) folders) : g_new0 (char *, 1);
}

/* See veil_profile_get_hide_warned(): it only ever applies to under-13 profiles. */
void
veil_profile_builder_set_hide_warned (VeilProfileBuilder *self,
                                      gboolean            hide_warned)
{
  g_return_if_fail (self != NULL);
  self->draft->hide_warned = !!hide_warned;
}

void
veil_profile_builder_set_sensitivity (VeilProfileBuilder *self,
                                      VeilSensitivity     sensitivity)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (sensitivity <= VEIL_SENSITIVITY_STRICT);
  self->draft->sensitivity = sensitivity;
}

void
veil_profile_builder_set_view_needs_pin (VeilProfileBuilder *self,
                                         gboolean            needs_pin)
{
  g_return_if_fail (self != NULL);
  self->draft->view_needs_pin = !!needs_pin;
}

void
veil_profile_builder_set_second_opinion_rule (VeilProfileBuilder    *self,
                                              VeilSecondOpinionRule  rule)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (rule <= VEIL_SECOND_OPINION_RULE_OFF);
  self->draft->second_opinion = rule;
}

void
veil_profile_builder_set_unchecked_rule (VeilProfileBuilder *self,
                                         VeilUncheckedRule   rule)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (rule <= VEIL_UNCHECKED_RULE_ALLOW);
  self->draft->unchecked_rule = rule;
}

void
veil_profile_builder_set_scan_schedule (VeilProfileBuilder *self,
                                        VeilScanSchedule    schedule)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (schedule <= VEIL_SCAN_SCHEDULE_OFF);
  self->draft->scan_schedule = schedule;
}

void
veil_profile_builder_set_retention_days (VeilProfileBuilder *self,
                                         guint               days)
{
  g_return_if_fail (self != NULL);
  self->draft->retention_days = days;
}

void
veil_profile_builder_set_match_threshold (VeilProfileBuilder *self,
                                          guint               matches)
{
  g_return_if_fail (self != NULL);
  self->draft->match_threshold = matches;
}

void
veil_profile_builder_add_trusted_adult (VeilProfileBuilder *self,
                                        const char         *name,
                                        const char         *contact)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  g_ptr_array_add (self->draft->trusted_names, g_strdup (name));
  g_ptr_array_add (self->draft->trusted_contacts, g_strdup (contact != NULL ? contact : ""));
}

void
veil_profile_builder_clear_trusted_adults (VeilProfileBuilder *self)
{
  g_return_if_fail (self != NULL);
  g_ptr_array_set_size (self->draft->trusted_names, 0);
  g_ptr_array_set_size (self->draft->trusted_contacts, 0);
}

/**
 * veil_profile_builder_build:
 *
 * Returns: (transfer full) (nullable): a new immutable profile, or %NULL with @error set when
 *   the settings are not valid. The builder stays usable.
 */
VeilProfile *
veil_profile_builder_build (VeilProfileBuilder  *self,
                            GError             **error)
{
  VeilProfile *d;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  d = self->draft;
  if (!_veil_profile_validate_name (d->name, error))
    return NULL;
  if (d->retention_days < 1 || d->retention_days > VEIL_PROFILE_MAX_RETENTION_DAYS)
    {
      g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_VALUE,
                   _("Keep alerts for 1 to %d days."), VEIL_PROFILE_MAX_RETENTION_DAYS);
      return NULL;
    }
  if (d->match_threshold < 1 || d->match_threshold > VEIL_PROFILE_MAX_MATCH_THRESHOLD)
    {
      g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_VALUE,
                   _("The number of matches before the guardian is told must be from 1 to %d."),
                   VEIL_PROFILE_MAX_MATCH_THRESHOLD);
      return NULL;
    }

  return _veil_profile_copy (d);
}

/* --- Enums as text ------------------------------------------------------------------------ */

/* The text of each value is its nick in veil-enums.h: what profiles store and veilctl reads. */

const char *
veil_age_band_to_string (VeilAgeBand band)
{
  g_return_val_if_fail (band <= VEIL_AGE_BAND_16_17, "unknown");
  return _veil_enum_get_nick (VEIL_TYPE_AGE_BAND, band);
}

/* Only a band a guardian can choose: "unknown" is refused. */
gboolean
veil_age_band_from_string (const char  *str,
                           VeilAgeBand *out_band)
{
  int value;

  g_return_val_if_fail (out_band != NULL, FALSE);

  if (!_veil_enum_from_nick (VEIL_TYPE_AGE_BAND, str, &value) || value == VEIL_AGE_BAND_UNKNOWN)
    return FALSE;

  *out_band = value;
  return TRUE;
}

const char *
veil_age_band_get_label (VeilAgeBand band)
{
  switch (band)
    {
    case VEIL_AGE_BAND_UNDER_13:
      return _("Under 13");
    case VEIL_AGE_BAND_13_15:
      return _("13 to 15");
    case VEIL_AGE_BAND_16_17:
      return _("16 or 17");
    case VEIL_AGE_BAND_UNKNOWN:
    default:
      return _("Age not given");
    }
}

const char *
veil_sensitivity_to_string (VeilSensitivity sensitivity)
{
  g_return_val_if_fail (sensitivity <= VEIL_SENSITIVITY_STRICT, "standard");
  return _veil_enum_get_nick (VEIL_TYPE_SENSITIVITY, sensitivity);
}

gboolean
veil_sensitivity_from_string (const char      *str,
                              VeilSensitivity *out_sensitivity)
{
  int value;

  g_return_val_if_fail (out_sensitivity != NULL, FALSE);

  if (!_veil_enum_from_nick (VEIL_TYPE_SENSITIVITY, str, &value))
    return FALSE;

  *out_sensitivity = value;
  return TRUE;
}

const char *
veil_sensitivity_get_label (VeilSensitivity sensitivity)
{
  switch (sensitivity)
    {
    case VEIL_SENSITIVITY_RELAXED:
      return _("Relaxed: only clear cases");
    case VEIL_SENSITIVITY_STRICT:
      return _("Strict: also borderline pictures");
    case VEIL_SENSITIVITY_STANDARD:
    default:
      return _("Standard");
    }
}

/**
 * veil_sensitivity_get_threshold:
 *
 * Returns: the classifier score from which a picture counts as sensitive at this level
 */
double
veil_sensitivity_get_threshold (VeilSensitivity sensitivity)
{
  switch (sensitivity)
    {
    case VEIL_SENSITIVITY_RELAXED:
      return 0.85;
    case VEIL_SENSITIVITY_STRICT:
      return 0.5;
    case VEIL_SENSITIVITY_STANDARD:
    default:
      return 0.7;
    }
}

const char *
veil_second_opinion_rule_to_string (VeilSecondOpinionRule rule)
{
  g_return_val_if_fail (rule <= VEIL_SECOND_OPINION_RULE_OFF, NULL);
  return _veil_enum_get_nick (VEIL_TYPE_SECOND_OPINION_RULE, rule);
}

const char *
veil_unchecked_rule_to_string (VeilUncheckedRule rule)
{
  g_return_val_if_fail (rule <= VEIL_UNCHECKED_RULE_ALLOW, NULL);
  return _veil_enum_get_nick (VEIL_TYPE_UNCHECKED_RULE, rule);
}

const char *
veil_scan_schedule_to_string (VeilScanSchedule schedule)
{
  g_return_val_if_fail (schedule <= VEIL_SCAN_SCHEDULE_OFF, NULL);
  return _veil_enum_get_nick (VEIL_TYPE_SCAN_SCHEDULE, schedule);
}

/* Returns: seconds between two scheduled checks, or 0 for "off" */
gint64
veil_scan_schedule_get_interval (VeilScanSchedule schedule)
{
  switch (schedule)
    {
    case VEIL_SCAN_SCHEDULE_DAILY:
      return 24 * 60 * 60;
    case VEIL_SCAN_SCHEDULE_WEEKLY:
      return 7 * 24 * 60 * 60;
    case VEIL_SCAN_SCHEDULE_OFF:
    default:
      return 0;
    }
}

const char *
veil_notify_to_string (VeilNotify notify)
{
  return _veil_enum_get_nick (VEIL_TYPE_NOTIFY, notify == VEIL_NOTIFY_GUARDIAN ? VEIL_NOTIFY_GUARDIAN : VEIL_NOTIFY_NOBODY);
}

const char *
veil_protection_to_string (VeilProtection protection)
{
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, NULL);
  return _veil_enum_get_nick (VEIL_TYPE_PROTECTION, protection);
}

gboolean
veil_protection_from_string (const char     *str,
                             VeilProtection *out_protection)
{
  int value;

  g_return_val_if_fail (out_protection != NULL, FALSE);

  if (!_veil_enum_from_nick (VEIL_TYPE_PROTECTION, str, &value))
    return FALSE;

  *out_protection = value;
  return TRUE;
}

/**
 * veil_age_band_get_proposals:
 * @n_proposals: (out): the number of proposals
 *
 * The settings Veil offers for an age band. They are only proposals: the guardian confirms
 * each one (the onboarding shows a switch each, the suggested ones pre-selected; veilctl
 * prints them as commands to run). A proposal left off is set to its off value.
 *
 * Returns: (array length=n_proposals) (transfer none): the proposals
 */
const VeilProposal *
veil_age_band_get_proposals (VeilAgeBand  band,
                             guint       *n_proposals)
{
  static const VeilProposal under_13[] = {
    { "message-warnings", "on", N_("Blur pictures that may show nudity in messages, and say why"), "off", TRUE },
    { "library-scan", "on", N_("Check the pictures folder now and then"), "off", FALSE },
    { "notify", "guardian", N_("Tell the guardian about alerts"), "nobody", TRUE },
    { "view-needs-pin", "on", N_("Ask for the guardian PIN before a blurred picture is shown"), "off", TRUE },
    { "sensitivity", "strict", N_("Also blur borderline pictures"), "standard", FALSE },
    { "unchecked", "blur", N_("Also blur pictures Veil couldn’t check (too large, damaged or too slow)"), "allow", TRUE },
  };
  static const VeilProposal teen[] = {
    { "message-warnings", "on", N_("Blur pictures that may show nudity in messages, and say why"), "off", TRUE },
    { "notify", "nobody", N_("Alerts stay with the child; the guardian is not told"), "guardian", TRUE },
    { "sensitivity", "strict", N_("Also blur borderline pictures"), "standard", FALSE },
    { "unchecked", "allow", N_("Pictures Veil couldn’t check are shown normally and listed for review"), "blur", TRUE },
  };
  static const VeilProposal older_teen[] = {
    { "message-warnings", "on", N_("Blur pictures that may show nudity in messages, and say why"), "off", TRUE },
    { "notify", "nobody", N_("Alerts stay with the child; the guardian is not told"), "guardian", TRUE },
    { "sensitivity", "relaxed", N_("Blur only clear cases"), "standard", TRUE },
    { "unchecked", "allow", N_("Pictures Veil couldn’t check are shown normally and listed for review"), "blur", TRUE },
  };

  g_return_val_if_fail (n_proposals != NULL, NULL);

  switch (band)
    {
    case VEIL_AGE_BAND_13_15:
      *n_proposals = G_N_ELEMENTS (teen);
      return teen;
    case VEIL_AGE_BAND_16_17:
      *n_proposals = G_N_ELEMENTS (older_teen);
      return older_teen;
    case VEIL_AGE_BAND_UNDER_13:
    case VEIL_AGE_BAND_UNKNOWN:
    default:
      *n_proposals = G_N_ELEMENTS (under_13);
      return under_13;
    }
}
