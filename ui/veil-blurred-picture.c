/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-blurred-picture"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-blurred-picture.h"

/* A picture drawn scaled to fit and, until revealed, under a strong blur. The blur is
 * applied by the renderer at draw time (gtk_snapshot_push_blur), so the only copy of the
 * sharp pixels is the paintable the caller handed in, in memory: nothing here writes or
 * caches a blurred or unblurred image anywhere. */

/* Pictures are shown at most this large by default; the layout may give them less. */
#define NATURAL_MAX_WIDTH 480
#define NATURAL_MAX_HEIGHT 360

struct _VeilBlurredPicture
{
  GtkWidget     parent_instance;

  /* owned */
  GdkPaintable *paintable;
  double        blur_radius;
  gboolean      revealed;
};

G_DEFINE_FINAL_TYPE (VeilBlurredPicture, veil_blurred_picture, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PAINTABLE,
  PROP_BLUR_RADIUS,
  PROP_REVEALED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_accessible_label (VeilBlurredPicture *self)
{
  const char *label;

  if (self->paintable == NULL)
    label = _("No picture");
  else if (self->revealed)
    label = _("The picture, not blurred");
  else
    label = _("The picture, blurred so that nothing in it can be seen");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
contents_changed_cb (VeilBlurredPicture *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
size_changed_cb (VeilBlurredPicture *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* The largest rectangle with the paintable's aspect ratio that fits width x height. */
static void
compute_fit (VeilBlurredPicture *self,
             double              width,
             double              height,
             graphene_rect_t    *out)
{
  double ratio = gdk_paintable_get_intrinsic_aspect_ratio (self->paintable);
  double w = width, h = height;

  if (ratio > 0 && width > 0 && height > 0)
    {
      if (width / height > ratio)
        w = height * ratio;
      else
        h = width / ratio;
    }
  graphene_rect_init (out, (width - w) / 2, (height - h) / 2, w, h);
}

static void
veil_blurred_picture_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  VeilBlurredPicture *self = VEIL_BLURRED_PICTURE (widget);
  graphene_rect_t fit;

  if (self->paintable == NULL)
    return;

  compute_fit (self, gtk_widget_get_width (widget), gtk_widget_get_height (widget), &fit);
  if (fit.size.width <= 0 || fit.size.height <= 0)
    return;

  /* The blur spreads past the picture's edges: keep it inside them. */
  gtk_snapshot_push_clip (snapshot, &fit);
  if (!self->revealed && self->blur_radius > 0)
    gtk_snapshot_push_blur (snapshot, self->blur_radius);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &fit.origin);
  gdk_paintable_snapshot (self->paintable, snapshot, fit.size.width, fit.size.height);
  gtk_snapshot_restore (snapshot);
  if (!self->revealed && self->blur_radius > 0)
    gtk_snapshot_pop (snapshot);
  gtk_snapshot_pop (snapshot);
}

static void
veil_blurred_picture_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  VeilBlurredPicture *self = VEIL_BLURRED_PICTURE (widget);
  double ratio;
  int size;

  *minimum = 0;
  *natural = 0;
  if (self->paintable == NULL)
    return;

  ratio = gdk_paintable_get_intrinsic_aspect_ratio (self->paintable);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      size = gdk_paintable_get_intrinsic_width (self->paintable);
      if (for_size > 0 && ratio > 0)
        size = MIN (size > 0 ? size : G_MAXINT, (int) (for_size * ratio));
      *natural = CLAMP (size, 0, NATURAL_MAX_WIDTH);
    }
  else
    {
      size = gdk_paintable_get_intrinsic_height (self->paintable);
      if (for_size > 0 && ratio > 0)
        size = MIN (size > 0 ? size : G_MAXINT, (int) (for_size / ratio));
      *natural = CLAMP (size, 0, NATURAL_MAX_HEIGHT);
    }
}

static GtkSizeRequestMode
veil_blurred_picture_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
veil_blurred_picture_dispose (GObject *object)
{
  VeilBlurredPicture *self = VEIL_BLURRED_PICTURE (object);

  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->paintable, self);
  g_clear_object (&self->paintable);

  G_OBJECT_CLASS (veil_blurred_picture_parent_class)->dispose (object);
}

