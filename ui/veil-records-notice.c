/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-records-notice"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-records-notice.h"
#include "veil-pin-dialog.h"
#include "veil-ui-utils.h"

/* VeilRecordsNotice: "Veil's records were removed / damaged / changed outside Veil on DATE",
 * on the home and transparency pages for everyone, until a guardian (PIN) keeps the records
 * as they are or restores the settings last verified. Hidden while the records verify. */

struct _VeilRecordsNotice
{
  AdwBin        parent_instance;

  VeilContext  *context;       /* owned, nullable */
  GCancellable *cancellable;   /* owned: the PIN question under way */

  /* Template children */
  GtkLabel     *notice_label;
  GtkButton    *answer_button;
};

G_DEFINE_FINAL_TYPE (VeilRecordsNotice, veil_records_notice, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static VeilGuardian *
get_guardian (VeilRecordsNotice *self)
{
  return self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
}

/**
 * veil_records_notice_refresh:
 *
 * Shows the notice standing in the store, or hides the widget when there is none.
 */
void
veil_records_notice_refresh (VeilRecordsNotice *self)
{
  VeilGuardian *guardian;
  g_autofree char *text = NULL;
  gint64 time = 0;

  g_return_if_fail (VEIL_IS_RECORDS_NOTICE (self));

  guardian = get_guardian (self);
  if (guardian != NULL)
    text = veil_records_state_describe (veil_guardian_get_records_state (guardian, &time), time);
  gtk_label_set_text (self->notice_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
}

static void
choice_cb (AdwMessageDialog  *dialog,
           const char        *response,
           VeilRecordsNotice *self)
{
  VeilGuardian *guardian = get_guardian (self);
  g_autoptr(GError) error = NULL;
  gboolean restore = g_str_equal (response, "restore");

  if (guardian == NULL || (!restore && !g_str_equal (response, "confirm")))
    {
      if (guardian != NULL)
        veil_guardian_lock (guardian);
      return;
    }

  if (restore ? veil_guardian_restore_records (guardian, &error)
              : veil_guardian_confirm_records (guardian, &error))
    veil_ui_toast (GTK_WIDGET (self), restore ? _("The settings last verified are restored.")
                                              : _("Veil’s records are kept as they are now."));
  else
    veil_ui_show_error (GTK_WIDGET (self), error);
  /* The answer was the only thing the PIN opened. */
  veil_guardian_lock (guardian);
  veil_context_notify_profiles_changed (self->context);
  veil_records_notice_refresh (self);
}

static void
ask_choice (VeilRecordsNotice *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Check Veil’s Records"), NULL));
  adw_message_dialog_format_body (dialog, "%s\n\n%s", gtk_label_get_text (self->notice_label),
                                  _("Keep the records as they are now if you made the change yourself. "
                                    "Otherwise, restore the settings you last saved in Veil."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "confirm", _("_Keep As They Are"),
                                    "restore", _("_Restore Last Settings"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "restore", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "restore");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (choice_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
pin_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(VeilRecordsNotice) self = user_data;
  g_autoptr(GError) error = NULL;

  if (veil_pin_dialog_ask_finish (result, &error))
    ask_choice (self);
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    veil_ui_show_error (GTK_WIDGET (self), error);
}

static void
answer_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilRecordsNotice *self = VEIL_RECORDS_NOTICE (widget);
  VeilGuardian *guardian = get_guardian (self);

  if (guardian == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  veil_pin_dialog_ask_async (widget, guardian, _("Check Veil’s Records"),
                             _("Enter the guardian PIN to keep Veil’s records as they are, or to restore the settings last verified."),
                             _("_Cancel"), _("_Continue"), self->cancellable, pin_cb, g_object_ref (self));
}

/**
 * veil_records_notice_set_context:
 *
 * For notices made by a template: the context whose records the notice shows.
 */
void
veil_records_notice_set_context (VeilRecordsNotice *self,
                                 VeilContext       *context)
{
  g_return_if_fail (VEIL_IS_RECORDS_NOTICE (self));
  g_return_if_fail (context == NULL || VEIL_IS_CONTEXT (context));

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_set_object (&self->context, context);
  if (context != NULL)
    {
      g_signal_connect_object (context, "notify::ready", G_CALLBACK (veil_records_notice_refresh), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (context, "profiles-changed", G_CALLBACK (veil_records_notice_refresh), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (context, "store-changed", G_CALLBACK (veil_records_notice_refresh), self, G_CONNECT_SWAPPED);
    }
  veil_records_notice_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT]);
}

static void
veil_records_notice_dispose (GObject *object)
{
  VeilRecordsNotice *self = VEIL_RECORDS_NOTICE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_RECORDS_NOTICE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_records_notice_parent_class)->dispose (object);
}

static void
veil_records_notice_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VeilRecordsNotice *self = VEIL_RECORDS_NOTICE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_records_notice_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VeilRecordsNotice *self = VEIL_RECORDS_NOTICE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      veil_records_notice_set_context (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_records_notice_class_init (VeilRecordsNoticeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_records_notice_dispose;
  object_class->get_property = veil_records_notice_get_property;
  object_class->set_property = veil_records_notice_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-records-notice.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilRecordsNotice, notice_label);
  gtk_widget_class_bind_template_child (widget_class, VeilRecordsNotice, answer_button);
  gtk_widget_class_install_action (widget_class, "records.answer", NULL, answer_action);
}

static void
veil_records_notice_init (VeilRecordsNotice *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
veil_records_notice_new (VeilContext *context)
{
  g_return_val_if_fail (context == NULL || VEIL_IS_CONTEXT (context), NULL);

  return g_object_new (VEIL_TYPE_RECORDS_NOTICE, "context", context, NULL);
}
