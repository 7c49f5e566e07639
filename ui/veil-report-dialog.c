/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-report-dialog"

#include "config.h"

#include "veil-report-dialog.h"

/* Asks a child whether to report a picture, in their own words if they like, and says first
 * what a report holds (never the picture) and that forwarding the picture can be against the
 * law. It answers "report" or "cancel"; whoever opened it makes the report. */

struct _VeilReportDialog
{
  AdwMessageDialog  parent_instance;

  /* template children */
  GtkTextView      *words_view;
};

G_DEFINE_FINAL_TYPE (VeilReportDialog, veil_report_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
veil_report_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_REPORT_DIALOG);

  G_OBJECT_CLASS (veil_report_dialog_parent_class)->dispose (object);
}

static void
veil_report_dialog_class_init (VeilReportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_report_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilReportDialog, words_view);
}

static void
veil_report_dialog_init (VeilReportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_report_dialog_new:
 * @parent: (nullable): the window it is modal over
 *
 * Returns: (transfer none): the dialog, owned by GTK like every window
 */
GtkWidget *
veil_report_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (VEIL_TYPE_REPORT_DIALOG, "transient-for", parent, NULL);
}

/* Returns: (transfer full): what the child wrote, maybe empty */
char *
veil_report_dialog_get_words (VeilReportDialog *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (VEIL_IS_REPORT_DIALOG (self), NULL);

  buffer = gtk_text_view_get_buffer (self->words_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
