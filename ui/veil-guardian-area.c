/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-guardian-area"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-change-pin-dialog.h"
#include "veil-guardian-area.h"
#include "veil-profile-page.h"
#include "veil-review-queue.h"
#include "veil-scan-page.h"
#include "veil-talking-help.h"
#include "veil-ui-utils.h"

/* The guardian area, shown only while the guardian is unlocked: the children's profiles,
 * export and erase. It locks itself after a few minutes without input and when its window is
 * hidden or minimised, so a computer left open does not stay open to the children.
 *
 * Navigation has one pattern: pages go deeper (list, profile, an alert card) and the
 * window's one Back button comes back up through veil_guardian_area_go_back(). A profile's
 * views switch in the header (the title widget the area lends the window), with a bar at
 * the bottom when the window is too narrow for it. */

#define DEFAULT_LOCK_TIMEOUT (5 * 60)

struct _VeilGuardianArea
{
  AdwBin                parent_instance;

  /* Owned */
  VeilContext          *context;
  GPtrArray            *profile_rows;  /* rows in children_group */
  GtkFileChooserNative *chooser;
  guint                 lock_timeout;  /* seconds */
  guint                 lock_source;
  GCancellable         *health_cancellable; /* checking the listed profiles, nullable */
  AdwViewSwitcherTitle *switcher_title; /* lent to the window's header while a profile is open */
  char                 *help_return;    /* the page the help page goes back to, nullable */
  GtkWidget            *help_page;      /* the talking-with-your-child page, in the stack */
  GtkWindow            *change_pin_dialog; /* weak: the dialog open, nullable */
  GdkSurface           *surface;        /* the window's surface while mapped, watched for minimising */

  /* Template children */
  GtkStack             *stack;
  AdwPreferencesGroup  *children_group;
  AdwBin               *profile_bin;
};

G_DEFINE_FINAL_TYPE (VeilGuardianArea, veil_guardian_area, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_TITLE_WIDGET,
  N_PROPS
};

enum {
  ADD_CHILD,
  LOCKED,
  ERASED,
  SHOW_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static VeilGuardian *
get_guardian (VeilGuardianArea *self)
{
  return self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
}

static gboolean
lock_timeout_cb (gpointer user_data)
{
  VeilGuardianArea *self = user_data;

  self->lock_source = 0;
  if (get_guardian (self) != NULL)
    veil_guardian_lock (get_guardian (self));
  return G_SOURCE_REMOVE;
}

/* Any input in the area counts as the guardian still being there. */
static void
restart_lock_timer (VeilGuardianArea *self)
{
  g_clear_handle_id (&self->lock_source, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->lock_timeout > 0)
    self->lock_source = g_timeout_add_seconds (self->lock_timeout, lock_timeout_cb, self);
}

static void
activity_cb (VeilGuardianArea *self)
{
  restart_lock_timer (self);
}

static gboolean
key_activity_cb (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 VeilGuardianArea      *self)
{
  restart_lock_timer (self);
  return FALSE;
}

/* The profile's views leave, and with them the switcher in the header. */
static void
close_profile (VeilGuardianArea *self)
{
  if (adw_bin_get_child (self->profile_bin) == NULL)
    return;
  adw_view_switcher_title_set_stack (self->switcher_title, NULL);
  adw_bin_set_child (self->profile_bin, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE_WIDGET]);
}

static void
unlocked_changed_cb (VeilGuardianArea *self)
{
  VeilGuardian *guardian = get_guardian (self);

  if (guardian != NULL && !veil_guardian_get_unlocked (guardian))
    {
      g_clear_handle_id (&self->lock_source, g_source_remove);
      veil_ui_close_guardian_dialogs ();
      close_profile (self);
      g_clear_pointer (&self->help_return, g_free);
      gtk_stack_set_visible_child_name (self->stack, "list");
      g_signal_emit (self, signals[LOCKED], 0);
    }
}

static void
clear_rows (VeilGuardianArea *self)
{
  for (guint i = 0; i < self->profile_rows->len; i++)
    adw_preferences_group_remove (self->children_group, self->profile_rows->pdata[i]);
  g_ptr_array_set_size (self->profile_rows, 0);
}

