/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-warned-row"

#include "config.h"

#include "veil-warned-row.h"

/* One of the child's own message warnings on the transparency page, as words only (when and
 * where it arrived, never the picture); activating it runs "transparency.show-alert" with the
 * alert's id. */

struct _VeilWarnedRow
{
  AdwActionRow parent_instance;
};

G_DEFINE_FINAL_TYPE (VeilWarnedRow, veil_warned_row, ADW_TYPE_ACTION_ROW)

static void
veil_warned_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_WARNED_ROW);

  G_OBJECT_CLASS (veil_warned_row_parent_class)->dispose (object);
}

static void
veil_warned_row_class_init (VeilWarnedRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_warned_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-warned-row.ui");
}

static void
veil_warned_row_init (VeilWarnedRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_warned_row_new:
 * @alert_id: the message alert the row reopens
 * @title: when the picture arrived
 * @subtitle: where it arrived
 */
GtkWidget *
veil_warned_row_new (gint64      alert_id,
                     const char *title,
                     const char *subtitle)
{
  GtkWidget *row = g_object_new (VEIL_TYPE_WARNED_ROW, "title", title, "subtitle", subtitle, NULL);

  /* The target first: the action takes a parameter. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", alert_id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "transparency.show-alert");
  return row;
}
