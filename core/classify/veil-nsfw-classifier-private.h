/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-nsfw-classifier.h"
#include "veil-nsfw-kernels-private.h"

G_BEGIN_DECLS

/* For tests and benchmarks: build the engine on one kernel path (fails with
 * G_IO_ERROR_NOT_SUPPORTED when this CPU cannot run it). */
VeilNsfwClassifier *_veil_nsfw_classifier_new_with_kernels (VeilModel           *model,
                                                            VeilNsfwKernelPath   path,
                                                            GError             **error);
const char         *_veil_nsfw_classifier_get_kernels_name (VeilNsfwClassifier  *self);

/* nsfwjs's own preprocessing, exactly: v = q / 255 in float32, then (for other sizes) a
 * bilinear resize with alignCorners = true computed in double. */
void                _veil_nsfw_preprocess_exact            (const guint8        *rgb,
                                                            guint                width,
                                                            guint                height,
                                                            gsize                rowstride,
                                                            float               *out,
                                                            guint                out_width,
                                                            guint                out_height);

G_END_DECLS
