/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Shows where in a picture the classifier's score came from: the class-activation map,
 * upsampled with libvips and laid in translucent red over a blurred copy of the picture (the
 * blur keeps the overlay itself from showing the content it warns about). */

#define VEIL_HEATMAP_ERROR (veil_heatmap_error_quark ())

typedef enum {
  VEIL_HEATMAP_ERROR_INVALID = 1,  /* empty map or picture */
  VEIL_HEATMAP_ERROR_RENDER = 2,   /* libvips could not draw it */
  VEIL_HEATMAP_ERROR_WRITE = 3,    /* the PNG could not be written */
} VeilHeatmapError;

GQuark   veil_heatmap_error_quark (void);

guint8  *veil_heatmap_render      (const float   *map,
                                   guint          map_width,
                                   guint          map_height,
                                   const guint8  *rgb,
                                   guint          width,
                                   guint          height,
                                   GError       **error);
gboolean veil_heatmap_save_png    (const float   *map,
                                   guint          map_width,
                                   guint          map_height,
                                   const guint8  *rgb,
                                   guint          width,
                                   guint          height,
                                   const char    *path,
                                   GError       **error);

G_END_DECLS
