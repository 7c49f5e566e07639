/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-audit"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl-common.h"

/* `veilctl audit [NAME] [--json]`: what Veil and the guardian did, newest first. Like the
 * transparency page, it needs no PIN and shows no pictures. Without NAME: the guardian's
 * actions that concern no single profile (PIN changes, exports, deletions). */

static gboolean opt_json;

static const GOptionEntry entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { NULL }
};

int
veilctl_audit (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME]"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GPtrArray) entries_list = NULL;
  VeilStore *store;
  gint64 profile_id = 0;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 2)
    {
      fprintf (stderr, "%s\n  veilctl audit [NAME] [--json]\n", _("Usage:"));
      return VEILCTL_EXIT_USAGE;
    }

  guardian = veilctl_open_guardian (FALSE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  store = veil_guardian_get_store (guardian);

  if (argc == 2)
    {
      g_autoptr(VeilProfile) profile = veil_store_lookup_profile (store, argv[1], &error);
      if (profile == NULL)
        return veilctl_report_error (error);
      profile_id = veil_profile_get_id (profile);
    }

  entries_list = veil_store_list_audit (store, profile_id, 0, &error);
  if (entries_list == NULL)
    return veilctl_report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < entries_list->len; i++)
        {
          VeilAuditEntry *e = entries_list->pdata[i];
          g_autofree char *sentence = veil_audit_entry_describe (e);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "time");
          json_builder_add_int_value (b, e->time);
          json_builder_set_member_name (b, "actor");
          json_builder_add_string_value (b, e->actor);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, e->kind);
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, e->detail);
          json_builder_set_member_name (b, "description");
          json_builder_add_string_value (b, sentence);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      json_generator_set_pretty (gen, TRUE);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return VEILCTL_EXIT_OK;
    }

  for (guint i = 0; i < entries_list->len; i++)
    {
      VeilAuditEntry *e = entries_list->pdata[i];
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (e->time);
      g_autofree char *stamp = g_date_time_format (when, "%Y-%m-%d %H:%M");
      g_autofree char *sentence = veil_audit_entry_describe (e);

      printf ("%s  %s\n", stamp, sentence);
    }
  return VEILCTL_EXIT_OK;
}
