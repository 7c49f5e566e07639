/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-pin-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-pin-dialog.h"
#include "veil-ui-utils.h"

/* Asks for the guardian PIN in a dialog and checks it through VeilGuardian. A wrong PIN (or
 * the back-off after too many) brings the question back with the reason on top, until the
 * right PIN is typed or the person declines. Each dialog closes on its answer; the question
 * as a whole is one GTask, which also ends when its cancellable is cancelled. */

struct _VeilPinDialog
{
  AdwMessageDialog     parent_instance;

  /* template children */
  AdwPasswordEntryRow *pin_row;
};

G_DEFINE_FINAL_TYPE (VeilPinDialog, veil_pin_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
pin_activated_cb (VeilPinDialog *self)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "unlock");
}

static void
veil_pin_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_PIN_DIALOG);

  G_OBJECT_CLASS (veil_pin_dialog_parent_class)->dispose (object);
}

static void
veil_pin_dialog_class_init (VeilPinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_pin_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilPinDialog, pin_row);
  gtk_widget_class_bind_template_callback (widget_class, pin_activated_cb);
}

static void
veil_pin_dialog_init (VeilPinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  veil_ui_guard_password_row (self->pin_row);
}

/* --- asking --------------------------------------------------------------------------------- */

typedef struct {
  GWeakRef       parent;        /* the asking widget: held weakly, it cancels when it goes */
  VeilGuardian  *guardian;
  char          *heading;
  char          *body;
  char          *cancel_label;
  char          *unlock_label;
  VeilPinDialog *dialog;        /* the dialog on screen, if any */
  gulong         cancelled_id;
} AskData;

static void
forget_dialog (GTask *task)
{
  AskData *data = g_task_get_task_data (task);
  VeilPinDialog *dialog = g_steal_pointer (&data->dialog);

  /* Drops the references the dialog's handlers held on the task. */
  if (dialog != NULL)
    g_signal_handlers_disconnect_by_data (dialog, task);
}

static void
ask_data_free (AskData *data)
{
  g_weak_ref_clear (&data->parent);
  g_clear_object (&data->guardian);
  g_free (data->heading);
  g_free (data->body);
  g_free (data->cancel_label);
  g_free (data->unlock_label);
  g_free (data);
}

static void
complete (GTask    *task,
          gboolean  right,
          GError   *error)
{
  AskData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  /* A plain signal handler, not g_cancellable_connect(): this may run inside "cancelled". */
  if (data->cancelled_id != 0)
    g_signal_handler_disconnect (cancellable, data->cancelled_id);
  data->cancelled_id = 0;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, right);
}

static void show_dialog (GTask      *task,
                         const char *problem);

static void
pin_checked_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (veil_guardian_unlock_finish (VEIL_GUARDIAN (source), result, &error))
    {
      /* Withdrawn meanwhile: nobody is left to use the unlocked guardian, or to lock it. */
      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        veil_guardian_lock (VEIL_GUARDIAN (source));
      complete (task, TRUE, NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    complete (task, FALSE, g_steal_pointer (&error));
  else
    show_dialog (task, error->message);  /* a wrong PIN, or the wait after too many */
}

static void
dialog_response_cb (VeilPinDialog *dialog,
                    const char    *response,
                    GTask         *task)
{
  g_autoptr(GTask) hold = g_object_ref (task);
  AskData *data = g_task_get_task_data (task);
  g_autofree char *pin = NULL;

  /* The dialog closes by itself after its answer; from here on the task goes alone. */
  forget_dialog (task);
  if (!g_str_equal (response, "unlock"))
    {
      complete (task, FALSE, NULL);
      return;
    }

  pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (dialog->pin_row)));
  gtk_editable_set_text (GTK_EDITABLE (dialog->pin_row), "");
  if (*pin == '\0')
    {
      show_dialog (task, _("Enter the guardian PIN."));
      return;
    }
  veil_guardian_unlock_async (data->guardian, pin, g_task_get_cancellable (task), pin_checked_cb,
                              g_steal_pointer (&hold));
}

