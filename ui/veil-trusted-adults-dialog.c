/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-trusted-adults-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-trusted-adults-dialog.h"

/* Encourages a child to talk to someone they trust, listing the trusted adults of their
 * profile and how to reach them, and offers to ask for help through Veil, saying first that
 * the guardian then sees the request. It answers "ask" or "close"; whoever opened it places
 * the request. */

struct _VeilTrustedAdultsDialog
{
  AdwMessageDialog  parent_instance;

  /* template children */
  GtkListBox       *adults_list;
};

G_DEFINE_FINAL_TYPE (VeilTrustedAdultsDialog, veil_trusted_adults_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
veil_trusted_adults_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_TRUSTED_ADULTS_DIALOG);

  G_OBJECT_CLASS (veil_trusted_adults_dialog_parent_class)->dispose (object);
}

static void
veil_trusted_adults_dialog_class_init (VeilTrustedAdultsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_trusted_adults_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-trusted-adults-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilTrustedAdultsDialog, adults_list);
}

static void
veil_trusted_adults_dialog_init (VeilTrustedAdultsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
fill (VeilTrustedAdultsDialog *self,
      VeilProfile             *profile)
{
  guint n = veil_profile_get_n_trusted_adults (profile);
  const char *intro = n > 0
                      ? _("Talking to someone you trust can help. It’s not your fault. You could tell:")
                      : _("Talking to someone you trust can help, like a parent, a teacher or another adult you "
                          "know well. It’s not your fault.");

  for (guint i = 0; i < n; i++)
    {
      const char *name = NULL, *contact = NULL;
      GtkWidget *row = adw_action_row_new ();

      veil_profile_get_trusted_adult (profile, i, &name, &contact);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      if (contact != NULL && *contact != '\0')
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), contact);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->adults_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->adults_list), n > 0);

  /* Asking through Veil tells the guardian: say so before the child agrees. */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self), "%s\n\n%s", intro,
                                  _("If you ask for help in Veil, your guardian sees that you asked and why Veil "
                                    "blurred the picture. They don’t see the picture."));
}

/**
 * veil_trusted_adults_dialog_new:
 * @parent: (nullable): the window it is modal over
 * @profile: the child's profile, with their trusted adults
 *
 * Returns: (transfer none): the dialog, owned by GTK like every window
 */
GtkWidget *
veil_trusted_adults_dialog_new (GtkWindow   *parent,
                                VeilProfile *profile)
{
  VeilTrustedAdultsDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  self = g_object_new (VEIL_TYPE_TRUSTED_ADULTS_DIALOG, "transient-for", parent, NULL);
  fill (self, profile);
  return GTK_WIDGET (self);
}
