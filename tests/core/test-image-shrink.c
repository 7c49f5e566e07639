/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-image-private.h"
#include "veil-test-utils.h"

/* The previews' box shrink is Veil's own loop, held here to give the very bytes libvips'
 * vips_shrink() gives (the classifier's input and the thumbnails must not change with it):
 * random pictures, grey and RGB, odd sizes, factors that leave partial blocks at the edges,
 * and factors past the reciprocal's range. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

static void
check_one (GRand *rand,
           guint  width,
           guint  height,
           guint  bands,
           guint  xshrink,
           guint  yshrink)
{
  gsize size = (gsize) width * height * bands;
  g_autofree guint8 *pixels = g_malloc (size);
  g_autofree guint8 *mine = NULL;
  g_autofree guint8 *theirs = NULL;
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(VipsImage) shrunk = NULL;
  guint out_width = 0, out_height = 0;
  size_t theirs_size = 0;

  for (gsize i = 0; i < size; i++)
    pixels[i] = (guint8) g_rand_int_range (rand, 0, 256);
  image = vips_image_new_from_memory (pixels, size, width, height, bands, VIPS_FORMAT_UCHAR);
  g_assert_nonnull (image);
  g_assert_cmpint (vips_shrink (image, &shrunk, xshrink, yshrink, NULL), ==, 0);
  theirs = vips_image_write_to_memory (shrunk, &theirs_size);
  g_assert_nonnull (theirs);

  mine = _veil_image_box_shrink (pixels, width, height, bands, xshrink, yshrink, &out_width, &out_height);
  g_assert_cmpuint (out_width, ==, shrunk->Xsize);
  g_assert_cmpuint (out_height, ==, shrunk->Ysize);
  g_assert_cmpmem (mine, (gsize) out_width * out_height * bands, theirs, theirs_size);
}

static void
test_matches_vips (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (18);

  for (guint i = 0; i < 200; i++)
    {
      guint width = g_rand_int_range (rand, 16, 700);
      guint height = g_rand_int_range (rand, 16, 700);
      guint xshrink = g_rand_int_range (rand, 1, 10);
      guint yshrink = g_rand_int_range (rand, 1, 10);

      if (xshrink == 1 && yshrink == 1)
        continue;
      check_one (rand, width, height, g_rand_boolean (rand) ? 3 : 1, xshrink, yshrink);
    }
  /* What make_preview() asks of a 1600 x 1200 photo and a 12 MP one. */
  check_one (rand, 1600, 1200, 3, 3, 2);
  check_one (rand, 4000, 3000, 3, 8, 6);
  /* Factors past RECIPROCAL_MAX_N, with a partial block at the edge. */
  check_one (rand, 9000, 2, 1, 4500, 1);
  check_one (rand, 3, 8300, 3, 1, 4150);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips could not start: %s", vips_error_buffer ());

  g_test_add_func ("/veil/image-shrink/matches-vips", test_matches_vips);
  return g_test_run ();
}
