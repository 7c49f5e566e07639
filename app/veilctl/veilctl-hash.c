/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl-common.h"

/* veilctl hash, match and list: PDQ hashes of files, lookups in hash lists, and list
 * conversion. Output goes to stdout in a stable format; every problem goes to stderr as
 * "veilctl COMMAND: FILE: reason". One bad file never stops the others; the exit code says
 * whether all, some or none were handled (VeilctlExit). */

/* libvips reports damaged files with warnings of its own on top of the error Veil prints;
 * one clear line per file is enough for a script's log. They stay visible with
 * G_MESSAGES_DEBUG=VIPS. */
static void
vips_warning_cb (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  g_debug ("libvips: %s", message);
}

static void
quiet_libvips (void)
{
  g_log_set_handler ("VIPS", G_LOG_LEVEL_WARNING, vips_warning_cb, NULL);
}

static int
usage_error (GOptionContext *context,
             const char     *command,
             const char     *message)
{
  fprintf (stderr, "veilctl %s: %s\n\n", command, message);
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
  fputs (help, stderr);
  return VEILCTL_EXIT_USAGE;
}

/* File names from the command line, or one a line from stdin (like the reference's -i). */
static GPtrArray *
collect_files (int        argc,
               char     **argv,
               gboolean   from_stdin)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    g_ptr_array_add (files, g_strdup (argv[i]));

  if (from_stdin)
    {
      char line[8192];

      while (fgets (line, sizeof line, stdin) != NULL)
        {
          g_strchomp (line);
          if (*line != '\0')
            g_ptr_array_add (files, g_strdup (line));
        }
    }
  return files;
}

/* A file that could not be hashed: {file, error: {domain, code, message}}. */
static JsonObject *
file_error_object (const char   *file,
                   const GError *error)
{
  JsonObject *o = json_object_new ();
  JsonObject *e = json_object_new ();

  json_object_set_string_member (e, "domain", g_quark_to_string (error->domain));
  json_object_set_int_member (e, "code", error->code);
  json_object_set_string_member (e, "message", error->message);
  json_object_set_string_member (o, "file", file);
  json_object_set_object_member (o, "error", e);
  return o;
}

static void
print_json_array (JsonArray *array)
{
  g_autoptr(JsonNode) root = json_node_init_array (json_node_alloc (), array);

  veilctl_print_json (root, TRUE);
}

/* ---- hash ------------------------------------------------------------------------------- */

int
veilctl_hash (int    argc,
              char **argv)
{
  g_autofree char *mode_name = NULL;
  gboolean dihedral = FALSE;
  gboolean json = FALSE;
  gboolean from_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_name,
      N_("exact (full resolution, the default), cli (as pdq-photo-hasher) or fast (JPEGs shrunk on load)"), N_("MODE") },
    { "dihedral", 'd', 0, G_OPTION_ARG_NONE, &dihedral,
      N_("Print the eight dihedral hashes (orig, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1)"), NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "stdin", 'i', 0, G_OPTION_ARG_NONE, &from_stdin, N_("Also read file names from standard input, one a line"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE… — print PDQ hashes"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(JsonArray) array = NULL;
  VeilPdqMode mode = VEIL_PDQ_MODE_EXACT;
  guint n_ok = 0, n_failed = 0;

  quiet_libvips ();
  g_option_context_set_summary (context,
    _("Prints “hash,quality,file” for each file, as the reference pdq-photo-hasher does; with "
      "--dihedral the eight hashes, then quality and file, as its --pdqdih-across."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "hash", error->message);
  if (mode_name != NULL && !veil_pdq_mode_from_string (mode_name, &mode))
    return usage_error (context, "hash", _("--mode must be exact, cli or fast."));

  files = collect_files (argc, argv, from_stdin);
  if (files->len == 0)
    return usage_error (context, "hash", _("Name at least one image file."));

  if (json)
    array = json_array_new ();

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autoptr(GError) file_error = NULL;
      g_autoptr(VeilPdq) pdq = veil_pdq_hash_file (file, mode, dihedral, NULL, NULL, &file_error);
      char hex[VEIL_PDQ_HEX_LENGTH + 1];

      if (pdq == NULL)
        {
          n_failed++;
          fprintf (stderr, "veilctl hash: %s\n", file_error->message);
          if (json)
            json_array_add_object_element (array, file_error_object (file, file_error));
          continue;
        }
      n_ok++;

      if (json)
        {
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "file", file);
          json_object_set_string_member (o, "mode", veil_pdq_mode_to_string (mode));
          veilctl_json_object_append (o, veil_pdq_to_json_node (pdq, dihedral));
          json_array_add_object_element (array, o);
          continue;
        }

      if (dihedral)
        {
          for (int k = 0; k < VEIL_PDQ_N_DIHEDRAL; k++)
            {
              veil_pdq_hash_to_hex (veil_pdq_get_dihedral (pdq, k), hex);
              printf ("%s,", hex);
            }
        }
      else
        {
          veil_pdq_hash_to_hex (veil_pdq_get_hash (pdq), hex);
          printf ("%s,", hex);
        }
      /* With --dihedral, the quality of the dihedral entry point, as --pdqdih-across. */
      printf ("%u,%s\n", dihedral ? veil_pdq_get_dihedral_quality (pdq) : veil_pdq_get_quality (pdq), file);
      fflush (stdout);
    }

  if (json)
    print_json_array (array);
  return veilctl_exit_for (n_ok, n_failed);
}

