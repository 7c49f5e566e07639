/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-status"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl-common.h"

/* `veilctl status [NAME] [--json]`: whether each protection really runs (VeilHealth), the
 * same words the transparency page uses: "Active" only when it is on, acknowledged and
 * working, otherwise "Not working:" with what is wrong and what fixes it. Needs no PIN. */

static gboolean opt_json;

static const GOptionEntry entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { NULL }
};

static JsonNode *
protection_to_json (VeilHealth     *health,
                    VeilProtection  p)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *description = veil_health_describe (health, p);
  GPtrArray *problems = veil_health_get_problems (health, p);
  gint64 last_check = veil_health_get_last_check (health, p);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, veil_health_state_to_string (veil_health_get_state (health, p)));
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, description);
  json_builder_set_member_name (b, "last-check");
  if (last_check > 0)
    json_builder_add_int_value (b, last_check);
  else
    json_builder_add_null_value (b);
  if (p == VEIL_PROTECTION_LIBRARY_SCAN)
    {
      gint64 next_check = veil_health_get_next_check (health);

      json_builder_set_member_name (b, "schedule");
      json_builder_add_string_value (b, veil_scan_schedule_to_string (veil_profile_get_scan_schedule (veil_health_get_profile (health))));
      json_builder_set_member_name (b, "next-check");
      if (next_check > 0)
        json_builder_add_int_value (b, next_check);
      else
        json_builder_add_null_value (b);
    }
  json_builder_set_member_name (b, "problems");
  json_builder_begin_array (b);
  for (guint i = 0; i < problems->len; i++)
    {
      VeilHealthProblem *problem = problems->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, veil_health_problem_kind_to_string (problem->kind));
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, problem->reason);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, problem->action);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
health_to_json (VeilHealth *health)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, veil_profile_get_name (veil_health_get_profile (health)));
  json_builder_set_member_name (b, "working");
  json_builder_add_boolean_value (b, veil_health_is_working (health));
  json_builder_set_member_name (b, "protections");
  json_builder_begin_object (b);
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      json_builder_set_member_name (b, veil_protection_to_string (p));
      json_builder_add_value (b, protection_to_json (health, p));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The service's heartbeat is the same for every profile: read from any of them. */
static JsonNode *
service_to_json (VeilHealth *health)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 heartbeat = veil_health_get_heartbeat (health);
  const char *user = veil_health_get_service_user (health);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "running");
  json_builder_add_boolean_value (b, veil_health_service_is_running (health));
  json_builder_set_member_name (b, "heartbeat");
  if (heartbeat > 0)
    json_builder_add_int_value (b, heartbeat);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "user");
  if (user != NULL)
    json_builder_add_string_value (b, user);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The same words as the Folder Checks page: when the last check ran and the next will. */
static void
print_next_check (VeilHealth *health)
{
  g_autofree char *line = veil_library_schedule_describe (veil_health_get_last_check (health, VEIL_PROTECTION_LIBRARY_SCAN),
                                                          veil_health_get_next_check (health),
                                                          g_get_real_time () / G_USEC_PER_SEC);

  printf ("  %-18s %s\n", "", line);
}

static void
print_health (VeilHealth *health)
{
  printf ("%s\n", veil_profile_get_name (veil_health_get_profile (health)));
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      g_autofree char *description = veil_health_describe (health, p);
      GPtrArray *problems = veil_health_get_problems (health, p);
      VeilHealthState state = veil_health_get_state (health, p);
      gint64 last_check = veil_health_get_last_check (health, p);

      printf ("  %-18s %s\n", veil_protection_to_string (p), description);
      /* The first problem is in the description; the others follow it. */
      for (guint i = state == VEIL_HEALTH_STATE_NOT_WORKING ? 1 : 0; i < problems->len; i++)
        {
          VeilHealthProblem *problem = problems->pdata[i];
          printf ("  %-18s %s %s\n", "", problem->reason, problem->action);
        }
      if (state == VEIL_HEALTH_STATE_OFF || p == VEIL_PROTECTION_GUARDIAN_ALERTS)
        continue;
      if (last_check > 0)
        {
          g_autofree char *when = veilctl_format_time (last_check);
          /* Translators: %s is a date and time */
          g_autofree char *line = g_strdup_printf (_("Last checked a picture on %s"), when);

          printf ("  %-18s %s\n", "", line);
        }
      else
        printf ("  %-18s %s\n", "", _("No picture checked yet"));
      if (p == VEIL_PROTECTION_LIBRARY_SCAN)
        print_next_check (health);
    }
}

int
veilctl_status (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME]"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) healths = g_ptr_array_new_with_free_func (g_object_unref);
  VeilStore *store;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 2)
    {
      fprintf (stderr, "%s\n  veilctl status [NAME] [--json]\n", _("Usage:"));
      return VEILCTL_EXIT_USAGE;
    }

  guardian = veilctl_open_guardian (FALSE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  store = veil_guardian_get_store (guardian);

  if (argc == 2)
    {
      VeilProfile *profile = veil_store_lookup_profile (store, argv[1], &error);

      if (profile == NULL)
        return veilctl_report_error (error);
      profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_profile_unref);
      g_ptr_array_add (profiles, profile);
    }
  else if ((profiles = veil_store_list_profiles (store, &error)) == NULL)
    return veilctl_report_error (error);

  for (guint i = 0; i < profiles->len; i++)
    g_ptr_array_add (healths, veil_health_check (store, profiles->pdata[i], NULL));

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "service");
      if (healths->len > 0)
        json_builder_add_value (b, service_to_json (healths->pdata[0]));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "profiles");
      json_builder_begin_array (b);
      for (guint i = 0; i < healths->len; i++)
        json_builder_add_value (b, health_to_json (healths->pdata[i]));
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      veilctl_print_json (root, TRUE);
      return VEILCTL_EXIT_OK;
    }

  if (healths->len == 0)
    printf ("%s\n", _("No profiles yet. Nothing is checked on this computer."));
  for (guint i = 0; i < healths->len; i++)
    print_health (healths->pdata[i]);
  return VEILCTL_EXIT_OK;
}
