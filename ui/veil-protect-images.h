/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_PROTECT_IMAGES (veil_protect_images_get_type ())

G_DECLARE_FINAL_TYPE (VeilProtectImages, veil_protect_images, VEIL, PROTECT_IMAGES, AdwWindow)

gboolean   veil_protect_images_is_offered  (VeilProfile       *profile);
GtkWidget *veil_protect_images_new         (VeilContext       *context,
                                            VeilProfile       *profile);
void       veil_protect_images_add_files   (VeilProtectImages *self,
                                            GPtrArray         *files);
gboolean   veil_protect_images_remove      (VeilProtectImages *self,
                                            const char        *md5);
guint      veil_protect_images_get_n_shown (VeilProtectImages *self);
char      *veil_protect_images_get_hashes_text (VeilProtectImages *self,
                                                guint              index);

G_END_DECLS
