/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image"

#include "config.h"

#include "veil-image-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <vips/vips.h>

/* The decoded picture and its buffers. Loading is in veil-image-load.c. */

G_DEFINE_FINAL_TYPE (VeilImage, veil_image, G_TYPE_OBJECT)

G_DEFINE_QUARK (veil-image-error-quark, veil_image_error)

static void
veil_image_finalize (GObject *object)
{
  VeilImage *self = VEIL_IMAGE (object);

  g_clear_pointer (&self->format, g_free);
  g_clear_pointer (&self->pixels, g_free);
  g_clear_pointer (&self->classifier_rgb, g_free);
  g_clear_pointer (&self->thumbnail, g_free);

  G_OBJECT_CLASS (veil_image_parent_class)->finalize (object);
}

static void
veil_image_class_init (VeilImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_image_finalize;
}

static void
veil_image_init (VeilImage *self)
{
  self->orientation = 1;
  self->shrink = 1;
}

/**
 * veil_image_limits_init_default:
 * @limits: limits to fill in
 *
 * The defaults: 100 million pixels, 256 MiB per file, 20 s of decoding.
 */
void
veil_image_limits_init_default (VeilImageLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_pixels = 100 * 1000 * 1000;
  limits->max_file_size = 256 * 1024 * 1024;
  limits->timeout_ms = 20 * 1000;
}

/**
 * veil_image_load_file:
 * @path: the image file
 * @needs: the buffers to make
 * @limits: (nullable): limits against hostile files; %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #VeilImageError (or %G_IO_ERROR_CANCELLED)
 *
 * Decodes @path once, within @limits, into the buffers @needs asks for. The file is only
 * read, never changed.
 *
 * Returns: (transfer full): the decoded image, or %NULL with @error set
 */
VeilImage *
veil_image_load_file (const char             *path,
                      VeilImageNeeds          needs,
                      const VeilImageLimits  *limits,
                      GCancellable           *cancellable,
                      GError                **error)
{
  g_autofree char *name = NULL;
  VeilImageLimits defaults;
  VeilImage *image;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (limits == NULL)
    {
      veil_image_limits_init_default (&defaults);
      limits = &defaults;
    }

  name = g_filename_display_name (path);

  /* O_NONBLOCK: opening a FIFO planted in a watched folder must not hang; it is refused
   * right after as not a regular file. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_FOUND,
                     _("“%s” does not exist. It may have been moved or deleted."), name);
      else if (saved_errno == EACCES || saved_errno == EPERM)
        g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                     _("Veil is not allowed to read “%s”. Check the file’s permissions."), name);
      else
        g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                     _("“%s” cannot be opened: %s"), name, g_strerror (saved_errno));
      return NULL;
    }

  image = _veil_image_load_source (fd, name, needs, limits, cancellable, error);
  g_close (fd, NULL);
  return image;
}

/**
 * veil_image_load_fd:
 * @fd: a readable file descriptor of a regular file; not closed, may be closed right after
 * @needs: the buffers to make
 * @limits: (nullable): limits against hostile files; %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #VeilImageError (or %G_IO_ERROR_CANCELLED)
 *
 * Like veil_image_load_file() for a file handed over as a descriptor (the D-Bus API). The
 * whole file is read from its start.
 *
 * Returns: (transfer full): the decoded image, or %NULL with @error set
 */
VeilImage *
veil_image_load_fd (int                     fd,
                    VeilImageNeeds          needs,
                    const VeilImageLimits  *limits,
                    GCancellable           *cancellable,
                    GError                **error)
{
  g_autofree char *name = NULL;
  VeilImageLimits defaults;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (limits == NULL)
    {
      veil_image_limits_init_default (&defaults);
      limits = &defaults;
    }

  name = g_strdup_printf (_("file descriptor %d"), fd);
  return _veil_image_load_source (fd, name, needs, limits, cancellable, error);
}

typedef struct {
  char            *path;
  VeilImageNeeds   needs;
  VeilImageLimits  limits;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  VeilImage *image;

  image = veil_image_load_file (data->path, data->needs, &data->limits, cancellable, &error);
  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

/**
 * veil_image_load_file_async:
 * @path: the image file
 * @needs: the buffers to make
 * @limits: (nullable): limits; %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * veil_image_load_file() in a worker thread.
 */
void
veil_image_load_file_async (const char             *path,
                            VeilImageNeeds          needs,
                            const VeilImageLimits  *limits,
                            GCancellable           *cancellable,
                            GAsyncReadyCallback     callback,
                            gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (LoadData, 1);
  data->path = g_strdup (path);
  data->needs = needs;
  if (limits != NULL)
    data->limits = *limits;
  else
    veil_image_limits_init_default (&data->limits);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_image_load_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * veil_image_load_file_finish:
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the decoded image, or %NULL with @error set
 */
VeilImage *
veil_image_load_file_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_image_load_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * veil_image_get_needs:
 *
 * Returns: what the image was loaded for
 */
VeilImageNeeds
veil_image_get_needs (VeilImage *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), 0);
  return self->needs;
}

/**
 * veil_image_get_format:
 *
 * Returns: the file's format: "jpeg", "png", "webp", "gif", "tiff", "heif" or "jxl"
 */
const char *
veil_image_get_format (VeilImage *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), NULL);
  return self->format;
}

