/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-consent"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl.h"

/* `veilctl consent ack|review NAME PROTECTION`: the child's own steps. No PIN: the child is
 * the one acting. `ack` prints the same explanation the acknowledgment screen shows, and
 * records which version of it was shown. */

static int
usage (void)
{
  fprintf (stderr, "%s\n  veilctl consent ack NAME PROTECTION\n  veilctl consent review NAME PROTECTION\n\n%s\n",
           _("Usage:"), _("PROTECTION is message-warnings, library-scan or guardian-alerts."));
  return VEILCTL_EXIT_USAGE;
}

int
veilctl_consent (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  VeilStore *store;
  VeilProtection protection;
  VeilExplanation explanation;
  gboolean ack;

  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n  veilctl consent ack NAME PROTECTION\n  veilctl consent review NAME PROTECTION\n", _("Usage:"));
      return VEILCTL_EXIT_OK;
    }
  if (argc != 4 || !(g_str_equal (argv[1], "ack") || g_str_equal (argv[1], "review")))
    return usage ();
  ack = g_str_equal (argv[1], "ack");
  if (!veil_protection_from_string (argv[3], &protection))
    {
      fprintf (stderr, _("veilctl: “%s” is not a protection.\n"), argv[3]);
      return usage ();
    }

  guardian = veilctl_open_guardian (FALSE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  store = veil_guardian_get_store (guardian);
  profile = veil_store_lookup_profile (store, argv[2], &error);
  if (profile == NULL)
    return veilctl_report_error (error);

  if (!ack)
    {
      if (!veil_store_request_review (store, profile, protection, &error))
        return veilctl_report_error (error);
      printf (_("Your guardian will see that you asked them to look at “%s” again.\n"),
              veil_protection_get_title (protection));
      return VEILCTL_EXIT_OK;
    }

  veil_protection_get_explanation (protection, veil_profile_get_notify (profile), &explanation);
  printf ("%s\n\n%s\n\n%s\n\n%s\n\n", explanation.title, explanation.what_it_does,
          explanation.what_it_never_does, explanation.who_is_told);
  if (!veil_store_acknowledge (store, profile, protection, explanation.text_version, &error))
    return veilctl_report_error (error);

  printf ("%s\n", veil_profile_get_protection_enabled (profile, protection)
                  ? _("Thank you. This protection is now active.")
                  : _("Thank you. Your guardian has not turned this protection on, so it stays off."));
  return VEILCTL_EXIT_OK;
}
