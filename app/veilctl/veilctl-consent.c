/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-consent"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl-common.h"

/* `veilctl consent ack|review NAME PROTECTION`: the child's own steps. No PIN: the child is
 * the one acting. `ack` prints the same explanation the acknowledgment screen shows, and
 * records which version of it was shown. */

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n  veilctl consent ack NAME PROTECTION\n  veilctl consent review NAME PROTECTION\n", _("Usage:"));
  /* After a mistake, also say which protections there are. */
  if (stream == stderr)
    fprintf (stream, "\n%s\n", _("PROTECTION is message-warnings, library-scan or guardian-alerts."));
}

static int
usage (void)
{
  print_usage (stderr);
  return VEILCTL_EXIT_USAGE;
}

/* argv: the subcommand, NAME and PROTECTION. */
static int
consent_run (int       argc,
             char    **argv,
             gboolean  ack)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  VeilStore *store;
  VeilProtection protection;
  VeilExplanation explanation;

  if (argc != 3)
    return usage ();
  if (!veil_protection_from_string (argv[2], &protection))
    {
      fprintf (stderr, _("veilctl: “%s” is not a protection.\n"), argv[2]);
      return usage ();
    }

  guardian = veilctl_open_guardian (FALSE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  store = veil_guardian_get_store (guardian);
  profile = veil_store_lookup_profile (store, argv[1], &error);
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

  veil_protection_get_explanation_for_profile (protection, profile, &explanation);
  printf ("%s\n\n%s\n\n%s\n\n%s\n\n", explanation.title, explanation.what_it_does,
          explanation.what_it_never_does, explanation.who_is_told);
  if (!veil_store_acknowledge (store, profile, protection, explanation.text_version, &error))
    return veilctl_report_error (error);
  /* Kept with the last verified settings, so that a removed store comes back as active. */
  veil_guardian_check_records (guardian, NULL);

  printf ("%s\n", veil_profile_get_protection_enabled (profile, protection)
                  ? _("Thank you. This protection is now active.")
                  : _("Thank you. Your guardian has not turned this protection on, so it stays off."));
  return VEILCTL_EXIT_OK;
}

static int
consent_ack (int    argc,
             char **argv)
{
  return consent_run (argc, argv, TRUE);
}

static int
consent_review (int    argc,
                char **argv)
{
  return consent_run (argc, argv, FALSE);
}

static const VeilctlCommandEntry subcommands[] = {
  { "ack", consent_ack, NULL },
  { "review", consent_review, NULL },
};

static const VeilctlCommandGroup group = {
  .commands = subcommands,
  .n_commands = G_N_ELEMENTS (subcommands),
  .print_usage = print_usage,
  .has_help = TRUE,
};

int
veilctl_consent (int    argc,
                 char **argv)
{
  return veilctl_dispatch (&group, argc, argv);
}
