/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-pdq"

#include "config.h"

#include "veil-pdq.h"
#include "veil-pdq-private.h"
#include "veil-enum-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* A PDQ result: the hash (and, when asked, the eight dihedral hashes) of one image, with
 * its quality. Immutable once made. */

struct _VeilPdq
{
  GObject      parent_instance;

  VeilPdqMode  mode;
  guint        quality;
  guint        dihedral_quality;
  gboolean     has_dihedral;
  VeilPdqHash  hash;
  VeilPdqHash  dihedral[VEIL_PDQ_N_DIHEDRAL];
};

G_DEFINE_FINAL_TYPE (VeilPdq, veil_pdq, G_TYPE_OBJECT)

G_DEFINE_QUARK (veil-pdq-error-quark, veil_pdq_error)

static void
veil_pdq_class_init (VeilPdqClass *klass)
{
}

static void
veil_pdq_init (VeilPdq *self)
{
}

/* Hex digit values, -1 for anything else. A table keeps parsing branch-free: lists of ten
 * million hashes are parsed digit by digit. */
#define HEX_DIGITS(X) \
  X ('0', 0) X ('1', 1) X ('2', 2) X ('3', 3) X ('4', 4) X ('5', 5) X ('6', 6) X ('7', 7) \
  X ('8', 8) X ('9', 9) X ('a', 10) X ('b', 11) X ('c', 12) X ('d', 13) X ('e', 14) X ('f', 15) \
  X ('A', 10) X ('B', 11) X ('C', 12) X ('D', 13) X ('E', 14) X ('F', 15)

static gint8 hex_table[256];

static gpointer
init_hex_table (gpointer data)
{
  memset (hex_table, -1, sizeof hex_table);
#define SET_DIGIT(c, v) hex_table[(guint8) (c)] = (v);
  HEX_DIGITS (SET_DIGIT)
#undef SET_DIGIT
  return NULL;
}

/**
 * veil_pdq_hash_parse:
 * @text: hex text
 * @length: length of @text, or -1 when nul-terminated
 * @hash: (out): the parsed hash
 *
 * Parses exactly 64 hex digits (either case, as the reference's `%04hx`), nothing else.
 *
 * Returns: %TRUE when @text is a hash
 */
gboolean
veil_pdq_hash_parse (const char  *text,
                     gssize       length,
                     VeilPdqHash *hash)
{
  static GOnce once = G_ONCE_INIT;
  VeilPdqHash parsed;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  if (length < 0)
    length = strlen (text);
  if (length != VEIL_PDQ_HEX_LENGTH)
    return FALSE;

  g_once (&once, init_hex_table, NULL);

  /* Digits 0-15 are w[3], most significant first; a bad digit sets the sign bit of bad. */
  for (int w = 0; w < 4; w++)
    {
      guint64 value = 0;
      gint8 bad = 0;

      for (int i = 0; i < 16; i++)
        {
          gint8 d = hex_table[(guint8) text[16 * w + i]];

          bad |= d;
          value = (value << 4) | (guint64) (d & 0xf);
        }
      if (bad < 0)
        return FALSE;
      parsed.w[3 - w] = value;
    }
  *hash = parsed;
  return TRUE;
}

/**
 * veil_pdq_hash_from_hex:
 * @hex: 64 hex digits
 * @hash: (out): the parsed hash
 * @error: return location for %VEIL_PDQ_ERROR_INVALID_HEX
 *
 * Returns: %TRUE when @hex is a hash
 */
gboolean
veil_pdq_hash_from_hex (const char   *hex,
                        VeilPdqHash  *hash,
                        GError      **error)
{
  g_return_val_if_fail (hex != NULL, FALSE);

  if (veil_pdq_hash_parse (hex, -1, hash))
    return TRUE;

  g_set_error (error, VEIL_PDQ_ERROR, VEIL_PDQ_ERROR_INVALID_HEX,
               _("“%s” is not a PDQ hash: a PDQ hash is exactly 64 hexadecimal digits."), hex);
  return FALSE;
}

/**
 * veil_pdq_hash_to_hex:
 * @hash: a hash
 * @hex: (out caller-allocates): 65 bytes for the 64 lowercase digits and a nul
 */
void
veil_pdq_hash_to_hex (const VeilPdqHash *hash,
                      char               hex[VEIL_PDQ_HEX_LENGTH + 1])
{
  static const char digits[] = "0123456789abcdef";

  g_return_if_fail (hash != NULL);

  for (int i = 0; i < VEIL_PDQ_HEX_LENGTH; i++)
    hex[i] = digits[(hash->w[3 - i / 16] >> (4 * (15 - i % 16))) & 0xf];
  hex[VEIL_PDQ_HEX_LENGTH] = '\0';
}

