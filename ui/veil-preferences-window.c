/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "veil.h"
#include "veil-pin-dialog.h"
#include "veil-preferences-window.h"

/* Preferences of this account's Veil. Protections and who is told are guardian settings and
 * live behind the guardian PIN, not here. The preferences themselves are behind the lock too:
 * once a guardian PIN is set, they open only for an unlocked guardian, and locking (by hand,
 * after inactivity, or by leaving the guardian area) closes them. */

struct _VeilPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  GSettings            *settings;
  VeilGuardian         *guardian;     /* nullable: the main window's, when there is one */
  GCancellable         *cancellable;  /* the PIN question */
  gboolean              unlocked_here; /* this window unlocked the guardian: it locks again */

  /* Template children */
  GtkSwitch            *notifications_switch;
  GtkWidget            *locked_group;
  GtkWidget            *settings_group;
};

G_DEFINE_FINAL_TYPE (VeilPreferencesWindow, veil_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Without a guardian PIN there is nothing to unlock with: Veil is not set up yet. */
static gboolean
is_locked (VeilPreferencesWindow *self)
{
  gboolean has_pin = FALSE;

  if (self->guardian == NULL || veil_guardian_get_unlocked (self->guardian))
    return FALSE;
  return !veil_guardian_has_pin (self->guardian, &has_pin, NULL, NULL) || has_pin;
}

static void
update_lock (VeilPreferencesWindow *self)
{
  gboolean locked = is_locked (self);

  gtk_widget_set_visible (self->locked_group, locked);
  gtk_widget_set_visible (self->settings_group, !locked);
}

static void
unlocked_changed_cb (VeilPreferencesWindow *self)
{
  if (!veil_guardian_get_unlocked (self->guardian))
    {
      self->unlocked_here = FALSE;
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  update_lock (self);
}

static void
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VeilPreferencesWindow) self = user_data;

  if (veil_pin_dialog_ask_finish (result, NULL) && self->guardian != NULL)
    {
      self->unlocked_here = TRUE;
      update_lock (self);
    }
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilPreferencesWindow *self = VEIL_PREFERENCES_WINDOW (widget);

  if (self->guardian == NULL || !is_locked (self))
    return;
  veil_pin_dialog_ask_async (widget, self->guardian, _("Unlock Preferences"),
                             _("Enter the guardian PIN to change Veil’s preferences."),
                             _("_Cancel"), _("_Unlock"), self->cancellable, unlock_cb, g_object_ref (self));
}

static void
veil_preferences_window_constructed (GObject *object)
{
  VeilPreferencesWindow *self = VEIL_PREFERENCES_WINDOW (object);
  GtkWindow *parent;

  G_OBJECT_CLASS (veil_preferences_window_parent_class)->constructed (object);

  /* The guardian is the main window's: the window hands its context to every page. */
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (parent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (parent), "context") != NULL)
    {
      g_autoptr(VeilContext) context = NULL;

      g_object_get (parent, "context", &context, NULL);
      if (context != NULL && veil_context_get_guardian (context) != NULL)
        {
          self->guardian = g_object_ref (veil_context_get_guardian (context));
          g_signal_connect_object (self->guardian, "notify::unlocked", G_CALLBACK (unlocked_changed_cb),
                                   self, G_CONNECT_SWAPPED);
        }
    }
  update_lock (self);

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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* Unlocked only for the preferences: closing them locks again. */
  if (self->unlocked_here && self->guardian != NULL)
    {
      self->unlocked_here = FALSE;
      veil_guardian_lock (self->guardian);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->guardian);
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
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, locked_group);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, settings_group);
  gtk_widget_class_install_action (widget_class, "prefs.unlock", NULL, unlock_action);
}

static void
veil_preferences_window_init (VeilPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
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
