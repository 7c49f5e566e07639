/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil.h"
#include "veil-profile-private.h"
#include "veil-test-utils.h"

static void
test_profile_defaults (void)
{
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profile = veil_profile_builder_build (builder, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (veil_profile_get_name (profile), ==, "Mia");
  g_assert_cmpint (veil_profile_get_id (profile), ==, 0);
  g_assert_cmpuint (veil_profile_get_version (profile), ==, 0);
  /* Every protection is off until a guardian turns it on. */
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    g_assert_false (veil_profile_get_protection_enabled (profile, p));
  g_assert_cmpint (veil_profile_get_notify (profile), ==, VEIL_NOTIFY_NOBODY);
  g_assert_true (veil_profile_get_view_needs_pin (profile));
  g_assert_cmpuint (veil_profile_get_match_threshold (profile), ==, 3);
  g_assert_cmpuint (veil_profile_get_retention_days (profile), ==, VEIL_PROFILE_DEFAULT_RETENTION_DAYS);
  g_assert_cmpint (veil_profile_get_sensitivity (profile), ==, VEIL_SENSITIVITY_STANDARD);
  g_assert_cmpstrv (veil_profile_get_folders (profile), ((const char *[]) { NULL }));
  /* Message warnings watch Veil's default folders and never move a file unless asked. */
  g_assert_cmpstrv (veil_profile_get_message_folders (profile), ((const char *[]) { NULL }));
  g_assert_false (veil_profile_get_hide_warned (profile));
  g_assert_null (veil_profile_get_unix_user (profile));
  g_assert_cmpuint (veil_profile_get_n_trusted_adults (profile), ==, 0);
  /* Unknown age: treated as the youngest band, the careful choice. */
  g_assert_cmpint (veil_profile_get_effective_age_band (profile), ==, VEIL_AGE_BAND_UNDER_13);
}

static void
test_profile_immutable (void)
{
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Mia");
  g_autoptr(VeilProfile) first = NULL;
  g_autoptr(VeilProfile) second = NULL;
  g_autoptr(VeilProfileBuilder) from = NULL;
  g_autoptr(VeilProfile) third = NULL;

  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  first = veil_profile_builder_build (builder, NULL);

  /* Changing the builder afterwards leaves what it built alone. */
  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE);
  veil_profile_builder_set_name (builder, "Noah");
  second = veil_profile_builder_build (builder, NULL);

  g_assert_true (veil_profile_get_protection_enabled (first, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_assert_cmpstr (veil_profile_get_name (first), ==, "Mia");
  g_assert_false (veil_profile_get_protection_enabled (second, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_assert_cmpstr (veil_profile_get_name (second), ==, "Noah");
  g_assert_false (veil_profile_equal_settings (first, second));

  from = veil_profile_builder_new_from_profile (first);
  third = veil_profile_builder_build (from, NULL);
  g_assert_true (veil_profile_equal_settings (first, third));
  g_assert_true (third != first);
}

static void
test_profile_from_strings (void)
{
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Sam");
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  const char *name, *contact;
  static const char *settings[][2] = {
    { "message-warnings", "on" },
    { "library-scan", "on" },
    { "folders", "/home/sam/Pictures:/home/sam/Downloads" },
    { "notify", "guardian" },
    { "sensitivity", "strict" },
    { "view-needs-pin", "off" },
    { "retention-days", "14" },
    { "match-threshold", "5" },
    { "age-band", "13-15" },
    { "unix-user", "sam" },
    { "trusted-adult", "Aunt Jo:+49 30 1234" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_assert_true (veil_profile_builder_set_from_string (builder, settings[i][0], settings[i][1], &error));
      g_assert_no_error (error);
    }
  profile = veil_profile_builder_build (builder, &error);
  g_assert_no_error (error);

  g_assert_true (veil_profile_get_protection_enabled (profile, VEIL_PROTECTION_MESSAGE_WARNINGS));
  g_assert_true (veil_profile_get_protection_enabled (profile, VEIL_PROTECTION_LIBRARY_SCAN));
  g_assert_cmpint (veil_profile_get_notify (profile), ==, VEIL_NOTIFY_GUARDIAN);
  g_assert_cmpstrv (veil_profile_get_folders (profile),
                    ((const char *[]) { "/home/sam/Pictures", "/home/sam/Downloads", NULL }));
  g_assert_cmpint (veil_profile_get_sensitivity (profile), ==, VEIL_SENSITIVITY_STRICT);
  g_assert_false (veil_profile_get_view_needs_pin (profile));
  g_assert_cmpuint (veil_profile_get_retention_days (profile), ==, 14);
  g_assert_cmpuint (veil_profile_get_match_threshold (profile), ==, 5);
  g_assert_cmpint (veil_profile_get_age_band (profile), ==, VEIL_AGE_BAND_13_15);
  g_assert_cmpstr (veil_profile_get_unix_user (profile), ==, "sam");
  g_assert_cmpuint (veil_profile_get_n_trusted_adults (profile), ==, 1);
  veil_profile_get_trusted_adult (profile, 0, &name, &contact);
  g_assert_cmpstr (name, ==, "Aunt Jo");
  g_assert_cmpstr (contact, ==, "+49 30 1234");

  /* Telling the guardian needs a teen's acknowledgment; for a younger child it does not. */
  g_assert_true (veil_profile_protection_needs_acknowledgment (profile, VEIL_PROTECTION_GUARDIAN_ALERTS));
  g_assert_true (veil_profile_protection_needs_acknowledgment (profile, VEIL_PROTECTION_MESSAGE_WARNINGS));
}

static void
test_profile_bad_strings (void)
{
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Sam");
  static const char *bad[][3] = {
    /* key, value, which error */
    { "message-warnings", "maybe", "value" },
    { "notify", "everyone", "value" },
    { "folders", "relative/path", "value" },
    { "sensitivity", "extreme", "value" },
    { "retention-days", "0", "value" },
    { "retention-days", "12x", "value" },
    { "match-threshold", "-1", "value" },
    { "age-band", "12", "value" },
    { "birth-year", "1950", "value" },
    { "trusted-adult", "no colon", "value" },
    { "colour", "blue", "key" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      int code = g_str_equal (bad[i][2], "key") ? VEIL_PROFILE_ERROR_UNKNOWN_KEY : VEIL_PROFILE_ERROR_INVALID_VALUE;

      g_assert_false (veil_profile_builder_set_from_string (builder, bad[i][0], bad[i][1], &error));
      g_assert_error (error, VEIL_PROFILE_ERROR, code);
      /* The message names what was wrong. */
      g_assert_nonnull (strstr (error->message, bad[i][0]));
    }
}

static void
test_profile_bad_names (void)
{
  const char *names[] = { "", " Mia", "Mia ", "a=b", "tab\tname",
                          "a name that is much too long to be the name of a child in any family at all, really" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new (names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilProfile) profile = veil_profile_builder_build (builder, &error);

      g_assert_null (profile);
      g_assert_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_NAME);
    }
}

static void
test_profile_json_roundtrip (void)
{
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Zoë");
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilProfile) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;

  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  veil_profile_builder_set_folders (builder, (const char *[]) { "/tmp/pics", NULL });
  veil_profile_builder_set_birth_year (builder, 2012);
  veil_profile_builder_add_trusted_adult (builder, "Grandpa", "grandpa@example.org");
  profile = veil_profile_builder_build (builder, NULL);

  json = veil_profile_to_json (profile);
  back = _veil_profile_new_from_json (7, 2, json, VEIL_PROFILE_INTEGRITY_OK, &error);
  g_assert_no_error (error);
  g_assert_true (veil_profile_equal_settings (profile, back));
  g_assert_cmpint (veil_profile_get_id (back), ==, 7);
  g_assert_cmpuint (veil_profile_get_version (back), ==, 2);
  g_assert_cmpint (veil_profile_get_birth_year (back), ==, 2012);

  /* Same settings, same text: the signature depends on it. */
  json2 = veil_profile_to_json (back);
  g_assert_cmpstr (json, ==, json2);
}

static void
test_profile_message_settings (void)
{
  /* A profile saved before message guarding had these settings. */
  const char *legacy =
    "{\"name\":\"A\",\"age-band\":\"under-13\",\"birth-year\":0,\"unix-user\":null,\"message-warnings\":true,"
    "\"library-scan\":false,\"guardian-alerts\":false,\"folders\":[],\"sensitivity\":\"standard\","
    "\"view-needs-pin\":true,\"retention-days\":30,\"match-threshold\":3,\"trusted-adults\":[]}";
  const char *bad_folders =
    "{\"name\":\"A\",\"age-band\":\"under-13\",\"birth-year\":0,\"unix-user\":null,\"message-warnings\":true,"
    "\"library-scan\":false,\"guardian-alerts\":false,\"folders\":[],\"message-folders\":[3],"
    "\"sensitivity\":\"standard\",\"view-needs-pin\":true,\"retention-days\":30,\"match-threshold\":3,"
    "\"trusted-adults\":[]}";
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilProfile) old = NULL;
  g_autoptr(VeilProfile) changed = NULL;
  g_autoptr(VeilProfile) back = NULL;
  g_autoptr(VeilProfile) damaged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  old = _veil_profile_new_from_json (1, 1, legacy, VEIL_PROFILE_INTEGRITY_OK, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (veil_profile_get_message_folders (old), ((const char *[]) { NULL }));
  g_assert_false (veil_profile_get_hide_warned (old));

  /* veilctl profile set spells them like this. */
  builder = veil_profile_builder_new_from_profile (old);
  g_assert_true (veil_profile_builder_set_from_string (builder, "message-folders", "/home/a/Downloads:/home/a/Chats", &error));
  g_assert_no_error (error);
  g_assert_true (veil_profile_builder_set_from_string (builder, "hide-warned", "on", &error));
  g_assert_no_error (error);
  g_assert_false (veil_profile_builder_set_from_string (builder, "message-folders", "Downloads", &error));
  g_assert_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (veil_profile_builder_set_from_string (builder, "hide-warned", "maybe", &error));
  g_assert_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  changed = veil_profile_builder_build (builder, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (veil_profile_get_message_folders (changed),
                    ((const char *[]) { "/home/a/Downloads", "/home/a/Chats", NULL }));
  g_assert_true (veil_profile_get_hide_warned (changed));
  /* The library-scan folders are a separate setting. */
  g_assert_cmpstrv (veil_profile_get_folders (changed), ((const char *[]) { NULL }));
  g_assert_false (veil_profile_equal_settings (old, changed));

  json = veil_profile_to_json (changed);
  back = _veil_profile_new_from_json (1, 2, json, VEIL_PROFILE_INTEGRITY_OK, &error);
  g_assert_no_error (error);
  g_assert_true (veil_profile_equal_settings (changed, back));
  g_assert_true (veil_profile_get_hide_warned (back));

  /* An empty list goes back to Veil's defaults. */
  g_clear_pointer (&builder, veil_profile_builder_unref);
  builder = veil_profile_builder_new_from_profile (back);
  g_assert_true (veil_profile_builder_set_from_string (builder, "message-folders", "", &error));
  g_assert_true (veil_profile_builder_set_from_string (builder, "hide-warned", "off", &error));
  g_clear_pointer (&changed, veil_profile_unref);
  changed = veil_profile_builder_build (builder, &error);
  g_assert_no_error (error);
  g_assert_true (veil_profile_equal_settings (old, changed));

  damaged = _veil_profile_new_from_json (1, 1, bad_folders, VEIL_PROFILE_INTEGRITY_OK, &error);
  g_assert_null (damaged);
  g_assert_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_DATA);
}

static void
test_profile_json_damaged (void)
{
  const char *damaged[] = {
    "not json",
    "[]",
    "{}",
    "{\"name\": 3}",
    /* Valid JSON with a value out of range. */
    "{\"name\":\"A\",\"age-band\":\"unknown\",\"birth-year\":0,\"unix-user\":null,\"message-warnings\":true,"
    "\"library-scan\":false,\"guardian-alerts\":false,\"folders\":[],\"sensitivity\":\"standard\","
    "\"view-needs-pin\":true,\"retention-days\":0,\"match-threshold\":3,\"trusted-adults\":[]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilProfile) p = _veil_profile_new_from_json (1, 1, damaged[i], VEIL_PROFILE_INTEGRITY_OK, &error);

      g_assert_null (p);
      g_assert_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_DATA);
    }
}

static void
test_profile_age_band_from_birth_year (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int year = g_date_time_get_year (now);
  struct { int born; VeilAgeBand band; } cases[] = {
    { year - 8, VEIL_AGE_BAND_UNDER_13 },
    { year - 13, VEIL_AGE_BAND_UNDER_13 },  /* may still be 12 this year */
    { year - 14, VEIL_AGE_BAND_13_15 },
    { year - 16, VEIL_AGE_BAND_13_15 },
    { year - 17, VEIL_AGE_BAND_16_17 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Kid");
      g_autoptr(VeilProfile) p = NULL;

      veil_profile_builder_set_birth_year (b, cases[i].born);
      p = veil_profile_builder_build (b, NULL);
      g_assert_cmpint (veil_profile_get_effective_age_band (p), ==, cases[i].band);
    }
}

static void
test_profile_proposals (void)
{
  for (VeilAgeBand band = VEIL_AGE_BAND_UNDER_13; band <= VEIL_AGE_BAND_16_17; band++)
    {
      g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Kid");
      g_autoptr(VeilProfile) p = NULL;
      const VeilProposal *proposals;
      guint n = 0;

      proposals = veil_age_band_get_proposals (band, &n);
      g_assert_cmpuint (n, >, 0);
      /* Every proposal is something the builder (and veilctl) understands. */
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (veil_profile_builder_set_from_string (b, proposals[i].key, proposals[i].value, &error));
          g_assert_no_error (error);
          g_assert_nonnull (proposals[i].description);
        }
      p = veil_profile_builder_build (b, NULL);
      g_assert_true (veil_profile_get_protection_enabled (p, VEIL_PROTECTION_MESSAGE_WARNINGS));
      /* Teens' alerts stay with them unless the guardian chooses otherwise. */
      g_assert_cmpint (veil_profile_get_notify (p), ==,
                       band == VEIL_AGE_BAND_UNDER_13 ? VEIL_NOTIFY_GUARDIAN : VEIL_NOTIFY_NOBODY);
      /* The proposal for pictures Veil couldn't check is the age's own default, said aloud. */
      g_assert_cmpint (veil_profile_get_unchecked_rule (p), ==,
                       band == VEIL_AGE_BAND_UNDER_13 ? VEIL_UNCHECKED_RULE_BLUR : VEIL_UNCHECKED_RULE_ALLOW);
    }
}

/* A proposal left off turns its setting off: every off value is understood and differs
 * from the proposal, and the PIN and notify switches mean what they say when off. */
static void
test_profile_proposals_off (void)
{
  for (VeilAgeBand band = VEIL_AGE_BAND_UNDER_13; band <= VEIL_AGE_BAND_16_17; band++)
    {
      g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Kid");
      g_autoptr(VeilProfile) p = NULL;
      const VeilProposal *proposals;
      guint n = 0;

      veil_profile_builder_set_age_band (b, band);
      proposals = veil_age_band_get_proposals (band, &n);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GError) error = NULL;

          g_assert_nonnull (proposals[i].off_value);
          g_assert_cmpstr (proposals[i].off_value, !=, proposals[i].value);
          g_assert_true (veil_profile_builder_set_from_string (b, proposals[i].key, proposals[i].off_value, &error));
          g_assert_no_error (error);
        }
      p = veil_profile_builder_build (b, NULL);
      g_assert_false (veil_profile_get_protection_enabled (p, VEIL_PROTECTION_MESSAGE_WARNINGS));
      if (band == VEIL_AGE_BAND_UNDER_13)
        {
          g_assert_false (veil_profile_get_view_needs_pin (p));
          g_assert_cmpint (veil_profile_get_notify (p), ==, VEIL_NOTIFY_NOBODY);
        }
      else
        g_assert_cmpint (veil_profile_get_notify (p), ==, VEIL_NOTIFY_GUARDIAN);
      /* A switch that does nothing when flipped would be a false promise. */
      for (guint i = 0; i < n; i++)
        g_assert_false (proposals[i].key != NULL && g_str_equal (proposals[i].key, "sensitivity") &&
                        g_str_equal (proposals[i].value, "standard"));
    }
}

static void
test_profile_sensitivity_thresholds (void)
{
  g_assert_cmpfloat (veil_sensitivity_get_threshold (VEIL_SENSITIVITY_STRICT), <,
                     veil_sensitivity_get_threshold (VEIL_SENSITIVITY_STANDARD));
  g_assert_cmpfloat (veil_sensitivity_get_threshold (VEIL_SENSITIVITY_STANDARD), <,
                     veil_sensitivity_get_threshold (VEIL_SENSITIVITY_RELAXED));

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      VeilProtection back;
      VeilExplanation e;

      g_assert_true (veil_protection_from_string (veil_protection_to_string (p), &back));
      g_assert_cmpint (back, ==, p);
      veil_protection_get_explanation (p, VEIL_NOTIFY_NOBODY, &e);
      g_assert_cmpuint (e.text_version, >=, 1);
      g_assert_nonnull (e.what_it_does);
      g_assert_nonnull (strstr (e.what_it_never_does, "No picture ever leaves this computer"));
    }

  /* Told what the guardian can see: for a message warning never the picture, for a folder
   * check the pictures found, each look written on the child's page. */
  {
    VeilExplanation e;

    veil_protection_get_explanation (VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_NOTIFY_GUARDIAN, &e);
    g_assert_nonnull (strstr (e.who_is_told, "not the picture itself"));
    veil_protection_get_explanation (VEIL_PROTECTION_LIBRARY_SCAN, VEIL_NOTIFY_GUARDIAN, &e);
    g_assert_nonnull (strstr (e.who_is_told, "may then look at them without the blur"));
    g_assert_nonnull (strstr (e.who_is_told, "Your Veil page says each time"));
    g_assert_null (strstr (e.who_is_told, "not the picture itself"));
  }
}

