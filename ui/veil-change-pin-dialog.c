/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-change-pin-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-change-pin-dialog.h"
#include "veil-ui-utils.h"

/* Changes the guardian PIN: the current one, the new one twice. The dialog stays open with
 * the reason while something is wrong, and closes once the new PIN is set. */

struct _VeilChangePinDialog
{
  AdwWindow            parent_instance;

  /* Owned */
  VeilGuardian        *guardian;
  GCancellable        *cancellable;

  /* Template children */
  AdwPasswordEntryRow *current_pin_row;
  AdwPasswordEntryRow *new_pin_row;
  AdwPasswordEntryRow *repeat_pin_row;
  GtkLabel            *error_label;
};

G_DEFINE_FINAL_TYPE (VeilChangePinDialog, veil_change_pin_dialog, ADW_TYPE_WINDOW)

enum {
  PIN_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_pin_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VeilChangePinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = veil_guardian_set_pin_finish (VEIL_GUARDIAN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->current_pin_row == NULL)
    return;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.change", TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->current_pin_row), "");
  if (!ok)
    {
      veil_ui_set_error_label (self->error_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->current_pin_row));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->new_pin_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_pin_row), "");
  g_signal_emit (self, signals[PIN_CHANGED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
change_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilChangePinDialog *self = VEIL_CHANGE_PIN_DIALOG (widget);
  const char *current = gtk_editable_get_text (GTK_EDITABLE (self->current_pin_row));
  const char *new_pin = gtk_editable_get_text (GTK_EDITABLE (self->new_pin_row));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_pin_row));
  g_autoptr(GError) error = NULL;

  if (self->guardian == NULL)
    return;
  if (!veil_guardian_check_pin_strength (new_pin, &error))
    {
      veil_ui_set_error_label (self->error_label, error->message);
      return;
    }
  if (!g_str_equal (new_pin, repeat))
    {
      veil_ui_set_error_label (self->error_label, _("The two new PINs are not the same. Type them again."));
      return;
    }

  /* A change needs the current PIN, checked (with its back-off) in a worker thread. */
  veil_ui_set_error_label (self->error_label, NULL);
  gtk_widget_action_set_enabled (widget, "pin.change", FALSE);
  veil_guardian_set_pin_async (self->guardian, current, new_pin, self->cancellable, set_pin_cb, g_object_ref (self));
}

static void
repeat_activated_cb (VeilChangePinDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "pin.change", NULL);
}

static void
veil_change_pin_dialog_dispose (GObject *object)
{
  VeilChangePinDialog *self = VEIL_CHANGE_PIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_CHANGE_PIN_DIALOG);
  g_clear_object (&self->guardian);

  G_OBJECT_CLASS (veil_change_pin_dialog_parent_class)->dispose (object);
}

static void
veil_change_pin_dialog_finalize (GObject *object)
{
  VeilChangePinDialog *self = VEIL_CHANGE_PIN_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (veil_change_pin_dialog_parent_class)->finalize (object);
}

static void
veil_change_pin_dialog_class_init (VeilChangePinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_change_pin_dialog_dispose;
  object_class->finalize = veil_change_pin_dialog_finalize;

  /**
   * VeilChangePinDialog::pin-changed:
   *
   * The new PIN is set; the dialog closes.
   */
  signals[PIN_CHANGED] =
    g_signal_new ("pin-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-change-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilChangePinDialog, current_pin_row);
  gtk_widget_class_bind_template_child (widget_class, VeilChangePinDialog, new_pin_row);
  gtk_widget_class_bind_template_child (widget_class, VeilChangePinDialog, repeat_pin_row);
  gtk_widget_class_bind_template_child (widget_class, VeilChangePinDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, repeat_activated_cb);

  gtk_widget_class_install_action (widget_class, "pin.change", NULL, change_action);
  /* A dialog closes on Escape, as message dialogs do. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
veil_change_pin_dialog_init (VeilChangePinDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  veil_ui_guard_password_row (self->current_pin_row);
  veil_ui_guard_password_row (self->new_pin_row);
  veil_ui_guard_password_row (self->repeat_pin_row);
}

/**
 * veil_change_pin_dialog_new:
 * @parent: (nullable): the window it is about
 * @guardian: the guardian whose PIN changes
 *
 * Returns: (transfer none): a new dialog, to present
 */
GtkWidget *
veil_change_pin_dialog_new (GtkWindow    *parent,
                            VeilGuardian *guardian)
{
  VeilChangePinDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VEIL_IS_GUARDIAN (guardian), NULL);

  self = g_object_new (VEIL_TYPE_CHANGE_PIN_DIALOG, "transient-for", parent, NULL);
  self->guardian = g_object_ref (guardian);
  return GTK_WIDGET (self);
}