/* ---- match ------------------------------------------------------------------------------ */

static gboolean
load_lists (VeilHashIndex  *index,
            char          **paths)
{
  for (guint l = 0; paths[l] != NULL; l++)
    {
      g_autoptr(GError) list_error = NULL;
      g_autoptr(VeilHashList) list = veil_hash_list_load_file (paths[l], VEIL_HASH_LIST_FORMAT_AUTO,
                                                               NULL, &list_error);

      /* Matching against part of the lists would look like "no match": stop instead. */
      if (list == NULL)
        {
          fprintf (stderr, "veilctl match: %s\n", list_error->message);
          return FALSE;
        }
      veil_hash_index_add_list (index, list);
    }
  return TRUE;
}

int
veilctl_match (int    argc,
               char **argv)
{
  g_auto(GStrv) list_paths = NULL;
  g_autofree char *mode_name = NULL;
  int distance = VEIL_PDQ_MATCH_DISTANCE;
  gboolean json = FALSE;
  gboolean from_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "list", 'l', 0, G_OPTION_ARG_FILENAME_ARRAY, &list_paths, N_("A hash list to search (repeat for several)"), N_("LIST") },
    { "distance", 'd', 0, G_OPTION_ARG_INT, &distance, N_("Largest Hamming distance that counts as a match (default 31)"), N_("N") },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_name, N_("Hashing mode: exact (default), cli or fast"), N_("MODE") },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "stdin", 'i', 0, G_OPTION_ARG_NONE, &from_stdin, N_("Also read file names from standard input, one a line"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE… — look images up in hash lists"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(VeilHashIndex) index = veil_hash_index_new ();
  g_autoptr(JsonArray) array = NULL;
  VeilPdqMode mode = VEIL_PDQ_MODE_EXACT;
  guint n_ok = 0, n_failed = 0;

  quiet_libvips ();
  g_option_context_set_summary (context,
    _("Hashes each file with its eight dihedral variants and prints every list entry within the "
      "distance, one a line: file, distance, variant, list, entry number, label (tab-separated)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "match", error->message);
  if (list_paths == NULL)
    return usage_error (context, "match", _("Name a hash list with --list."));
  if (distance < 0 || distance > 256)
    return usage_error (context, "match", _("--distance must be between 0 and 256."));
  if (mode_name != NULL && !veil_pdq_mode_from_string (mode_name, &mode))
    return usage_error (context, "match", _("--mode must be exact, cli or fast."));

  files = collect_files (argc, argv, from_stdin);
  if (files->len == 0)
    return usage_error (context, "match", _("Name at least one image file."));

  if (!load_lists (index, list_paths))
    return VEILCTL_EXIT_FAILURE;

  if (json)
    array = json_array_new ();

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autoptr(GError) file_error = NULL;
      g_autoptr(VeilPdq) pdq = veil_pdq_hash_file (file, mode, TRUE, NULL, NULL, &file_error);
      g_autoptr(GArray) matches = NULL;
      VeilPdqHash needles[VEIL_PDQ_N_DIHEDRAL];
      gboolean low_quality;

      if (pdq == NULL)
        {
          n_failed++;
          fprintf (stderr, "veilctl match: %s\n", file_error->message);
          if (json)
            json_array_add_object_element (array, file_error_object (file, file_error));
          continue;
        }
      n_ok++;

      /* PDQ.md §3: hashes of quality under 50 describe flat images and match noise. */
      low_quality = veil_pdq_get_quality (pdq) < VEIL_PDQ_MIN_QUALITY;
      if (low_quality)
        fprintf (stderr, _("veilctl match: %s: quality %u is below %d, too flat to match reliably; not looked up\n"),
                 file, veil_pdq_get_quality (pdq), VEIL_PDQ_MIN_QUALITY);
      else
        {
          for (int k = 0; k < VEIL_PDQ_N_DIHEDRAL; k++)
            needles[k] = *veil_pdq_get_dihedral (pdq, k);
          matches = veil_hash_index_query (index, needles, VEIL_PDQ_N_DIHEDRAL, distance);
        }

      if (json)
        {
          JsonObject *o = json_object_new ();
          JsonArray *found = json_array_new ();

          json_object_set_string_member (o, "file", file);
          veilctl_json_object_append (o, veil_pdq_to_json_node (pdq, FALSE));
          json_object_set_boolean_member (o, "looked_up", !low_quality);
          for (guint m = 0; matches != NULL && m < matches->len; m++)
            json_array_add_element (found, veil_hash_match_to_json_node (&g_array_index (matches, VeilHashMatch, m)));
          json_object_set_array_member (o, "matches", found);
          json_array_add_object_element (array, o);
          continue;
        }

      for (guint m = 0; matches != NULL && m < matches->len; m++)
        {
          const VeilHashMatch *match = &g_array_index (matches, VeilHashMatch, m);
          const char *label = veil_hash_list_get_label (match->list, match->entry);

          printf ("%s\t%u\t%s\t%s\t%u\t%s\n", file, match->distance,
                  veil_pdq_dihedral_to_string (match->needle),
                  veil_hash_list_get_name (match->list), match->entry,
                  label != NULL ? label : "");
        }
      fflush (stdout);
    }

  if (json)
    print_json_array (array);
  return veilctl_exit_for (n_ok, n_failed);
}

/* ---- list ------------------------------------------------------------------------------- */

static int
list_info (int    argc,
           char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("LIST — describe a hash list"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilHashList) list = NULL;
  g_autofree char *created = NULL;
  g_autofree char *sha = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "list info", error->message);
  if (argc != 2)
    return usage_error (context, "list info", _("Name exactly one list."));

  list = veil_hash_list_load_file (argv[1], VEIL_HASH_LIST_FORMAT_AUTO, NULL, &error);
  if (list == NULL)
    {
      fprintf (stderr, "veilctl list info: %s\n", error->message);
      return VEILCTL_EXIT_FAILURE;
    }
  if (json)
    {
      g_autoptr(JsonNode) root = veil_hash_list_to_json_node (list);

      veilctl_print_json (root, TRUE);
      return VEILCTL_EXIT_OK;
    }

  created = g_date_time_format_iso8601 (veil_hash_list_get_created (list));
  sha = veil_hash_list_compute_checksum (list);

  printf ("%s: %s\n", _("Name"), veil_hash_list_get_name (list));
  printf ("%s: %s\n", _("Source"), veil_hash_list_get_source (list) != NULL ? veil_hash_list_get_source (list) : "-");
  printf ("%s: %u\n", _("Version"), veil_hash_list_get_version (list));
  printf ("%s: %s\n", _("Created"), created);
  printf ("%s: %s\n", _("Format"), veil_hash_list_format_to_string (veil_hash_list_get_format (list)));
  printf ("%s: %u\n", _("Entries"), veil_hash_list_get_n_entries (list));
  if (veil_hash_list_get_n_skipped (list) > 0)
    printf ("%s: %u\n", _("Skipped rows of other signal types"), veil_hash_list_get_n_skipped (list));
  printf ("%s: %s\n", _("SHA-256 of entries"), sha);
  return VEILCTL_EXIT_OK;
}

