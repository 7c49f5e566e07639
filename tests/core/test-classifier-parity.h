/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-nsfw-classifier-private.h"

/* What the two classifier parity tests (one per model) read the same way: reference rows
 * of a name and one value per class, and the raw .rgb inputs. */

G_BEGIN_DECLS

#define N_CLASSES 5

typedef struct {
  char   *name;
  double  values[N_CLASSES];
} Expected;

typedef VeilModel *(*ParityGetModel) (void);

GPtrArray          *parity_read_expected   (const char         *path);
guint               parity_argmax          (const double       *v);
guint8             *parity_read_rgb        (const char         *path,
                                            guint              *width,
                                            guint              *height);
VeilNsfwClassifier *parity_make_classifier (ParityGetModel      get_model,
                                            VeilNsfwKernelPath  path);
void                parity_cap_kernels     (ParityGetModel      get_model,
                                            const char         *cap);

G_END_DECLS
