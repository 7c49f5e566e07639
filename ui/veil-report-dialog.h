/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_REPORT_DIALOG (veil_report_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VeilReportDialog, veil_report_dialog, VEIL, REPORT_DIALOG, AdwMessageDialog)

GtkWidget *veil_report_dialog_new       (GtkWindow        *parent);
char      *veil_report_dialog_get_words (VeilReportDialog *self);

G_END_DECLS
