/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-help-page"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-help-page.h"
#include "veil-help-list.h"

/* The page a child reaches with "Get Help": a worldwide line first, then the helplines of
 * this computer's country. The worldwide line is part of the page's template, compiled into
 * Veil's resources, so it is there even when the list of helplines is missing or damaged.
 * Nothing opens by itself: only a click emits ::open-link. */

#define WORLDWIDE_ID "child-helpline-international"

struct _VeilHelpPage
{
  AdwBin                parent_instance;

  /* owned */
  GCancellable         *cancellable;
  gboolean              loading;

  /* template children */
  AdwPreferencesGroup  *local_group;
  GtkButton            *worldwide_button;
  GtkSpinner           *spinner;
  GtkWidget            *list;   /* in local_group, once loaded */
};

G_DEFINE_FINAL_TYPE (VeilHelpPage, veil_help_page, ADW_TYPE_BIN)

enum {
  OPEN_LINK,
  BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
open_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  g_signal_emit (widget, signals[OPEN_LINK], 0, g_variant_get_string (param, NULL));
}

static void
back_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  g_signal_emit (widget, signals[BACK], 0);
}

static void
list_link_cb (VeilHelpPage *self,
              const char   *url)
{
  g_signal_emit (self, signals[OPEN_LINK], 0, url);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VeilHelpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chosen = veil_help_list_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (chosen == NULL)
    {
      /* The worldwide line above still stands. */
      g_message ("No helplines near the child: %s", error->message);
      return;
    }

  /* The worldwide line is shown once, above. */
  for (guint i = chosen->len; i > 0; i--)
    {
      VeilHelpResource *r = g_ptr_array_index (chosen, i - 1);
      if (g_strcmp0 (r->id, WORLDWIDE_ID) == 0)
        g_ptr_array_remove_index (chosen, i - 1);
    }
  if (self->list != NULL)
    adw_preferences_group_remove (self->local_group, self->list);
  self->list = NULL;
  if (chosen->len == 0)
    return;

  self->list = veil_help_list_new (chosen);
  g_signal_connect_object (self->list, "open-link", G_CALLBACK (list_link_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->local_group, self->list);
  gtk_widget_set_visible (GTK_WIDGET (self->local_group), TRUE);
}

static void
veil_help_page_dispose (GObject *object)
{
  VeilHelpPage *self = VEIL_HELP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_HELP_PAGE);

  G_OBJECT_CLASS (veil_help_page_parent_class)->dispose (object);
}

static void
veil_help_page_finalize (GObject *object)
{
  g_clear_object (&VEIL_HELP_PAGE (object)->cancellable);

  G_OBJECT_CLASS (veil_help_page_parent_class)->finalize (object);
}

static void
veil_help_page_class_init (VeilHelpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_help_page_dispose;
  object_class->finalize = veil_help_page_finalize;

  /**
   * VeilHelpPage::open-link:
   * @url: the help resource's address
   *
   * The child clicked a help resource's "Open" button.
   */
  signals[OPEN_LINK] = g_signal_new ("open-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * VeilHelpPage::back:
   *
   * The child wants to go back to the warning (the Back button, or Escape).
   */
  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-help-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilHelpPage, local_group);
  gtk_widget_class_bind_template_child (widget_class, VeilHelpPage, worldwide_button);
  gtk_widget_class_bind_template_child (widget_class, VeilHelpPage, spinner);

  gtk_widget_class_install_action (widget_class, "help-page.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "help-page.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "help-page.back", NULL);
}

static void
veil_help_page_init (VeilHelpPage *self)
{
  /* Translators: accessible label of the button opening the website of %s */
  g_autofree char *label = g_strdup_printf (_("Open the website of %s"), "Child Helpline International");

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->worldwide_button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/**
 * veil_help_page_new:
 *
 * Returns: (transfer floating): the page, with the worldwide line only until
 *   veil_help_page_load() finds the helplines near the child
 */
GtkWidget *
veil_help_page_new (void)
{
  return g_object_new (VEIL_TYPE_HELP_PAGE, NULL);
}

/**
 * veil_help_page_load:
 * @self: a #VeilHelpPage
 * @audience: who the help is for
 *
 * Reads the helplines for this computer's country and @audience in the background.
 */
void
veil_help_page_load (VeilHelpPage     *self,
                     VeilHelpAudience  audience)
{
  g_return_if_fail (VEIL_IS_HELP_PAGE (self));

  if (self->loading)
    return;
  self->loading = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  veil_help_list_load_async (audience, self->cancellable, loaded_cb, g_object_ref (self));
}

/* Returns: whether the helplines near the child are still being read */
gboolean
veil_help_page_get_loading (VeilHelpPage *self)
{
  g_return_val_if_fail (VEIL_IS_HELP_PAGE (self), FALSE);
  return self->loading;
}
