/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_TRANSPARENCY_PAGE (veil_transparency_page_get_type ())

G_DECLARE_FINAL_TYPE (VeilTransparencyPage, veil_transparency_page, VEIL, TRANSPARENCY_PAGE, AdwBin)

GtkWidget   *veil_transparency_page_new         (VeilContext          *context);
void         veil_transparency_page_reload      (VeilTransparencyPage *self);
VeilProfile *veil_transparency_page_get_profile (VeilTransparencyPage *self);
gboolean     veil_transparency_page_select      (VeilTransparencyPage *self,
                                                 gint64                profile_id);

G_END_DECLS
