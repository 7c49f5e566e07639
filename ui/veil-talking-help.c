/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-talking-help"

#include "config.h"

#include "veil-talking-help.h"

/* A short guide for the guardian on talking with the child about what Veil found. Its words
 * live in the template, so they are in the resources and can never be missing. */

struct _VeilTalkingHelp
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (VeilTalkingHelp, veil_talking_help, ADW_TYPE_BIN)

static void
veil_talking_help_dispose (GObject *object)
{
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_TALKING_HELP);

  G_OBJECT_CLASS (veil_talking_help_parent_class)->dispose (object);
}

static void
veil_talking_help_class_init (VeilTalkingHelpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_talking_help_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-talking-help.ui");
}

static void
veil_talking_help_init (VeilTalkingHelp *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
veil_talking_help_new (void)
{
  return g_object_new (VEIL_TYPE_TALKING_HELP, NULL);
}
