/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-hash-list.h"
#include "veil-store.h"

G_BEGIN_DECLS

VeilHashList *veil_hash_list_import_file        (VeilStore            *store,
                                                 gint64                profile_id,
                                                 const char           *path,
                                                 const char           *name,
                                                 const char           *source,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void          veil_hash_list_import_file_async  (VeilStore            *store,
                                                 gint64                profile_id,
                                                 const char           *path,
                                                 const char           *name,
                                                 const char           *source,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
VeilHashList *veil_hash_list_import_file_finish (VeilStore            *store,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
