/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-profile-page"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-profile-page-private.h"

/* "Active" only when the protection really runs; otherwise every problem and its fix. A
 * protection still waiting for the child lists what would stop it, so the guardian can fix
 * that first. */
char *
_veil_profile_page_describe_health (VeilHealth     *health,
                                    VeilProtection  protection)
{
  GPtrArray *problems = veil_health_get_problems (health, protection);
  VeilHealthState state = veil_health_get_state (health, protection);
  g_autofree char *first = NULL;
  GString *text;
  guint i = 0;

  if (state == VEIL_HEALTH_STATE_ACTIVE)
    return g_strdup (_("Active: the child has read and acknowledged it."));
  if (state == VEIL_HEALTH_STATE_WAITING)
    {
      text = g_string_new (_("On, but waiting: the child has not read and acknowledged it yet."));
      if (problems->len > 0)
        g_string_append_printf (text, "\n%s", _("Even once read, it will not work yet:"));
    }
  else
    {
      first = veil_health_describe (health, protection);
      text = g_string_new (first);
      i = 1;
    }
  for (; i < problems->len; i++)
    {
      VeilHealthProblem *problem = problems->pdata[i];
      g_string_append_printf (text, "\n%s %s", problem->reason, problem->action);
    }
  return g_string_free (text, FALSE);
}
