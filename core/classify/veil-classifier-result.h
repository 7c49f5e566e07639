/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What a classifier says about one image: per-class probabilities and logits, the top class,
 * the model that said it and, when asked for, a class-activation heatmap per class. An
 * immutable, reference-counted value, safe to pass between threads. */

typedef struct _VeilClassifierResult VeilClassifierResult;

#define VEIL_TYPE_CLASSIFIER_RESULT (veil_classifier_result_get_type ())

GType                 veil_classifier_result_get_type          (void) G_GNUC_CONST;
VeilClassifierResult *veil_classifier_result_ref               (VeilClassifierResult *self);
void                  veil_classifier_result_unref             (VeilClassifierResult *self);

guint                 veil_classifier_result_get_n_classes     (VeilClassifierResult *self);
const char           *veil_classifier_result_get_class_name    (VeilClassifierResult *self,
                                                                guint                 index);
VeilClassifierResult *veil_classifier_result_get_second        (VeilClassifierResult *self);
int                   veil_classifier_result_find_class        (VeilClassifierResult *self,
                                                                const char           *name);
double                veil_classifier_result_get_probability   (VeilClassifierResult *self,
                                                                guint                 index);
double                veil_classifier_result_get_logit         (VeilClassifierResult *self,
                                                                guint                 index);
guint                 veil_classifier_result_get_top_class     (VeilClassifierResult *self);

const char           *veil_classifier_result_get_model_name    (VeilClassifierResult *self);
const char           *veil_classifier_result_get_model_version (VeilClassifierResult *self);
const char           *veil_classifier_result_get_model_sha256  (VeilClassifierResult *self);

gboolean              veil_classifier_result_has_heatmap       (VeilClassifierResult *self);
const float          *veil_classifier_result_get_heatmap       (VeilClassifierResult *self,
                                                                guint                 index,
                                                                guint                *width,
                                                                guint                *height);
double                veil_classifier_result_get_heatmap_bias  (VeilClassifierResult *self,
                                                                guint                 index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilClassifierResult, veil_classifier_result_unref)

G_END_DECLS
