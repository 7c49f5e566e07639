/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image"

#include "config.h"

#include "veil-image-private.h"

#include <errno.h>
#include <gmodule.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <vips/vips.h>
#include <vips/vector.h>

#include "veil-vips-config.h"

/* Loading a VeilImage: one bounded decode per file. The steps are in load order, ending with
 * _veil_image_load_source(), which runs them. */

/* libvips does not declare these for its GObject types. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsSource, g_object_unref)

static void
array_double_unref (VipsArrayDouble *array)
{
  vips_area_unref (VIPS_AREA (array));
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsArrayDouble, array_double_unref)

/* Tracks the time budget and cancellation while libvips decodes. */
typedef struct {
  gint64        deadline;        /* monotonic µs, 0 = none */
  GCancellable *cancellable;
  gboolean      timed_out;
  gboolean      cancelled;
} DecodeWatch;

/* The libvips modules that hold a loader of Veil's allow-list (veil-image-format.c); the
 * other loaders (JPEG, PNG, WebP, GIF, TIFF) are built into libvips itself. */
static const char *const allowed_modules[] = { "vips-heif" };

/* libvips opens every module in its folder when it starts: PDF, whole-slide, ImageMagick, JPEG
 * XL... over a hundred shared objects for a process that reads a few photo formats, which
 * is most of a short command's start-up, and code an untrusted file should not be able to
 * reach. libvips finds that folder under VIPSHOME when it is set, so it starts with VIPSHOME
 * pointing where there is no folder at all (/dev/null is not a directory), and Veil opens the
 * modules it needs itself. This runs once, before any other thread reads the environment. */
static void
start_vips_without_modules (void)
{
  g_autofree char *vipshome = g_strdup (g_getenv ("VIPSHOME"));
  g_autofree char *domain = g_strdup_printf ("vips%d.%d", VIPS_MAJOR_VERSION, VIPS_MINOR_VERSION);

  g_setenv ("VIPSHOME", "/dev/null", TRUE);
  if (VIPS_INIT ("veil") != 0)
    g_error ("libvips could not start: %s", vips_error_buffer ());
  if (vipshome != NULL)
    g_setenv ("VIPSHOME", vipshome, TRUE);
  else
    g_unsetenv ("VIPSHOME");
  /* Its messages' translations are found from the same prefix. */
  bindtextdomain (domain, VEIL_VIPS_LOCALE_DIR);

  for (gsize i = 0; i < G_N_ELEMENTS (allowed_modules); i++)
    {
      g_autofree char *file = g_strconcat (allowed_modules[i], ".so", NULL);
      g_autofree char *path = g_build_filename (VEIL_VIPS_MODULE_DIR, file, NULL);
      GModule *module;

      /* A libvips built with the loader inside it, or without it, has no such module. */
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      /* Opening it registers its loaders; libvips keeps its own modules open for good too. */
      module = g_module_open (path, G_MODULE_BIND_LAZY);
      if (module == NULL)
        g_warning ("libvips module %s could not be loaded: %s", path, g_module_error ());
      else
        g_module_make_resident (module);
    }
}

static gpointer
init_vips_once (gpointer data)
{
  start_vips_without_modules ();

  /* Each file is decoded once; caching operations would only keep decoded pixels (and open
   * files) alive after Veil is done with them. */
  vips_cache_set_max (0);
  /* Defence in depth next to the allow-list: loaders libvips marks as unsafe for untrusted
   * input are switched off entirely. */
  vips_block_untrusted_set (TRUE);
  /* libvips' run-time generated vector code (orc) never gives its code memory back, and
   * compiling it from several threads at once crashed a scan of a few thousand pictures
   * (orc_code_allocate_codemem). The plain C paths are correct and nearly as fast. */
  vips_vector_set_enabled (FALSE);
  return NULL;
}

void
_veil_image_ensure_vips (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_vips_once, NULL);
}

/* libvips keeps one error buffer per process: take its text and empty it, so a later
 * failure does not report this one's message. */
static char *
take_vips_error (void)
{
  char *message = g_strstrip (vips_error_buffer_copy ());

  if (*message == '\0')
    {
      g_free (message);
      message = g_strdup (_("unknown decoder error"));
    }
  return message;
}

