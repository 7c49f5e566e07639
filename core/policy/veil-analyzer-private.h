/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-analyzer.h"

G_BEGIN_DECLS

/* Classifier results borrow their array of class names for their whole life. Results made
 * from stored or merged scores use one of these, interned for the process (one per distinct
 * list of names). */
const char **_veil_analyzer_intern_class_names (const char **names,
                                                guint        n);

G_END_DECLS
