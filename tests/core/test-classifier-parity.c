/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "test-classifier-parity.h"

static void
parity_expected_free (Expected *e)
{
  g_free (e->name);
  g_free (e);
}

/* A reference file: "#" comments, then name and five values per line. */
GPtrArray *
parity_read_expected (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) parity_expected_free);

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = NULL;
      Expected *e;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      cols = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (cols), ==, 1 + N_CLASSES);
      e = g_new0 (Expected, 1);
      e->name = g_strdup (cols[0]);
      for (guint c = 0; c < N_CLASSES; c++)
        e->values[c] = g_ascii_strtod (cols[1 + c], NULL);
      g_ptr_array_add (rows, e);
    }
  g_assert_cmpuint (rows->len, >, 0);
  return rows;
}

guint
parity_argmax (const double *v)
{
  guint best = 0;

  for (guint i = 1; i < N_CLASSES; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

/* Reads a raw .rgb input; its size is 224x224 unless the name says NAME.WxH.rgb. */
guint8 *
parity_read_rgb (const char *path,
                 guint      *width,
                 guint      *height)
{
  g_autofree char *base = g_path_get_basename (path);
  g_auto(GStrv) parts = g_strsplit (base, ".", -1);
  guint n = g_strv_length (parts);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  *width = *height = 224;
  if (n >= 3 && strchr (parts[n - 2], 'x') != NULL)
    g_assert_cmpint (sscanf (parts[n - 2], "%ux%u", width, height), ==, 2);

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, (gsize) *width * *height * 3);
  return (guint8 *) data;
}

/* NULL when this CPU cannot run @path; the model is loaded only when it can, so such a CPU
 * skips rather than fails on a missing model. */
VeilNsfwClassifier *
parity_make_classifier (ParityGetModel     get_model,
                        VeilNsfwKernelPath path)
{
  g_autoptr(GError) error = NULL;
  VeilNsfwClassifier *classifier;

  if (!veil_nsfw_kernels_supported (path))
    return NULL;
  classifier = _veil_nsfw_classifier_new_with_kernels (get_model (), path, &error);
  g_assert_no_error (error);
  return classifier;
}

/* Sets VEIL_KERNELS to @cap for the caller's checks (which unset it) and checks that AUTO
 * then takes the capped path. */
void
parity_cap_kernels (ParityGetModel  get_model,
                    const char     *cap)
{
  g_autoptr(VeilNsfwClassifier) classifier = NULL;

  g_setenv (VEIL_KERNELS_ENV, cap, TRUE);
  classifier = parity_make_classifier (get_model, VEIL_NSFW_KERNELS_AUTO);
  g_test_message ("%s=%s runs the %s kernels", VEIL_KERNELS_ENV, cap,
                  _veil_nsfw_classifier_get_kernels_name (classifier));
  if (g_strcmp0 (cap, "portable") == 0)
    g_assert_cmpstr (_veil_nsfw_classifier_get_kernels_name (classifier), ==, "portable");
}