static void
eval_cb (VipsImage    *image,
         VipsProgress *progress,
         DecodeWatch  *watch)
{
  if (watch->cancellable != NULL && g_cancellable_is_cancelled (watch->cancellable))
    {
      watch->cancelled = TRUE;
      vips_image_set_kill (image, TRUE);
    }
  else if (watch->deadline != 0 && g_get_monotonic_time () > watch->deadline)
    {
      watch->timed_out = TRUE;
      vips_image_set_kill (image, TRUE);
    }
}

static gboolean
check_watch (DecodeWatch  *watch,
             const char   *name,
             guint         timeout_ms,
             GError      **error)
{
  if (watch->cancelled || (watch->cancellable != NULL && g_cancellable_is_cancelled (watch->cancellable)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("Reading “%s” was cancelled."), name);
      return FALSE;
    }
  if (watch->timed_out || (watch->deadline != 0 && g_get_monotonic_time () > watch->deadline))
    {
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TIMEOUT,
                   _("Decoding “%s” took longer than %u ms and was stopped. The file may be "
                     "built to stall image decoders."), name, timeout_ms);
      return FALSE;
    }
  return TRUE;
}

/* Decodes @image into a fresh g_malloc()ed buffer, watched by @watch. */
static guint8 *
decode_to_memory (VipsImage    *image,
                  DecodeWatch  *watch,
                  const char   *name,
                  guint         timeout_ms,
                  GError      **error)
{
  g_autofree char *vips_message = NULL;
  gulong handler;
  size_t size = 0;
  guint8 *data;

  vips_image_set_progress (image, TRUE);
  handler = g_signal_connect (image, "eval", G_CALLBACK (eval_cb), watch);
  data = vips_image_write_to_memory (image, &size);
  g_signal_handler_disconnect (image, handler);
  vips_image_set_progress (image, FALSE);

  if (data != NULL)
    {
      vips_error_clear ();
      if (!check_watch (watch, name, timeout_ms, error))
        {
          g_free (data);
          return NULL;
        }
      return data;
    }

  vips_message = take_vips_error ();
  if (!check_watch (watch, name, timeout_ms, error))
    return NULL;

  g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT,
               _("“%s” is damaged or cut short and cannot be read completely (%s)."),
               name, vips_message);
  return NULL;
}

/* Output rows computed per step by render_from_memory(), and the largest source it is used
 * for when steps in between copy pixels (flattening alpha). */
#define RENDER_STRIP 64
#define RENDER_MAX_SOURCE_PIXELS (4 * 1000 * 1000)

/* Computes @image, a pipeline over pixels already in memory (the previews), into a fresh
 * g_malloc()ed buffer in the calling thread, one strip of rows at a time. libvips' own sink
 * hands every tile to a thread of its pool and back: for these small pictures that cost
 * more than the pixels (hundreds of futex waits per picture). The strips bound the memory
 * the steps in between hold, and the time budget and cancellation are checked after each. */
static guint8 *
render_from_memory (VipsImage    *image,
                    DecodeWatch  *watch,
                    const char   *name,
                    guint         timeout_ms,
                    GError      **error)
{
  VipsRegion *region = vips_region_new (image);
  gsize line = VIPS_IMAGE_SIZEOF_LINE (image);
  g_autofree guint8 *out = g_malloc (line * image->Ysize);

  for (int y = 0; y < image->Ysize; y += RENDER_STRIP)
    {
      VipsRect rect = { 0, y, image->Xsize, MIN (RENDER_STRIP, image->Ysize - y) };

      if (vips_region_prepare (region, &rect) != 0)
        {
          g_autofree char *vips_message = take_vips_error ();

          g_object_unref (region);
          g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                       _("A preview of “%s” could not be made (%s)."), name, vips_message);
          return NULL;
        }
      for (int r = 0; r < rect.height; r++)
        memcpy (out + (gsize) (y + r) * line, VIPS_REGION_ADDR (region, 0, y + r), line);
      if (!check_watch (watch, name, timeout_ms, error))
        {
          g_object_unref (region);
          return NULL;
        }
    }
  g_object_unref (region);
  return g_steal_pointer (&out);
}

static guint
read_orientation (VipsImage *image)
{
  int orientation = 1;

  if (vips_image_get_typeof (image, VIPS_META_ORIENTATION) != 0 &&
      vips_image_get_int (image, VIPS_META_ORIENTATION, &orientation) == 0 &&
      orientation >= 1 && orientation <= 8)
    return orientation;

  vips_error_clear ();
  return 1;
}

