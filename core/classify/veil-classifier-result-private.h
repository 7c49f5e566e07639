/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-classifier-result.h"

G_BEGIN_DECLS

VeilClassifierResult *_veil_classifier_result_new           (guint                 n_classes,
                                                             const char          **class_names,
                                                             const float          *probabilities,
                                                             const float          *logits,
                                                             const char           *model_name,
                                                             const char           *model_version,
                                                             const char           *model_sha256);
void                  _veil_classifier_result_take_heatmaps (VeilClassifierResult *self,
                                                             float                *maps,
                                                             double               *bias,
                                                             guint                 width,
                                                             guint                 height);
void                  _veil_classifier_result_set_second    (VeilClassifierResult *self,
                                                             VeilClassifierResult *second);
/* Classifier results borrow their array of class names for their whole life. Results made
 * from stored or merged scores use one of these, interned for the process (one per distinct
 * list of names). */
const char          **_veil_classifier_result_intern_class_names (const char **names,
                                                                  guint        n);

G_END_DECLS
