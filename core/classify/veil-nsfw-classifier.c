/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-nsfw-classifier"

#include "config.h"

#include "veil-nsfw-classifier-private.h"

/* VeilNsfwClassifier: Veil's own inference engine for the nsfwjs MobileNetV2 and, as a
 * second opinion, its MobileNetV2Mid (the same kinds of layers, plus an input scaling).
 *
 * At construction the model's uint8 weights are dequantized exactly as TF.js does, batch
 * norm is folded into the convolutions, and 1x1 convolutions get their weights packed for
 * the GEMM micro-kernels. Everything built here is read-only afterwards, so any number of
 * threads can classify at once; each call borrows a scratch arena (activation buffers) from
 * a pool and gives it back, so nothing is allocated per inference once the pool is warm.
 * Arithmetic is float32 throughout, like the reference, so results match it to ~1e-6. */

/* Output order of the nsfwjs model. */
const char *_veil_nsfw_classifier_class_names[VEIL_NSFW_N_CLASSES] = { "drawing", "hentai", "neutral", "porn", "sexy" };

static void veil_nsfw_classifier_iface_init (VeilClassifierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VeilNsfwClassifier, veil_nsfw_classifier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VEIL_TYPE_CLASSIFIER, veil_nsfw_classifier_iface_init))

static VeilClassifierResult *
veil_nsfw_classifier_classify_rgb (VeilClassifier     *classifier,
                                   const guint8       *rgb,
                                   guint               width,
                                   guint               height,
                                   gsize               rowstride,
                                   VeilClassifyFlags   flags,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  VeilNsfwClassifier *self = VEIL_NSFW_CLASSIFIER (classifier);
  VeilClassifierResult *result;

  g_rw_lock_reader_lock (&self->weights_lock);
  while (self->released)
    {
      /* Prepared again from the model after a release: some 15 ms, once. */
      g_rw_lock_reader_unlock (&self->weights_lock);
      g_rw_lock_writer_lock (&self->weights_lock);
      if (self->released)
        {
          g_autoptr(VeilModel) model = g_steal_pointer (&self->model);

          if (!_veil_nsfw_classifier_build (self, model, self->kernel_path, error))
            {
              _veil_nsfw_classifier_free_prepared (self);
              self->model = g_steal_pointer (&model);
              g_rw_lock_writer_unlock (&self->weights_lock);
              return NULL;
            }
          self->released = FALSE;
        }
      g_rw_lock_writer_unlock (&self->weights_lock);
      g_rw_lock_reader_lock (&self->weights_lock);
    }
  result = _veil_nsfw_classifier_classify_prepared (self, rgb, width, height, rowstride, flags, cancellable, error);
  g_rw_lock_reader_unlock (&self->weights_lock);
  return result;
}

static void
veil_nsfw_classifier_iface_init (VeilClassifierInterface *iface)
{
  iface->classify_rgb = veil_nsfw_classifier_classify_rgb;
}

static void
veil_nsfw_classifier_dispose (GObject *object)
{
  VeilNsfwClassifier *self = VEIL_NSFW_CLASSIFIER (object);

  g_clear_object (&self->model);

  G_OBJECT_CLASS (veil_nsfw_classifier_parent_class)->dispose (object);
}

static void
veil_nsfw_classifier_finalize (GObject *object)
{
  VeilNsfwClassifier *self = VEIL_NSFW_CLASSIFIER (object);

  _veil_nsfw_classifier_free_prepared (self);
  g_clear_pointer (&self->free_arenas, g_ptr_array_unref);
  g_mutex_clear (&self->arena_lock);
  g_rw_lock_clear (&self->weights_lock);

  G_OBJECT_CLASS (veil_nsfw_classifier_parent_class)->finalize (object);
}

static void
veil_nsfw_classifier_class_init (VeilNsfwClassifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_nsfw_classifier_dispose;
  object_class->finalize = veil_nsfw_classifier_finalize;
}

static void
veil_nsfw_classifier_init (VeilNsfwClassifier *self)
{
  g_mutex_init (&self->arena_lock);
  g_rw_lock_init (&self->weights_lock);
  self->free_arenas = g_ptr_array_new_with_free_func ((GDestroyNotify) _veil_nsfw_classifier_arena_free);
  self->gap_step = -1;
  self->n_threads = 1;
}

