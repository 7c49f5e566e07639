/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-scan"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "veil.h"
#include "veilctl-common.h"

/* `veilctl scan`, `veilctl alerts` and `veilctl scan-list`: a profile's picture folders
 * checked from a terminal or a script, the alerts they raised with their reasons, and the
 * hash lists those checks use. No command here prints or writes pixels. */

/* --- Shared helpers ------------------------------------------------------------------------ */

static char *
format_duration (double seconds)
{
  guint s = seconds > 0 ? (guint) (seconds + 0.5) : 0;

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, (s / 60) % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}

/* --- scan ---------------------------------------------------------------------------------- */

typedef struct {
  GMainLoop       *loop;
  VeilScanSummary *summary;
  GError          *error;
  gboolean         terminal;
  gint64           last_line;
  GCancellable    *cancellable;
} ScanRun;

static void
progress_cb (VeilScanner *scanner,
             ScanRun     *run)
{
  guint seen = veil_scanner_get_n_seen (scanner);
  guint done = veil_scanner_get_n_done (scanner);
  double eta = veil_scanner_get_eta (scanner);
  g_autofree char *left = eta >= 0 ? format_duration (eta) : g_strdup ("?");

  if (run->terminal)
    {
      const int width = 30;
      int filled = seen > 0 ? (int) ((double) done / seen * width) : 0;
      char bar[31];

      memset (bar, '#', filled);
      memset (bar + filled, '.', width - filled);
      bar[width] = '\0';
      /* Translators: progress line: bar, files done, files found, files per second, time left */
      /* The bar is redrawn in place: back to the start of the line first. */
      fputc ('\r', stderr);
      fprintf (stderr, _("[%s] %u/%u pictures, %.1f/s, %s left  "), bar, done, seen,
               veil_scanner_get_rate (scanner), left);
      fflush (stderr);
    }
  else if (g_get_monotonic_time () - run->last_line >= 2 * G_USEC_PER_SEC)
    {
      /* Logs and pipes get a plain line now and then instead of a redrawn bar. */
      run->last_line = g_get_monotonic_time ();
      fprintf (stderr, _("%u/%u pictures, %.1f/s, %s left\n"), done, seen, veil_scanner_get_rate (scanner), left);
    }
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ScanRun *run = user_data;

  run->summary = veil_scanner_scan_finish (VEIL_SCANNER (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  ScanRun *run = user_data;

  /* Finished files are saved already; the next scan resumes from there. */
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
print_summary (const VeilScanSummary *s)
{
  g_autofree char *elapsed = format_duration (s->elapsed);

  if (s->resumed)
    printf ("%s\n", _("An earlier scan was interrupted; this one picked up where it stopped."));
  printf (_("Pictures found:      %u\n"), s->n_seen);
  printf (_("Analyzed:            %u\n"), s->n_analyzed);
  printf (_("Unchanged (cached):  %u\n"), s->n_cached);
  printf (_("Skipped:             %u\n"), s->n_skipped);
  for (guint i = 0; i < VEIL_SCAN_N_SKIP_REASONS; i++)
    if (s->skipped[i] > 0)
      printf ("  %-17s  %u\n", veil_scan_skip_get_label (i), s->skipped[i]);
  for (guint i = 0; s->skipped_examples != NULL && i < s->skipped_examples->len; i++)
    printf ("    %s\n", (const char *) g_ptr_array_index (s->skipped_examples, i));
  printf (_("Matched a hash list: %u\n"), s->n_matched);
  printf (_("Flagged by model:    %u\n"), s->n_flagged);
  printf (_("New alerts:          %u\n"), s->n_new_alerts);
  /* Listed for the guardian as "not checked" and tried again by the next scan. */
  printf (_("Could not check:     %u\n"), s->n_unchecked);
  printf (_("Alerts held:         %u\n"), s->n_held);
  printf (_("Alerts shown to the guardian: %u\n"), s->n_told);
  printf (_("Time:                %s\n"), elapsed);
}

int
veilctl_scan (int    argc,
              char **argv)
{
  static gboolean opt_json;
  static int opt_workers;
  static const GOptionEntry options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print the summary as JSON"), NULL },
    { "workers", 0, 0, G_OPTION_ARG_INT, &opt_workers, N_("Pictures analysed at once (default: one per core)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROFILE [FOLDER…] — check a child's picture folders"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilScanner) scanner = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  ScanRun run = { 0, };
  guint sigint;
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Checks the pictures in the profile's folders (or the folders given) against the hash "
      "lists and the on-device model. Unchanged pictures are not read again. Alerts stay "
      "held until the profile's match threshold is reached."));
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2 || opt_workers < 0)
    return veilctl_usage ("veilctl scan PROFILE [FOLDER…] [--json] [--workers N]");

  profile = veilctl_open_profile (argv[1], &store, &error);
  if (profile == NULL)
    return veilctl_report_error (error);
  for (int i = 2; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_ptr_array_add (folders, g_file_get_path (file));
    }
  g_ptr_array_add (folders, NULL);

  /* The scan's workers already use every core: one inference thread each. */
  analyzer = veil_analyzer_new_with_default_model ();
  scanner = veil_scanner_new (analyzer, store, profile);
  if (opt_workers > 0)
    veil_scanner_set_n_workers (scanner, (guint) opt_workers);

  run.loop = loop;
  run.terminal = isatty (STDERR_FILENO) && !opt_json;
  run.cancellable = cancellable;
  g_signal_connect (scanner, "progress", G_CALLBACK (progress_cb), &run);
  sigint = g_unix_signal_add (SIGINT, interrupt_cb, &run);
  veil_scanner_scan_async (scanner, folders->len > 1 ? (const char * const *) folders->pdata : NULL,
                           cancellable, scan_done_cb, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  if (run.terminal)
    fprintf (stderr, "\n");

  if (run.summary == NULL)
    {
      if (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fprintf (stderr, "%s\n", _("Scan stopped. Finished pictures are saved; the next scan continues from there."));
      status = veilctl_report_error (run.error);
      g_clear_error (&run.error);
      return status;
    }

  if (opt_json)
    {
      g_autofree char *json = veil_scan_summary_to_json (run.summary);
      printf ("%s\n", json);
    }
  else
    print_summary (run.summary);

  status = run.summary->n_skipped > 0 ? VEILCTL_EXIT_PARTIAL : VEILCTL_EXIT_OK;
  veil_scan_summary_free (run.summary);
  return status;
}

/* --- alerts -------------------------------------------------------------------------------- */

static void
print_alerts_json (GPtrArray *alerts)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = NULL;

  for (guint i = 0; i < alerts->len; i++)
    json_array_add_element (array, veil_alert_to_json_node (g_ptr_array_index (alerts, i)));
  root = json_node_init_array (json_node_alloc (), array);
  veilctl_print_json (root, TRUE);
}

static void
print_alerts_text (GPtrArray *alerts)
{
  if (alerts->len == 0)
    printf ("%s\n", _("No alerts."));
  for (guint i = 0; i < alerts->len; i++)
    {
      VeilAlert *alert = g_ptr_array_index (alerts, i);
      const VeilPdqHash *hash = veil_verdict_get_hash (alert->verdict);
      g_autofree char *when = veilctl_format_time (alert->time);

      printf ("#%" G_GINT64_FORMAT "  %s  %s  %s\n", alert->id, alert->state, when, alert->path);
      if (hash != NULL)
        {
          char hex[VEIL_PDQ_HEX_LENGTH + 1];

          veil_pdq_hash_to_hex (hash, hex);
          printf ("    pdq %s (quality %u)\n", hex, veil_verdict_get_hash_quality (alert->verdict));
        }
      for (guint r = 0; r < veil_verdict_get_n_reasons (alert->verdict); r++)
        {
          VeilReason *reason = veil_verdict_get_reason (alert->verdict, r);
          g_autofree char *sentence = veil_reason_describe (reason);
          g_autofree char *figures = veil_reason_describe_figures (reason);

          printf ("    %s: %s\n      %s\n", veil_signal_to_string (veil_reason_get_signal (reason)), sentence, figures);
        }
    }
}

int
veilctl_alerts (int    argc,
                char **argv)
{
  static gboolean opt_json;
  static gint64 opt_dismiss, opt_wrong, opt_delete;
  static const GOptionEntry options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
    { "dismiss", 0, 0, G_OPTION_ARG_INT64, &opt_dismiss, N_("Dismiss the alert with this number"), N_("ID") },
    { "wrong", 0, 0, G_OPTION_ARG_INT64, &opt_wrong, N_("Mark this alert as wrong: pictures like it raise no more alerts"), N_("ID") },
    { "delete", 0, 0, G_OPTION_ARG_INT64, &opt_delete, N_("Delete the alert with this number"), N_("ID") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROFILE — the alerts of a child's folder checks"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  VeilStore *store;
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Lists each alert with its file, PDQ hash and reasons (signal, figure, threshold, source). "
      "Needs the guardian PIN on standard input when one is set. Never shows the pictures."));
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      opt_dismiss < 0 || opt_wrong < 0 || opt_delete < 0)
    return veilctl_usage ("veilctl alerts PROFILE [--json] [--dismiss ID | --wrong ID | --delete ID]");

  guardian = veilctl_open_guardian (FALSE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  status = veilctl_unlock_if_pin_set (guardian);
  if (status != VEILCTL_EXIT_OK)
    return status;
  profile = veil_store_lookup_profile (veil_guardian_get_store (guardian), argv[1], &error);
  if (profile == NULL)
    return veilctl_report_error (error);
  store = veil_guardian_get_store (guardian);
  if ((opt_dismiss > 0 && !veil_store_dismiss_alert (store, opt_dismiss, &error)) ||
      (opt_wrong > 0 && !veil_store_mark_wrong (store, opt_wrong, &error)) ||
      (opt_delete > 0 && !veil_store_delete_alert (store, opt_delete, &error)))
    return veilctl_report_error (error);

  alerts = veil_store_list_alerts (store, veil_profile_get_id (profile), &error);
  if (alerts == NULL)
    return veilctl_report_error (error);
  if (opt_json)
    print_alerts_json (alerts);
  else
    print_alerts_text (alerts);
  return VEILCTL_EXIT_OK;
}

/* --- scan-list ----------------------------------------------------------------------------- */

static int
scan_list_import (int    argc,
                  char **argv)
{
  static gboolean opt_all;
  static char *opt_name, *opt_source;
  static const GOptionEntry options[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &opt_all, N_("For every profile instead of one"), NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("The list's name (default: from the file)"), N_("NAME") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &opt_source, N_("Where the list comes from"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("[PROFILE] FILE — use a hash list in folder checks"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilHashList) list = NULL;
  const char *file;
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != (opt_all ? 2 : 3))
    return veilctl_usage ("veilctl scan-list import (PROFILE | --all) FILE [--name NAME] [--source TEXT]");
  file = argv[argc - 1];

  guardian = veilctl_open_guardian (FALSE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  status = veilctl_unlock_if_pin_set (guardian);
  if (status != VEILCTL_EXIT_OK)
    return status;
  if (!opt_all)
    {
      profile = veil_store_lookup_profile (veil_guardian_get_store (guardian), argv[1], &error);
      if (profile == NULL)
        return veilctl_report_error (error);
    }
  /* The same pipeline the guardian area runs, in its synchronous form. */
  list = veil_hash_list_import_file (veil_guardian_get_store (guardian),
                                     profile != NULL ? veil_profile_get_id (profile) : 0,
                                     file, opt_name, opt_source != NULL ? opt_source : file,
                                     NULL, &error);
  if (list == NULL)
    return veilctl_report_error (error);

  /* Translators: list name, number of hashes */
  printf (ngettext ("Imported “%s” with %u hash.\n", "Imported “%s” with %u hashes.\n",
                    veil_hash_list_get_n_entries (list)),
          veil_hash_list_get_name (list), veil_hash_list_get_n_entries (list));
  return VEILCTL_EXIT_OK;
}

static int
scan_list_show (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GPtrArray) lists = NULL;

  if (argc != 2)
    return veilctl_usage ("veilctl scan-list show PROFILE");
  profile = veilctl_open_profile (argv[1], &store, &error);
  if (profile == NULL)
    return veilctl_report_error (error);
  lists = veil_store_list_hash_lists (store, veil_profile_get_id (profile), &error);
  if (lists == NULL)
    return veilctl_report_error (error);
  if (lists->len == 0)
    printf ("%s\n", _("No hash lists."));
  for (guint i = 0; i < lists->len; i++)
    {
      VeilStoredHashList *l = g_ptr_array_index (lists, i);
      g_autofree char *when = veilctl_format_time (l->imported);

      /* Translators: name, version, entries, source, import time, and whom it is for */
      printf (_("%s  version %u  %u entries  from %s  imported %s  (%s)\n"), l->name, l->version,
              l->n_entries, l->source, when, l->profile_id == 0 ? _("every profile") : _("this profile"));
    }
  return VEILCTL_EXIT_OK;
}

static int
scan_list_protect (int    argc,
                   char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  int status = VEILCTL_EXIT_OK;

  if (argc < 3)
    return veilctl_usage ("veilctl scan-list protect PROFILE PICTURE…");
  profile = veilctl_open_profile (argv[1], &store, &error);
  if (profile == NULL)
    return veilctl_report_error (error);

  /* The child's own pictures: only their PDQ hash and MD5 are kept, printed here so the child
   * can give them to StopNCII or Take It Down. */
  analyzer = veil_analyzer_new_with_default_model ();
  for (int i = 2; i < argc; i++)
    {
      g_autofree char *md5 = NULL;
      VeilPdqHash hash;

      if (!veil_analyzer_hash_file (analyzer, argv[i], &hash, &md5, NULL, &error) ||
          !veil_store_add_protected_image (store, veil_profile_get_id (profile), &hash, md5, &error))
        {
          fprintf (stderr, "veilctl: %s: %s\n", argv[i], error->message);
          g_clear_error (&error);
          status = VEILCTL_EXIT_PARTIAL;
          continue;
        }
      printf ("md5 %s  %s\n", md5, argv[i]);
    }
  return status;
}

static void
print_scan_list_usage (FILE *stream)
{
  fprintf (stream, "%s\n  %s\n", _("Usage:"), "veilctl scan-list (import | show | protect) …");
}

static const VeilctlCommandEntry scan_list_commands[] = {
  { "import", scan_list_import, NULL },
  { "show", scan_list_show, NULL },
  { "protect", scan_list_protect, NULL },
};

/* No --help of its own: the usage line is all there is to say. */
static const VeilctlCommandGroup scan_list_group = {
  .commands = scan_list_commands,
  .n_commands = G_N_ELEMENTS (scan_list_commands),
  .print_usage = print_scan_list_usage,
};

int
veilctl_scan_list (int    argc,
                   char **argv)
{
  return veilctl_dispatch (&scan_list_group, argc, argv);
}
