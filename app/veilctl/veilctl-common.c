/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "veilctl-common.h"

/* Shared by every command file: dispatching subcommands from a table, opening the store,
 * the guardian and the analyzer, reading the PIN, turning errors into exit codes scripts
 * can rely on, and printing JSON. */

#define MAX_LINE 1024

/**
 * veilctl_print_commands:
 *
 * Prints one line per command: its name and its translated summary.
 */
void
veilctl_print_commands (FILE                      *stream,
                        const VeilctlCommandEntry *commands,
                        gsize                      n_commands)
{
  for (gsize i = 0; i < n_commands; i++)
    if (commands[i].summary != NULL)
      fprintf (stream, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
}

static void
print_group_usage (const VeilctlCommandGroup *group,
                   FILE                      *stream)
{
  if (group->print_usage != NULL)
    group->print_usage (stream);
  else
    veilctl_print_commands (stream, group->commands, group->n_commands);
}

static gboolean
is_help (const char *arg)
{
  return g_str_equal (arg, "--help") || g_str_equal (arg, "-h");
}

/**
 * veilctl_dispatch:
 * @argv: the group's arguments, argv[0] being the group's name
 *
 * Runs the subcommand named by argv[1] with argv shifted so that its own name comes first.
 *
 * Returns: the subcommand's exit code, or %VEILCTL_EXIT_USAGE
 */
int
veilctl_dispatch (const VeilctlCommandGroup  *group,
                  int                         argc,
                  char                      **argv)
{
  if (argc < 2)
    {
      print_group_usage (group, stderr);
      return VEILCTL_EXIT_USAGE;
    }
  for (gsize i = 0; i < group->n_commands; i++)
    if (g_str_equal (argv[1], group->commands[i].name))
      return group->commands[i].handler (argc - 1, argv + 1);
  if (group->has_help && is_help (argv[1]))
    {
      print_group_usage (group, stdout);
      return VEILCTL_EXIT_OK;
    }

  if (group->unknown_format != NULL)
    {
      /* The formats are fixed, translated strings from the command tables. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      fprintf (stderr, _(group->unknown_format), argv[1]);
#pragma GCC diagnostic pop
    }
  if (group->unknown_format == NULL || group->usage_after_unknown)
    print_group_usage (group, stderr);
  return VEILCTL_EXIT_USAGE;
}

/**
 * veilctl_usage:
 * @text: the command line, untranslated
 *
 * Prints “Usage:” and @text on standard error.
 *
 * Returns: %VEILCTL_EXIT_USAGE
 */
int
veilctl_usage (const char *text)
{
  fprintf (stderr, "%s\n  %s\n", _("Usage:"), text);
  return VEILCTL_EXIT_USAGE;
}

/**
 * veilctl_parse_options:
 * @parameter: what follows the options in the help, translated
 * @entries: the command's options
 * @description: (nullable): text shown after the options in the help
 *
 * Parses a command's options, printing what is wrong on standard error.
 *
 * Returns: whether the options were understood
 */
gboolean
veilctl_parse_options (int                 *argc,
                       char              ***argv,
                       const char          *parameter,
                       const GOptionEntry  *entries,
                       const char          *description)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (description != NULL)
    g_option_context_set_description (context, description);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "veilctl: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * veilctl_exit_for:
 * @n_ok: inputs handled
 * @n_failed: inputs that failed
 *
 * Returns: %VEILCTL_EXIT_OK when none failed, %VEILCTL_EXIT_PARTIAL when some did and
 *   %VEILCTL_EXIT_FAILURE when all did
 */
int
veilctl_exit_for (guint n_ok,
                  guint n_failed)
{
  if (n_failed == 0)
    return VEILCTL_EXIT_OK;
  return n_ok > 0 ? VEILCTL_EXIT_PARTIAL : VEILCTL_EXIT_FAILURE;
}

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

/**
 * veilctl_open_profile:
 * @name: the profile's name
 * @out_store: (out) (transfer full): the store the profile was found in
 *
 * Opens the store in Veil's data folder for the commands a child may run or that only read,
 * without needing the keyring or a PIN, and looks @name up in it.
 *
 * Returns: (transfer full): the profile, or %NULL with @error set
 */
VeilProfile *
veilctl_open_profile (const char  *name,
                      VeilStore  **out_store,
                      GError     **error)
{
  g_autoptr(VeilGuardian) guardian = veil_guardian_open (NULL, NULL, NULL, error);
  g_autoptr(VeilStore) store = NULL;
  VeilProfile *profile;

  if (guardian == NULL)
    return NULL;
  /* The keyring is asked without a PIN, only so that an edited row reads as its verified
   * settings; without a keyring the store's rows are read as they are. */
  store = g_object_ref (veil_guardian_get_store (guardian));
  profile = veil_store_lookup_profile (store, name, error);
  if (profile == NULL)
    return NULL;

  *out_store = g_steal_pointer (&store);
  return profile;
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
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(GError) keyring_error = NULL;

  guardian = veil_guardian_open (NULL, NULL, &keyring_error, error);
  if (guardian == NULL)
    return NULL;

  if (keyring_error != NULL)
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
 * veilctl_read_stdin_line:
 *
 * Returns: (transfer full) (nullable): one line of standard input without its line end, or
 *   %NULL at its end. PINs read this way are never echoed or logged.
 */
char *
veilctl_read_stdin_line (void)
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

/**
 * veilctl_free_secret:
 *
 * Wipes and frees a PIN read with veilctl_read_stdin_line().
 */
void
veilctl_free_secret (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
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
  char *pin = veilctl_read_stdin_line ();
  gboolean ok;

  if (pin == NULL)
    {
      fprintf (stderr, "%s\n", _("veilctl: no guardian PIN on standard input"));
      return VEILCTL_EXIT_DENIED;
    }

  ok = veil_guardian_unlock (guardian, pin, NULL, &error);
  veilctl_free_secret (pin);
  if (!ok)
    return veilctl_report_error (error);

  return VEILCTL_EXIT_OK;
}

/**
 * veilctl_unlock_if_pin_set:
 *
 * For guardian-only commands that work before any PIN is set: when one is, reads it from
 * standard input and unlocks @guardian.
 *
 * Returns: %VEILCTL_EXIT_OK, or the exit code to end the command with
 */
int
veilctl_unlock_if_pin_set (VeilGuardian *guardian)
{
  g_autoptr(GError) error = NULL;
  gboolean has_pin = FALSE;

  if (!veil_guardian_has_pin (guardian, &has_pin, NULL, &error))
    return veilctl_report_error (error);
  return has_pin ? veilctl_unlock_from_stdin (guardian) : VEILCTL_EXIT_OK;
}

/**
 * veilctl_open_unlocked:
 * @out_guardian: (out) (transfer full): the guardian, unlocked
 *
 * Opens the guardian with the keyring, as every change needs, and unlocks it with the PIN
 * on standard input.
 *
 * Returns: %VEILCTL_EXIT_OK, or the exit code to end the command with
 */
int
veilctl_open_unlocked (VeilGuardian **out_guardian)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = veilctl_open_guardian (TRUE, &error);
  int status;

  if (guardian == NULL)
    return veilctl_report_error (error);
  status = veilctl_unlock_from_stdin (guardian);
  if (status != VEILCTL_EXIT_OK)
    return status;

  *out_guardian = g_steal_pointer (&guardian);
  return VEILCTL_EXIT_OK;
}

/**
 * veilctl_print_json:
 * @pretty: indented over several lines, or one line (for one object per line)
 *
 * Prints @node and a line end on standard output.
 */
void
veilctl_print_json (JsonNode *node,
                    gboolean  pretty)
{
  g_autofree char *text = json_to_string (node, pretty);

  printf ("%s\n", text);
}

/**
 * veilctl_json_object_append:
 * @members: (transfer full): an object node
 *
 * Adds the members of @members to the end of @object, in their order, so that a command's
 * own keys and a core record's keys make one object.
 */
void
veilctl_json_object_append (JsonObject *object,
                            JsonNode   *members)
{
  g_autoptr(JsonNode) node = members;
  JsonObject *from = json_node_get_object (node);
  g_autoptr(GList) names = json_object_get_members (from);

  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (object, l->data, json_object_dup_member (from, l->data));
}

/**
 * veilctl_format_time:
 *
 * Returns: (transfer full): @unix_time in local time as “YYYY-MM-DD HH:MM”, or “?”
 */
char *
veilctl_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_time);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%d %H:%M") : g_strdup ("?");
}
