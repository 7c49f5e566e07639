/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-profile"

#include "config.h"

#include "veil-profile-private.h"
#include "veil-enum-private.h"

#include <glib/gi18n-lib.h>

/* The `key=value` settings of veilctl and of the age-band proposals. One table describes
 * every setting; the parser reads it and veilctl prints its help from it, so the two cannot
 * drift apart. */

/* How a setting's text is read. */
typedef enum {
  SETTING_SWITCH,   /* on or off (also yes/no, true/false, 1/0) */
  SETTING_CHOICE,   /* the nick of one of an enum's values, from @min on */
  SETTING_FOLDERS,  /* absolute paths separated by ':'; empty parts are skipped */
  SETTING_NUMBER,   /* a whole number from @min to @max */
  SETTING_YEAR,     /* a year from @max years ago to this year */
  SETTING_TEXT,     /* any text */
  SETTING_CONTACT,  /* “Name:how to reach them” */
  SETTING_NONE,     /* only the word "none" */
} SettingKind;

/* A setting's value once read; what its kind does not use stays unset. */
typedef struct {
  const char *text;     /* as given */
  gboolean    on;
  int         choice;
  guint       number;
  GStrv       folders;  /* owned */
  char       *name;     /* owned: a contact's name */
  const char *contact;  /* in @text, after the name */
} SettingValue;

typedef struct _Setting Setting;

typedef void (*SettingApply) (VeilProfileBuilder *builder,
                              const Setting      *setting,
                              const SettingValue *value);

struct _Setting
{
  const char      *key;
  SettingKind      kind;
  GType          (*enum_type) (void);  /* SETTING_CHOICE */
  int              min;                /* SETTING_CHOICE, SETTING_NUMBER */
  int              max;                /* SETTING_NUMBER, SETTING_YEAR */
  VeilProtection   protection;         /* for apply_protection() */
  SettingApply     apply;
  const char      *values;             /* N_(): the accepted values, when they are not words to type */
  const char      *help;               /* N_(): what the setting is */
};

static void
setting_value_clear (SettingValue *value)
{
  g_clear_pointer (&value->folders, g_strfreev);
  g_clear_pointer (&value->name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SettingValue, setting_value_clear)

/* --- What each setting changes ------------------------------------------------------------ */

static void
apply_protection (VeilProfileBuilder *builder,
                  const Setting      *setting,
                  const SettingValue *value)
{
  veil_profile_builder_set_protection_enabled (builder, setting->protection, value->on);
}

/* "notify" is the guardian-alerts protection, said as who is told. */
static void
apply_notify (VeilProfileBuilder *builder,
              const Setting      *setting,
              const SettingValue *value)
{
  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_GUARDIAN_ALERTS,
                                               value->choice == VEIL_NOTIFY_GUARDIAN);
}

static void
apply_folders (VeilProfileBuilder *builder,
               const Setting      *setting,
               const SettingValue *value)
{
  veil_profile_builder_set_folders (builder, (const char * const *) value->folders);
}

static void
apply_message_folders (VeilProfileBuilder *builder,
                       const Setting      *setting,
                       const SettingValue *value)
{
  veil_profile_builder_set_message_folders (builder, (const char * const *) value->folders);
}

static void
apply_hide_warned (VeilProfileBuilder *builder,
                   const Setting      *setting,
                   const SettingValue *value)
{
  veil_profile_builder_set_hide_warned (builder, value->on);
}

static void
apply_sensitivity (VeilProfileBuilder *builder,
                   const Setting      *setting,
                   const SettingValue *value)
{
  veil_profile_builder_set_sensitivity (builder, value->choice);
}

static void
apply_view_needs_pin (VeilProfileBuilder *builder,
                      const Setting      *setting,
                      const SettingValue *value)
{
  veil_profile_builder_set_view_needs_pin (builder, value->on);
}

static void
apply_unchecked (VeilProfileBuilder *builder,
                 const Setting      *setting,
                 const SettingValue *value)
{
  veil_profile_builder_set_unchecked_rule (builder, value->choice);
}

static void
apply_second_opinion (VeilProfileBuilder *builder,
                      const Setting      *setting,
                      const SettingValue *value)
{
  veil_profile_builder_set_second_opinion_rule (builder, value->choice);
}