/* Any decoded image becomes 8-bit: R,G,B or grey, with its alpha band (if any) last, or
 * C,M,Y,K (and alpha) when @cmyk is set: CMYK is converted later, differently for the hash
 * and for people (see decode_cmyk()). 16-bit samples are scaled (v * 255 / 65535, rounded),
 * not cut to their low byte as the reference CLI does by accident. */
static gboolean
to_8bit (VipsImage   *in,
         VipsImage  **out,
         gboolean    *cmyk,
         const char  *name,
         GError     **error)
{
  g_autoptr(VipsImage) current = g_object_ref (in);
  VipsInterpretation interpretation = vips_image_guess_interpretation (in);
  int colour_bands;

  *cmyk = interpretation == VIPS_INTERPRETATION_CMYK && in->Bands >= 4;
  colour_bands = *cmyk ? 4 : 3;

  if ((interpretation == VIPS_INTERPRETATION_CMYK && !*cmyk) ||
      interpretation == VIPS_INTERPRETATION_LAB ||
      interpretation == VIPS_INTERPRETATION_LABS ||
      interpretation == VIPS_INTERPRETATION_LCH ||
      interpretation == VIPS_INTERPRETATION_XYZ ||
      interpretation == VIPS_INTERPRETATION_scRGB ||
      interpretation == VIPS_INTERPRETATION_HSV)
    {
      VipsImage *converted = NULL;

      if (vips_colourspace (current, &converted, VIPS_INTERPRETATION_sRGB, NULL) != 0)
        goto fail;
      g_clear_object (&current);
      current = converted;
    }

  if (current->BandFmt == VIPS_FORMAT_USHORT)
    {
      g_autoptr(VipsImage) scaled = NULL;
      VipsImage *cast = NULL;

      if (vips_linear1 (current, &scaled, 255.0 / 65535.0, 0.5, NULL) != 0 ||
          vips_cast_uchar (scaled, &cast, NULL) != 0)
        goto fail;
      g_clear_object (&current);
      current = cast;
    }
  else if (current->BandFmt != VIPS_FORMAT_UCHAR)
    {
      VipsImage *cast = NULL;

      if (vips_cast_uchar (current, &cast, NULL) != 0)
        goto fail;
      g_clear_object (&current);
      current = cast;
    }

  /* Bands: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (or 4 CMYK, 5 CMYK + alpha). Anything
   * else keeps its colour bands only. */
  if (current->Bands > colour_bands + 1)
    {
      VipsImage *extracted = NULL;

      if (vips_extract_band (current, &extracted, 0, "n", colour_bands, NULL) != 0)
        goto fail;
      g_clear_object (&current);
      current = extracted;
    }

  *out = g_steal_pointer (&current);
  return TRUE;

fail:
  {
    g_autofree char *message = take_vips_error ();

    g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                 _("The colours of “%s” cannot be converted for analysis (%s)."),
                 name, message);
    return FALSE;
  }
}

static gboolean
has_alpha (VipsImage *image)
{
  return image->Bands == 2 || image->Bands == 4;
}

/* Drops alpha without compositing, as PDQ.md §1 requires: the stored colour of every pixel
 * is hashed, even under full transparency. */
static VipsImage *
drop_alpha (VipsImage *image)
{
  VipsImage *out = NULL;

  if (!has_alpha (image))
    return g_object_ref (image);
  if (vips_extract_band (image, &out, 0, "n", image->Bands - 1, NULL) != 0)
    return NULL;
  return out;
}

/* Luma is taken from the grey value itself when every pixel has R = G = B (PDQ.md §2.1):
 * fold such buffers to one channel in place. */
static guint
fold_grey (guint8 *pixels,
           gsize   n_pixels)
{
  for (gsize i = 0; i < n_pixels; i++)
    {
      const guint8 *p = pixels + 3 * i;

      if (p[0] != p[1] || p[0] != p[2])
        return 3;
    }
  for (gsize i = 0; i < n_pixels; i++)
    pixels[i] = pixels[3 * i];
  return 1;
}

/* For people and the classifier: EXIF orientation applied, alpha composited on @background,
 * always three bands. */
static VipsImage *
to_display (VipsImage *image,
            double     background)
{
  g_autoptr(VipsImage) rotated = NULL;
  g_autoptr(VipsImage) flat = NULL;
  VipsImage *rgb = NULL;

  if (vips_autorot (image, &rotated, NULL) != 0)
    return NULL;

  if (has_alpha (rotated))
    {
      g_autoptr(VipsArrayDouble) bg = vips_array_double_newv (3, background, background, background);

      if (vips_flatten (rotated, &flat, "background", bg, NULL) != 0)
        return NULL;
    }
  else
    flat = g_object_ref (rotated);

  if (flat->Bands == 1)
    {
      VipsImage *bands[3] = { flat, flat, flat };

      if (vips_bandjoin (bands, &rgb, 3, NULL) != 0)
        return NULL;
    }
  else
    rgb = g_object_ref (flat);

  return rgb;
}

