/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-alert-tile"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-alert-tile.h"

/* One alert in the review queue's grid: its blurred preview, as read with the alert (never
 * from the store here), the file name and, for a message warning, where it arrived; for a
 * picture Veil could not check, no preview and "Not checked". */

struct _VeilAlertTile
{
  GtkBox      parent_instance;

  /* template children */
  GtkPicture *picture;
  GtkLabel   *name_label;
  GtkLabel   *where_label;
};

G_DEFINE_FINAL_TYPE (VeilAlertTile, veil_alert_tile, GTK_TYPE_BOX)

static void
veil_alert_tile_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_ALERT_TILE);

  G_OBJECT_CLASS (veil_alert_tile_parent_class)->dispose (object);
}

static void
veil_alert_tile_class_init (VeilAlertTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_alert_tile_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-alert-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilAlertTile, picture);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertTile, where_label);
}

static void
veil_alert_tile_init (VeilAlertTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
veil_alert_tile_new (VeilAlertItem *item)
{
  VeilAlertTile *self;
  const VeilAlert *alert;
  GBytes *png;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (VEIL_IS_ALERT_ITEM (item), NULL);

  self = g_object_new (VEIL_TYPE_ALERT_TILE, NULL);
  alert = veil_alert_item_get_alert (item);
  png = veil_alert_item_get_thumbnail (item);
  texture = png != NULL ? gdk_texture_new_from_bytes (png, NULL) : NULL;
  name = g_path_get_basename (alert->path);

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_label_set_text (self->name_label, name);
  if (veil_verdict_get_unchecked (alert->verdict) && !veil_verdict_get_sensitive (alert->verdict))
    {
      /* Never decoded, so there is no preview: say why the tile is empty. */
      gtk_picture_set_alternative_text (self->picture, _("No picture is shown: Veil couldn’t check it"));
      gtk_label_set_text (self->where_label, _("Not checked"));
      gtk_widget_set_visible (GTK_WIDGET (self->where_label), TRUE);
    }
  else if (g_strcmp0 (alert->source, VEIL_ALERT_SOURCE_MESSAGE) == 0 && alert->folder != NULL)
    {
      /* Translators: a message warning's tile; %s is a folder such as Downloads, or an app */
      g_autofree char *arrived = g_strdup_printf (_("Arrived in %s"), alert->folder);

      gtk_label_set_text (self->where_label, arrived);
      gtk_widget_set_visible (GTK_WIDGET (self->where_label), TRUE);
    }
  if (g_strcmp0 (alert->state, VEIL_ALERT_STATE_DISMISSED) == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");
  return GTK_WIDGET (self);
}