static void
add_row (VeilGuardianArea *self,
         GtkWidget        *row)
{
  adw_preferences_group_add (self->children_group, row);
  g_ptr_array_add (self->profile_rows, row);
}

static void
profile_deleted_cb (VeilGuardianArea *self)
{
  close_profile (self);
  gtk_stack_set_visible_child_name (self->stack, "list");
  g_signal_emit (self, signals[SHOW_MESSAGE], 0, _("Profile deleted"));
}

/* A child's settings, their library checks and the alerts for the guardian, as three views
 * of one profile: switched in the header, or from a bar at the bottom when that is too narrow. */
static GtkWidget *
build_profile_views (VeilGuardianArea *self,
                     GtkWidget        *settings_page,
                     VeilProfile      *profile)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  AdwViewStack *views = ADW_VIEW_STACK (adw_view_stack_new ());
  GtkWidget *bar = adw_view_switcher_bar_new ();
  AdwViewStackPage *page;

  page = adw_view_stack_add_titled (views, settings_page, "settings", _("Settings"));
  adw_view_stack_page_set_icon_name (page, "emblem-system-symbolic");
  page = adw_view_stack_add_titled (views, veil_scan_page_new (self->context, profile), "scan", _("Folder Checks"));
  adw_view_stack_page_set_icon_name (page, "folder-pictures-symbolic");
  page = adw_view_stack_add_titled (views, veil_review_queue_new (self->context, profile), "alerts", _("Alerts"));
  adw_view_stack_page_set_icon_name (page, "dialog-warning-symbolic");
  gtk_widget_set_vexpand (GTK_WIDGET (views), TRUE);
  /* The views not shown must not make a narrow window wider. */
  adw_view_stack_set_hhomogeneous (views, FALSE);

  adw_view_switcher_title_set_stack (self->switcher_title, views);
  adw_view_switcher_title_set_title (self->switcher_title, veil_profile_get_name (profile));
  adw_view_switcher_bar_set_stack (ADW_VIEW_SWITCHER_BAR (bar), views);
  /* The bar shows exactly when the header has no room for the switcher. */
  g_object_bind_property (self->switcher_title, "title-visible", bar, "reveal", G_BINDING_SYNC_CREATE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Profile views"), -1);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (views));
  gtk_box_append (GTK_BOX (box), bar);
  return box;
}

static void
open_profile_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);
  VeilStore *store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page;

  if (store == NULL)
    return;
  profile = veil_store_get_profile (store, g_variant_get_int64 (parameter), &error);
  if (profile == NULL)
    {
      g_signal_emit (self, signals[SHOW_MESSAGE], 0, error->message);
      return;
    }

  page = veil_profile_page_new (self->context, profile);
  g_signal_connect_object (page, "deleted", G_CALLBACK (profile_deleted_cb), self, G_CONNECT_SWAPPED);
  close_profile (self);
  adw_bin_set_child (self->profile_bin, build_profile_views (self, page, profile));
  gtk_stack_set_visible_child_name (self->stack, "profile");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE_WIDGET]);
}

static void
show_list (VeilGuardianArea *self)
{
  veil_guardian_area_reload (self);
  gtk_stack_set_visible_child_name (self->stack, "list");
  close_profile (self);
}

static void
discard_response_cb (VeilGuardianArea *self,
                     const char       *response)
{
  if (g_str_equal (response, "discard"))
    show_list (self);
}

/* Leaving a profile applies what is still pending (a text not applied yet, a number still
 * resting); what cannot be saved as it is asks first, instead of being dropped. */
static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);
  GtkWidget *page = veil_guardian_area_get_profile_page (self);
  GtkWidget *dialog;

  if (page == NULL || veil_profile_page_apply (VEIL_PROFILE_PAGE (page)))
    {
      show_list (self);
      return;
    }
  dialog = adw_message_dialog_new (veil_ui_get_window (widget), _("Discard the Change?"),
                                   _("A change on this page cannot be saved as it is. Its reason is shown on the page."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, G_CONNECT_SWAPPED);
  veil_ui_present_guardian_dialog (dialog);
}

