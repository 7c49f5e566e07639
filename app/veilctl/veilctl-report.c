/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-report"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "veil.h"
#include "veilctl-common.h"

/* `veilctl report make|list|show|export`. A child may always make a report (no PIN); reading
 * and exporting reports are guardian commands. Reports hold checksums and reasons, never the
 * image: only `export --include-image` copies it, with the PIN. */

static gboolean opt_json;
static gboolean opt_pin_stdin;
static char *opt_words;
static char *opt_source;
static char *opt_source_name;
static char *opt_sender;
static char *opt_include_image;

static const GOptionEntry make_entries[] = {
  { "words", 0, 0, G_OPTION_ARG_STRING, &opt_words, N_("What the child wants to say about the image"), N_("TEXT") },
  { "source", 0, 0, G_OPTION_ARG_STRING, &opt_source, N_("Where the image came from: folder, app or library"), N_("SOURCE") },
  { "source-name", 0, 0, G_OPTION_ARG_STRING, &opt_source_name, N_("The folder’s path or the app’s name"), N_("NAME") },
  { "sender", 0, 0, G_OPTION_ARG_STRING, &opt_sender, N_("Who sent the image, if the app said"), N_("SENDER") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { NULL }
};

static const GOptionEntry read_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_pin_stdin, N_("Read the guardian PIN from standard input"), NULL },
  { NULL }
};

static const GOptionEntry export_entries[] = {
  { "include-image", 0, 0, G_OPTION_ARG_FILENAME, &opt_include_image,
    N_("Also copy this image into the bundle (only when the police or a hotline asks for it)"), N_("FILE") },
  { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_pin_stdin, N_("Read the guardian PIN from standard input"), NULL },
  { NULL }
};

static gboolean
parse_id (const char *text,
          gint64     *out_id)
{
  guint64 id;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &id, NULL))
    {
      fprintf (stderr, _("veilctl: “%s” is not a report number. List a profile’s reports to see them.\n"), text);
      return FALSE;
    }
  *out_id = (gint64) id;
  return TRUE;
}

/* Reports hold the child's own words: reading them is the guardian's, with the PIN. */
static int
open_unlocked (VeilGuardian **out_guardian)
{
  if (!opt_pin_stdin)
    {
      fprintf (stderr, "%s\n", _("veilctl: reports are for the guardian: pass --pin-stdin and write the guardian PIN on standard input"));
      return VEILCTL_EXIT_USAGE;
    }
  return veilctl_open_unlocked (out_guardian);
}

static const char *
source_to_string (VeilReportSource source)
{
  switch (source)
    {
    case VEIL_REPORT_SOURCE_APP:
      return "app";
    case VEIL_REPORT_SOURCE_LIBRARY:
      return "library";
    case VEIL_REPORT_SOURCE_FOLDER:
    default:
      return "folder";
    }
}

/* --- make ---------------------------------------------------------------------------------- */

static VeilAnalyzer *
open_analyzer (VeilStore   *store,
               VeilProfile *profile)
{
  g_autoptr(GError) error = NULL;
  /* Without the model the report is still worth making: its checksums are what hotlines
   * match on. */
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new_with_default_model ();

  /* The profile's hash lists, as its folder checks use them. */
  if (!veil_analyzer_load_lists (analyzer, store, veil_profile_get_id (profile), &error))
    fprintf (stderr, _("veilctl: warning: %s\n"), error->message);

  return g_steal_pointer (&analyzer);
}

