/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-test-utils.h"

/* VeilImage on files the tests make themselves with libvips: every shape and pixel format
 * the decoder meets, and hostile files. Nothing here is committed; all goes to a temporary
 * folder removed afterwards. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = veil_test_make_tmpdir ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static char *
path_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

/* A deterministic 8-bit test pattern, different in every band. */
static guint8 *
pattern (guint width,
         guint height,
         guint bands)
{
  guint8 *p = g_malloc ((gsize) width * height * bands);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint b = 0; b < bands; b++)
        p[((gsize) y * width + x) * bands + b] = (guint8) (x * 7 + y * 13 + b * 61 + (x * y) % 17);
  return p;
}

static VipsImage *
image_from (const guint8       *data,
            guint               width,
            guint               height,
            guint               bands,
            VipsInterpretation  interpretation)
{
  VipsImage *image = vips_image_new_from_memory_copy (data, (gsize) width * height * bands,
                                                      width, height, bands, VIPS_FORMAT_UCHAR);

  g_assert_nonnull (image);
  image->Type = interpretation;
  return image;
}

static VeilImage *
load_ok (const char     *path,
         VeilImageNeeds  needs)
{
  g_autoptr(GError) error = NULL;
  VeilImage *image = veil_image_load_file (path, needs, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

static void
assert_load_error (const char             *path,
                   const VeilImageLimits  *limits,
                   int                     code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) image = veil_image_load_file (path, VEIL_IMAGE_NEED_PDQ, limits, NULL, &error);

  g_assert_null (image);
  g_assert_error (error, VEIL_IMAGE_ERROR, code);
  /* Messages name the file so a person knows which one. */
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);
}

