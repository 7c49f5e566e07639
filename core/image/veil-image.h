/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"

G_BEGIN_DECLS

#define VEIL_IMAGE_ERROR (veil_image_error_quark ())

typedef enum {
  VEIL_IMAGE_ERROR_NOT_FOUND = 1,
  VEIL_IMAGE_ERROR_UNREADABLE = 2,
  VEIL_IMAGE_ERROR_NOT_AN_IMAGE = 3,
  VEIL_IMAGE_ERROR_UNSUPPORTED = 4,
  VEIL_IMAGE_ERROR_CORRUPT = 5,         /* truncated or damaged data */
  VEIL_IMAGE_ERROR_FILE_TOO_LARGE = 6,
  VEIL_IMAGE_ERROR_TOO_MANY_PIXELS = 7,
  VEIL_IMAGE_ERROR_TIMEOUT = 8,
  VEIL_IMAGE_ERROR_TOO_SMALL = 9,
  VEIL_IMAGE_ERROR_NOT_A_FILE = 10,     /* directory, device, ... */
  VEIL_IMAGE_ERROR_EMPTY = 11,          /* a zero-byte file */
} VeilImageError;

typedef enum {
  VEIL_IMAGE_NEED_PDQ        = 1 << 0, /* full-resolution 8-bit RGB or grey, no EXIF rotation */
  VEIL_IMAGE_NEED_CLASSIFIER = 1 << 1, /* 224x224 RGB for the classifier */
  VEIL_IMAGE_NEED_THUMBNAIL  = 1 << 2, /* small display thumbnail, EXIF applied */
  VEIL_IMAGE_NEED_PDQ_FAST   = 1 << 3, /* PDQ pixels, JPEGs shrunk on load (long side >= 1000) */
} VeilImageNeeds;

typedef struct {
  guint64 max_file_size;   /* bytes; 0 = no limit */
  guint64 max_pixels;      /* width x height of the stored image; 0 = no limit */
  guint   timeout_ms;      /* decoding time budget; 0 = no limit */
} VeilImageLimits;

/* The long side of the display thumbnail, in pixels. */
#define VEIL_IMAGE_THUMBNAIL_SIZE 256
/* The side of the classifier's square input. */
#define VEIL_IMAGE_CLASSIFIER_SIZE 224

#define VEIL_TYPE_IMAGE (veil_image_get_type ())
G_DECLARE_FINAL_TYPE (VeilImage, veil_image, VEIL, IMAGE, GObject)

GQuark         veil_image_error_quark          (void);

void           veil_image_limits_init_default  (VeilImageLimits        *limits);
void           veil_image_set_decode_threads   (guint                   n_threads);

VeilImage     *veil_image_load_file            (const char             *path,
                                                VeilImageNeeds          needs,
                                                const VeilImageLimits  *limits,
                                                GCancellable           *cancellable,
                                                GError                **error);
VeilImage     *veil_image_load_fd              (int                     fd,
                                                VeilImageNeeds          needs,
                                                const VeilImageLimits  *limits,
                                                GCancellable           *cancellable,
                                                GError                **error);
void           veil_image_load_file_async      (const char             *path,
                                                VeilImageNeeds          needs,
                                                const VeilImageLimits  *limits,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
VeilImage     *veil_image_load_file_finish     (GAsyncResult           *result,
                                                GError                **error);

VeilImageNeeds veil_image_get_needs            (VeilImage              *self);
const char    *veil_image_get_format           (VeilImage              *self);
guint          veil_image_get_width            (VeilImage              *self);
guint          veil_image_get_height           (VeilImage              *self);
guint          veil_image_get_orientation      (VeilImage              *self);
guint          veil_image_get_shrink           (VeilImage              *self);

const guint8  *veil_image_get_pixels           (VeilImage              *self,
                                                guint                  *width,
                                                guint                  *height,
                                                guint                  *channels);
const guint8  *veil_image_get_classifier_rgb   (VeilImage              *self);
const guint8  *veil_image_get_thumbnail        (VeilImage              *self,
                                                guint                  *width,
                                                guint                  *height);

G_END_DECLS
