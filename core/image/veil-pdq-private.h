/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-pdq.h"

G_BEGIN_DECLS

/* The float core of PDQ (PDQ.md §2). It lives in its own static library built with
 * -ffp-contract=off and without fast-math, see core/meson.build. */

#define VEIL_PDQ_MIN_HASHABLE_DIM 5
#define VEIL_PDQ_BUFFER_DIM 64

/* Luma, two Jarosz passes (rows, columns, rows, columns) and the decimation to 64 x 64,
 * streamed in bands of rows. One copy per instruction set; all give the same bits. */
typedef void (*VeilPdqDownsampleFunc) (const guint8 *pixels,
                                       guint         width,
                                       guint         height,
                                       guint         channels,
                                       float        *out64x64);

void     _veil_pdq_downsample_generic (const guint8 *pixels,
                                       guint         width,
                                       guint         height,
                                       guint         channels,
                                       float        *out64x64);
void     _veil_pdq_downsample_avx2    (const guint8 *pixels,
                                       guint         width,
                                       guint         height,
                                       guint         channels,
                                       float        *out64x64);

/* Straight luma copy of an exactly 64 x 64 image (the plain entry point's shortcut). */
void     _veil_pdq_luma_64            (const guint8 *pixels,
                                       guint         channels,
                                       float        *out64x64);

/* Quality, DCT, median and bits from the 64 x 64 buffer. @hashes receives 1 hash, or the
 * 8 dihedral hashes in VeilPdqDihedral order. */
void     _veil_pdq_finish             (const float  *buffer64x64,
                                       gboolean      dihedral,
                                       VeilPdqHash  *hashes,
                                       int          *quality);

/* The reference CLI's 512 x 512 nearest-neighbour stretch (PDQ.md §1.1). Returns a new
 * buffer, or NULL when the image is not over 512 in either direction. */
guint8  *_veil_pdq_cli_stretch        (const guint8 *pixels,
                                       guint         width,
                                       guint         height,
                                       guint         channels);

/* The hashing entry used by VeilPdq; @downsample picks an instruction set (NULL = best).
 * @quality is the plain entry point's, @dihedral_quality (with @dihedral) the dihedral
 * one's: they differ only for exactly 64 x 64 images, which only the plain one leaves
 * unfiltered. */
void     _veil_pdq_compute            (const guint8          *pixels,
                                       guint                  width,
                                       guint                  height,
                                       guint                  channels,
                                       gboolean               dihedral,
                                       VeilPdqDownsampleFunc  downsample,
                                       VeilPdqHash           *plain_hash,
                                       VeilPdqHash           *dihedral_hashes,
                                       int                   *quality,
                                       int                   *dihedral_quality);

VeilPdqDownsampleFunc _veil_pdq_get_downsample (const char **name);

G_END_DECLS
