/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-export"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl-common.h"

/* `veilctl export DIR --pin-stdin` and `veilctl erase --pin-stdin`: the guardian takes a
 * copy of everything Veil keeps, or deletes all of it. */

static gboolean
has_pin_stdin (int    argc,
               char **argv,
               int   *n_positional)
{
  gboolean found = FALSE;

  *n_positional = 0;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--pin-stdin"))
        found = TRUE;
      else
        (*n_positional)++;
    }
  return found;
}

static const char *
first_positional (int    argc,
                  char **argv)
{
  for (int i = 1; i < argc; i++)
    if (!g_str_equal (argv[i], "--pin-stdin"))
      return argv[i];
  return NULL;
}

int
veilctl_export (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  const char *dir;
  int n, rc;

  if (!has_pin_stdin (argc, argv, &n) || n != 1)
    {
      fprintf (stderr, "%s\n  veilctl export DIR --pin-stdin\n\n%s\n", _("Usage:"),
               _("Writes veil-export.json into the folder DIR: profiles, consent records and the audit log. No pictures."));
      return VEILCTL_EXIT_USAGE;
    }
  dir = first_positional (argc, argv);

  if ((rc = veilctl_open_unlocked (&guardian)) != VEILCTL_EXIT_OK)
    return rc;
  if (!veil_guardian_export (guardian, dir, &error))
    return veilctl_report_error (error);

  printf (_("Exported Veil’s data to “%s”.\n"), dir);
  return VEILCTL_EXIT_OK;
}

int
veilctl_erase (int    argc,
               char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  int n, rc;

  if (!has_pin_stdin (argc, argv, &n) || n != 0)
    {
      fprintf (stderr, "%s\n  veilctl erase --pin-stdin\n\n%s\n", _("Usage:"),
               _("Deletes every profile, consent record, alert and audit entry, and the guardian PIN."));
      return VEILCTL_EXIT_USAGE;
    }

  if ((rc = veilctl_open_unlocked (&guardian)) != VEILCTL_EXIT_OK)
    return rc;
  if (!veil_guardian_erase_all (guardian, NULL, &error))
    return veilctl_report_error (error);

  printf ("%s\n", _("Erased everything Veil kept on this computer, and the guardian PIN."));
  return VEILCTL_EXIT_OK;
}