static int
report_make (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilReportBuilder) builder = NULL;
  g_autoptr(VeilReport) report = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *folder = NULL;
  VeilReportSource source = VEIL_REPORT_SOURCE_FOLDER;
  const char *source_name;
  gint64 id;

  if (!veilctl_parse_options (&argc, &argv, _("PROFILE FILE — report an image you were sent"), make_entries, NULL) || argc != 3)
    return veilctl_usage ("veilctl report make PROFILE FILE [--words TEXT] [--source folder|app|library] "
                  "[--source-name NAME] [--sender S] [--json]");

  if (opt_source != NULL && g_str_equal (opt_source, "app"))
    source = VEIL_REPORT_SOURCE_APP;
  else if (opt_source != NULL && g_str_equal (opt_source, "library"))
    source = VEIL_REPORT_SOURCE_LIBRARY;
  else if (opt_source != NULL && !g_str_equal (opt_source, "folder"))
    {
      fprintf (stderr, _("veilctl: “%s” is not a source. Use folder, app or library.\n"), opt_source);
      return VEILCTL_EXIT_USAGE;
    }
  if (source == VEIL_REPORT_SOURCE_APP && opt_source_name == NULL)
    {
      fprintf (stderr, "%s\n", _("veilctl: say which app the image came from with --source-name"));
      return VEILCTL_EXIT_USAGE;
    }

  file = g_file_new_for_commandline_arg (argv[2]);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      fprintf (stderr, _("veilctl: “%s” is not a file on this computer.\n"), argv[2]);
      return VEILCTL_EXIT_USAGE;
    }
  base = g_file_get_basename (file);
  folder = g_path_get_dirname (path);
  source_name = opt_source_name != NULL ? opt_source_name : folder;

  /* A child may always report: no PIN, no keyring needed. */
  profile = veilctl_open_profile (argv[1], &store, &error);
  if (profile == NULL)
    return veilctl_report_error (error);

  analyzer = open_analyzer (store, profile);
  verdict = veil_analyzer_analyze_file (analyzer, path, profile, NULL, NULL, NULL, &error);
  if (verdict == NULL)
    return veilctl_report_error (error);

  builder = veil_report_builder_new ();
  veil_report_builder_set_reporter (builder, VEIL_REPORTER_CHILD);
  veil_report_builder_set_source (builder, source, source_name);
  veil_report_builder_set_file_name (builder, base);
  veil_report_builder_set_verdict (builder, verdict);
  if (opt_words != NULL)
    veil_report_builder_set_words (builder, opt_words);
  if (opt_sender != NULL)
    veil_report_builder_set_sender (builder, opt_sender);
  /* The checksum only: the report never holds a copy of the image. */
  if (!veil_report_builder_checksum_file (builder, file, NULL, &error))
    return veilctl_report_error (error);
  report = veil_report_builder_build (builder, &error);
  if (report == NULL)
    return veilctl_report_error (error);

  id = veil_store_add_report (store, profile, report, VEIL_ACTOR_CHILD, &error);
  if (id == 0)
    return veilctl_report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(JsonNode) root = NULL;

      json_object_set_int_member (o, "id", id);
      root = json_node_init_object (json_node_alloc (), o);
      veilctl_print_json (root, TRUE);
    }
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      /* Translators: %s is the report's number */
      printf (_("Report %s was made. Thank you for telling: it was brave, and it is not your fault.\n"), number);
    }
  return VEILCTL_EXIT_OK;
}

/* --- list and show ------------------------------------------------------------------------- */

static void
print_entry_line (VeilReportEntry *entry)
{
  VeilReport *report = entry->report;
  g_autofree char *when = veilctl_format_time (entry->time);

  printf ("#%" G_GINT64_FORMAT "  %s  %s  %s  %s: %s\n", entry->id, entry->state, when,
          veil_report_get_kind (report) == VEIL_REPORT_KIND_HELP_REQUEST ? "help-request" : "report",
          source_to_string (veil_report_get_source (report)), veil_report_get_source_name (report));
}

