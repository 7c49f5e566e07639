/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-system"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "veil-system-service.h"

/* veil-system: the guardian's service for children with their own accounts. It runs as
 * root on the system bus (started by D-Bus activation through systemd), keeps its store in a
 * folder only root can read, and answers the VeilSystem1 API. */

typedef struct {
  GMainLoop         *loop;
  VeilSystemService *service;
  int                status;
} Program;

static void
bus_acquired_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  Program *program = user_data;
  g_autoptr(GError) error = NULL;

  if (!veil_system_service_export (program->service, connection, &error))
    {
      g_printerr (_("Could not offer Veil’s system service on the bus: %s\n"), error->message);
      program->status = EXIT_FAILURE;
      g_main_loop_quit (program->loop);
    }
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  Program *program = user_data;

  if (connection == NULL)
    g_printerr (_("Could not connect to the system bus. Start D-Bus’s system bus first.\n"));
  else
    /* Translators: %s is a D-Bus name */
    g_printerr (_("Could not own %s on the system bus: another copy runs, or the bus policy does not "
                  "allow this user. Install the policy file and run the service as root.\n"), name);
  program->status = EXIT_FAILURE;
  g_main_loop_quit (program->loop);
}

static gboolean
quit_cb (gpointer user_data)
{
  Program *program = user_data;

  g_main_loop_quit (program->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state_dir = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      N_("Keep the records in DIR instead of /var/lib/veil (for tests)"), N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) store = NULL;
  const char *localedir = g_getenv ("VEIL_LOCALEDIR");
  Program program = { 0 };
  guint owner_id, term_id, int_id;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Veil’s guardian service for children with their own accounts"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("veil-system %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  /* Whatever the service creates is its own alone: the store, its log and its index. */
  umask (0077);
  store = veil_system_open_store (state_dir != NULL ? state_dir : VEIL_SYSTEM_STATE_DIR, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  program.loop = g_main_loop_new (NULL, FALSE);
  program.service = veil_system_service_new (store);
  program.status = EXIT_SUCCESS;
  term_id = g_unix_signal_add (SIGTERM, quit_cb, &program);
  int_id = g_unix_signal_add (SIGINT, quit_cb, &program);
  owner_id = g_bus_own_name (G_BUS_TYPE_SYSTEM, VEIL_SYSTEM_BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                             bus_acquired_cb, NULL, name_lost_cb, &program, NULL);

  g_main_loop_run (program.loop);

  g_bus_unown_name (owner_id);
  g_source_remove (term_id);
  g_source_remove (int_id);
  veil_system_service_unexport (program.service);
  g_clear_object (&program.service);
  g_main_loop_unref (program.loop);
  return program.status;
}