/* Lossless PNGs of every small size come back pixel for pixel. */
static void
test_sizes (Fixture       *fixture,
            gconstpointer  data)
{
  static const guint sizes[][2] = { { 1, 1 }, { 4, 4 }, { 5, 5 }, { 64, 64 }, { 3000, 5 }, { 5, 3000 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      guint w = sizes[s][0], h = sizes[s][1];
      g_autofree guint8 *rgb = pattern (w, h, 3);
      g_autoptr(VipsImage) vimage = image_from (rgb, w, h, 3, VIPS_INTERPRETATION_sRGB);
      g_autofree char *name = g_strdup_printf ("size-%ux%u.png", w, h);
      g_autofree char *path = path_in (fixture, name);
      g_autoptr(VeilImage) image = NULL;
      g_autoptr(VeilPdq) pdq = NULL;
      const guint8 *pixels;
      guint pw, ph, channels;

      g_assert_cmpint (vips_pngsave (vimage, path, NULL), ==, 0);
      image = load_ok (path, VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_CLASSIFIER | VEIL_IMAGE_NEED_THUMBNAIL);
      pixels = veil_image_get_pixels (image, &pw, &ph, &channels);
      g_assert_cmpuint (pw, ==, w);
      g_assert_cmpuint (ph, ==, h);
      g_assert_cmpuint (channels, ==, 3);
      g_assert_cmpmem (pixels, (gsize) w * h * 3, rgb, (gsize) w * h * 3);
      g_assert_cmpstr (veil_image_get_format (image), ==, "png");
      g_assert_nonnull (veil_image_get_classifier_rgb (image));

      pdq = veil_pdq_new_from_image (image, VEIL_PDQ_MODE_EXACT, TRUE, NULL);
      if (w < 5 || h < 5)
        g_assert_cmpuint (veil_pdq_get_quality (pdq), ==, 0);
    }
}

static void
test_grey (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree guint8 *grey = pattern (40, 30, 1);
  g_autofree guint8 *grey_alpha = pattern (40, 30, 2);
  g_autofree guint8 *rgb_grey = g_malloc (40 * 30 * 3);
  g_autofree char *p1 = path_in (fixture, "grey.png");
  g_autofree char *p2 = path_in (fixture, "grey-alpha.png");
  g_autofree char *p3 = path_in (fixture, "rgb-grey.png");
  g_autofree guint8 *expected_ga = g_malloc (40 * 30);
  g_autoptr(VipsImage) v1 = image_from (grey, 40, 30, 1, VIPS_INTERPRETATION_B_W);
  g_autoptr(VipsImage) v2 = NULL;
  g_autoptr(VipsImage) v3 = NULL;
  g_autoptr(VeilImage) i1 = NULL;
  g_autoptr(VeilImage) i2 = NULL;
  g_autoptr(VeilImage) i3 = NULL;
  const guint8 *pixels;
  guint channels;

  /* Alpha 0 somewhere: the stored grey must still be what is hashed. */
  for (gsize i = 0; i < 40 * 30; i++)
    {
      if (i % 5 == 0)
        grey_alpha[2 * i + 1] = 0;
      expected_ga[i] = grey_alpha[2 * i];
    }
  v2 = image_from (grey_alpha, 40, 30, 2, VIPS_INTERPRETATION_B_W);
  for (gsize i = 0; i < 40 * 30; i++)
    rgb_grey[3 * i] = rgb_grey[3 * i + 1] = rgb_grey[3 * i + 2] = grey[i];
  v3 = image_from (rgb_grey, 40, 30, 3, VIPS_INTERPRETATION_sRGB);

  g_assert_cmpint (vips_pngsave (v1, p1, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave (v2, p2, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave (v3, p3, NULL), ==, 0);

  i1 = load_ok (p1, VEIL_IMAGE_NEED_PDQ);
  pixels = veil_image_get_pixels (i1, NULL, NULL, &channels);
  g_assert_cmpuint (channels, ==, 1);
  g_assert_cmpmem (pixels, 40 * 30, grey, 40 * 30);

  i2 = load_ok (p2, VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_THUMBNAIL);
  pixels = veil_image_get_pixels (i2, NULL, NULL, &channels);
  g_assert_cmpuint (channels, ==, 1);
  g_assert_cmpmem (pixels, 40 * 30, expected_ga, 40 * 30);

  /* An RGB file whose pixels all have R = G = B is hashed as grey (PDQ.md §2.1). */
  i3 = load_ok (p3, VEIL_IMAGE_NEED_PDQ);
  pixels = veil_image_get_pixels (i3, NULL, NULL, &channels);
  g_assert_cmpuint (channels, ==, 1);
  g_assert_cmpmem (pixels, 40 * 30, grey, 40 * 30);
}

static void
test_alpha (Fixture       *fixture,
            gconstpointer  data)
{
  const guint w = 224, h = 224;
  g_autofree guint8 *rgba = pattern (w, h, 4);
  g_autofree guint8 *rgb = g_malloc (w * h * 3);
  g_autofree char *path = path_in (fixture, "rgba.png");
  g_autoptr(VipsImage) vimage = NULL;
  g_autoptr(VeilImage) image = NULL;
  const guint8 *pixels;
  const guint8 *classifier;
  guint channels;

  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      rgba[4 * i + 3] = (i % 3 == 0) ? 0 : 255;
      memcpy (rgb + 3 * i, rgba + 4 * i, 3);
    }
  vimage = image_from (rgba, w, h, 4, VIPS_INTERPRETATION_sRGB);
  g_assert_cmpint (vips_pngsave (vimage, path, NULL), ==, 0);

  image = load_ok (path, VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_CLASSIFIER);
  pixels = veil_image_get_pixels (image, NULL, NULL, &channels);
  g_assert_cmpuint (channels, ==, 3);
  /* PDQ: alpha dropped without compositing, the stored colour kept. */
  g_assert_cmpmem (pixels, w * h * 3, rgb, w * h * 3);

  /* The classifier: 224 x 224 passes through, transparent pixels composited on white. */
  classifier = veil_image_get_classifier_rgb (image);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      if (rgba[4 * i + 3] == 0)
        g_assert_true (classifier[3 * i] == 255 && classifier[3 * i + 1] == 255 && classifier[3 * i + 2] == 255);
      else
        g_assert_cmpmem (classifier + 3 * i, 3, rgb + 3 * i, 3);
    }
}

/* A 224 x 224 image reaches the classifier unchanged; another size is stretched to it. */
static void
test_classifier_input (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree guint8 *rgb = pattern (224, 224, 3);
  g_autofree guint8 *wide = pattern (500, 120, 3);
  g_autofree char *p1 = path_in (fixture, "exact.png");
  g_autofree char *p2 = path_in (fixture, "wide.png");
  g_autoptr(VipsImage) v1 = image_from (rgb, 224, 224, 3, VIPS_INTERPRETATION_sRGB);
  g_autoptr(VipsImage) v2 = image_from (wide, 500, 120, 3, VIPS_INTERPRETATION_sRGB);
  g_autoptr(VeilImage) i1 = NULL;
  g_autoptr(VeilImage) i2 = NULL;
  guint tw, th;

  g_assert_cmpint (vips_pngsave (v1, p1, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave (v2, p2, NULL), ==, 0);

  i1 = load_ok (p1, VEIL_IMAGE_NEED_CLASSIFIER);
  g_assert_cmpmem (veil_image_get_classifier_rgb (i1), 224 * 224 * 3, rgb, 224 * 224 * 3);
  /* Only what was asked for is made. */
  g_assert_null (veil_image_get_pixels (i1, NULL, NULL, NULL));
  g_assert_null (veil_image_get_thumbnail (i1, NULL, NULL));

  i2 = load_ok (p2, VEIL_IMAGE_NEED_CLASSIFIER | VEIL_IMAGE_NEED_THUMBNAIL);
  g_assert_nonnull (veil_image_get_classifier_rgb (i2));
  g_assert_nonnull (veil_image_get_thumbnail (i2, &tw, &th));
  g_assert_cmpuint (tw, ==, 256);
  g_assert_cmpuint (th, ==, 61);
  g_assert_null (veil_image_get_pixels (i2, NULL, NULL, NULL));
}

static void
test_palette_and_bilevel (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree guint8 *rgb = pattern (64, 48, 3);
  g_autofree guint8 *grey = g_malloc (64 * 48);
  g_autofree char *p1 = path_in (fixture, "palette.png");
  g_autofree char *p2 = path_in (fixture, "bilevel.png");
  g_autoptr(VipsImage) v1 = image_from (rgb, 64, 48, 3, VIPS_INTERPRETATION_sRGB);
  g_autoptr(VipsImage) v2 = NULL;
  g_autoptr(VeilImage) i1 = NULL;
  g_autoptr(VeilImage) i2 = NULL;
  const guint8 *pixels;
  guint channels;

  for (gsize i = 0; i < 64 * 48; i++)
    grey[i] = ((i / 64 + i % 64) / 4) % 2 ? 255 : 0;
  v2 = image_from (grey, 64, 48, 1, VIPS_INTERPRETATION_B_W);

  g_assert_cmpint (vips_pngsave (v1, p1, "palette", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_pngsave (v2, p2, "bitdepth", 1, NULL), ==, 0);

  i1 = load_ok (p1, VEIL_IMAGE_NEED_PDQ);
  pixels = veil_image_get_pixels (i1, NULL, NULL, &channels);
  g_assert_nonnull (pixels);
  g_assert_cmpuint (channels, ==, 3);

  /* 1-bit pixels arrive as 0 and 255, as the reference gets them. */
  i2 = load_ok (p2, VEIL_IMAGE_NEED_PDQ);
  pixels = veil_image_get_pixels (i2, NULL, NULL, &channels);
  g_assert_cmpuint (channels, ==, 1);
  g_assert_cmpmem (pixels, 64 * 48, grey, 64 * 48);
}

/* 16-bit samples are scaled to 8 bits, v * 255 / 65535 rounded: not their low byte. */
static void
test_16bit (Fixture       *fixture,
            gconstpointer  data)
{
  const guint w = 32, h = 16;
  g_autofree guint16 *samples = g_new (guint16, w * h * 3);
  g_autofree char *path = path_in (fixture, "deep.png");
  g_autoptr(VipsImage) vimage = NULL;
  g_autoptr(VeilImage) image = NULL;
  const guint8 *pixels;
  guint channels;

  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    samples[i] = (guint16) (i * 997 % 65536);
  vimage = vips_image_new_from_memory_copy (samples, w * h * 3 * 2, w, h, 3, VIPS_FORMAT_USHORT);
  vimage->Type = VIPS_INTERPRETATION_RGB16;
  g_assert_cmpint (vips_pngsave (vimage, path, "bitdepth", 16, NULL), ==, 0);

  image = load_ok (path, VEIL_IMAGE_NEED_PDQ);
  pixels = veil_image_get_pixels (image, NULL, NULL, &channels);
  g_assert_cmpuint (channels, ==, 3);
  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    {
      guint expected = (samples[i] * 255u + 32767u) / 65535u;

      if (pixels[i] != expected)
        g_error ("sample %" G_GSIZE_FORMAT ": %u became %u, expected %u", i, samples[i], pixels[i], expected);
    }
}

static void
test_jpeg_variants (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint w = 320, h = 240;
  g_autofree guint8 *rgb = pattern (w, h, 3);
  g_autofree guint8 *cmyk = g_malloc0 (w * h * 4);
  g_autofree char *baseline = path_in (fixture, "baseline.jpg");
  g_autofree char *progressive = path_in (fixture, "progressive.jpg");
  g_autofree char *cmyk_path = path_in (fixture, "cmyk.jpg");
  g_autoptr(VipsImage) v1 = image_from (rgb, w, h, 3, VIPS_INTERPRETATION_sRGB);
  g_autoptr(VipsImage) v2 = NULL;
  g_autoptr(VeilPdq) a = NULL;
  g_autoptr(VeilPdq) b = NULL;
  g_autoptr(VeilImage) ci = NULL;
  const guint8 *pixels;
  guint channels;

  /* Left half pure cyan (C = 255), right half white, in CMYK. */
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w / 2; x++)
      cmyk[((gsize) y * w + x) * 4] = 255;
  v2 = image_from (cmyk, w, h, 4, VIPS_INTERPRETATION_CMYK);

  g_assert_cmpint (vips_jpegsave (v1, baseline, "Q", 95, NULL), ==, 0);
  g_assert_cmpint (vips_jpegsave (v1, progressive, "Q", 95, "interlace", TRUE, NULL), ==, 0);
  g_assert_cmpint (vips_jpegsave (v2, cmyk_path, "Q", 95, NULL), ==, 0);

  a = veil_pdq_hash_file (baseline, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, NULL);
  b = veil_pdq_hash_file (progressive, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (veil_pdq_hash_distance (veil_pdq_get_hash (a), veil_pdq_get_hash (b)), <=, 8);

  ci = load_ok (cmyk_path, VEIL_IMAGE_NEED_PDQ);
  pixels = veil_image_get_pixels (ci, NULL, NULL, &channels);
  g_assert_cmpuint (channels, ==, 3);
  g_assert_cmpstr (veil_image_get_format (ci), ==, "jpeg");
  /* Cyan: little red, much green and blue; white: all high. */
  g_assert_cmpuint (pixels[0], <, 100);
  g_assert_cmpuint (pixels[1], >, 100);
  g_assert_cmpuint (pixels[2], >, 150);
  g_assert_cmpuint (pixels[(w - 1) * 3], >, 230);
}

static void
test_animated_gif (Fixture       *fixture,
                   gconstpointer  data)
{
  const guint w = 40, h = 30;
  g_autofree guint8 *frames = g_malloc (w * h * 2 * 3);
  g_autofree char *path = path_in (fixture, "animated.gif");
  g_autoptr(VipsImage) vimage = NULL;
  g_autoptr(VeilImage) image = NULL;
  const guint8 *pixels;
  guint pw, ph, channels;

  /* Frame 1 black, frame 2 white. */
  memset (frames, 0, w * h * 3);
  memset (frames + w * h * 3, 255, w * h * 3);
  vimage = image_from (frames, w, h * 2, 3, VIPS_INTERPRETATION_sRGB);
  vips_image_set_int (vimage, "page-height", h);
  g_assert_cmpint (vips_gifsave (vimage, path, NULL), ==, 0);

  image = load_ok (path, VEIL_IMAGE_NEED_PDQ);
  pixels = veil_image_get_pixels (image, &pw, &ph, &channels);
  g_assert_cmpuint (pw, ==, w);
  g_assert_cmpuint (ph, ==, h);
  g_assert_cmpuint (channels, ==, 1);
  for (gsize i = 0; i < (gsize) w * h; i++)
    g_assert_cmpuint (pixels[i], ==, 0);
}

/* EXIF orientation: ignored for hashing, applied for what people see. */
static void
test_exif_rotation (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint w = 300, h = 100;
  g_autofree guint8 *rgb = pattern (w, h, 3);
  g_autofree char *plain = path_in (fixture, "plain.jpg");
  g_autofree char *rotated = path_in (fixture, "rotated.jpg");
  g_autoptr(VipsImage) v1 = image_from (rgb, w, h, 3, VIPS_INTERPRETATION_sRGB);
  g_autoptr(VipsImage) v2 = image_from (rgb, w, h, 3, VIPS_INTERPRETATION_sRGB);
  g_autoptr(VeilImage) a = NULL;
  g_autoptr(VeilImage) b = NULL;
  const guint8 *pa, *pb;
  guint bw, bh, tw, th;

  vips_image_set_int (v2, VIPS_META_ORIENTATION, 6);
  g_assert_cmpint (vips_jpegsave (v1, plain, "Q", 90, NULL), ==, 0);
  g_assert_cmpint (vips_jpegsave (v2, rotated, "Q", 90, NULL), ==, 0);

  a = load_ok (plain, VEIL_IMAGE_NEED_PDQ);
  b = load_ok (rotated, VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_THUMBNAIL);
  g_assert_cmpuint (veil_image_get_orientation (b), ==, 6);

  pa = veil_image_get_pixels (a, NULL, NULL, NULL);
  pb = veil_image_get_pixels (b, &bw, &bh, NULL);
  g_assert_cmpuint (bw, ==, w);
  g_assert_cmpuint (bh, ==, h);
  g_assert_cmpmem (pa, w * h * 3, pb, w * h * 3);

  g_assert_nonnull (veil_image_get_thumbnail (b, &tw, &th));
  /* Shown upright it is 100 x 300, scaled to a long side of 256. */
  g_assert_cmpuint (tw, ==, 85);
  g_assert_cmpuint (th, ==, 256);
}

static void
test_formats (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree guint8 *rgb = pattern (64, 64, 3);
  g_autoptr(VipsImage) vimage = image_from (rgb, 64, 64, 3, VIPS_INTERPRETATION_sRGB);
  struct { const char *name; const char *format; } files[] = {
    { "a.webp", "webp" }, { "a.tif", "tiff" }, { "a.avif", "heif" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = path_in (fixture, files[i].name);
      g_autoptr(VeilImage) image = NULL;

      if (vips_image_write_to_file (vimage, path, NULL) != 0)
        {
          g_test_message ("this libvips cannot write %s: %s", files[i].name, vips_error_buffer ());
          vips_error_clear ();
          continue;
        }
      image = load_ok (path, VEIL_IMAGE_NEED_PDQ);
      g_assert_cmpstr (veil_image_get_format (image), ==, files[i].format);
    }
}

/* ---- Hostile input ---------------------------------------------------------------------- */

static char *
write_jpeg (Fixture    *fixture,
            const char *name,
            guint       w,
            guint       h)
{
  g_autofree guint8 *rgb = pattern (w, h, 3);
  g_autoptr(VipsImage) vimage = image_from (rgb, w, h, 3, VIPS_INTERPRETATION_sRGB);
  char *path = path_in (fixture, name);

  g_assert_cmpint (vips_jpegsave (vimage, path, "Q", 90, NULL), ==, 0);
  return path;
}

static void
truncate_file (const char *src,
               const char *dst,
               double      fraction)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (src, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (dst, contents, (gssize) (length * fraction), NULL));
}

static void
test_truncated (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *jpeg = write_jpeg (fixture, "whole.jpg", 400, 300);
  g_autofree char *cut_jpeg = path_in (fixture, "cut.jpg");
  g_autofree char *png = path_in (fixture, "whole.png");
  g_autofree char *cut_png = path_in (fixture, "cut.png");
  g_autofree guint8 *rgb = pattern (400, 300, 3);
  g_autoptr(VipsImage) vimage = image_from (rgb, 400, 300, 3, VIPS_INTERPRETATION_sRGB);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (vips_pngsave (vimage, png, NULL), ==, 0);
  truncate_file (jpeg, cut_jpeg, 0.5);
  truncate_file (png, cut_png, 0.5);

  g_file_get_contents (cut_jpeg, &before, NULL, NULL);
  assert_load_error (cut_jpeg, NULL, VEIL_IMAGE_ERROR_CORRUPT);
  assert_load_error (cut_png, NULL, VEIL_IMAGE_ERROR_CORRUPT);
  /* Also when a thumbnail is made from the same decode. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VeilImage) image = veil_image_load_file (cut_jpeg, VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_THUMBNAIL,
                                                       NULL, NULL, &error);
    g_assert_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT);
  }
  /* The user's file is only read. */
  g_file_get_contents (cut_jpeg, &after, NULL, NULL);
  g_assert_cmpstr (before, ==, after);
}

/* A JPEG and a PNG cut at many points: every prefix is refused with an image error (or, for
 * the rare cut that leaves a decodable file, loads), never crashes (ASan and valgrind in CI). */
static void
test_truncated_everywhere (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree guint8 *rgb = pattern (48, 40, 3);
  g_autoptr(VipsImage) vimage = image_from (rgb, 48, 40, 3, VIPS_INTERPRETATION_sRGB);
  const char *names[] = { "small.jpg", "small.png" };

  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    {
      g_autofree char *whole = path_in (fixture, names[f]);
      g_autofree char *cut = path_in (fixture, "cut");
      g_autofree char *contents = NULL;
      gsize length;
      guint refused = 0;

      g_assert_cmpint (vips_image_write_to_file (vimage, whole, NULL), ==, 0);
      g_assert_true (g_file_get_contents (whole, &contents, &length, NULL));

      for (gsize at = 1; at < length; at += 1 + length / 60)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(VeilImage) image = NULL;

          g_assert_true (g_file_set_contents_full (cut, contents, at, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
          image = veil_image_load_file (cut, VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_THUMBNAIL, NULL, NULL, &error);
          if (image == NULL)
            {
              g_assert_true (error->domain == VEIL_IMAGE_ERROR);
              refused++;
            }
        }
      g_assert_cmpuint (refused, >, 0);
    }
}

static void
test_not_images (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *empty = path_in (fixture, "empty.jpg");
  g_autofree char *text = path_in (fixture, "text.jpg");
  g_autofree char *svg = path_in (fixture, "drawing.svg");
  g_autofree char *bmp = path_in (fixture, "old.bmp");
  g_autofree char *missing = path_in (fixture, "missing.jpg");
  guint8 bmp_header[64] = { 'B', 'M' };

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "Dear diary,\nthis is not a photo.\n", -1, NULL));
  g_assert_true (g_file_set_contents (svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>", -1, NULL));
  g_assert_true (g_file_set_contents (bmp, (const char *) bmp_header, sizeof bmp_header, NULL));

  assert_load_error (empty, NULL, VEIL_IMAGE_ERROR_EMPTY);
  assert_load_error (text, NULL, VEIL_IMAGE_ERROR_NOT_AN_IMAGE);
  assert_load_error (svg, NULL, VEIL_IMAGE_ERROR_UNSUPPORTED);
  assert_load_error (bmp, NULL, VEIL_IMAGE_ERROR_UNSUPPORTED);
  assert_load_error (missing, NULL, VEIL_IMAGE_ERROR_NOT_FOUND);
  assert_load_error (fixture->dir, NULL, VEIL_IMAGE_ERROR_NOT_A_FILE);
}

static void
test_fifo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *fifo = path_in (fixture, "pipe.jpg");

  /* Opening must not block waiting for a writer. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_load_error (fifo, NULL, VEIL_IMAGE_ERROR_NOT_A_FILE);
}

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
    }
  return ~crc;
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* A valid PNG signature and header claiming 100000 x 100000 pixels, then nothing: it must be
 * refused from the header alone, before any memory is spent. */
static void
test_huge_header (Fixture       *fixture,
                  gconstpointer  data)
{
  guint8 png[8 + 25 + 12] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 *ihdr = png + 8;
  g_autofree char *path = path_in (fixture, "huge.png");

  put_be32 (ihdr, 13);
  memcpy (ihdr + 4, "IHDR", 4);
  put_be32 (ihdr + 8, 100000);
  put_be32 (ihdr + 12, 100000);
  ihdr[16] = 8;  /* bit depth */
  ihdr[17] = 2;  /* RGB */
  put_be32 (ihdr + 21, crc32_of (ihdr + 4, 17));
  /* An empty IDAT so the file is structurally plausible. */
  put_be32 (png + 33, 0);
  memcpy (png + 37, "IDAT", 4);
  put_be32 (png + 41, crc32_of ((const guint8 *) "IDAT", 4));

  g_assert_true (g_file_set_contents (path, (const char *) png, sizeof png, NULL));
  assert_load_error (path, NULL, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS);
}

static void
assert_refused_as_damaged (const char     *path,
                           VeilImageNeeds  needs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) image = veil_image_load_file (path, needs, NULL, NULL, &error);

  g_assert_null (image);
  g_assert_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged"));
}

/* Headers that promise more pixels than the file holds: refused as damaged, not decoded
 * grey-padded, on every decode path (whole, shrunk on load, shared with previews). */
static void
test_short_payload (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *jpeg = write_jpeg (fixture, "payload.jpg", 64, 48);
  g_autofree char *png = path_in (fixture, "payload.png");
  g_autofree guint8 *rgb = pattern (64, 48, 3);
  g_autoptr(VipsImage) vimage = image_from (rgb, 64, 48, 3, VIPS_INTERPRETATION_sRGB);
  const VeilImageNeeds needs[] = {
    VEIL_IMAGE_NEED_PDQ, VEIL_IMAGE_NEED_PDQ_FAST,
    VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_CLASSIFIER | VEIL_IMAGE_NEED_THUMBNAIL,
  };
  g_autofree char *contents = NULL;
  gsize length, at = 2;

  /* The JPEG's frame header (SOF0) says 9999 x 9999. */
  g_assert_true (g_file_get_contents (jpeg, &contents, &length, NULL));
  while ((guint8) contents[at + 1] != 0xc0)
    at += 2 + (((guint8) contents[at + 2] << 8) | (guint8) contents[at + 3]);
  for (int i = 0; i < 2; i++)
    {
      contents[at + 5 + 2 * i] = (char) (9999 >> 8);
      contents[at + 6 + 2 * i] = (char) (9999 & 0xff);
    }
  g_assert_true (g_file_set_contents (jpeg, contents, length, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (needs); i++)
    assert_refused_as_damaged (jpeg, needs[i]);

  /* The PNG's IHDR says 480 rows; its complete zlib stream holds 48. */
  g_clear_pointer (&contents, g_free);
  g_assert_cmpint (vips_pngsave (vimage, png, NULL), ==, 0);
  g_assert_true (g_file_get_contents (png, &contents, &length, NULL));
  put_be32 ((guint8 *) contents + 20, 480);
  put_be32 ((guint8 *) contents + 29, crc32_of ((const guint8 *) contents + 12, 17));
  g_assert_true (g_file_set_contents (png, contents, length, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (needs); i++)
    assert_refused_as_damaged (png, needs[i]);

  /* WebP and GIF files cut short. */
  for (guint f = 0; f < 2; f++)
    {
      g_autofree char *whole = path_in (fixture, f == 0 ? "whole.webp" : "whole.gif");
      g_autofree char *cut = path_in (fixture, f == 0 ? "cut.webp" : "cut.gif");

      g_assert_cmpint (vips_image_write_to_file (vimage, whole, NULL), ==, 0);
      truncate_file (whole, cut, 0.7);
      assert_refused_as_damaged (cut, VEIL_IMAGE_NEED_PDQ);
    }
}

/* Refused with @code; returns the message. */
static char *
load_error_message (const char *path,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) image = veil_image_load_file (path, VEIL_IMAGE_NEED_PDQ, NULL, NULL, &error);

  g_assert_null (image);
  g_assert_error (error, VEIL_IMAGE_ERROR, code);
  g_test_message ("%s", error->message);
  return g_strdup (error->message);
}

static char *
write_png_header (Fixture *fixture,
                  guint32  width,
                  guint32  height)
{
  guint8 png[8 + 25] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *name = g_strdup_printf ("%ux%u.png", width, height);
  char *path = path_in (fixture, name);

  put_be32 (png + 8, 13);
  memcpy (png + 12, "IHDR", 4);
  put_be32 (png + 16, width);
  put_be32 (png + 20, height);
  png[24] = 8;
  png[25] = 2;
  put_be32 (png + 29, crc32_of (png + 12, 17));
  g_assert_true (g_file_set_contents (path, (const char *) png, sizeof png, NULL));
  return path;
}

/* Each refusal gives its true reason: a format Veil does not read (naming the ones it
 * does), or a picture too wide or high (naming the limit), never "damaged". */
static void
test_unsupported_reasons (Fixture       *fixture,
                          gconstpointer  data)
{
  static const struct { const char *name; const char *bytes; gsize length; const char *format; } files[] = {
    { "codestream.jxl", "\xff\x0a\xfa\x7f\x01\x90\x08\x06\x01\x00\x48\x00\x4b\x38", 14, "JPEG XL" },
    { "container.jxl", "\0\0\0\x0cJXL \r\n\x87\n\0\0\0\x14" "ftypjxl \0\0\0\0", 28, "JPEG XL" },
    /* 2 x 2 pixels, 24 bits: file header, info header, two rows padded to 8 bytes. */
    { "picture.bmp", "BM\x46\0\0\0\0\0\0\0\x36\0\0\0" "\x28\0\0\0\x02\0\0\0\x02\0\0\0\x01\0\x18\0"
      "\0\0\0\0\x10\0\0\0\x13\x0b\0\0\x13\x0b\0\0\0\0\0\0\0\0\0\0" "\xff\0\0\0\xff\0\0\0\0\0\xff\0\xff\xff\xff\0",
      70, "BMP" },
  };
  static const guint32 sizes[][2] = { { 100000000, 1 }, { 1, 100000000 }, { 1000001, 1 } };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = path_in (fixture, files[i].name);
      g_autofree char *message = NULL;

      g_assert_true (g_file_set_contents (path, files[i].bytes, files[i].length, NULL));
      message = load_error_message (path, VEIL_IMAGE_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (message, files[i].format));
      g_assert_nonnull (strstr (message, "Veil does not read"));
      g_assert_nonnull (strstr (message, "JPEG, PNG, WebP, GIF, TIFF and HEIF/AVIF"));
    }

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = write_png_header (fixture, sizes[i][0], sizes[i][1]);
      g_autofree char *message = load_error_message (path, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS);

      g_assert_nonnull (strstr (message, "at most 1000000 pixels wide and 1000000 pixels high"));
    }

  /* An MP4 video shares HEIF's ftyp box but is no picture at all. */
  {
    g_autofree char *path = path_in (fixture, "clip.mp4");
    g_autofree char *message = NULL;

    g_assert_true (g_file_set_contents (path, "\0\0\0\x18" "ftypisom\0\0\x02\0isomiso2", 24, NULL));
    message = load_error_message (path, VEIL_IMAGE_ERROR_NOT_AN_IMAGE);
    g_assert_null (strstr (message, "HEIF"));
  }
}

static void
test_limits (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *jpeg = write_jpeg (fixture, "limits.jpg", 200, 100);
  VeilImageLimits limits;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) image = NULL;

  veil_image_limits_init_default (&limits);
  g_assert_cmpuint (limits.max_pixels, ==, 100000000);

  limits.max_file_size = 100;
  assert_load_error (jpeg, &limits, VEIL_IMAGE_ERROR_FILE_TOO_LARGE);

  veil_image_limits_init_default (&limits);
  limits.max_pixels = 200 * 100 - 1;
  assert_load_error (jpeg, &limits, VEIL_IMAGE_ERROR_TOO_MANY_PIXELS);
  limits.max_pixels = 200 * 100;
  image = veil_image_load_file (jpeg, VEIL_IMAGE_NEED_PDQ, &limits, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&image);

  g_cancellable_cancel (cancellable);
  image = veil_image_load_file (jpeg, VEIL_IMAGE_NEED_PDQ, NULL, cancellable, &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A decode that outlasts its time budget is stopped with TIMEOUT. */
static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *big = write_jpeg (fixture, "big.jpg", 4000, 3000);
  VeilImageLimits limits;

  veil_image_limits_init_default (&limits);
  limits.timeout_ms = 1;
  assert_load_error (big, &limits, VEIL_IMAGE_ERROR_TIMEOUT);
}

static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = write_jpeg (fixture, "secret.jpg", 20, 20);

  if (getuid () == 0)
    {
      g_test_skip ("root reads any file: /veil/image/unreadable-as-user checks this from an unprivileged child");
      return;
    }
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  assert_load_error (path, NULL, VEIL_IMAGE_ERROR_UNREADABLE);
}

static void
test_unreadable_root (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "secret.jpg", NULL);

  if (getuid () != 0)
    {
      g_test_skip ("covered by /veil/image/unreadable when not running as root");
      veil_test_rm_rf (dir);
      return;
    }

  {
    g_autofree guint8 *rgb = pattern (20, 20, 3);
    g_autoptr(VipsImage) vimage = image_from (rgb, 20, 20, 3, VIPS_INTERPRETATION_sRGB);

    g_assert_cmpint (vips_jpegsave (vimage, path, NULL), ==, 0);
  }
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  g_setenv ("VEIL_TEST_UNREADABLE", path, TRUE);
  g_test_trap_subprocess ("/veil/image/unreadable-as-user/subprocess", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("VEIL_TEST_UNREADABLE");
  veil_test_rm_rf (dir);
  g_test_trap_assert_passed ();
}

static void
test_unreadable_root_subprocess (void)
{
  const char *path = g_getenv ("VEIL_TEST_UNREADABLE");

  g_assert_nonnull (path);
  g_assert_cmpint (setgid (65534), ==, 0);
  g_assert_cmpint (setuid (65534), ==, 0);
  assert_load_error (path, NULL, VEIL_IMAGE_ERROR_UNREADABLE);
}

static void
test_fd (Fixture       *fixture,
         gconstpointer  data)
{
  g_autofree char *path = write_jpeg (fixture, "fd.jpg", 64, 48);
  g_autoptr(VeilImage) by_path = load_ok (path, VEIL_IMAGE_NEED_PDQ);
  g_autoptr(VeilImage) by_fd = NULL;
  g_autoptr(GError) error = NULL;
  int fd = g_open (path, O_RDONLY, 0);
  guint w, h, c;
  const guint8 *a, *b;

  g_assert_cmpint (fd, >=, 0);
  /* A descriptor whose offset has moved is still read from the start. */
  g_assert_cmpint (lseek (fd, 10, SEEK_SET), ==, 10);
  by_fd = veil_image_load_fd (fd, VEIL_IMAGE_NEED_PDQ, NULL, NULL, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);

  a = veil_image_get_pixels (by_path, &w, &h, &c);
  b = veil_image_get_pixels (by_fd, NULL, NULL, NULL);
  g_assert_cmpmem (a, w * h * c, b, w * h * c);
}

static void
load_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **out = user_data;
  g_autoptr(VeilImage) image = veil_image_load_file_finish (result, out);

  g_assert_null (image);
}

