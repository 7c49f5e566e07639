/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_REPORT_ROW (veil_report_row_get_type ())

G_DECLARE_FINAL_TYPE (VeilReportRow, veil_report_row, VEIL, REPORT_ROW, AdwActionRow)

GtkWidget *veil_report_row_new (const char *title,
                                const char *subtitle);

G_END_DECLS
