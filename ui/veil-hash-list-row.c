/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-list-row"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-hash-list-row.h"

/* One imported hash list in the guardian's hash lists group: its name, where it came from,
 * its version, size, import time and scope, and a button that removes it (the group's
 * "hashes.remove" action, with the list's id). */

struct _VeilHashListRow
{
  AdwActionRow  parent_instance;

  gint64        list_id;

  /* template children */
  GtkButton    *remove_button;
};

G_DEFINE_FINAL_TYPE (VeilHashListRow, veil_hash_list_row, ADW_TYPE_ACTION_ROW)

static void
veil_hash_list_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_HASH_LIST_ROW);

  G_OBJECT_CLASS (veil_hash_list_row_parent_class)->dispose (object);
}

static void
veil_hash_list_row_class_init (VeilHashListRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_hash_list_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-hash-list-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilHashListRow, remove_button);
}

static void
veil_hash_list_row_init (VeilHashListRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static char *
describe (const VeilStoredHashList *list)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (list->imported);
  /* Translators: when a hash list was imported, see g_date_time_format() */
  g_autofree char *imported = g_date_time_format (when, _("%e %B %Y, %H:%M"));
  g_autofree char *entries = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", list->n_entries),
                                              list->n_entries);
  const char *scope = list->profile_id == 0 ? _("for every profile") : _("for this profile only");

  /* Translators: a hash list's details: source, version, entry count, import time and scope,
   * e.g. "From hotline.csv · version 3 · 120 entries · imported 2 May 2026, 14:02 · for every profile" */
  return g_strdup_printf (_("From %s · version %u · %s · imported %s · %s"),
                          list->source != NULL && *list->source != '\0' ? list->source : _("unknown source"),
                          list->version, entries, g_strstrip (imported), scope);
}

/**
 * veil_hash_list_row_new:
 * @list: an imported hash list
 *
 * Returns: (transfer floating): the row showing @list
 */
GtkWidget *
veil_hash_list_row_new (const VeilStoredHashList *list)
{
  VeilHashListRow *self;
  g_autofree char *subtitle = NULL;
  g_autofree char *remove_label = NULL;

  g_return_val_if_fail (list != NULL, NULL);

  self = g_object_new (VEIL_TYPE_HASH_LIST_ROW, "title", list->name, NULL);
  self->list_id = list->id;
  subtitle = describe (list);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  /* Translators: accessible label of the button removing the hash list named %s */
  remove_label = g_strdup_printf (_("Remove the list “%s”"), list->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->remove_button), g_variant_new_int64 (list->id));
  return GTK_WIDGET (self);
}

/* Returns: the stored id of the list shown */
gint64
veil_hash_list_row_get_list_id (VeilHashListRow *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST_ROW (self), 0);
  return self->list_id;
}
