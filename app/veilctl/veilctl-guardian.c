/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-guardian"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "veilctl-common.h"

/* `veilctl guardian set-pin|status|confirm-records|restore-records`: the guardian PIN, set,
 * changed or described, and the guardian's answer to a notice about Veil's records. */

static int
set_pin (int    argc,
         char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  char *old_pin = NULL;
  char *new_pin = NULL;
  gboolean has_pin = FALSE;
  gboolean ok;

  guardian = veilctl_open_guardian (TRUE, &error);
  if (guardian == NULL || !veil_guardian_has_pin (guardian, &has_pin, NULL, &error))
    return veilctl_report_error (error);

  /* Changing: the current PIN first, then the new one, one per line. */
  if (has_pin)
    {
      old_pin = veilctl_read_stdin_line ();
      if (old_pin == NULL)
        {
          fprintf (stderr, "%s\n", _("veilctl: a guardian PIN is already set; write the current PIN, then the new one, on standard input"));
          return VEILCTL_EXIT_DENIED;
        }
    }
  new_pin = veilctl_read_stdin_line ();
  if (new_pin == NULL)
    {
      veilctl_free_secret (old_pin);
      fprintf (stderr, "%s\n", _("veilctl: write the new guardian PIN on standard input"));
      return VEILCTL_EXIT_USAGE;
    }

  ok = veil_guardian_set_pin (guardian, old_pin, new_pin, NULL, &error);
  veilctl_free_secret (old_pin);
  veilctl_free_secret (new_pin);
  if (!ok)
    return veilctl_report_error (error);

  printf ("%s\n", has_pin ? _("The guardian PIN was changed.") : _("The guardian PIN is set."));
  return VEILCTL_EXIT_OK;
}

static void
print_records_notice (VeilGuardian *guardian)
{
  gint64 time = 0;
  VeilRecordsState state = veil_guardian_get_records_state (guardian, &time);
  g_autofree char *notice = veil_records_state_describe (state, time);

  if (notice == NULL)
    return;
  printf ("%s\n", notice);
  printf ("%s\n", _("A guardian can keep the records as they are now (“veilctl guardian confirm-records”) "
                     "or restore the settings last verified (“veilctl guardian restore-records”)."));
}

/* Both answers need the PIN on standard input and leave an audit entry. */
static int
answer_records (gboolean restore)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  int status = veilctl_open_unlocked (&guardian);

  if (status != VEILCTL_EXIT_OK)
    return status;
  if (restore ? !veil_guardian_restore_records (guardian, &error)
              : !veil_guardian_confirm_records (guardian, &error))
    return veilctl_report_error (error);

  printf ("%s\n", restore ? _("The settings last verified are restored.")
                          : _("Veil’s records are kept as they are now."));
  return VEILCTL_EXIT_OK;
}

static int
confirm_records (int    argc,
                 char **argv)
{
  return answer_records (FALSE);
}

static int
restore_records (int    argc,
                 char **argv)
{
  return answer_records (TRUE);
}

static int
status (int    argc,
        char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  gboolean has_pin = FALSE;
  guint wait;

  guardian = veilctl_open_guardian (TRUE, &error);
  if (guardian == NULL || !veil_guardian_has_pin (guardian, &has_pin, NULL, &error))
    return veilctl_report_error (error);

  printf ("%s\n", has_pin ? _("A guardian PIN is set.") : _("No guardian PIN is set yet."));
  print_records_notice (guardian);
  wait = veil_guardian_get_wait_seconds (guardian);
  if (wait > 0)
    printf (g_dngettext (GETTEXT_PACKAGE, "After wrong PINs, the next try is possible in %u second.\n",
                         "After wrong PINs, the next try is possible in %u seconds.\n", wait), wait);
  return VEILCTL_EXIT_OK;
}

static void
print_help (FILE *stream)
{
  fprintf (stream, "%s\n  veilctl guardian set-pin\n  veilctl guardian status\n"
           "  veilctl guardian confirm-records\n  veilctl guardian restore-records\n\n%s\n%s\n", _("Usage:"),
           _("set-pin reads the new PIN from standard input. To change a PIN, write the current PIN "
             "on the first line and the new one on the second. A PIN has at least 6 digits, or a "
             "passphrase at least 8 characters."),
           _("When Veil’s records were removed, damaged or changed outside Veil, confirm-records keeps "
             "them as they are now and restore-records puts back the settings last verified; both "
             "read the guardian PIN from standard input."));
}

static const VeilctlCommandEntry subcommands[] = {
  { "set-pin", set_pin, NULL },
  { "status", status, NULL },
  { "confirm-records", confirm_records, NULL },
  { "restore-records", restore_records, NULL },
};

static const VeilctlCommandGroup group = {
  .commands = subcommands,
  .n_commands = G_N_ELEMENTS (subcommands),
  .print_usage = print_help,
  .has_help = TRUE,
};

int
veilctl_guardian (int    argc,
                  char **argv)
{
  return veilctl_dispatch (&group, argc, argv);
}