static void
apply_scan_schedule (VeilProfileBuilder *builder,
                     const Setting      *setting,
                     const SettingValue *value)
{
  veil_profile_builder_set_scan_schedule (builder, value->choice);
}

static void
apply_retention_days (VeilProfileBuilder *builder,
                      const Setting      *setting,
                      const SettingValue *value)
{
  veil_profile_builder_set_retention_days (builder, value->number);
}

static void
apply_match_threshold (VeilProfileBuilder *builder,
                       const Setting      *setting,
                       const SettingValue *value)
{
  veil_profile_builder_set_match_threshold (builder, value->number);
}

static void
apply_age_band (VeilProfileBuilder *builder,
                const Setting      *setting,
                const SettingValue *value)
{
  veil_profile_builder_set_age_band (builder, value->choice);
}

static void
apply_birth_year (VeilProfileBuilder *builder,
                  const Setting      *setting,
                  const SettingValue *value)
{
  veil_profile_builder_set_birth_year (builder, (int) value->number);
}

static void
apply_unix_user (VeilProfileBuilder *builder,
                 const Setting      *setting,
                 const SettingValue *value)
{
  veil_profile_builder_set_unix_user (builder, value->text);
}

static void
apply_name (VeilProfileBuilder *builder,
            const Setting      *setting,
            const SettingValue *value)
{
  veil_profile_builder_set_name (builder, value->text);
}

static void
apply_trusted_adult (VeilProfileBuilder *builder,
                     const Setting      *setting,
                     const SettingValue *value)
{
  veil_profile_builder_add_trusted_adult (builder, value->name, value->contact);
}

static void
apply_no_trusted_adults (VeilProfileBuilder *builder,
                         const Setting      *setting,
                         const SettingValue *value)
{
  veil_profile_builder_clear_trusted_adults (builder);
}

/* --- The settings ------------------------------------------------------------------------- */

/* In the order veilctl lists them. The help texts are the words the profile page uses. */
static const Setting settings[] = {
  { .key = "message-warnings", .kind = SETTING_SWITCH, .protection = VEIL_PROTECTION_MESSAGE_WARNINGS,
    .apply = apply_protection, .help = N_("Message warnings") },
  { .key = "library-scan", .kind = SETTING_SWITCH, .protection = VEIL_PROTECTION_LIBRARY_SCAN,
    .apply = apply_protection, .help = N_("Picture folder checks") },
  { .key = "guardian-alerts", .kind = SETTING_SWITCH, .protection = VEIL_PROTECTION_GUARDIAN_ALERTS,
    .apply = apply_protection, .help = N_("Telling the guardian") },
  { .key = "notify", .kind = SETTING_CHOICE, .enum_type = veil_notify_get_type,
    .apply = apply_notify, .help = N_("Tell the guardian about alerts") },
  { .key = "folders", .kind = SETTING_FOLDERS, .apply = apply_folders,
    .values = N_("absolute folder paths separated by “:”"), .help = N_("Folders to Check") },
  { .key = "scan-schedule", .kind = SETTING_CHOICE, .enum_type = veil_scan_schedule_get_type,
    .apply = apply_scan_schedule, .help = N_("How often Veil checks the folders by itself") },
  { .key = "message-folders", .kind = SETTING_FOLDERS, .apply = apply_message_folders,
    .values = N_("absolute folder paths separated by “:”"), .help = N_("Watched Folders") },
  { .key = "hide-warned", .kind = SETTING_SWITCH, .apply = apply_hide_warned,
    .help = N_("Hide warned pictures") },
  { .key = "sensitivity", .kind = SETTING_CHOICE, .enum_type = veil_sensitivity_get_type,
    .apply = apply_sensitivity, .help = N_("How sure Veil must be before it blurs a picture") },
  { .key = "view-needs-pin", .kind = SETTING_SWITCH, .apply = apply_view_needs_pin,
    .help = N_("PIN to show a blurred picture") },
  /* "default" is only ever read back: the age decides until a guardian picks one. */
  { .key = "unchecked", .kind = SETTING_CHOICE, .enum_type = veil_unchecked_rule_get_type,
    .min = VEIL_UNCHECKED_RULE_BLUR, .apply = apply_unchecked,
    .help = N_("Pictures Veil couldn’t check") },
  /* "default" is only ever read back: the sensitivity decides until a guardian picks one. */
  { .key = "second-opinion", .kind = SETTING_CHOICE, .enum_type = veil_second_opinion_rule_get_type,
    .min = VEIL_SECOND_OPINION_RULE_ON, .apply = apply_second_opinion,
    .help = N_("Let a second model clear borderline flags") },
  { .key = "retention-days", .kind = SETTING_NUMBER, .min = 1, .max = VEIL_PROFILE_MAX_RETENTION_DAYS,
    .apply = apply_retention_days, .values = N_("a number of days from 1 to 3650"),
    .help = N_("Days to keep alerts") },
  { .key = "match-threshold", .kind = SETTING_NUMBER, .min = 1, .max = VEIL_PROFILE_MAX_MATCH_THRESHOLD,
    .apply = apply_match_threshold, .values = N_("a number from 1 to 100"),
    .help = N_("Matches before the guardian is told") },
  /* "unknown" is only ever read back from a saved profile: a guardian picks a band. */
  { .key = "age-band", .kind = SETTING_CHOICE, .enum_type = veil_age_band_get_type,
    .min = VEIL_AGE_BAND_UNDER_13, .apply = apply_age_band, .help = N_("Age") },
  { .key = "birth-year", .kind = SETTING_YEAR, .max = 18, .apply = apply_birth_year,
    .values = N_("the year the child was born"), .help = N_("Birth year (optional, instead of the age)") },
  { .key = "unix-user", .kind = SETTING_TEXT, .apply = apply_unix_user,
    .help = N_("Computer account (optional)") },
  { .key = "name", .kind = SETTING_TEXT, .apply = apply_name, .help = N_("Name") },
  { .key = "trusted-adult", .kind = SETTING_CONTACT, .apply = apply_trusted_adult,
    .values = N_("“Name:how to reach them”"),
    .help = N_("People the child can ask for help, shown with every warning") },
  { .key = "trusted-adults", .kind = SETTING_NONE, .apply = apply_no_trusted_adults,
    .help = N_("Trusted Adults") },
};