/* Each value's text is what saved profiles and veilctl hold, and the GEnum nick of the value
 * (for the UI's enum models): neither may drift. */
static void
test_profile_enum_text (void)
{
  static const struct {
    GType     (*get_type) (void);
    int         value;
    const char *text;
  } values[] = {
    { veil_age_band_get_type, VEIL_AGE_BAND_UNKNOWN, "unknown" },
    { veil_age_band_get_type, VEIL_AGE_BAND_UNDER_13, "under-13" },
    { veil_age_band_get_type, VEIL_AGE_BAND_13_15, "13-15" },
    { veil_age_band_get_type, VEIL_AGE_BAND_16_17, "16-17" },
    { veil_sensitivity_get_type, VEIL_SENSITIVITY_RELAXED, "relaxed" },
    { veil_sensitivity_get_type, VEIL_SENSITIVITY_STANDARD, "standard" },
    { veil_sensitivity_get_type, VEIL_SENSITIVITY_STRICT, "strict" },
    { veil_notify_get_type, VEIL_NOTIFY_NOBODY, "nobody" },
    { veil_notify_get_type, VEIL_NOTIFY_GUARDIAN, "guardian" },
    { veil_protection_get_type, VEIL_PROTECTION_MESSAGE_WARNINGS, "message-warnings" },
    { veil_protection_get_type, VEIL_PROTECTION_LIBRARY_SCAN, "library-scan" },
    { veil_protection_get_type, VEIL_PROTECTION_GUARDIAN_ALERTS, "guardian-alerts" },
  };
  g_autoptr(GEnumClass) protections = g_type_class_ref (VEIL_TYPE_PROTECTION);
  VeilAgeBand band = VEIL_AGE_BAND_UNKNOWN;
  VeilSensitivity sensitivity;
  VeilProtection protection;

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (values[i].get_type ());
      GEnumValue *by_nick = g_enum_get_value_by_nick (klass, values[i].text);

      g_assert_nonnull (by_nick);
      g_assert_cmpint (by_nick->value, ==, values[i].value);
    }

  g_assert_cmpstr (veil_age_band_to_string (VEIL_AGE_BAND_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (veil_age_band_to_string (VEIL_AGE_BAND_13_15), ==, "13-15");
  g_assert_true (veil_age_band_from_string ("16-17", &band));
  g_assert_cmpint (band, ==, VEIL_AGE_BAND_16_17);
  /* A guardian cannot choose "unknown"; it only comes back from a saved profile. */
  g_assert_false (veil_age_band_from_string ("unknown", &band));
  g_assert_false (veil_age_band_from_string (NULL, &band));
  g_assert_cmpint (band, ==, VEIL_AGE_BAND_16_17);

  g_assert_cmpstr (veil_sensitivity_to_string (VEIL_SENSITIVITY_RELAXED), ==, "relaxed");
  g_assert_true (veil_sensitivity_from_string ("strict", &sensitivity));
  g_assert_cmpint (sensitivity, ==, VEIL_SENSITIVITY_STRICT);
  g_assert_false (veil_sensitivity_from_string ("Strict", &sensitivity));

  g_assert_cmpstr (veil_notify_to_string (VEIL_NOTIFY_GUARDIAN), ==, "guardian");
  g_assert_cmpstr (veil_notify_to_string (VEIL_NOTIFY_NOBODY), ==, "nobody");

  g_assert_cmpstr (veil_protection_to_string (VEIL_PROTECTION_LIBRARY_SCAN), ==, "library-scan");
  g_assert_false (veil_protection_from_string ("notify", &protection));
  g_assert_false (veil_protection_from_string (NULL, &protection));
  /* The count that ends the enum is no protection. */
  g_assert_cmpuint (protections->n_values, ==, VEIL_N_PROTECTIONS);
}

/* veilctl's help lists exactly the settings the parser knows, with the values it accepts. */
/* Pictures Veil could not check: blurred under 13 and for an unknown age, shown (and listed)
 * from 13, unless the guardian chose; the choice is kept in the signed text. */
static void
test_profile_unchecked_rule (void)
{
  const struct {
    const char        *key;
    const char        *value;
    VeilUncheckedRule  effective;
  } cases[] = {
    { "name", "Mia", VEIL_UNCHECKED_RULE_BLUR },
    { "age-band", "under-13", VEIL_UNCHECKED_RULE_BLUR },
    { "age-band", "13-15", VEIL_UNCHECKED_RULE_ALLOW },
    { "age-band", "16-17", VEIL_UNCHECKED_RULE_ALLOW },
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Mia");
      g_autoptr(VeilProfile) profile = NULL;
      g_autoptr(VeilProfile) chosen = NULL;
      g_autoptr(VeilProfile) back = NULL;
      g_autofree char *json = NULL;
      g_autofree char *chosen_json = NULL;
      g_autofree char *json2 = NULL;
      VeilUncheckedRule other;

      g_assert_true (veil_profile_builder_set_from_string (builder, cases[i].key, cases[i].value, &error));
      profile = veil_profile_builder_build (builder, &error);
      g_assert_no_error (error);
      g_assert_cmpint (veil_profile_get_unchecked_rule (profile), ==, VEIL_UNCHECKED_RULE_DEFAULT);
      g_assert_cmpint (veil_profile_get_effective_unchecked_rule (profile), ==, cases[i].effective);
      /* Until a guardian chooses, the text is what it was before the rule existed. */
      json = veil_profile_to_json (profile);
      g_assert_null (strstr (json, "unchecked"));

      /* The guardian's choice wins over the age, and reads back the same. */
      other = cases[i].effective == VEIL_UNCHECKED_RULE_BLUR ? VEIL_UNCHECKED_RULE_ALLOW : VEIL_UNCHECKED_RULE_BLUR;
      g_assert_true (veil_profile_builder_set_from_string (builder, "unchecked", veil_unchecked_rule_to_string (other), &error));
      chosen = veil_profile_builder_build (builder, &error);
      g_assert_no_error (error);
      g_assert_cmpint (veil_profile_get_effective_unchecked_rule (chosen), ==, other);
      chosen_json = veil_profile_to_json (chosen);
      back = _veil_profile_new_from_json (1, 1, chosen_json, VEIL_PROFILE_INTEGRITY_OK, &error);
      g_assert_no_error (error);
      g_assert_cmpint (veil_profile_get_unchecked_rule (back), ==, other);
      g_assert_true (veil_profile_equal_settings (chosen, back));
      json2 = veil_profile_to_json (back);
      g_assert_cmpstr (chosen_json, ==, json2);
    }

  /* Only blur and allow are typed; "default" is what the age gives. */
  {
    g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Mia");
    g_autoptr(VeilProfile) damaged = NULL;

    g_assert_false (veil_profile_builder_set_from_string (builder, "unchecked", "default", &error));
    g_assert_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_VALUE);
    g_clear_error (&error);
    g_assert_false (veil_profile_builder_set_from_string (builder, "unchecked", "hide", &error));
    g_assert_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_VALUE);
    g_clear_error (&error);

    damaged = _veil_profile_new_from_json (1, 1,
      "{\"name\":\"A\",\"age-band\":\"under-13\",\"birth-year\":0,\"unix-user\":null,\"message-warnings\":true,"
      "\"library-scan\":false,\"guardian-alerts\":false,\"folders\":[],\"sensitivity\":\"standard\","
      "\"view-needs-pin\":true,\"unchecked\":\"ignore\",\"retention-days\":30,\"match-threshold\":3,\"trusted-adults\":[]}",
      VEIL_PROFILE_INTEGRITY_OK, &error);
    g_assert_null (damaged);
    g_assert_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_DATA);
  }
}

