/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_HASH_LIST_ROW (veil_hash_list_row_get_type ())

G_DECLARE_FINAL_TYPE (VeilHashListRow, veil_hash_list_row, VEIL, HASH_LIST_ROW, AdwActionRow)

GtkWidget        *veil_hash_list_row_new      (VeilHashListItem *item);
VeilHashListItem *veil_hash_list_row_get_item (VeilHashListRow  *self);

G_END_DECLS