/**
 * veil_image_get_width:
 *
 * Returns: the stored width, EXIF orientation not applied
 */
guint
veil_image_get_width (VeilImage *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), 0);
  return self->width;
}

/**
 * veil_image_get_height:
 *
 * Returns: the stored height, EXIF orientation not applied
 */
guint
veil_image_get_height (VeilImage *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), 0);
  return self->height;
}

/**
 * veil_image_get_orientation:
 *
 * Returns: the EXIF orientation, 1 (as stored) to 8
 */
guint
veil_image_get_orientation (VeilImage *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), 1);
  return self->orientation;
}

/**
 * veil_image_get_shrink:
 *
 * Returns: the JPEG shrink-on-load factor of the PDQ pixels (1, 2, 4 or 8); more than 1
 *   only with %VEIL_IMAGE_NEED_PDQ_FAST
 */
guint
veil_image_get_shrink (VeilImage *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), 1);
  return self->shrink;
}

/**
 * veil_image_get_pixels:
 * @width: (out) (optional): width of the buffer
 * @height: (out) (optional): height of the buffer
 * @channels: (out) (optional): 3 (R,G,B) or 1 (grey: every pixel had R = G = B)
 *
 * The pixels PDQ hashes: 8-bit, as stored (no EXIF rotation), alpha dropped without
 * compositing, rows of @width × @channels bytes with no padding.
 *
 * Returns: (nullable): the pixels, or %NULL unless a PDQ need was given
 */
const guint8 *
veil_image_get_pixels (VeilImage *self,
                       guint     *width,
                       guint     *height,
                       guint     *channels)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), NULL);

  if (width != NULL)
    *width = self->pixels_width;
  if (height != NULL)
    *height = self->pixels_height;
  if (channels != NULL)
    *channels = self->pixels_channels;
  return self->pixels;
}

/**
 * veil_image_get_classifier_rgb:
 *
 * 224 × 224 × 3 bytes, row-major R,G,B: EXIF orientation applied, alpha composited on white,
 * stretched to the square. An image that already is 224 × 224 is passed through unchanged.
 *
 * Returns: (nullable): the classifier input, or %NULL unless %VEIL_IMAGE_NEED_CLASSIFIER
 */
const guint8 *
veil_image_get_classifier_rgb (VeilImage *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), NULL);
  return self->classifier_rgb;
}

/**
 * veil_image_get_thumbnail:
 * @width: (out) (optional): thumbnail width
 * @height: (out) (optional): thumbnail height
 *
 * A small picture for people: EXIF orientation applied, alpha on mid grey, long side at most
 * %VEIL_IMAGE_THUMBNAIL_SIZE, RGB with rows of @width × 3 bytes.
 *
 * Returns: (nullable): the thumbnail, or %NULL unless %VEIL_IMAGE_NEED_THUMBNAIL
 */
const guint8 *
veil_image_get_thumbnail (VeilImage *self,
                          guint     *width,
                          guint     *height)
{
  g_return_val_if_fail (VEIL_IS_IMAGE (self), NULL);

  if (width != NULL)
    *width = self->thumbnail_width;
  if (height != NULL)
    *height = self->thumbnail_height;
  return self->thumbnail;
}

/**
 * veil_image_set_decode_threads:
 * @n_threads: worker threads libvips may use for one picture; 0 for its default (one per
 *   core)
 *
 * For callers that already decode one picture per core themselves (the background service,
 * scans): libvips' own workers would only add threads that keep buffers after the work.
 */
void
veil_image_set_decode_threads (guint n_threads)
{
  _veil_image_ensure_vips ();
  vips_concurrency_set ((int) n_threads);
}