static void
dialog_destroy_cb (VeilPinDialog *dialog,
                   GTask         *task)
{
  g_autoptr(GTask) hold = g_object_ref (task);

  /* Gone without an answer, with its window: nobody typed the PIN. */
  forget_dialog (task);
  complete (task, FALSE, NULL);
}

static void
ask_cancelled_cb (GCancellable *cancellable,
                  GTask        *task)
{
  g_autoptr(GTask) hold = g_object_ref (task);
  AskData *data = g_task_get_task_data (task);
  VeilPinDialog *dialog = data->dialog;
  GError *error = NULL;

  /* While a PIN is being checked, the check itself ends with the cancellation. */
  if (dialog == NULL)
    return;
  forget_dialog (task);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_cancellable_set_error_if_cancelled (cancellable, &error);
  complete (task, FALSE, error);
}

static void
show_dialog (GTask      *task,
             const char *problem)
{
  AskData *data = g_task_get_task_data (task);
  g_autoptr(GtkWidget) parent = g_weak_ref_get (&data->parent);
  g_autofree char *body = NULL;
  VeilPinDialog *dialog;

  body = problem != NULL ? g_strdup_printf ("%s\n\n%s", problem, data->body) : g_strdup (data->body);
  dialog = g_object_new (VEIL_TYPE_PIN_DIALOG,
                         "transient-for", parent != NULL ? veil_ui_get_window (parent) : NULL,
                         "heading", data->heading,
                         "body", body,
                         NULL);
  if (data->cancel_label != NULL)
    adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (dialog), "cancel", data->cancel_label);
  if (data->unlock_label != NULL)
    adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (dialog), "unlock", data->unlock_label);
  g_signal_connect_data (dialog, "response", G_CALLBACK (dialog_response_cb), g_object_ref (task),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  g_signal_connect_data (dialog, "destroy", G_CALLBACK (dialog_destroy_cb), g_object_ref (task),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  data->dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (dialog->pin_row));
}

/**
 * veil_pin_dialog_ask_async:
 * @parent: the widget asking; the dialog is modal over its window
 * @guardian: checks the PIN
 * @heading: the dialog's title
 * @body: why the PIN is needed
 * @cancel_label: (nullable): the label declining, or %NULL for “Cancel”
 * @unlock_label: (nullable): the label checking the PIN, or %NULL for “Unlock”
 * @cancellable: (nullable): closes the dialog when cancelled
 * @callback: called once the right PIN was typed, the person declined, or @cancellable was
 *   cancelled
 * @user_data: data for @callback
 *
 * Asks for the guardian PIN until it is right or the person declines. The guardian is left
 * unlocked by the right PIN; lock it again if the PIN was for one thing only.
 *
 * A person may take their time, so the question holds no reference on @parent: a widget
 * passes itself as @user_data, cancels @cancellable in its dispose, and touches nothing in
 * @callback once the result is %G_IO_ERROR_CANCELLED.
 */
void
veil_pin_dialog_ask_async (GtkWidget           *parent,
                           VeilGuardian        *guardian,
                           const char          *heading,
                           const char          *body,
                           const char          *cancel_label,
                           const char          *unlock_label,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AskData *data;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (VEIL_IS_GUARDIAN (guardian));
  g_return_if_fail (heading != NULL && body != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_pin_dialog_ask_async);
  data = g_new0 (AskData, 1);
  g_weak_ref_init (&data->parent, parent);
  data->guardian = g_object_ref (guardian);
  data->heading = g_strdup (heading);
  data->body = g_strdup (body);
  data->cancel_label = g_strdup (cancel_label);
  data->unlock_label = g_strdup (unlock_label);
  g_task_set_task_data (task, data, (GDestroyNotify) ask_data_free);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (cancellable != NULL)
    data->cancelled_id = g_signal_connect (cancellable, "cancelled", G_CALLBACK (ask_cancelled_cb), task);
  show_dialog (task, NULL);
}

/**
 * veil_pin_dialog_ask_finish:
 * @result: the result given to the callback
 * @error: set (to %G_IO_ERROR_CANCELLED) when the question was withdrawn
 *
 * Returns: %TRUE if the right PIN was typed, %FALSE if the person declined or on @error
 */
gboolean
veil_pin_dialog_ask_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, veil_pin_dialog_ask_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
