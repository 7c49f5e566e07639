/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <fcntl.h>
#include <stdio.h>

#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>

/* A caller outside the sandbox, as a messaging app would be: opens the picture itself and
 * asks Veil's Analyzer (io.github.veilapp.Veil on the session bus) about it by file
 * descriptor. Prints the Policy property and the answer's details; fails unless the
 * answer says the picture was checked. */

#define BUS_NAME "io.github.veilapp.Veil"
#define OBJECT_PATH "/io/github/veilapp/Veil"
#define INTERFACE "io.github.veilapp.Veil.Analyzer1"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(GVariant) policy = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = NULL;
  gboolean sensitive = FALSE;
  gboolean checked = FALSE;
  int fd;

  if (argc != 2)
    {
      g_printerr ("usage: %s PICTURE\n", argv[0]);
      return 2;
    }

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("session bus: %s\n", error->message);
      return 1;
    }

  policy = g_dbus_connection_call_sync (bus, BUS_NAME, OBJECT_PATH, "org.freedesktop.DBus.Properties", "Get",
                                        g_variant_new ("(ss)", INTERFACE, "Policy"), G_VARIANT_TYPE ("(v)"),
                                        G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  if (policy == NULL)
    {
      g_printerr ("Policy: %s\n", error->message);
      return 1;
    }
  printed = g_variant_print (policy, FALSE);
  g_print ("Policy: %s\n", printed);
  g_clear_pointer (&printed, g_free);

  fd = open (argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0 || g_unix_fd_list_append (fds, fd, &error) < 0)
    {
      g_printerr ("%s: cannot open it\n", argv[1]);
      return 1;
    }
  g_close (fd, NULL);

  reply = g_dbus_connection_call_with_unix_fd_list_sync (bus, BUS_NAME, OBJECT_PATH, INTERFACE, "AnalyzeFile",
                                                         g_variant_new ("(h)", 0), G_VARIANT_TYPE ("(ba{sv})"),
                                                         G_DBUS_CALL_FLAGS_NONE, 60000, fds, NULL, NULL, &error);
  if (reply == NULL)
    {
      g_printerr ("AnalyzeFile: %s\n", error->message);
      return 1;
    }
  g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
  printed = g_variant_print (details, FALSE);
  g_print ("AnalyzeFile: sensitive %s, details %s\n", sensitive ? "true" : "false", printed);

  if (!g_variant_lookup (details, "checked", "b", &checked) || !checked)
    {
      g_printerr ("AnalyzeFile: the picture was not checked\n");
      return 1;
    }
  return 0;
}
