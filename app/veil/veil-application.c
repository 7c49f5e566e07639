/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-application"

#include "config.h"

#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "veil-application.h"
#include "veil-autostart.h"
#include "veil-ui.h"

struct _VeilApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  GSettings      *settings;
  VeilContext    *context;    /* handed to every window and widget */
  GCancellable   *cancellable;
  VeilAnalyzerService *analyzer_service;  /* the Analyzer1 D-Bus API, once registered */
  VeilAnalyzer   *analyzer;   /* one model instance for the D-Bus API and the message guard */
  VeilMessageGuard *guard;    /* watches the linked profile's attachment folders */
  VeilStore      *guard_store; /* the store the guard writes to */
  VeilLibraryScheduler *scheduler; /* checks the linked profile's picture folders by itself */
  gboolean        held;       /* kept running because a protection is active */
  gboolean        autostart;  /* what was last asked of autostart */
  gboolean        autostart_asked; /* asked at all since start (the portal keeps no file to look at) */
  guint           trim_id;    /* pending return of freed memory to the system */
  gint64          pending_alert_id; /* a notification clicked while the store was still opening */
};

/* With nothing to protect, a service started at login or by D-Bus leaves after this. */
#define INACTIVITY_TIMEOUT_MS 30000

G_DEFINE_FINAL_TYPE (VeilApplication, veil_application, ADW_TYPE_APPLICATION)

static void
context_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A failure is kept in the context; the window explains it to the guardian. */
  if (!veil_context_load_finish (VEIL_CONTEXT (source), result, &error))
    g_debug ("Could not open Veil's store: %s", error->message);
}

/* --- Analyzer D-Bus service ------------------------------------------------------------- */

/* Loading and checking the model takes about 20 ms: once, when the application registers. */
static VeilAnalyzer *
create_analyzer (void)
{
  /* Without the model every picture is "not checked", never checked by hash lists alone. */
  return veil_analyzer_new_with_default_model ();
}

static GtkWindow *
get_main_window (VeilApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (VEIL_IS_WINDOW (l->data))
        return GTK_WINDOW (l->data);
    }

  return NULL;
}

/* --- Background service ----------------------------------------------------------------
 * Veil keeps running in the child's session only while a protection is active for the profile
 * linked to this account: it then holds the application, starts at login (XDG autostart, or
 * the Background portal inside Flatpak) and, for message warnings, watches the attachment
 * folders. When nothing is active it lets go of all three. */

static char **
service_command_line (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  GStrvBuilder *builder = g_strv_builder_new ();
  char **argv;

  /* Inside Flatpak the portal runs the command in the sandbox, where the program is on PATH. */
  g_strv_builder_add (builder, (self_path != NULL && !veil_autostart_is_sandboxed ()) ? self_path : "veil");
  g_strv_builder_add (builder, "--gapplication-service");
  argv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return argv;
}

static void
background_requested_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!veil_autostart_request_background_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("%s", error->message);
}

static void
update_autostart (VeilApplication *self,
                  gboolean         enabled)
{
  g_auto(GStrv) argv = service_command_line ();
  /* Shown by the desktop where it lists what runs in the background. */
  const char *reason = _("Veil checks pictures that arrive in messages, as a guardian set up and the child agreed");
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self));

  /* Outside a sandbox the entry on disk tells whether anything needs doing; inside, the
   * portal is asked once per start and then on every change. */
  if (veil_autostart_is_sandboxed ()
      ? (self->autostart_asked && self->autostart == enabled)
      : enabled == veil_autostart_is_enabled (APPLICATION_ID))
    return;
  self->autostart = enabled;
  self->autostart_asked = TRUE;

  if (veil_autostart_is_sandboxed ())
    {
      if (bus != NULL)
        veil_autostart_request_background_async (bus, (const char * const *) argv, reason, enabled,
                                                 self->cancellable, background_requested_cb, NULL);
    }
  else if (!veil_autostart_set_enabled (APPLICATION_ID, (const char * const *) argv, reason, enabled, &error))
    g_message ("%s", error->message);
}

/**
 * veil_application_describe_warning:
 * @folder_name: where the picture arrived, e.g. "Downloads"
 * @out_body: (out) (transfer none): the notification's body
 *
 * The words of the notification a warned picture raises on the child's screen, so that the
 * tests can hold them to what Veil does.
 *
 * Returns: (transfer full): the notification's title
 */
char *
veil_application_describe_warning (const char  *folder_name,
                                   const char **out_body)
{
  g_return_val_if_fail (folder_name != NULL, NULL);

  if (out_body != NULL)
    *out_body = _("Open it to choose what to do. Nothing was sent anywhere.");
  /* Translators: %s is a folder such as "Downloads". Shown on the child's screen: keep it
   * discreet, it must not say what the picture shows. */
  return g_strdup_printf (_("Veil blurred an image in %s"), folder_name);
}

