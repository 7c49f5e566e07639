/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_SCAN_PAGE (veil_scan_page_get_type ())

G_DECLARE_FINAL_TYPE (VeilScanPage, veil_scan_page, VEIL, SCAN_PAGE, AdwBin)

GtkWidget   *veil_scan_page_new         (VeilContext  *context,
                                         VeilProfile  *profile);
VeilProfile *veil_scan_page_get_profile (VeilScanPage *self);
gboolean     veil_scan_page_get_running (VeilScanPage *self);

G_END_DECLS
