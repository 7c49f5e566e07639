/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-classifier"

#include "config.h"

#include "veil-classifier-result-private.h"

#include <string.h>

struct _VeilClassifierResult
{
  gatomicrefcount  ref_count;

  guint            n_classes;
  const char     **class_names;   /* not owned: static strings of the classifier */
  double          *probabilities; /* owned, n_classes */
  double          *logits;        /* owned, n_classes */
  guint            top;

  char            *model_name;
  char            *model_version;
  char            *model_sha256;

  /* Optional: a second model's scores for the same picture (the second opinion). */
  VeilClassifierResult *second;

  /* Optional class-activation maps: n_classes maps of map_w x map_h, and per class the
   * effective bias so that mean (map) + bias = logit. */
  float           *heatmaps;
  double          *heatmap_bias;
  guint            map_w, map_h;
};

G_DEFINE_BOXED_TYPE (VeilClassifierResult, veil_classifier_result,
                     veil_classifier_result_ref, veil_classifier_result_unref)

VeilClassifierResult *
_veil_classifier_result_new (guint         n_classes,
                             const char  **class_names,
                             const float  *probabilities,
                             const float  *logits,
                             const char   *model_name,
                             const char   *model_version,
                             const char   *model_sha256)
{
  VeilClassifierResult *self = g_new0 (VeilClassifierResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->n_classes = n_classes;
  self->class_names = class_names;
  self->probabilities = g_new (double, n_classes);
  self->logits = g_new (double, n_classes);
  for (guint i = 0; i < n_classes; i++)
    {
      self->probabilities[i] = probabilities[i];
      self->logits[i] = logits[i];
      if (probabilities[i] > probabilities[self->top])
        self->top = i;
    }
  self->model_name = g_strdup (model_name);
  self->model_version = g_strdup (model_version);
  self->model_sha256 = g_strdup (model_sha256);

  return self;
}

/* Takes ownership of @maps (n_classes * w * h floats) and @bias (n_classes doubles). */
void
_veil_classifier_result_take_heatmaps (VeilClassifierResult *self,
                                       float                *maps,
                                       double               *bias,
                                       guint                 width,
                                       guint                 height)
{
  g_clear_pointer (&self->heatmaps, g_free);
  g_clear_pointer (&self->heatmap_bias, g_free);
  self->heatmaps = maps;
  self->heatmap_bias = bias;
  self->map_w = width;
  self->map_h = height;
}

VeilClassifierResult *
veil_classifier_result_ref (VeilClassifierResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_classifier_result_unref (VeilClassifierResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->probabilities);
  g_free (self->logits);
  g_free (self->model_name);
  g_free (self->model_version);
  g_free (self->model_sha256);
  g_free (self->heatmaps);
  g_free (self->heatmap_bias);
  g_clear_pointer (&self->second, veil_classifier_result_unref);
  g_free (self);
}

guint
veil_classifier_result_get_n_classes (VeilClassifierResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_classes;
}

/**
 * veil_classifier_result_get_class_name:
 *
 * Returns: the class's stable, untranslated identifier (for the nsfwjs model: "drawing",
 * "hentai", "neutral", "porn", "sexy")
 */
const char *
veil_classifier_result_get_class_name (VeilClassifierResult *self,
                                       guint                 index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_classes, NULL);
  return self->class_names[index];
}

/* Returns: the index of the class called @name, or -1 */
int
veil_classifier_result_find_class (VeilClassifierResult *self,
                                   const char           *name)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint i = 0; i < self->n_classes; i++)
    if (g_str_equal (self->class_names[i], name))
      return (int) i;
  return -1;
}

double
veil_classifier_result_get_probability (VeilClassifierResult *self,
                                        guint                 index)
{
  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (index < self->n_classes, 0.0);
  return self->probabilities[index];
}

double
veil_classifier_result_get_logit (VeilClassifierResult *self,
                                  guint                 index)
{
  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (index < self->n_classes, 0.0);
  return self->logits[index];
}

guint
veil_classifier_result_get_top_class (VeilClassifierResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->top;
}

const char *
veil_classifier_result_get_model_name (VeilClassifierResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->model_name;
}

const char *
veil_classifier_result_get_model_version (VeilClassifierResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->model_version;
}

const char *
veil_classifier_result_get_model_sha256 (VeilClassifierResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->model_sha256;
}

gboolean
veil_classifier_result_has_heatmap (VeilClassifierResult *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->heatmaps != NULL;
}

/**
 * veil_classifier_result_get_heatmap:
 * @index: a class
 * @width: (out): the map's width (7 for the nsfwjs model)
 * @height: (out): its height
 *
 * The class-activation map of class @index, row-major: cell (x, y) is how much the image
 * region under it pushes that class's logit. Positive cells drove the score up.
 *
 * Returns: (nullable): the map, or %NULL when the image was classified without heatmaps
 */
const float *
veil_classifier_result_get_heatmap (VeilClassifierResult *self,
                                    guint                 index,
                                    guint                *width,
                                    guint                *height)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_classes, NULL);

  if (width != NULL)
    *width = self->map_w;
  if (height != NULL)
    *height = self->map_h;
  if (self->heatmaps == NULL)
    return NULL;
  return self->heatmaps + (gsize) index * self->map_w * self->map_h;
}

/* Returns: the effective bias of class @index: the mean of its heatmap plus this is its logit */
double
veil_classifier_result_get_heatmap_bias (VeilClassifierResult *self,
                                         guint                 index)
{
  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (index < self->n_classes, 0.0);
  return self->heatmap_bias != NULL ? self->heatmap_bias[index] : 0.0;
}

/* Results borrow their class-name array for their whole life (the classifier's is static).
 * Cached results get one interned array per distinct list of names: a handful per process. */
const char **
_veil_classifier_result_intern_class_names (const char **names,
                                            guint        n)
{
  static GMutex lock;
  static GHashTable *arrays;  /* joined names -> const char ** (never freed) */
  g_autofree char *key = g_strjoinv ("\n", (char **) names);
  const char **interned;

  g_mutex_lock (&lock);
  if (arrays == NULL)
    arrays = g_hash_table_new (g_str_hash, g_str_equal);
  interned = g_hash_table_lookup (arrays, key);
  if (interned == NULL)
    {
      interned = g_new0 (const char *, n + 1);
      for (guint i = 0; i < n; i++)
        interned[i] = g_intern_string (names[i]);
      g_hash_table_insert (arrays, (gpointer) g_intern_string (key), interned);
    }
  g_mutex_unlock (&lock);
  return interned;
}

/* Attaches @second (a ref is taken) before @self is shared: results are immutable after. */
void
_veil_classifier_result_set_second (VeilClassifierResult *self,
                                    VeilClassifierResult *second)
{
  g_return_if_fail (self != NULL && second != self);

  if (second != NULL)
    veil_classifier_result_ref (second);
  g_clear_pointer (&self->second, veil_classifier_result_unref);
  self->second = second;
}

/**
 * veil_classifier_result_get_second:
 *
 * Returns: (transfer none) (nullable): the second model's scores for the same picture, when
 *   the first model's flag was borderline and the second model ran
 */
VeilClassifierResult *
veil_classifier_result_get_second (VeilClassifierResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->second;
}