static VipsImage *
resize_to (VipsImage *image,
           int        width,
           int        height)
{
  VipsImage *out = NULL;

  if (image->Xsize == width && image->Ysize == height)
    return g_object_ref (image);

  if (vips_resize (image, &out,
                   (double) width / image->Xsize,
                   "vscale", (double) height / image->Ysize,
                   "kernel", VIPS_KERNEL_LANCZOS3,
                   NULL) != 0)
    return NULL;

  /* libvips rounds the output size; make sure it is exact. */
  if (out->Xsize != width || out->Ysize != height)
    {
      VipsImage *cropped = NULL;
      g_autoptr(VipsImage) resized = out;

      if (vips_gravity (resized, &cropped, VIPS_COMPASS_DIRECTION_NORTH_WEST,
                        width, height, "extend", VIPS_EXTEND_COPY, NULL) != 0)
        return NULL;
      out = cropped;
    }
  return out;
}

static guint8 *
write_display (VipsImage    *source,
               int           width,
               int           height,
               double        background,
               DecodeWatch  *watch,
               const char   *name,
               guint         timeout_ms,
               GError      **error)
{
  g_autoptr(VipsImage) display = to_display (source, background);
  g_autoptr(VipsImage) sized = NULL;

  if (display != NULL)
    sized = resize_to (display, width, height);
  if (sized == NULL)
    {
      g_autofree char *message = take_vips_error ();

      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("A preview of “%s” could not be made (%s)."), name, message);
      return NULL;
    }
  /* A full-size source (pictures with alpha are not pre-shrunk) goes through libvips' sink,
   * whose tiles keep the flattened copy small whatever the picture's size. */
  if ((guint64) source->Xsize * source->Ysize > RENDER_MAX_SOURCE_PIXELS)
    return decode_to_memory (sized, watch, name, timeout_ms, error);
  return render_from_memory (sized, watch, name, timeout_ms, error);
}

/* Largest 1/2^k JPEG shrink-on-load that keeps the long side at 1000 px or more
 * (PDQ.md §9: about 1-3 bits from the exact hash, 4-16x less to decode and blur). */
static int
choose_fast_shrink (int width,
                    int height)
{
  int long_side = MAX (width, height);
  int shrink = 1;

  while (shrink < 8 && long_side / (shrink * 2) >= 1000)
    shrink *= 2;
  return shrink;
}

/* The side a preview keeps at least, in both directions: twice the classifier's input, so
 * the final Lanczos step still has real detail to work from. */
#define PREVIEW_MIN_SIDE (2 * VEIL_IMAGE_CLASSIFIER_SIZE)

/* The classifier input and the thumbnail are both small. Rather than read the whole decoded
 * picture twice with Lanczos, one box shrink by whole factors (one cheap pass) makes a
 * preview they share. Pictures with alpha are left as they are: box-shrinking before
 * flattening would bleed hidden colours into the edges. */
static void
free_preview_pixels (VipsImage *image,
                     guint8    *pixels)
{
  g_free (pixels);
}

static VipsImage *
make_preview (VipsImage    *memory,
              const char   *name,
              GError      **error)
{
  int xshrink = MAX (1, memory->Xsize / PREVIEW_MIN_SIDE);
  int yshrink = MAX (1, memory->Ysize / PREVIEW_MIN_SIDE);
  guint8 *data;
  guint width, height;
  VipsImage *preview;
  int orientation = 1;

  if ((xshrink == 1 && yshrink == 1) || has_alpha (memory))
    return g_object_ref (memory);

  /* @memory holds 8-bit pixels in memory already: the shrink reads them directly. */
  if (memory->BandFmt != VIPS_FORMAT_UCHAR || vips_image_wio_input (memory) != 0)
    {
      g_autofree char *message = take_vips_error ();
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("A preview of “%s” could not be made (%s)."), name, message);
      return NULL;
    }
  data = _veil_image_box_shrink (VIPS_IMAGE_ADDR (memory, 0, 0), memory->Xsize, memory->Ysize,
                                 memory->Bands, xshrink, yshrink, &width, &height);
  preview = vips_image_new_from_memory (data, (gsize) width * height * memory->Bands,
                                        width, height, memory->Bands, VIPS_FORMAT_UCHAR);
  if (preview == NULL)
    {
      g_autofree char *message = take_vips_error ();
      g_free (data);
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("A preview of “%s” could not be made (%s)."), name, message);
      return NULL;
    }
  /* The preview owns its pixels: freed when libvips closes it. */
  g_signal_connect (preview, "postclose", G_CALLBACK (free_preview_pixels), data);
  preview->Type = memory->Type;
  if (vips_image_get_typeof (memory, VIPS_META_ORIENTATION) != 0)
    vips_image_get_int (memory, VIPS_META_ORIENTATION, &orientation);
  vips_image_set_int (preview, VIPS_META_ORIENTATION, orientation);
  return preview;
}

