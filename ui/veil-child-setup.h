/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_CHILD_SETUP (veil_child_setup_get_type ())

G_DECLARE_FINAL_TYPE (VeilChildSetup, veil_child_setup, VEIL, CHILD_SETUP, AdwBin)

GtkWidget *veil_child_setup_new          (void);
void       veil_child_setup_reset        (VeilChildSetup      *self);
void       veil_child_setup_add_folder   (VeilChildSetup      *self,
                                          const char          *kind,
                                          const char          *path);
guint      veil_child_setup_get_n_adults (VeilChildSetup      *self);
gboolean   veil_child_setup_apply        (VeilChildSetup      *self,
                                          VeilProfileBuilder  *draft,
                                          GError             **error);

G_END_DECLS
