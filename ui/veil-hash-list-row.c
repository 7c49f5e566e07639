/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-list-row"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-hash-list-row.h"

/* One of the guardian's hash lists: its name, where it came from, version, size, import time
 * and scope, and a button that removes it (the "hashes.remove" action of the list around). */

struct _VeilHashListRow
{
  AdwActionRow      parent_instance;

  /* construct-only, owned */
  VeilHashListItem *item;

  /* template children */
  GtkButton        *remove_button;
};

G_DEFINE_FINAL_TYPE (VeilHashListRow, veil_hash_list_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

static void
veil_hash_list_row_constructed (GObject *object)
{
  VeilHashListRow *self = VEIL_HASH_LIST_ROW (object);
  const VeilStoredHashList *list;
  g_autofree char *subtitle = NULL;
  g_autofree char *remove_label = NULL;

  G_OBJECT_CLASS (veil_hash_list_row_parent_class)->constructed (object);

  if (self->item == NULL)
    return;
  list = veil_hash_list_item_get_list (self->item);
  subtitle = describe (list);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), list->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  /* Translators: accessible label of the button removing the hash list named %s */
  remove_label = g_strdup_printf (_("Remove the list “%s”"), list->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->remove_button), g_variant_new_int64 (list->id));
}

static void
veil_hash_list_row_dispose (GObject *object)
{
  VeilHashListRow *self = VEIL_HASH_LIST_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_HASH_LIST_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (veil_hash_list_row_parent_class)->dispose (object);
}

static void
veil_hash_list_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VeilHashListRow *self = VEIL_HASH_LIST_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_hash_list_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VeilHashListRow *self = VEIL_HASH_LIST_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      self->item = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_hash_list_row_class_init (VeilHashListRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_hash_list_row_constructed;
  object_class->dispose = veil_hash_list_row_dispose;
  object_class->get_property = veil_hash_list_row_get_property;
  object_class->set_property = veil_hash_list_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, VEIL_TYPE_HASH_LIST_ITEM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-hash-list-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilHashListRow, remove_button);
}

static void
veil_hash_list_row_init (VeilHashListRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
veil_hash_list_row_new (VeilHashListItem *item)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST_ITEM (item), NULL);

  return g_object_new (VEIL_TYPE_HASH_LIST_ROW, "item", item, NULL);
}

/* Returns: (transfer none) (nullable): the list shown */
VeilHashListItem *
veil_hash_list_row_get_item (VeilHashListRow *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST_ROW (self), NULL);
  return self->item;
}