/* Opens @source for sequential reading, @shrink > 1 asking a JPEG for shrink-on-load.
 * Damaged or truncated data must fail the decode rather than come back grey-padded. For
 * most loaders fail_on=error does that. libjpeg, though, reports scan data that ends early
 * ("premature end of data segment": a header promising more pixels than the file holds) as
 * a mere warning, which libvips only fails on at fail_on=warning; its other warnings are
 * damage too (bad Huffman codes, lost restart markers, stray bytes). */
static VipsImage *
open_image (VipsSource  *source,
            const char  *name,
            const char  *format,
            int          page,
            int          shrink,
            GError     **error)
{
  VipsFailOn fail_on = g_str_equal (format, "jpeg") ? VIPS_FAIL_ON_WARNING : VIPS_FAIL_ON_ERROR;
  VipsImage *image;

  if (shrink > 1)
    image = vips_image_new_from_source (source, "",
                                        "access", VIPS_ACCESS_SEQUENTIAL,
                                        "fail_on", fail_on,
                                        "shrink", shrink,
                                        NULL);
  else if (page > 0)
    /* A later frame of an animation, read through the same descriptor as the first. */
    image = vips_image_new_from_source (source, "",
                                        "access", VIPS_ACCESS_SEQUENTIAL,
                                        "fail_on", fail_on,
                                        "page", page,
                                        "n", 1,
                                        NULL);
  else
    image = vips_image_new_from_source (source, "",
                                        "access", VIPS_ACCESS_SEQUENTIAL,
                                        "fail_on", fail_on,
                                        NULL);
  if (image == NULL)
    {
      g_autofree char *message = take_vips_error ();
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT,
                   _("“%s” looks like a %s image but its header is damaged (%s)."),
                   name, format, message);
    }
  return image;
}

/* The header alone, nothing decoded yet: enough to check the pixel limit. */
static VipsImage *
open_header (VipsSource             *source,
             const char             *name,
             const char             *format,
             int                     page,
             const VeilImageLimits  *limits,
             GError                **error)
{
  g_autoptr(VipsImage) header = open_image (source, name, format, page, 1, error);

  if (header == NULL ||
      !_veil_image_check_size (name, header->Xsize, header->Ysize, limits, error))
    return NULL;
  return g_steal_pointer (&header);
}

/* The image to decode: @header itself, or a shrink-on-load of it when a fast hash of a
 * JPEG is all that is wanted. */
static VipsImage *
choose_shrink (VipsSource      *source,
               VipsImage       *header,
               const char      *name,
               const char      *format,
               VeilImageNeeds   needs,
               int             *out_shrink,
               GError         **error)
{
  *out_shrink = 1;
  if ((needs & VEIL_IMAGE_NEED_PDQ_FAST) && g_str_equal (format, "jpeg"))
    *out_shrink = choose_fast_shrink (header->Xsize, header->Ysize);

  if (*out_shrink > 1)
    return open_image (source, name, format, 0, *out_shrink, error);
  return g_object_ref (header);
}

/* Decodes @image, alpha dropped, into the hash's buffer. */
static gboolean
decode_pdq_pixels (VeilImage    *self,
                   VipsImage    *image,
                   DecodeWatch  *watch,
                   const char   *name,
                   guint         timeout_ms,
                   GError      **error)
{
  g_autoptr(VipsImage) opaque = drop_alpha (image);

  if (opaque == NULL)
    {
      g_autofree char *message = take_vips_error ();
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("The colours of “%s” cannot be converted for analysis (%s)."),
                   name, message);
      return FALSE;
    }
  self->pixels = decode_to_memory (opaque, watch, name, timeout_ms, error);
  if (self->pixels == NULL)
    return FALSE;
  self->pixels_width = opaque->Xsize;
  self->pixels_height = opaque->Ysize;
  self->pixels_channels = opaque->Bands;
  return TRUE;
}

