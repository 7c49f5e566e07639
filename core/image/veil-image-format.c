/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image"

#include "config.h"

#include "veil-image-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

/* Which files VeilImage decodes, and the size limits, checked before libvips decodes any
 * pixel. Each refusal says the true reason: a format Veil does not read, one this
 * computer's libvips cannot read, or a picture too large. */

/* Loaders Veil lets near untrusted files: the common photo formats. libvips also reads PDF,
 * SVG, FITS, CSV matrices and more, through large parsers that a picture from a chat has no
 * business reaching, so those are refused as unsupported. JPEG XL is not here: libvips
 * marks its loader as unfit for untrusted input, so Veil blocks it (see
 * _veil_image_ensure_vips()). */
static const struct {
  const char *loader;   /* libvips type name */
  const char *format;
} allowed_loaders[] = {
  { "VipsForeignLoadJpegSource", "jpeg" },
  { "VipsForeignLoadPngSource", "png" },
  { "VipsForeignLoadWebpSource", "webp" },
  { "VipsForeignLoadNsgifSource", "gif" },
  { "VipsForeignLoadTiffSource", "tiff" },
  { "VipsForeignLoadHeifSource", "heif" },
};

/* Image formats recognised by their first bytes, to name them when Veil refuses them. */
static const struct {
  gsize       offset;
  const char *magic;
  gsize       length;
  const char *name;      /* a format's proper name: not translated */
  gboolean    readable;  /* Veil reads it where the system's libvips does */
} known_formats[] = {
  /* ISO media files start with an ftyp box; only these brands are pictures (MP4 and MOV
   * videos share the box and must not be called HEIF). */
  { 4, "ftypheic", 8, "HEIF/AVIF", TRUE },
  { 4, "ftypheix", 8, "HEIF/AVIF", TRUE },
  { 4, "ftypmif1", 8, "HEIF/AVIF", TRUE },
  { 4, "ftypmsf1", 8, "HEIF/AVIF", TRUE },
  { 4, "ftypavif", 8, "HEIF/AVIF", TRUE },
  { 4, "ftypavis", 8, "HEIF/AVIF", TRUE },
  { 0, "BM", 2, "BMP", FALSE },
  { 0, "\xff\x0a", 2, "JPEG XL", FALSE },
  { 0, "\0\0\0\x0cJXL \r\n\x87\n", 12, "JPEG XL", FALSE },
  { 0, "\0\0\0\x0cjP  \r\n\x87\n", 12, "JPEG 2000", FALSE },
  { 0, "\xff\x4f\xff\x51", 4, "JPEG 2000", FALSE },
  { 0, "8BPS", 4, "Photoshop", FALSE },
};

/* Returns: the index in known_formats of the format @fd starts with, or -1 */
static int
sniff_format (int fd)
{
  guint8 head[16] = { 0 };
  ssize_t n = pread (fd, head, sizeof head, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (known_formats); i++)
    if (n >= (ssize_t) (known_formats[i].offset + known_formats[i].length) &&
        memcmp (head + known_formats[i].offset, known_formats[i].magic, known_formats[i].length) == 0)
      return (int) i;
  return -1;
}

static void
set_not_read_by_veil (GError     **error,
                      const char  *name,
                      const char  *format)
{
  g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
               _("“%s” is a %s image, a format Veil does not read. Veil reads JPEG, PNG, "
                 "WebP, GIF, TIFF and HEIF/AVIF pictures."),
               name, format);
}

/* A loader that libvips has blocked (Veil blocks those unfit for untrusted input) cannot
 * open anything: its files are as good as unreadable here. */
static gboolean
loader_is_blocked (const char *loader)
{
  GType type = g_type_from_name (loader);
  VipsOperationClass *klass;
  gboolean blocked;

  if (type == 0)
    return TRUE;
  klass = g_type_class_ref (type);
  blocked = (klass->flags & VIPS_OPERATION_BLOCKED) != 0;
  g_type_class_unref (klass);
  return blocked;
}

static void
set_unavailable (GError     **error,
                 const char  *name)
{
  g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
               _("“%s” is in an image format this computer cannot read."), name);
}

