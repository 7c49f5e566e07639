/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-report-row"

#include "config.h"

#include "veil-report-row.h"

/* One of the child's reports or help requests in the review queue: its kind, when, where the
 * picture came from and the start of the child's words, as plain text; activating it opens
 * the whole report. */

struct _VeilReportRow
{
  AdwActionRow parent_instance;
};

G_DEFINE_FINAL_TYPE (VeilReportRow, veil_report_row, ADW_TYPE_ACTION_ROW)

static void
veil_report_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_REPORT_ROW);

  G_OBJECT_CLASS (veil_report_row_parent_class)->dispose (object);
}

static void
veil_report_row_class_init (VeilReportRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_report_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-report-row.ui");
}

static void
veil_report_row_init (VeilReportRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_report_row_new:
 * @title: the report's kind and when it was made
 * @subtitle: where the picture came from, and the start of the child's words
 */
GtkWidget *
veil_report_row_new (const char *title,
                     const char *subtitle)
{
  return g_object_new (VEIL_TYPE_REPORT_ROW, "title", title, "subtitle", subtitle, NULL);
}
