/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-pdq-private.h"
#include "veil-test-utils.h"

/* PDQ against the reference vectors (../shared/testdata/pdq), and the streaming kernels
 * against a plain full-buffer transcription of PDQ.md §2 on shapes the vectors lack. This
 * file is built with -ffp-contract=off so that the transcription is exact too. */

typedef struct {
  char  *file;
  guint  width, height, channels;
  char  *pixels_sha256;
  char  *hash;
  guint  quality;
  char  *cli_hash;
  guint  cli_quality;
  char  *dihedral[VEIL_PDQ_N_DIHEDRAL];
  guint  dihedral_quality;
} Vector;

static void
vector_free (Vector *v)
{
  g_free (v->file);
  g_free (v->pixels_sha256);
  g_free (v->hash);
  g_free (v->cli_hash);
  for (int i = 0; i < VEIL_PDQ_N_DIHEDRAL; i++)
    g_free (v->dihedral[i]);
  g_free (v);
}

static char **
read_rows (const char *name)
{
  g_autofree char *path = veil_test_build_testdata ("pdq", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return g_strsplit (g_strchomp (contents), "\n", -1);
}

/* Reads expected.tsv and expected-dihedral.tsv into one row per image. */
static GPtrArray *
load_vectors (void)
{
  g_autoptr(GPtrArray) vectors = g_ptr_array_new_with_free_func ((GDestroyNotify) vector_free);
  g_auto(GStrv) rows = read_rows ("expected.tsv");
  g_auto(GStrv) dih_rows = read_rows ("expected-dihedral.tsv");

  g_assert_cmpstr (rows[0], ==, "file\twidth\theight\tchannels\tpixels_sha256\thash\tquality\tcli512_hash\tcli512_quality");
  g_assert_cmpuint (g_strv_length (rows), ==, g_strv_length (dih_rows));

  for (guint i = 1; rows[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (rows[i], "\t", -1);
      g_auto(GStrv) d = g_strsplit (dih_rows[i], "\t", -1);
      Vector *v = g_new0 (Vector, 1);

      g_assert_cmpuint (g_strv_length (f), ==, 9);
      g_assert_cmpuint (g_strv_length (d), ==, 10);
      g_assert_cmpstr (f[0], ==, d[0]);

      v->file = g_strdup (f[0]);
      v->width = atoi (f[1]);
      v->height = atoi (f[2]);
      v->channels = atoi (f[3]);
      v->pixels_sha256 = g_strdup (f[4]);
      v->hash = g_strdup (f[5]);
      v->quality = atoi (f[6]);
      v->cli_hash = g_strdup (f[7]);
      v->cli_quality = atoi (f[8]);
      for (int k = 0; k < VEIL_PDQ_N_DIHEDRAL; k++)
        v->dihedral[k] = g_strdup (d[1 + k]);
      v->dihedral_quality = atoi (d[9]);
      g_ptr_array_add (vectors, v);
    }
  g_assert_cmpuint (vectors->len, >=, 30);
  return g_steal_pointer (&vectors);
}

static VeilImage *
load_vector_image (const Vector   *v,
                   VeilImageNeeds  needs)
{
  g_autofree char *path = veil_test_build_testdata ("pdq", "images", v->file, NULL);
  g_autoptr(GError) error = NULL;
  VeilImage *image = veil_image_load_file (path, needs, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

static void
assert_hash_hex (const VeilPdqHash *hash,
                 const char        *expected,
                 const char        *what,
                 const char        *file)
{
  char hex[VEIL_PDQ_HEX_LENGTH + 1];

  veil_pdq_hash_to_hex (hash, hex);
  if (!g_str_equal (hex, expected))
    g_error ("%s: %s hash %s, expected %s", file, what, hex, expected);
}

/* Decoded pixels, exact hash, quality and all eight dihedral hashes, with every kernel this
 * CPU runs. */
static void
test_vectors_exact (void)
{
  g_autoptr(GPtrArray) vectors = NULL;
  VeilPdqDownsampleFunc kernels[2] = { _veil_pdq_downsample_generic, NULL };

  if (!veil_test_require_testdata ("pdq/expected.tsv"))
    return;

#ifdef __x86_64__
  if (__builtin_cpu_supports ("avx2"))
    kernels[1] = _veil_pdq_downsample_avx2;
#endif
  if (kernels[1] == NULL)
    g_test_message ("no AVX2 on this CPU or build: only the generic kernel is checked");

  vectors = load_vectors ();
  for (guint i = 0; i < vectors->len; i++)
    {
      const Vector *v = g_ptr_array_index (vectors, i);
      g_autoptr(VeilImage) image = load_vector_image (v, VEIL_IMAGE_NEED_PDQ);
      g_autoptr(VeilPdq) pdq = NULL;
      g_autofree char *sha = NULL;
      const guint8 *pixels;
      guint width, height, channels;

      pixels = veil_image_get_pixels (image, &width, &height, &channels);
      g_assert_nonnull (pixels);
      g_assert_cmpuint (width, ==, v->width);
      g_assert_cmpuint (height, ==, v->height);
      g_assert_cmpuint (channels, ==, v->channels);
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, pixels, (gsize) width * height * channels);
      g_assert_cmpstr (sha, ==, v->pixels_sha256);

      /* The public path. */
      pdq = veil_pdq_new_from_image (image, VEIL_PDQ_MODE_EXACT, TRUE, NULL);
      assert_hash_hex (veil_pdq_get_hash (pdq), v->hash, "exact", v->file);
      g_assert_cmpuint (veil_pdq_get_quality (pdq), ==, v->quality);
      for (int k = 0; k < VEIL_PDQ_N_DIHEDRAL; k++)
        assert_hash_hex (veil_pdq_get_dihedral (pdq, k), v->dihedral[k],
                         veil_pdq_dihedral_to_string (k), v->file);

      /* Each kernel, plain and dihedral. */
      for (guint k = 0; k < G_N_ELEMENTS (kernels); k++)
        {
          VeilPdqHash plain, dihedral[VEIL_PDQ_N_DIHEDRAL];
          int quality, dihedral_quality;

          if (kernels[k] == NULL)
            continue;
          _veil_pdq_compute (pixels, width, height, channels, FALSE, kernels[k], &plain, NULL, &quality, NULL);
          assert_hash_hex (&plain, v->hash, k == 0 ? "generic" : "avx2", v->file);
          g_assert_cmpint (quality, ==, v->quality);
          _veil_pdq_compute (pixels, width, height, channels, TRUE, kernels[k], &plain, dihedral, &quality, &dihedral_quality);
          g_assert_cmpint (quality, ==, v->quality);
          g_assert_cmpint (dihedral_quality, ==, v->dihedral_quality);
          assert_hash_hex (&plain, v->hash, "plain with dihedral", v->file);
          for (int d = 0; d < VEIL_PDQ_N_DIHEDRAL; d++)
            assert_hash_hex (&dihedral[d], v->dihedral[d], veil_pdq_dihedral_to_string (d), v->file);
        }
    }
}

static void
test_vectors_cli (void)
{
  g_autoptr(GPtrArray) vectors = NULL;

  if (!veil_test_require_testdata ("pdq/expected.tsv"))
    return;

  vectors = load_vectors ();
  for (guint i = 0; i < vectors->len; i++)
    {
      const Vector *v = g_ptr_array_index (vectors, i);
      g_autoptr(VeilImage) image = load_vector_image (v, veil_pdq_mode_get_needs (VEIL_PDQ_MODE_CLI));
      g_autoptr(VeilPdq) pdq = veil_pdq_new_from_image (image, VEIL_PDQ_MODE_CLI, FALSE, NULL);

      assert_hash_hex (veil_pdq_get_hash (pdq), v->cli_hash, "cli512", v->file);
      g_assert_cmpuint (veil_pdq_get_quality (pdq), ==, v->cli_quality);
      g_assert_false (veil_pdq_has_dihedral (pdq));
      g_assert_null (veil_pdq_get_dihedral (pdq, VEIL_PDQ_DIHEDRAL_ORIG));
    }
}

static void
test_vectors_fast (void)
{
  g_autoptr(GPtrArray) vectors = NULL;
  guint shrunk = 0, worst = 0;

  if (!veil_test_require_testdata ("pdq/expected.tsv"))
    return;

  vectors = load_vectors ();
  for (guint i = 0; i < vectors->len; i++)
    {
      const Vector *v = g_ptr_array_index (vectors, i);
      g_autoptr(VeilImage) image = load_vector_image (v, veil_pdq_mode_get_needs (VEIL_PDQ_MODE_FAST));
      g_autoptr(VeilPdq) pdq = veil_pdq_new_from_image (image, VEIL_PDQ_MODE_FAST, FALSE, NULL);
      VeilPdqHash expected;
      guint width, height, distance;

      g_assert_true (veil_pdq_hash_parse (v->hash, -1, &expected));
      distance = veil_pdq_hash_distance (veil_pdq_get_hash (pdq), &expected);
      g_test_message ("%s: fast mode shrink 1/%u, %u bits from the exact hash",
                      v->file, veil_image_get_shrink (image), distance);
      g_assert_cmpuint (distance, <=, 8);
      worst = MAX (worst, distance);

      veil_image_get_pixels (image, &width, &height, NULL);
      if (veil_image_get_shrink (image) > 1)
        {
          shrunk++;
          g_assert_cmpuint (MAX (width, height), >=, 1000);
          g_assert_cmpuint (width, <, v->width);
        }
      else
        g_assert_cmpuint (width, ==, v->width);
    }
  /* The 12 MP photo must actually have been shrunk, or this checked nothing. */
  g_assert_cmpuint (shrunk, >=, 1);
  g_test_message ("fast mode: %u images shrunk on load, worst %u bits", shrunk, worst);
}

/* ---- A plain transcription of PDQ.md §2.3 on full buffers, for the kernels ------------- */

static void
ref_box_1d (const float *in, float *out, int length, int stride, int window)
{
  int half = (window + 2) / 2;
  float sum = 0;
  int n = 0, r = 0, l = 0, o = 0;

  for (; r < half - 1; r++, n++)
    sum += in[r * stride];
  for (; r < window; r++, o++)
    {
      sum += in[r * stride];
      n++;
      out[o * stride] = sum / n;
    }
  for (; r < length; r++, o++, l++)
    {
      sum += in[r * stride];
      sum -= in[l * stride];
      out[o * stride] = sum / n;
    }
  for (; o < length; o++, l++)
    {
      sum -= in[l * stride];
      n--;
      out[o * stride] = sum / n;
    }
}

static void
ref_downsample (const guint8 *pixels, int w, int h, int channels, float *out)
{
  g_autofree float *a = g_new (float, (gsize) w * h);
  g_autofree float *b = g_new (float, (gsize) w * h);
  int wr = (w + 127) / 128, wc = (h + 127) / 128;

  for (gsize p = 0; p < (gsize) w * h; p++)
    a[p] = channels == 1 ? (float) pixels[p]
                         : (0.299f * pixels[3 * p] + 0.587f * pixels[3 * p + 1]) + 0.114f * pixels[3 * p + 2];
  for (int pass = 0; pass < 2; pass++)
    {
      for (int y = 0; y < h; y++)
        ref_box_1d (a + (gsize) y * w, b + (gsize) y * w, w, 1, wr);
      for (int x = 0; x < w; x++)
        ref_box_1d (b + x, a + x, h, w, wc);
    }
  for (int i = 0; i < 64; i++)
    for (int j = 0; j < 64; j++)
      {
        int si = (int) (((i + 0.5) * h) / 64);
        int sj = (int) (((j + 0.5) * w) / 64);
        out[i * 64 + j] = a[(gsize) si * w + sj];
      }
}

static guint8 *
make_pixels (guint width, guint height, guint channels, int kind, GRand *rand)
{
  guint8 *p = g_malloc ((gsize) width * height * channels);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < channels; c++)
        {
          gsize i = ((gsize) y * width + x) * channels + c;

          switch (kind)
            {
            case 0: /* noise */
              p[i] = g_rand_int_range (rand, 0, 256);
              break;
            case 1: /* ramps: badly conditioned, sensitive to any change of rounding */
              p[i] = (guint8) ((x * 255) / MAX (1, width - 1) + c * 7);
              break;
            default: /* a separable pattern */
              p[i] = (guint8) (128 + 100 * sin (x * 0.37) * cos (y * 0.21 + c));
              break;
            }
        }
  return p;
}

static void
test_kernels_match_reference (void)
{
  static const guint shapes[][2] = {
    { 5, 5 }, { 6, 9 }, { 64, 64 }, { 65, 63 }, { 127, 129 }, { 129, 7 }, { 9, 300 },
    { 257, 255 }, { 300, 17 }, { 640, 480 }, { 1023, 130 }, { 256, 1031 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
#ifdef __x86_64__
  gboolean avx2 = __builtin_cpu_supports ("avx2");
#else
  G_GNUC_UNUSED gboolean avx2 = FALSE;
#endif

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (guint channels = 1; channels <= 3; channels += 2)
      for (int kind = 0; kind < 3; kind++)
        {
          guint w = shapes[s][0], h = shapes[s][1];
          g_autofree guint8 *pixels = make_pixels (w, h, channels, kind, rand);
          float expected[64 * 64], got[64 * 64];
          VeilPdqHash ref_hashes[8], hashes[8], plain;
          int ref_quality, quality, dihedral_quality;

          ref_downsample (pixels, w, h, channels, expected);
          _veil_pdq_downsample_generic (pixels, w, h, channels, got);
          g_assert_cmpmem (got, sizeof got, expected, sizeof expected);
#ifdef __x86_64__
          if (avx2)
            {
              _veil_pdq_downsample_avx2 (pixels, w, h, channels, got);
              g_assert_cmpmem (got, sizeof got, expected, sizeof expected);
            }
#endif

          _veil_pdq_finish (expected, TRUE, ref_hashes, &ref_quality);
          _veil_pdq_compute (pixels, w, h, channels, TRUE, NULL, &plain, hashes, &quality, &dihedral_quality);
          g_assert_cmpmem (hashes, sizeof hashes, ref_hashes, sizeof ref_hashes);
          g_assert_cmpint (dihedral_quality, ==, ref_quality);
        }
}

/* The plain entry point copies an exact 64 x 64 image without blurring; the dihedral one
 * filters. Both follow their reference. */
static void
test_64x64_shortcut (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (64);
  g_autofree guint8 *pixels = make_pixels (64, 64, 3, 0, rand);
  float copied[64 * 64], filtered[64 * 64];
  VeilPdqHash expected_plain, expected_dih[8];
  int plain_quality, dihedral_quality;
  g_autoptr(VeilPdq) pdq = NULL;

  _veil_pdq_luma_64 (pixels, 3, copied);
  _veil_pdq_finish (copied, FALSE, &expected_plain, &plain_quality);
  ref_downsample (pixels, 64, 64, 3, filtered);
  _veil_pdq_finish (filtered, TRUE, expected_dih, &dihedral_quality);

  pdq = veil_pdq_new_from_pixels (pixels, 64, 64, 3, VEIL_PDQ_MODE_EXACT, TRUE);
  g_assert_true (veil_pdq_hash_equal (veil_pdq_get_hash (pdq), &expected_plain));
  g_assert_cmpuint (veil_pdq_get_quality (pdq), ==, plain_quality);
  g_assert_cmpuint (veil_pdq_get_dihedral_quality (pdq), ==, dihedral_quality);
  for (int k = 0; k < 8; k++)
    g_assert_true (veil_pdq_hash_equal (veil_pdq_get_dihedral (pdq, k), &expected_dih[k]));
}

static void
test_too_small (void)
{
  static const guint8 grey[5 * 5] = { 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0,
                                      255, 0, 255, 0, 255, 0, 255, 0, 255, 0 };
  VeilPdqHash zero = { { 0 } };
  g_autoptr(VeilPdq) tiny = veil_pdq_new_from_pixels (grey, 4, 4, 1, VEIL_PDQ_MODE_EXACT, TRUE);
  g_autoptr(VeilPdq) strip = veil_pdq_new_from_pixels (grey, 25, 1, 1, VEIL_PDQ_MODE_EXACT, FALSE);
  g_autoptr(VeilPdq) five = veil_pdq_new_from_pixels (grey, 5, 5, 1, VEIL_PDQ_MODE_EXACT, FALSE);

  g_assert_true (veil_pdq_hash_equal (veil_pdq_get_hash (tiny), &zero));
  g_assert_cmpuint (veil_pdq_get_quality (tiny), ==, 0);
  for (int k = 0; k < 8; k++)
    g_assert_true (veil_pdq_hash_equal (veil_pdq_get_dihedral (tiny, k), &zero));
  g_assert_true (veil_pdq_hash_equal (veil_pdq_get_hash (strip), &zero));

  /* 5 x 5 is hashable: a checkerboard has structure, so bits are set. */
  g_assert_false (veil_pdq_hash_equal (veil_pdq_get_hash (five), &zero));
}

static void
test_hex (void)
{
  const char *hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  VeilPdqHash hash, upper;
  g_autofree char *back = NULL;
  g_autofree char *upper_text = g_ascii_strup (hex, -1);
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_pdq_hash_from_hex (hex, &hash, &error));
  g_assert_no_error (error);
  back = veil_pdq_hash_to_string (&hash);
  g_assert_cmpstr (back, ==, hex);

  /* Bit layout: the last four digits are DCT row 0 (bits 0..15), the first two bits 255..248. */
  g_assert_cmphex (hash.w[0] & 0xffff, ==, 0x9b22);
  g_assert_cmphex (hash.w[3] >> 56, ==, 0xf8);

  g_assert_true (veil_pdq_hash_parse (upper_text, -1, &upper));
  g_assert_true (veil_pdq_hash_equal (&hash, &upper));

  g_assert_false (veil_pdq_hash_parse (hex, 63, &hash));
  g_assert_false (veil_pdq_hash_parse ("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2", -1, &hash));
  g_assert_false (veil_pdq_hash_parse ("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b221", -1, &hash));
  g_assert_false (veil_pdq_hash_parse ("g8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", -1, &hash));
  g_assert_false (veil_pdq_hash_from_hex (" f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2", &hash, &error));
  g_assert_error (error, VEIL_PDQ_ERROR, VEIL_PDQ_ERROR_INVALID_HEX);
}

static void
test_distance (void)
{
  VeilPdqHash a = { { 0 } }, b = { { 0 } };

  g_assert_cmpuint (veil_pdq_hash_distance (&a, &b), ==, 0);
  b.w[0] = 1;
  b.w[3] = G_GUINT64_CONSTANT (0x8000000000000000);
  g_assert_cmpuint (veil_pdq_hash_distance (&a, &b), ==, 2);
  memset (&b, 0xff, sizeof b);
  g_assert_cmpuint (veil_pdq_hash_distance (&a, &b), ==, 256);
}

static void
test_modes (void)
{
  VeilPdqMode mode;

  g_assert_true (veil_pdq_mode_from_string ("exact", &mode));
  g_assert_cmpint (mode, ==, VEIL_PDQ_MODE_EXACT);
  g_assert_true (veil_pdq_mode_from_string ("cli", &mode));
  g_assert_cmpint (mode, ==, VEIL_PDQ_MODE_CLI);
  g_assert_true (veil_pdq_mode_from_string ("fast", &mode));
  g_assert_cmpint (mode, ==, VEIL_PDQ_MODE_FAST);
  g_assert_false (veil_pdq_mode_from_string ("quick", &mode));
  g_assert_cmpstr (veil_pdq_mode_to_string (VEIL_PDQ_MODE_CLI), ==, "cli");
  g_assert_cmpstr (veil_pdq_dihedral_to_string (VEIL_PDQ_DIHEDRAL_FLIP_MINUS1), ==, "flipminus1");
}

static void
hash_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  VeilPdq **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = veil_pdq_hash_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autofree char *path = NULL;
  VeilPdq *pdq = NULL;
  char hex[65];

  if (!veil_test_require_testdata ("pdq/images/wee.jpg"))
    return;

  path = veil_test_build_testdata ("pdq", "images", "bridge-1-original.jpg", NULL);
  veil_pdq_hash_file_async (path, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, hash_ready_cb, &pdq);
  while (pdq == NULL)
    g_main_context_iteration (NULL, TRUE);

  veil_pdq_hash_to_hex (veil_pdq_get_hash (pdq), hex);
  g_assert_cmpstr (hex, ==, "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");
  g_object_unref (pdq);
}

/* ---- CMYK JPEGs against ImageMagick ---------------------------------------------------- */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

/* Pixels as the reference CLI gets them: `convert FILE ppm:-` (PDQ.md §1), P6 or P5. */
static guint8 *
imagemagick_pixels (const char *path,
                    guint      *width,
                    guint      *height,
                    guint      *channels)
{
  const char *argv[] = { "convert", path, "ppm:-", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  gsize offset = 0, length;
  guint values[3];
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (out[0] == 'P' && (out[1] == '6' || out[1] == '5'));
  *channels = out[1] == '6' ? 3 : 1;
  offset = 2;
  for (guint i = 0; i < 3; i++)
    {
      char *end;

      while (g_ascii_isspace (out[offset]))
        offset++;
      values[i] = (guint) strtoul (out + offset, &end, 10);
      offset = end - out;
    }
  offset++;  /* the single white space before the samples */
  g_assert_cmpuint (values[2], ==, 255);
  *width = values[0];
  *height = values[1];
  length = (gsize) *width * *height * *channels;
  return g_memdup2 (out + offset, length);
}

/* Rewrites the JPEG at @src without its Adobe (APP14) segment. */
static void
strip_adobe_marker (const char *src,
                    const char *dst)
{
  g_autofree char *data = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize length, at = 2;

  g_assert_true (g_file_get_contents (src, &data, &length, NULL));
  g_byte_array_append (out, (const guint8 *) data, 2);
  while (at + 4 <= length)
    {
      guint8 marker = (guint8) data[at + 1];
      gsize segment = 2 + (((guint8) data[at + 2] << 8) | (guint8) data[at + 3]);

      if (marker == 0xda)
        {
          g_byte_array_append (out, (const guint8 *) data + at, length - at);
          break;
        }
      if (marker != 0xee)
        g_byte_array_append (out, (const guint8 *) data + at, segment);
      at += segment;
    }
  g_assert_cmpuint (out->len, ==, length - 16);
  g_assert_true (g_file_set_contents (dst, (const char *) out->data, out->len, NULL));
}

/* A CMYK JPEG hashes exactly as the reference tool chain hashes it: ImageMagick's (and
 * Pillow's) naive CMYK to RGB, not a colour-managed one. With and without the Adobe marker,
 * with an embedded profile, and as ImageMagick writes one. */
static void
test_cmyk_like_imagemagick (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *convert = g_find_program_in_path ("convert");
  const guint w = 160, h = 120;
  g_autofree guint8 *cmyk = g_malloc ((gsize) w * h * 4);
  g_autoptr(VipsImage) image = NULL;
  const char *names[] = { "adobe.jpg", "no-adobe.jpg", "profile.jpg", "imagemagick.jpg" };

  if (convert == NULL)
    {
      g_test_skip ("ImageMagick's convert is not installed (tools/setup-deps.sh installs it): "
                   "CMYK hashes are not compared with the reference tool chain");
      return;
    }

  dir = veil_test_make_tmpdir ();
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      for (guint b = 0; b < 4; b++)
        cmyk[((gsize) y * w + x) * 4 + b] = (guint8) ((x * (3 + b) + y * (5 + 2 * b) + ((x / 20 + y / 15 + b) % 3) * 60) % 256);
  image = vips_image_new_from_memory_copy (cmyk, (gsize) w * h * 4, w, h, 4, VIPS_FORMAT_UCHAR);
  image->Type = VIPS_INTERPRETATION_CMYK;

  {
    g_autofree char *adobe = g_build_filename (dir, names[0], NULL);
    g_autofree char *plain = g_build_filename (dir, names[1], NULL);
    g_autofree char *profile = g_build_filename (dir, names[2], NULL);
    g_autofree char *rgb = g_build_filename (dir, "rgb.png", NULL);
    g_autofree char *im = g_build_filename (dir, names[3], NULL);
    const char *argv[] = { "convert", rgb, "-colorspace", "CMYK", im, NULL };
    g_autoptr(VipsImage) srgb = NULL;
    int status;

    g_assert_cmpint (vips_jpegsave (image, adobe, "Q", 95, NULL), ==, 0);
    strip_adobe_marker (adobe, plain);
    g_assert_cmpint (vips_jpegsave (image, profile, "Q", 95, "profile", "cmyk", NULL), ==, 0);
    g_assert_cmpint (vips_colourspace (image, &srgb, VIPS_INTERPRETATION_sRGB, NULL), ==, 0);
    g_assert_cmpint (vips_pngsave (srgb, rgb, NULL), ==, 0);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 NULL, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilPdq) ours = veil_pdq_hash_file (path, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, &error);
      g_autoptr(VeilPdq) theirs = NULL;
      g_autoptr(VeilImage) loaded = NULL;
      g_autofree guint8 *pixels = NULL;
      guint pw, ph, pc, vw, vh, vc;
      const guint8 *veil_pixels;
      char a[65], b[65];

      g_assert_no_error (error);
      pixels = imagemagick_pixels (path, &pw, &ph, &pc);
      theirs = veil_pdq_new_from_pixels (pixels, pw, ph, pc, VEIL_PDQ_MODE_EXACT, FALSE);
      veil_pdq_hash_to_hex (veil_pdq_get_hash (ours), a);
      veil_pdq_hash_to_hex (veil_pdq_get_hash (theirs), b);
      g_test_message ("%s: veil %s, imagemagick %s", names[i], a, b);
      g_assert_cmpstr (a, ==, b);

      /* The same pixels, also when a thumbnail and the classifier input come from the
       * same decode (those are colour-managed). */
      loaded = veil_image_load_file (path, VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_THUMBNAIL |
                                     VEIL_IMAGE_NEED_CLASSIFIER, NULL, NULL, &error);
      g_assert_no_error (error);
      veil_pixels = veil_image_get_pixels (loaded, &vw, &vh, &vc);
      g_assert_cmpuint (vw, ==, pw);
      g_assert_cmpuint (vh, ==, ph);
      g_assert_cmpuint (vc, ==, pc);
      g_assert_cmpmem (veil_pixels, (gsize) vw * vh * vc, pixels, (gsize) pw * ph * pc);
      g_assert_nonnull (veil_image_get_thumbnail (loaded, NULL, NULL));
      g_assert_nonnull (veil_image_get_classifier_rgb (loaded));
    }

  veil_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/pdq/vectors/exact", test_vectors_exact);
  g_test_add_func ("/veil/pdq/vectors/cli", test_vectors_cli);
  g_test_add_func ("/veil/pdq/vectors/fast", test_vectors_fast);
  g_test_add_func ("/veil/pdq/kernels-match-reference", test_kernels_match_reference);
  g_test_add_func ("/veil/pdq/64x64-shortcut", test_64x64_shortcut);
  g_test_add_func ("/veil/pdq/too-small", test_too_small);
  g_test_add_func ("/veil/pdq/hex", test_hex);
  g_test_add_func ("/veil/pdq/distance", test_distance);
  g_test_add_func ("/veil/pdq/modes", test_modes);
  g_test_add_func ("/veil/pdq/async", test_async);
  g_test_add_func ("/veil/pdq/cmyk-like-imagemagick", test_cmyk_like_imagemagick);

  return g_test_run ();
}
