/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-image.h"

G_BEGIN_DECLS

#define VEIL_PDQ_ERROR (veil_pdq_error_quark ())

typedef enum {
  VEIL_PDQ_ERROR_INVALID_HEX = 1,
  VEIL_PDQ_ERROR_NO_PIXELS = 2,
} VeilPdqError;

typedef enum {
  VEIL_PDQ_MODE_EXACT = 0,  /*< nick=exact >*/ /* full resolution, bit-identical to the reference core */
  VEIL_PDQ_MODE_CLI = 1,    /*< nick=cli >*/ /* the reference CLI's 512 x 512 nearest-neighbour stretch */
  VEIL_PDQ_MODE_FAST = 2,   /*< nick=fast >*/ /* JPEG shrink-on-load to >= 1000 px, then the exact core */
} VeilPdqMode;

/* The eight dihedral variants, in the order of the reference CLI's --pdqdih-across. */
typedef enum {
  VEIL_PDQ_DIHEDRAL_ORIG = 0,         /*< nick=orig >*/
  VEIL_PDQ_DIHEDRAL_ROT90 = 1,        /*< nick=rot90 >*/
  VEIL_PDQ_DIHEDRAL_ROT180 = 2,       /*< nick=rot180 >*/
  VEIL_PDQ_DIHEDRAL_ROT270 = 3,       /*< nick=rot270 >*/
  VEIL_PDQ_DIHEDRAL_FLIPX = 4,        /*< nick=flipx >*/
  VEIL_PDQ_DIHEDRAL_FLIPY = 5,        /*< nick=flipy >*/
  VEIL_PDQ_DIHEDRAL_FLIP_PLUS1 = 6,   /*< nick=flipplus1 >*/
  VEIL_PDQ_DIHEDRAL_FLIP_MINUS1 = 7,  /*< nick=flipminus1 >*/
} VeilPdqDihedral;

#define VEIL_PDQ_N_DIHEDRAL 8
#define VEIL_PDQ_HEX_LENGTH 64
/* PDQ.md §3: a distance of 31 or less is a match; hashes of quality below 50 are noise. */
#define VEIL_PDQ_MATCH_DISTANCE 31
#define VEIL_PDQ_MIN_QUALITY 50

/* 256 bits. Bit k (k = 16 * row + column of the DCT) is bit k % 64 of w[k / 64]; read as
 * hex, the text is the 256-bit number w[3]:w[2]:w[1]:w[0], most significant digit first. */
typedef struct {
  guint64 w[4];
} VeilPdqHash;

GQuark       veil_pdq_error_quark       (void);

gboolean     veil_pdq_hash_parse        (const char         *text,
                                         gssize              length,
                                         VeilPdqHash        *hash);
gboolean     veil_pdq_hash_from_hex     (const char         *hex,
                                         VeilPdqHash        *hash,
                                         GError            **error);
void         veil_pdq_hash_to_hex       (const VeilPdqHash  *hash,
                                         char                hex[VEIL_PDQ_HEX_LENGTH + 1]);
char        *veil_pdq_hash_to_string    (const VeilPdqHash  *hash);
guint        veil_pdq_hash_distance     (const VeilPdqHash  *a,
                                         const VeilPdqHash  *b);
gboolean     veil_pdq_hash_equal        (const VeilPdqHash  *a,
                                         const VeilPdqHash  *b);
const char  *veil_pdq_dihedral_to_string (VeilPdqDihedral   which);
const char  *veil_pdq_mode_to_string    (VeilPdqMode         mode);
gboolean     veil_pdq_mode_from_string  (const char         *text,
                                         VeilPdqMode        *mode);

#define VEIL_TYPE_PDQ (veil_pdq_get_type ())
G_DECLARE_FINAL_TYPE (VeilPdq, veil_pdq, VEIL, PDQ, GObject)

VeilPdq           *veil_pdq_new_from_pixels (const guint8           *pixels,
                                             guint                   width,
                                             guint                   height,
                                             guint                   channels,
                                             VeilPdqMode             mode,
                                             gboolean                dihedral);
VeilPdq           *veil_pdq_new_from_image  (VeilImage              *image,
                                             VeilPdqMode             mode,
                                             gboolean                dihedral,
                                             GError                **error);
VeilPdq           *veil_pdq_hash_file       (const char             *path,
                                             VeilPdqMode             mode,
                                             gboolean                dihedral,
                                             const VeilImageLimits  *limits,
                                             GCancellable           *cancellable,
                                             GError                **error);
void               veil_pdq_hash_file_async (const char             *path,
                                             VeilPdqMode             mode,
                                             gboolean                dihedral,
                                             const VeilImageLimits  *limits,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
VeilPdq           *veil_pdq_hash_file_finish (GAsyncResult          *result,
                                             GError                **error);

VeilImageNeeds     veil_pdq_mode_get_needs  (VeilPdqMode             mode);

const VeilPdqHash *veil_pdq_get_hash        (VeilPdq                *self);
gboolean           veil_pdq_has_dihedral    (VeilPdq                *self);
const VeilPdqHash *veil_pdq_get_dihedral    (VeilPdq                *self,
                                             VeilPdqDihedral         which);
guint              veil_pdq_get_quality     (VeilPdq                *self);
guint              veil_pdq_get_dihedral_quality (VeilPdq           *self);
VeilPdqMode        veil_pdq_get_mode        (VeilPdq                *self);

G_END_DECLS
