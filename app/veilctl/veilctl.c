/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "veilctl-common.h"

/* veilctl: Veil's command-line surface for guardians' scripts, the tests and the benchmarks.
 * Each command lives in its own veilctl-<command>.c and is listed in the table below. */

static const VeilctlCommandEntry commands[] = {
  { "version", veilctl_version, N_("Print Veil's version") },
  /* Hashing and hash lists */
  { "hash", veilctl_hash, N_("Print the PDQ hashes of image files") },
  { "match", veilctl_match, N_("Look image files up in PDQ hash lists") },
  { "list", veilctl_list, N_("Import, export or describe PDQ hash lists") },
  /* The classifier */
  { "classify", veilctl_classify, N_("Classify images with the on-device model") },
  /* Guardian, profiles, consent, audit, export */
  { "guardian", veilctl_guardian, N_("Set or change the guardian PIN, or show its state") },
  { "profile", veilctl_profile, N_("Create, change, list, show and delete child profiles") },
  { "consent", veilctl_consent, N_("Acknowledge a protection as the child, or ask for a review") },
  { "audit", veilctl_audit, N_("Show what Veil and the guardian did for a profile") },
  { "export", veilctl_export, N_("Export profiles, consent records and the audit log") },
  { "erase", veilctl_erase, N_("Erase everything Veil stored, and the guardian PIN") },
  { "status", veilctl_status, N_("Show whether each protection really works, and what fixes it") },
  /* Library scanning */
  { "scan", veilctl_scan, N_("Check a child's picture folders for matches and sensitive pictures") },
  { "alerts", veilctl_alerts, N_("Show a profile's alerts with their reasons, or act on one") },
  { "scan-list", veilctl_scan_list, N_("Hash lists and protected pictures used by folder checks") },
  /* Reports */
  { "report", veilctl_report, N_("Report an image, or list, show and export reports") },
  /* Message warnings */
  { "watch", veilctl_watch, N_("Warn about sensitive pictures arriving in a child's message folders") },
  { "restore", veilctl_restore, N_("Put a picture Veil hid back where it was") },
};

static void print_usage (FILE *stream);

static const VeilctlCommandGroup veilctl = {
  .commands = commands,
  .n_commands = G_N_ELEMENTS (commands),
  .print_usage = print_usage,
  .unknown_format = N_("veilctl: unknown command “%s”\n"),
  .usage_after_unknown = TRUE,
  .has_help = TRUE,
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n  veilctl [--version] [--help] COMMAND [ARGS…]\n\n%s\n",
           _("Usage:"), _("Commands:"));
  veilctl_print_commands (stream, commands, G_N_ELEMENTS (commands));
  fprintf (stream, "\n%s\n", _("Run “veilctl COMMAND --help” for the options of a command."));
}

int
veilctl_version (int    argc,
                 char **argv)
{
  printf ("veilctl %s\n", PACKAGE_VERSION);
  return VEILCTL_EXIT_OK;
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("VEIL_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc >= 2 && g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return VEILCTL_EXIT_OK;
    }
  if (argc >= 2 && g_str_equal (argv[1], "--version"))
    return veilctl_version (argc - 1, argv + 1);

  return veilctl_dispatch (&veilctl, argc, argv);
}
