/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "veil-bench-service.h"

struct _VeilBenchService
{
  GTestDBus       *bus;
  GDBusConnection *connection;
  GDBusNodeInfo   *node;
  GSubprocess     *service;
  GPid             pid;
  guint            n_notifications;
};

static const char notifications_xml[] =
  "<node><interface name='org.gtk.Notifications'>"
  "  <method name='AddNotification'>"
  "    <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "  </method>"
  "  <method name='RemoveNotification'>"
  "    <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "  </method>"
  "</interface></node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  VeilBenchService *self = user_data;

  if (g_str_equal (method_name, "AddNotification"))
    self->n_notifications++;
  g_dbus_method_invocation_return_value (invocation, NULL);
}

/* Everything a run stores lives in @dir, for the bench and the service it starts. */
void
veil_bench_use_private_dirs (const char *dir)
{
  static const char * const vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *path = g_build_filename (dir, vars[i], NULL);

      g_setenv (vars[i], path, TRUE);
    }
}

/* Writes @bytes and closes the file, as a messenger saving an attachment would. */
void
veil_bench_write_file (const char *path,
                       GBytes     *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0)
    g_error ("Could not create %s", path);
  while (size > 0)
    {
      ssize_t n = write (fd, data, size);

      if (n <= 0)
        g_error ("Could not write %s", path);
      data += n;
      size -= (gsize) n;
    }
  close (fd);
}

/* Waits while still answering the service's calls on this thread's main context. */
void
veil_bench_wait_seconds (guint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

/**
 * veil_bench_save_warnings_profile:
 * @list: (nullable): a hash list the profile imports
 *
 * Saves a profile linked to this account with message warnings on and acknowledged, watching
 * @downloads, in the store the service will open.
 */
VeilProfile *
veil_bench_save_warnings_profile (const char    *downloads,
                                  VeilAgeBand    age_band,
                                  VeilHashList  *list,
                                  VeilStore    **out_store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = veil_paths_get_data_dir ();
  g_autofree char *db = veil_paths_get_database_path ();
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  const char *folders[2] = { downloads, NULL };

  if (!veil_paths_ensure_private_dir (data_dir, &error) ||
      (store = veil_store_new (db, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  builder = veil_profile_builder_new ("Bench");
  veil_profile_builder_set_unix_user (builder, g_get_user_name ());
  veil_profile_builder_set_age_band (builder, age_band);
  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  veil_profile_builder_set_message_folders (builder, folders);
  draft = veil_profile_builder_build (builder, &error);
  if (draft == NULL ||
      (profile = veil_store_save_profile (store, draft, VEIL_ACTOR_GUARDIAN, &error)) == NULL ||
      !veil_store_acknowledge (store, profile, VEIL_PROTECTION_MESSAGE_WARNINGS,
                               veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS), &error) ||
      (list != NULL &&
       !veil_store_import_hash_list (store, veil_profile_get_id (profile), list, "bench", &error)))
    g_error ("%s", error->message);
  if (out_store != NULL)
    *out_store = g_steal_pointer (&store);
  return g_steal_pointer (&profile);
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

/**
 * veil_bench_service_start:
 *
 * Starts the service (VEIL_APP_PATH names the binary) on a private bus, with this program
 * as its notification server, and waits until it owns its name. Needs DISPLAY.
 */
VeilBenchService *
veil_bench_service_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  VeilBenchService *self = g_new0 (VeilBenchService, 1);
  GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  const char *veil = g_getenv ("VEIL_APP_PATH") != NULL ? g_getenv ("VEIL_APP_PATH") : "veil";
  gint64 deadline;

  if (display == NULL)
    g_error ("The service is a GTK application: run me under xvfb-run");

  /* GTestDBus unsets DISPLAY (against X11 bus autolaunch): the service gets it back. */
  self->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (self->bus);
  self->connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (self->bus),
                                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                             G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                             NULL, NULL, &error);
  if (self->connection == NULL)
    g_error ("%s", error->message);
  self->node = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_dbus_connection_register_object (self->connection, "/org/gtk/Notifications", self->node->interfaces[0],
                                     &vtable, self, NULL, &error);
  g_bus_own_name_on_connection (self->connection, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                NULL, NULL, NULL, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", g_test_dbus_get_bus_address (self->bus), TRUE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", display, TRUE);
  g_subprocess_launcher_setenv (launcher, "GNOTIFICATION_BACKEND", "gtk", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  self->service = g_subprocess_launcher_spawn (launcher, &error, veil, "--gapplication-service", NULL);
  if (self->service == NULL)
    g_error ("%s", error->message);
  self->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (self->service), NULL, 10);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!name_has_owner (self->connection, "io.github.veilapp.Veil"))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The service did not start");
      g_usleep (20000);
    }
  return self;
}

GDBusConnection *
veil_bench_service_get_connection (VeilBenchService *self)
{
  return self->connection;
}

/* Returns: the private bus's address, for more callers */
const char *
veil_bench_service_get_address (VeilBenchService *self)
{
  return g_test_dbus_get_bus_address (self->bus);
}

GPid
veil_bench_service_get_pid (VeilBenchService *self)
{
  return self->pid;
}

guint
veil_bench_service_get_n_notifications (VeilBenchService *self)
{
  return self->n_notifications;
}

/* Returns: %TRUE once @n notifications arrived in all, %FALSE after @timeout_s seconds */
gboolean
veil_bench_service_wait_notifications (VeilBenchService *self,
                                       guint             n,
                                       guint             timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (self->n_notifications < n)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

/* Returns: the service's peak resident memory so far (VmHWM), in bytes */
guint64
veil_bench_service_get_peak_rss (VeilBenchService *self)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) self->pid);
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL) ||
      (line = strstr (contents, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10) * 1024;
}

void
veil_bench_service_stop (VeilBenchService *self)
{
  g_subprocess_send_signal (self->service, SIGTERM);
  g_subprocess_wait (self->service, NULL, NULL);
  g_clear_object (&self->service);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->node, g_dbus_node_info_unref);
  g_test_dbus_down (self->bus);
  g_clear_object (&self->bus);
  g_free (self);
}