/* For several consumers: decodes @base once into memory, alpha kept, for each buffer to be
 * derived from. The returned image may read @self's pixels: drop it before @self. */
static VipsImage *
decode_shared (VeilImage    *self,
               VipsImage    *base,
               DecodeWatch  *watch,
               const char   *name,
               guint         timeout_ms,
               GError      **error)
{
  guint8 *data = decode_to_memory (base, watch, name, timeout_ms, error);
  VipsImage *memory;

  if (data == NULL)
    return NULL;
  if (!has_alpha (base) && self->pixels == NULL &&
      (self->needs & (VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_PDQ_FAST)))
    {
      /* Without alpha the decoded pixels are exactly what PDQ hashes: keep them as the
       * hash's buffer and let the previews read the same memory, no copy. */
      self->pixels = data;
      self->pixels_width = base->Xsize;
      self->pixels_height = base->Ysize;
      self->pixels_channels = base->Bands;
      memory = vips_image_new_from_memory (data, VIPS_IMAGE_SIZEOF_IMAGE (base),
                                           base->Xsize, base->Ysize, base->Bands,
                                           VIPS_FORMAT_UCHAR);
    }
  else
    {
      memory = vips_image_new_from_memory_copy (data, VIPS_IMAGE_SIZEOF_IMAGE (base),
                                                base->Xsize, base->Ysize, base->Bands,
                                                VIPS_FORMAT_UCHAR);
      g_free (data);
    }
  if (memory == NULL)
    {
      g_autofree char *message = take_vips_error ();
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("“%s” could not be held in memory (%s)."), name, message);
      return NULL;
    }
  memory->Type = base->Bands <= 2 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
  vips_image_set_int (memory, VIPS_META_ORIENTATION, self->orientation);
  return memory;
}

/* Makes the classifier input and the thumbnail that @self's needs ask for, from @memory. */
static gboolean
derive_previews (VeilImage    *self,
                 VipsImage    *memory,
                 DecodeWatch  *watch,
                 const char   *name,
                 guint         timeout_ms,
                 GError      **error)
{
  g_autoptr(VipsImage) preview = make_preview (memory, name, error);

  if (preview == NULL)
    return FALSE;

  if (self->needs & VEIL_IMAGE_NEED_CLASSIFIER)
    {
      /* White, as the classifier's training pictures were shown on web pages. */
      self->classifier_rgb = write_display (preview,
                                            VEIL_IMAGE_CLASSIFIER_SIZE,
                                            VEIL_IMAGE_CLASSIFIER_SIZE,
                                            255.0, watch, name, timeout_ms, error);
      if (self->classifier_rgb == NULL)
        return FALSE;
    }

  if (self->needs & VEIL_IMAGE_NEED_THUMBNAIL)
    {
      gboolean swap = self->orientation >= 5;
      int shown_width = swap ? memory->Ysize : memory->Xsize;
      int shown_height = swap ? memory->Xsize : memory->Ysize;
      int long_side = MAX (shown_width, shown_height);
      double scale = long_side > VEIL_IMAGE_THUMBNAIL_SIZE
                     ? (double) VEIL_IMAGE_THUMBNAIL_SIZE / long_side : 1.0;

      self->thumbnail_width = MAX (1, (int) (shown_width * scale + 0.5));
      self->thumbnail_height = MAX (1, (int) (shown_height * scale + 0.5));
      /* A neutral mid grey behind transparent areas: neither white nor black hides
       * what is drawn. */
      self->thumbnail = write_display (preview, self->thumbnail_width, self->thumbnail_height,
                                       128.0, watch, name, timeout_ms, error);
      if (self->thumbnail == NULL)
        return FALSE;
    }

  return TRUE;
}