static void
add_child_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_signal_emit (widget, signals[ADD_CHILD], 0);
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);

  if (get_guardian (self) != NULL)
    veil_guardian_lock (get_guardian (self));
}

static void
export_to_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);
  VeilGuardian *guardian = get_guardian (self);
  g_autoptr(GError) error = NULL;

  if (guardian == NULL)
    return;
  if (!veil_guardian_export (guardian, g_variant_get_string (parameter, NULL), &error))
    {
      g_signal_emit (self, signals[SHOW_MESSAGE], 0, error->message);
      return;
    }
  g_signal_emit (self, signals[SHOW_MESSAGE], 0, _("Exported"));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), "guardian.export-to", "s", path);
    }
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export Veil’s Data"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
erase_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (user_data);
  VeilGuardian *guardian = get_guardian (self);
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "erase") || guardian == NULL)
    return;

  /* Erasing locks the guardian (the PIN is gone too); tell the window after. */
  g_signal_handlers_block_by_func (guardian, unlocked_changed_cb, self);
  if (!veil_guardian_erase_all (guardian, NULL, &error))
    {
      g_signal_handlers_unblock_by_func (guardian, unlocked_changed_cb, self);
      g_signal_emit (self, signals[SHOW_MESSAGE], 0, error->message);
      return;
    }
  g_signal_handlers_unblock_by_func (guardian, unlocked_changed_cb, self);
  veil_context_notify_profiles_changed (self->context);
  g_signal_emit (self, signals[ERASED], 0);
}

static void
erase_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Erase Everything?"),
                                   _("Every profile, acknowledgment, alert and note is deleted, and so is the guardian PIN. Veil starts again as on the first day. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "erase", _("_Erase Everything"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "erase", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (erase_response_cb), widget, 0);
  veil_ui_present_guardian_dialog (dialog);
}

static void
pin_changed_cb (VeilGuardianArea *self)
{
  g_signal_emit (self, signals[SHOW_MESSAGE], 0, _("The guardian PIN was changed"));
}

static void
change_pin_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);
  GtkWidget *dialog;

  if (get_guardian (self) == NULL || !veil_guardian_get_unlocked (get_guardian (self)))
    return;
  if (self->change_pin_dialog != NULL)
    {
      gtk_window_present (self->change_pin_dialog);
      return;
    }
  dialog = veil_change_pin_dialog_new (veil_ui_get_window (widget), get_guardian (self));
  g_signal_connect_object (dialog, "pin-changed", G_CALLBACK (pin_changed_cb), self, G_CONNECT_SWAPPED);
  self->change_pin_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->change_pin_dialog);
  veil_ui_present_guardian_dialog (dialog);
}

/* The short guide on talking with the child, from the list or from an alert's card. */
static void
talking_help_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);
  const char *from = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (from, "help") == 0)
    return;
  g_free (self->help_return);
  self->help_return = g_strdup (from);
  gtk_stack_set_visible_child_name (self->stack, "help");
}

static void
lock_now (VeilGuardianArea *self)
{
  if (get_guardian (self) != NULL && veil_guardian_get_unlocked (get_guardian (self)))
    veil_guardian_lock (get_guardian (self));
}

/* A minimised window is one left alone: the area locks, as it does when the window hides. */
static void
surface_state_cb (VeilGuardianArea *self)
{
  if (GDK_IS_TOPLEVEL (self->surface) &&
      (gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0)
    lock_now (self);
}

static void
unwatch_surface (VeilGuardianArea *self)
{
  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_func (self->surface, surface_state_cb, self);
  g_clear_object (&self->surface);
}

static void
veil_guardian_area_map (GtkWidget *widget)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);
  GtkNative *native;

  GTK_WIDGET_CLASS (veil_guardian_area_parent_class)->map (widget);
  restart_lock_timer (self);

  unwatch_surface (self);
  native = gtk_widget_get_native (widget);
  if (native != NULL && gtk_native_get_surface (native) != NULL)
    {
      self->surface = g_object_ref (gtk_native_get_surface (native));
      g_signal_connect_swapped (self->surface, "notify::state", G_CALLBACK (surface_state_cb), self);
    }
}

