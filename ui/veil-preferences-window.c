/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-preferences"

#include "config.h"

#include "veil-preferences-window.h"

/* Preferences of this account's Veil. Protections and who is told are guardian settings and
 * live behind the guardian PIN, not here. */

struct _VeilPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  GSettings            *settings;

  /* Template children */
  GtkSwitch            *notifications_switch;
};

G_DEFINE_FINAL_TYPE (VeilPreferencesWindow, veil_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
veil_preferences_window_constructed (GObject *object)
{
  VeilPreferencesWindow *self = VEIL_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (veil_preferences_window_parent_class)->constructed (object);

  /* NULL only when built without settings (e.g. by the .ui validator). */
  if (self->settings != NULL)
    g_settings_bind (self->settings, "show-notifications",
                     self->notifications_switch, "active",
                     G_SETTINGS_BIND_DEFAULT);
}

static void
veil_preferences_window_dispose (GObject *object)
{
  VeilPreferencesWindow *self = VEIL_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (veil_preferences_window_parent_class)->dispose (object);
}

static void
veil_preferences_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  VeilPreferencesWindow *self = VEIL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_preferences_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  VeilPreferencesWindow *self = VEIL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_preferences_window_class_init (VeilPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_preferences_window_constructed;
  object_class->dispose = veil_preferences_window_dispose;
  object_class->get_property = veil_preferences_window_get_property;
  object_class->set_property = veil_preferences_window_set_property;

  /**
   * VeilPreferencesWindow:settings:
   *
   * The application's settings that this window edits.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, notifications_switch);
}

static void
veil_preferences_window_init (VeilPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 * @settings: the application's settings
 *
 * Returns: (transfer full): a new preferences window
 */
VeilPreferencesWindow *
veil_preferences_window_new (GtkWindow *parent,
                             GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (VEIL_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "settings", settings,
                       NULL);
}
