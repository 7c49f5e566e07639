/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_HASH_LISTS (veil_hash_lists_get_type ())

G_DECLARE_FINAL_TYPE (VeilHashLists, veil_hash_lists, VEIL, HASH_LISTS, AdwPreferencesGroup)

GtkWidget *veil_hash_lists_new         (VeilContext   *context,
                                        VeilProfile   *profile);
void       veil_hash_lists_import_file (VeilHashLists *self,
                                        GFile         *file,
                                        gboolean       all_profiles);
gboolean   veil_hash_lists_remove      (VeilHashLists *self,
                                        gint64         list_id);
guint      veil_hash_lists_get_n_shown (VeilHashLists *self);
void       veil_hash_lists_reload      (VeilHashLists *self);

G_END_DECLS