/* import: any format in, a Veil list out; export: a list out in any format. */
static int
list_convert (int         argc,
              char      **argv,
              gboolean    import)
{
  const char *command = import ? "list import" : "list export";
  g_autofree char *format_name = NULL;
  g_autofree char *name = NULL;
  g_autofree char *source = NULL;
  int version = -1;
  const GOptionEntry import_entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, N_("Input format: auto (default), plain, pytx, csv or veil"), N_("FORMAT") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("The list’s name (default: the input file name)"), N_("NAME") },
    { "source", 's', 0, G_OPTION_ARG_STRING, &source, N_("Who made or shared the list"), N_("SOURCE") },
    { "version", 'v', 0, G_OPTION_ARG_INT, &version, N_("The list’s version number"), N_("N") },
    { NULL }
  };
  const GOptionEntry export_entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, N_("Output format: plain, pytx, csv or veil (default)"), N_("FORMAT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (import ? _("INPUT OUTPUT — make a Veil hash list from another list")
                                                                   : _("LIST OUTPUT — write a hash list in another format"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilHashList) list = NULL;
  VeilHashListFormat format = import ? VEIL_HASH_LIST_FORMAT_AUTO : VEIL_HASH_LIST_FORMAT_VEIL;

  g_option_context_add_main_entries (context, import ? import_entries : export_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, command, error->message);
  if (argc != 3)
    return usage_error (context, command, _("Name an input and an output file."));
  if (format_name != NULL &&
      (!veil_hash_list_format_from_string (format_name, &format) ||
       (!import && format == VEIL_HASH_LIST_FORMAT_AUTO)))
    return usage_error (context, command, _("Unknown --format."));
  if (version == 0 || version < -1)
    return usage_error (context, command, _("--version must be a positive number."));

  list = veil_hash_list_load_file (argv[1], import ? format : VEIL_HASH_LIST_FORMAT_AUTO, NULL, &error);
  if (list == NULL)
    {
      fprintf (stderr, "veilctl %s: %s\n", command, error->message);
      return VEILCTL_EXIT_FAILURE;
    }
  if (name != NULL)
    veil_hash_list_set_name (list, name);
  if (source != NULL)
    veil_hash_list_set_source (list, source);
  if (version > 0)
    veil_hash_list_set_version (list, version);
  if (import && veil_hash_list_get_format (list) != VEIL_HASH_LIST_FORMAT_VEIL)
    {
      /* A new Veil list: made now. */
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      veil_hash_list_set_created (list, now);
    }

  if (!veil_hash_list_save_file (list, argv[2], import ? VEIL_HASH_LIST_FORMAT_VEIL : format, NULL, &error))
    {
      fprintf (stderr, "veilctl %s: %s\n", command, error->message);
      return VEILCTL_EXIT_FAILURE;
    }
  if (veil_hash_list_get_n_skipped (list) > 0)
    fprintf (stderr, ngettext ("veilctl %s: skipped %u row of a signal type other than PDQ\n",
                               "veilctl %s: skipped %u rows of signal types other than PDQ\n",
                               veil_hash_list_get_n_skipped (list)),
             command, veil_hash_list_get_n_skipped (list));
  fprintf (stderr, ngettext ("veilctl %s: wrote %u entry to %s\n", "veilctl %s: wrote %u entries to %s\n",
                             veil_hash_list_get_n_entries (list)),
           command, veil_hash_list_get_n_entries (list), argv[2]);
  return VEILCTL_EXIT_OK;
}

static int
list_import (int    argc,
             char **argv)
{
  return list_convert (argc, argv, TRUE);
}

static int
list_export (int    argc,
             char **argv)
{
  return list_convert (argc, argv, FALSE);
}

static void
print_list_usage (FILE *stream)
{
  fprintf (stream, "%s\n  veilctl list import [--format F] [--name N] [--source S] [--version V] INPUT OUTPUT\n"
                   "  veilctl list export [--format plain|pytx|csv|veil] LIST OUTPUT\n"
                   "  veilctl list info [--json] LIST\n", _("Usage:"));
}

static const VeilctlCommandEntry list_commands[] = {
  { "import", list_import, NULL },
  { "export", list_export, NULL },
  { "info", list_info, NULL },
};

static const VeilctlCommandGroup list_group = {
  .commands = list_commands,
  .n_commands = G_N_ELEMENTS (list_commands),
  .print_usage = print_list_usage,
  .unknown_format = N_("veilctl list: unknown subcommand “%s” (import, export or info)\n"),
  .has_help = TRUE,
};

int
veilctl_list (int    argc,
              char **argv)
{
  return veilctl_dispatch (&list_group, argc, argv);
}
