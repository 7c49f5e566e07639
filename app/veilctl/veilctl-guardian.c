/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-guardian"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "veil.h"
#include "veilctl.h"

/* `veilctl guardian set-pin|status`, and what every guardian command shares: opening the
 * store with the keyring, reading the PIN from standard input and turning errors into exit
 * codes scripts can rely on. */

#define MAX_LINE 1024

/**
 * veilctl_report_error:
 *
 * Prints @error for a person and returns the matching exit code.
 */
int
veilctl_report_error (const GError *error)
{
  fprintf (stderr, "veilctl: %s\n", error->message);

  if (error->domain == VEIL_GUARDIAN_ERROR &&
      (error->code == VEIL_GUARDIAN_ERROR_WRONG_PIN ||
       error->code == VEIL_GUARDIAN_ERROR_LOCKED_OUT ||
       error->code == VEIL_GUARDIAN_ERROR_LOCKED))
    return VEILCTL_EXIT_DENIED;
  if (error->domain == VEIL_PROFILE_ERROR)
    return VEILCTL_EXIT_USAGE;

  return VEILCTL_EXIT_FAILURE;
}

/* One line of standard input, without its line end. The PIN is never echoed or logged. */
static char *
read_stdin_line (void)
{
  char buf[MAX_LINE];
  size_t len;

  if (fgets (buf, sizeof buf, stdin) == NULL)
    return NULL;
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';

  return g_strdup (buf);
}

static void
free_secret (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

/**
 * veilctl_open_guardian:
 * @need_keyring: whether the command cannot work without the keyring (all changes)
 *
 * Opens the store in Veil's data folder (`VEIL_DATA_DIR` moves it) and a guardian on it, and
 * loads the integrity key so that rows edited outside Veil show. A command that only reads
 * goes on without a keyring, with a warning.
 *
 * Returns: (transfer full): the guardian
 */
VeilGuardian *
veilctl_open_guardian (gboolean   need_keyring,
                       GError   **error)
{
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GError) keyring_error = NULL;

  store = veil_store_new (NULL, NULL, error);
  if (store == NULL)
    return NULL;

  guardian = veil_guardian_new (store);
  if (!veil_guardian_check_keyring (guardian, NULL, &keyring_error))
    {
      if (need_keyring)
        {
          g_propagate_error (error, g_steal_pointer (&keyring_error));
          return NULL;
        }
      fprintf (stderr, _("veilctl: warning: %s\n"), keyring_error->message);
    }

  return g_steal_pointer (&guardian);
}

/**
 * veilctl_unlock_from_stdin:
 *
 * Reads the guardian PIN from the first line of standard input and unlocks @guardian.
 *
 * Returns: %VEILCTL_EXIT_OK, or the exit code to end the command with
 */
int
veilctl_unlock_from_stdin (VeilGuardian *guardian)
{
  g_autoptr(GError) error = NULL;
  char *pin = read_stdin_line ();
  gboolean ok;

  if (pin == NULL)
    {
      fprintf (stderr, "%s\n", _("veilctl: no guardian PIN on standard input"));
      return VEILCTL_EXIT_DENIED;
    }

  ok = veil_guardian_unlock (guardian, pin, NULL, &error);
  free_secret (pin);
  if (!ok)
    return veilctl_report_error (error);

  return VEILCTL_EXIT_OK;
}

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
      old_pin = read_stdin_line ();
      if (old_pin == NULL)
        {
          fprintf (stderr, "%s\n", _("veilctl: a guardian PIN is already set; write the current PIN, then the new one, on standard input"));
          return VEILCTL_EXIT_DENIED;
        }
    }
  new_pin = read_stdin_line ();
  if (new_pin == NULL)
    {
      free_secret (old_pin);
      fprintf (stderr, "%s\n", _("veilctl: write the new guardian PIN on standard input"));
      return VEILCTL_EXIT_USAGE;
    }

  ok = veil_guardian_set_pin (guardian, old_pin, new_pin, NULL, &error);
  free_secret (old_pin);
  free_secret (new_pin);
  if (!ok)
    return veilctl_report_error (error);

  printf ("%s\n", has_pin ? _("The guardian PIN was changed.") : _("The guardian PIN is set."));
  return VEILCTL_EXIT_OK;
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
  wait = veil_guardian_get_wait_seconds (guardian);
  if (wait > 0)
    printf (g_dngettext (GETTEXT_PACKAGE, "After wrong PINs, the next try is possible in %u second.\n",
                         "After wrong PINs, the next try is possible in %u seconds.\n", wait), wait);
  return VEILCTL_EXIT_OK;
}

static void
print_help (FILE *stream)
{
  fprintf (stream, "%s\n  veilctl guardian set-pin\n  veilctl guardian status\n\n%s\n", _("Usage:"),
           _("set-pin reads the new PIN from standard input. To change a PIN, write the current PIN "
             "on the first line and the new one on the second. A PIN has at least 6 digits, or a "
             "passphrase at least 8 characters."));
}

int
veilctl_guardian (int    argc,
                  char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "set-pin"))
    return set_pin (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "status"))
    return status (argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      print_help (stdout);
      return VEILCTL_EXIT_OK;
    }

  print_help (stderr);
  return VEILCTL_EXIT_USAGE;
}
