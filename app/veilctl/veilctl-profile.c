/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-profile"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl-common.h"

/* `veilctl profile create|set|list|show|delete`: the guardian's profile settings for scripts.
 * Every change needs the guardian PIN on standard input (--pin-stdin). */

static gboolean opt_pin_stdin;
static gboolean opt_json;
static char *opt_age_band;

static const GOptionEntry change_entries[] = {
  { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_pin_stdin, N_("Read the guardian PIN from standard input"), NULL },
  { NULL }
};

static const GOptionEntry create_entries[] = {
  { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_pin_stdin, N_("Read the guardian PIN from standard input"), NULL },
  { "age-band", 0, 0, G_OPTION_ARG_STRING, &opt_age_band, N_("The child’s age: under-13, 13-15 or 16-17"), N_("BAND") },
  { NULL }
};

static const GOptionEntry read_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { NULL }
};

static int
need_pin_option (void)
{
  if (opt_pin_stdin)
    return VEILCTL_EXIT_OK;

  fprintf (stderr, "%s\n", _("veilctl: this changes guardian settings: pass --pin-stdin and write the guardian PIN on standard input"));
  return VEILCTL_EXIT_USAGE;
}

static JsonNode *
status_node (VeilStore   *store,
             VeilProfile *profile,
             GError     **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *settings_json = veil_profile_to_json (profile);
  g_autoptr(JsonNode) settings = json_from_string (settings_json, NULL);
  g_autoptr(VeilHealth) health = veil_health_check (store, profile, NULL);
  VeilProfileIntegrity integrity = veil_profile_get_integrity (profile);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, veil_profile_get_name (profile));
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, veil_profile_get_version (profile));
  json_builder_set_member_name (b, "effective-age-band");
  json_builder_add_string_value (b, veil_age_band_to_string (veil_profile_get_effective_age_band (profile)));
  json_builder_set_member_name (b, "integrity");
  json_builder_add_string_value (b, integrity == VEIL_PROFILE_INTEGRITY_OK ? "ok" :
                                    integrity == VEIL_PROFILE_INTEGRITY_TAMPERED ? "changed-outside-veil" : "unchecked");
  json_builder_set_member_name (b, "protections");
  json_builder_begin_object (b);
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      VeilProtectionStatus status;
      JsonNode *node;
      VeilHealthState state;

      if (!veil_store_get_protection_status (store, profile, p, &status, error))
        return NULL;
      /* "active" means protecting, as in `veilctl status`: on, acknowledged and running. */
      node = veil_protection_status_to_json_node (&status);
      state = veil_health_get_state (health, p);
      json_object_set_boolean_member (json_node_get_object (node), "active", state == VEIL_HEALTH_STATE_ACTIVE);
      json_object_set_string_member (json_node_get_object (node), "state", veil_health_state_to_string (state));
      json_builder_set_member_name (b, veil_protection_to_string (p));
      json_builder_add_value (b, node);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "settings");
  json_builder_add_value (b, g_steal_pointer (&settings));
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static gboolean
print_profile (VeilStore    *store,
               VeilProfile  *profile,
               gboolean      details,
               GError      **error)
{
  const char * const *folders = veil_profile_get_folders (profile);
  g_autoptr(VeilHealth) health = NULL;

  printf ("%s (%s)\n", veil_profile_get_name (profile),
          veil_age_band_get_label (veil_profile_get_effective_age_band (profile)));
  if (veil_profile_get_integrity (profile) == VEIL_PROFILE_INTEGRITY_TAMPERED)
    printf ("  %s\n", _("Warning: these settings were changed outside Veil. Check them, then save them again with “veilctl profile set”."));

  /* "active" only when it really runs; `veilctl status` lists every problem. */
  health = veil_health_check (store, profile, NULL);
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      g_autofree char *not_working = NULL;
      const char *state;

      switch (veil_health_get_state (health, p))
        {
        case VEIL_HEALTH_STATE_ACTIVE:
          state = _("active");
          break;
        case VEIL_HEALTH_STATE_WAITING:
          state = _("on, waiting for the child’s acknowledgment");
          break;
        case VEIL_HEALTH_STATE_NOT_WORKING:
          state = not_working = veil_health_describe (health, p);
          break;
        case VEIL_HEALTH_STATE_OFF:
        default:
          state = _("off");
          break;
        }
      printf ("  %-18s %s\n", veil_protection_to_string (p), state);
    }

  if (!details)
    return TRUE;

  printf ("  %-18s %s\n", "sensitivity", veil_sensitivity_to_string (veil_profile_get_sensitivity (profile)));
  printf ("  %-18s %s\n", "notify", veil_notify_to_string (veil_profile_get_notify (profile)));
  printf ("  %-18s %s\n", "view-needs-pin", veil_profile_get_view_needs_pin (profile) ? "on" : "off");
  printf ("  %-18s %s\n", "unchecked",
          veil_unchecked_rule_to_string (veil_profile_get_effective_unchecked_rule (profile)));
  printf ("  %-18s %s\n", "second-opinion", veil_profile_get_second_opinion (profile) ? "on" : "off");
  printf ("  %-18s %s\n", "scan-schedule", veil_scan_schedule_to_string (veil_profile_get_scan_schedule (profile)));
  printf ("  %-18s %u\n", "retention-days", veil_profile_get_retention_days (profile));
  printf ("  %-18s %u\n", "match-threshold", veil_profile_get_match_threshold (profile));
  if (veil_profile_get_unix_user (profile) != NULL)
    printf ("  %-18s %s\n", "unix-user", veil_profile_get_unix_user (profile));
  for (guint i = 0; folders[i] != NULL; i++)
    printf ("  %-18s %s\n", i == 0 ? "folders" : "", folders[i]);
  for (guint i = 0; i < veil_profile_get_n_trusted_adults (profile); i++)
    {
      const char *name, *contact;
      veil_profile_get_trusted_adult (profile, i, &name, &contact);
      printf ("  %-18s %s: %s\n", i == 0 ? "trusted-adults" : "", name, contact);
    }
  return TRUE;
}