static void
warned_cb (VeilMessageGuard *guard,
           gint64            alert_id,
           const char       *path,
           const char       *folder_name,
           VeilApplication  *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = g_strdup_printf ("warning-%" G_GINT64_FORMAT, alert_id);
  const char *body = NULL;

  title = veil_application_describe_warning (folder_name, &body);
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.show-alert", "x", alert_id);
  g_notification_add_button_with_target (notification, _("Open"), "app.show-alert", "x", alert_id);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

/* Decoding a 12 MP picture takes some 100 MB that the allocator keeps for next time, and the
 * classifier keeps its scratch buffers; once the service has been quiet for a while it gives
 * both back, to stay small while idle. */
#define TRIM_DELAY_S 5

static gboolean
trim_memory_cb (gpointer user_data)
{
  VeilApplication *self = VEIL_APPLICATION (user_data);

  self->trim_id = 0;
  if (self->analyzer != NULL && VEIL_IS_NSFW_CLASSIFIER (veil_analyzer_get_classifier (self->analyzer)))
    veil_nsfw_classifier_release_memory (VEIL_NSFW_CLASSIFIER (veil_analyzer_get_classifier (self->analyzer)));
  if (self->guard_store != NULL)
    veil_store_release_memory (self->guard_store);
  if (self->context != NULL && veil_context_get_store (self->context) != NULL)
    veil_store_release_memory (veil_context_get_store (self->context));
  /* Worker threads left waiting for more work keep their stacks: let them go. */
  g_thread_pool_stop_unused_threads ();
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

static void
schedule_trim (VeilApplication *self)
{
  g_clear_handle_id (&self->trim_id, g_source_remove);
  self->trim_id = g_timeout_add_seconds (TRIM_DELAY_S, trim_memory_cb, self);
}

static void
failed_cb (VeilMessageGuard *guard,
           const char       *path,
           const char       *message,
           VeilApplication  *self)
{
  /* Not a picture, too large or unreadable: nothing to warn about, and never the child's
   * concern. The guard already left the file alone. */
  g_debug ("Not checked: %s: %s", path, message);
}

static VeilMessageGuard *
ensure_guard (VeilApplication *self)
{
  if (self->guard == NULL)
    {
      VeilStore *store = veil_context_get_store (self->context);

      if (store == NULL)
        {
          g_message ("Cannot watch for pictures: no store");
          return NULL;
        }
      self->guard = veil_message_guard_new (store, self->analyzer);
      self->guard_store = g_object_ref (store);
      g_signal_connect_object (self->guard, "warned", G_CALLBACK (warned_cb), self, 0);
      g_signal_connect_object (self->guard, "failed", G_CALLBACK (failed_cb), self, 0);
      g_signal_connect_object (self->guard, "analyzed", G_CALLBACK (schedule_trim), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->guard, "failed", G_CALLBACK (schedule_trim), self, G_CONNECT_SWAPPED);
    }
  return self->guard;
}

/* Folder checks by schedule and on arrival, while they are active for the linked profile. */
static void
update_scheduler (VeilApplication *self,
                  VeilProfile     *profile)
{
  VeilStore *store = veil_context_get_store (self->context);

  if (self->scheduler == NULL && profile != NULL && store != NULL)
    {
      g_autoptr(VeilScheduleSource) source = veil_session_source_new ();

      self->scheduler = veil_library_scheduler_new (self->analyzer, store, source);
      g_signal_connect_object (self->scheduler, "sweep-finished", G_CALLBACK (schedule_trim), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->scheduler, "arrival-checked", G_CALLBACK (schedule_trim), self, G_CONNECT_SWAPPED);
    }
  if (self->scheduler == NULL)
    return;
  veil_library_scheduler_set_guard (self->scheduler, self->guard);
  veil_library_scheduler_set_profile (self->scheduler, profile);
}

/* Re-reads the linked profile and turns the service, the watcher and autostart on or off. */
static void
update_protections (VeilApplication *self)
{
  g_autoptr(GError) error = NULL;
  VeilStore *store;
  VeilProfile *linked = NULL;
  gboolean any_active = FALSE;
  gboolean warnings_active = FALSE;
  gboolean scan_active = FALSE;

  if (self->context == NULL || !veil_context_get_ready (self->context))
    return;
  store = veil_context_get_store (self->context);
  if (self->analyzer_service != NULL)
    {
      if (!veil_analyzer_service_reload_policy (self->analyzer_service, &error))
        g_debug ("Could not read the linked profile: %s", error->message);
      g_clear_error (&error);
      linked = veil_analyzer_service_get_profile (self->analyzer_service);
    }

  for (guint p = 0; linked != NULL && store != NULL && p < VEIL_N_PROTECTIONS; p++)
    {
      VeilProtectionStatus status = { 0 };

      if (!veil_store_get_protection_status (store, linked, p, &status, &error))
        {
          g_debug ("Could not read what is active: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      any_active |= status.active;
      if (p == VEIL_PROTECTION_MESSAGE_WARNINGS)
        warnings_active = status.active;
      else if (p == VEIL_PROTECTION_LIBRARY_SCAN)
        scan_active = status.active;
    }

  if (warnings_active && ensure_guard (self) != NULL)
    {
      if (!veil_message_guard_set_profile (self->guard, linked, &error))
        g_message ("Cannot watch for pictures: %s", error->message);
    }
  else if (self->guard != NULL)
    veil_message_guard_set_profile (self->guard, NULL, NULL);
  update_scheduler (self, scan_active ? linked : NULL);

  if (any_active != self->held)
    {
      self->held = any_active;
      if (any_active)
        g_application_hold (G_APPLICATION (self));
      else
        g_application_release (G_APPLICATION (self));
    }
  update_autostart (self, any_active);
  /* Starting up touched the model and the store: idle from here on, until pictures come. */
  schedule_trim (self);
}

static void
context_ready_cb (VeilContext     *context,
                  GParamSpec      *pspec,
                  VeilApplication *self)
{
  if (!veil_context_get_ready (context))
    return;
  if (self->analyzer_service != NULL)
    veil_analyzer_service_set_store (self->analyzer_service, veil_context_get_store (context));
  update_protections (self);
}

static void
profiles_changed_cb (VeilContext     *context,
                     VeilApplication *self)
{
  /* A guardian turned a protection on or off, or the child acknowledged it. */
  update_protections (self);
}

static void
show_alert (VeilApplication *self,
            gint64           alert_id)
{
  GtkWindow *window = get_main_window (self);

  if (window == NULL)
    window = GTK_WINDOW (veil_window_new (GTK_APPLICATION (self), self->context));
  /* A click on the notification may start Veil: the warning waits for the store. */
  if (self->context == NULL || !veil_context_get_ready (self->context))
    self->pending_alert_id = alert_id;
  else
    veil_window_show_alert (VEIL_WINDOW (window), alert_id);
  gtk_window_present (window);
}

/* Connected after the window's own handler, which shows home once the store is open. */
static void
show_pending_alert_cb (VeilContext     *context,
                       GParamSpec      *pspec,
                       VeilApplication *self)
{
  gint64 alert_id = self->pending_alert_id;

  if (!veil_context_get_ready (context) || alert_id == 0)
    return;
  self->pending_alert_id = 0;
  show_alert (self, alert_id);
}

static void
show_alert_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  show_alert (VEIL_APPLICATION (user_data), g_variant_get_int64 (parameter));
}

static gboolean
veil_application_dbus_register (GApplication     *app,
                                GDBusConnection  *connection,
                                const char       *object_path,
                                GError          **error)
{
  VeilApplication *self = VEIL_APPLICATION (app);
  g_autoptr(GError) export_error = NULL;

  if (!G_APPLICATION_CLASS (veil_application_parent_class)->dbus_register (app, connection, object_path, error))
    return FALSE;

  /* Registration comes before startup: the store is handed over once the context is ready. */
  if (self->analyzer_service == NULL)
    {
      if (self->analyzer == NULL)
        self->analyzer = create_analyzer ();
      self->analyzer_service = veil_analyzer_service_new (self->analyzer, NULL);
      /* D-Bus activation delivers the first call as soon as the name is ours, before the
       * linked profile is read: it waits for the store rather than hear "disabled". */
      veil_analyzer_service_hold_calls (self->analyzer_service);
      if (self->context != NULL)
        context_ready_cb (self->context, NULL, self);
    }
  /* Exported on the application's own connection: the bus name is the application ID. The
   * guardian's window must still open when that fails, so it does not fail registration. */
  if (!veil_analyzer_service_export (self->analyzer_service, connection,
                                     VEIL_ANALYZER_SERVICE_OBJECT_PATH, &export_error))
    g_warning ("Other apps cannot ask Veil about pictures: %s", export_error->message);
  return TRUE;
}

static void
veil_application_dbus_unregister (GApplication    *app,
                                  GDBusConnection *connection,
                                  const char      *object_path)
{
  VeilApplication *self = VEIL_APPLICATION (app);

  if (self->analyzer_service != NULL)
    veil_analyzer_service_unexport (self->analyzer_service);

  G_APPLICATION_CLASS (veil_application_parent_class)->dbus_unregister (app, connection, object_path);
}

/* --------------------------------------------------------------------------------------------- */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  VeilApplication *self = VEIL_APPLICATION (user_data);
  VeilPreferencesWindow *prefs;

  prefs = veil_preferences_window_new (get_main_window (self), self->settings);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  VeilApplication *self = VEIL_APPLICATION (user_data);
  static const char *developers[] = { "The Veil developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", get_main_window (self),
                        "application-icon", APPLICATION_ID,
                        "application-name", _("Veil"),
                        "developer-name", _("The Veil developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Veil blurs pictures that may show nudity before a child sees them. "
                                      "Every check happens on this computer, and nothing is ever sent anywhere."),
                        "website", "https://github.com/veilapp/veil",
                        "issue-url", "https://github.com/veilapp/veil/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "show-alert", show_alert_activated, "x", NULL, NULL, { 0 } },
};

static void
veil_application_startup (GApplication *app)
{
  VeilApplication *self = VEIL_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  /* Started as the background service (at login or by D-Bus) there is no window to draw:
   * GDK would still load the OpenGL stack when it opens the display, some 50 MB of the
   * service's memory for nothing. GTK reads GDK_DEBUG only while it starts, so the setting
   * is put back at once and programs Veil opens (a browser for a help link) never see it.
   * A window opened later in this process draws with GTK's software renderer. */
  if (g_application_get_flags (app) & G_APPLICATION_IS_SERVICE)
    {
      g_autofree char *saved = g_strdup (g_getenv ("GDK_DEBUG"));
      g_autofree char *debug = saved != NULL ? g_strconcat (saved, ",gl-disable", NULL) : g_strdup ("gl-disable");

      g_setenv ("GDK_DEBUG", debug, TRUE);
      G_APPLICATION_CLASS (veil_application_parent_class)->startup (app);
      if (saved != NULL)
        g_setenv ("GDK_DEBUG", saved, TRUE);
      else
        g_unsetenv ("GDK_DEBUG");
    }
  else
    G_APPLICATION_CLASS (veil_application_parent_class)->startup (app);

  /* The message guard decodes one picture per core at a time already; libvips' own worker
   * threads would only hold buffers once the service is idle again. */
  if (g_application_get_flags (app) & G_APPLICATION_IS_SERVICE)
    veil_image_set_decode_threads (1);

  /* The service may have started without a bus (e.g. in a test): it still watches folders. */
  if (self->analyzer == NULL)
    self->analyzer = create_analyzer ();
  g_application_set_inactivity_timeout (app, INACTIVITY_TIMEOUT_MS);

  self->settings = g_settings_new (APPLICATION_ID);
  self->context = veil_context_new (self->settings);
  veil_context_set_analyzer (self->context, self->analyzer);
  self->cancellable = g_cancellable_new ();
  /* Opening the store runs SQLite's integrity check: off the main thread. */
  veil_context_load_async (self->context, NULL, self->cancellable, context_loaded_cb, NULL);
  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (context_ready_cb), self, 0);
  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (show_pending_alert_cb), self, G_CONNECT_AFTER);
  g_signal_connect_object (self->context, "profiles-changed", G_CALLBACK (profiles_changed_cb), self, 0);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
veil_application_activate (GApplication *app)
{
  VeilApplication *self = VEIL_APPLICATION (app);
  GtkWindow *window = get_main_window (self);

  if (window == NULL)
    window = GTK_WINDOW (veil_window_new (GTK_APPLICATION (self), self->context));

  gtk_window_present (window);
}

static void
veil_application_dispose (GObject *object)
{
  VeilApplication *self = VEIL_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->trim_id, g_source_remove);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->guard);
  g_clear_object (&self->guard_store);
  g_clear_object (&self->analyzer_service);
  g_clear_object (&self->analyzer);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (veil_application_parent_class)->dispose (object);
}

static void
veil_application_class_init (VeilApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = veil_application_dispose;
  app_class->startup = veil_application_startup;
  app_class->activate = veil_application_activate;
  app_class->dbus_register = veil_application_dbus_register;
  app_class->dbus_unregister = veil_application_dbus_unregister;
}

static void
veil_application_init (VeilApplication *self)
{
}

/**
 * veil_application_new:
 *
 * Returns: (transfer full): the Veil application
 */
VeilApplication *
veil_application_new (void)
{
  return g_object_new (VEIL_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}

/**
 * veil_application_get_settings:
 * @self: a #VeilApplication
 *
 * Returns: (transfer none) (nullable): the application's settings, once it has started
 */
GSettings *
veil_application_get_settings (VeilApplication *self)
{
  g_return_val_if_fail (VEIL_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * veil_application_get_context:
 * @self: a #VeilApplication
 *
 * Returns: (transfer none) (nullable): the context (store, guardian, settings), once the
 *   application has started
 */
VeilContext *
veil_application_get_context (VeilApplication *self)
{
  g_return_val_if_fail (VEIL_IS_APPLICATION (self), NULL);

  return self->context;
}
