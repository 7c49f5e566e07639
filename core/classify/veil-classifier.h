/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-classifier-result.h"
#include "veil-image.h"

G_BEGIN_DECLS

#define VEIL_CLASSIFIER_ERROR (veil_classifier_error_quark ())

typedef enum {
  VEIL_CLASSIFIER_ERROR_INVALID_INPUT = 1,  /* pixel buffer of the wrong size or shape */
  VEIL_CLASSIFIER_ERROR_NO_PIXELS = 2,      /* a VeilImage loaded without classifier pixels */
} VeilClassifierError;

typedef enum {
  VEIL_CLASSIFY_FLAGS_NONE = 0,
  VEIL_CLASSIFY_FLAGS_HEATMAP = 1 << 0,     /* also compute the class-activation maps */
} VeilClassifyFlags;

#define VEIL_TYPE_CLASSIFIER (veil_classifier_get_type ())
G_DECLARE_INTERFACE (VeilClassifier, veil_classifier, VEIL, CLASSIFIER, GObject)

struct _VeilClassifierInterface
{
  GTypeInterface parent_iface;

  /* Classifies 8-bit RGB pixels (rows of @rowstride bytes). Called from any thread. */
  VeilClassifierResult *(*classify_rgb) (VeilClassifier     *self,
                                         const guint8       *rgb,
                                         guint               width,
                                         guint               height,
                                         gsize               rowstride,
                                         VeilClassifyFlags   flags,
                                         GCancellable       *cancellable,
                                         GError            **error);
};

GQuark                veil_classifier_error_quark          (void);

VeilClassifierResult *veil_classifier_classify_rgb         (VeilClassifier       *self,
                                                            const guint8         *rgb,
                                                            guint                 width,
                                                            guint                 height,
                                                            gsize                 rowstride,
                                                            VeilClassifyFlags     flags,
                                                            GCancellable         *cancellable,
                                                            GError              **error);
VeilClassifierResult *veil_classifier_classify_image       (VeilClassifier       *self,
                                                            VeilImage            *image,
                                                            VeilClassifyFlags     flags,
                                                            GCancellable         *cancellable,
                                                            GError              **error);
void                  veil_classifier_classify_image_async (VeilClassifier       *self,
                                                            VeilImage            *image,
                                                            VeilClassifyFlags     flags,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
VeilClassifierResult *veil_classifier_classify_image_finish (VeilClassifier      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