static int
profile_create (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  const VeilProposal *proposals;
  VeilAgeBand band = VEIL_AGE_BAND_UNKNOWN;
  guint n;
  int rc;

  if (!veilctl_parse_options (&argc, &argv, _("NAME"), create_entries, NULL))
    return VEILCTL_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, "%s\n", _("Usage: veilctl profile create NAME --age-band under-13|13-15|16-17 --pin-stdin"));
      return VEILCTL_EXIT_USAGE;
    }
  if ((rc = need_pin_option ()) != VEILCTL_EXIT_OK)
    return rc;
  if (opt_age_band != NULL && !veil_age_band_from_string (opt_age_band, &band))
    {
      fprintf (stderr, _("veilctl: “%s” is not an age band. Use under-13, 13-15 or 16-17.\n"), opt_age_band);
      return VEILCTL_EXIT_USAGE;
    }

  builder = veil_profile_builder_new (argv[1]);
  veil_profile_builder_set_age_band (builder, band);
  draft = veil_profile_builder_build (builder, &error);
  if (draft == NULL)
    return veilctl_report_error (error);

  if ((rc = veilctl_open_unlocked (&guardian)) != VEILCTL_EXIT_OK)
    return rc;

  saved = veil_guardian_save_profile (guardian, draft, &error);
  if (saved == NULL)
    return veilctl_report_error (error);

  /* Defaults are proposals: print them for the guardian to confirm one by one. */
  printf (_("Created the profile “%s”. All protections are off.\n"), veil_profile_get_name (saved));
  proposals = veil_age_band_get_proposals (veil_profile_get_effective_age_band (saved), &n);
  printf ("%s\n", _("Suggested settings for this age; confirm each one you want:"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *quoted = g_shell_quote (veil_profile_get_name (saved));
      printf ("  veilctl profile set %s %s=%s --pin-stdin   # %s\n", quoted,
              proposals[i].key, proposals[i].value, _(proposals[i].description));
    }
  return VEILCTL_EXIT_OK;
}

static int
profile_set (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfile) current = NULL;
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilProfile) changed = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autofree char *settings = veil_profile_settings_describe ();
  g_autofree char *description = g_strdup_printf ("%s:\n%s", _("Settings"), settings);
  VeilStore *store;
  int rc;

  /* The settings' help comes from the same table that parses them. */
  if (!veilctl_parse_options (&argc, &argv, _("NAME KEY=VALUE…"), change_entries, description))
    return VEILCTL_EXIT_USAGE;
  if (argc < 3)
    {
      fprintf (stderr, "%s\n", _("Usage: veilctl profile set NAME KEY=VALUE… --pin-stdin"));
      return VEILCTL_EXIT_USAGE;
    }
  if ((rc = need_pin_option ()) != VEILCTL_EXIT_OK)
    return rc;

  guardian = veilctl_open_guardian (TRUE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  store = veil_guardian_get_store (guardian);
  current = veil_store_lookup_profile (store, argv[1], &error);
  if (current == NULL)
    return veilctl_report_error (error);

  /* Check every setting before asking for the PIN, so a typo costs no attempt. */
  builder = veil_profile_builder_new_from_profile (current);
  for (int i = 2; i < argc; i++)
    {
      g_auto(GStrv) kv = g_strsplit (argv[i], "=", 2);

      if (kv[0] == NULL || kv[1] == NULL)
        {
          fprintf (stderr, _("veilctl: “%s” is not KEY=VALUE\n"), argv[i]);
          return VEILCTL_EXIT_USAGE;
        }
      if (!veil_profile_builder_set_from_string (builder, kv[0], kv[1], &error))
        return veilctl_report_error (error);
    }
  changed = veil_profile_builder_build (builder, &error);
  if (changed == NULL)
    return veilctl_report_error (error);

  if ((rc = veilctl_unlock_from_stdin (guardian)) != VEILCTL_EXIT_OK)
    return rc;
  saved = veil_guardian_save_profile (guardian, changed, &error);
  if (saved == NULL)
    return veilctl_report_error (error);

  if (!print_profile (store, saved, FALSE, &error))
    return veilctl_report_error (error);
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      VeilProtectionStatus status;

      if (veil_store_get_protection_status (store, saved, p, &status, NULL) && status.enabled && !status.active)
        {
          g_autofree char *quoted = g_shell_quote (veil_profile_get_name (saved));
          printf (_("The child still needs to read and acknowledge “%s”: veilctl consent ack %s %s\n"),
                  veil_protection_get_title (p), quoted, veil_protection_to_string (p));
        }
    }
  return VEILCTL_EXIT_OK;
}

