/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-audit"

#include "config.h"

#include <glib/gi18n.h>
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
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = NULL;

      for (guint i = 0; i < entries_list->len; i++)
        json_array_add_element (array, veil_audit_entry_to_json_node (entries_list->pdata[i],
                                                                      VEIL_AUDIT_JSON_DESCRIPTION));
      root = json_node_init_array (json_node_alloc (), array);
      veilctl_print_json (root, TRUE);
      return VEILCTL_EXIT_OK;
    }

  for (guint i = 0; i < entries_list->len; i++)
    {
      VeilAuditEntry *e = entries_list->pdata[i];
      g_autofree char *stamp = veilctl_format_time (e->time);
      g_autofree char *sentence = veil_audit_entry_describe (e);

      printf ("%s  %s\n", stamp, sentence);
    }
  return VEILCTL_EXIT_OK;
}
