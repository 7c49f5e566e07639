/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-autostart"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-autostart.h"

/* Outside a sandbox the session starts whatever `$XDG_CONFIG_HOME/autostart` lists (the XDG
 * Autostart specification); inside Flatpak only the Background portal may ask for that. The
 * entry carries a key of Veil's own, so Veil never removes an entry someone else wrote. */

#define ENTRY_GROUP G_KEY_FILE_DESKTOP_GROUP
#define OWNER_KEY   "X-Veil-Autostart"

#define PORTAL_BUS_NAME  "org.freedesktop.portal.Desktop"
#define PORTAL_PATH      "/org/freedesktop/portal/desktop"
#define PORTAL_IFACE     "org.freedesktop.portal.Background"
#define REQUEST_IFACE    "org.freedesktop.portal.Request"

G_DEFINE_QUARK (veil-autostart-error-quark, veil_autostart_error)

/**
 * veil_autostart_is_sandboxed:
 *
 * Returns: %TRUE inside Flatpak, where only the Background portal can arrange autostart
 */
gboolean
veil_autostart_is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * veil_autostart_get_entry_path:
 *
 * Returns: (transfer full): where the autostart entry for @app_id lives outside a sandbox
 */
char *
veil_autostart_get_entry_path (const char *app_id)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (app_id != NULL, NULL);

  name = g_strconcat (app_id, ".desktop", NULL);
  return g_build_filename (g_get_user_config_dir (), "autostart", name, NULL);
}

static gboolean
entry_is_ours (const char *path,
               gboolean   *out_exists)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  *out_exists = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!*out_exists)
    return FALSE;
  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, &error))
    return FALSE;
  return g_key_file_get_boolean (keys, ENTRY_GROUP, OWNER_KEY, NULL);
}

/**
 * veil_autostart_is_enabled:
 *
 * Returns: %TRUE when Veil's own autostart entry for @app_id exists and is enabled
 */
gboolean
veil_autostart_is_enabled (const char *app_id)
{
  g_autofree char *path = veil_autostart_get_entry_path (app_id);
  gboolean exists;

  return entry_is_ours (path, &exists);
}

/* Quotes one argument as the Desktop Entry specification asks for Exec keys: in double quotes
 * when it holds a reserved character, with ", `, $ and \ escaped; a literal % is doubled so it
 * is not read as a field code. (g_shell_quote's single quotes are not part of that syntax.) */
