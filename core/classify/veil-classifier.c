/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-classifier"

#include "config.h"

#include "veil-classifier.h"

#include <glib/gi18n-lib.h>

/* VeilClassifier: "image in, class scores out". The analyzer talks to this interface only,
 * so a different model (or a test double) can stand in for the nsfwjs engine. */

G_DEFINE_INTERFACE (VeilClassifier, veil_classifier, G_TYPE_OBJECT)
G_DEFINE_QUARK (veil-classifier-error-quark, veil_classifier_error)

typedef struct {
  VeilImage         *image;
  VeilClassifyFlags  flags;
} ClassifyData;

static void
classify_data_free (ClassifyData *data)
{
  g_clear_object (&data->image);
  g_free (data);
}

static void
classify_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ClassifyData *data = task_data;
  g_autoptr(GError) error = NULL;
  VeilClassifierResult *result;

  result = veil_classifier_classify_image (source_object, data->image, data->flags, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) veil_classifier_result_unref);
}

static void
veil_classifier_default_init (VeilClassifierInterface *iface)
{
}

/**
 * veil_classifier_classify_rgb:
 * @self: a #VeilClassifier
 * @rgb: 8-bit RGB pixels, row-major
 * @width: width in pixels
 * @height: height in pixels
 * @rowstride: bytes per row (at least 3 * @width)
 * @flags: what to compute besides the scores
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Classifies the pixels synchronously; may be called from several threads at once. Pixels
 * that are not the model's input size are resized as the model's authors did.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 */
VeilClassifierResult *
veil_classifier_classify_rgb (VeilClassifier     *self,
                              const guint8       *rgb,
                              guint               width,
                              guint               height,
                              gsize               rowstride,
                              VeilClassifyFlags   flags,
                              GCancellable       *cancellable,
                              GError            **error)
{
  g_return_val_if_fail (VEIL_IS_CLASSIFIER (self), NULL);
  g_return_val_if_fail (rgb != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width == 0 || height == 0 || rowstride < (gsize) width * 3)
    {
      g_set_error (error, VEIL_CLASSIFIER_ERROR, VEIL_CLASSIFIER_ERROR_INVALID_INPUT,
                   /* gettext cannot see through G_GSIZE_FORMAT: %lu with a cast instead */
                   _("Cannot classify a %u × %u image with %lu bytes per row."),
                   width, height, (gulong) rowstride);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return VEIL_CLASSIFIER_GET_IFACE (self)->classify_rgb (self, rgb, width, height, rowstride,
                                                          flags, cancellable, error);
}

/**
 * veil_classifier_classify_image:
 * @image: a #VeilImage loaded with %VEIL_IMAGE_NEED_CLASSIFIER
 *
 * Classifies the image's 224 × 224 classifier pixels (EXIF orientation applied, alpha
 * composited on white, resized by libvips; see #VeilImage).
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 */
VeilClassifierResult *
veil_classifier_classify_image (VeilClassifier     *self,
                                VeilImage          *image,
                                VeilClassifyFlags   flags,
                                GCancellable       *cancellable,
                                GError            **error)
{
  const guint8 *rgb;

  g_return_val_if_fail (VEIL_IS_CLASSIFIER (self), NULL);
  g_return_val_if_fail (VEIL_IS_IMAGE (image), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rgb = veil_image_get_classifier_rgb (image);
  if (rgb == NULL)
    {
      g_set_error_literal (error, VEIL_CLASSIFIER_ERROR, VEIL_CLASSIFIER_ERROR_NO_PIXELS,
                           _("The image was loaded without the pixels the classifier needs."));
      return NULL;
    }

  return veil_classifier_classify_rgb (self, rgb, 224, 224, 224 * 3, flags, cancellable, error);
}

/**
 * veil_classifier_classify_image_async:
 *
 * Classifies @image in a worker thread. Finish with veil_classifier_classify_image_finish().
 */
void
veil_classifier_classify_image_async (VeilClassifier      *self,
                                      VeilImage           *image,
                                      VeilClassifyFlags    flags,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ClassifyData *data;

  g_return_if_fail (VEIL_IS_CLASSIFIER (self));
  g_return_if_fail (VEIL_IS_IMAGE (image));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ClassifyData, 1);
  data->image = g_object_ref (image);
  data->flags = flags;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_classifier_classify_image_async);
  g_task_set_task_data (task, data, (GDestroyNotify) classify_data_free);
  g_task_run_in_thread (task, classify_thread);
}

VeilClassifierResult *
veil_classifier_classify_image_finish (VeilClassifier  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (VEIL_IS_CLASSIFIER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, veil_classifier_classify_image_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