static void
print_entry_text (VeilReportEntry *entry)
{
  VeilReport *report = entry->report;
  VeilVerdict *verdict = veil_report_get_verdict (report);
  g_autofree char *pdq = veil_report_get_pdq (report);

  print_entry_line (entry);
  printf (_("  Made by:   %s\n"), veil_report_get_reporter (report) == VEIL_REPORTER_GUARDIAN ? _("the guardian") : _("the child"));
  if (veil_report_get_file_name (report) != NULL)
    printf (_("  File:      %s\n"), veil_report_get_file_name (report));
  if (veil_report_get_sender (report) != NULL)
    printf (_("  Sender:    %s\n"), veil_report_get_sender (report));
  if (veil_report_get_kind (report) == VEIL_REPORT_KIND_HELP_REQUEST)
    printf ("  %s\n", _("The child asked a trusted adult for help with this warning."));
  if (veil_report_get_sha256 (report) != NULL)
    printf (_("  SHA-256:   %s\n"), veil_report_get_sha256 (report));
  if (pdq != NULL)
    printf (_("  PDQ:       %s\n"), pdq);
  if (veil_report_get_words (report) != NULL)
    printf (_("  Words:     %s\n"), veil_report_get_words (report));
  if (veil_verdict_get_n_reasons (verdict) == 0)
    printf ("  %s\n", _("Veil found no reason of its own; the report is the reporter’s."));
  for (guint r = 0; r < veil_verdict_get_n_reasons (verdict); r++)
    {
      VeilReason *reason = veil_verdict_get_reason (verdict, r);
      g_autofree char *sentence = veil_reason_describe (reason);
      g_autofree char *figures = veil_reason_describe_figures (reason);

      printf ("  %s: %s\n    %s\n", veil_signal_to_string (veil_reason_get_signal (reason)), sentence, figures);
    }
}

static int
report_list (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  int status;

  if (!veilctl_parse_options (&argc, &argv, _("PROFILE — a profile’s reports, newest first"), read_entries, NULL) || argc != 2)
    return veilctl_usage ("veilctl report list PROFILE [--json] --pin-stdin");
  if ((status = open_unlocked (&guardian)) != VEILCTL_EXIT_OK)
    return status;

  profile = veil_store_lookup_profile (veil_guardian_get_store (guardian), argv[1], &error);
  if (profile == NULL)
    return veilctl_report_error (error);
  reports = veil_store_list_reports (veil_guardian_get_store (guardian), veil_profile_get_id (profile), &error);
  if (reports == NULL)
    return veilctl_report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = NULL;

      for (guint i = 0; i < reports->len; i++)
        json_array_add_element (array, veil_report_entry_to_json_node (reports->pdata[i]));
      root = json_node_init_array (json_node_alloc (), array);
      veilctl_print_json (root, TRUE);
    }
  else if (reports->len == 0)
    printf ("%s\n", _("No reports."));
  else
    for (guint i = 0; i < reports->len; i++)
      print_entry_line (reports->pdata[i]);

  return VEILCTL_EXIT_OK;
}

static int
report_show (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilReportEntry) entry = NULL;
  gint64 id;
  int status;

  if (!veilctl_parse_options (&argc, &argv, _("ID — one report with its reasons and fingerprints"), read_entries, NULL) || argc != 2)
    return veilctl_usage ("veilctl report show ID [--json] --pin-stdin");
  if (!parse_id (argv[1], &id))
    return VEILCTL_EXIT_USAGE;
  if ((status = open_unlocked (&guardian)) != VEILCTL_EXIT_OK)
    return status;

  entry = veil_store_get_report (veil_guardian_get_store (guardian), id, &error);
  if (entry == NULL)
    return veilctl_report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonNode) node = veil_report_entry_to_json_node (entry);
      veilctl_print_json (node, TRUE);
    }
  else
    print_entry_text (entry);
  return VEILCTL_EXIT_OK;
}

/* --- export -------------------------------------------------------------------------------- */

/* The image a guardian adds must be the one reported: a different file would make a false
 * report. */
static gboolean
image_matches (VeilReport  *report,
               GFile       *image,
               GError     **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar buf[64 * 1024];
  gssize n;

  if (veil_report_get_sha256 (report) == NULL)
    {
      g_set_error_literal (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INCOMPLETE,
                           _("This is a request for help, not a report about an image: it has no image to include."));
      return FALSE;
    }
  stream = g_file_read (image, NULL, error);
  if (stream == NULL)
    return FALSE;
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buf, sizeof buf, NULL, error)) > 0)
    g_checksum_update (checksum, buf, n);
  if (n < 0)
    return FALSE;

  if (g_ascii_strcasecmp (g_checksum_get_string (checksum), veil_report_get_sha256 (report)) != 0)
    {
      g_set_error_literal (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_UNREADABLE,
                           _("That file is not the image this report is about (its SHA-256 differs). Choose the reported image, or export without it."));
      return FALSE;
    }
  return TRUE;
}

