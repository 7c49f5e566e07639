/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-window.h"

struct _VeilWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned */
  GSettings            *settings;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwStatusPage        *welcome_page;
  GtkMenuButton        *primary_menu_button;
};

G_DEFINE_FINAL_TYPE (VeilWindow, veil_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
setup_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VeilWindow *self = VEIL_WINDOW (widget);

  /* Onboarding (PIN, first profile, consent) is its own piece of work; until it lands the
   * button says so instead of doing nothing. */
  veil_window_show_toast (self, _("Guided set-up is coming in the next version of Veil"));
}

static void
bind_window_state (VeilWindow *self)
{
  if (self->settings == NULL)
    return;

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static void
veil_window_constructed (GObject *object)
{
  VeilWindow *self = VEIL_WINDOW (object);

  G_OBJECT_CLASS (veil_window_parent_class)->constructed (object);

  bind_window_state (self);
}

static void
veil_window_dispose (GObject *object)
{
  VeilWindow *self = VEIL_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (veil_window_parent_class)->dispose (object);
}

static void
veil_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VeilWindow *self = VEIL_WINDOW (object);

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
veil_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VeilWindow *self = VEIL_WINDOW (object);

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
veil_window_class_init (VeilWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_window_constructed;
  object_class->dispose = veil_window_dispose;
  object_class->get_property = veil_window_get_property;
  object_class->set_property = veil_window_set_property;

  /**
   * VeilWindow:settings:
   *
   * The application's settings; the window keeps its size and state there. May be %NULL
   * (then nothing is remembered).
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, primary_menu_button);

  gtk_widget_class_install_action (widget_class, "win.setup", NULL, setup_action);
}

static void
veil_window_init (VeilWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_window_new:
 * @application: the #GtkApplication
 * @settings: (nullable): where to keep the window's size
 *
 * Returns: (transfer full): a new main window
 */
VeilWindow *
veil_window_new (GtkApplication *application,
                 GSettings      *settings)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (VEIL_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       NULL);
}

/**
 * veil_window_show_toast:
 * @self: a #VeilWindow
 * @message: a translated message
 *
 * Shows a short, transient message at the bottom of the window.
 */
void
veil_window_show_toast (VeilWindow *self,
                        const char *message)
{
  g_return_if_fail (VEIL_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}