/* Decodes @base once and derives every buffer @self's needs ask for. */
static gboolean
decode_and_derive (VeilImage    *self,
                   VipsImage    *base,
                   DecodeWatch  *watch,
                   const char   *name,
                   guint         timeout_ms,
                   GError      **error)
{
  g_autoptr(VipsImage) memory = NULL;

  /* Hashing only: decode straight into the hash's buffer, alpha dropped on the way. */
  if ((self->needs & (VEIL_IMAGE_NEED_CLASSIFIER | VEIL_IMAGE_NEED_THUMBNAIL)) == 0)
    return decode_pdq_pixels (self, base, watch, name, timeout_ms, error);

  memory = decode_shared (self, base, watch, name, timeout_ms, error);
  if (memory == NULL)
    return FALSE;
  if (self->pixels == NULL && (self->needs & (VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_PDQ_FAST)) &&
      !decode_pdq_pixels (self, memory, watch, name, timeout_ms, error))
    return FALSE;

  return derive_previews (self, memory, watch, name, timeout_ms, error);
}

/* CMYK as the reference tool chain turns it into RGB for hashing: ImageMagick's convert
 * (which the reference CLI runs) and Pillow (python-threatexchange) both ignore any ICC
 * profile and compute R = (255 - C) * (255 - K) / 255, rounded, and likewise G from M and B
 * from Y. libvips hands out un-inverted ink values for every CMYK JPEG, as ImageMagick does,
 * Adobe marker or not. */
static guint8 *
cmyk_to_reference_rgb (const guint8 *cmyk,
                       gsize         n_pixels,
                       guint         bands)
{
  guint8 *rgb = g_malloc (n_pixels * 3);

  for (gsize i = 0; i < n_pixels; i++)
    {
      const guint8 *p = cmyk + i * bands;
      guint white = 255 - p[3];

      for (guint c = 0; c < 3; c++)
        rgb[3 * i + c] = (guint8) (((255 - p[c]) * white + 127) / 255);
    }
  return rgb;
}

/* A CMYK @base is decoded once. The hash gets the reference tool chain's conversion, so
 * that its hash is the one python-threatexchange and the reference CLI compute; people and
 * the classifier get libvips' colour-managed one (the file's own profile, or a generic
 * CMYK profile), which looks like what the picture is meant to look like. */
static gboolean
decode_cmyk (VeilImage    *self,
             VipsImage    *base,
             DecodeWatch  *watch,
             const char   *name,
             guint         timeout_ms,
             GError      **error)
{
  g_autofree guint8 *cmyk = decode_to_memory (base, watch, name, timeout_ms, error);
  g_autoptr(VipsImage) memory = NULL;
  g_autoptr(VipsImage) managed = NULL;
  g_autoptr(VipsImage) rgb = NULL;
  gboolean unused_cmyk;
  const void *profile = NULL;
  size_t profile_length = 0;

  if (cmyk == NULL)
    return FALSE;

  if (self->needs & (VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_PDQ_FAST))
    {
      self->pixels = cmyk_to_reference_rgb (cmyk, (gsize) base->Xsize * base->Ysize, base->Bands);
      self->pixels_width = base->Xsize;
      self->pixels_height = base->Ysize;
      self->pixels_channels = 3;
    }
  if ((self->needs & (VEIL_IMAGE_NEED_CLASSIFIER | VEIL_IMAGE_NEED_THUMBNAIL)) == 0)
    return TRUE;

  memory = vips_image_new_from_memory_copy (cmyk, VIPS_IMAGE_SIZEOF_IMAGE (base),
                                            base->Xsize, base->Ysize, base->Bands,
                                            VIPS_FORMAT_UCHAR);
  if (memory != NULL)
    {
      memory->Type = VIPS_INTERPRETATION_CMYK;
      if (vips_image_get_typeof (base, VIPS_META_ICC_NAME) != 0 &&
          vips_image_get_blob (base, VIPS_META_ICC_NAME, &profile, &profile_length) == 0)
        vips_image_set_blob_copy (memory, VIPS_META_ICC_NAME, profile, profile_length);
      if (vips_colourspace (memory, &managed, VIPS_INTERPRETATION_sRGB, NULL) != 0)
        g_clear_object (&managed);
    }
  if (managed == NULL)
    {
      g_autofree char *message = take_vips_error ();

      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("The colours of “%s” cannot be converted for analysis (%s)."),
                   name, message);
      return FALSE;
    }
  if (!to_8bit (managed, &rgb, &unused_cmyk, name, error))
    return FALSE;
  return decode_and_derive (self, rgb, watch, name, timeout_ms, error);
}