/* --- Reading values ----------------------------------------------------------------------- */

static const Setting *
find_setting (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (settings); i++)
    if (g_str_equal (settings[i].key, key))
      return &settings[i];

  return NULL;
}

/* The nicks a SETTING_CHOICE accepts, in the enum's order. */
static char *
join_choices (const Setting *setting)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (setting->enum_type ());
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    {
      if (klass->values[i].value < setting->min)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, klass->values[i].value_nick);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Returns: (transfer full) (nullable): the accepted values as errors and the help list them;
 *   %NULL when any text will do */
static char *
describe_values (const Setting *setting)
{
  switch (setting->kind)
    {
    case SETTING_SWITCH:
      return g_strdup ("on, off");
    case SETTING_CHOICE:
      return join_choices (setting);
    case SETTING_NONE:
      return g_strdup ("none");
    case SETTING_TEXT:
      return NULL;
    case SETTING_FOLDERS:
    case SETTING_NUMBER:
    case SETTING_YEAR:
    case SETTING_CONTACT:
    default:
      return g_strdup (_(setting->values));
    }
}

static gboolean
unknown_key (GError     **error,
             const char  *key)
{
  g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_UNKNOWN_KEY,
               _("“%s” is not a profile setting. Run “veilctl profile --help” to see the settings."),
               key);
  return FALSE;
}

static gboolean
bad_value (GError        **error,
           const Setting  *setting,
           const char     *value)
{
  g_autofree char *expected = describe_values (setting);

  g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_VALUE,
               /* Translators: the last %s lists the accepted values */
               _("“%s” is not a valid value for %s. Use %s."), value, setting->key, expected);
  return FALSE;
}

static gboolean
parse_bool (const char *value,
            gboolean   *out)
{
  if (g_strv_contains ((const char *[]) { "on", "yes", "true", "1", NULL }, value))
    *out = TRUE;
  else if (g_strv_contains ((const char *[]) { "off", "no", "false", "0", NULL }, value))
    *out = FALSE;
  else
    return FALSE;

  return TRUE;
}

