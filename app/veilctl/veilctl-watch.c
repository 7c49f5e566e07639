/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl-watch"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl-common.h"

/* `veilctl watch PROFILE` runs message warnings in the foreground (what the background
 * service does), one line per warning; `veilctl restore ALERT_ID --pin-stdin` puts a picture
 * Veil hid back where it was. Neither prints pixels or reasons' figures. */

typedef struct {
  GMainLoop *loop;
  gboolean   json;
} WatchRun;

static void
warned_cb (VeilMessageGuard *guard,
           gint64            alert_id,
           const char       *path,
           const char       *folder_name,
           WatchRun         *run)
{
  if (run->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(JsonNode) root = NULL;

      json_object_set_int_member (o, "alert", alert_id);
      json_object_set_string_member (o, "path", path);
      json_object_set_string_member (o, "folder", folder_name);
      root = json_node_init_object (json_node_alloc (), o);
      veilctl_print_json (root, FALSE);
    }
  else
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, alert_id);

      /* Translators: one line per warning: the alert number, the file and its folder */
      printf (_("Alert %s: %s (in %s)\n"), id, path, folder_name);
    }
  fflush (stdout);
}

static void
failed_cb (VeilMessageGuard *guard,
           const char       *path,
           const char       *message,
           WatchRun         *run)
{
  /* Translators: a file the guard could not check; %s is why */
  fprintf (stderr, _("Not checked: %s\n"), message);
}

static gboolean
quit_cb (gpointer user_data)
{
  WatchRun *run = user_data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

int
veilctl_watch (int    argc,
               char **argv)
{
  static gboolean opt_json;
  static const GOptionEntry options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print one JSON object per warning"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROFILE — warn about sensitive pictures arriving in messages"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilMessageGuard) guard = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  WatchRun run = { loop, FALSE };
  guint sigint, sigterm;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Watches the profile's attachment folders (Downloads by default) while its message "
      "warnings are active, and prints a line for each picture that raised a warning. "
      "Stops with Ctrl+C."));
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    return veilctl_usage ("veilctl watch PROFILE [--json]");
  run.json = opt_json;

  profile = veilctl_open_profile (argv[1], &store, &error);
  if (profile == NULL)
    return veilctl_report_error (error);

  /* The guard analyzes one picture per core at a time: one inference thread each. */
  analyzer = veil_analyzer_new_with_default_model ();
  guard = veil_message_guard_new (store, analyzer);
  g_signal_connect (guard, "warned", G_CALLBACK (warned_cb), &run);
  g_signal_connect (guard, "failed", G_CALLBACK (failed_cb), &run);
  if (!veil_message_guard_set_profile (guard, profile, &error))
    return veilctl_report_error (error);
  if (veil_message_guard_get_profile (guard) == NULL)
    {
      fprintf (stderr, "%s\n", _("veilctl: message warnings are not active for this profile: the guardian "
                                 "turns them on and the child acknowledges them first."));
      return VEILCTL_EXIT_FAILURE;
    }

  folders = veil_message_guard_list_folders (guard);
  for (guint i = 0; i < folders->len; i++)
    fprintf (stderr, _("Watching %s\n"), g_file_peek_path (folders->pdata[i]));

  sigint = g_unix_signal_add (SIGINT, quit_cb, &run);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  /* Work in flight is dropped: the next start catches up on it. */
  veil_message_guard_set_profile (guard, NULL, NULL);
  return VEILCTL_EXIT_OK;
}

int
veilctl_restore (int    argc,
                 char **argv)
{
  static gboolean opt_pin_stdin;
  static const GOptionEntry options[] = {
    { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_pin_stdin, N_("Read the guardian PIN from standard input"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ALERT_ID — put a picture Veil hid back where it was"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilGuardian) guardian = NULL;
  g_autofree char *restored = NULL;
  gint64 alert_id = 0;
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Moves the picture of a message alert out of Veil's folder and back where it arrived "
      "(next to it as “name (restored)” if another file now has its name). Needs the guardian PIN."));
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || !opt_pin_stdin ||
      !g_ascii_string_to_signed (argv[1], 10, 1, G_MAXINT64, &alert_id, NULL))
    return veilctl_usage ("veilctl restore ALERT_ID --pin-stdin");

  guardian = veilctl_open_guardian (FALSE, &error);
  if (guardian == NULL)
    return veilctl_report_error (error);
  if ((status = veilctl_unlock_if_pin_set (guardian)) != VEILCTL_EXIT_OK)
    return status;

  if (!veil_message_guard_restore (veil_guardian_get_store (guardian), alert_id, &restored, &error))
    return veilctl_report_error (error);

  printf (_("The picture is back at “%s”.\n"), restored);
  return VEILCTL_EXIT_OK;
}