static void
test_async_error (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *missing = path_in (fixture, "gone.png");
  GError *error = NULL;

  veil_image_load_file_async (missing, VEIL_IMAGE_NEED_PDQ, NULL, NULL, load_ready_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_FOUND);
  g_error_free (error);
}

/* libvips reports damaged files with g_warning()s of its own ("error in tile", "not enough
 * data") from its worker threads, besides the error VeilImage turns into
 * VEIL_IMAGE_ERROR_CORRUPT. GLib's fatal-warnings would abort on them before any handler
 * runs, so this binary turns the global flag off and this writer re-imposes it: libvips'
 * ("VIPS") warnings are printed, every other warning or critical still aborts the test. */
static GLogWriterOutput
log_writer_cb (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if ((log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL)) == 0)
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  if (g_strcmp0 (domain, "VIPS") == 0)
    return G_LOG_WRITER_HANDLED;
  g_test_message ("fatal: %s", message != NULL ? message : "(no message)");
  abort ();
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (log_writer_cb, NULL, NULL);
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips: %s", vips_error_buffer ());

#define ADD(path, func) \
  g_test_add ("/veil/image/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("sizes", test_sizes);
  ADD ("grey", test_grey);
  ADD ("alpha", test_alpha);
  ADD ("classifier-input", test_classifier_input);
  ADD ("palette-and-bilevel", test_palette_and_bilevel);
  ADD ("16bit", test_16bit);
  ADD ("jpeg-variants", test_jpeg_variants);
  ADD ("animated-gif", test_animated_gif);
  ADD ("exif-rotation", test_exif_rotation);
  ADD ("formats", test_formats);
  ADD ("truncated", test_truncated);
  ADD ("truncated-everywhere", test_truncated_everywhere);
  ADD ("not-images", test_not_images);
  ADD ("fifo", test_fifo);
  ADD ("huge-header", test_huge_header);
  ADD ("short-payload", test_short_payload);
  ADD ("unsupported-reasons", test_unsupported_reasons);
  ADD ("limits", test_limits);
  ADD ("timeout", test_timeout);
  ADD ("unreadable", test_unreadable);
  ADD ("fd", test_fd);
  ADD ("async-error", test_async_error);
  g_test_add_func ("/veil/image/unreadable-as-user", test_unreadable_root);
  g_test_add_func ("/veil/image/unreadable-as-user/subprocess", test_unreadable_root_subprocess);

  return g_test_run ();
}