static void
veil_blurred_picture_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VeilBlurredPicture *self = VEIL_BLURRED_PICTURE (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE:
      g_value_set_object (value, self->paintable);
      break;
    case PROP_BLUR_RADIUS:
      g_value_set_double (value, self->blur_radius);
      break;
    case PROP_REVEALED:
      g_value_set_boolean (value, self->revealed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_blurred_picture_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VeilBlurredPicture *self = VEIL_BLURRED_PICTURE (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE:
      veil_blurred_picture_set_paintable (self, g_value_get_object (value));
      break;
    case PROP_BLUR_RADIUS:
      veil_blurred_picture_set_blur_radius (self, g_value_get_double (value));
      break;
    case PROP_REVEALED:
      veil_blurred_picture_set_revealed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_blurred_picture_class_init (VeilBlurredPictureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_blurred_picture_dispose;
  object_class->get_property = veil_blurred_picture_get_property;
  object_class->set_property = veil_blurred_picture_set_property;

  widget_class->snapshot = veil_blurred_picture_snapshot;
  widget_class->measure = veil_blurred_picture_measure;
  widget_class->get_request_mode = veil_blurred_picture_get_request_mode;

  /**
   * VeilBlurredPicture:paintable:
   *
   * What to draw, usually a #GdkMemoryTexture made for display.
   */
  properties[PROP_PAINTABLE] =
    g_param_spec_object ("paintable", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * VeilBlurredPicture:blur-radius:
   *
   * The blur's radius in pixels while the picture is not revealed; 0 draws it sharp.
   */
  properties[PROP_BLUR_RADIUS] =
    g_param_spec_double ("blur-radius", NULL, NULL, 0.0, 500.0, VEIL_BLURRED_PICTURE_DEFAULT_RADIUS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * VeilBlurredPicture:revealed:
   *
   * Whether the picture is drawn without the blur.
   */
  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "veil-blurred-picture");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
veil_blurred_picture_init (VeilBlurredPicture *self)
{
  self->blur_radius = VEIL_BLURRED_PICTURE_DEFAULT_RADIUS;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  update_accessible_label (self);
}

/* --- Public API ----------------------------------------------------------------------------- */

GtkWidget *
veil_blurred_picture_new (void)
{
  return g_object_new (VEIL_TYPE_BLURRED_PICTURE, NULL);
}

/* Returns: (transfer none) (nullable): what is drawn */
GdkPaintable *
veil_blurred_picture_get_paintable (VeilBlurredPicture *self)
{
  g_return_val_if_fail (VEIL_IS_BLURRED_PICTURE (self), NULL);
  return self->paintable;
}

/**
 * veil_blurred_picture_set_paintable:
 * @paintable: (nullable): the picture
 *
 * Sets what is drawn. A new picture is never revealed by the change: the caller decides.
 */
void
veil_blurred_picture_set_paintable (VeilBlurredPicture *self,
                                    GdkPaintable       *paintable)
{
  g_return_if_fail (VEIL_IS_BLURRED_PICTURE (self));
  g_return_if_fail (paintable == NULL || GDK_IS_PAINTABLE (paintable));

  if (self->paintable == paintable)
    return;

  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->paintable, self);
  g_set_object (&self->paintable, paintable);
  if (paintable != NULL)
    {
      g_signal_connect_swapped (paintable, "invalidate-contents", G_CALLBACK (contents_changed_cb), self);
      g_signal_connect_swapped (paintable, "invalidate-size", G_CALLBACK (size_changed_cb), self);
    }

  update_accessible_label (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);
}

double
veil_blurred_picture_get_blur_radius (VeilBlurredPicture *self)
{
  g_return_val_if_fail (VEIL_IS_BLURRED_PICTURE (self), 0.0);
  return self->blur_radius;
}

void
veil_blurred_picture_set_blur_radius (VeilBlurredPicture *self,
                                      double              radius)
{
  g_return_if_fail (VEIL_IS_BLURRED_PICTURE (self));
  g_return_if_fail (radius >= 0.0);

  if (self->blur_radius == radius)
    return;
  self->blur_radius = radius;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLUR_RADIUS]);
}

gboolean
veil_blurred_picture_get_revealed (VeilBlurredPicture *self)
{
  g_return_val_if_fail (VEIL_IS_BLURRED_PICTURE (self), FALSE);
  return self->revealed;
}

void
veil_blurred_picture_set_revealed (VeilBlurredPicture *self,
                                   gboolean            revealed)
{
  g_return_if_fail (VEIL_IS_BLURRED_PICTURE (self));

  revealed = !!revealed;
  if (self->revealed == revealed)
    return;
  self->revealed = revealed;
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}
