/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vips/vips.h>

#include "veil-image.h"

G_BEGIN_DECLS

/* VeilImage is one class over three files: veil-image.c (the object and its API),
 * veil-image-format.c (which files are read, and their size limits) and veil-image-load.c
 * (the bounded decode that fills it in). */

/* One bounded decode per file. libvips reads the header, the limits are checked before any
 * pixel is decoded, then the pixels are decoded once and every buffer a consumer asked for is
 * made from that single decode. */

struct _VeilImage
{
  GObject         parent_instance;

  VeilImageNeeds  needs;
  char           *format;          /* owned; short name such as "jpeg" */
  guint           width;           /* stored size, EXIF orientation not applied */
  guint           height;
  guint           orientation;     /* EXIF orientation 1..8 */
  guint           shrink;          /* JPEG shrink-on-load factor used for the pixels, 1 = none */

  /* PDQ input: 8-bit, alpha dropped, 1 channel when every pixel has R = G = B. */
  guint8         *pixels;          /* owned */
  guint           pixels_width;
  guint           pixels_height;
  guint           pixels_channels;

  guint8         *classifier_rgb;  /* owned; 224 x 224 x 3 */

  guint8         *thumbnail;       /* owned; RGB, rowstride = width * 3 */
  guint           thumbnail_width;
  guint           thumbnail_height;
};

/* The widest and highest picture Veil decodes, in pixels: libpng's own limit, applied to
 * every format alike. */
#define VEIL_IMAGE_MAX_SIDE 1000000

void        _veil_image_ensure_vips     (void);

/* veil-image-format.c */
gboolean    _veil_image_check_file      (int                     fd,
                                         const char             *name,
                                         const VeilImageLimits  *limits,
                                         GError                **error);
const char *_veil_image_find_format     (int                     fd,
                                         VipsSource             *source,
                                         const char             *name,
                                         GError                **error);
gboolean    _veil_image_check_size      (const char             *name,
                                         guint64                 width,
                                         guint64                 height,
                                         const VeilImageLimits  *limits,
                                         GError                **error);
gboolean    _veil_image_check_png_size  (int                     fd,
                                         const char             *name,
                                         const VeilImageLimits  *limits,
                                         GError                **error);


/* veil-image-shrink.c */
guint8     *_veil_image_box_shrink      (const guint8           *pixels,
                                         guint                   width,
                                         guint                   height,
                                         guint                   bands,
                                         guint                   xshrink,
                                         guint                   yshrink,
                                         guint                  *out_width,
                                         guint                  *out_height);

/* veil-image-load.c */
VeilImage  *_veil_image_load_source     (int                     fd,
                                         const char             *name,
                                         VeilImageNeeds          needs,
                                         const VeilImageLimits  *limits,
                                         GCancellable           *cancellable,
                                         GError                **error);
VeilImage  *_veil_image_load_source_page (int                    fd,
                                         const char             *name,
                                         guint                   page,
                                         VeilImageNeeds          needs,
                                         const VeilImageLimits  *limits,
                                         GCancellable           *cancellable,
                                         GError                **error);
VeilImage  *_veil_image_new_from_rgb    (const guint8           *rgb,
                                         guint                   width,
                                         guint                   height,
                                         const char             *name,
                                         VeilImageNeeds          needs,
                                         const VeilImageLimits  *limits,
                                         GCancellable           *cancellable,
                                         GError                **error);

G_END_DECLS
