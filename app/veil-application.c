/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-application"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-application.h"
#include "veil-ui.h"

struct _VeilApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  GSettings      *settings;
  VeilContext    *context;    /* handed to every window and widget */
  GCancellable   *cancellable;
  VeilAnalyzerService *analyzer_service;  /* issue 7: the Analyzer1 D-Bus API, once registered */
};

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

/* --- Analyzer D-Bus service (issue 7) ------------------------------------------------------ */

/* Loading and checking the model takes about 20 ms: once, when the application registers. */
static VeilAnalyzer *
create_analyzer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = veil_model_load_default (&error);
  g_autoptr(VeilNsfwClassifier) classifier = NULL;

  if (model != NULL)
    classifier = veil_nsfw_classifier_new (model, &error);
  if (classifier == NULL)
    {
      /* Hash lists still work without the model: answer with those rather than not at all. */
      g_debug ("The Analyzer service runs without the classifier: %s", error->message);
      return veil_analyzer_new (NULL);
    }
  return veil_analyzer_new (VEIL_CLASSIFIER (classifier));
}

static void
context_ready_cb (VeilContext     *context,
                  GParamSpec      *pspec,
                  VeilApplication *self)
{
  if (self->analyzer_service != NULL && veil_context_get_ready (context))
    veil_analyzer_service_set_store (self->analyzer_service, veil_context_get_store (context));
}

static void
profiles_changed_cb (VeilContext     *context,
                     VeilApplication *self)
{
  g_autoptr(GError) error = NULL;

  /* A guardian turned a protection on or off, or the child acknowledged it. */
  if (self->analyzer_service != NULL &&
      !veil_analyzer_service_reload_policy (self->analyzer_service, &error))
    g_debug ("Could not read the linked profile: %s", error->message);
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
      g_autoptr(VeilAnalyzer) analyzer = create_analyzer ();

      self->analyzer_service = veil_analyzer_service_new (analyzer, NULL);
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
};

static void
veil_application_startup (GApplication *app)
{
  VeilApplication *self = VEIL_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (veil_application_parent_class)->startup (app);

  self->settings = g_settings_new (APPLICATION_ID);
  self->context = veil_context_new (self->settings);
  self->cancellable = g_cancellable_new ();
  /* Opening the store runs SQLite's integrity check: off the main thread. */
  veil_context_load_async (self->context, NULL, self->cancellable, context_loaded_cb, NULL);
  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (context_ready_cb), self, 0);
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
  g_clear_object (&self->analyzer_service);
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
