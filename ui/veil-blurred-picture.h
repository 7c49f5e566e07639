/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The radius used unless told otherwise: strong enough that nothing in a picture shown at
 * alert-view size can be recognised. */
#define VEIL_BLURRED_PICTURE_DEFAULT_RADIUS 48.0

#define VEIL_TYPE_BLURRED_PICTURE (veil_blurred_picture_get_type ())

G_DECLARE_FINAL_TYPE (VeilBlurredPicture, veil_blurred_picture, VEIL, BLURRED_PICTURE, GtkWidget)

GtkWidget    *veil_blurred_picture_new              (void);
GdkPaintable *veil_blurred_picture_get_paintable    (VeilBlurredPicture *self);
void          veil_blurred_picture_set_paintable    (VeilBlurredPicture *self,
                                                     GdkPaintable       *paintable);
double        veil_blurred_picture_get_blur_radius  (VeilBlurredPicture *self);
void          veil_blurred_picture_set_blur_radius  (VeilBlurredPicture *self,
                                                     double              radius);
gboolean      veil_blurred_picture_get_revealed     (VeilBlurredPicture *self);
void          veil_blurred_picture_set_revealed     (VeilBlurredPicture *self,
                                                     gboolean            revealed);

G_END_DECLS
