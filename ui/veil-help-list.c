/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-help-list"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-help-list.h"

/* The helplines and websites that help young people, for the country of this computer: each
 * with what it does, its phone number or text number, and an "Open" button for its website.
 * Nothing opens by itself: only a click emits ::open-link. */

struct _VeilHelpList
{
  AdwBin      parent_instance;

  /* template children */
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (VeilHelpList, veil_help_list, ADW_TYPE_BIN)

enum {
  OPEN_LINK,
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
veil_help_list_dispose (GObject *object)
{
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_HELP_LIST);

  G_OBJECT_CLASS (veil_help_list_parent_class)->dispose (object);
}

static void
veil_help_list_class_init (VeilHelpListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_help_list_dispose;

  /**
   * VeilHelpList::open-link:
   * @url: the help resource's address
   *
   * The person clicked a help resource's "Open" button.
   */
  signals[OPEN_LINK] = g_signal_new ("open-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-help-list.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilHelpList, list);

  gtk_widget_class_install_action (widget_class, "help-list.open", "s", open_action);
}

static void
veil_help_list_init (VeilHelpList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GtkWidget *
new_row (const VeilHelpResource *r)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GString) subtitle = g_string_new (r->description);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->name);
  if (r->phone != NULL)
    /* Translators: a helpline's phone number */
    g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? "\n" : "", r->phone);
  if (r->sms != NULL)
    /* Translators: how to reach a helpline by text message */
    g_string_append_printf (subtitle, _("%sText: %s"), subtitle->len > 0 ? "\n" : "", r->sms);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  if (r->url != NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open"));
      /* Translators: accessible label of the button opening the website of %s */
      g_autofree char *label = g_strdup_printf (_("Open the website of %s"), r->name);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "help-list.open");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", r->url);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

/**
 * veil_help_list_new:
 * @resources: (element-type VeilHelpResource): what to list, in this order
 *
 * Returns: (transfer floating): the list
 */
GtkWidget *
veil_help_list_new (GPtrArray *resources)
{
  VeilHelpList *self;

  g_return_val_if_fail (resources != NULL, NULL);

  self = g_object_new (VEIL_TYPE_HELP_LIST, NULL);
  for (guint i = 0; i < resources->len; i++)
    gtk_list_box_append (self->list, new_row (g_ptr_array_index (resources, i)));
  return GTK_WIDGET (self);
}

/* --- loading -------------------------------------------------------------------------------- */

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *chosen = veil_help_resources_load_selected_finish (result, &error);

  if (chosen == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, chosen, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * veil_help_list_load_async:
 * @audience: who the help is for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the help resources
 * @user_data: data for @callback
 *
 * Reads Veil's list of help resources in the background and picks those for this
 * computer's country and @audience.
 */
void
veil_help_list_load_async (VeilHelpAudience     audience,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, veil_help_list_load_async);
  veil_help_resources_load_selected_async (audience, cancellable, loaded_cb, g_steal_pointer (&task));
}

/**
 * veil_help_list_load_finish:
 * @result: the result given to the callback
 * @error: set when the list is missing or unreadable
 *
 * Returns: (transfer full) (element-type VeilHelpResource): the chosen resources, or %NULL
 */
GPtrArray *
veil_help_list_load_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, veil_help_list_load_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
