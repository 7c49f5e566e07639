/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_PROFILE_PAGE (veil_profile_page_get_type ())

G_DECLARE_FINAL_TYPE (VeilProfilePage, veil_profile_page, VEIL, PROFILE_PAGE, AdwPreferencesPage)

GtkWidget   *veil_profile_page_new         (VeilContext     *context,
                                            VeilProfile     *profile);
VeilProfile *veil_profile_page_get_profile (VeilProfilePage *self);
gboolean     veil_profile_page_has_changes (VeilProfilePage *self);
gboolean     veil_profile_page_apply       (VeilProfilePage *self);

G_END_DECLS
