/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "veil-store.h"

G_BEGIN_DECLS

/* Called between the statements of a multi-statement write, with a name for the point
 * reached. The crash tests kill the process there to prove nothing half-written survives. */
typedef void (*VeilStoreWriteHook) (VeilStore  *store,
                                    const char *point,
                                    gpointer    user_data);

void      _veil_store_set_write_hook   (VeilStore          *self,
                                        VeilStoreWriteHook  hook,
                                        gpointer            user_data);
/* Opens (and migrates) a database only up to @version, to build old files for the tests. */
gboolean  _veil_store_create_at_version (const char        *path,
                                         guint              version,
                                         GError           **error);
sqlite3  *_veil_store_get_db            (VeilStore         *self);

G_END_DECLS
