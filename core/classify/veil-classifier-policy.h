/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "veil-classifier-result.h"

G_BEGIN_DECLS

/* When classifier scores make an image "sensitive": a threshold per class, and optionally one
 * on the sum of those classes' probabilities. An immutable, reference-counted value; the
 * analyzer builds one per profile from its sensitivity level. */

typedef struct _VeilClassifierPolicy VeilClassifierPolicy;

typedef struct {
  const char *class_name;   /* e.g. "porn" */
  double      threshold;    /* flag when the probability is >= this */
} VeilClassifierThreshold;

#define VEIL_TYPE_CLASSIFIER_POLICY (veil_classifier_policy_get_type ())

GType                 veil_classifier_policy_get_type          (void) G_GNUC_CONST;
VeilClassifierPolicy *veil_classifier_policy_new               (const VeilClassifierThreshold *thresholds,
                                                                gsize                          n_thresholds,
                                                                double                         combined_threshold);
VeilClassifierPolicy *veil_classifier_policy_new_default       (void);
VeilClassifierPolicy *veil_classifier_policy_ref               (VeilClassifierPolicy          *self);
void                  veil_classifier_policy_unref             (VeilClassifierPolicy          *self);

gsize                 veil_classifier_policy_get_n_thresholds  (VeilClassifierPolicy          *self);
const VeilClassifierThreshold *
                      veil_classifier_policy_get_threshold     (VeilClassifierPolicy          *self,
                                                                gsize                          index);
double                veil_classifier_policy_get_combined_threshold (VeilClassifierPolicy     *self);

gboolean              veil_classifier_policy_evaluate          (VeilClassifierPolicy          *self,
                                                                VeilClassifierResult          *result,
                                                                int                           *flagged_class);

/* The second opinion (data/models/README.md, "Second opinion"): a flag whose every score lies
 * in the lower part of the flagged range, MARGIN of the way from each threshold to 1, is
 * borderline; the second model overrules it only when it gives P(neutral) + P(drawing) of at
 * least BAR. Higher flags always stand. */
#define VEIL_SECOND_OPINION_MARGIN 0.5
#define VEIL_SECOND_OPINION_BAR    0.9

gboolean              veil_classifier_policy_is_borderline     (VeilClassifierPolicy          *self,
                                                                VeilClassifierResult          *result,
                                                                double                         margin);
double                veil_classifier_result_get_harmless      (VeilClassifierResult          *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilClassifierPolicy, veil_classifier_policy_unref)

G_END_DECLS
