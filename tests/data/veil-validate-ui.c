/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <locale.h>

#include "veil-ui.h"

/* Validates .ui files by building them for real.
 *
 * gtk4-builder-tool (GTK 4.8) cannot resolve libadwaita template parents and crashes on
 * GtkShortcutsWindow files, so this does the job with Veil's own types registered: a file
 * with a <template> is checked by instantiating its class (which parses the template in
 * full: unknown properties, types, children or callbacks are errors), any other file by
 * loading it into a GtkBuilder. Every widget class must therefore be constructible without
 * properties. Warnings are fatal, so anything GTK complains about fails the check. */

static char *
find_template_class (const char *contents)
{
  g_autoptr(GRegex) re = g_regex_new ("<template\\s+class=\"([A-Za-z0-9_]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (g_regex_match (re, contents, 0, &match))
    return g_match_info_fetch (match, 1);

  return NULL;
}

static gboolean
validate_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *class_name = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    {
      g_printerr ("%s: %s\n", path, error->message);
      return FALSE;
    }

  class_name = find_template_class (contents);
  if (class_name != NULL)
    {
      g_autofree char *get_type_name = NULL;
      GModule *self = g_module_open (NULL, 0);
      GType (*get_type) (void) = NULL;
      gboolean found;
      GObject *object;
      GString *symbol = g_string_new ("");

      /* VeilFooBar -> veil_foo_bar_get_type */
      for (const char *p = class_name; *p != '\0'; p++)
        {
          if (g_ascii_isupper (*p) && p != class_name)
            g_string_append_c (symbol, '_');
          g_string_append_c (symbol, g_ascii_tolower (*p));
        }
      g_string_append (symbol, "_get_type");
      get_type_name = g_string_free (symbol, FALSE);

      found = g_module_symbol (self, get_type_name, (gpointer *) &get_type) && get_type != NULL;
      g_module_close (self);
      if (!found)
        {
          g_printerr ("%s: template class %s is not a type of libveil-ui (%s not found)\n",
                      path, class_name, get_type_name);
          return FALSE;
        }

      object = g_object_new (get_type (), NULL);
      if (GTK_IS_WINDOW (object))
        gtk_window_destroy (GTK_WINDOW (object));
      else
        g_object_unref (g_object_ref_sink (object));
    }
  else
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new ();

      if (!gtk_builder_add_from_string (builder, contents, -1, &error))
        {
          g_printerr ("%s: %s\n", path, error->message);
          return FALSE;
        }
    }

  g_print ("%s: valid\n", path);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gboolean ok = TRUE;

  setlocale (LC_ALL, "");
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);

  if (argc < 2)
    {
      g_printerr ("usage: %s FILE.ui...\n", argv[0]);
      return 2;
    }

  if (!gtk_init_check ())
    {
      g_printerr ("No display: run under Xvfb (tools/run-tests.sh does this)\n");
      return 1;
    }
  adw_init ();

  for (int i = 1; i < argc; i++)
    ok &= validate_file (argv[i]);

  return ok ? 0 : 1;
}
