/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image-preview"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-image-preview.h"

/* An alert's picture for the blurred view: a display-size thumbnail with the EXIF orientation
 * applied, decoded from the first place the picture still is (where Veil hides it, else where
 * it arrived). Only in memory. */

/**
 * veil_image_load_preview:
 * @paths: (array length=n_paths): where the picture may be, in order; entries may be %NULL
 *
 * Blocks: use veil_image_load_preview_async() from the UI.
 *
 * Returns: (transfer full): an image with its thumbnail, or %NULL with the last error, or a
 *   %G_IO_ERROR_NOT_FOUND when no path was given
 */
VeilImage *
veil_image_load_preview (const char * const  *paths,
                         guint                n_paths,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  VeilImageLimits limits;

  g_return_val_if_fail (paths != NULL || n_paths == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  veil_image_limits_init_default (&limits);
  for (guint i = 0; i < n_paths; i++)
    {
      VeilImage *image;

      if (paths[i] == NULL)
        continue;
      g_clear_error (&local_error);
      image = veil_image_load_file (paths[i], VEIL_IMAGE_NEED_THUMBNAIL, &limits, cancellable, &local_error);
      if (image != NULL)
        return image;
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
    }

  if (local_error == NULL)
    g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("The picture is no longer on this computer."));
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GPtrArray *paths = task_data;
  GError *error = NULL;
  VeilImage *image = veil_image_load_preview ((const char * const *) paths->pdata, paths->len, cancellable, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

/**
 * veil_image_load_preview_async:
 *
 * veil_image_load_preview() in a worker thread.
 */
void
veil_image_load_preview_async (const char * const  *paths,
                               guint                n_paths,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *copy;

  g_return_if_fail (paths != NULL || n_paths == 0);

  copy = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_paths; i++)
    g_ptr_array_add (copy, g_strdup (paths[i]));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_image_load_preview_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, preview_thread);
}

/* Returns: (transfer full): an image with its thumbnail, or %NULL */
VeilImage *
veil_image_load_preview_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_image_load_preview_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
