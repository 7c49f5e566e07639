/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil.h"

G_BEGIN_DECLS

/* The test classifier behind the VeilClassifier seam: it flags pictures that are mostly red
 * ("porn" 0.93) and calls everything else neutral, so tests can make sensitive pictures
 * without any real explicit content. It counts its calls and how many ran at once. */

#define VEIL_TYPE_TEST_CLASSIFIER (veil_test_classifier_get_type ())
G_DECLARE_FINAL_TYPE (VeilTestClassifier, veil_test_classifier, VEIL, TEST_CLASSIFIER, GObject)

VeilTestClassifier *veil_test_classifier_new               (guint               delay_ms);
guint               veil_test_classifier_get_n_calls       (VeilTestClassifier *self);
guint               veil_test_classifier_get_max_in_flight (VeilTestClassifier *self);

G_END_DECLS