static void
veil_guardian_area_unmap (GtkWidget *widget)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  g_clear_handle_id (&self->lock_source, g_source_remove);
  unwatch_surface (self);
  /* The window hides (or closes): nobody sees the area any more, so it locks. Other pages
   * of the window lock it themselves when they need to. */
  if (root != NULL && !gtk_widget_get_visible (GTK_WIDGET (root)))
    lock_now (self);
  GTK_WIDGET_CLASS (veil_guardian_area_parent_class)->unmap (widget);
}

static void
visible_page_cb (VeilGuardianArea *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE_WIDGET]);
}

static void
veil_guardian_area_constructed (GObject *object)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (object);

  G_OBJECT_CLASS (veil_guardian_area_parent_class)->constructed (object);

  if (self->context != NULL)
    g_signal_connect_object (self->context, "profiles-changed",
                             G_CALLBACK (veil_guardian_area_reload), self, G_CONNECT_SWAPPED);
  if (get_guardian (self) != NULL)
    g_signal_connect_object (get_guardian (self), "notify::unlocked",
                             G_CALLBACK (unlocked_changed_cb), self, G_CONNECT_SWAPPED);
  veil_guardian_area_reload (self);
}

static void
veil_guardian_area_dispose (GObject *object)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (object);

  g_clear_handle_id (&self->lock_source, g_source_remove);
  unwatch_surface (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->change_pin_dialog != NULL)
    gtk_window_destroy (self->change_pin_dialog);
  if (self->switcher_title != NULL)
    adw_view_switcher_title_set_stack (self->switcher_title, NULL);
  g_clear_object (&self->switcher_title);
  g_clear_pointer (&self->help_return, g_free);
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  /* The bin unparents its child itself before the template children are cleared. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_GUARDIAN_AREA);
  g_clear_object (&self->context);
  g_clear_pointer (&self->profile_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (veil_guardian_area_parent_class)->dispose (object);
}

static void
veil_guardian_area_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_TITLE_WIDGET:
      g_value_set_object (value, veil_guardian_area_get_title_widget (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_guardian_area_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VeilGuardianArea *self = VEIL_GUARDIAN_AREA (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_guardian_area_class_init (VeilGuardianAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_guardian_area_constructed;
  object_class->dispose = veil_guardian_area_dispose;
  object_class->get_property = veil_guardian_area_get_property;
  object_class->set_property = veil_guardian_area_set_property;
  widget_class->map = veil_guardian_area_map;
  widget_class->unmap = veil_guardian_area_unmap;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VeilGuardianArea:title-widget:
   *
   * What the window's header shows as its title while the area is shown: the switcher
   * between a profile's views, or %NULL for the window's own title.
   */
  properties[PROP_TITLE_WIDGET] =
    g_param_spec_object ("title-widget", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ADD_CHILD] =
    g_signal_new ("add-child", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * VeilGuardianArea::locked:
   *
   * The guardian locked (by hand or after inactivity); the area must be left.
   */
  signals[LOCKED] =
    g_signal_new ("locked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERASED] =
    g_signal_new ("erased", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SHOW_MESSAGE] =
    g_signal_new ("show-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-guardian-area.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilGuardianArea, stack);
  gtk_widget_class_bind_template_child (widget_class, VeilGuardianArea, children_group);
  gtk_widget_class_bind_template_child (widget_class, VeilGuardianArea, profile_bin);

  gtk_widget_class_install_action (widget_class, "guardian.open-profile", "x", open_profile_action);
  gtk_widget_class_install_action (widget_class, "guardian.show-list", NULL, show_list_action);
  gtk_widget_class_install_action (widget_class, "guardian.add-child", NULL, add_child_action);
  gtk_widget_class_install_action (widget_class, "guardian.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "guardian.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "guardian.export-to", "s", export_to_action);
  gtk_widget_class_install_action (widget_class, "guardian.erase", NULL, erase_action);
  gtk_widget_class_install_action (widget_class, "guardian.change-pin", NULL, change_pin_action);
  gtk_widget_class_install_action (widget_class, "guardian.talking-help", NULL, talking_help_action);
}

static void
veil_guardian_area_init (VeilGuardianArea *self)
{
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->switcher_title = g_object_ref_sink (ADW_VIEW_SWITCHER_TITLE (adw_view_switcher_title_new ()));
  adw_view_switcher_title_set_subtitle (self->switcher_title, _("Guardian Area"));
  self->help_page = veil_talking_help_new ();
  gtk_stack_add_named (self->stack, self->help_page, "help");
  g_signal_connect_object (self->stack, "notify::visible-child-name", G_CALLBACK (visible_page_cb), self,
                           G_CONNECT_SWAPPED);
  self->profile_rows = g_ptr_array_new ();
  self->lock_timeout = DEFAULT_LOCK_TIMEOUT;

  /* Capture phase: the area sees the input before its rows and buttons take it. */
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_activity_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (activity_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (scroll, "scroll-begin", G_CALLBACK (activity_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
}

GtkWidget *
veil_guardian_area_new (VeilContext *context)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);

  return g_object_new (VEIL_TYPE_GUARDIAN_AREA, "context", context, NULL);
}

/* Says how many of a profile's protections really run, and warns when one does not. */
static void
show_health (GtkWidget  *row,
             VeilHealth *health)
{
  guint enabled = 0, active = 0, not_working = 0;
  g_autofree char *subtitle = NULL;

  for (guint k = 0; k < VEIL_N_PROTECTIONS; k++)
    {
      VeilHealthState state = veil_health_get_state (health, k);

      enabled += state != VEIL_HEALTH_STATE_OFF;
      active += state == VEIL_HEALTH_STATE_ACTIVE;
      not_working += state == VEIL_HEALTH_STATE_NOT_WORKING;
    }
  if (not_working > 0)
    {
      GtkWidget *warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (warning, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (warning), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Not working"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), warning);
      /* Translators: counts of protections: really running, turned on, not working */
      subtitle = g_strdup_printf (_("%u active, %u turned on, %u not working: open it to see why"),
                                  active, enabled, not_working);
    }
  else
    /* Translators: “2 of 3 protections active”: active, turned on */
    subtitle = g_strdup_printf (_("%u active, %u turned on"), active, enabled);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static void
health_checked_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VeilGuardianArea) self = user_data;
  g_autoptr(GPtrArray) healths = veil_health_check_all_finish (result, NULL);

  if (healths == NULL || self->profile_rows == NULL)
    return;
  g_clear_object (&self->health_cancellable);
  for (guint i = 0; i < self->profile_rows->len; i++)
    {
      GtkWidget *row = self->profile_rows->pdata[i];
      gint64 id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "veil-profile-id"));

      if (g_object_get_data (G_OBJECT (row), "veil-check-health") == NULL)
        continue;
      for (guint k = 0; k < healths->len; k++)
        if (veil_profile_get_id (veil_health_get_profile (healths->pdata[k])) == id)
          show_health (row, healths->pdata[k]);
    }
}

/**
 * veil_guardian_area_reload:
 *
 * Lists the profiles again from the store. A profile changed outside Veil is marked, so the
 * guardian sees it and can check it.
 */
void
veil_guardian_area_reload (VeilGuardianArea *self)
{
  VeilStore *store;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VEIL_IS_GUARDIAN_AREA (self));

  clear_rows (self);
  store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  if (store == NULL)
    return;

  profiles = veil_store_list_profiles (store, &error);
  if (profiles == NULL)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), error->message);
      add_row (self, row);
      return;
    }

  if (profiles->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No children yet. Add one to get started."));
      add_row (self, row);
    }

  for (guint i = 0; i < profiles->len; i++)
    {
      VeilProfile *p = profiles->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
      guint enabled = 0;
      g_autofree char *subtitle = NULL;

      for (guint k = 0; k < VEIL_N_PROTECTIONS; k++)
        enabled += veil_profile_get_protection_enabled (p, k);

      g_object_set_data (G_OBJECT (row), "veil-profile-id", GINT_TO_POINTER (veil_profile_get_id (p)));
      if (veil_profile_get_integrity (p) == VEIL_PROFILE_INTEGRITY_TAMPERED)
        {
          GtkWidget *warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          gtk_widget_add_css_class (warning, "warning");
          gtk_accessible_update_property (GTK_ACCESSIBLE (warning), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Changed outside Veil"), -1);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), warning);
          subtitle = g_strdup (_("Changed outside Veil: open it to check and save"));
        }
      else if (enabled == 0)
        subtitle = g_strdup (_("All protections are off"));
      else
        {
          /* Counted once the check below is done: active means really running. */
          subtitle = g_strdup (_("Checking whether it works…"));
          g_object_set_data (G_OBJECT (row), "veil-check-health", GINT_TO_POINTER (TRUE));
        }

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), veil_profile_get_name (p));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "guardian.open-profile");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_int64 (veil_profile_get_id (p)));
      add_row (self, row);
    }

  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  self->health_cancellable = g_cancellable_new ();
  veil_health_check_all_async (store, profiles, self->health_cancellable, health_checked_cb, g_object_ref (self));
}

