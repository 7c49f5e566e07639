/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-nsfw-classifier.h"
#include "veil-model-private.h"
#include "veil-nsfw-kernels-private.h"

G_BEGIN_DECLS

/* For tests and benchmarks: build the engine on one kernel path (fails with
 * G_IO_ERROR_NOT_SUPPORTED when this CPU cannot run it). */
VeilNsfwClassifier *_veil_nsfw_classifier_new_with_kernels (VeilModel           *model,
                                                            VeilNsfwKernelPath   path,
                                                            GError             **error);
const char         *_veil_nsfw_classifier_get_kernels_name (VeilNsfwClassifier  *self);
const VeilNsfwKernels *_veil_nsfw_classifier_get_kernels    (VeilNsfwClassifier  *self);
/* Multiply-adds in one forward pass. */
guint64             _veil_nsfw_classifier_count_macs       (VeilNsfwClassifier  *self);

/* nsfwjs's own preprocessing, exactly: v = q / 255 in float32, then (for other sizes) a
 * bilinear resize with alignCorners = true computed in double. */
void                _veil_nsfw_preprocess_exact            (const guint8        *rgb,
                                                            guint                width,
                                                            guint                height,
                                                            gsize                rowstride,
                                                            float               *out,
                                                            guint                out_width,
                                                            guint                out_height);

/* The engine's insides, shared between veil-nsfw-classifier.c (the object and the classifier
 * interface), veil-nsfw-classifier-build.c (preparing the weights) and
 * veil-nsfw-classifier-run.c (the forward pass and its helper thread). */

#define VEIL_NSFW_N_CLASSES 5

/* Output order of the nsfwjs model. */
extern const char *_veil_nsfw_classifier_class_names[VEIL_NSFW_N_CLASSES];

typedef enum {
  VEIL_NSFW_STEP_POINTWISE,
  VEIL_NSFW_STEP_CONV,
  VEIL_NSFW_STEP_DEPTHWISE,
  VEIL_NSFW_STEP_ADD,
  VEIL_NSFW_STEP_GAP,
  VEIL_NSFW_STEP_DENSE,
  VEIL_NSFW_STEP_SCALE_SHIFT,
} VeilNsfwStepKind;

#define VEIL_NSFW_SLOT_INPUT (-1)

typedef struct {
  const VeilModelOp *op;
  VeilNsfwStepKind   kind;
  float             *weights;   /* owned (aligned): folded, and packed for pointwise; the
                                 * factor of a scale-shift */
  float             *bias;      /* owned: folded bias, out_c values; the subtrahend of a
                                 * scale-shift */
  int                in_slot[2];
  int                out_slot;
} VeilNsfwStep;

typedef struct _VeilNsfwArena VeilNsfwArena;

struct _VeilNsfwClassifier
{
  GObject                parent_instance;

  VeilModel             *model;        /* owned */
  const VeilNsfwKernels *kernels;
  guint                  in_w, in_h;
  guint                  n_classes;

  VeilNsfwStep          *steps;        /* owned, one per model op */
  guint                  n_steps;
  gsize                 *slot_sizes;   /* owned, floats per slot */
  guint                  n_slots;

  /* Heatmap support: the GAP step and the dense chain after it. -1 when the model's head
   * is not GAP followed by dense layers. */
  int                    gap_step;

  GMutex                 arena_lock;
  GPtrArray             *free_arenas;  /* owned VeilNsfwArena* not in use */

  gint                   n_threads;    /* atomic: threads per image; 1 = the calling thread only */

  /* Readers are classifications; the writer drops or rebuilds the prepared weights (see
   * veil_nsfw_classifier_release_memory()). */
  GRWLock                weights_lock;
  VeilNsfwKernelPath     kernel_path;
  gboolean               released;     /* the weights were freed and must be built again */
};

/* veil-nsfw-classifier-build.c */
float                *_veil_nsfw_classifier_alloc_floats       (gsize                 count);
gboolean              _veil_nsfw_classifier_build              (VeilNsfwClassifier   *self,
                                                                VeilModel            *model,
                                                                VeilNsfwKernelPath    path,
                                                                GError              **error);
void                  _veil_nsfw_classifier_free_prepared      (VeilNsfwClassifier   *self);

/* veil-nsfw-classifier-run.c */
void                  _veil_nsfw_classifier_init_byte_table    (void);
void                  _veil_nsfw_classifier_arena_free         (VeilNsfwArena        *arena);
VeilClassifierResult *_veil_nsfw_classifier_classify_prepared  (VeilNsfwClassifier   *self,
                                                                const guint8         *rgb,
                                                                guint                 width,
                                                                guint                 height,
                                                                gsize                 rowstride,
                                                                VeilClassifyFlags     flags,
                                                                GCancellable         *cancellable,
                                                                GError              **error);

G_END_DECLS