/**
 * veil_pdq_hash_to_string:
 * @hash: a hash
 *
 * Returns: (transfer full): the 64 lowercase hex digits
 */
char *
veil_pdq_hash_to_string (const VeilPdqHash *hash)
{
  char *hex = g_malloc (VEIL_PDQ_HEX_LENGTH + 1);

  veil_pdq_hash_to_hex (hash, hex);
  return hex;
}

/**
 * veil_pdq_hash_distance:
 *
 * Returns: the Hamming distance, 0 to 256
 */
guint
veil_pdq_hash_distance (const VeilPdqHash *a,
                        const VeilPdqHash *b)
{
  guint d = 0;

  g_return_val_if_fail (a != NULL && b != NULL, 256);

  for (int i = 0; i < 4; i++)
    d += __builtin_popcountll (a->w[i] ^ b->w[i]);
  return d;
}

gboolean
veil_pdq_hash_equal (const VeilPdqHash *a,
                     const VeilPdqHash *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return memcmp (a, b, sizeof *a) == 0;
}

/**
 * veil_pdq_dihedral_to_string:
 *
 * Returns: the reference CLI's name of the variant ("orig", "rot90", ...)
 */
const char *
veil_pdq_dihedral_to_string (VeilPdqDihedral which)
{
  g_return_val_if_fail (which < VEIL_PDQ_N_DIHEDRAL, NULL);
  return _veil_enum_get_nick (VEIL_TYPE_PDQ_DIHEDRAL, which);
}

/* The text of a mode is its nick in veil-enums.h, as veilctl spells it. */
const char *
veil_pdq_mode_to_string (VeilPdqMode mode)
{
  g_return_val_if_fail (mode <= VEIL_PDQ_MODE_FAST, NULL);
  return _veil_enum_get_nick (VEIL_TYPE_PDQ_MODE, mode);
}

gboolean
veil_pdq_mode_from_string (const char  *text,
                           VeilPdqMode *mode)
{
  int value;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!_veil_enum_from_nick (VEIL_TYPE_PDQ_MODE, text, &value))
    return FALSE;

  *mode = value;
  return TRUE;
}

/**
 * veil_pdq_mode_get_needs:
 *
 * Returns: what to ask VeilImage for to hash in @mode
 */
VeilImageNeeds
veil_pdq_mode_get_needs (VeilPdqMode mode)
{
  return mode == VEIL_PDQ_MODE_FAST ? VEIL_IMAGE_NEED_PDQ_FAST : VEIL_IMAGE_NEED_PDQ;
}

/**
 * veil_pdq_new_from_pixels:
 * @pixels: 8-bit pixels, rows of @width × @channels bytes
 * @width: width
 * @height: height
 * @channels: 3 (R,G,B) or 1 (grey)
 * @mode: %VEIL_PDQ_MODE_CLI stretches to 512 × 512 first; the others hash as given
 * @dihedral: also compute the eight dihedral hashes
 *
 * Hashes a pixel buffer. Images under 5 pixels in either direction get the all-zero hash
 * and quality 0, as in the reference.
 *
 * Returns: (transfer full): the result
 */
VeilPdq *
veil_pdq_new_from_pixels (const guint8 *pixels,
                          guint         width,
                          guint         height,
                          guint         channels,
                          VeilPdqMode   mode,
                          gboolean      dihedral)
{
  g_autoptr(VeilPdq) self = NULL;
  g_autofree guint8 *stretched = NULL;
  int quality = 0;
  int dihedral_quality = 0;

  g_return_val_if_fail (pixels != NULL || width == 0 || height == 0, NULL);
  g_return_val_if_fail (channels == 1 || channels == 3, NULL);
  g_return_val_if_fail (mode <= VEIL_PDQ_MODE_FAST, NULL);

  if (mode == VEIL_PDQ_MODE_CLI)
    stretched = _veil_pdq_cli_stretch (pixels, width, height, channels);
  if (stretched != NULL)
    {
      pixels = stretched;
      width = height = 512;
    }

  self = g_object_new (VEIL_TYPE_PDQ, NULL);
  self->mode = mode;
  self->has_dihedral = dihedral;
  _veil_pdq_compute (pixels, width, height, channels, dihedral, NULL,
                     &self->hash, self->dihedral, &quality, &dihedral_quality);
  self->quality = quality;
  self->dihedral_quality = dihedral_quality;
  return g_steal_pointer (&self);
}

/**
 * veil_pdq_new_from_image:
 * @image: an image loaded with veil_pdq_mode_get_needs (@mode)
 * @mode: the hashing mode
 * @dihedral: also compute the eight dihedral hashes
 * @error: return location for %VEIL_PDQ_ERROR_NO_PIXELS
 *
 * Returns: (transfer full): the result, or %NULL when @image holds no hashing pixels
 */
