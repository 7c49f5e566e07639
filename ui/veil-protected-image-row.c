/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-protected-image-row"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-protected-image-row.h"

/* A picture the child protects, as text only (never a thumbnail): when it was added and its
 * two codes, with buttons to copy them and to stop protecting it (the "protect.copy" and
 * "protect.remove" actions of the window around). */

struct _VeilProtectedImageRow
{
  AdwActionRow      parent_instance;

  /* construct-only, owned */
  VeilProtectedImageItem *item;

  /* template children */
  GtkButton        *copy_button;
  GtkButton        *remove_button;
};

G_DEFINE_FINAL_TYPE (VeilProtectedImageRow, veil_protected_image_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
veil_protected_image_row_constructed (GObject *object)
{
  VeilProtectedImageRow *self = VEIL_PROTECTED_IMAGE_ROW (object);
  const VeilProtectedImage *image;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *date = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  G_OBJECT_CLASS (veil_protected_image_row_parent_class)->constructed (object);

  if (self->item == NULL)
    return;
  image = veil_protected_image_item_get_image (self->item);
  when = g_date_time_new_from_unix_local (image->added);
  /* Translators: when a picture was protected, see g_date_time_format() */
  date = g_date_time_format (when, _("%e %B %Y"));
  /* Translators: %s is a date; the row shows a protected picture's codes, not the picture */
  title = g_strdup_printf (_("Picture added %s"), g_strstrip (date));
  subtitle = veil_protected_image_row_format_hashes (image);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->copy_button), g_variant_new_string (image->md5));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->remove_button), g_variant_new_string (image->md5));
}

static void
veil_protected_image_row_dispose (GObject *object)
{
  VeilProtectedImageRow *self = VEIL_PROTECTED_IMAGE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_PROTECTED_IMAGE_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (veil_protected_image_row_parent_class)->dispose (object);
}

static void
veil_protected_image_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VeilProtectedImageRow *self = VEIL_PROTECTED_IMAGE_ROW (object);

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
veil_protected_image_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VeilProtectedImageRow *self = VEIL_PROTECTED_IMAGE_ROW (object);

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
veil_protected_image_row_class_init (VeilProtectedImageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_protected_image_row_constructed;
  object_class->dispose = veil_protected_image_row_dispose;
  object_class->get_property = veil_protected_image_row_get_property;
  object_class->set_property = veil_protected_image_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, VEIL_TYPE_PROTECTED_IMAGE_ITEM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-protected-image-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilProtectedImageRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, VeilProtectedImageRow, remove_button);
}

static void
veil_protected_image_row_init (VeilProtectedImageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
veil_protected_image_row_new (VeilProtectedImageItem *item)
{
  g_return_val_if_fail (VEIL_IS_PROTECTED_IMAGE_ITEM (item), NULL);

  return g_object_new (VEIL_TYPE_PROTECTED_IMAGE_ROW, "item", item, NULL);
}

/* Returns: (transfer none) (nullable): the picture shown */
VeilProtectedImageItem *
veil_protected_image_row_get_item (VeilProtectedImageRow *self)
{
  g_return_val_if_fail (VEIL_IS_PROTECTED_IMAGE_ROW (self), NULL);
  return self->item;
}

/**
 * veil_protected_image_row_format_hashes:
 *
 * Returns: (transfer full): the picture's two codes, one a line, as shown and as copied
 */
char *
veil_protected_image_row_format_hashes (const VeilProtectedImage *image)
{
  char pdq[VEIL_PDQ_HEX_LENGTH + 1];

  g_return_val_if_fail (image != NULL, NULL);

  veil_pdq_hash_to_hex (&image->pdq, pdq);
  /* Not translated: the services ask for these exact names. */
  return g_strdup_printf ("MD5: %s\nPDQ: %s", image->md5, pdq);
}