static gboolean
parse_uint (const char *value,
            guint       min,
            guint       max,
            guint      *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (value, 10, min, max, &v, NULL))
    return FALSE;

  *out = (guint) v;
  return TRUE;
}

static gboolean
parse_folders (const char  *value,
               GStrv       *out)
{
  g_auto(GStrv) parts = g_strsplit (value, ":", -1);
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (!g_path_is_absolute (parts[i]))
        return FALSE;
      g_ptr_array_add (folders, g_strdup (parts[i]));
    }
  g_ptr_array_add (folders, NULL);

  *out = (GStrv) g_ptr_array_steal (folders, NULL);
  return TRUE;
}

static gboolean
parse_contact (const char   *value,
               char        **out_name,
               const char  **out_contact)
{
  const char *colon = strchr (value, ':');

  if (colon == NULL || colon == value)
    return FALSE;

  *out_name = g_strndup (value, colon - value);
  *out_contact = colon + 1;
  return TRUE;
}

static gboolean
parse_value (const Setting  *setting,
             const char     *text,
             SettingValue   *value)
{
  g_autoptr(GDateTime) now = NULL;

  value->text = text;
  switch (setting->kind)
    {
    case SETTING_SWITCH:
      return parse_bool (text, &value->on);
    case SETTING_CHOICE:
      return _veil_enum_from_nick (setting->enum_type (), text, &value->choice) && value->choice >= setting->min;
    case SETTING_FOLDERS:
      return parse_folders (text, &value->folders);
    case SETTING_NUMBER:
      return parse_uint (text, setting->min, setting->max, &value->number);
    case SETTING_YEAR:
      now = g_date_time_new_now_local ();
      return parse_uint (text, g_date_time_get_year (now) - setting->max, g_date_time_get_year (now), &value->number);
    case SETTING_CONTACT:
      return parse_contact (text, &value->name, &value->contact);
    case SETTING_NONE:
      return g_str_equal (text, "none");
    case SETTING_TEXT:
    default:
      return TRUE;
    }
}

/* --- Public API --------------------------------------------------------------------------- */

/**
 * veil_profile_builder_set_from_string:
 * @key: a setting name, as veilctl and the age-band proposals spell it
 * @value: its value as text
 *
 * Sets one setting from text. veil_profile_settings_describe() lists the settings and their
 * values: the protections, `hide-warned` and `view-needs-pin` (on/off), `notify`
 * (nobody/guardian), `folders` and `message-folders` (colon-separated paths; empty
 * message folders for Veil's defaults), `sensitivity`, `unchecked` (blur/allow), `retention-days`, `match-threshold`,
 * `age-band`, `birth-year`, `unix-user`, `name`, `trusted-adult` (“Name:how to reach them”,
 * added) and `trusted-adults` (`none` clears them).
 */
gboolean
veil_profile_builder_set_from_string (VeilProfileBuilder  *self,
                                      const char          *key,
                                      const char          *value,
                                      GError             **error)
{
  g_auto(SettingValue) parsed = { NULL };
  const Setting *setting;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  setting = find_setting (key);
  if (setting == NULL)
    return unknown_key (error, key);

  if (!parse_value (setting, value, &parsed))
    {
      /* "trusted-adults" only exists as "trusted-adults=none". */
      if (setting->kind == SETTING_NONE)
        return unknown_key (error, key);
      return bad_value (error, setting, value);
    }

  setting->apply (self, setting, &parsed);
  return TRUE;
}

/**
 * veil_profile_settings_describe:
 *
 * The settings veil_profile_builder_set_from_string() accepts, one a line: the key, what it
 * sets and, in brackets, its values. veilctl prints this as the help of `profile set`.
 *
 * Returns: (transfer full): the translated list, each line indented and ending in a newline
 */
char *
veil_profile_settings_describe (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  int width = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (settings); i++)
    width = MAX (width, (int) strlen (settings[i].key));

  for (gsize i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *values = describe_values (&settings[i]);

      g_string_append_printf (text, "  %-*s  %s", width, settings[i].key, _(settings[i].help));
      if (values != NULL)
        g_string_append_printf (text, " (%s)", values);
      g_string_append_c (text, '\n');
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