VeilNsfwClassifier *
_veil_nsfw_classifier_new_with_kernels (VeilModel           *model,
                                        VeilNsfwKernelPath   path,
                                        GError             **error)
{
  g_autoptr(VeilNsfwClassifier) self = NULL;

  g_return_val_if_fail (VEIL_IS_MODEL (model), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (VEIL_TYPE_NSFW_CLASSIFIER, NULL);
  if (!_veil_nsfw_classifier_build (self, model, path, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
_veil_nsfw_classifier_get_kernels_name (VeilNsfwClassifier *self)
{
  g_return_val_if_fail (VEIL_IS_NSFW_CLASSIFIER (self), NULL);
  return self->kernels->name;
}

/**
 * veil_nsfw_classifier_new:
 * @model: a loaded #VeilModel (either of Veil's models, see veil_model_get_kind())
 * @error: return location for an error
 *
 * Prepares the inference engine for @model on the fastest kernels this CPU runs.
 *
 * Returns: (transfer full) (nullable): the classifier, or %NULL with @error set
 */
VeilNsfwClassifier *
veil_nsfw_classifier_new (VeilModel  *model,
                          GError    **error)
{
  return _veil_nsfw_classifier_new_with_kernels (model, VEIL_NSFW_KERNELS_AUTO, error);
}

/**
 * veil_nsfw_classifier_new_for_kind:
 * @kind: %VEIL_MODEL_KIND_MOBILENET_V2 (the classifier) or
 *   %VEIL_MODEL_KIND_MOBILENET_V2_MID (the second opinion on borderline flags)
 * @error: return location for an error
 *
 * Loads the installed model of @kind (veil_model_load_kind()) and prepares the engine for it
 * on the fastest kernels this CPU runs. Both models give the same five classes in the same
 * order; which one produced a result is in its model name and digest.
 *
 * Returns: (transfer full) (nullable): the classifier, or %NULL with @error set
 */
VeilNsfwClassifier *
veil_nsfw_classifier_new_for_kind (VeilModelKind   kind,
                                   GError        **error)
{
  g_autoptr(VeilModel) model = veil_model_load_kind (kind, error);

  if (model == NULL)
    return NULL;
  return veil_nsfw_classifier_new (model, error);
}

/* Returns: (transfer none): the model this classifier runs */
VeilModel *
veil_nsfw_classifier_get_model (VeilNsfwClassifier *self)
{
  g_return_val_if_fail (VEIL_IS_NSFW_CLASSIFIER (self), NULL);
  return self->model;
}

guint
veil_nsfw_classifier_get_threads (VeilNsfwClassifier *self)
{
  g_return_val_if_fail (VEIL_IS_NSFW_CLASSIFIER (self), 1);
  return (guint) g_atomic_int_get (&self->n_threads);
}

/**
 * veil_nsfw_classifier_set_threads:
 * @n_threads: threads that work on one image together (1 or 2)
 *
 * Several images at once scale better by calling from several threads; this makes a single
 * image faster instead, for interactive use.
 */
void
veil_nsfw_classifier_set_threads (VeilNsfwClassifier *self,
                                  guint               n_threads)
{
  g_return_if_fail (VEIL_IS_NSFW_CLASSIFIER (self));
  g_return_if_fail (n_threads >= 1);

  g_atomic_int_set (&self->n_threads, (gint) MIN (n_threads, 2));
}

/**
 * veil_nsfw_classifier_release_memory:
 *
 * Frees the weights prepared from the model (about 10 MB) and the scratch arenas no call is
 * using, keeping only the model file's mapping; the next classification prepares them again
 * (some 15 ms), with identical results. For a background service that goes idle. Waits for
 * classifications in progress.
 */
void
veil_nsfw_classifier_release_memory (VeilNsfwClassifier *self)
{
  g_return_if_fail (VEIL_IS_NSFW_CLASSIFIER (self));

  g_rw_lock_writer_lock (&self->weights_lock);
  if (!self->released)
    {
      _veil_nsfw_classifier_free_prepared (self);
      self->released = TRUE;
    }
  g_rw_lock_writer_unlock (&self->weights_lock);
}

/* Multiply-adds in one forward pass, for the benchmark's floor. */
guint64
_veil_nsfw_classifier_count_macs (VeilNsfwClassifier *self)
{
  guint64 macs = 0;

  g_return_val_if_fail (VEIL_IS_NSFW_CLASSIFIER (self), 0);
  for (guint i = 0; i < self->n_steps; i++)
    {
      const VeilModelOp *op = self->steps[i].op;
      guint64 outputs = (guint64) op->out_h * op->out_w * op->out_c;

      switch (self->steps[i].kind)
        {
        case VEIL_NSFW_STEP_POINTWISE:
        case VEIL_NSFW_STEP_DENSE:
          macs += outputs * op->in_c;
          break;
        case VEIL_NSFW_STEP_CONV:
          macs += outputs * op->kh * op->kw * op->in_c;
          break;
        case VEIL_NSFW_STEP_DEPTHWISE:
          macs += outputs * op->kh * op->kw;
          break;
        default:
          break;
        }
    }
  return macs;
}

const VeilNsfwKernels *
_veil_nsfw_classifier_get_kernels (VeilNsfwClassifier *self)
{
  g_return_val_if_fail (VEIL_IS_NSFW_CLASSIFIER (self), NULL);
  return self->kernels;
}
