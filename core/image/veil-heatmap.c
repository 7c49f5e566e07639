/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-heatmap"

#include "config.h"

#include "veil-heatmap.h"

#include <glib/gi18n-lib.h>
#include <vips/vips.h>

/* libvips 8.14 does not declare this itself. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

G_DEFINE_QUARK (veil-heatmap-error-quark, veil_heatmap_error)

/* How strongly the hottest cell tints the picture, and the blur relative to the picture's
 * long side. */
#define MAX_OPACITY 0.6
#define BLUR_FRACTION 0.03

static gboolean
ensure_vips (GError **error)
{
  static gsize ok = 0;

  if (g_once_init_enter (&ok))
    g_once_init_leave (&ok, VIPS_INIT ("veil") == 0 ? 1 : 2);
  if (ok == 1)
    return TRUE;
  g_set_error_literal (error, VEIL_HEATMAP_ERROR, VEIL_HEATMAP_ERROR_RENDER,
                       _("The image library could not start, so no heatmap can be drawn."));
  return FALSE;
}

static gboolean
vips_failed (GError **error)
{
  g_set_error (error, VEIL_HEATMAP_ERROR, VEIL_HEATMAP_ERROR_RENDER,
               _("The heatmap could not be drawn: %s"), vips_error_buffer ());
  vips_error_clear ();
  return FALSE;
}

/* Builds the overlay as a VipsImage (3-band uchar, width x height). */
static VipsImage *
build (const float   *map,
       guint          map_width,
       guint          map_height,
       const guint8  *rgb,
       guint          width,
       guint          height,
       GError       **error)
{
  g_autoptr(VipsImage) base = NULL, blurred = NULL, cells = NULL, up = NULL, sized = NULL;
  g_autoptr(VipsImage) alpha = NULL, alpha8 = NULL, red = NULL, overlay = NULL, mixed = NULL;
  g_autoptr(VipsImage) flat = NULL, raw = NULL, tinted = NULL;
  g_autofree float *weights = NULL;
  gsize n = (gsize) map_width * map_height;
  double peak = 0.0;
  double red_colour[3] = { 230.0, 32.0, 32.0 };
  double zero[3] = { 0.0, 0.0, 0.0 };

  if (map == NULL || rgb == NULL || map_width == 0 || map_height == 0 || width == 0 || height == 0)
    {
      g_set_error_literal (error, VEIL_HEATMAP_ERROR, VEIL_HEATMAP_ERROR_INVALID,
                           _("There is no heatmap or picture to draw."));
      return NULL;
    }
  if (!ensure_vips (error))
    return NULL;

  /* Only what raised the score is shown: negative cells are clipped, the rest scaled so the
   * hottest cell is fully tinted. */
  weights = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    peak = MAX (peak, map[i]);
  for (gsize i = 0; i < n; i++)
    weights[i] = peak > 0.0 ? (float) (MAX (map[i], 0.0f) / peak * MAX_OPACITY * 255.0) : 0.0f;

  raw = vips_image_new_from_memory (rgb, (gsize) width * height * 3, width, height, 3, VIPS_FORMAT_UCHAR);
  if (raw == NULL ||
      vips_copy (raw, &base, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0)
    return vips_failed (error), NULL;
  cells = vips_image_new_from_memory (weights, n * sizeof (float), map_width, map_height, 1, VIPS_FORMAT_FLOAT);
  if (cells == NULL)
    return vips_failed (error), NULL;

  if (vips_gaussblur (base, &blurred, MAX (1.0, MAX (width, height) * BLUR_FRACTION), NULL) != 0 ||
      vips_resize (cells, &up, (double) width / map_width, "vscale", (double) height / map_height,
                   "kernel", VIPS_KERNEL_LINEAR, NULL) != 0 ||
      /* Resizing can be a pixel short or long: pad by copying the edge, then cut to size. */
      vips_embed (up, &sized, 0, 0, width, height, "extend", VIPS_EXTEND_COPY, NULL) != 0 ||
      vips_cast (sized, &alpha8, VIPS_FORMAT_UCHAR, NULL) != 0 ||
      vips_black (&red, width, height, "bands", 3, NULL) != 0 ||
      vips_linear (red, &alpha, zero, red_colour, 3, "uchar", TRUE, NULL) != 0 ||
      vips_bandjoin2 (alpha, alpha8, &tinted, NULL) != 0 ||
      vips_copy (tinted, &overlay, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
      vips_composite2 (blurred, overlay, &mixed, VIPS_BLEND_MODE_OVER, NULL) != 0 ||
      vips_extract_band (mixed, &flat, 0, "n", 3, NULL) != 0)
    return vips_failed (error), NULL;

  {
    VipsImage *out = NULL;

    if (vips_cast (flat, &out, VIPS_FORMAT_UCHAR, NULL) != 0)
      return vips_failed (error), NULL;
    /* The pixels above are borrowed from the caller: render now, before they go away. */
    if (vips_image_wio_input (out) != 0)
      {
        g_object_unref (out);
        return vips_failed (error), NULL;
      }
    return out;
  }
}

/**
 * veil_heatmap_render:
 * @map: (array): a class-activation map, @map_width × @map_height, row-major
 * @rgb: the picture (for Veil: the classifier input or the thumbnail), rows of @width × 3
 * @error: return location for a #VeilHeatmapError
 *
 * Returns: (transfer full) (nullable): @width × @height × 3 bytes of RGB, or %NULL with
 *   @error set
 */
guint8 *
veil_heatmap_render (const float   *map,
                     guint          map_width,
                     guint          map_height,
                     const guint8  *rgb,
                     guint          width,
                     guint          height,
                     GError       **error)
{
  g_autoptr(VipsImage) image = NULL;
  gsize size = 0;
  void *pixels;

  image = build (map, map_width, map_height, rgb, width, height, error);
  if (image == NULL)
    return NULL;

  pixels = vips_image_write_to_memory (image, &size);
  if (pixels == NULL)
    return vips_failed (error), NULL;
  g_assert (size == (gsize) width * height * 3);

  return pixels;
}

/**
 * veil_heatmap_save_png:
 * @path: where to write the PNG (replaced if it exists)
 *
 * Like veil_heatmap_render(), written to @path as a PNG.
 *
 * Returns: %TRUE on success
 */
gboolean
veil_heatmap_save_png (const float   *map,
                       guint          map_width,
                       guint          map_height,
                       const guint8  *rgb,
                       guint          width,
                       guint          height,
                       const char    *path,
                       GError       **error)
{
  g_autoptr(VipsImage) image = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  image = build (map, map_width, map_height, rgb, width, height, error);
  if (image == NULL)
    return FALSE;

  if (vips_pngsave (image, path, "strip", TRUE, NULL) != 0)
    {
      g_set_error (error, VEIL_HEATMAP_ERROR, VEIL_HEATMAP_ERROR_WRITE,
                   _("The heatmap could not be saved to “%s”: %s"), path, vips_error_buffer ());
      vips_error_clear ();
      return FALSE;
    }
  return TRUE;
}
