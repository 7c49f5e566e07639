/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_HELP_PAGE (veil_help_page_get_type ())

G_DECLARE_FINAL_TYPE (VeilHelpPage, veil_help_page, VEIL, HELP_PAGE, AdwBin)

GtkWidget *veil_help_page_new         (void);
void       veil_help_page_load        (VeilHelpPage     *self,
                                       VeilHelpAudience  audience);
gboolean   veil_help_page_get_loading (VeilHelpPage     *self);

G_END_DECLS