/**
 * veil_guardian_area_set_lock_timeout:
 * @seconds: inactivity before the area locks itself; 0 never
 */
void
veil_guardian_area_set_lock_timeout (VeilGuardianArea *self,
                                     guint             seconds)
{
  g_return_if_fail (VEIL_IS_GUARDIAN_AREA (self));

  self->lock_timeout = seconds;
  restart_lock_timer (self);
}

/**
 * veil_guardian_area_get_profile_page:
 *
 * Returns: (transfer none) (nullable): the open #VeilProfilePage, if any
 */
GtkWidget *
veil_guardian_area_get_profile_page (VeilGuardianArea *self)
{
  GtkWidget *views;

  g_return_val_if_fail (VEIL_IS_GUARDIAN_AREA (self), NULL);

  /* The profile's views are a view stack above a switcher bar; the settings are one of them. */
  views = adw_bin_get_child (self->profile_bin);
  if (views == NULL)
    return NULL;
  return adw_view_stack_get_child_by_name (ADW_VIEW_STACK (gtk_widget_get_first_child (views)), "settings");
}

/**
 * veil_guardian_area_get_title_widget:
 *
 * Returns: (transfer none) (nullable): the switcher between the open profile's views, for
 *   the window's header; %NULL when no profile is shown
 */