static int
report_export (int    argc,
               char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilReportEntry) entry = NULL;
  g_autoptr(GFile) image = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *detail = NULL;
  VeilReportExportFlags flags = VEIL_REPORT_EXPORT_NONE;
  gint64 id;
  int status;

  if (!veilctl_parse_options (&argc, &argv, _("ID FOLDER — write a report bundle for a hotline"), export_entries, NULL) || argc != 3)
    return veilctl_usage ("veilctl report export ID FOLDER [--include-image FILE] --pin-stdin");
  if (!parse_id (argv[1], &id))
    return VEILCTL_EXIT_USAGE;
  if ((status = open_unlocked (&guardian)) != VEILCTL_EXIT_OK)
    return status;

  entry = veil_store_get_report (veil_guardian_get_store (guardian), id, &error);
  if (entry == NULL)
    return veilctl_report_error (error);

  if (opt_include_image != NULL)
    {
      image = g_file_new_for_commandline_arg (opt_include_image);
      if (!image_matches (entry->report, image, &error))
        return veilctl_report_error (error);
      flags |= VEIL_REPORT_EXPORT_INCLUDE_IMAGE;
    }

  /* Said every time, before anything is written. */
  fprintf (stderr, "%s\n",
           _("Warning: do not forward the image itself to anyone. Sending sexual images of someone "
             "under 18 can be a crime, even to show what happened. Give this report to a hotline "
             "(for example NCMEC’s CyberTipline, the IWF or your country’s INHOPE member) or the "
             "police instead: they can match the image by its fingerprints."));
  if (image != NULL)
    fprintf (stderr, "%s\n", _("You chose to include a copy of the image. Keep the bundle private and delete it once the police or hotline has it."));

  bundle = veil_report_export (entry->report, argv[2], flags, image, &error);
  if (bundle == NULL)
    return veilctl_report_error (error);

  detail = g_strdup_printf ("#%" G_GINT64_FORMAT "%s", id, image != NULL ? ", with image" : "");
  if (!veil_store_add_audit (veil_guardian_get_store (guardian), entry->profile_id, VEIL_ACTOR_GUARDIAN,
                             "report-exported", detail, &error))
    return veilctl_report_error (error);

  printf ("%s\n", bundle);
  return VEILCTL_EXIT_OK;
}

/* --- Dispatch ------------------------------------------------------------------------------ */

static void
print_help (FILE *stream)
{
  fprintf (stream, "%s\n"
           "  veilctl report make PROFILE FILE [--words TEXT] [--source folder|app|library] [--source-name NAME] [--sender S] [--json]\n"
           "  veilctl report list PROFILE [--json] --pin-stdin\n"
           "  veilctl report show ID [--json] --pin-stdin\n"
           "  veilctl report export ID FOLDER [--include-image FILE] --pin-stdin\n\n%s\n",
           _("Usage:"),
           _("make is the child’s: it needs no PIN and keeps only the image’s fingerprints and "
             "why Veil flagged it, never the image. list, show and export are the guardian’s and "
             "read the PIN from standard input. export leaves the image out unless "
             "--include-image is given."));
}

static const VeilctlCommandEntry subcommands[] = {
  { "make", report_make, NULL },
  { "list", report_list, NULL },
  { "show", report_show, NULL },
  { "export", report_export, NULL },
};

static const VeilctlCommandGroup group = {
  .commands = subcommands,
  .n_commands = G_N_ELEMENTS (subcommands),
  .print_usage = print_help,
  .has_help = TRUE,
};

int
veilctl_report (int    argc,
                char **argv)
{
  return veilctl_dispatch (&group, argc, argv);
}