VeilPdq *
veil_pdq_new_from_image (VeilImage    *image,
                         VeilPdqMode   mode,
                         gboolean      dihedral,
                         GError      **error)
{
  const guint8 *pixels;
  guint width, height, channels;

  g_return_val_if_fail (VEIL_IS_IMAGE (image), NULL);

  pixels = veil_image_get_pixels (image, &width, &height, &channels);
  if (pixels == NULL)
    {
      g_set_error_literal (error, VEIL_PDQ_ERROR, VEIL_PDQ_ERROR_NO_PIXELS,
                           _("The image was not decoded for hashing."));
      return NULL;
    }
  return veil_pdq_new_from_pixels (pixels, width, height, channels, mode, dihedral);
}

/**
 * veil_pdq_hash_file:
 * @path: an image file
 * @mode: the hashing mode
 * @dihedral: also compute the eight dihedral hashes
 * @limits: (nullable): decoding limits; %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #VeilImageError
 *
 * Decodes and hashes @path.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
VeilPdq *
veil_pdq_hash_file (const char             *path,
                    VeilPdqMode             mode,
                    gboolean                dihedral,
                    const VeilImageLimits  *limits,
                    GCancellable           *cancellable,
                    GError                **error)
{
  g_autoptr(VeilImage) image = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  image = veil_image_load_file (path, veil_pdq_mode_get_needs (mode), limits, cancellable, error);
  if (image == NULL)
    return NULL;
  return veil_pdq_new_from_image (image, mode, dihedral, error);
}

typedef struct {
  char            *path;
  VeilPdqMode      mode;
  gboolean         dihedral;
  VeilImageLimits  limits;
} HashData;

static void
hash_data_free (HashData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
hash_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HashData *data = task_data;
  GError *error = NULL;
  VeilPdq *pdq;

  pdq = veil_pdq_hash_file (data->path, data->mode, data->dihedral, &data->limits,
                            cancellable, &error);
  if (pdq == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pdq, g_object_unref);
}

/**
 * veil_pdq_hash_file_async:
 *
 * veil_pdq_hash_file() in a worker thread.
 */
void
veil_pdq_hash_file_async (const char             *path,
                          VeilPdqMode             mode,
                          gboolean                dihedral,
                          const VeilImageLimits  *limits,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  HashData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (HashData, 1);
  data->path = g_strdup (path);
  data->mode = mode;
  data->dihedral = dihedral;
  if (limits != NULL)
    data->limits = *limits;
  else
    veil_image_limits_init_default (&data->limits);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_pdq_hash_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) hash_data_free);
  g_task_run_in_thread (task, hash_thread);
}

VeilPdq *
veil_pdq_hash_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_pdq_hash_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const VeilPdqHash *
veil_pdq_get_hash (VeilPdq *self)
{
  g_return_val_if_fail (VEIL_IS_PDQ (self), NULL);
  return &self->hash;
}

gboolean
veil_pdq_has_dihedral (VeilPdq *self)
{
  g_return_val_if_fail (VEIL_IS_PDQ (self), FALSE);
  return self->has_dihedral;
}

/**
 * veil_pdq_get_dihedral:
 * @which: the variant
 *
 * Returns: (nullable): the dihedral hash, or %NULL when they were not computed
 */
const VeilPdqHash *
veil_pdq_get_dihedral (VeilPdq         *self,
                       VeilPdqDihedral  which)
{
  g_return_val_if_fail (VEIL_IS_PDQ (self), NULL);
  g_return_val_if_fail (which < VEIL_PDQ_N_DIHEDRAL, NULL);

  return self->has_dihedral ? &self->dihedral[which] : NULL;
}

/**
 * veil_pdq_get_quality:
 *
 * Returns: 0 (flat) to 100 (full of structure); below %VEIL_PDQ_MIN_QUALITY the hash is
 *   not reliable
 */
guint
veil_pdq_get_quality (VeilPdq *self)
{
  g_return_val_if_fail (VEIL_IS_PDQ (self), 0);
  return self->quality;
}

/**
 * veil_pdq_get_dihedral_quality:
 *
 * The quality the reference's dihedral entry point reports. It equals
 * veil_pdq_get_quality() except for images of exactly 64 × 64 pixels, which only the plain
 * entry point hashes without blurring.
 *
 * Returns: the quality of the dihedral hashes, or 0 when they were not computed
 */
guint
veil_pdq_get_dihedral_quality (VeilPdq *self)
{
  g_return_val_if_fail (VEIL_IS_PDQ (self), 0);
  return self->has_dihedral ? self->dihedral_quality : 0;
}

VeilPdqMode
veil_pdq_get_mode (VeilPdq *self)
{
  g_return_val_if_fail (VEIL_IS_PDQ (self), VEIL_PDQ_MODE_EXACT);
  return self->mode;
}