GtkWidget *
veil_guardian_area_get_title_widget (VeilGuardianArea *self)
{
  g_return_val_if_fail (VEIL_IS_GUARDIAN_AREA (self), NULL);

  if (adw_bin_get_child (self->profile_bin) == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "profile") != 0)
    return NULL;
  return GTK_WIDGET (self->switcher_title);
}

/**
 * veil_guardian_area_go_back:
 *
 * Goes up one level, as the window's Back button does: from the help page to where it was
 * opened, from an alert's card or a report to the profile's alerts, from a profile to the
 * list of children (asking first about edits not applied yet).
 *
 * Returns: %TRUE if the area went back (or asked), %FALSE on the list: the window goes back
 */
gboolean
veil_guardian_area_go_back (VeilGuardianArea *self)
{
  const char *visible;
  GtkWidget *views;

  g_return_val_if_fail (VEIL_IS_GUARDIAN_AREA (self), FALSE);

  visible = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (visible, "help") == 0)
    {
      g_autofree char *back = g_steal_pointer (&self->help_return);

      gtk_stack_set_visible_child_name (self->stack, back != NULL ? back : "list");
      return TRUE;
    }
  if (g_strcmp0 (visible, "profile") != 0)
    return FALSE;

  views = adw_bin_get_child (self->profile_bin);
  if (views != NULL)
    {
      GtkWidget *shown = adw_view_stack_get_visible_child (ADW_VIEW_STACK (gtk_widget_get_first_child (views)));

      if (VEIL_IS_REVIEW_QUEUE (shown) && veil_review_queue_go_back (VEIL_REVIEW_QUEUE (shown)))
        return TRUE;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "guardian.show-list", NULL);
  return TRUE;
}
