/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_WARNED_ROW (veil_warned_row_get_type ())

G_DECLARE_FINAL_TYPE (VeilWarnedRow, veil_warned_row, VEIL, WARNED_ROW, AdwActionRow)

GtkWidget *veil_warned_row_new (gint64      alert_id,
                                const char *title,
                                const char *subtitle);

G_END_DECLS