const char *
_veil_image_find_format (int          fd,
                         VipsSource  *source,
                         const char  *name,
                         GError     **error)
{
  const char *loader = vips_foreign_find_load_source (source);
  int known = sniff_format (fd);

  vips_error_clear ();
  if (loader != NULL)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (allowed_loaders); i++)
        if (g_str_equal (loader, allowed_loaders[i].loader))
          {
            if (loader_is_blocked (loader))
              {
                set_unavailable (error, name);
                return NULL;
              }
            return allowed_loaders[i].format;
          }

      if (known >= 0 && !known_formats[known].readable)
        set_not_read_by_veil (error, name, known_formats[known].name);
      else
        g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                     _("“%s” is a kind of file Veil does not analyse (%s). Only photos and "
                       "pictures (JPEG, PNG, WebP, GIF, TIFF, HEIF) are read."),
                     name, loader);
    }
  else if (known >= 0 && known_formats[known].readable)
    set_unavailable (error, name);
  else if (known >= 0)
    set_not_read_by_veil (error, name, known_formats[known].name);
  else
    g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_AN_IMAGE,
                 _("“%s” is not an image, or not one in a format Veil knows."), name);
  return NULL;
}

/* The first step of a load: what fstat() says, before libvips sees anything. Only a
 * non-empty regular file within the size limit goes on. */
gboolean
_veil_image_check_file (int                     fd,
                        const char             *name,
                        const VeilImageLimits  *limits,
                        GError                **error)
{
  GStatBuf st;

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                   _("“%s” cannot be read: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_A_FILE,
                   S_ISDIR (st.st_mode) ? _("“%s” is a folder, not an image file.")
                                        : _("“%s” is not a regular file (it may be a device or a pipe), so it is not read as an image."),
                   name);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_EMPTY,
                   _("“%s” is empty (0 bytes), so there is no image in it."), name);
      return FALSE;
    }
  if (limits->max_file_size != 0 && (guint64) st.st_size > limits->max_file_size)
    {
      g_autofree char *size = g_format_size ((guint64) st.st_size);
      g_autofree char *limit = g_format_size (limits->max_file_size);

      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_FILE_TOO_LARGE,
                   _("“%s” is %s, more than the %s Veil reads for one image. It was skipped."),
                   name, size, limit);
      return FALSE;
    }

  return TRUE;
}

gboolean
_veil_image_check_size (const char             *name,
                        guint64                 width,
                        guint64                 height,
                        const VeilImageLimits  *limits,
                        GError                **error)
{
  if (width > VEIL_IMAGE_MAX_SIDE || height > VEIL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS,
                   _("“%s” is %llu × %llu pixels. Veil decodes images at most %u pixels wide "
                     "and %u pixels high, so it was skipped."),
                   name, (unsigned long long) width, (unsigned long long) height,
                   VEIL_IMAGE_MAX_SIDE, VEIL_IMAGE_MAX_SIDE);
      return FALSE;
    }
  if (limits->max_pixels != 0 && width * height > limits->max_pixels)
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS,
                   _("“%s” is %d × %d pixels, more than the %llu pixels Veil decodes for one "
                     "image. It was skipped."),
                   name, (int) width, (int) height, (unsigned long long) limits->max_pixels);
      return FALSE;
    }
  return TRUE;
}

/* libpng refuses a PNG wider or higher than VEIL_IMAGE_MAX_SIDE before libvips can say
 * why, so the size in its IHDR chunk is checked here first. */
gboolean
_veil_image_check_png_size (int                     fd,
                            const char             *name,
                            const VeilImageLimits  *limits,
                            GError                **error)
{
  guint8 head[24];

  if (pread (fd, head, sizeof head, 0) != (ssize_t) sizeof head ||
      memcmp (head + 12, "IHDR", 4) != 0)
    return TRUE;  /* libvips reports the damage */

  return _veil_image_check_size (name,
                                 ((guint32) head[16] << 24) | (head[17] << 16) | (head[18] << 8) | head[19],
                                 ((guint32) head[20] << 24) | (head[21] << 16) | (head[22] << 8) | head[23],
                                 limits, error);
}