static int
profile_list_or_show (int      argc,
                      char   **argv,
                      gboolean show)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  VeilStore *store;

  if (!veilctl_parse_options (&argc, &argv, show ? _("NAME") : "", read_entries, NULL))
    return VEILCTL_EXIT_USAGE;
  if ((show && argc != 2) || (!show && argc != 1))
    {
      fprintf (stderr, "%s\n", show ? _("Usage: veilctl profile show NAME [--json]")
                                    : _("Usage: veilctl profile list [--json]"));
      return VEILCTL_EXIT_USAGE;
    }

  guardian = veilctl_open_guardian (FALSE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  store = veil_guardian_get_store (guardian);

  if (show)
    {
      VeilProfile *profile = veil_store_lookup_profile (store, argv[1], &error);

      if (profile == NULL)
        return veilctl_report_error (error);
      profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_profile_unref);
      g_ptr_array_add (profiles, profile);
    }
  else
    {
      profiles = veil_store_list_profiles (store, &error);
      if (profiles == NULL)
        return veilctl_report_error (error);
    }

  if (opt_json)
    {
      g_autoptr(JsonNode) root = NULL;

      if (show)
        {
          root = status_node (store, profiles->pdata[0], &error);
          if (root == NULL)
            return veilctl_report_error (error);
        }
      else
        {
          g_autoptr(JsonArray) array = json_array_new ();

          for (guint i = 0; i < profiles->len; i++)
            {
              JsonNode *node = status_node (store, profiles->pdata[i], &error);
              if (node == NULL)
                return veilctl_report_error (error);
              json_array_add_element (array, node);
            }
          root = json_node_init_array (json_node_alloc (), array);
        }
      veilctl_print_json (root, TRUE);
      return VEILCTL_EXIT_OK;
    }

  if (profiles->len == 0)
    printf ("%s\n", _("No profiles yet. Create one with “veilctl profile create NAME --age-band BAND --pin-stdin”."));
  for (guint i = 0; i < profiles->len; i++)
    if (!print_profile (store, profiles->pdata[i], show, &error))
      return veilctl_report_error (error);

  return VEILCTL_EXIT_OK;
}

static int
profile_delete (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  int rc;

  if (!veilctl_parse_options (&argc, &argv, _("NAME"), change_entries, NULL))
    return VEILCTL_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, "%s\n", _("Usage: veilctl profile delete NAME --pin-stdin"));
      return VEILCTL_EXIT_USAGE;
    }
  if ((rc = need_pin_option ()) != VEILCTL_EXIT_OK)
    return rc;

  guardian = veilctl_open_guardian (TRUE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  profile = veil_store_lookup_profile (veil_guardian_get_store (guardian), argv[1], &error);
  if (profile == NULL)
    return veilctl_report_error (error);
  if ((rc = veilctl_unlock_from_stdin (guardian)) != VEILCTL_EXIT_OK)
    return rc;
  if (!veil_guardian_delete_profile (guardian, profile, &error))
    return veilctl_report_error (error);

  printf (_("Deleted the profile “%s” and everything Veil kept about it.\n"), argv[1]);
  return VEILCTL_EXIT_OK;
}

static void
print_help (FILE *stream)
{
  fprintf (stream, "%s\n"
           "  veilctl profile create NAME --age-band under-13|13-15|16-17 --pin-stdin\n"
           "  veilctl profile set NAME KEY=VALUE… --pin-stdin\n"
           "  veilctl profile list [--json]\n"
           "  veilctl profile show NAME [--json]\n"
           "  veilctl profile delete NAME --pin-stdin\n\n%s\n",
           _("Usage:"), _("Run “veilctl profile set --help” for the settings."));
}

static int
profile_list (int    argc,
              char **argv)
{
  return profile_list_or_show (argc, argv, FALSE);
}

static int
profile_show (int    argc,
              char **argv)
{
  return profile_list_or_show (argc, argv, TRUE);
}

static const VeilctlCommandEntry subcommands[] = {
  { "create", profile_create, NULL },
  { "set", profile_set, NULL },
  { "list", profile_list, NULL },
  { "show", profile_show, NULL },
  { "delete", profile_delete, NULL },
};

static const VeilctlCommandGroup group = {
  .commands = subcommands,
  .n_commands = G_N_ELEMENTS (subcommands),
  .print_usage = print_help,
  .unknown_format = N_("veilctl: unknown profile command “%s”\n"),
  .usage_after_unknown = TRUE,
  .has_help = TRUE,
};

int
veilctl_profile (int    argc,
                 char **argv)
{
  return veilctl_dispatch (&group, argc, argv);
}