static void
append_exec_argument (GString    *line,
                      const char *argument)
{
  static const char reserved[] = " \t\n\"'\\><~|&;$*?#()`";
  gboolean quote = *argument == '\0' || strpbrk (argument, reserved) != NULL;

  if (quote)
    g_string_append_c (line, '"');
  for (const char *p = argument; *p != '\0'; p++)
    {
      if (quote && strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (line, '\\');
      if (*p == '%')
        g_string_append_c (line, '%');
      g_string_append_c (line, *p);
    }
  if (quote)
    g_string_append_c (line, '"');
}

static char *
join_command_line (const char * const *argv)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (line, ' ');
      append_exec_argument (line, argv[i]);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/**
 * veil_autostart_set_enabled:
 * @argv: the command the session runs at login (absolute program path first)
 * @reason: one line shown by session managers that list autostart entries
 * @enabled: %TRUE to write the entry, %FALSE to remove it
 *
 * Writes or removes the XDG autostart entry; for use outside a sandbox. Removing an entry
 * that is not there succeeds; an entry of the same name that Veil did not write is left alone
 * and reported as %VEIL_AUTOSTART_ERROR_NOT_OURS.
 */
gboolean
veil_autostart_set_enabled (const char          *app_id,
                            const char * const  *argv,
                            const char          *reason,
                            gboolean             enabled,
                            GError             **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GKeyFile) keys = NULL;
  g_autofree char *exec = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean exists;
  gboolean ours;

  g_return_val_if_fail (app_id != NULL, FALSE);
  g_return_val_if_fail (!enabled || (argv != NULL && argv[0] != NULL), FALSE);

  path = veil_autostart_get_entry_path (app_id);
  ours = entry_is_ours (path, &exists);
  if (exists && !ours)
    {
      g_set_error (error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_NOT_OURS,
                   _("“%s” was not written by Veil, so Veil leaves it alone. Remove it to let Veil "
                     "start at login."), path);
      return FALSE;
    }

  if (!enabled)
    {
      if (exists && g_unlink (path) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_WRITE,
                       _("Could not remove “%s”: %s"), path, g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_WRITE,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  keys = g_key_file_new ();
  exec = join_command_line (argv);
  g_key_file_set_string (keys, ENTRY_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  /* Not translated: the session shows this name in lists of startup programs, and the entry is
   * rewritten whenever the protection changes, not when the language does. */
  g_key_file_set_string (keys, ENTRY_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "Veil");
  if (reason != NULL)
    g_key_file_set_string (keys, ENTRY_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT, reason);
  g_key_file_set_string (keys, ENTRY_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_string (keys, ENTRY_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, app_id);
  g_key_file_set_boolean (keys, ENTRY_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (keys, ENTRY_GROUP, "X-GNOME-Autostart-enabled", TRUE);
  g_key_file_set_boolean (keys, ENTRY_GROUP, OWNER_KEY, TRUE);
  if (!g_key_file_save_to_file (keys, path, &local_error))
    {
      g_set_error (error, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_WRITE,
                   _("Could not write “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* --- Background portal ---------------------------------------------------------------------- */

typedef struct {
  GDBusConnection *connection;
  guint            subscription;
  char            *handle;
} PortalCall;

static void
portal_call_free (PortalCall *call)
{
  g_clear_object (&call->connection);
  g_free (call->handle);
  g_free (call);
}

/* Ends the wait for the portal's answer. The subscription holds a reference to the task, which
 * it drops when unsubscribed, so every way out goes through here first. */
static void
stop_listening (GTask *task)
{
  PortalCall *call = g_task_get_task_data (task);

  if (call->subscription != 0)
    {
      guint id = call->subscription;

      call->subscription = 0;
      g_dbus_connection_signal_unsubscribe (call->connection, id);
    }
}

static void
response_cb (GDBusConnection *connection,
             const char      *sender,
             const char      *object_path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  g_autoptr(GTask) task = g_object_ref (G_TASK (user_data));
  PortalCall *call = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  guint32 response = 2;

  if (g_strcmp0 (object_path, call->handle) != 0 || g_task_get_completed (task))
    return;
  stop_listening (task);

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  /* 0: granted; 1: the person said no; 2: anything else */
  if (response == 0)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_PORTAL, "%s",
                             response == 1 ? _("Running in the background was not allowed. Veil can only warn "
                                               "about pictures while it is open.")
                                           : _("The desktop could not arrange for Veil to run in the background."));
}

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = G_TASK (user_data);
  PortalCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  const char *handle = NULL;

  if (g_task_get_completed (task))
    return;
  if (reply == NULL)
    {
      stop_listening (task);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, VEIL_AUTOSTART_ERROR, VEIL_AUTOSTART_ERROR_PORTAL,
                                 _("The Background portal is not available: %s"), error->message);
      return;
    }
  /* Older portals answer on a path of their own choosing: follow it. */
  g_variant_get (reply, "(&o)", &handle);
  if (g_strcmp0 (handle, call->handle) != 0)
    {
      g_free (call->handle);
      call->handle = g_strdup (handle);
    }
}

/**
 * veil_autostart_request_background_async:
 * @argv: the command the portal runs at login
 * @autostart: %TRUE to start at login, %FALSE to stop doing so
 *
 * Asks the Background portal (inside Flatpak) to let Veil run in the background and start it
 * at login, or to stop starting it. Completes once the portal answered; cancelling stops
 * waiting for the answer.
 */
void
veil_autostart_request_background_async (GDBusConnection     *connection,
                                         const char * const  *argv,
                                         const char          *reason,
                                         gboolean             autostart,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  PortalCall *call;
  GVariantBuilder options;

  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_autostart_request_background_async);

  /* The portal answers with a Response signal on a request object whose path it derives from
   * our unique name and a token: subscribe before calling so the answer cannot be missed. */
  token = g_strdup_printf ("veil%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (connection) + 1);
  g_strdelimit (sender, ".", '_');
  call = g_new0 (PortalCall, 1);
  call->connection = g_object_ref (connection);
  call->handle = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  g_task_set_task_data (task, call, (GDestroyNotify) portal_call_free);
  call->subscription = g_dbus_connection_signal_subscribe (connection, PORTAL_BUS_NAME, REQUEST_IFACE,
                                                           "Response", NULL, NULL,
                                                           G_DBUS_SIGNAL_FLAGS_NONE, response_cb,
                                                           g_object_ref (task), g_object_unref);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  if (reason != NULL)
    g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (argv, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (connection, PORTAL_BUS_NAME, PORTAL_PATH, PORTAL_IFACE, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable, request_done_cb, g_object_ref (task));
}

gboolean
veil_autostart_request_background_finish (GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
