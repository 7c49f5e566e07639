/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_PROTECTED_IMAGE_ROW (veil_protected_image_row_get_type ())

G_DECLARE_FINAL_TYPE (VeilProtectedImageRow, veil_protected_image_row, VEIL, PROTECTED_IMAGE_ROW, AdwActionRow)

GtkWidget              *veil_protected_image_row_new         (VeilProtectedImageItem   *item);
VeilProtectedImageItem *veil_protected_image_row_get_item    (VeilProtectedImageRow    *self);
char                   *veil_protected_image_row_format_hashes (const VeilProtectedImage *image);

G_END_DECLS