static void
test_profile_settings_describe (void)
{
  g_autofree char *text = veil_profile_settings_describe ();
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Sam");
  static const char *bad[][3] = {
    { "sensitivity", "extreme", "“extreme” is not a valid value for sensitivity. Use relaxed, standard, strict." },
    { "notify", "everyone", "“everyone” is not a valid value for notify. Use nobody, guardian." },
    { "age-band", "unknown", "“unknown” is not a valid value for age-band. Use under-13, 13-15, 16-17." },
    { "hide-warned", "maybe", "“maybe” is not a valid value for hide-warned. Use on, off." },
    { "trusted-adults", "all", "“trusted-adults” is not a profile setting. Run “veilctl profile --help” to see the settings." },
  };
  guint n_lines = 0;

  g_assert_true (g_str_has_suffix (text, "\n"));
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) words = g_strsplit (g_strchug (lines[i]), " ", 2);
      g_autoptr(GError) error = NULL;

      /* The listed key exists: a bad value is an invalid value, not an unknown key (except
       * "trusted-adults", which only exists as "trusted-adults=none"). */
      if (g_str_equal (words[0], "trusted-adults"))
        g_assert_true (veil_profile_builder_set_from_string (builder, words[0], "none", &error));
      else
        veil_profile_builder_set_from_string (builder, words[0], "\x01", &error);
      g_assert_false (g_error_matches (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_UNKNOWN_KEY));
      n_lines++;
    }
  g_assert_cmpuint (n_lines, ==, 20);
  g_assert_nonnull (strstr (text, "sensitivity"));
  g_assert_nonnull (strstr (text, "second-opinion"));
  g_assert_nonnull (strstr (text, "(daily, weekly, off)"));
  g_assert_nonnull (strstr (text, "(blur, allow)"));
  g_assert_nonnull (strstr (text, "(relaxed, standard, strict)"));
  g_assert_nonnull (strstr (text, "(under-13, 13-15, 16-17)"));
  g_assert_nonnull (strstr (text, "trusted-adults"));

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (veil_profile_builder_set_from_string (builder, bad[i][0], bad[i][1], &error));
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, bad[i][2]);
    }
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/profile/defaults", test_profile_defaults);
  g_test_add_func ("/veil/profile/immutable", test_profile_immutable);
  g_test_add_func ("/veil/profile/from-strings", test_profile_from_strings);
  g_test_add_func ("/veil/profile/bad-strings", test_profile_bad_strings);
  g_test_add_func ("/veil/profile/bad-names", test_profile_bad_names);
  g_test_add_func ("/veil/profile/json-roundtrip", test_profile_json_roundtrip);
  g_test_add_func ("/veil/profile/json-damaged", test_profile_json_damaged);
  g_test_add_func ("/veil/profile/message-settings", test_profile_message_settings);
  g_test_add_func ("/veil/profile/age-band-from-birth-year", test_profile_age_band_from_birth_year);
  g_test_add_func ("/veil/profile/proposals", test_profile_proposals);
  g_test_add_func ("/veil/profile/proposals-off", test_profile_proposals_off);
  g_test_add_func ("/veil/profile/sensitivity-and-explanations", test_profile_sensitivity_thresholds);
  g_test_add_func ("/veil/profile/enum-text", test_profile_enum_text);
  g_test_add_func ("/veil/profile/settings-describe", test_profile_settings_describe);
  g_test_add_func ("/veil/profile/unchecked-rule", test_profile_unchecked_rule);

  return g_test_run ();
}
