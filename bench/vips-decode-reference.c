/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdio.h>
#include <vips/vips.h>

/* The reference for bench/startup: the least a program that decodes a picture with libvips
 * does. libvips starts as it does for its own command-line tools (every module it finds is
 * loaded), then the file is decoded to memory and its average printed.
 *
 *   vips-decode-reference FILE */

int
main (int   argc,
      char *argv[])
{
  VipsImage *image;
  double avg = 0.0;

  if (VIPS_INIT (argv[0]) != 0 || argc != 2)
    return 2;
  image = vips_image_new_from_file (argv[1], "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  if (image == NULL || vips_avg (image, &avg, NULL) != 0)
    {
      fprintf (stderr, "%s\n", vips_error_buffer ());
      return 1;
    }
  printf ("%g\n", avg);
  g_object_unref (image);
  vips_shutdown ();
  return 0;
}