/* @page: the frame of an animation to decode (0: the first, or the only picture) */
VeilImage *
_veil_image_load_source_page (int                     fd,
                              const char             *name,
                              guint                   page,
                              VeilImageNeeds          needs,
                         const VeilImageLimits  *limits,
                         GCancellable           *cancellable,
                         GError                **error)
{
  g_autoptr(VeilImage) self = NULL;
  g_autoptr(VipsSource) source = NULL;
  g_autoptr(VipsImage) header = NULL;
  g_autoptr(VipsImage) loaded = NULL;
  g_autoptr(VipsImage) base = NULL;
  DecodeWatch watch = { 0, cancellable, FALSE, FALSE };
  const char *format;
  gboolean cmyk;
  int shrink = 1;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!_veil_image_check_file (fd, name, limits, error))
    return NULL;

  _veil_image_ensure_vips ();

  source = vips_source_new_from_descriptor (fd);
  if (source == NULL)
    {
      g_autofree char *message = take_vips_error ();
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                   _("“%s” cannot be read (%s)."), name, message);
      return NULL;
    }

  format = _veil_image_find_format (fd, source, name, error);
  if (format == NULL)
    return NULL;
  if (g_str_equal (format, "png") && !_veil_image_check_png_size (fd, name, limits, error))
    return NULL;
  header = open_header (source, name, format, (int) page, limits, error);
  if (header == NULL)
    return NULL;
  /* Shrink-on-load is for JPEGs, which have no frames. */
  loaded = page > 0 ? g_object_ref (header) : choose_shrink (source, header, name, format, needs, &shrink, error);
  if (loaded == NULL)
    return NULL;

  self = g_object_new (VEIL_TYPE_IMAGE, NULL);
  self->needs = needs;
  self->format = g_strdup (format);
  self->width = header->Xsize;
  self->height = header->Ysize;
  self->orientation = read_orientation (header);
  self->shrink = shrink;

  if (!to_8bit (loaded, &base, &cmyk, name, error))
    return NULL;

  if (limits->timeout_ms != 0)
    watch.deadline = g_get_monotonic_time () + (gint64) limits->timeout_ms * 1000;

  if (cmyk ? !decode_cmyk (self, base, &watch, name, limits->timeout_ms, error)
           : !decode_and_derive (self, base, &watch, name, limits->timeout_ms, error))
    return NULL;

  if (self->pixels != NULL && self->pixels_channels == 3)
    self->pixels_channels = fold_grey (self->pixels,
                                       (gsize) self->pixels_width * self->pixels_height);

  return g_steal_pointer (&self);
}

/* A frame decoded elsewhere (a video's, by the analysis worker): @rgb holds 8-bit RGB rows
 * of @width * 3 bytes. It goes through the same steps as a decoded picture; its format is
 * "video". */
VeilImage *
_veil_image_new_from_rgb (const guint8           *rgb,
                          guint                   width,
                          guint                   height,
                          const char             *name,
                          VeilImageNeeds          needs,
                          const VeilImageLimits  *limits,
                          GCancellable           *cancellable,
                          GError                **error)
{
  g_autoptr(VeilImage) self = g_object_new (VEIL_TYPE_IMAGE, NULL);
  g_autoptr(VipsImage) base = NULL;
  DecodeWatch watch = { 0, cancellable, FALSE, FALSE };

  _veil_image_ensure_vips ();
  base = vips_image_new_from_memory (rgb, (gsize) width * height * 3, (int) width, (int) height, 3,
                                     VIPS_FORMAT_UCHAR);
  if (base == NULL)
    {
      g_autofree char *message = take_vips_error ();
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("“%s” could not be held in memory (%s)."), name, message);
      return NULL;
    }
  base->Type = VIPS_INTERPRETATION_sRGB;
  self->needs = needs;
  self->format = g_strdup ("video");
  self->width = width;
  self->height = height;
  self->orientation = 1;
  self->shrink = 1;
  if (limits->timeout_ms != 0)
    watch.deadline = g_get_monotonic_time () + (gint64) limits->timeout_ms * 1000;
  if (!decode_and_derive (self, base, &watch, name, limits->timeout_ms, error))
    return NULL;
  if (self->pixels != NULL && self->pixels_channels == 3)
    self->pixels_channels = fold_grey (self->pixels, (gsize) self->pixels_width * self->pixels_height);
  return g_steal_pointer (&self);
}

VeilImage *
_veil_image_load_source (int                     fd,
                         const char             *name,
                         VeilImageNeeds          needs,
                         const VeilImageLimits  *limits,
                         GCancellable           *cancellable,
                         GError                **error)
{
  return _veil_image_load_source_page (fd, name, 0, needs, limits, cancellable, error);
}
