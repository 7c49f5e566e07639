/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "veil-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VeilApplication) app = NULL;
  const char *localedir = g_getenv ("VEIL_LOCALEDIR");

  /* VEIL_LOCALEDIR lets the uninstalled build (meson devenv) use the translations it built. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = veil_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
