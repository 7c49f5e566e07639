/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-classifier.h"
#include "veil-model.h"

G_BEGIN_DECLS

#define VEIL_TYPE_NSFW_CLASSIFIER (veil_nsfw_classifier_get_type ())
G_DECLARE_FINAL_TYPE (VeilNsfwClassifier, veil_nsfw_classifier, VEIL, NSFW_CLASSIFIER, GObject)

VeilNsfwClassifier *veil_nsfw_classifier_new         (VeilModel          *model,
                                                      GError            **error);
VeilNsfwClassifier *veil_nsfw_classifier_new_for_kind (VeilModelKind      kind,
                                                       GError           **error);
VeilModel          *veil_nsfw_classifier_get_model   (VeilNsfwClassifier *self);
guint               veil_nsfw_classifier_get_threads (VeilNsfwClassifier *self);
void                veil_nsfw_classifier_set_threads (VeilNsfwClassifier *self,
                                                      guint               n_threads);
void                veil_nsfw_classifier_release_memory (VeilNsfwClassifier *self);

G_END_DECLS
