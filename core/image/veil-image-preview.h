/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-image.h"

G_BEGIN_DECLS

VeilImage *veil_image_load_preview        (const char * const   *paths,
                                           guint                 n_paths,
                                           GCancellable         *cancellable,
                                           GError              **error);
void       veil_image_load_preview_async  (const char * const   *paths,
                                           guint                 n_paths,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
VeilImage *veil_image_load_preview_finish (GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
